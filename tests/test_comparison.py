"""Tests of initviz.comparison: the initializer x activation grid and its table (its
heatmap, initviz.plots.plot_grid, is tested in test_plots.py)."""

import numpy as np
import pytest

from initviz import initializers
from initviz.comparison import GridResult, format_grid, initializer_grid


def blobs(n_per_class=40, n_classes=3, dim=4, sep=6.0, seed=0):
    """Well separated Gaussian blobs: any reasonable classifier scores ~1."""
    gen = np.random.default_rng(seed)
    centers = sep * np.eye(n_classes, dim)
    X = np.concatenate([c + gen.standard_normal((n_per_class, dim)) for c in centers])
    y = np.repeat(np.arange(n_classes), n_per_class)
    return X, y


SMALL = dict(hidden=(8,), epochs=5, lr=0.1, batch_size=16)


def test_shapes_labels_and_summaries():
    X, y = blobs()
    res = initializer_grid(["he_normal", "zeros"], ["relu", "tanh", "sigmoid"], X, y,
                           seeds=(0, 1), **SMALL)
    assert isinstance(res, GridResult)
    assert res.accuracy.shape == res.diverged.shape == (2, 3, 2)
    assert res.initializers == ["he_normal", "zeros"]
    assert res.activations == ["relu", "tanh", "sigmoid"]
    assert res.seeds == (0, 1)
    np.testing.assert_array_equal(res.mean, res.accuracy.mean(axis=2))
    np.testing.assert_allclose(res.std, res.accuracy.std(axis=2), rtol=0, atol=1e-15)
    assert np.all((res.accuracy >= 0) & (res.accuracy <= 1))
    assert res.chance == pytest.approx(1 / 3)  # balanced classes


def test_dict_labels_and_callables():
    X, y = blobs()
    res = initializer_grid({"N(0, 0.01)": initializers.get("random_normal", stddev=0.01),
                            "He": "he_uniform"}, ["relu"], X, y, seeds=(0,), **SMALL)
    assert res.initializers == ["N(0, 0.01)", "He"]


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_zero_init_cannot_beat_a_constant_prediction(activation):
    # f(0) = 0 for relu and tanh: with all weights and biases 0 every hidden unit outputs 0,
    # so dL/dW = a.T @ delta = 0 everywhere and only the output bias learns. The network
    # then predicts one class for every input: its accuracy is that class' frequency.
    X, y = blobs(n_per_class=30, n_classes=3)
    res = initializer_grid(["zeros"], [activation], X, y, seeds=(0, 1, 2), **SMALL)
    freqs = np.bincount(y) / y.size
    for acc in res.accuracy.ravel():
        assert np.isclose(freqs, acc).any()
    assert np.all(res.accuracy <= res.chance + 1e-12)


def test_std_is_exactly_zero_when_all_seeds_agree():
    res = GridResult(["a"], ["relu"], (0, 1, 2), np.full((1, 1, 3), 0.1), np.zeros((1, 1, 3), bool),
                     0.1)
    assert res.std[0, 0] == 0.0  # np.std gives ~1e-17 here
    assert "0.1 ± 0" in format_grid(res)


def test_a_scaled_init_learns_separable_blobs():
    X, y = blobs()
    res = initializer_grid(["he_normal", "glorot_uniform"], ["relu", "tanh"], X, y,
                           seeds=(0, 1), **SMALL)
    assert np.all(res.accuracy > 0.9)
    assert not res.diverged.any()


def test_same_seeds_reproduce_and_other_seeds_differ():
    X, y = blobs(sep=1.0)  # overlapping classes: accuracies depend on the draw
    kw = dict(hidden=(8,), epochs=2, lr=0.05, batch_size=16)
    a = initializer_grid(["glorot_uniform"], ["tanh"], X, y, seeds=(0, 1, 2, 3), **kw)
    b = initializer_grid(["glorot_uniform"], ["tanh"], X, y, seeds=(0, 1, 2, 3), **kw)
    np.testing.assert_array_equal(a.accuracy, b.accuracy)
    assert len(set(a.accuracy.ravel())) > 1


def test_evaluation_set_is_used():
    X, y = blobs()
    X_test, y_test = X[:10], np.zeros(10, dtype=np.int64)  # all class 0
    res = initializer_grid(["zeros"], ["relu"], X, y, X_test=X_test, y_test=y_test,
                           seeds=(0,), **SMALL)
    assert res.chance == 1.0
    assert res.accuracy[0, 0, 0] in (0.0, 1.0)  # one class predicted for all 10 inputs


def test_divergence_is_flagged():
    X, y = blobs()
    res = initializer_grid({"N(0, 100)": initializers.get("random_normal", stddev=100.0)},
                           ["relu"], X, y, seeds=(0,), hidden=(8, 8), epochs=3, lr=1e300,
                           batch_size=16)
    assert res.diverged.all()


def test_format_grid():
    X, y = blobs()
    res = initializer_grid(["he_normal", "zeros"], ["relu", "tanh"], X, y, seeds=(0, 1),
                           **SMALL)
    text = format_grid(res)
    lines = text.splitlines()
    assert len(lines) == 1 + 2
    assert lines[0].split() == ["initializer", "relu", "tanh"]
    assert lines[2].startswith("zeros")
    assert text.count("±") == 4
    assert f"{res.mean[0, 1]:.3g} ± {res.std[0, 1]:.3g}" in lines[1]


@pytest.mark.parametrize("kwargs, error", [
    (dict(initializers=[]), ValueError),
    (dict(initializers={}), ValueError),
    (dict(initializers="he_normal"), TypeError),
    (dict(initializers=[initializers.get("he_normal")]), TypeError),
    (dict(initializers=["he_nromal"]), ValueError),
    (dict(activations=[]), ValueError),
    (dict(activations=["softplus"]), ValueError),
    (dict(seeds=()), ValueError),
    (dict(seeds=(0, -1)), ValueError),
    (dict(seeds=(0.5,)), TypeError),  # a wrong type: not an int
    (dict(seeds=3), TypeError),
])
def test_bad_arguments(kwargs, error):
    X, y = blobs()
    args = dict(initializers=["he_normal"], activations=["relu"], seeds=(0,))
    args.update(kwargs)
    with pytest.raises(error):
        initializer_grid(args.pop("initializers"), args.pop("activations"), X, y,
                         **args, **SMALL)

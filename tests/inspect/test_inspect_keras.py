"""initviz.inspect on Keras 3 models (torch backend): rows against the layers' outputs and
gradients computed here by calling the layers one by one, the schemes Keras draws, a layer's
own activation as its own row, a residual Add, and the model unchanged. Skipped, saying so,
where Keras is not installed."""

from __future__ import annotations

import os

import numpy as np
import pytest

import initviz

os.environ.setdefault("KERAS_BACKEND", "torch")
pytest.importorskip("torch", reason="Keras runs on its torch backend: pip install initviz[keras]")
try:
    import keras
except ImportError:
    pytest.skip("Keras not installed: pip install initviz[keras]", allow_module_level=True)
if keras.backend.backend() != "torch":
    pytest.skip("Keras was imported with another backend than torch", allow_module_level=True)
import torch  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

X = np.random.default_rng(0).standard_normal((128, 32)).astype(np.float32)
Y = np.random.default_rng(1).integers(0, 10, 128)


def _model(seed=0, init="glorot_uniform"):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((32,)),
                             keras.layers.Dense(64, activation="relu", kernel_initializer=init),
                             keras.layers.Dense(64, activation="tanh", kernel_initializer=init),
                             keras.layers.Dense(10, kernel_initializer=init)])


def _by_hand(model, x, y):
    """Each Dense's z = x @ W + b, its activation f(z), their gradients (torch autograd on
    the tensors Keras returns), layer by layer."""
    a = torch.as_tensor(x)
    values = []
    for layer in model.layers:
        z = a @ layer.kernel.value + layer.bias.value
        z.retain_grad()
        values.append(z)
        if layer.activation.__name__ != "linear":
            a = layer.activation(z)
            a.retain_grad()
            values.append(a)
        else:
            a = z
    loss = torch.nn.functional.cross_entropy(a, torch.as_tensor(y))
    loss.backward()
    return ([(v.detach().double().numpy(), v.grad.double().numpy()) for v in values],
            float(loss.detach()))


def test_rows_match_the_layers_computed_by_hand():
    model = _model()
    report = initviz.inspect(model, X, Y)
    ref, loss = _by_hand(_model(), X, Y)
    assert [r.name for r in report.rows] == ["dense", "dense/relu", "dense_1", "dense_1/tanh",
                                             "dense_2"]
    assert [r.category for r in report.rows] == ["dense", "activation"] * 2 + ["dense"]
    for row, (out, grad) in zip(report.rows, ref):
        assert row.out_std == pytest.approx(out.std(), rel=1e-5)
        assert row.grad_std == pytest.approx(grad.std(), rel=1e-4)
    assert report.loss == pytest.approx(loss, rel=1e-5)
    assert report.rows[0].scheme == "glorot_uniform"
    assert report.rows[3].saturated is not None and report.rows[1].dead is not None
    assert "glorot-with-relu" in report.codes
    assert report.row("dense").theory_out_std == pytest.approx(report.row("dense").out_std,
                                                               rel=0.15)


@pytest.mark.parametrize("name", ["he_normal", "he_uniform", "glorot_normal", "lecun_normal"])
def test_keras_initializers_are_named(name):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((300,)),
                              keras.layers.Dense(100, kernel_initializer=name)])
    report = initviz.inspect(model, np.ones((4, 300), np.float32), rng=0)
    assert report.rows[0].scheme == name


def test_functional_residual_conv_norm_embedding_and_the_model_unchanged():
    keras.utils.set_random_seed(0)
    inp = keras.Input((8, 8, 1))
    h = keras.layers.Conv2D(8, 3, activation="relu", kernel_initializer="he_normal")(inp)
    b = keras.layers.Conv2D(8, 3, padding="same", kernel_initializer="he_normal")(h)
    s = keras.layers.Add()([h, b])
    s = keras.layers.BatchNormalization()(s)
    s = keras.layers.Dropout(0.5)(s)
    out = keras.layers.Dense(3)(keras.layers.Flatten()(s))
    model = keras.Model(inp, out)
    x = np.random.default_rng(2).standard_normal((64, 8, 8, 1)).astype(np.float32)
    before = [np.array(keras.ops.convert_to_numpy(v)) for v in model.variables]
    report = initviz.inspect(model, x, rng=0)
    after = [np.array(keras.ops.convert_to_numpy(v)) for v in model.variables]
    assert all(np.array_equal(a, c) for a, c in zip(before, after))  # BN moving stats too
    assert model.layers[1].call.__func__ is type(model.layers[1]).call  # unwrapped
    kinds = {r.name: r.category for r in report.rows}
    assert kinds["add"] == "residual" and kinds["batch_normalization"] == "norm"
    assert report.row("conv2d").fan_in == 9 and report.row("conv2d").scheme == "he_normal"
    assert any("Dropout" in n for n in report.notes)

    keras.utils.set_random_seed(0)
    emb = keras.Sequential([keras.Input((5,), dtype="int32"), keras.layers.Embedding(50, 16),
                            keras.layers.LayerNormalization()])
    r2 = initviz.inspect(emb, np.random.default_rng(3).integers(0, 50, (32, 5)), rng=0)
    assert r2.rows[0].category == "embedding" and r2.rows[0].scheme == "random_uniform"

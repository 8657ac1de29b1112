"""Tests of initviz.symmetry: values come from closed-form formulas and finite differences."""

import numpy as np
import pytest

import initviz
from initviz import initializers
from initviz import symmetry as S

CONST = initializers.get("constant", value=0.5)


def small_data(target="linear", noise=0.1):
    return S.make_lecture_data(40, noise=noise, target=target, rng=3)


# ----------------------------------------------------------------------------- data


def test_lecture_data_is_the_formula_without_noise():
    X, y = S.make_lecture_data(50, noise=0.0, rng=1)
    assert X.shape == (50, 2) and y.shape == (50, 1) and X.dtype == np.float64
    np.testing.assert_allclose(y[:, 0], 1.0 + X[:, 0] - 2.0 * X[:, 1], rtol=0, atol=1e-14)
    Xf, yf = S.make_lecture_data(50, noise=0.0, target="folded", rng=1)
    np.testing.assert_array_equal(Xf, X)
    np.testing.assert_array_equal(yf[:, 0], np.abs(X[:, 0] - 2.0 * X[:, 1]))


def test_lecture_data_noise_has_the_requested_std():
    X, y = S.make_lecture_data(20000, noise=0.3, rng=2)
    residual = y[:, 0] - (1.0 + X[:, 0] - 2.0 * X[:, 1])
    # std of a sample std of n normals: sigma / sqrt(2 n) ~ 0.0015; allow 5 of them
    assert abs(residual.std() - 0.3) < 5 * 0.3 / np.sqrt(2 * 20000)


def test_lecture_data_is_seeded():
    a = S.make_lecture_data(10, rng=7)
    b = S.make_lecture_data(10, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize("kwargs, error", [
    (dict(n_samples=0), ValueError), (dict(n_samples=2.5), TypeError),
    (dict(noise=-1.0), ValueError), (dict(noise=float("nan")), ValueError),
    (dict(target="cubic"), ValueError),
])
def test_lecture_data_rejects_bad_arguments(kwargs, error):
    with pytest.raises(error):
        S.make_lecture_data(**kwargs)


# ----------------------------------------------------------------------------- unit_spread


def test_unit_spread_by_hand():
    W = np.array([[1.0, 1.0, 3.0], [2.0, 2.0, 2.0]])
    assert S.unit_spread(W) == 2.0
    assert S.unit_spread(np.array([0.5, 0.5, -0.5])) == 1.0
    assert S.unit_spread(np.ones((4, 1))) == 0.0
    assert S.unit_spread(np.full((3, 5), 0.7)) == 0.0


def test_unit_spread_rejects_bad_shapes():
    with pytest.raises(ValueError, match="shape"):
        S.unit_spread(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="shape"):
        S.unit_spread(np.zeros((0, 3)))


# ----------------------------------------------------------------------------- train_recording


def test_train_recording_is_the_training_loop():
    X, y = small_data()
    net = initviz.MLP([2, 3, 1], activation="tanh", rng=0)
    twin = net.copy()
    rec = S.train_recording(net, X, y, 25, 0.1, keep_weights=True)
    hist = initviz.train(twin, X, y, epochs=25, lr=0.1)
    np.testing.assert_allclose(rec.loss, hist.loss, rtol=1e-12)
    for W, W2 in zip(net.weights, twin.weights):
        np.testing.assert_allclose(W, W2, rtol=1e-12)
    assert len(rec.weights) == 26 and rec.spread.shape == (26,)
    np.testing.assert_array_equal(rec.weights[-1], net.weights[0])
    assert rec.spread[-1] == S.unit_spread(net.weights[0])
    assert rec.final_loss == rec.loss[-1]


def test_train_recording_applies_per_layer_rates():
    X, y = small_data()
    net = initviz.MLP([2, 3, 1], activation="sigmoid", rng=0)
    ref = net.copy()
    rates = {"weights": [0.1, 0.3], "biases": [0.2, 0.05]}
    S.train_recording(net, X, y, 1, rates)
    _, g = ref.loss_and_gradients(X, y)
    for i in range(2):
        np.testing.assert_allclose(net.weights[i], ref.weights[i] - rates["weights"][i] * g.weights[i])
        np.testing.assert_allclose(net.biases[i], ref.biases[i] - rates["biases"][i] * g.biases[i])


def test_train_recording_stops_on_divergence():
    X, y = small_data()
    net = initviz.MLP([2, 4, 1], activation="relu",
                      weight_init=initializers.get("random_normal", stddev=30.0), rng=0)
    rec = S.train_recording(net, X, y, 50, 10.0)
    assert np.isnan(rec.loss[-1])
    assert np.isfinite(rec.loss[0])


@pytest.mark.parametrize("kwargs, error", [
    (dict(steps=0), ValueError), (dict(steps=1.5), TypeError), (dict(lr=0.0), ValueError),
    (dict(lr=[0.1]), ValueError), (dict(layer=5), ValueError), (dict(lr="0.1"), TypeError),
    (dict(lr={"weights": [0.1, 0.1]}), ValueError),
    (dict(lr={"weights": [0.1, 0.1], "biases": [0.1, -1]}), ValueError),
])
def test_train_recording_rejects_bad_arguments(kwargs, error):
    X, y = small_data()
    net = initviz.MLP([2, 2, 1], rng=0)
    args = dict(steps=3, lr=0.1)
    args.update(kwargs)
    with pytest.raises(error):
        S.train_recording(net, X, y, **args)


# ----------------------------------------------------------------------------- the symmetry facts


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_zero_init_learns_only_the_output_bias(activation):
    # Output = b2 for ever, so b2 follows b2 <- b2 - lr * 2 (b2 - mean y):
    # b2_t = mean(y) * (1 - (1 - 2 lr)^t).
    X, y = small_data()
    net = initviz.MLP([2, 2, 1], activation=activation, weight_init="zeros")
    lr, steps = 0.1, 30
    S.train_recording(net, X, y, steps, lr)
    for arr in (net.weights[0], net.biases[0], net.weights[1]):
        assert np.all(arr == 0.0)
    expected = y.mean() * (1 - (1 - 2 * lr) ** steps)
    np.testing.assert_allclose(net.biases[1][0], expected, rtol=1e-12)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("init", ["zeros", "constant"])
def test_constant_init_keeps_units_identical(activation, init):
    X, y = small_data(target="folded")
    w_init = CONST if init == "constant" else "zeros"
    net = initviz.MLP([2, 5, 1], activation=activation, weight_init=w_init, bias_init=w_init)
    rec = S.train_recording(net, X, y, 200, 0.05)
    # Exactly 0 in exact arithmetic. Width 5 is chosen on purpose: BLAS may sum the columns
    # of X @ W in different orders (SIMD blocks of 4 or 8), leaving ~1e-16 round-off.
    tol = 1e-12
    assert rec.spread.max() <= tol
    assert S.unit_spread(net.biases[0]) <= tol
    assert S.unit_spread(net.weights[1].T) <= tol


def test_random_weights_break_symmetry_with_zero_biases():
    X, y = small_data(target="folded")
    net = initviz.MLP([2, 5, 1], activation="relu", weight_init="he_normal", rng=0)
    assert np.all(net.biases[0] == 0.0)
    S.train_recording(net, X, y, 50, 0.05)
    assert S.unit_spread(net.biases[0]) > 0.0


# ----------------------------------------------------------------------------- collapse


def test_collapse_computes_the_same_function():
    X, _ = small_data()
    wide = initviz.MLP([2, 6, 1], activation="sigmoid", weight_init=CONST, bias_init=CONST)
    wide.weights[1] = np.arange(6.0)[:, None]  # outgoing weights need not be equal
    one = S.collapse(wide)
    assert one.layer_sizes == [2, 1, 1]
    assert one.weights[1][0, 0] == 15.0
    np.testing.assert_allclose(one.forward(X), wide.forward(X), rtol=1e-13)


def test_collapse_rejects_asymmetric_or_deep_networks():
    with pytest.raises(ValueError, match="not copies"):
        S.collapse(initviz.MLP([2, 3, 1], weight_init="he_normal", rng=0))
    with pytest.raises(ValueError, match="one hidden layer"):
        S.collapse(initviz.MLP([2, 3, 3, 1], weight_init="zeros"))


def test_collapsed_learning_rates_formula():
    assert S.collapsed_learning_rates(0.1, 4) == {"weights": [0.025, 0.4], "biases": [0.025, 0.1]}
    with pytest.raises(ValueError):
        S.collapsed_learning_rates(0.1, 0)
    with pytest.raises(ValueError):
        S.collapsed_learning_rates(-0.1, 2)


def _loss_fd(net, X, y, arrays, h=1e-6):
    """Central difference of the loss when every entry in `arrays` is moved by +-h."""
    for a in arrays:
        a += h
    up = net.loss(X, y)
    for a in arrays:
        a -= 2 * h
    down = net.loss(X, y)
    for a in arrays:
        a += h
    return (up - down) / (2 * h)


def test_collapsed_gradients_by_finite_differences():
    # d(wide loss)/dw_j = d(collapsed loss)/dv, and d(wide loss)/du_j = (1/k) d(collapsed)/du,
    # the two facts collapsed_learning_rates rests on.
    X, y = small_data(target="folded")
    k = 4
    wide = initviz.MLP([2, k, 1], activation="tanh", weight_init=CONST, bias_init=CONST)
    one = S.collapse(wide)
    g_wide = _loss_fd(wide, X, y, [wide.weights[1][0:1, 0]])
    g_one = _loss_fd(one, X, y, [one.weights[1][0:1, 0]])
    np.testing.assert_allclose(g_wide, g_one, rtol=1e-6)
    gu_wide = _loss_fd(wide, X, y, [wide.weights[0][0:1, 0]])
    gu_one = _loss_fd(one, X, y, [one.weights[0][0:1, 0]])
    np.testing.assert_allclose(gu_wide, gu_one / k, rtol=1e-6)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_wide_constant_net_follows_its_collapse(activation):
    X, y = small_data(target="folded")
    k, lr = 6, 0.05
    wide = initviz.MLP([2, k, 1], activation=activation, weight_init=CONST, bias_init=CONST)
    one = S.collapse(wide)
    rec_wide = S.train_recording(wide, X, y, 300, lr)
    rec_one = S.train_recording(one, X, y, 300, S.collapsed_learning_rates(lr, k))
    np.testing.assert_allclose(rec_wide.loss, rec_one.loss, rtol=1e-10)
    # with the wide net's single rate instead, the one-unit net takes other steps
    plain = S.collapse(initviz.MLP([2, k, 1], activation=activation, weight_init=CONST,
                                   bias_init=CONST))
    rec_plain = S.train_recording(plain, X, y, 300, lr)
    assert abs(rec_plain.final_loss - rec_wide.final_loss) > 1e-6

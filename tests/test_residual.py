"""ResidualMLP (initviz.residual): the forward pass against a hand-written numpy forward,
every gradient against central finite differences, the variance growth of the stream against
(1 + branch_scale^2)^L (Monte Carlo), the identity start, and training with initviz.train."""

import math

import numpy as np
import pytest

from initviz import MLP, stats, train
from initviz.normalization import EPS
from initviz.residual import ResidualMLP, stream_variance_growth
from gradcheck import numerical_gradient


def forward_ref(net, X):
    """The module docstring's equations, written out independently of ResidualMLP.trace."""
    f = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}[net.hidden_activations[0].name]
    x = X @ net.weights[0] + net.biases[0]
    m = net.branch_layers
    for k in range(net.n_blocks):
        h = x
        for j in range(m):
            i = 1 + k * m + j
            if net.norm is not None:
                axis = 1 if net.norm == "layer" else 0
                n = net.norms[i - 1]
                h = ((h - h.mean(axis, keepdims=True)) / np.sqrt(h.var(axis, keepdims=True) + EPS)
                     * n.gain + n.shift)
            h = f(h) @ net.weights[i] + net.biases[i]
        x = x + net.scales[k] * h
    return x @ net.weights[-1] + net.biases[-1]


def perturbed(net, seed):
    """Give every parameter a generic value (nonzero biases, gains, shifts, scales)."""
    rng = np.random.default_rng(seed)
    for b in net.biases:
        b[...] = rng.normal(0, 0.2, b.shape)
    for n in net.norms:
        n.gain[...] = rng.normal(1, 0.3, n.gain.shape)
        n.shift[...] = rng.normal(0, 0.3, n.shift.shape)
    net.scales[...] = rng.normal(0.7, 0.2, net.scales.shape)
    return net


CASES = [(norm, m, out) for norm in (None, "layer", "batch") for m in (1, 2)
         for out in ("linear", "softmax")] + [(None, 3, "sigmoid")]


@pytest.mark.parametrize("norm, branch_layers, output", CASES)
def test_forward_equals_hand_written_numpy(norm, branch_layers, output):
    net = perturbed(ResidualMLP(3, 5, 3, 4 if output != "sigmoid" else 1, activation="tanh",
                                branch_layers=branch_layers, norm=norm,
                                output_activation=output, rng=0), 1)
    X = np.random.default_rng(2).standard_normal((6, 3))
    t = net.trace(X)
    np.testing.assert_allclose(t.pre_activations[-1], forward_ref(net, X), rtol=1e-12)
    assert len(t.stream) == net.n_blocks + 1
    for i in range(1, net.n_layers):  # the MLP's relation z[i] = a[i-1] @ W[i] + b[i]
        np.testing.assert_allclose(t.pre_activations[i],
                                   t.activations[i - 1] @ net.weights[i] + net.biases[i])


@pytest.mark.parametrize("norm, branch_layers, output", CASES)
def test_every_gradient_matches_central_finite_differences(norm, branch_layers, output):
    n_out = 1 if output == "sigmoid" else 3
    net = perturbed(ResidualMLP(3, 4, 2, n_out, activation="tanh", branch_layers=branch_layers,
                                norm=norm, output_activation=output, rng=3, learn_scale=True), 4)
    rng = np.random.default_rng(5)
    X = rng.standard_normal((6, 3))
    y = (rng.integers(0, 3, 6) if output == "softmax" else
         rng.integers(0, 2, (6, 1)).astype(float) if output == "sigmoid" else
         rng.standard_normal((6, n_out)))

    def loss():
        saved = [(n.running_mean.copy(), n.running_var.copy()) for n in net.norms
                 if hasattr(n, "running_mean")]
        value = net.loss(X, y)
        for n, (mean, var) in zip([n for n in net.norms if hasattr(n, "running_mean")], saved):
            n.running_mean, n.running_var = mean, var
        return value

    _, g = net.loss_and_gradients(X, y)
    check = dict(rtol=1e-5, atol=1e-8)
    for i in range(net.n_layers):
        np.testing.assert_allclose(g.weights[i], numerical_gradient(loss, net.weights[i]), **check)
        np.testing.assert_allclose(g.biases[i], numerical_gradient(loss, net.biases[i]), **check)
    for i, n in enumerate(net.norms):
        np.testing.assert_allclose(g.gains[i], numerical_gradient(loss, n.gain), **check)
        np.testing.assert_allclose(g.shifts[i], numerical_gradient(loss, n.shift), **check)
    np.testing.assert_allclose(g.scales, numerical_gradient(loss, net.scales), **check)
    np.testing.assert_allclose(g.inputs, numerical_gradient(loss, X), **check)


def test_relu_network_and_evaluation_mode_batchnorm_gradients():
    net = perturbed(ResidualMLP(3, 6, 2, 2, branch_layers=2, norm="batch",
                                output_activation="softmax", rng=6), 7)
    X = np.random.default_rng(8).standard_normal((10, 3))
    y = np.arange(10) % 2
    for _ in range(3):
        net.trace(X)  # running statistics away from their start
    net.eval()
    _, g = net.loss_and_gradients(X, y)
    # ReLU: no pre-activation within 1e-4 of the kink, so +-1e-7 steps never cross one
    assert min(np.abs(u).min() for u in g.trace._normed) > 1e-4
    for i in (0, 2, 4):
        np.testing.assert_allclose(g.weights[i], numerical_gradient(
            lambda: net.loss(X, y), net.weights[i], h=1e-7), rtol=1e-4, atol=1e-8)
    np.testing.assert_allclose(g.gains[1], numerical_gradient(
        lambda: net.loss(X, y), net.norms[1].gain, h=1e-7), rtol=1e-4, atol=1e-8)


def test_stream_gradient_is_the_gradient_of_the_loss_with_respect_to_the_stream():
    net = ResidualMLP(3, 4, 3, 2, activation="tanh", rng=9)
    X = np.random.default_rng(10).standard_normal((5, 3))
    delta = np.random.default_rng(11).standard_normal((5, 2))
    g = net.backward(net.trace(X), delta)
    # the output layer is linear in the last stream: dL/dx[L] = delta @ W_out.T
    np.testing.assert_allclose(g.stream[-1], delta @ net.weights[-1].T)
    # and the first stream is the input projection's output: dL/dx[0] = dL/dz[0]
    np.testing.assert_allclose(g.stream[0], g.pre_activations[0])


@pytest.mark.slow
@pytest.mark.parametrize("scale", [1.0, 0.5, 10 ** -0.5])
def test_stream_variance_grows_as_one_plus_scale_squared_to_the_depth(scale):
    # Monte Carlo over 8 networks of width 512 on 512 Gaussian inputs: the mean variance
    # ratio at block 10 is within 12 % of (1 + s^2)^10 (1024 for s = 1).
    L = 10
    ratios = []
    for seed in range(8):
        net = ResidualMLP(64, 512, L, 1, branch_scale=scale, rng=seed)
        X = np.random.default_rng(100 + seed).standard_normal((512, 64))
        s = net.trace(X).stream
        ratios.append([x.var() / s[0].var() for x in s])
    measured = np.mean(ratios, axis=0)
    want = stream_variance_growth(L, scale)
    np.testing.assert_allclose(measured, want, rtol=0.12)
    assert want[-1] == pytest.approx((1 + scale ** 2) ** L)


def test_zero_last_makes_every_block_the_identity_at_initialization():
    net = ResidualMLP(8, 16, 5, 3, branch_layers=2, zero_last=True, rng=0)
    X = np.random.default_rng(1).standard_normal((20, 8))
    t = net.trace(X)
    for x in t.stream[1:]:
        np.testing.assert_array_equal(x, t.stream[0])
    plain = MLP([8, 16, 3], activation="linear", weight_init="zeros", rng=0)
    plain.weights = [net.weights[0], net.weights[-1]]
    np.testing.assert_allclose(t.output, plain.forward(X))


def test_zero_last_gain_also_gives_the_identity_goyal():
    net = ResidualMLP(8, 16, 4, 3, branch_layers=2, norm="batch", last_gain=0.0, rng=0)
    t = net.trace(np.random.default_rng(1).standard_normal((20, 8)))
    for x in t.stream[1:]:
        np.testing.assert_array_equal(x, t.stream[0])


@pytest.mark.parametrize("norm", ["batch", "layer"])
def test_a_dense_layer_before_a_normalization_forgets_its_scale(norm):
    net = ResidualMLP(8, 32, 3, 4, branch_layers=2, norm=norm, rng=0)
    for n in net.norms:  # eps = 1e-5 would add ~eps / (2 c^2 Var(z)): 5 % at c = 0.01
        n.eps = 1e-12
    X = np.random.default_rng(1).standard_normal((64, 8))
    base = net.trace(X).output
    i = net.branch_layer(1, 0)   # its output goes into the norm of layer j = 1
    grads = []
    for c in (0.01, 100.0):
        other = net.copy()
        other.weights[i] *= c
        other.biases[i] *= c
        np.testing.assert_allclose(other.trace(X).output, base, rtol=1e-6, atol=1e-9)
        _, g = other.loss_and_gradients(X, np.zeros((64, 4)))
        grads.append(np.linalg.norm(g.weights[i]))
    # the backward pass still scales: dL/d(cW) = dL/dW / c
    assert grads[0] / grads[1] == pytest.approx(100.0 / 0.01, rel=1e-6)


def test_constant_weights_with_batchnorm_still_give_identical_units():
    net = ResidualMLP(8, 16, 3, 2, weight_init="ones", norm="batch", rng=0)
    X = np.random.default_rng(1).standard_normal((32, 8))
    for x in net.trace(X).stream:
        assert np.ptp(x, axis=1).max() == 0.0


def test_batchnorm_stream_variance_grows_linearly_de_and_smith():
    # BatchNorm'd He branches add unit variance per block: Var(x[k]) = Var(x[0]) + k
    L = 16
    net = ResidualMLP(64, 512, L, 1, norm="batch", rng=0)
    s = net.trace(np.random.default_rng(1).standard_normal((1024, 64))).stream
    v = np.array([x.var() for x in s])
    np.testing.assert_allclose(v, v[0] + np.arange(L + 1), rtol=0.1)


def test_train_and_statistics_accept_a_residual_network():
    from initviz import datasets
    X, y = datasets.make_moons(128, rng=0)
    for norm in (None, "batch", "layer"):
        net = ResidualMLP(2, 16, 4, 1, branch_layers=2, norm=norm, branch_scale=0.5,
                          output_activation="sigmoid", rng=0, learn_scale=True)
        h = train(net, X, y, epochs=30, lr=0.1, batch_size=32, rng=0)
        assert h.loss[-1] < 0.8 * h.loss[0]
        assert len(h.grad_std[0]) == net.n_layers
        net.eval()
        assert net.accuracy(X, y) > 0.8
    s = stats.network_stats(net, X, y)
    assert len(s.activations) == net.n_layers and len(s.gradients) == net.n_layers
    s, g = stats.signal_propagation(net, X, rng=0)
    assert len(g.stream) == net.n_blocks + 1


def test_copy_is_independent():
    net = ResidualMLP(2, 4, 2, 1, norm="layer", rng=0)
    other = net.copy()
    other.weights[1] += 1
    other.norms[0].gain += 1
    other.scales += 1
    assert type(other) is ResidualMLP
    assert net.weights[1].sum() != other.weights[1].sum()
    assert net.norms[0].gain[0] == 1.0 and net.scales[0] == 1.0


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="norm must be one of 'layer', 'batch'"):
        ResidualMLP(2, 4, 2, 1, norm="group")
    with pytest.raises(TypeError, match="branch_scale"):
        ResidualMLP(2, 4, 2, 1, branch_scale="big")
    with pytest.raises(ValueError, match="branch_layers"):
        ResidualMLP(2, 4, 2, 1, branch_layers=0)
    with pytest.raises(TypeError, match="one activation"):
        ResidualMLP(2, 4, 2, 1, activation=["relu", "tanh"])
    with pytest.raises(ValueError, match="3 features"):
        ResidualMLP(2, 4, 2, 1).trace(np.ones((3, 3)))
    assert math.isinf(float(stream_variance_growth(2000)[-1]))  # overflow reported, no warning

"""The signal explorer's layer rules (initviz.propagation_blocks): every backward pass against
central finite differences, the residual stack against ResidualMLP (an independent
implementation), the plain normalized stack against a loop over the LayerNorm/BatchNorm
classes, the stream's variance growth against (1 + s^2)^i (Monte Carlo), and the
normalization's unit pre-activations."""

import math
import tracemalloc

import numpy as np
import pytest

from initviz import ResidualMLP
from initviz.propagation import WeightBank, propagate
from initviz.normalization import BatchNorm, LayerNorm
from initviz.propagation_blocks import NORM_CHOICES, LayerRule, residual_theory
from gradcheck import numerical_gradient

MODES = [(residual, norm) for residual in (False, True) for norm in NORM_CHOICES]


def draws(depth, width, n, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, width))
    units = [rng.standard_normal((width, width)) for _ in range(depth)]
    G = rng.standard_normal((n, width))
    return X, units, G


def run(rule, X, units, factor, G):
    """The stack's forward and backward by the rule's per-layer functions: the outputs,
    the shown gradients (layer 1 first) and dL/dX."""
    outs, caches, x = [], [], X
    for w in units:
        x, cache, _ = rule.forward(x, w, factor)
        outs.append(x)
        caches.append(cache)
    grads = [G.copy()]
    for i in range(len(units) - 2, -1, -1):
        grads.insert(0, rule.backward(grads[0].copy(), units[i + 1], factor, caches[i],
                                      caches[i + 1]))
    if rule.residual:
        dX = rule.backward(grads[0].copy(), units[0], factor, None, caches[0])
    else:
        dX = grads[0] @ units[0].T * factor
    return outs, grads, dX


def loss(rule, X, units, factor, G):
    """L = sum(G * the last layer's z) (plain) or sum(G * x[depth]) (residual): the
    injected gradient G is dL/dz or dL/dx of the last layer."""
    x = X
    for w in units[:-1]:
        x = rule.forward(x, w, factor)[0]
    last = x @ units[-1] * factor if not rule.residual else rule.forward(x, units[-1],
                                                                           factor)[0]
    return float(np.sum(G * last))


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("residual, norm", MODES)
def test_backward_matches_central_finite_differences(residual, norm, activation):
    rule = LayerRule(activation, residual=residual, branch_scale=0.7, norm=norm)
    X, units, G = draws(3, 5, 6, seed=1)
    factor = 0.5
    _, grads, dX = run(rule, X, units, factor, G)
    numeric = numerical_gradient(lambda: loss(rule, X, units, factor, G), X)
    np.testing.assert_allclose(dX, numeric, rtol=1e-5, atol=1e-7)
    # and the shown gradient of layer 1 (dL/dz[1] or dL/dx[1]), perturbing that quantity
    if residual:
        x1 = rule.forward(X, units[0], factor)[0]
        numeric1 = numerical_gradient(lambda: loss(rule, x1, units[1:], factor, G), x1)
    else:
        z1 = X @ units[0] * factor

        def from_z1():
            h = z1 if rule.norm == "none" else (
                LayerNorm(5) if rule.norm == "layer" else BatchNorm(5)).forward(z1)[0]
            return loss(rule, rule.act.f(h), units[1:], factor, G)

        numeric1 = numerical_gradient(from_z1, z1)
    np.testing.assert_allclose(grads[0], numeric1, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("norm", NORM_CHOICES)
def test_the_residual_stack_is_residual_mlp_with_one_layer_branches(norm):
    depth, width, n, factor, s = 4, 6, 8, 0.4, 0.6
    X, units, G = draws(depth, width, n, seed=2)
    net = ResidualMLP(width, width, depth, width, activation="tanh", branch_scale=s,
                      norm=None if norm == "none" else norm, rng=0)
    net.weights[0][...] = np.eye(width)     # identity input projection
    net.weights[-1][...] = np.eye(width)    # and output layer: dL/dz_out = dL/dx[depth]
    for k in range(depth):
        net.weights[1 + k][...] = factor * units[k]
    trace = net.trace(X)
    ref = net.backward(trace, G)
    outs, grads, dX = run(LayerRule("tanh", True, s, norm), X, units, factor, G)
    for i in range(depth):
        np.testing.assert_allclose(outs[i], trace.stream[i + 1], rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(grads[i], ref.stream[i + 1], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dX, ref.stream[0], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("norm", ["layer", "batch"])
def test_the_plain_normalized_stack_is_dense_norm_activation(norm):
    """Against the LayerNorm/BatchNorm classes' own forward and backward, Dense -> norm ->
    activation (Ioffe & Szegedy 2015)."""
    depth, width, n, factor = 4, 6, 8, 0.3
    X, units, G = draws(depth, width, n, seed=3)
    layer = LayerNorm if norm == "layer" else BatchNorm
    a, trace = X, []
    for w in units:
        z = a @ (factor * w)
        nrm = layer(width)
        y, cache = nrm.forward(z)
        a = np.tanh(y)
        trace.append((a, y, nrm, cache))
    g, ref_grads = G, [G]
    for i in range(depth - 2, -1, -1):
        a_i, y_i, nrm, cache = trace[i]
        dy = (g @ (factor * units[i + 1]).T) * (1 - np.tanh(y_i) ** 2)
        g = nrm.backward(dy, cache)[0]
        ref_grads.insert(0, g)
    outs, grads, _ = run(LayerRule("tanh", False, norm=norm), X, units, factor, G)
    for i in range(depth):
        np.testing.assert_allclose(outs[i], trace[i][0], rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(grads[i], ref_grads[i], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("s", [1.0, 1 / math.sqrt(8), 0.5])
def test_he_relu_stream_variance_grows_as_one_plus_s_squared_to_the_i(s):
    """He et al. (2016) branches without normalization: Var(x[i]) = (1 + s^2)^i; the
    gradient's variance grows the same way backwards. Monte Carlo over 4 seeds, 512 wide:
    the formula is the infinite-width limit; at finite width the stream runs a little ahead
    (a unit's own weight W[k, k] correlates its branch with it: measured +1.5 % a layer at
    width 256, s = 1), hence 12 % over 8 layers."""
    depth, width, n = 8, 512, 128
    rule = LayerRule("relu", residual=True, branch_scale=s)
    factor = math.sqrt(2 / width)
    act_var, grad_var = np.zeros(depth), np.zeros(depth)
    seeds = range(4)
    for seed in seeds:
        X, units, G = draws(depth, width, n, seed)
        outs, grads, _ = run(rule, X, units, factor, G)
        act_var += [o.var() for o in outs]
        grad_var += [g.var() for g in grads]
    act_var /= len(seeds)
    grad_var /= len(seeds)
    i = np.arange(1, depth + 1)
    np.testing.assert_allclose(act_var, (1 + s * s) ** i, rtol=0.12)
    np.testing.assert_allclose(grad_var, (1 + s * s) ** (depth - i), rtol=0.12)
    a_std, g_std = residual_theory("relu", factor ** 2, width, depth, s)
    np.testing.assert_allclose(a_std ** 2, (1 + s * s) ** i, rtol=1e-12)
    np.testing.assert_allclose(g_std ** 2, (1 + s * s) ** (depth - i), rtol=1e-12)


def test_residual_theory_for_linear_and_any_gain():
    """Linear branches with weight variance v: s_eff^2 = s^2 width v; checked on a
    deterministic orthogonal-like case: W = c I gives x[i] = (1 + s c)^i X exactly, and
    the theory's variance (1 + s^2 width v)^i is the mean over random W (Monte Carlo)."""
    width, depth, s = 128, 6, 0.8
    v = 1.5 / width
    rule = LayerRule("linear", residual=True, branch_scale=s)
    var = np.zeros(depth)
    for seed in range(8):
        X, units, G = draws(depth, width, 256, seed)
        var += [o.var() for o in run(rule, X, units, math.sqrt(v), G)[0]]
    np.testing.assert_allclose(var / 8, (1 + s * s * 1.5) ** np.arange(1, depth + 1),
                               rtol=0.1)
    assert residual_theory("linear", v, width, depth, s)[0][-1] == pytest.approx(
        (1 + s * s * 1.5) ** (depth / 2))
    assert residual_theory("sigmoid", v, width, depth, s) is None


@pytest.mark.parametrize("norm", ["layer", "batch"])
@pytest.mark.parametrize("residual", [False, True])
def test_normalized_pre_activations_have_unit_std_whatever_the_weight_scale(norm, residual):
    depth, width, n = 6, 64, 128
    X, units, G = draws(depth, width, n, seed=4)
    rule = LayerRule("tanh", residual=residual, norm=norm)
    for factor in (0.1 / math.sqrt(width), 1 / math.sqrt(width), 100 / math.sqrt(width)):
        x = X
        for w in units:
            x, cache, _ = rule.forward(x, w, factor)
            # the activation's input, norm(z): mean 0, std 1 over the normalized axis;
            # eps = 1e-5 lowers it by ~eps / (2 var), < 5e-3 here (var(z) >= 1e-3 at the
            # smallest factor; at 0.01 / sqrt(width) tanh's var(z) ~ 5e-5 and eps costs 9 %)
            axis = 1 if norm == "layer" else 0
            np.testing.assert_allclose(cache.x_hat.std(axis=axis), 1.0, atol=5e-3)
            np.testing.assert_allclose(cache.x_hat.mean(axis=axis), 0.0, atol=1e-9)


def test_float32_in_float32_out():
    X, units, G = draws(3, 8, 4, seed=5)
    X, units, G = X.astype(np.float32), [u.astype(np.float32) for u in units], \
        G.astype(np.float32)
    for residual, norm in MODES:
        rule = LayerRule("tanh", residual, 0.5, norm)
        outs, grads, _ = run(rule, X, units, np.float32(0.3), G)
        assert {o.dtype for o in outs + grads} == {np.dtype(np.float32)}


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(residual="yes"), TypeError, "residual"),
    (dict(norm="group"), ValueError, "none.*layer.*batch.*group"),
    (dict(norm=None), TypeError, "norm"),
    (dict(branch_scale="big"), TypeError, "branch_scale"),
    (dict(branch_scale=float("nan")), ValueError, "branch_scale"),
])
def test_bad_arguments_name_the_value_and_the_choices(kwargs, error, match):
    with pytest.raises(error, match=match):
        LayerRule("relu", **kwargs)


# ------------------------------------------------------------------ the streamed pass
def _bank_draws(bank, depth, width, batch, seed, family="truncated_normal"):
    X = bank.inputs(batch, width, seed, np.float64)
    units = [bank.unit(family, width, seed, i, np.float64) for i in range(depth)]
    G = bank.output_gradient(batch, width, seed, np.float64)
    return X, units, G


@pytest.mark.parametrize("norm", NORM_CHOICES)
@pytest.mark.parametrize("work_bytes", [64 * 2**20, 20_000])  # stored / checkpointed
def test_streamed_residual_pass_equals_residual_mlp(norm, work_bytes):
    depth, width, batch, seed, s = 7, 16, 12, 3, 0.5
    bank = WeightBank(cache_bytes=0)
    r = propagate("he_normal", 1.3, "tanh", depth, width, batch, seed, dtype="float64",
                  residual=True, branch_scale=s, norm=norm, bank=bank, work_bytes=work_bytes)
    assert (r.n_checkpoints > 0) == (work_bytes < 2**20)
    X, units, G = _bank_draws(bank, depth, width, batch, seed)
    factor = r.weight_std
    net = ResidualMLP(width, width, depth, width, activation="tanh", branch_scale=s,
                      norm=None if norm == "none" else norm, rng=0)
    net.weights[0][...] = np.eye(width)
    net.weights[-1][...] = np.eye(width)
    for k in range(depth):
        net.weights[1 + k][...] = factor * units[k]
    trace = net.trace(X)
    ref = net.backward(trace, G)
    np.testing.assert_allclose(r.activations.std, [x.std() for x in trace.stream[1:]],
                               rtol=1e-10)
    np.testing.assert_allclose(r.activations.mean, [x.mean() for x in trace.stream[1:]],
                               rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(r.gradients.std, [g.std() for g in ref.stream[1:]], rtol=1e-10)
    # the readout counts the branch's units, f(norm(x[i-1]))
    assert np.all(r.activations.saturated >= 0)
    assert r.predicted_act_std is None  # no theory for tanh branches


@pytest.mark.parametrize("norm", ["layer", "batch"])
def test_streamed_plain_normalized_pass_equals_a_loop_over_the_norm_classes(norm):
    depth, width, batch, seed = 6, 16, 12, 4
    bank = WeightBank(cache_bytes=0)
    r = propagate("he_normal", 0.2, "relu", depth, width, batch, seed, dtype="float64",
                  norm=norm, bank=bank, work_bytes=20_000)
    assert r.n_checkpoints > 0
    X, units, G = _bank_draws(bank, depth, width, batch, seed)
    layer = LayerNorm if norm == "layer" else BatchNorm
    a, kept = X, []
    for w in units:
        nrm = layer(width)
        y, cache = nrm.forward(a @ (r.weight_std * w))
        a = np.maximum(y, 0)
        kept.append((a, y, nrm, cache))
    g, gstd = G, [G.std()]
    for i in range(depth - 2, -1, -1):
        _, y, nrm, cache = kept[i]
        g = nrm.backward((g @ (r.weight_std * units[i + 1]).T) * (y > 0), cache)[0]
        gstd.insert(0, g.std())
    np.testing.assert_allclose(r.activations.std, [k[0].std() for k in kept], rtol=1e-10)
    np.testing.assert_allclose(r.activations.dead,
                               [np.mean(np.all(k[0] == 0, axis=0)) for k in kept])
    np.testing.assert_allclose(r.gradients.std, gstd, rtol=1e-10)
    assert r.predicted_act_std is None and r.predicted_grad_std is None


def test_residual_theory_reaches_the_explorer():
    r = propagate("he_normal", 1.0, "relu", 10, 128, 64, residual=True,
                  branch_scale=1 / math.sqrt(10))
    np.testing.assert_allclose(r.predicted_act_std ** 2, 1.1 ** np.arange(1, 11))
    np.testing.assert_allclose(r.predicted_grad_std ** 2, 1.1 ** np.arange(9, -1, -1))
    assert r.act_range == (-3.0, 3.0)  # the stream has both signs


def test_normalization_forgets_the_weight_scale_in_the_forward_pass():
    """Plain tanh, LayerNorm: 0.1x and 100x the weights give the same activations (the
    variance of z stays >> eps = 1e-5)."""
    small = propagate("random_normal", 0.1, "tanh", 10, 64, 64, norm="layer")
    big = propagate("random_normal", 100.0, "tanh", 10, 64, 64, norm="layer")
    np.testing.assert_allclose(small.activations.std, big.activations.std, rtol=1e-3)
    bare = propagate("random_normal", 0.1, "tanh", 10, 64, 64)
    assert bare.activations.std[-1] < 0.1 < small.activations.std[-1]  # 0.05 vs ~0.6


@pytest.mark.parametrize("bad, error, match", [
    (dict(residual=1), TypeError, "residual must be True or False"),
    (dict(norm="group"), ValueError, "norm must be one of 'none', 'layer', 'batch'"),
    (dict(norm=None), TypeError, "norm must be one of"),
    (dict(branch_scale=-1.0), ValueError, "branch_scale"),
    (dict(branch_scale="1"), TypeError, "branch_scale"),
    (dict(norm="batch", batch=1), ValueError, "at least 2"),
])
def test_bad_stack_settings_raise(bad, error, match):
    with pytest.raises(error, match=match):
        propagate(**{"weight_init": "he_normal", "scale": 1.0, "activation": "relu",
                     "depth": 3, "width": 8, "batch": 8, **bad})


def test_checkpointing_bounds_memory_with_residual_and_norm():
    """50 layers of 256, batch 256, float32, residual + LayerNorm, weights drawn when used,
    a 4 MiB work budget and a 0.5 MiB weight cache (the explorer's 64 and 8 MiB scaled to these
    256 KiB layers from 4 MiB ones at 50 x 1024, batch 1024, where bench_explorer.py prints the peak): storing every stream, normalized value
    and tanh derivative would take 3 * 50 * 256 KiB = 37.5 MiB."""
    layer = 256 * 256 * 4
    bank = WeightBank(cache_bytes=2 * layer)
    tracemalloc.start()
    try:
        r = propagate("he_normal", 1.0, "tanh", 50, 256, 256, dtype="float32",
                      residual=True, branch_scale=0.5, norm="layer", bank=bank,
                      work_bytes=16 * layer)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    full = 3 * 50 * layer
    assert r.n_checkpoints > 0
    # cache + work budget + checkpoints (~sqrt(50) layers) + ~12 layer arrays
    assert peak < 2 * layer + 16 * layer + 8 * layer + 12 * layer, peak / layer
    assert peak < 0.3 * full

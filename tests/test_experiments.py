"""Tests for initviz.experiments: deep stacks and weight-scale sweeps against the variance
formulas they illustrate (LeCun et al. 1998; Glorot & Bengio 2010, eq. 5-6; He et al. 2015,
eq. 7), not against stored outputs."""

import math

import numpy as np
import pytest

from initviz import experiments, initializers
from initviz.stats import describe


def normal(std):
    return initializers.RandomNormal(stddev=std)


def test_linear_stack_std_after_l_layers_is_sqrt_fan_in_times_scale_to_the_l():
    # Var(z) = fan_in Var(W) Var(x) per layer, inputs with Var(x) = 1
    width, depth, s = 200, 6, 0.09
    r = experiments.deep_stack(width, depth, "linear", normal(s), n_samples=400, rng=0)
    expected = (math.sqrt(width) * s) ** np.arange(1, depth + 1)
    # each layer's gain scatters by ~sqrt(2 / (width * n)) plus the weights' own scatter
    # sqrt(2 / width**2); 6 layers stay well inside 5 %
    np.testing.assert_allclose(r.column("activations", "std"), expected, rtol=0.05)


def test_linear_stack_gradient_std_grows_by_sqrt_fan_out_times_scale_per_layer_back():
    # backward: Var(dL/da[l-1]) = fan_out Var(W) Var(dL/dz[l]); the output sends Var = 1
    width, depth, s = 200, 5, 0.1
    r = experiments.deep_stack(width, depth, "linear", normal(s), n_samples=400, rng=1)
    # hidden layer l (1-based) is depth + 1 - l weight layers away from the output
    expected = (math.sqrt(width) * s) ** (depth + 1 - np.arange(1, depth + 1))
    np.testing.assert_allclose(r.column("gradients", "std"), expected, rtol=0.05)


def test_relu_stack_second_moment_follows_he_et_al():
    # He et al. 2015, eq. 7: E[a_l^2] = g E[a_(l-1)^2] with g = fan_in Var(W) / 2; E[x^2] = 1
    width, depth, s = 1024, 6, 0.05
    g = width * s**2 / 2
    r = experiments.deep_stack(width, depth, "relu", normal(s), n_samples=200, rng=2)
    m = np.array([np.mean(a**2) for a in r.activations])
    # layer 1 averages over independent inputs: tight
    assert m[0] == pytest.approx(g, rel=0.03)
    # deeper, the inputs become correlated and each layer's gain scatters by up to
    # sqrt(5 / width) (a sum of width half-rectified squares); the geometric mean of the
    # depth - 1 independent gains by sqrt(5 / (width * (depth - 1))): allow 4 of those
    mean_gain = (m[-1] / m[0]) ** (1 / (depth - 1))
    assert mean_gain == pytest.approx(g, rel=4 * math.sqrt(5 / (width * (depth - 1))))


def test_deep_stack_shapes_and_layer_count():
    r = experiments.deep_stack(width=7, depth=3, activation="tanh", n_samples=5, rng=0)
    assert r.net.layer_sizes == [7, 7, 7, 7, 7]
    assert len(r.activations) == len(r.gradients) == 3
    assert all(a.shape == (5, 7) for a in r.activations + r.gradients)
    assert r.column("activations", "std").shape == (3,)
    assert r.net.activation_names == ["tanh", "tanh", "tanh", "linear"]


def test_deep_stack_is_reproducible_and_uses_the_weight_init_draws():
    a = experiments.deep_stack(width=10, depth=2, weight_init=normal(0.3), n_samples=4, rng=5)
    b = experiments.deep_stack(width=10, depth=2, weight_init=normal(0.3), n_samples=4, rng=5)
    np.testing.assert_array_equal(a.activations[-1], b.activations[-1])
    # the first weights are RandomNormal's first draws from the generator
    first = normal(0.3)((10, 10), rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a.net.weights[0], first)


def test_overflowing_relu_stack_reports_inf_nan_without_warnings():
    # sqrt(64 / 2) * 1e6 per layer: past 1.8e308 after about 308 / 6.75 = 45.6 layers
    r = experiments.deep_stack(width=64, depth=50, activation="relu", weight_init=normal(1e6),
                               n_samples=8, rng=0)
    bad = r.column("activations", "nonfinite")
    assert bad[0] == 0 and bad[-1] == 8 * 64
    first = int(np.flatnonzero(bad)[0]) + 1
    assert 40 <= first <= 50
    assert r.column("gradients", "nonfinite")[0] > 0


def test_std_of_huge_finite_activations_is_finite():
    # values beyond 1e154 square to inf; their std is still a finite number
    v = np.array([[1e300, -1e300], [3e300, 1e300]])
    s = describe(v)
    assert s.nonfinite == 0
    assert s.mean == pytest.approx(1e300)
    assert s.std == pytest.approx(math.sqrt(np.mean((v / 1e300 - 1.0) ** 2)) * 1e300)


def test_scale_sweep_linear_matches_the_formula_for_every_scale():
    width, depth = 100, 4
    scales = np.array([0.05, 0.1, 0.2])
    sw = experiments.scale_sweep(scales, width=width, depth=depth, activation="linear",
                                 n_samples=300, rng=0)
    np.testing.assert_allclose(sw.activation_std, (math.sqrt(width) * scales) ** depth, rtol=0.06)
    np.testing.assert_allclose(sw.gradient_std, (math.sqrt(width) * scales) ** depth, rtol=0.06)
    assert sw.saturated.tolist() == [0.0, 0.0, 0.0]
    assert sw.nonfinite.tolist() == [0, 0, 0]


def test_scale_sweep_equals_deep_stack_with_random_normal_of_that_scale():
    # same generator state, same standard-normal draws times the scale
    sw = experiments.scale_sweep([0.3], width=12, depth=3, activation="tanh", n_samples=6, rng=4)
    r = experiments.deep_stack(12, 3, "tanh", normal(0.3), n_samples=6, rng=4)
    assert sw.activation_std[0] == pytest.approx(r.column("activations", "std")[-1], rel=1e-12)
    assert sw.gradient_std[0] == pytest.approx(r.column("gradients", "std")[0], rel=1e-12)


def test_band_is_a_window_on_the_raw_stds():
    width = 250
    sw = experiments.scale_sweep(np.logspace(-2, 0, 41), width=width, depth=10,
                                 activation="relu", n_samples=50, rng=0)
    low, high = sw.band(0.1, 10)
    assert low < math.sqrt(2 / width) < high
    assert high / low < 1.7  # std ~ scale**10: [0.1, 10] is a factor 10**0.2 = 1.58 wide


def test_band_without_a_surviving_scale_is_nan():
    sw = experiments.scale_sweep([1e-3], width=20, depth=5, activation="tanh", n_samples=10, rng=0)
    assert all(math.isnan(x) for x in sw.band())
    assert all(math.isnan(x) for x in sw.alive_band())


def test_per_layer_factors_of_a_linear_stack_are_sqrt_fan_in_times_the_scale():
    # Var(z) = fan_in * s**2 * Var(a) per layer (LeCun et al. 1998): factor sqrt(fan_in) * s
    width, depth = 100, 4
    scales = np.array([0.05, 0.1, 0.2])
    sw = experiments.scale_sweep(scales, width=width, depth=depth, activation="linear",
                                 n_samples=300, rng=0)
    np.testing.assert_allclose(sw.signal_factor, math.sqrt(width) * scales, rtol=0.03)
    np.testing.assert_allclose(sw.gradient_factor, math.sqrt(width) * scales, rtol=0.03)
    # the theory's alive window, sqrt(fan_in) * s in [1/sqrt(2), sqrt(2)]: only 0.1 is in it
    assert sw.alive().tolist() == [False, True, False]


def test_relu_alive_band_is_centred_on_he():
    # He et al. 2015, eq. 10: per-layer factor sqrt(fan_in / 2) * s, 1 at sqrt(2 / fan_in)
    width = 250
    he = math.sqrt(2 / width)
    scales = he * np.array([1 / 1.8, 1 / 1.15, 1.0, 1.15, 1.8])
    sw = experiments.scale_sweep(scales, width=width, depth=10, activation="relu",
                                 n_samples=50, rng=1)
    assert sw.alive().tolist() == [False, True, True, True, False]
    grid = experiments.scale_sweep(np.logspace(-3, 1, 41), width=width, depth=10,
                                   activation="relu", n_samples=50, rng=1)
    low, high = grid.alive_band()
    assert low < he < high
    assert 1 / 1.26 < math.sqrt(low * high) / he < 1.26  # centred within one grid step


def _tanh_saturated_fraction(std_z):
    """P(tanh'(z) < 0.02 * tanh'(0)) for z ~ N(0, std_z**2): |z| > arccosh(sqrt(50))."""
    z_sat = math.acosh(math.sqrt(50.0))
    return math.erfc(z_sat / (std_z * math.sqrt(2.0)))


def test_tanh_alive_band_is_centred_on_lecun_and_stopped_by_saturation():
    width = 250
    lecun = math.sqrt(1 / width)
    # 2.5 x LeCun: layer 1 sees z ~ N(0, 2.5**2), 29 % saturated by the normal tail
    expected = _tanh_saturated_fraction(2.5)
    assert 0.25 < expected < 0.33
    sw = experiments.scale_sweep(lecun * np.array([1 / 1.8, 1.0, 2.5]), width=width, depth=10,
                                 activation="tanh", n_samples=200, rng=2)
    assert sw.max_saturated[2] >= 0.9 * expected
    assert sw.gradient_factor[2] < math.sqrt(2)  # the gradient factor alone would pass it
    assert sw.alive().tolist() == [False, True, False]
    grid = experiments.scale_sweep(np.logspace(-3, 1, 41), width=width, depth=10,
                                   activation="tanh", n_samples=50, rng=2)
    low, high = grid.alive_band()
    assert low < lecun < high
    assert 1 / 1.26 < math.sqrt(low * high) / lecun < 1.26


def test_sigmoid_stack_is_never_alive():
    # sigmoid' <= 1/4, so the signal factor is at most sqrt(fan_in) * s / 4: >= 1/sqrt(2)
    # needs s >= 2 sqrt(2) / sqrt(fan_in); there layer 1 (z ~ N(0, 8)) saturates
    # (sigmoid'(z) < 0.02 / 4) beyond the 5 % limit
    width = 250
    p = (1 - math.sqrt(1 - 4 * 0.02 * 0.25)) / 2
    z_sat = math.log((1 - p) / p)
    layer1 = math.erfc(z_sat / (math.sqrt(8.0) * math.sqrt(2.0)))
    assert layer1 > 0.05
    sw = experiments.scale_sweep(np.logspace(-3, 1, 41), width=width, depth=10,
                                 activation="sigmoid", n_samples=50, rng=0)
    s_min = 2 * math.sqrt(2) / math.sqrt(width)
    assert np.all(sw.signal_factor[sw.scales < s_min] < 1 / math.sqrt(2))
    assert np.all(sw.max_saturated[sw.scales >= s_min] > 0.05)
    assert not sw.alive().any()
    assert all(math.isnan(x) for x in sw.alive_band())


def test_alive_reports_overflow_as_dead():
    sw = experiments.scale_sweep([1e3], width=50, depth=100, activation="relu", n_samples=5, rng=0)
    assert sw.nonfinite[0] > 0
    assert sw.alive().tolist() == [False]


@pytest.mark.parametrize("kwargs, error", [
    ({"factor": 1.0}, ValueError), ({"factor": "2"}, TypeError),
    ({"saturation": 1.5}, ValueError), ({"saturation": math.nan}, ValueError)])
def test_alive_rejects_bad_arguments(kwargs, error):
    sw = experiments.scale_sweep([0.1], width=4, depth=1, n_samples=3, rng=0)
    with pytest.raises(error):
        sw.alive(**kwargs)


def test_alive_needs_the_per_layer_factors():
    sw = experiments.SweepResult(np.array([0.1]), np.ones(1), np.ones(1), np.zeros(1),
                                 np.zeros(1, dtype=int), "relu", 4, 1)
    with pytest.raises(ValueError, match="scale_sweep"):
        sw.alive()


def test_summary_table_rows_and_rounding():
    r = experiments.deep_stack(width=8, depth=3, activation="tanh", n_samples=4, rng=0)
    table = experiments.summary_table({"a": r, "b": r}, layers=(1, 3, 5))
    lines = table.splitlines()
    assert len(lines) == 3
    assert lines[0].split() == ["init", "std", "a1", "std", "a3", "std", "a5", "signal",
                                "a_last", "saturated", "inf/nan", "std", "g1", "median",
                                "|g1|", "std", "g_last"]
    cells = lines[1].split()
    assert cells[3] == "-"  # layer 5 does not exist
    assert cells[1] == f"{r.column('activations', 'std')[0]:.3g}"
    # the independent formulas: signal = RMS over units of the per-unit std; median |dL/dz1|
    a3 = r.activations[-1]
    assert cells[4] == f"{np.sqrt(np.mean(np.var(a3, axis=0))):.3g}"
    assert cells[8] == f"{np.median(np.abs(r.gradients[0])):.3g}"


@pytest.mark.parametrize("kwargs, error", [
    (dict(width=0), ValueError), (dict(depth=0), ValueError), (dict(n_samples=0), ValueError),
    (dict(width=2.5), TypeError), (dict(depth=True), TypeError),
])
def test_deep_stack_rejects_bad_sizes(kwargs, error):
    with pytest.raises(error, match=next(iter(kwargs))):
        experiments.deep_stack(**kwargs)


@pytest.mark.parametrize("scales", [[], [[0.1]], [0.1, 0.0], [0.1, -1.0], [np.inf], [np.nan]])
def test_scale_sweep_rejects_bad_scales(scales):
    with pytest.raises(ValueError, match="scale"):
        experiments.scale_sweep(scales, width=4, depth=1)


def test_summary_table_rejects_empty_input():
    with pytest.raises(ValueError, match="StackResult"):
        experiments.summary_table({})


def test_propagate_is_signal_propagation_plus_theory():
    from initviz import MLP, stats, theory

    net = MLP([30, 20, 40, 10], activation="tanh", weight_init="glorot_uniform", rng=0)
    X = np.random.default_rng(1).standard_normal((50, 30))
    s, g, p = experiments.measure(net, X, rng=2)
    s2, g2 = stats.signal_propagation(net, X, rng=2)
    np.testing.assert_allclose(s.column("gradients", "std"), s2.column("gradients", "std"),
                               rtol=1e-12)
    np.testing.assert_allclose(p.gradient_var, theory.predict_for(net).gradient_var, rtol=1e-12)


def test_propagate_linear_glorot_matches_the_fan_formulas():
    # Glorot & Bengio 2010: forward gain fan_in * 2 / (fan_in + fan_out) per layer,
    # backward gain fan_out * 2 / (fan_in + fan_out); widths alternate 400 / 200
    from initviz import MLP

    sizes = [400, 200, 400, 200]
    net = MLP(sizes, activation="linear", weight_init="glorot_normal", rng=0)
    X = np.random.default_rng(1).standard_normal((500, 400))
    s, _, _ = experiments.measure(net, X, rng=2)
    fwd = np.cumprod([2 * a / (a + b) for a, b in zip(sizes[:-1], sizes[1:])])
    np.testing.assert_allclose(s.column("activations", "std") ** 2, fwd, rtol=0.05)
    back = [2 * b / (a + b) for a, b in zip(sizes[1:-1], sizes[2:])]  # layers 2, 3 -> 1, 2
    expected_g = np.append(np.cumprod(back[::-1])[::-1], 1.0)
    np.testing.assert_allclose(s.column("gradients", "std") ** 2, expected_g, rtol=0.05)

"""Tests for initviz.theory: the Gaussian moments against closed forms, scipy quadrature and
Monte Carlo; predict_variances against hand-written recursions; and predictions against
measurements on real networks (stats.signal_propagation).

About the tolerances of the measurements. A finite network scatters around the wide-network
prediction. For a linear net the scatter of a layer's variance is ~ sqrt(2 / (width * batch))
per layer, so three seeds at width 256 land within a few percent at depth 10. A ReLU net is
different: its activations are positive, samples become correlated with depth, and the
scatter of the squared norm grows like sqrt(exp(5 * depth / width) - 1) (Hanin & Rolnick
2018, "How to start training: the effect of initialization and architecture", Thm. 5): about
45 % per network at depth 10, width 256. An average over "a few seeds" then cannot be held to
10 % at depth 10. So for ReLU we check (1) every layer's step of the recursion on a width-512
net, given the measured input of that layer (scatter ~ sqrt(2 / width) per step), to 10 %;
and (2) the whole depth-10 prediction to within a factor 2, which still separates He from
any per-layer error of the factor 1/2 (a 2**10 = 1024-fold error at depth 10).
"""

import math

import numpy as np
import pytest
from scipy import integrate, stats as sps
from scipy.special import expit

from initviz import MLP, initializers, stats
from initviz.theory import gaussian_moments, predict_for, predict_variances

SLOPE = 0.01  # leaky_relu


# --------------------------------------------------------------------------------------------
# Gaussian moments
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("q", [0.0, 0.3, 1.0, 7.5, 1e6])
@pytest.mark.parametrize("method", ["mean_field", "linearized"])
def test_moments_of_linear_relu_leaky_are_the_closed_forms(q, method):
    # z ~ N(0, q): E[z] = 0, E[z^2] = q; E[relu(z)] = sqrt(q / (2 pi)), E[relu(z)^2] = q / 2,
    # P(z > 0) = 1/2; leaky: relu(z) - s relu(-z).
    assert gaussian_moments("linear", q, method) == (0.0, q, 1.0)
    m1, m2, d2 = gaussian_moments("relu", q, method)
    assert m1 == pytest.approx(math.sqrt(q / (2 * math.pi)), rel=1e-15)
    assert m2 == pytest.approx(q / 2, rel=1e-15) and d2 == 0.5
    m1, m2, d2 = gaussian_moments("leaky_relu", q, method)
    assert m1 == pytest.approx((1 - SLOPE) * math.sqrt(q / (2 * math.pi)), rel=1e-15)
    assert m2 == pytest.approx((1 + SLOPE**2) * q / 2, rel=1e-15)
    assert d2 == pytest.approx((1 + SLOPE**2) / 2, rel=1e-15)


def gauss_expectation(g, q):
    """E[g(z)], z ~ N(0, q), by adaptive quadrature on pieces split where g bends (near 0,
    then geometrically wider) and where the Gaussian lives; beyond +-max(40, 12 sqrt(q)) g
    is constant (tanh, sigmoid, their derivatives) and only the Gaussian tail mass counts."""
    s = math.sqrt(q)
    T = max(40.0, 12 * s)
    cuts = {0.0, T, 2 * s, 6 * s} | {3.0 * 10 ** (k / 2) for k in range(40)}
    edges = sorted({c for c in cuts if c <= T} | {-c for c in cuts if c <= T})
    pdf = sps.norm(scale=s).pdf
    total = sum(integrate.quad(lambda z: g(z) * pdf(z), a, b, epsabs=1e-16, epsrel=1e-12,
                               limit=200)[0] for a, b in zip(edges[:-1], edges[1:]))
    return total + sps.norm.sf(T, scale=s) * (g(2 * T) + g(-2 * T))


REF = {
    "tanh": (np.tanh, lambda z: 1 / np.cosh(z) ** 2),
    "sigmoid": (expit, lambda z: expit(z) * expit(-z)),
}


@pytest.mark.parametrize("q", [0.01, 0.25, 1.0, 2.0, 4.0, 16.0, 100.0, 1e4, 1e8])
@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_mean_field_moments_of_tanh_sigmoid_match_quadrature(name, q):
    f, df = REF[name]
    with np.errstate(over="ignore"):  # cosh(80) in the far tails of the tanh reference
        ref = [gauss_expectation(f, q), gauss_expectation(lambda z: f(z) ** 2, q),
               gauss_expectation(lambda z: df(z) ** 2, q)]
    got = gaussian_moments(name, q, "mean_field")
    assert got[0] == pytest.approx(ref[0], rel=1e-9, abs=1e-14)
    assert got[1] == pytest.approx(ref[1], rel=1e-9)
    assert got[2] == pytest.approx(ref[2], rel=1e-9)


@pytest.mark.parametrize("q", [1.0, 16.0])
@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_mean_field_moments_agree_with_monte_carlo(name, q):
    f, df = REF[name]
    z = np.random.default_rng(0).normal(scale=math.sqrt(q), size=400_000)
    got = gaussian_moments(name, q)
    for g, value in zip((f(z), f(z) ** 2, df(z) ** 2), got):
        se = g.std() / math.sqrt(z.size)
        assert abs(g.mean() - value) < 5 * se


def test_mean_field_tanh_at_large_variance_is_not_the_small_q_value():
    # E[tanh'(z)^2] ~ (4/3) / sqrt(2 pi q) for large q: the integral of sech^4 times the
    # Gaussian's density at 0. (The Hermite rule alone was 20x off at q = 1e4.)
    q = 1e4
    assert gaussian_moments("tanh", q)[2] == pytest.approx(4 / 3 / math.sqrt(2 * math.pi * q),
                                                           rel=1e-3)


@pytest.mark.parametrize("q", [0.0, 0.5, 3.0])
def test_linearized_tanh_and_sigmoid_follow_the_first_order_table(q):
    # tanh(z) ~ z; sigmoid(z) ~ 1/2 + z/4, so E[a^2] ~ 1/4 + q/16 and E[f'^2] ~ 1/16.
    assert gaussian_moments("tanh", q, "linearized") == (0.0, q, 1.0)
    m1, m2, d2 = gaussian_moments("sigmoid", q, "linearized")
    assert (m1, d2) == (0.5, 1 / 16) and m2 == pytest.approx(0.25 + q / 16, rel=1e-15)


def test_moments_at_q_zero_are_the_values_at_zero():
    assert gaussian_moments("tanh", 0.0) == pytest.approx((0.0, 0.0, 1.0), abs=1e-15)
    assert gaussian_moments("sigmoid", 0.0) == pytest.approx((0.5, 0.25, 1 / 16), abs=1e-15)


def test_moments_at_infinite_and_nan_q(no_warnings):
    assert gaussian_moments("tanh", math.inf) == (0.0, 1.0, 0.0)  # +-1 with equal odds
    assert gaussian_moments("sigmoid", math.inf) == (0.5, 0.5, 0.0)  # 0 or 1
    assert gaussian_moments("relu", math.inf)[1] == math.inf
    assert all(math.isnan(v) for v in gaussian_moments("tanh", math.nan))


def test_layer_sizes_must_be_ints_not_truncated_floats():
    with pytest.raises(TypeError, match=r"layer_sizes\[0\] must be an int >= 1, got 2.5"):
        predict_variances([2.5, 3], "he_normal", "relu")
    with pytest.raises(ValueError, match="at least 2 entries"):
        predict_variances([3], "he_normal", "relu")
    assert predict_variances(np.array([4, 4]), "he_normal", "relu").gradient_var == [1.0]


def test_unknown_method_or_activation_raise():
    with pytest.raises(ValueError, match="method must be one of 'mean_field', 'linearized', "
                                         "got 'exact'"):
        gaussian_moments("tanh", 1.0, "exact")
    with pytest.raises(ValueError, match="'gelu'"):
        gaussian_moments("gelu", 1.0)


# --------------------------------------------------------------------------------------------
# predict_variances: the recursions by hand
# --------------------------------------------------------------------------------------------
def test_linear_net_prediction_is_the_product_formula():
    sizes = [5, 7, 3, 4, 6]
    var_w = [0.3, 0.11, 0.5, 0.2]
    m0, g_out = 2.5, 0.7
    p = predict_variances(sizes, var_w, "linear", input_second_moment=m0, output_grad_var=g_out)
    for i in range(4):
        q = m0 * math.prod(sizes[k] * var_w[k] for k in range(i + 1))
        assert p.pre_activation_var[i] == pytest.approx(q, rel=1e-14)
        assert p.activation_var[i] == pytest.approx(q, rel=1e-14)
        assert p.activation_mean[i] == 0.0
        # backward: Var(dL/dz[i]) = g_out * prod_{k > i} fan_out[k] Var(W[k])
        g = g_out * math.prod(sizes[k + 1] * var_w[k] for k in range(i + 1, 4))
        assert p.gradient_var[i] == pytest.approx(g, rel=1e-14)
    np.testing.assert_allclose(p.activation_std, np.sqrt(p.activation_var), rtol=1e-15)
    np.testing.assert_allclose(p.gradient_std, np.sqrt(p.gradient_var), rtol=1e-15)
    np.testing.assert_allclose(p.pre_activation_std, np.sqrt(p.pre_activation_var), rtol=1e-15)


def test_bias_variance_adds_to_every_pre_activation():
    p = predict_variances([4, 4, 4], [0.25, 0.25], "linear", bias_variance=0.1)
    assert p.pre_activation_var[0] == pytest.approx(4 * 0.25 * 1 + 0.1, rel=1e-15)
    assert p.pre_activation_var[1] == pytest.approx(4 * 0.25 * 1.1 + 0.1, rel=1e-15)


def test_he_init_keeps_relu_variance_constant_and_lecun_halves_it():
    n, L = 100, 6
    he = predict_variances([n] * (L + 1), "he_normal", "relu")
    np.testing.assert_allclose(he.pre_activation_var, 2.0, rtol=1e-14)  # n * 2/n * (q/2)
    np.testing.assert_allclose(he.gradient_var[:-1], 1.0, rtol=1e-14)  # n * 2/n * 1/2
    lecun = predict_variances([n] * (L + 1), "lecun_normal", "relu")
    np.testing.assert_allclose(lecun.pre_activation_var, [1.0 * 0.5**i for i in range(L)],
                               rtol=1e-14)
    np.testing.assert_allclose(lecun.gradient_var, [0.5 ** (L - 1 - i) for i in range(L)],
                               rtol=1e-14)
    # Var(a) = E[a^2] - E[a]^2 = q (1/2 - 1/(2 pi))
    np.testing.assert_allclose(he.activation_var[:-1], 2.0 * (0.5 - 1 / (2 * math.pi)),
                               rtol=1e-14)


def test_glorot_fan_avg_and_mixed_activations_recursion_by_hand():
    sizes = [10, 30, 20, 5]
    p = predict_variances(sizes, "glorot_normal", ["relu", "tanh"], method="linearized",
                          output_grad_var=2.0)
    vw = [2 / (sizes[i] + sizes[i + 1]) for i in range(3)]
    q0 = 10 * vw[0]
    q1 = 30 * vw[1] * q0 / 2  # relu: E[a^2] = q/2
    q2 = 20 * vw[2] * q1  # linearized tanh: E[a^2] = q
    np.testing.assert_allclose(p.pre_activation_var, [q0, q1, q2], rtol=1e-14)
    g2 = 2.0
    g1 = sizes[3] * vw[2] * g2 * 1.0  # tanh'(0)^2 = 1
    g0 = sizes[2] * vw[1] * g1 * 0.5  # relu: E[f'^2] = 1/2
    np.testing.assert_allclose(p.gradient_var, [g0, g1, g2], rtol=1e-14)


def test_predict_for_reads_sizes_initializers_and_activations_from_the_net():
    net = MLP([8, 16, 12, 3], activation=["tanh", "relu"],
              weight_init=["glorot_uniform", "he_normal", "lecun_uniform"], rng=0)
    p = predict_for(net, method="linearized")
    q = predict_variances([8, 16, 12, 3], ["glorot_uniform", "he_normal", "lecun_uniform"],
                          ["tanh", "relu"], method="linearized")
    assert p == q


def test_prediction_rejects_non_zero_mean_and_unknown_variance():
    with pytest.raises(ValueError, match="zero-mean"):
        predict_variances([3, 3], initializers.get("constant", value=0.5), [])
    with pytest.raises(ValueError, match="zero-mean"):
        predict_variances([3, 3], initializers.get("random_normal", mean=1.0), [])
    with pytest.raises(TypeError, match="variance"):
        predict_variances([3, 3], lambda shape, rng=None, dtype=None: np.zeros(shape), [])
    with pytest.raises(ValueError, match="2 entries"):
        predict_variances([3], 1.0, [])
    with pytest.raises(ValueError, match="1 entries"):
        predict_variances([3, 3, 3], 1.0, ["relu", "relu"])
    with pytest.raises(ValueError):
        predict_variances([3, 3], -1.0, [])


def test_exploding_prediction_gives_inf_not_warnings(no_warnings):
    p = predict_variances([10] * 400, 10.0, "relu")  # the variance grows 50x per layer
    assert p.pre_activation_var[-1] == math.inf


# --------------------------------------------------------------------------------------------
# predictions against measurements on real networks
# --------------------------------------------------------------------------------------------
def measure(act, init, width, depth, seeds, batch, method="mean_field"):
    """Mean over seeds of measured / predicted variance, per layer: (pre-act, act, grad)."""
    ratios = []
    for seed in seeds:
        net = MLP([width] * (depth + 1), activation=act, weight_init=init, rng=seed)
        X = np.random.default_rng(10_000 + seed).standard_normal((batch, width))
        s, _ = stats.signal_propagation(net, X, rng=20_000 + seed)
        p = predict_for(net, method=method)
        ratios.append([s.column("pre_activations", "std") ** 2 / p.pre_activation_var,
                       s.column("activations", "std") ** 2 / p.activation_var,
                       s.column("gradients", "std") ** 2 / p.gradient_var])
    return np.mean(ratios, axis=0)


@pytest.mark.parametrize("init", ["lecun_normal", "glorot_uniform"])
def test_linear_net_measured_variances_within_10_percent_of_prediction(init):
    ratios = measure("linear", init, width=256, depth=10, seeds=range(3), batch=128)
    assert np.all(np.abs(ratios - 1) < 0.10), np.round(ratios, 3)


def test_relu_net_every_layer_follows_the_recursion_step_within_10_percent():
    # Given what actually enters layer i, theory says (module docstring of theory):
    #   Var(z[i]) = fan_in Var(W) E[a[i-1]^2];  E[relu(z)^2] = Var(z) / 2;
    #   Var(a) = Var(z) (1/2 - 1/(2 pi));  Var(dL/dz[i-1]) = fan_out Var(W) Var(dL/dz[i]) / 2.
    width, depth = 512, 10
    steps = []
    for seed in range(6):
        net = MLP([width] * (depth + 1), activation="relu", weight_init="he_uniform", rng=seed)
        X = np.random.default_rng(seed).standard_normal((32, width))
        s, g = stats.signal_propagation(net, X, rng=100 + seed)
        t = g.trace
        prev_m2 = [np.mean(X**2)] + [np.mean(a**2) for a in t.activations[:-1]]
        one_layer = [predict_variances([width, width], net.weight_inits[i], [],
                                       input_second_moment=prev_m2[i]).pre_activation_var[0]
                     for i in range(depth)]
        q = np.array([np.mean(z**2) for z in t.pre_activations])
        gz = np.array([np.mean(d**2) for d in g.pre_activations])
        steps.append(np.concatenate([
            q / one_layer,
            [np.mean(a**2) / (qi / 2) for a, qi in zip(t.activations[:-1], q)],
            s.column("activations", "std")[:-1] ** 2 / (q[:-1] * (0.5 - 1 / (2 * math.pi))),
            gz[:-1] / (width * (2 / width) * gz[1:] / 2),
        ]))
    steps = np.mean(steps, axis=0)
    assert np.all(np.abs(steps - 1) < 0.10), np.round(steps, 3)


def test_relu_he_net_depth_10_matches_prediction_within_finite_width_scatter():
    ratios = measure("relu", "he_normal", width=256, depth=10, seeds=range(8), batch=32)
    # the first layer sees uncorrelated standardized inputs: no depth scatter yet
    assert np.all(np.abs(ratios[:2, 0] - 1) < 0.10), np.round(ratios, 3)
    # every layer, forward and backward, within a factor 2 (see the module docstring)
    assert np.all((ratios > 0.5) & (ratios < 2.0)), np.round(ratios, 3)


def test_relu_lecun_net_vanishes_as_predicted_not_as_he():
    # LeCun on ReLU halves the variance per layer: the prediction follows, He's would not.
    net = MLP([256] * 11, activation="relu", weight_init="lecun_normal", rng=0)
    X = np.random.default_rng(0).standard_normal((32, 256))
    s, _ = stats.signal_propagation(net, X, rng=0)
    measured = s.column("pre_activations", "std") ** 2
    p = predict_for(net)
    assert measured[-1] < 0.01 * measured[0]  # 2^-9 ~ 0.002
    assert 0.5 < measured[-1] / p.pre_activation_var[-1] < 2.0


def test_tanh_linearized_prediction_holds_for_small_weights():
    # Var(W) = 0.01 / n: pre-activations have variance <= 0.01, where tanh(z) ~ z.
    init = initializers.get("random_normal", stddev=0.1 / 16)
    lin = measure("tanh", init, width=256, depth=10, seeds=range(3), batch=64,
                  method="linearized")
    assert np.all(np.abs(lin - 1) < 0.10), np.round(lin, 3)


@pytest.mark.parametrize("act,gain", [("tanh", 4.0), ("sigmoid", 4.0)])
def test_linearized_prediction_breaks_for_large_weights_mean_field_does_not(act, gain):
    # Var(W) = gain^2 / n: pre-activations of variance ~ gain^2 saturate the units.
    init = initializers.get("random_normal", stddev=gain / 16)
    lin = measure(act, init, width=256, depth=10, seeds=range(3), batch=64,
                  method="linearized")
    mf = measure(act, init, width=256, depth=10, seeds=range(3), batch=64)
    # the linearization overestimates the activations' variance many-fold by the last layers
    assert lin[1, -2] < 0.2, np.round(lin, 3)
    # the mean-field prediction (Gaussian averages of the true f) follows the forward pass, to
    # the scatter of 3 seeds: a sigmoid layer's outputs share a mean of 1/2, so each unit of
    # the next layer gets its own offset and the layer variance rests on ~width values
    # (~ sqrt(2 / 256) = 9 % per layer and seed).
    assert np.all(np.abs(np.log(mf[:2])) < 0.25), np.round(mf, 3)
    assert np.all(np.abs(np.log(mf[:2])) < np.abs(np.log(lin[:2])) + 0.05)

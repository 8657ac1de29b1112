"""The published results the lessons reproduce, asserted numerically.

Each test names the paper and the figure or claim. Thresholds are set from the theory's
prediction for the setup (initviz.theory, or a closed form in the comment), with room for the
finite-width scatter, never from a pasted measurement.
"""

import math

import numpy as np
import pytest

import initviz
from initviz import MLP, datasets, experiments, initializers, signal_propagation, train
from initviz.theory import predict_variances

STANDARD = initializers.get("variance_scaling", scale=1 / 3, mode="fan_in", distribution="uniform")


def _inputs(n, width, seed=1):
    return np.random.default_rng(seed).standard_normal((n, width))


# ---------------------------------------------------------------- Glorot & Bengio 2010, fig. 6-7
@pytest.fixture(scope="module")
def glorot_bengio():
    """Their setup: 5 hidden tanh layers (we use width 500), 'standard' U[-1/sqrt(n), 1/sqrt(n)]
    against the normalized initialization (glorot_uniform)."""
    X = _inputs(500, 500)
    out = {}
    for name, init in {"standard": STANDARD, "normalized": "glorot_uniform"}.items():
        net = MLP([500] * 6 + [10], activation="tanh", weight_init=init, rng=0)
        stats, grads = signal_propagation(net, X, rng=2)
        out[name] = (stats, grads)
    return out


def test_glorot_bengio_fig6_standard_init_activations_shrink_layer_by_layer(glorot_bengio):
    stats, _ = glorot_bengio["standard"]
    std = stats.column("activations", "std")[:5]
    # Var(W) = 1/(3n): each tanh layer multiplies the (small) std by about 1/sqrt(3)
    assert np.all(np.diff(std) < 0)
    assert std[4] / std[0] < (1 / math.sqrt(3)) ** 4 * 1.5


def test_glorot_bengio_fig6_the_zero_peak_grows_with_depth_under_standard_init(glorot_bengio):
    _, grads = glorot_bengio["standard"]
    acts = grads.trace.activations[:5]
    near_zero = [np.mean(np.abs(a) < 0.1) for a in acts]
    assert np.all(np.diff(near_zero) > 0)
    assert near_zero[4] > 0.9 and near_zero[0] < 0.3


def test_glorot_bengio_fig6_normalized_init_keeps_activations_comparable(glorot_bengio):
    std = glorot_bengio["normalized"][0].column("activations", "std")[:5]
    standard = glorot_bengio["standard"][0].column("activations", "std")[:5]
    assert std[4] / std[0] > 0.4
    assert std[4] / std[0] > 3 * standard[4] / standard[0]


def test_glorot_bengio_fig7_standard_init_gradients_shrink_towards_the_input(glorot_bengio):
    standard = glorot_bengio["standard"][0].column("gradients", "std")[:5]
    normalized = glorot_bengio["normalized"][0].column("gradients", "std")[:5]
    assert np.all(np.diff(standard) > 0)  # smaller towards layer 1, the input
    shrink_standard = standard[4] / standard[0]
    shrink_normalized = normalized[4] / normalized[0]
    # theory for the standard init: each layer back multiplies by about sqrt(1/3) * sqrt(E[f'^2])
    pred = predict_variances([500] * 6 + [10], STANDARD, "tanh")
    expected = math.sqrt(pred.gradient_var[4] / pred.gradient_var[0])
    assert shrink_standard == pytest.approx(expected, rel=0.15)
    assert shrink_standard > 3 * shrink_normalized


# ---------------------------------------------------------------- LeCun et al. 1998
@pytest.mark.parametrize("activation", ["linear", "tanh"])
def test_lecun_var_one_over_fan_in_keeps_the_forward_signal(activation):
    net = MLP([500] * 11, activation=activation, weight_init="lecun_normal", rng=3)
    stats, _ = signal_propagation(net, _inputs(500, 500), rng=4)
    std = stats.column("activations", "std")[:10]
    if activation == "linear":  # exact: Var stays 1 (+- finite-width scatter)
        assert np.all(np.abs(std - 1) < 0.15)
    else:  # tanh near the origin: slow decay, no saturation
        assert std[-1] > 0.2
        assert stats.column("activations", "saturated").max() < 0.01


# ---------------------------------------------------------------- the CS231n demonstration
@pytest.fixture(scope="module")
def cs231n_inputs():
    return _inputs(1000, 500)


def test_cs231n_tanh_scale_001_drives_the_layer_std_to_zero(cs231n_inputs):
    net = MLP([500] * 11, activation="tanh", weight_init=initializers.RandomNormal(stddev=0.01), rng=0)
    std = initviz.network_stats(net, cs231n_inputs).column("activations", "std")
    # each layer multiplies by 0.01 * sqrt(500) = 0.224: 0.224**10 = 3e-7
    assert std[9] < 1e-6
    assert std[9] == pytest.approx((0.01 * math.sqrt(500)) ** 10, rel=0.2)


def test_cs231n_tanh_sqrt_one_over_fan_in_keeps_the_signal(cs231n_inputs):
    net = MLP([500] * 11, activation="tanh",
              weight_init=initializers.RandomNormal(stddev=math.sqrt(1 / 500)), rng=0)
    std = initviz.network_stats(net, cs231n_inputs).column("activations", "std")
    assert 0.15 < std[9] < 0.7


def test_cs231n_relu_with_sqrt_two_over_fan_in_stays_near_constant(cs231n_inputs):
    net = MLP([500] * 11, activation="relu",
              weight_init=initializers.RandomNormal(stddev=math.sqrt(2 / 500)), rng=0)
    hidden = net.trace(cs231n_inputs).activations[:-1]  # the 9 ReLU layers, not the output
    second = np.array([np.mean(a**2) for a in hidden])
    assert np.all(np.abs(second - 1) < 0.5)  # He: E[a^2] = E[x^2] = 1 at every layer


# ---------------------------------------------------------------- what a layer std does not say
def test_sigmoid_at_scale_001_keeps_a_layer_std_of_offsets_but_no_signal():
    """Lesson 03's sigmoid stack, 10 x 250, std 0.01. Each layer multiplies the input-
    dependent part by sqrt(250) * 0.01 * sigmoid'(0) = 0.0395, so by layer 10 the signal
    is (0.158 * 0.25) * 0.0395**9 ~ 9.3e-15 of the input's; the units still sit at
    different fixed values around 0.5, which the layer std counts as spread."""
    r = experiments.deep_stack(250, 10, "sigmoid", initializers.RandomNormal(stddev=0.01),
                                       n_samples=500, rng=0)
    predicted = 0.158 * 0.25 * (math.sqrt(250) * 0.01 * 0.25) ** 9
    signal = r.column("activations", "signal_std")[-1]
    assert predicted / 3 < signal < predicted * 3
    assert r.column("activations", "std")[-1] > 1e-3  # offsets: ten orders of magnitude more


def test_saturated_tanh_gradient_std_is_carried_by_a_few_units():
    """Lesson 03's tanh stack at std 1.0 (CS231n's "too large"): the std of dL/dz at layer 1
    is large, but most entries pass through saturated units (f' < 2 % of f'(0) for about
    87 % of them) and are tiny: the median |dL/dz| is orders of magnitude below the std and
    most entries are below NEAR_ZERO."""
    r = experiments.deep_stack(250, 10, "tanh", initializers.RandomNormal(stddev=1.0),
                                       n_samples=500, rng=0)
    std, median = r.column("gradients", "std")[0], r.column("gradients", "median_abs")[0]
    assert std > 1e3 and median < 1e-2 and median < std * 1e-5
    assert r.column("gradients", "near_zero")[0] > 0.5


# ---------------------------------------------------------------- theory vs measurement, averaged
@pytest.mark.slow  # make test-fast skips it
@pytest.mark.parametrize("activation,init", [("linear", "lecun_normal"), ("relu", "he_normal")])
def test_measured_variance_within_10_percent_of_prediction_averaged_over_seeds(activation, init):
    """Width 256, depth 10, forward and backward. One ReLU network scatters by ~45 % at layer
    10 (Hanin & Rolnick 2018: exp(5 L / n) - 1 of relative variance), so average 200
    networks: the standard error of the mean is then ~3 %, and 10 % is > 3 sigma."""
    width, depth, n_nets, batch = 256, 10, 200, 32
    sizes = [width] * (depth + 1)
    pred = predict_variances(sizes, init, activation)
    fwd = np.zeros(depth)
    bwd = np.zeros(depth)
    for seed in range(n_nets):
        net = MLP(sizes, activation=activation, weight_init=init, rng=seed)
        _, grads = signal_propagation(net, _inputs(batch, width, seed=10_000 + seed), rng=seed)
        fwd += [np.mean(z**2) for z in grads.trace.pre_activations]
        bwd += [np.mean(g**2) for g in grads.pre_activations]
    fwd /= n_nets
    bwd /= n_nets
    np.testing.assert_allclose(fwd, pred.pre_activation_var, rtol=0.10)
    np.testing.assert_allclose(bwd, pred.gradient_var, rtol=0.10)


# ---------------------------------------------------------------- He et al. 2015, the 30-layer net
@pytest.fixture(scope="module")
def digits():
    X, y = datasets.load_digits()
    return datasets.train_test_split(X, y, test_fraction=0.25, rng=0)


@pytest.mark.slow  # make test-fast skips it
@pytest.mark.parametrize("init", ["glorot_normal", "he_normal"])
def test_he_2015_thirty_layer_relu_net_stalls_with_xavier_and_trains_with_he(digits, init):
    """He et al. 2015, fig. 3: a 30-layer plain ReLU net does not learn with Xavier init and
    does with theirs. Here on the digits (an MLP, 64 wide), a fixed budget of 8 epochs."""
    X_train, X_test, y_train, y_test = digits
    net = MLP([64] + [64] * 30 + [10], activation="relu", weight_init=init,
              output_activation="softmax", rng=0)
    hist = train(net, X_train, y_train, epochs=8, lr=0.007, batch_size=16, rng=1)
    chance = math.log(10)
    if init == "glorot_normal":
        # (1/2)^30 of the signal survives: the logits are ~0, the loss stays at log(10)
        assert hist.final_loss == pytest.approx(chance, abs=0.01)
        assert net.accuracy(X_test, y_test) < 0.2
    else:
        # it learns: the loss halves from log(10) and test accuracy is 4x chance
        assert hist.final_loss < 0.5 * chance
        assert net.accuracy(X_test, y_test) > 0.4

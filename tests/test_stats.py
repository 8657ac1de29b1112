"""Tests for initviz.stats: describe() against hand computations, the table formatting, and
the shapes of network_stats / signal_propagation."""

import math

import numpy as np
import pytest

from initviz import MLP, initializers, stats
from initviz.stats import LayerStats, NetworkStats, describe, format_table


def test_describe_mean_std_counts_on_a_hand_made_layer():
    v = np.array([[0.0, 1.0, 0.0],
                  [0.0, 3.0, 0.0],
                  [0.0, 5.0, 2.0],
                  [0.0, 7.0, 0.0]])
    s = describe(v)
    finite = v.ravel()
    assert s.mean == pytest.approx(18 / 12, rel=1e-15)
    assert s.std == pytest.approx(math.sqrt(np.sum((finite - 1.5) ** 2) / 12), rel=1e-14)
    assert s.zeros == 7 / 12
    assert s.dead == 1 / 3  # only column 0 is zero on every sample
    assert s.nonfinite == 0 and s.size == 12
    assert s.saturated == 0.0


def test_describe_uses_finite_values_only_and_counts_the_rest(no_warnings):
    v = np.array([[1.0, np.inf], [np.nan, 3.0], [-np.inf, 5.0]])
    s = describe(v)
    assert s.nonfinite == 3
    assert s.mean == 3.0  # (1 + 3 + 5) / 3
    assert s.std == pytest.approx(math.sqrt(8 / 3), rel=1e-15)  # population std of 1, 3, 5
    assert s.size == 6


def test_describe_all_nonfinite_gives_nan_statistics_without_warnings(no_warnings):
    s = describe(np.full((2, 2), np.nan))
    assert math.isnan(s.mean) and math.isnan(s.std) and s.nonfinite == 4 and s.dead == 0.0


def test_dead_units_need_zero_on_every_sample():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((50, 8))
    z[:, [1, 4, 6]] = -np.abs(z[:, [1, 4, 6]]) - 0.1  # three units never fire
    a = np.maximum(z, 0)
    s = describe(a, z, "relu")
    assert s.dead == 3 / 8
    assert s.zeros == np.mean(a == 0)
    assert s.saturated == 0.0  # ReLU does not saturate


@pytest.mark.parametrize("name,deriv,peak", [
    ("tanh", lambda z: 1 - np.tanh(z) ** 2, 1.0),
    ("sigmoid", lambda z: (1 / (1 + np.exp(-z))) * (1 - 1 / (1 + np.exp(-z))), 0.25),
])
def test_saturation_fraction_follows_the_derivative_rule(name, deriv, peak):
    z = np.random.default_rng(1).normal(scale=4.0, size=(200, 30))
    a = np.tanh(z) if name == "tanh" else 1 / (1 + np.exp(-z))
    s = describe(a, z, name)
    expected = np.mean(deriv(z) < 0.02 * peak)
    assert s.saturated == pytest.approx(expected, abs=1e-12)
    assert 0.1 < expected < 0.9  # the sample has both kinds


def test_saturation_needs_pre_activations_and_activation_name():
    z = np.full((3, 3), 10.0)
    assert describe(np.tanh(z)).saturated == 0.0
    assert describe(np.tanh(z), z, "tanh").saturated == 1.0
    assert describe(np.maximum(z, 0), z, "relu").saturated == 0.0


def test_describe_of_a_vector_has_no_dead_units():
    s = describe(np.zeros(5))
    assert s.dead == 0.0 and s.zeros == 1.0


def test_layer_stats_as_dict_lists_every_field():
    d = describe(np.ones((2, 2))).as_dict()
    assert set(d) == {"mean", "std", "saturated", "zeros", "dead", "nonfinite", "size",
                      "signal_std", "median_abs", "near_zero"}


# --------------------------------------------------------------------------------------------
# format_table
# --------------------------------------------------------------------------------------------
def fake_stats():
    rows = [
        LayerStats(0.123456, 12345.6, 0.0, 0.0, 0.5, 0, 10),
        LayerStats(-0.0012345, math.inf, 0.98765, 0.25, 0.0, 3, 10),
        LayerStats(math.nan, math.nan, 0.0, 1.0, 1.0, 10, 10),
    ]
    return NetworkStats(rows, rows, None, None, ["tanh", "relu", "linear"])


def test_format_table_rounds_to_three_significant_digits_and_prints_inf_nan():
    table = format_table(fake_stats())
    lines = table.splitlines()
    assert lines[0].split() == ["layer", "act", "mean", "std", "saturated", "dead", "nonfinite"]
    assert lines[1].split() == ["1", "tanh", "0.123", "1.23e+04", "0", "0.5", "0"]
    assert lines[2].split() == ["2", "relu", "-0.00123", "inf", "0.988", "0", "3"]
    assert lines[3].split() == ["3", "linear", "nan", "nan", "0", "1", "10"]
    assert len({len(line) for line in lines}) == 1  # fixed width, right-aligned columns


def test_format_table_digits_fields_and_layers():
    table = format_table(fake_stats(), fields=("mean", "zeros", "size"), digits=2, layers=[1])
    lines = table.splitlines()
    assert lines[0].split() == ["layer", "act", "mean", "zeros", "size"]
    assert lines[1].split() == ["2", "relu", "-0.0012", "0.25", "10"]
    assert len(lines) == 2


def test_format_table_rejects_unknown_field_and_missing_kind():
    with pytest.raises(ValueError, match="'median'"):
        format_table(fake_stats(), fields=("median",))
    with pytest.raises(ValueError, match="gradients"):
        format_table(fake_stats(), kind="gradients")  # no backward pass in fake_stats
    with pytest.raises(ValueError, match="'weights'"):
        format_table(fake_stats(), kind="weights")


# --------------------------------------------------------------------------------------------
# network_stats, signal_propagation
# --------------------------------------------------------------------------------------------
def small_net():
    return MLP([4, 6, 5, 3], activation="tanh", weight_init="glorot_normal", rng=0)


def test_network_stats_shapes_without_and_with_targets():
    net = small_net()
    X = np.random.default_rng(0).standard_normal((20, 4))
    s = stats.network_stats(net, X)
    assert len(s.activations) == len(s.pre_activations) == 3
    assert s.gradients is None and s.weight_gradients is None
    assert [r.size for r in s.activations] == [20 * 6, 20 * 5, 20 * 3]
    assert s.activation_names == ["tanh", "tanh", "linear"]
    assert s.column("activations", "std").shape == (3,)
    with pytest.raises(ValueError, match="gradients"):
        s.column("gradients", "std")

    y = np.zeros((20, 3))
    s = stats.network_stats(net, X, y)
    assert [r.size for r in s.gradients] == [20 * 6, 20 * 5, 20 * 3]
    assert [r.size for r in s.weight_gradients] == [4 * 6, 6 * 5, 5 * 3]
    _, g = net.loss_and_gradients(X, y)
    np.testing.assert_allclose(s.column("gradients", "std"),
                               [np.std(d) for d in g.pre_activations], rtol=1e-12)
    np.testing.assert_allclose(s.column("activations", "mean"),
                               [np.mean(a) for a in g.trace.activations], rtol=1e-12)


def test_network_stats_saturation_uses_each_layers_activation():
    net = MLP([4, 50, 3], activation="tanh",
              weight_init=initializers.get("random_normal", stddev=5.0), rng=0)
    X = np.random.default_rng(0).standard_normal((40, 4))
    s = stats.network_stats(net, X)
    z = net.trace(X).pre_activations[0]
    assert s.activations[0].saturated == pytest.approx(np.mean(1 - np.tanh(z) ** 2 < 0.02))
    assert s.activations[1].saturated == 0.0  # linear output


def test_signal_propagation_sends_a_seeded_standard_normal_back():
    net = small_net()
    X = np.random.default_rng(0).standard_normal((20, 4))
    s, g = stats.signal_propagation(net, X, rng=3)
    expected_out = np.random.default_rng(3).standard_normal((20, 3))
    np.testing.assert_array_equal(g.pre_activations[-1], expected_out)
    np.testing.assert_array_equal(g.trace.inputs, X)
    assert len(s.gradients) == len(s.weight_gradients) == 3
    assert [d.shape for d in g.pre_activations] == [(20, 6), (20, 5), (20, 3)]
    np.testing.assert_allclose(s.column("gradients", "std"),
                               [np.std(d) for d in g.pre_activations], rtol=1e-12)
    # the same backward pass as net.backward on the same output gradient
    g2 = net.backward(net.trace(X), expected_out)
    for a, b in zip(g.weights, g2.weights):
        np.testing.assert_array_equal(a, b)


def test_network_stats_of_an_exploding_net_counts_nonfinite_silently(no_warnings):
    # the std grows by 1e12 * sqrt(64 / 2) per layer: past 1e308 by layer 26
    net = MLP([64] * 30 + [1], activation="relu",
              weight_init=initializers.get("random_normal", stddev=1e12), rng=0)
    X = np.random.default_rng(0).standard_normal((8, 64))
    s, _ = stats.signal_propagation(net, X, rng=0)
    assert s.activations[-1].nonfinite > 0 and s.gradients[0].nonfinite > 0
    assert s.activations[0].nonfinite == 0
    table = format_table(s, kind="gradients")
    assert "inf" in table or "nan" in table


# ----------------------------------------------------------------------------- signal vs offset
def test_signal_std_is_the_rms_over_units_of_the_per_unit_std():
    X = np.random.default_rng(0).standard_normal((200, 30)) * np.linspace(0.1, 3, 30)
    assert stats.signal_std(X) == pytest.approx(np.sqrt(np.mean(np.var(X, axis=0))), rel=1e-12)


def test_fixed_offsets_are_layer_spread_but_not_signal():
    rng = np.random.default_rng(1)
    offsets = rng.standard_normal(50)          # each unit sits at its own fixed value
    X = offsets + 1e-6 * rng.standard_normal((400, 50))
    layer = stats.describe(X)
    assert layer.std == pytest.approx(np.std(offsets), rel=1e-3)
    assert layer.signal_std == pytest.approx(1e-6, rel=0.05)


def test_signal_std_survives_huge_and_tiny_values_and_skips_nonfinite(no_warnings):
    X = np.random.default_rng(2).standard_normal((100, 8))
    ref = stats.signal_std(X)
    assert stats.signal_std(X * 1e200) == pytest.approx(ref * 1e200, rel=1e-12)
    assert stats.signal_std(X * 1e-200) == pytest.approx(ref * 1e-200, rel=1e-12)
    Y = X.copy()
    Y[0, 0], Y[:, 1] = np.inf, np.nan                 # unit 1 has no finite value: left out
    keep = np.delete(X, 1, axis=1)
    col0 = np.std(X[1:, 0])
    expected = np.sqrt((col0**2 + np.sum(np.var(keep[:, 1:], axis=0))) / 7)
    assert stats.signal_std(Y) == pytest.approx(expected, rel=1e-12)
    assert math.isnan(stats.signal_std(np.full((3, 2), np.nan)))


def test_magnitudes_are_the_median_and_the_share_near_zero():
    g = np.random.default_rng(3).standard_normal(1001) * np.logspace(-6, 2, 1001)
    median_abs, near = stats.magnitudes(np.append(g, [np.nan, np.inf]))
    assert median_abs == np.median(np.abs(g))
    assert near == np.count_nonzero(np.abs(g) < 1e-3) / g.size


@pytest.mark.parametrize("n", [1, 2, 7, 16384, 16385])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("zero_share", [0.0, 0.3, 0.5, 0.8, 1.0])
def test_magnitudes_median_is_numpys_for_odd_and_even_counts(n, dtype, zero_share):
    """with any share of exact zeros (gradients through saturated units underflow to 0)"""
    rng = np.random.default_rng(n)
    g = (rng.standard_normal(n) * 1e-3).astype(dtype)
    g[rng.random(n) < zero_share] = 0.0
    original = g.copy()
    assert stats.magnitudes(g)[0] == float(np.median(np.abs(g)))
    assert np.array_equal(g, original)  # the input is left as it was


def test_input_similarity_is_the_mean_pairwise_cosine():
    X = np.random.default_rng(4).standard_normal((6, 5))
    U = X / np.linalg.norm(X, axis=1, keepdims=True)
    pairs = [U[i] @ U[j] for i in range(6) for j in range(i + 1, 6)]
    assert stats.input_similarity(X) == pytest.approx(np.mean(pairs), rel=1e-12)
    assert stats.input_similarity(np.ones((4, 3)) * np.arange(1, 5)[:, None]) == pytest.approx(1.0)
    Y = np.vstack([X, np.zeros(5), np.full(5, np.nan)])  # unusable rows are left out
    assert stats.input_similarity(Y) == pytest.approx(np.mean(pairs), rel=1e-12)
    assert stats.input_similarity(X * 1e200) == pytest.approx(np.mean(pairs), rel=1e-12)
    assert math.isnan(stats.input_similarity(np.zeros((3, 2))))

"""Fixup, LSUV and the output-layer initialization (initviz.init_schemes), checked against
their papers' rules and independent formulas (entropy, softmax of the bias)."""

import math

import numpy as np
import pytest

from initviz import MLP, ResidualMLP
from initviz.init_schemes import fixup, init_output, lsuv, prior_log_odds, prior_loss


@pytest.mark.parametrize("m, L", [(2, 16), (3, 8), (4, 10)])
def test_fixup_scales_branches_by_L_to_the_minus_1_over_2m_minus_2(m, L):
    net = ResidualMLP(5, 12, L, 3, branch_layers=m, output_activation="softmax", rng=0)
    before = [W.copy() for W in net.weights]
    fixup(net)
    factor = L ** (-1 / (2 * m - 2))   # Zhang, Dauphin & Ma 2019, rule 2
    for k in range(L):
        for j in range(m - 1):
            i = net.branch_layer(k, j)
            np.testing.assert_allclose(net.weights[i], factor * before[i])
        assert not net.weights[net.branch_layer(k, m - 1)].any()
    np.testing.assert_array_equal(net.weights[0], before[0])
    assert not net.weights[-1].any()
    X = np.random.default_rng(1).standard_normal((9, 5))
    t = net.trace(X)
    for x in t.stream:
        np.testing.assert_array_equal(x, t.stream[0])
    # zero output layer: a uniform softmax, cross-entropy ln C
    assert net.loss(X, np.arange(9) % 3) == pytest.approx(math.log(3), abs=1e-12)


def test_fixup_needs_a_residual_network():
    with pytest.raises(TypeError, match="ResidualMLP"):
        fixup(MLP([2, 3, 1]))


@pytest.mark.parametrize("activation", ["relu", "tanh", "linear"])
def test_lsuv_reaches_unit_variance_in_every_layer_within_a_few_passes(activation):
    net = MLP([32] + [64] * 12 + [10], activation, "glorot_uniform", rng=0)
    X = np.random.default_rng(1).normal(3.0, 5.0, (300, 32))   # badly scaled inputs
    r = lsuv(net, X, rng=2)
    assert r.layers == list(range(12)) and r.skipped == []
    t = net.trace(X)
    variances = np.array([z.var() for z in t.pre_activations[:-1]])
    assert np.all(np.abs(variances - 1.0) < 0.1)
    np.testing.assert_allclose(r.final_variances, variances)
    assert max(r.iterations) <= 5
    # orthonormal start: each weight matrix is a multiple of an orthonormal one
    W = net.weights[3]
    gram = W.T @ W
    np.testing.assert_allclose(gram, gram[0, 0] * np.eye(64), atol=1e-10)


def test_lsuv_skips_zero_layers_of_a_residual_network():
    net = ResidualMLP(8, 32, 3, 2, branch_layers=2, zero_last=True, rng=0)
    r = lsuv(net, np.random.default_rng(1).standard_normal((100, 8)), orthonormal=False)
    assert r.skipped == [2, 4, 6]
    assert r.layers == [0, 1, 3, 5]
    assert np.all(np.abs(r.final_variances - 1) < 0.1)


def test_prior_log_odds_make_the_output_predict_the_label_frequencies():
    y = np.repeat(np.arange(4), [10, 20, 30, 40])
    bias = prior_log_odds(y)
    p = np.exp(bias) / np.exp(bias).sum()
    np.testing.assert_allclose(p, [0.1, 0.2, 0.3, 0.4])
    yb = (np.arange(50) < 5).astype(int)
    q = 1 / (1 + np.exp(-prior_log_odds(yb, "sigmoid")))
    np.testing.assert_allclose(q, [0.1])


def test_prior_loss_is_the_entropy_of_the_labels():
    assert prior_loss(np.arange(100) % 10) == pytest.approx(math.log(10))
    y = np.repeat(np.arange(4), [10, 20, 30, 40])
    p = np.array([0.1, 0.2, 0.3, 0.4])
    assert prior_loss(y) == pytest.approx(-(p * np.log(p)).sum())
    yb = (np.arange(50) < 5).astype(int)
    assert prior_loss(yb, "sigmoid") == pytest.approx(-0.1 * math.log(0.1) - 0.9 * math.log(0.9))


@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
def test_init_output_starts_the_loss_at_the_prior_loss(output):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 6))
    y = (rng.random(200) < 0.15).astype(int) if output == "sigmoid" else rng.integers(0, 5, 200)
    k = 1 if output == "sigmoid" else 5
    net = init_output(MLP([6, 16, k], "relu", "he_normal", output_activation=output, rng=1), y)
    assert net.loss(X, y) == pytest.approx(prior_loss(y, output), rel=1e-12)
    default = MLP([6, 16, k], "relu", "he_normal", output_activation=output, rng=1)
    assert default.loss(X, y) > net.loss(X, y)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="every class must occur"):
        prior_log_odds(np.array([0, 0, 2]))
    with pytest.raises(ValueError, match="regresses"):
        init_output(MLP([2, 1]), np.array([0, 1]))
    with pytest.raises(ValueError, match="tol"):
        lsuv(MLP([2, 3, 1]), np.ones((4, 2)), tol=0)

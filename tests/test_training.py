"""Tests for initviz.train and initviz.compare: the loop against a hand-written gradient
descent loop, history bookkeeping, divergence, determinism and argument checks."""

import math

import numpy as np
import pytest

from initviz import MLP, compare, initializers, train


def linear_problem(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]]) + 0.3
    return X, y


def blobs(n=60, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    X = rng.standard_normal((n, 2)) * 0.3 + np.array([[0, 2], [2, -1], [-2, -1]])[y]
    return X, y


def test_loss_decreases_on_an_easy_regression_problem():
    X, y = linear_problem()
    for batch_size in (None, 8):
        net = MLP([3, 16, 1], activation="tanh", rng=0)
        h = train(net, X, y, epochs=200, lr=0.05, batch_size=batch_size, rng=1)
        assert h.final_loss < 0.02 * h.loss[0]
        assert h.diverged_at is None


def test_classifier_learns_separable_blobs_and_records_accuracy():
    X, y = blobs()
    net = MLP([2, 8, 3], activation="relu", output_activation="softmax", rng=0)
    h = train(net, X, y, epochs=100, lr=0.5)
    assert h.loss[-1] < h.loss[0]
    assert len(h.accuracy) == 100 and h.accuracy[-1] == 1.0
    assert net.accuracy(X, y) == 1.0


def test_full_batch_is_one_gradient_step_per_epoch_as_written_by_hand():
    X, y = linear_problem()
    net = MLP([3, 5, 1], activation="tanh", rng=2)
    ref = net.copy()
    h = train(net, X, y, epochs=10, lr=0.1)
    losses, grad_stds = [], []
    for _ in range(10):
        loss, g = ref.loss_and_gradients(X, y)
        losses.append(loss)
        grad_stds.append([np.std(gW) for gW in g.weights])
        for W, b, gW, gb in zip(ref.weights, ref.biases, g.weights, g.biases):
            W -= 0.1 * gW
            b -= 0.1 * gb
    np.testing.assert_allclose(h.loss, losses, rtol=1e-13)
    np.testing.assert_allclose(h.grad_std, grad_stds, rtol=1e-12)
    for W, Wr in zip(net.weights, ref.weights):
        np.testing.assert_allclose(W, Wr, rtol=1e-13)


def test_minibatch_epoch_follows_a_seeded_shuffle_and_averages_batch_losses():
    X, y = linear_problem(n=20)
    net = MLP([3, 5, 1], activation="sigmoid", rng=3)
    ref = net.copy()
    h = train(net, X, y, epochs=3, lr=0.1, batch_size=8, rng=7)
    gen = np.random.default_rng(7)
    expected = []
    for _ in range(3):
        order = gen.permutation(20)
        losses, sizes = [], []
        for start in range(0, 20, 8):  # batches of 8, 8, 4
            idx = order[start:start + 8]
            loss, g = ref.loss_and_gradients(X[idx], y[idx])
            losses.append(loss)
            sizes.append(len(idx))
            ref.apply_gradients(g, 0.1)
        expected.append(np.dot(losses, sizes) / 20)
    np.testing.assert_allclose(h.loss, expected, rtol=1e-12)
    for W, Wr in zip(net.weights, ref.weights):
        np.testing.assert_allclose(W, Wr, rtol=1e-12)


def test_batch_size_of_n_or_more_equals_full_batch():
    X, y = linear_problem(n=30)
    full = train(MLP([3, 4, 1], rng=0), X, y, epochs=20, lr=0.05)
    for bs in (30, 1000):
        mini = train(MLP([3, 4, 1], rng=0), X, y, epochs=20, lr=0.05, batch_size=bs, rng=0)
        np.testing.assert_allclose(mini.loss, full.loss, rtol=1e-10)


def test_history_lengths():
    X, y = linear_problem()
    net = MLP([3, 4, 4, 1], rng=0)
    h = train(net, X, y, epochs=7, lr=0.01, batch_size=16, rng=0)
    assert len(h.loss) == 7 and len(h.grad_std) == 7
    assert all(len(row) == net.n_layers for row in h.grad_std)
    assert h.accuracy == []  # regression
    assert h.final_loss == h.loss[-1]
    Xc, yc = blobs()
    hc = train(MLP([2, 4, 3], output_activation="softmax", rng=0), Xc, yc, epochs=5, lr=0.1)
    assert len(hc.accuracy) == 5 and all(0.0 <= a <= 1.0 for a in hc.accuracy)


def test_first_epoch_accuracy_is_the_initial_networks_accuracy():
    X, y = blobs()
    net = MLP([2, 4, 3], output_activation="softmax", rng=1)
    initial = net.accuracy(X, y)
    h = train(net, X, y, epochs=2, lr=0.1)
    assert h.accuracy[0] == initial


def test_binary_sigmoid_training_accuracy_counts_correct_samples():
    X, y3 = blobs()
    y = (y3 == 0).astype(float)
    net = MLP([2, 6, 1], activation="tanh", output_activation="sigmoid", rng=0)
    initial = net.accuracy(X, y)
    h = train(net, X, y, epochs=150, lr=1.0)
    assert h.accuracy[0] == initial
    assert h.accuracy[-1] == 1.0


def test_huge_learning_rate_diverges_silently_and_pads_loss_with_nan(no_warnings):
    X, y = linear_problem()
    net = MLP([3, 16, 16, 1], activation="relu", weight_init="he_normal", rng=0)
    h = train(net, X, y, epochs=50, lr=1e6)
    assert h.diverged_at is not None and 0 < h.diverged_at < 50
    assert len(h.loss) == 50
    assert all(math.isfinite(v) for v in h.loss[:h.diverged_at])
    assert all(math.isnan(v) for v in h.loss[h.diverged_at:])
    assert len(h.grad_std) == h.diverged_at
    assert math.isnan(h.final_loss)


def test_minibatch_divergence_is_silent_too(no_warnings):
    X, y = linear_problem()
    net = MLP([3, 16, 1], activation="tanh", rng=0)
    h = train(net, X, y, epochs=30, lr=1e8, batch_size=5, rng=0)
    assert h.diverged_at is not None and len(h.loss) == 30


def test_training_is_deterministic_given_the_seeds():
    X, y = linear_problem()
    runs = []
    for _ in range(2):
        net = MLP([3, 6, 1], activation="tanh", weight_init="glorot_normal", rng=4)
        runs.append((train(net, X, y, epochs=5, lr=0.05, batch_size=7, rng=9), net))
    assert runs[0][0].loss == runs[1][0].loss
    for W0, W1 in zip(runs[0][1].weights, runs[1][1].weights):
        np.testing.assert_array_equal(W0, W1)
    other = train(MLP([3, 6, 1], activation="tanh", weight_init="glorot_normal", rng=4),
                  X, y, epochs=5, lr=0.05, batch_size=7, rng=10)
    assert other.loss != runs[0][0].loss  # the shuffle seed matters for minibatches


@pytest.mark.parametrize("kwargs, error", [
    ({"epochs": 0}, ValueError), ({"epochs": -1}, ValueError),
    ({"epochs": 2.5}, TypeError), ({"epochs": True}, TypeError),
    ({"lr": 0.0}, ValueError), ({"lr": -0.1}, ValueError), ({"lr": math.nan}, ValueError),
    ({"lr": math.inf}, ValueError), ({"lr": "0.1"}, TypeError),
    ({"batch_size": 0}, ValueError), ({"batch_size": -4}, ValueError),
    ({"batch_size": 2.5}, TypeError), ({"batch_size": True}, TypeError),
], ids=repr)
def test_bad_epochs_lr_or_batch_size_raise_naming_the_value(kwargs, error):
    # the package's rule: a wrong type is a TypeError, a bad value a ValueError
    X, y = linear_problem(n=10)
    args = {"epochs": 3, "lr": 0.1, "batch_size": None, **kwargs}
    (key, value), = kwargs.items()
    with pytest.raises(error, match=key) as exc:
        train(MLP([3, 2, 1], rng=0), X, y, **args)
    assert repr(value) in str(exc.value)


def test_numpy_scalars_are_accepted_for_epochs_and_lr():
    X, y = linear_problem(n=10)
    a = train(MLP([3, 2, 1], rng=0), X, y, epochs=np.int64(3), lr=np.float32(0.125))
    b = train(MLP([3, 2, 1], rng=0), X, y, epochs=3, lr=0.125)
    assert a.loss == b.loss


def test_callback_sees_every_epoch_and_can_stop_training():
    X, y = linear_problem(n=10)
    seen = []

    def stop_after_three(epoch, history):
        seen.append((epoch, len(history.loss)))
        return epoch == 2

    h = train(MLP([3, 2, 1], rng=0), X, y, epochs=10, lr=0.1, callback=stop_after_three)
    assert seen == [(0, 1), (1, 2), (2, 3)]
    assert len(h.loss) == 3 and h.stopped_at == 3 and h.diverged_at is None
    full = train(MLP([3, 2, 1], rng=0), X, y, epochs=3, lr=0.1)
    assert full.loss == h.loss  # stopping changes nothing before the stop


def test_per_layer_learning_rates_update_each_layer_at_its_own_rate():
    X, y = linear_problem(n=10)
    net = MLP([3, 2, 1], rng=0)
    before = [W.copy() for W in net.weights]
    _, g = net.loss_and_gradients(X, y)
    train(net, X, y, epochs=1, lr={"weights": [0.1, 0.0001], "biases": [0.2, 0.3]})
    for W0, W1, gW, rate in zip(before, net.weights, g.weights, (0.1, 0.0001)):
        np.testing.assert_allclose(W1, W0 - rate * gW, rtol=1e-12, atol=1e-15)


def test_mismatched_or_bad_data_raise():
    X, y = linear_problem(n=10)
    with pytest.raises(ValueError, match="samples"):
        train(MLP([3, 2, 1], rng=0), X, y[:5], epochs=1, lr=0.1)
    Xbad = X.copy()
    Xbad[0, 0] = np.nan
    with pytest.raises(ValueError, match="nan"):
        train(MLP([3, 2, 1], rng=0), Xbad, y, epochs=1, lr=0.1)


# --------------------------------------------------------------------------------------------
# compare
# --------------------------------------------------------------------------------------------
def test_compare_returns_runs_in_config_order_from_the_same_seed():
    X, y = linear_problem()
    configs = {"He": {"weight_init": "he_normal"}, "zeros": {"weight_init": "zeros"},
               "He again": {"weight_init": "he_normal"}}
    runs = compare(configs, X, y, layer_sizes=[3, 8, 1], epochs=15, lr=0.05, batch_size=10,
                   seed=3, activation="relu")
    assert list(runs) == ["He", "zeros", "He again"]
    # identical configurations are identical runs: same weights, same shuffles
    assert runs["He"].history.loss == runs["He again"].history.loss
    np.testing.assert_array_equal(runs["He"].net.weights[0], runs["He again"].net.weights[0])
    assert runs["zeros"].history.loss != runs["He"].history.loss
    assert runs["He"].net.activation_names == ["relu", "linear"]


def test_compare_full_batch_run_equals_mlp_from_seed_then_train():
    X, y = linear_problem()
    runs = compare({"tanh": {"activation": "tanh"}}, X, y, layer_sizes=[3, 8, 1], epochs=10,
                   lr=0.05, seed=5, weight_init="glorot_uniform")
    net = MLP([3, 8, 1], activation="tanh", weight_init="glorot_uniform", rng=5)
    h = train(net, X, y, epochs=10, lr=0.05)
    assert runs["tanh"].history.loss == h.loss
    np.testing.assert_array_equal(runs["tanh"].net.weights[1], net.weights[1])


def test_compare_rejects_empty_configs():
    X, y = linear_problem()
    with pytest.raises(ValueError):
        compare({}, X, y, layer_sizes=[3, 1], epochs=1, lr=0.1)


def test_compare_per_run_override_wins_over_shared_kwargs():
    X, y = linear_problem()
    runs = compare({"a": {"activation": "sigmoid"}}, X, y, layer_sizes=[3, 4, 1], epochs=1,
                   lr=0.1, activation="relu")
    assert runs["a"].net.activation_names[0] == "sigmoid"


def test_zero_init_network_trains_only_its_output_bias_in_compare():
    X, y = linear_problem()
    runs = compare({"zeros": {"weight_init": initializers.get("zeros")}}, X, y,
                   layer_sizes=[3, 4, 1], epochs=20, lr=0.1, activation="tanh")
    net = runs["zeros"].net
    assert not net.weights[0].any() and not net.weights[1].any()
    assert net.biases[1][0] != 0.0

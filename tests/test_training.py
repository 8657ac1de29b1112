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


# --------------------------------------------------------------------------------------------
# Adam (lesson 10): against Kingma & Ba 2015, Algorithm 1, written out here scalar by scalar,
# and against torch.optim.Adam when torch is importable
# --------------------------------------------------------------------------------------------
def adam_reference(p0, grads, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """Algorithm 1 of Kingma & Ba 2015 on one scalar parameter, one gradient per step."""
    p, m, v = p0, 0.0, 0.0
    for t, g in enumerate(grads, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        p = p - lr * m_hat / (math.sqrt(v_hat) + eps)
    return p


def test_adam_follows_its_published_update_rule():
    from initviz.optimizers import Adam

    rng = np.random.default_rng(0)
    p0 = rng.standard_normal(5)
    grads = rng.standard_normal((7, 5)) * np.array([1e-4, 1e-2, 1.0, 10.0, 1e3])
    params = [p0.copy()]
    opt = Adam()
    for g in grads:
        opt.step(params, [g], [0.01])
    want = [adam_reference(p0[i], grads[:, i], 0.01) for i in range(5)]
    np.testing.assert_allclose(params[0], want, rtol=1e-13, atol=1e-15)
    assert opt.t == 7


def test_adam_first_step_is_about_lr_whatever_the_gradient_scale():
    from initviz.optimizers import Adam

    p = [np.zeros(3)]
    Adam().step(p, [np.array([1e-3, 1.0, -1e3])], [0.1])
    # m_hat = g, v_hat = g^2: the step is lr g / (|g| + eps)
    np.testing.assert_allclose(p[0], [-0.1 * 1e-3 / (1e-3 + 1e-8), -0.1 * 1 / (1 + 1e-8),
                                      0.1 * 1e3 / (1e3 + 1e-8)], rtol=1e-14)


def test_adam_matches_torch_optim_adam():
    torch = pytest.importorskip("torch")
    from initviz.optimizers import Adam

    rng = np.random.default_rng(1)
    shapes = [(4, 3), (3,)]
    params = [rng.standard_normal(s) for s in shapes]
    tparams = [torch.tensor(p.copy(), requires_grad=True) for p in params]
    topt = torch.optim.Adam([{"params": [tparams[0]], "lr": 0.05},
                             {"params": [tparams[1]], "lr": 0.2}])
    opt = Adam()
    for _ in range(5):
        grads = [rng.standard_normal(s) for s in shapes]
        opt.step(params, grads, [0.05, 0.2])
        for tp, g in zip(tparams, grads):
            tp.grad = torch.tensor(g)
        topt.step()
    for p, tp in zip(params, tparams):
        np.testing.assert_allclose(p, tp.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_train_with_adam_takes_adam_steps_from_the_backpropagated_gradients():
    X, y = linear_problem()
    net = MLP([3, 4, 1], activation="tanh", rng=0)
    ref = net.copy()
    train(net, X, y, epochs=2, lr=0.01, optimizer="adam")
    g1 = ref.loss_and_gradients(X, y)[1]
    first = [W - 0.01 * gW / (np.abs(gW) + 1e-8) for W, gW in zip(ref.weights, g1.weights)]
    # the second step, by Algorithm 1 per coordinate, from the gradients at the first step
    after_one = ref.copy()
    after_one.weights = [w.copy() for w in first]
    after_one.biases = [b - 0.01 * gb / (np.abs(gb) + 1e-8) for b, gb in zip(ref.biases, g1.biases)]
    g2 = after_one.loss_and_gradients(X, y)[1]
    for W0, gw1, gw2, W in zip(ref.weights, g1.weights, g2.weights, net.weights):
        want = np.vectorize(lambda p, a, b: adam_reference(p, [a, b], 0.01))(W0, gw1, gw2)
        np.testing.assert_allclose(W, want, rtol=1e-12, atol=1e-15)


def test_train_with_sgd_is_unchanged_by_the_optimizer_argument():
    X, y = linear_problem()
    a, b = MLP([3, 4, 1], rng=0), MLP([3, 4, 1], rng=0)
    ha = train(a, X, y, epochs=5, lr=0.05)
    hb = train(b, X, y, epochs=5, lr=0.05, optimizer="sgd")
    assert ha.loss == hb.loss
    for Wa, Wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(Wa, Wb)


def test_adam_trains_and_a_bad_optimizer_name_raises():
    X, y = blobs()
    net = MLP([2, 8, 3], output_activation="softmax", rng=0)
    h = train(net, X, y, epochs=50, lr=0.01, optimizer="adam")
    assert h.loss[-1] < 0.5 * h.loss[0]
    with pytest.raises(ValueError, match="'sgd', 'adam'.*'adamw'"):
        train(net, X, y, epochs=1, lr=0.01, optimizer="adamw")
    with pytest.raises(TypeError, match="optimizer"):
        train(net, X, y, epochs=1, lr=0.01, optimizer=None)


def test_adam_divergence_is_silent(no_warnings):
    X, y = linear_problem()
    # Adam's steps are ~lr in size: at lr 1e200 the weights reach 1e200 after one step
    h = train(MLP([3, 64, 1], rng=0), X, y, epochs=5, lr=1e200, optimizer="adam")
    assert h.diverged_at == 1 and math.isnan(h.loss[-1])


def test_adam_refuses_a_network_with_parameters_it_would_not_update():
    class Gains(MLP):   # a subclass whose apply_gradients also updates other parameters
        def apply_gradients(self, grads, lr, bias_lr=None):
            super().apply_gradients(grads, lr, bias_lr)

    X, y = linear_problem()
    with pytest.raises(ValueError, match="Gains has other parameters"):
        train(Gains([3, 2, 1], rng=0), X, y, epochs=1, lr=0.01, optimizer="adam")
    train(Gains([3, 2, 1], rng=0), X, y, epochs=1, lr=0.01)   # SGD: its own update

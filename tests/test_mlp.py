"""Tests for initviz.MLP: shapes, the forward pass against a hand-written numpy forward, losses
against their formulas, every gradient against central finite differences, the symmetry
claims of the lessons (zero and constant initialization), errors, and overflow behaviour."""

import itertools
import math

import numpy as np
import pytest

from initviz import MLP, initializers
from gradcheck import numerical_gradient

HIDDEN = ["linear", "relu", "leaky_relu", "tanh", "sigmoid"]
OUTPUTS = {"linear": 2, "sigmoid": 2, "softmax": 3}  # output activation -> output units


# --------------------------------------------------------------------------------------------
# independent references
# --------------------------------------------------------------------------------------------
def act_ref(name, z):
    return {
        "linear": lambda: z,
        "relu": lambda: np.where(z > 0, z, 0.0),
        "leaky_relu": lambda: np.where(z > 0, z, 0.01 * z),
        "tanh": lambda: np.tanh(z),
        "sigmoid": lambda: 1.0 / (1.0 + np.exp(-z)),
    }[name]()


def softmax_ref(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def forward_ref(X, weights, biases, hidden, output):
    a = X
    for i, (W, b) in enumerate(zip(weights, biases)):
        z = a @ W + b
        if i < len(weights) - 1:
            a = act_ref(hidden[i], z)
        elif output == "linear":
            a = z
        elif output == "sigmoid":
            a = 1.0 / (1.0 + np.exp(-z))
        else:
            a = softmax_ref(z)
    return a


def loss_ref(output, y_hat, y):
    n, k = y_hat.shape
    if output == "linear":  # MSE: mean over samples AND outputs
        return sum((y_hat[i, j] - y[i, j]) ** 2 for i in range(n) for j in range(k)) / (n * k)
    if output == "sigmoid":  # binary cross-entropy, mean over samples and outputs
        return -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))
    return -np.mean(np.log(y_hat[np.arange(n), y]))  # cross-entropy with integer labels


def make_problem(hidden, output, seed=0, n=6, sizes=(3, 5, 4)):
    k = OUTPUTS[output]
    net = MLP(list(sizes) + [k], activation=hidden,
              weight_init=initializers.get("random_normal", stddev=0.8),
              bias_init=initializers.get("random_normal", stddev=0.3),
              output_activation=output, rng=seed)
    rng = np.random.default_rng(seed + 100)
    X = rng.standard_normal((n, sizes[0]))
    if output == "linear":
        y = rng.standard_normal((n, k))
    elif output == "sigmoid":
        y = rng.integers(0, 2, size=(n, k)).astype(float)
    else:
        y = rng.integers(0, k, size=n)
    return net, X, y


def rel_error(a, b):
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else np.linalg.norm(a - b) / denom


# --------------------------------------------------------------------------------------------
# shapes and bookkeeping
# --------------------------------------------------------------------------------------------
def test_weights_biases_and_outputs_have_documented_shapes():
    sizes = [4, 7, 5, 3]
    net = MLP(sizes, rng=0)
    assert [W.shape for W in net.weights] == [(4, 7), (7, 5), (5, 3)]
    assert [b.shape for b in net.biases] == [(7,), (5,), (3,)]
    assert net.n_layers == 3
    assert net.n_params == 4 * 7 + 7 + 7 * 5 + 5 + 5 * 3 + 3
    X = np.zeros((9, 4))
    assert net.forward(X).shape == (9, 3)
    t = net.trace(X)
    assert [z.shape for z in t.pre_activations] == [(9, 7), (9, 5), (9, 3)]
    assert [a.shape for a in t.activations] == [(9, 7), (9, 5), (9, 3)]
    assert t.output is t.activations[-1]
    assert net.activation_names == ["relu", "relu", "linear"]


def test_default_init_is_glorot_uniform_weights_and_zero_biases():
    net = MLP([30, 20, 10], rng=0)
    limit = np.sqrt(6 / (30 + 20))
    assert np.abs(net.weights[0]).max() <= limit
    assert all(not b.any() for b in net.biases)


def test_same_seed_same_network_and_generator_draws_layer_by_layer():
    a, b = MLP([3, 4, 2], rng=5), MLP([3, 4, 2], rng=5)
    for Wa, Wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(Wa, Wb)
    g = np.random.default_rng(5)
    init = initializers.get("glorot_uniform")
    W0 = init((3, 4), rng=g)
    g.standard_normal(0)  # zeros bias draws nothing
    W1 = init((4, 2), rng=g)
    np.testing.assert_array_equal(a.weights[0], W0)
    np.testing.assert_array_equal(a.weights[1], W1)


def test_per_layer_lists_of_activations_and_initializers():
    net = MLP([2, 3, 3, 1], activation=["tanh", "relu"], weight_init=["zeros", "ones", "zeros"],
              bias_init=["ones", "zeros", "zeros"], rng=0)
    assert net.activation_names == ["tanh", "relu", "linear"]
    assert not net.weights[0].any() and (net.weights[1] == 1).all()
    assert (net.biases[0] == 1).all()


def test_copy_is_independent():
    net = MLP([2, 3, 1], rng=0)
    clone = net.copy()
    clone.weights[0][0, 0] += 1.0
    clone.biases[0][0] += 1.0
    assert net.weights[0][0, 0] != clone.weights[0][0, 0]
    assert net.biases[0][0] != clone.biases[0][0]


# --------------------------------------------------------------------------------------------
# forward and loss against hand-written numpy
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("output", list(OUTPUTS))
def test_forward_equals_hand_written_numpy_forward(output):
    hidden = ["tanh", "relu", "sigmoid", "leaky_relu"]
    net = MLP([3, 6, 5, 4, 6, OUTPUTS[output]], activation=hidden, weight_init="he_normal",
              bias_init=initializers.get("random_normal", stddev=0.5),
              output_activation=output, rng=1)
    X = np.random.default_rng(2).standard_normal((8, 3))
    expected = forward_ref(X, net.weights, net.biases, hidden, output)
    np.testing.assert_allclose(net.forward(X), expected, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(net(X), expected, rtol=1e-13, atol=1e-15)
    t = net.forward(X, record=True)
    np.testing.assert_allclose(t.pre_activations[0], X @ net.weights[0] + net.biases[0], rtol=1e-14)


@pytest.mark.parametrize("output", list(OUTPUTS))
def test_loss_matches_hand_computed_formula(output):
    net, X, y = make_problem("tanh", output, seed=3)
    y_hat = forward_ref(X, net.weights, net.biases, ["tanh", "tanh"], output)
    expected = loss_ref(output, y_hat, y)
    assert net.loss(X, y) == pytest.approx(expected, rel=1e-12)
    assert net.loss_and_gradients(X, y)[0] == pytest.approx(expected, rel=1e-12)


def test_mse_is_mean_over_samples_and_outputs_on_a_tiny_example():
    net = MLP([1, 2], weight_init="zeros", rng=0)  # output is 0 for every sample
    y = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert net.loss(np.zeros((2, 1)), y) == (1 + 4 + 9 + 16) / 4


def test_cross_entropy_of_uniform_softmax_is_log_k():
    net = MLP([2, 4], weight_init="zeros", output_activation="softmax", rng=0)
    assert net.loss(np.ones((3, 2)), np.array([0, 1, 3])) == pytest.approx(np.log(4), rel=1e-15)
    onehot = np.eye(4)[[0, 1, 3]]  # one-hot targets give the same loss
    assert net.loss(np.ones((3, 2)), onehot) == pytest.approx(np.log(4), rel=1e-15)


def test_binary_cross_entropy_is_exact_for_huge_logits(no_warnings):
    # BCE(z, y) = softplus(z) - y z: for z = 800, y = 0 it is 800 (log(1 - sigmoid) would be -inf)
    net = MLP([1, 1], weight_init="ones", output_activation="sigmoid", rng=0)
    assert net.loss(np.array([[800.0]]), np.array([0.0])) == pytest.approx(800.0, rel=1e-15)
    assert net.loss(np.array([[800.0]]), np.array([1.0])) == 0.0


# --------------------------------------------------------------------------------------------
# gradients against central finite differences
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("hidden,output", list(itertools.product(HIDDEN, OUTPUTS)))
def test_gradients_match_central_finite_differences(hidden, output):
    net, X, y = make_problem(hidden, output, seed=HIDDEN.index(hidden))
    loss, grads = net.loss_and_gradients(X, y)
    # no hidden pre-activation within 1e-3 of a ReLU kink, so +-1e-6 steps never cross one
    assert min(np.abs(z).min() for z in grads.trace.pre_activations[:-1]) > 1e-3

    def f():
        return net.loss(X, y)

    for i in range(net.n_layers):
        num_W = numerical_gradient(f, net.weights[i])
        num_b = numerical_gradient(f, net.biases[i])
        assert np.linalg.norm(num_W) > 1e-6  # the check is not vacuous
        assert rel_error(grads.weights[i], num_W) < 1e-6, f"dL/dW[{i}]"
        assert rel_error(grads.biases[i], num_b) < 1e-6, f"dL/db[{i}]"
        assert grads.weights[i].shape == net.weights[i].shape
        assert grads.biases[i].shape == net.biases[i].shape
    num_X = numerical_gradient(f, X)
    assert rel_error(grads.inputs, num_X) < 1e-6, "dL/dX"
    assert net.loss(X, y) == loss  # the parameters were restored exactly


def test_gradients_of_a_mixed_activation_network_match_finite_differences():
    net = MLP([3, 4, 4, 4, 2], activation=["sigmoid", "leaky_relu", "tanh"],
              weight_init=initializers.get("random_normal", stddev=0.9), rng=11)
    X = np.random.default_rng(12).standard_normal((5, 3))
    y = np.random.default_rng(13).standard_normal((5, 2))
    _, grads = net.loss_and_gradients(X, y)
    for i in range(net.n_layers):
        num = numerical_gradient(lambda: net.loss(X, y), net.weights[i])
        assert rel_error(grads.weights[i], num) < 1e-6


def test_backward_gradient_fields_are_consistent_with_the_chain_rule():
    net, X, y = make_problem("tanh", "linear", seed=4)
    _, g = net.loss_and_gradients(X, y)
    n, k = X.shape[0], OUTPUTS["linear"]
    # the output's dL/dz for MSE is 2 (y_hat - y) / (n k)
    np.testing.assert_allclose(g.pre_activations[-1], 2 * (g.trace.output - y) / (n * k),
                               rtol=1e-14)
    for i in range(net.n_layers):
        np.testing.assert_allclose(g.biases[i], g.pre_activations[i].sum(axis=0), rtol=1e-14)
    for i in range(net.n_layers - 1):  # dL/dz = dL/da * tanh'(z)
        z = g.trace.pre_activations[i]
        np.testing.assert_allclose(g.pre_activations[i], g.activations[i] * (1 - np.tanh(z) ** 2),
                                   rtol=1e-12, atol=1e-300)


def test_backward_rejects_output_grad_of_wrong_shape():
    net = MLP([2, 3, 1], rng=0)
    t = net.trace(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"\(4, 1\)"):
        net.backward(t, np.ones((4, 2)))


def test_apply_gradients_is_plain_gradient_descent():
    net, X, y = make_problem("tanh", "linear", seed=5)
    before = [W.copy() for W in net.weights], [b.copy() for b in net.biases]
    _, g = net.loss_and_gradients(X, y)
    net.apply_gradients(g, 0.1)
    for W0, W, gW in zip(before[0], net.weights, g.weights):
        np.testing.assert_allclose(W, W0 - 0.1 * gW, rtol=1e-15)
    for b0, b, gb in zip(before[1], net.biases, g.biases):
        np.testing.assert_allclose(b, b0 - 0.1 * gb, rtol=1e-15)


# --------------------------------------------------------------------------------------------
# symmetry: the lessons' claims about zero and constant initialization
# --------------------------------------------------------------------------------------------
def regression_data(seed=0, n=16):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 2))
    y = X[:, :1] - 2 * X[:, 1:] + 0.5 + 0.1 * rng.standard_normal((n, 1))
    return X, y


@pytest.mark.parametrize("hidden", ["relu", "tanh"])
def test_zero_init_hidden_activations_and_hidden_weight_gradient_are_exactly_zero(hidden):
    X, y = regression_data()
    net = MLP([2, 2, 1], activation=hidden, weight_init="zeros", bias_init="zeros", rng=0)
    _, g = net.loss_and_gradients(X, y)
    assert (g.trace.activations[0] == 0).all()
    assert (g.weights[0] == 0).all() and (g.biases[0] == 0).all()
    assert (g.weights[1] == 0).all()  # the hidden outputs are 0, so dL/dW2 is too


@pytest.mark.parametrize("hidden", ["relu", "tanh"])
def test_zero_init_only_the_output_bias_learns_and_it_goes_to_mean_y(hidden):
    from initviz import train

    X, y = regression_data()
    net = MLP([2, 2, 1], activation=hidden, weight_init="zeros", bias_init="zeros", rng=0)
    lr, steps = 0.05, 100
    train(net, X, y, epochs=steps, lr=lr)
    assert (net.weights[0] == 0).all() and (net.biases[0] == 0).all()
    assert (net.weights[1] == 0).all()
    # b <- b - lr * 2 (b - mean(y)), so b_t - mean(y) = -mean(y) (1 - 2 lr)^t exactly
    ybar = y.mean()
    expected = ybar * (1 - (1 - 2 * lr) ** steps)
    assert net.biases[1][0] == pytest.approx(expected, rel=1e-12)
    assert abs(net.biases[1][0] - ybar) < 1e-3 * abs(ybar)


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu"])
def test_constant_init_hidden_units_stay_identical_through_training(hidden):
    from initviz import train

    X, y = regression_data(seed=1)
    half = initializers.get("constant", value=0.5)
    net = MLP([2, 2, 1], activation=hidden, weight_init=half, bias_init=half, rng=0)
    _, g = net.loss_and_gradients(X, y)
    a = g.trace.activations[0]
    np.testing.assert_array_equal(a[:, 0], a[:, 1])
    np.testing.assert_array_equal(g.weights[0][:, 0], g.weights[0][:, 1])
    assert np.abs(g.weights[0]).max() > 0  # the hidden layer does get a gradient...
    before = net.weights[0].copy()
    train(net, X, y, epochs=100, lr=0.1)
    W1 = net.weights[0]
    assert not np.allclose(W1, before)  # ...it moves...
    np.testing.assert_allclose(W1[:, 0], W1[:, 1], rtol=0, atol=1e-12)  # ...in lockstep
    np.testing.assert_allclose(net.biases[0][0], net.biases[0][1], rtol=0, atol=1e-12)
    np.testing.assert_allclose(net.weights[1][0], net.weights[1][1], rtol=0, atol=1e-12)


# --------------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("sizes", [[3], []], ids=repr)
def test_fewer_than_two_layer_sizes_raise(sizes):
    with pytest.raises(ValueError, match="at least 2"):
        MLP(sizes)


def test_a_string_of_sizes_is_a_type_error():
    with pytest.raises(TypeError, match="layer_sizes must be a sequence of ints, got '23'"):
        MLP("23")


@pytest.mark.parametrize("sizes", [[2, 0, 1], [2, -3, 1], [0, 1]], ids=repr)
def test_zero_or_negative_sizes_raise(sizes):
    with pytest.raises(ValueError, match=r"layer_sizes\[\d\] must be an int >= 1"):
        MLP(sizes)


@pytest.mark.parametrize("sizes", [[2, 3.0, 1], [2, True, 1]], ids=repr)
def test_non_int_sizes_raise_type_error(sizes):
    with pytest.raises(TypeError):
        MLP(sizes)


def test_unknown_activation_error_lists_the_choices():
    with pytest.raises(ValueError) as exc:
        MLP([2, 3, 1], activation="swish")
    for name in ["'swish'"] + HIDDEN:
        assert name in str(exc.value)


def test_unknown_output_activation_error_lists_the_choices():
    with pytest.raises(ValueError) as exc:
        MLP([2, 3, 1], output_activation="tanh")
    for name in ["'tanh'", "linear", "sigmoid", "softmax"]:
        assert name in str(exc.value)


def test_wrong_list_lengths_and_bad_initializers_raise():
    with pytest.raises(ValueError, match="2 entries"):
        MLP([2, 3, 3, 1], activation=["relu"])
    with pytest.raises(ValueError, match="3 entries"):
        MLP([2, 3, 3, 1], weight_init=["zeros", "zeros"])
    with pytest.raises(ValueError, match="glorot_unifrom"):
        MLP([2, 3, 1], weight_init="glorot_unifrom")
    with pytest.raises(TypeError):
        MLP([2, 3, 1], weight_init=0.5)
    with pytest.raises(ValueError, match="2 output units"):
        MLP([2, 3, 1], output_activation="softmax")


def test_inputs_with_nan_raise_value_error_counting_them():
    net = MLP([3, 2, 1], rng=0)
    X = np.ones((4, 3))
    X[0, 0] = np.nan
    X[2, 1] = np.inf
    X[3, 2] = np.nan
    with pytest.raises(ValueError, match=r"\b3 nan/inf"):
        net.forward(X)
    with pytest.raises(ValueError, match=r"\b3 nan/inf"):
        net.loss_and_gradients(X, np.zeros(4))


def test_wrong_feature_count_or_shape_raises():
    net = MLP([3, 2, 1], rng=0)
    with pytest.raises(ValueError, match="4 features.*3"):
        net.forward(np.ones((5, 4)))
    with pytest.raises(ValueError, match="2-D"):
        net.forward(np.ones(3))
    with pytest.raises(ValueError, match="no samples"):
        net.forward(np.ones((0, 3)))
    with pytest.raises(ValueError, match="samples"):
        net.loss(np.ones((5, 3)), np.ones(4))


@pytest.mark.parametrize("labels", [[0, 1, 3], [-1, 0, 1], [0.0, 1.0, 2.0]], ids=repr)
def test_softmax_labels_out_of_range_or_not_integer_raise(labels):
    net = MLP([2, 3], output_activation="softmax", rng=0)
    with pytest.raises(ValueError, match="0..2"):
        net.loss(np.ones((3, 2)), np.array(labels))


def test_sigmoid_targets_outside_zero_one_raise():
    net = MLP([2, 1], output_activation="sigmoid", rng=0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        net.loss(np.ones((2, 2)), np.array([0.0, 2.0]))


def test_predict_and_accuracy():
    net = MLP([2, 3], weight_init="zeros", bias_init="zeros", output_activation="softmax", rng=0)
    net.biases[0][:] = [0.0, 1.0, 0.0]  # always predicts class 1
    X = np.zeros((4, 2))
    np.testing.assert_array_equal(net.predict(X), [1, 1, 1, 1])
    assert net.accuracy(X, np.array([1, 0, 1, 2])) == 0.5
    reg = MLP([2, 1], rng=0)
    with pytest.raises(ValueError, match="classif|sigmoid or softmax"):
        reg.accuracy(X, np.zeros(4))
    binary = MLP([2, 1], weight_init="zeros", output_activation="sigmoid", rng=0)
    binary.biases[0][:] = 1.0
    np.testing.assert_array_equal(binary.predict(X), [1, 1, 1, 1])
    assert binary.accuracy(X, np.array([1, 1, 0, 0])) == 0.5


# --------------------------------------------------------------------------------------------
# overflow: inf/nan, never a warning or an exception
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("stddev", [1.0, 10.0, 1e4, 1e6])
def test_exploding_deep_relu_net_gives_inf_nan_without_warnings_or_errors(stddev, no_warnings):
    net = MLP([256] * 50 + [1], activation="relu",
              weight_init=initializers.get("random_normal", stddev=stddev), rng=0)
    X = np.random.default_rng(1).standard_normal((16, 256))
    out = net.forward(X)
    loss, g = net.loss_and_gradients(X, np.zeros(16))
    assert out.shape == (16, 1)
    # relu std grows by stddev * sqrt(256 / 2) per layer: ~11**50 = 1e53 even at stddev 1
    last = g.trace.pre_activations[-1]
    assert not np.isfinite(last).all() or np.abs(last).max() > 1e50
    if stddev >= 1e4:  # (1.1e5)^50 ~ 1e252: the squared error overflows
        assert not np.isfinite(loss)
        assert not np.isfinite(g.weights[0]).all()
    net.apply_gradients(g, 0.1)  # stays silent too


def test_exploding_tanh_net_and_softmax_output_stay_silent(no_warnings):
    net = MLP([64] * 20 + [3], activation="tanh", output_activation="softmax",
              weight_init=initializers.get("random_normal", stddev=1e200), rng=0)
    X = np.random.default_rng(0).standard_normal((8, 64))
    loss, g = net.loss_and_gradients(X, np.arange(8) % 3)
    # the hidden tanh units sit at +-1, so each logit is a sum of 64 terms +-N(0, 1e400):
    # std 8e200; the cross-entropy from the logits, max_j z_j - z_y, is finite and of that order
    assert isinstance(loss, float) and math.isfinite(loss)
    assert 1e199 < loss < 1e203


# --------------------------------------------------------------------------------------------
# muP (lesson 10): Yang et al. 2022, "Tensor Programs V", table 3, typed in from the paper:
#   init variance: input & hidden 1/fan_in, output 1/fan_in^2; SGD LR: input weights and
#   all biases eta * fan_out, hidden eta, output eta / fan_in; Adam LR: input weights and
#   all biases eta, hidden and output eta / fan_in. Relative to a base width b, every fan
#   is a multiplier m = n / b, so that muP at n = b is the standard parametrization.
# --------------------------------------------------------------------------------------------
def test_mup_learning_rates_follow_table_3_of_tensor_programs_v():
    b, n, d, k, eta = 32, 256, 10, 3, 0.1
    m = n / b
    net = MLP([d, n, n, n, k], parametrization="mup", base_width=b, rng=0)
    adam = net.learning_rates(eta, "adam")
    assert adam["weights"] == pytest.approx([eta, eta / m, eta / m, eta / m])
    assert adam["biases"] == pytest.approx([eta] * 4)
    sgd = net.learning_rates(eta, "sgd")
    assert sgd["weights"] == pytest.approx([eta * m, eta, eta, eta / m])
    assert sgd["biases"] == pytest.approx([eta * m, eta * m, eta * m, eta])
    sp = MLP([d, n, n, n, k], rng=0)
    for opt in ("adam", "sgd"):
        assert sp.learning_rates(eta, opt) == {"weights": [eta] * 4, "biases": [eta] * 4}


def test_mup_init_variances_follow_table_3():
    b, n = 64, 1024
    net = MLP([20, n, n, 1000], weight_init="lecun_normal", parametrization="mup",
              base_width=b, rng=1)
    sp = MLP([20, n, n, 1000], weight_init="lecun_normal", rng=1)
    # input and hidden: 1/fan_in as in SP; output: (1/fan_in) (b/fan_in), i.e. 1/fan_in^2 up
    # to the base width's constant
    for W, want in zip(net.weights, [1 / 20, 1 / n, b / n ** 2]):
        assert W.var() == pytest.approx(want, rel=0.03)
    np.testing.assert_array_equal(net.weights[0], sp.weights[0])
    np.testing.assert_allclose(net.weights[-1], sp.weights[-1] / math.sqrt(n / b))


def test_mup_at_the_base_width_is_the_standard_parametrization():
    a = MLP([5, 16, 16, 2], parametrization="mup", base_width=16, rng=3)
    s = MLP([5, 16, 16, 2], rng=3)
    for Wa, Ws in zip(a.weights, s.weights):
        np.testing.assert_array_equal(Wa, Ws)
    assert a.learning_rates(0.3, "sgd") == s.learning_rates(0.3, "sgd")
    assert a.width_multipliers == [(1.0, 1.0)] * 3


def test_mup_equals_the_mup_packages_form_under_adam():
    """MuReadout's form: output weights drawn with variance 1/base fan_in, used as x W / m,
    all at Adam rate eta except hidden at eta / m (MuAdam). Same function after Adam steps."""
    from initviz.optimizers import Adam

    b, n, eta = 8, 64, 0.01
    m = n / b
    X = np.random.default_rng(0).standard_normal((32, 4))
    y = np.sin(X[:, :1])
    net = MLP([4, n, n, 1], activation="tanh", weight_init="lecun_normal",
              parametrization="mup", base_width=b, rng=2)
    pkg = MLP([4, n, n, 1], activation="tanh", weight_init="lecun_normal", rng=2)
    pkg.weights[-1] *= math.sqrt(1 / m) * m   # V = W_eff * m, Var(V) = 1 / base fan_in
    assert pkg.weights[-1].var() == pytest.approx(1 / b, rel=0.5)
    opt_a, opt_b = Adam(eps=1e-30), Adam(eps=1e-30)
    rates_a = net.learning_rates(eta, "adam")
    for _ in range(3):
        _, g = net.loss_and_gradients(X, y)
        opt_a.step(net.weights + net.biases, g.weights + g.biases,
                   rates_a["weights"] + rates_a["biases"])
        # the package's network: the effective output weight is V / m
        eff = pkg.copy()
        eff.weights[-1] = pkg.weights[-1] / m
        _, gp = eff.loss_and_gradients(X, y)
        gV = gp.weights[-1] / m                  # chain rule through W_eff = V / m
        opt_b.step(pkg.weights + pkg.biases, gp.weights[:-1] + [gV] + gp.biases,
                   [eta, eta / m, eta] + [eta] * 3)
    np.testing.assert_allclose(net.weights[-1], pkg.weights[-1] / m, rtol=1e-9)
    np.testing.assert_allclose(net.weights[1], pkg.weights[1], rtol=1e-9)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"parametrization": "mup"}, ValueError, "base_width"),
    ({"parametrization": "mup", "base_width": 0}, ValueError, "base_width"),
    ({"parametrization": "mup", "base_width": 2.5}, TypeError, "base_width"),
    ({"parametrization": "muP"}, ValueError, "did you mean 'mup'"),
])
def test_bad_parametrization_arguments_raise(kwargs, error, match):
    with pytest.raises(error, match=match):
        MLP([2, 4, 1], **kwargs)


def test_learning_rates_check_their_arguments():
    net = MLP([2, 4, 1], parametrization="mup", base_width=2)
    with pytest.raises(ValueError, match="optimizer"):
        net.learning_rates(0.1, "rmsprop")
    with pytest.raises(ValueError, match="lr"):
        net.learning_rates(-1.0)
    assert "base_width=2" in repr(net)

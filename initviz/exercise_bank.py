"""The exercises of lessons 01-06, for :mod:`initviz.exercises`.

Each exercise is an id ``"LL.N"`` (lesson, number), a kind (implement, predict, number,
choice), its question, and a checker built from the generic ones of :mod:`initviz.exercises`.
Every expected value is computed, by initviz (its training loop, backpropagation, theory or
initializers) or by the formula the lesson derives, never typed in; so are the values of the
typical wrong answers, each with the message that explains it. Reference computations that
cost more than a few microseconds are cached.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from . import initializers
from .exercises import (KINDS, _Exercise, check_choice, check_function, check_initializer,
                        check_number)
from .mlp import MLP
from .symmetry import collapsed_learning_rates, make_lecture_data, train_recording
from .theory import gaussian_moments, predict_variances

__all__ = ["build"]

# PyTorch's nn.Linear default, U(-1/sqrt(fan_in), 1/sqrt(fan_in)): Glorot & Bengio's "standard"
PYTORCH_LINEAR = dict(scale=1 / 3, mode="fan_in", distribution="uniform")


# ----------------------------------------------------------------------------- references
def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + e^-z), without overflow warnings


@functools.lru_cache(maxsize=None)
def _zero_net_run(steps, lr, y):
    """(b2, loss) of lesson 01's zero network [2, 2, 1] (ReLU) after ``steps`` steps on the
    targets ``y`` (a tuple), trained by initviz."""
    y = np.asarray(y, dtype=np.float64).reshape(-1, 1)
    X, _ = make_lecture_data(n_samples=len(y), rng=0)
    net = MLP([2, 2, 1], activation="relu", weight_init="zeros", bias_init="zeros")
    train_recording(net, X, y, steps, lr)
    return float(net.biases[1][0]), float(net.loss(X, y))


def _lesson02_cases():
    """The inputs of 02.3: lesson 02's data, with its constant network and with a random one."""
    X, y = make_lecture_data(n_samples=100, noise=0.1, target="folded", rng=0)
    const = (X, y, np.full((2, 2), 0.5), np.full(2, 0.5), np.full((2, 1), 0.5), np.full(1, 0.5))
    gen = np.random.default_rng(2)
    rand = (X, y, gen.normal(0, 1, (2, 2)), gen.normal(0, 0.5, 2), gen.normal(0, 1, (2, 1)),
            gen.normal(0, 0.5, 1))
    return [const, rand]


def _grad_W1_initviz(X, y, W1, b1, W2, b2):
    """dL/dW1 of the 2-2-1 sigmoid network by initviz's backpropagation."""
    net = MLP([2, 2, 1], activation="sigmoid", weight_init="zeros", bias_init="zeros")
    for dst, src in zip((*net.weights, *net.biases), (W1, W2, b1, b2)):
        dst[...] = src
    return net.loss_and_gradients(X, y)[1].weights[0]


def _grad_W1_variant(kind):
    """dL/dW1 computed with one typical mistake ``kind`` (for the messages of 02.3)."""
    def grad(X, y, W1, b1, W2, b2):
        n = len(X)
        A1 = _sigmoid(X @ W1 + b1)
        d_yhat = 2 * (A1 @ W2 + b2 - y) / n
        d_A1 = d_yhat @ W2.T
        d_Z1 = {"no_derivative": d_A1,
                "sigmoid_not_derivative": d_A1 * A1}.get(kind, d_A1 * A1 * (1 - A1))
        G = (A1 if kind == "used_A1" else X).T @ d_Z1
        return {"sum": G * n, "no_two": G / 2, "no_two_n": G * n / 2, "sign": -G,
                "transposed": G.T}.get(kind, G)
    return grad


@functools.lru_cache(maxsize=None)
def _tanh_stack_std(width, depth, scale):
    """Std of the activations of hidden layer ``depth`` of lesson 03's deep stack
    (``experiments.deep_stack``: ``depth`` tanh layers and a linear output, weights
    ``standard_normal * scale``, standard-normal inputs), by initviz's mean-field theory: it
    matches the measurement to ~1 % at width 1000, at a thousandth of the cost."""
    pred = predict_variances([width] * (depth + 2), initializers.RandomNormal(stddev=scale),
                             "tanh")
    return float(pred.activation_std[depth - 1])


def _std_factor_reference(scale, fan_in, activation):
    """One layer's factor on the std in the linear regime (initviz.theory, "linearized")."""
    second_moment = gaussian_moments(activation, 1.0, method="linearized")[1]  # Var(z) = 1
    return math.sqrt(fan_in * scale ** 2 * second_moment)


@functools.lru_cache(maxsize=None)
def _relu_stack_ratio(depth, width, init):
    """Theory: the std of z at the last of ``depth`` ReLU layers, ``init`` divided by He."""
    if init == "pytorch_linear":
        init = initializers.get("variance_scaling", **PYTORCH_LINEAR)
    sizes = [width] * (depth + 1)
    a = predict_variances(sizes, init, "relu").pre_activation_std[-1]
    b = predict_variances(sizes, "he_normal", "relu").pre_activation_std[-1]
    return float(a / b)


def _mean(y):
    return float(np.mean(y))


# ----------------------------------------------------------------------------- 01 zero init
_Y4 = (1.0, 2.0, 3.0, 6.0)


def _e01_2(answer):
    _, final = _zero_net_run(300, 0.1, _Y4)
    y = np.array(_Y4)
    return check_number("01.2", answer, final, explain=(
        "Only b2 learns; it converges to mean(y) = 3, and the loss of predicting the mean "
        "everywhere is mean((y - 3)^2), the variance of y."), mistakes=[
        (float(np.mean(y ** 2)),
         "that is the loss at the start (y_hat = 0): training does move the output bias"),
        (float(np.mean(y)),
         "that is where the output goes (b2 -> mean of y); the question asks for the loss there"),
        (float(np.std(y)),
         "that is the standard deviation of y; the loss is a mean of squares, so its square"),
        (float(np.var(y, ddof=1)),
         "that divides by n - 1; the loss averages over the n samples"),
        (0.0,
         "the network cannot fit y: its hidden units output 0 for ever, so y_hat = b2 is a "
         "constant"),
    ], hint="y_hat = b2 for every sample, and b2 ends at the best constant.")


def _e01_4(student):
    y_a, y_b = np.array(_Y4), np.array([-1.0, 0.5, 2.0, 4.5, 0.0])
    inputs = [(1, 0.1, y_a), (10, 0.1, y_a), (100, 0.1, y_a), (3, 0.25, y_b), (7, 0.05, y_b)]

    def reference(steps, lr, y):
        return _zero_net_run(steps, lr, tuple(np.asarray(y, dtype=float)))[0]

    return check_function(
        "01.4", student, reference, inputs, rel_tol=1e-6, signature="b2_after(steps, lr, y)",
        names=("steps", "lr", "y"),
        success="matches initviz's training of the zero network on every input: "
                "b2 = mean(y) (1 - (1 - 2 lr)^steps).",
        mistakes=[
            (lambda t, lr, y: _mean(y) * (1 - (1 - lr) ** t),
             "the factor 2 is missing: dL/db2 = 2 (b2 - mean(y)) (the derivative of a square), "
             "so each step moves b2 by 2 lr (mean(y) - b2)"),
            (lambda t, lr, y: _mean(y) + 0 * t,
             "that is where b2 ends up (steps -> infinity); after a finite number of steps it "
             "has covered only 1 - (1 - 2 lr)^steps of the way"),
            (lambda t, lr, y: 2 * lr * t * _mean(y),
             "b2 does not move by the same amount every step: the step is 2 lr (mean(y) - b2), "
             "a fraction of the distance still to go, which shrinks"),
            (lambda t, lr, y: _mean(y) * (1 - 2 * lr) ** t,
             "that is the distance still to go, mean(y) - b2; b2 itself is mean(y) minus it"),
            (lambda t, lr, y: -_mean(y) * (1 - (1 - 2 * lr) ** t),
             "the sign is flipped: gradient descent moves b2 towards +mean(y) (b2 -= lr "
             "dL/db2, and dL/db2 = 2 (b2 - mean(y)) is negative at the start)"),
            (lambda t, lr, y: float(np.median(y)) * (1 - (1 - 2 * lr) ** t),
             "that uses the median; squared error pulls b2 towards the mean"),
        ],
        hint="write one step, b2 <- b2 - lr * 2 (b2 - mean(y)), and repeat it `steps` times.")


# ----------------------------------------------------------------------------- 02 constant init
def _e02_3(student):
    def success(got):
        return (f"your dL/dW1 matches initviz's backpropagation on the lesson's constant "
                f"network and on a random one. For the constant start it is "
                f"{got[0].round(4).tolist()}: the two columns (one per hidden unit) are equal, so "
                f"both units get the same update and stay copies.")

    return check_function(
        "02.3", student, _grad_W1_initviz, _lesson02_cases(), rel_tol=1e-6,
        signature="grad_W1(X, y, W1, b1, W2, b2)", success=success,
        labels=["on the lesson's constant network (every weight and bias 0.5)",
                "on a random network (seed 2)"],
        mistakes=[
            (_grad_W1_variant("transposed"),
             "your result is transposed: dL/dW1 has W1's shape (fan_in, fan_out), "
             "X.T @ dL/dZ1, whose column j belongs to hidden unit j"),
            (_grad_W1_variant("sum"),
             "your gradient is n = 100 times too large: L is the MEAN of the squared errors, so "
             "dL/dy_hat = 2 (y_hat - y) / n"),
            (_grad_W1_variant("no_two_n"),
             "your gradient is n/2 = 50 times too large: L = mean((y_hat - y)^2) gives "
             "dL/dy_hat = 2 (y_hat - y) / n"),
            (_grad_W1_variant("no_two"),
             "your gradient is half the right one: the derivative of (y_hat - y)^2 is "
             "2 (y_hat - y)"),
            (_grad_W1_variant("sign"),
             "the sign is flipped: dL/dy_hat = 2 (y_hat - y) / n, prediction minus target"),
            (_grad_W1_variant("no_derivative"),
             "the sigmoid's derivative is missing: dL/dZ1 = (dL/dy_hat @ W2.T) * "
             "sigmoid'(Z1), with sigmoid'(z) = sigmoid(z) (1 - sigmoid(z))"),
            (_grad_W1_variant("sigmoid_not_derivative"),
             "you multiplied by sigmoid(Z1) where the chain rule needs its derivative, "
             "sigmoid(Z1) (1 - sigmoid(Z1))"),
            (_grad_W1_variant("used_A1"),
             "you multiplied by the hidden activations A1: the first layer's input is X, so "
             "dL/dW1 = X.T @ dL/dZ1 (A1.T @ dL/dy_hat is dL/dW2)"),
        ],
        hint="follow the chain rule of lesson 01's table: dL/dy_hat, then dL/dA1 = dL/dy_hat "
             "@ W2.T, dL/dZ1 = dL/dA1 * A1 (1 - A1), dL/dW1 = X.T @ dL/dZ1.")


def _e02_4(answer):
    k, lr = 4, 0.1
    rates = collapsed_learning_rates(lr, k)
    return check_number("02.4", answer, rates["weights"][0], rel_tol=0.01, explain=(
        "Each of the k copies receives (V/k) G on its incoming weights, 1/k of the one-unit "
        "network's V G, so the one unit needs step size lr/k there (and k lr on V)."), mistakes=[
        (rates["weights"][1],
         "that is the step size for the one unit's OUTGOING weight V = k v (k lr); the incoming "
         "weights need the opposite"),
        (lr,
         "lr is right for the output bias only: each copy's incoming weights get 1/k of the "
         "one-unit gradient"),
        (lr / k ** 2,
         "one factor 1/k too many: the copies' gradient is 1/k of the one unit's"),
    ], hint="compare dL/dW1 of one copy, v G, with that of the one unit, V G = k v G.")


# ----------------------------------------------------------------------------- 03 random init
def _e03_1(answer):
    width, depth, scale = 1000, 10, 0.01
    factor = math.sqrt(width) * scale
    return check_number("03.1", answer, _tanh_stack_std(width, depth, scale), log_tol=0.3,
                        explain=(f"Near 0 tanh is linear, so each layer multiplies the std by "
                                 f"sqrt(1000) * 0.01 = {factor:.3g}, and {factor:.3g}^10 = "
                                 f"{factor ** 10:.2g}."), mistakes=[
        (factor,
         "that is the factor of ONE layer (sqrt(1000) * 0.01); it multiplies at every one of "
         "the 10 layers"),
        ((math.sqrt(250) * scale) ** depth,
         "that is the lesson's width 250: with fan_in = 1000 each layer multiplies by "
         "sqrt(1000) * 0.01 = 0.316"),
        ((width * scale ** 2) ** depth,
         "that is the VARIANCE after 10 layers (0.1 per layer); the std is its square root"),
        (scale ** depth,
         "you dropped the sqrt(fan_in): a unit sums 1000 inputs, so its std is "
         "sqrt(1000) * 0.01 times the input's, not 0.01"),
        (0.0,
         "small, but not 0: every layer multiplies the std by about 0.316"),
    ], hint="by what factor does one layer multiply the std? (lesson 03: sqrt(fan_in) * std of "
            "W)")


def _e03_2(answer):
    n = 400
    want = initializers.get("lecun_normal").std((n, n))
    return check_number("03.2", answer, want, rel_tol=0.03, explain=(
        "std = sqrt(1/fan_in) makes fan_in * Var(W) = 1: LeCun's condition (lesson 04)."),
        mistakes=[
        (1 / n,
         "that is the variance 1/fan_in; the question asks for the standard deviation"),
        (initializers.get("he_normal").std((n, n)),
         "that is He's std for ReLU, which passes only half its input; tanh near 0 passes all "
         "of it"),
        (0.01,
         "the lecture's 0.01 is 5 times too small for fan_in = 400: every layer would multiply "
         "the std by sqrt(400) * 0.01 = 0.2"),
        (1.0,
         "std 1 makes each pre-activation's std sqrt(400) = 20 times the input's: tanh "
         "saturates"),
        (1 / math.sqrt(n) ** 0.5,
         "take sqrt(1/fan_in), not its square root again"),
    ], hint="one layer multiplies the std by sqrt(fan_in) * std(W): make that 1.")


def _e03_4(student):
    inputs = [(0.01, 250, "tanh"), (0.01, 250, "relu"), (1.0, 250, "relu"),
              (0.05, 1000, "tanh"), (0.2, 64, "relu")]

    def half(a):
        return 0.5 if a == "relu" else 1.0

    return check_function(
        "03.4", student, _std_factor_reference, inputs, rel_tol=1e-6,
        signature="std_factor(scale, fan_in, activation)", names=("scale", "fan_in", "activation"),
        success="right for tanh and ReLU: sqrt(fan_in) * scale for tanh near 0, "
                "sqrt(fan_in / 2) * scale for ReLU, which zeroes half of its input.",
        mistakes=[
            (lambda s, n, a: math.sqrt(n) * s,
             "right for tanh, not for ReLU: a ReLU zeroes the negative half, E[relu(z)^2] = "
             "Var(z)/2, so its factor is sqrt(fan_in / 2) * scale"),
            (lambda s, n, a: math.sqrt(n / 2) * s,
             "right for ReLU, not for tanh: near 0 tanh(z) ~ z passes its whole input, the "
             "factor is sqrt(fan_in) * scale"),
            (lambda s, n, a: n * s ** 2 * half(a),
             "that is the factor of the VARIANCE; the std's factor is its square root"),
            (lambda s, n, a: n * s * half(a),
             "the std of a sum of fan_in independent terms grows like sqrt(fan_in), not fan_in"),
            (lambda s, n, a: math.sqrt(n) * s * half(a),
             "for ReLU you halved the std; the ReLU halves the second moment, so the std's "
             "factor gets 1/sqrt(2), not 1/2"),
        ],
        hint="Var(z) = fan_in Var(W) E[a^2] (lesson 04), E[a^2] = Var for tanh near 0, Var/2 "
             "for ReLU.")


# ----------------------------------------------------------------------------- 04 Glorot
def _e04_1(student):
    return check_function(
        "04.1", student, lambda a: a * a / 3, [0.5, 1.0, 2.0, 3.0],
        signature="uniform_variance(a)", names=("a",),
        success="Var(U[-a, a]) = integral of w^2 / (2a) over [-a, a] = a^2/3: so "
                "a = sqrt(3 Var) = sqrt(6/(fan_in + fan_out)) for Glorot.",
        mistakes=[
            (lambda a: a * a / 12,
             "a^2/12 is the variance of a uniform of width a, e.g. U[0, a]; U[-a, a] has width "
             "2a, so (2a)^2/12 = a^2/3"),
            (lambda a: 4 * a * a / 3,
             "4 times too large: (b - a)^2/12 with width 2a gives 4a^2/12 = a^2/3"),
            (lambda a: a / 3,
             "the variance grows with the square of a (double a, four times the variance)"),
            (lambda a: a / math.sqrt(3),
             "that is the standard deviation, a/sqrt(3); the variance is its square"),
            (lambda a: a * a / 2,
             "divide by the width 2a inside the integral: the density of U[-a, a] is 1/(2a), "
             "and the integral of w^2/(2a) is a^2/3"),
        ],
        hint="the density is 1/(2a) on [-a, a]: Var = integral of w^2 / (2a) dw.")


# ----------------------------------------------------------------------------- 05 He
def _e05_1(answer):
    q = 4.0
    mean, second, _ = gaussian_moments("relu", q)
    return check_number("05.1", answer, second, explain=(
        "By symmetry the positive half of z carries half of E[z^2] = 4."), mistakes=[
        (q,
         "that is E[z^2]; the ReLU zeroes the negative half, which takes half of it away"),
        (1.0,
         "you halved the std (2 -> 1) and squared it; the ReLU halves the second moment, 4 -> 2"),
        (mean ** 2,
         "that is E[relu(z)]^2, the square of the mean, not the second moment"),
        (second - mean ** 2,
         "that is Var(relu(z)), around its mean 2/sqrt(2 pi); the question asks for the second "
         "moment E[relu(z)^2], which the next layer sees"),
    ], hint="E[relu(z)^2] = E[z^2 ; z > 0], and z is symmetric.")


def _e05_2(answer):
    s, fan_in = 0.5, 100
    gain = initializers.calculate_gain("leaky_relu", s)
    want = gain / math.sqrt(fan_in)
    return check_number("05.2", answer, want, rel_tol=0.01, explain=(
        f"gain = sqrt(2/(1 + s^2)) = {gain:.4g}; std = gain/sqrt(fan_in)."), mistakes=[
        (math.sqrt(2 / fan_in),
         "that is He's std for the plain ReLU: a leaky ReLU keeps (1 + s^2)/2 of the second "
         "moment, so divide 2 by 1 + s^2 too"),
        (want ** 2,
         "that is the variance 2/((1 + s^2) fan_in); the question asks for the std"),
        (math.sqrt(2 / ((1 + s) * fan_in)),
         "use 1 + s^2, not 1 + s: the negative half's second moment is scaled by s^2"),
        (gain,
         "that is the gain; the std is gain / sqrt(fan_in)"),
        (math.sqrt(1 / fan_in),
         "that is LeCun's std, right for s = 1 (a linear unit), not for s = 0.5"),
    ], hint="Var(W) = 2 / ((1 + s^2) fan_in).")


def _e05_4(answer):
    want = _relu_stack_ratio(20, 256, "glorot_uniform")
    return check_number("05.4", answer, want, log_tol=0.3, explain=(
        "Xavier's 1/n is half of what a ReLU layer needs: each of the 20 layers halves Var(z) "
        "relative to He, so the std ratio is (1/2)^(20/2) ~ 1e-3."), mistakes=[
        (1.0,
         "Xavier is not for every activation: its variance 1/n suits units that pass their "
         "whole input (tanh near 0); a ReLU passes half of it, so each of the 20 layers loses a "
         "factor sqrt(1/2) in std, and the factors multiply"),
        (want ** 2,
         "that is the ratio of the VARIANCES, (1/2)^20; the std ratio is its square root"),
        (1 / want,
         "that is He divided by Xavier; the question asks for Xavier / He, below 1"),
    ], hint="per layer, Xavier multiplies Var(z) by (1/2) n (1/n) = 1/2, He by (1/2) n (2/n) "
            "= 1.")


# ----------------------------------------------------------------------------- 06 in practice
def _field(s):
    return math.prod(s[:-2])


def _e06_1(student):
    inputs = [((250, 100),), ((3, 3, 64, 128),), ((5, 5, 3, 32),), ((1, 1, 256, 64),),
              ((3, 16, 32),)]
    return check_function(
        "06.1", student, initializers.compute_fans, inputs, signature="fans(shape)",
        names=("shape",),
        success="fan_in = receptive field x in_channels, fan_out = receptive field x "
                "out_channels, for dense, Conv1D and Conv2D kernels, as "
                "initializers.compute_fans.",
        mistakes=[
            (lambda s: (s[-2], s[-1]),
             "you counted the channels only: each output of a convolution sums over the "
             "kernel's receptive field too, fan_in = kh * kw * in_channels"),
            (lambda s: (s[-1] * _field(s), s[-2] * _field(s)),
             "fan_in and fan_out are swapped: in Keras' layout (..., in, out) the input "
             "channels come second to last"),
            (lambda s: (s[1] * math.prod(s[2:]), s[0] * math.prod(s[2:])),
             "you read the shape in PyTorch's layout (out, in, kh, kw); here it is Keras' "
             "(kh, kw, in, out)"),
            (lambda s: (math.prod(s), math.prod(s)),
             "the product of all dimensions is the number of weights, not the fan: fan_in "
             "leaves out the output channels"),
        ],
        hint="a Keras kernel is (*kernel_size, in_channels, out_channels); a dense one is "
             "(fan_in, fan_out).")


def _e06_3(answer):
    depth, width = 20, 256
    want = _relu_stack_ratio(depth, width, "pytorch_linear")
    return check_number("06.3", answer, want, log_tol=0.3, explain=(
        "nn.Linear's variance 1/(3 fan_in) is a sixth of He's: Var(z) falls by 1/6 per layer "
        "relative to He, (1/6)^(20/2) in std."), mistakes=[
        (1.0,
         "PyTorch's default is not He: kaiming_uniform_ with a = sqrt(5) gives variance "
         "1/(3 fan_in), a sixth of He's 2/fan_in"),
        (_relu_stack_ratio(depth, width, "glorot_uniform"),
         "that is Xavier's ratio, (1/2)^10; nn.Linear's default is smaller still, a third of "
         "LeCun's variance"),
        (want ** 2,
         "that is the ratio of the VARIANCES; the std ratio is its square root"),
        ((1 / 3) ** (depth / 2),
         "1/3 per layer is the default's loss against LeCun in a linear network; against He "
         "in a ReLU network it is 1/6"),
        (1 / want,
         "that is He divided by the default; the question asks for default / He"),
    ], hint="per layer, Var(z) is multiplied by (1/2) n Var(W): compare Var(W) = 1/(3n) with "
            "2/n.")


# ----------------------------------------------------------------------------- choices
# id -> (question, key, explanation of every letter)
_CHOICES = {
    "01.1": (
        "After 100 gradient-descent steps on the zero-initialized 2-2-1 ReLU network (W = 0, "
        "b = 0), which parameters have changed?\n  a) all of them\n  b) only the output "
        "weights W2\n  c) only the output bias b2\n  d) none",
        "c", {
            "a": "the hidden layer's gradient is exactly 0 at every step: W2 = 0 blocks it on "
                 "the way back, and a = 0 kills dL/dW2",
            "b": "dL/dW2 = A1^T dL/dy_hat, and A1 = relu(0) = 0: the output weights never move "
                 "either",
            "c": "only dL/db2 = sum of dL/dy_hat is non-zero; the bias learns the mean of y and "
                 "nothing else moves",
            "d": "the output bias does get a gradient: dL/db2 = 2 (b2 - mean(y)) is not 0 while "
                 "b2 differs from the mean of y"}),
    "01.3": (
        "A 2-2-1 network with sigmoid hidden units starts at W = 0, b = 0. The hidden "
        "activations are:\n  a) 0\n  b) 0.5\n  c) different for each unit\n  d) 1",
        "b", {
            "a": "sigmoid(0) = 1/(1 + e^0) = 0.5, not 0 (tanh(0) and relu(0) are 0)",
            "b": "sigmoid(0) = 0.5 for both units: W2 gets a gradient, but both units get the "
                 "same one (lesson 02)",
            "c": "both units compute the same z = 0, so the same activation",
            "d": "sigmoid only tends to 1 for large positive z; here z = 0"}),
    "02.1": (
        "Which of these breaks the symmetry between hidden units?\n  a) W = 0.5, b = 0\n  "
        "b) small random W, b = 0\n  c) W = 1, b = 1\n  d) a larger learning rate",
        "b", {
            "a": "every unit still computes the same z: constant weights keep them copies",
            "b": "random weights give each unit its own z, so its own gradient; the biases can "
                 "then start at 0",
            "c": "another constant: the units stay identical",
            "d": "the step size scales identical gradients identically"}),
    "02.2": (
        "A 2-8-1 network starts with every weight 0.5 and every bias 0.5 and is trained with "
        "gradient descent. How many different hidden units does it have after training?\n  "
        "a) 8\n  b) 4\n  c) 1\n  d) it depends on the learning rate",
        "c", {
            "a": "they were identical at the start and get identical updates",
            "b": "nothing pairs them up: all 8 stay the same",
            "c": "all 8 stay copies of one unit (up to round-off): the network is no better "
                 "than a one-unit one",
            "d": "any learning rate applies the same update to every copy"}),
    "03.3": (
        "In lesson 03's stack with W = standard_normal((250, 250)) * 1.0 and tanh, the "
        "activation histograms turn into two spikes at -1 and +1. What does that do?\n  a) the "
        "activations overflow to inf\n  b) most units sit where tanh'(z) ~ 0, so their "
        "incoming weights get almost no gradient\n  c) the forward signal vanishes\n  d) the "
        "units die as ReLU units do",
        "b", {
            "a": "tanh is bounded by 1: it cannot overflow (ReLU can)",
            "b": "z has a std of about 15: 86 % of the units sit on the flat ends, where "
                 "tanh'(z) ~ 0, so their weights barely learn (the few unsaturated units still "
                 "pass the backward signal on, even grow it)",
            "c": "the opposite: the activations stay near +-1 (std ~ 0.97 at every layer); the "
                 "small scale 0.01 is the one that makes them vanish",
            "d": "tanh units are never exactly 0-gradient, but saturated ones come close; "
                 "'dead' is ReLU's word for z < 0 on every input"}),
    "04.3": (
        "Weights with std = sqrt(1/fan_in) are:\n  a) Xavier/Glorot\n  b) LeCun\n  "
        "c) He/Kaiming\n  d) Keras' default",
        "b", {
            "a": "a common mislabel: Glorot uses 2/(fan_in + fan_out); the two agree only when "
                 "fan_in = fan_out",
            "b": "LeCun et al. 1998: Var(W) = 1/fan_in keeps the forward signal",
            "c": "He uses 2/fan_in, for ReLU",
            "d": "Keras' default is glorot_uniform, 2/(fan_in + fan_out)"}),
    "06.2": (
        "PyTorch's nn.Linear(512, 128) initializes its weights by default with variance:\n  "
        "a) 2/512\n  b) 1/(3 * 512)\n  c) 2/(512 + 128)\n  d) 1/512",
        "b", {
            "a": "that is He's; nn.Linear's default calls kaiming_uniform_ but with a = sqrt(5), "
                 "gain sqrt(1/3)",
            "b": "U(-1/sqrt(512), 1/sqrt(512)) has variance (1/512)/3: Glorot & Bengio's "
                 "'standard' init",
            "c": "that is Xavier/Glorot, not PyTorch's default",
            "d": "that is LeCun's; the uniform bound 1/sqrt(fan_in) gives a third of it"}),
}


# ----------------------------------------------------------------------------- questions
# id -> (kind, question, checker)
_OTHERS = {
    "01.2": ("predict",
             "Predict: the zero-initialized 2-2-1 ReLU network (W = 0, b = 0, linear output, "
             "L = mean((y_hat - y)^2)) is trained by gradient descent (lr = 0.1) on four "
             "samples with targets y = [1, 2, 3, 6] until the loss stops changing. What is the "
             "final loss?", _e01_2),
    "01.4": ("implement",
             "Implement b2_after(steps, lr, y): the output bias b2 of the zero-initialized "
             "2-2-1 network after `steps` gradient-descent steps with learning rate `lr` on the "
             "targets `y` (a 1-D array), starting from b2 = 0. Only b2 moves, and dL/db2 = "
             "2 (b2 - mean(y)).", _e01_4),
    "02.3": ("implement",
             "Implement grad_W1(X, y, W1, b1, W2, b2) with numpy: dL/dW1 of the 2-2-1 network "
             "with sigmoid hidden units, a linear output and L = mean((y_hat - y)^2). Shapes: "
             "X (n, 2), y (n, 1), W1 (2, 2), b1 (2,), W2 (2, 1), b2 (1,); return a (2, 2) "
             "array. It is checked against initviz's backpropagation on the lesson's constant "
             "network (every weight and bias 0.5) and on a random one.", _e02_3),
    "02.4": ("number",
             "A hidden layer of k = 4 identical units (constant start) is trained with learning "
             "rate lr = 0.1. The one-unit network that computes the same function "
             "(symmetry.collapse) has outgoing weight V = 4 v. Which learning rate must it use "
             "on its incoming weights W1 to follow the wide network step for step?", _e02_4),
    "03.1": ("predict",
             "Predict before you run it: a stack of 10 tanh layers of width 1000 (not 250), "
             "weights standard_normal((1000, 1000)) * 0.01, biases 0, standard-normal inputs. "
             "What is the std of the activations of layer 10? (Within a factor of 2 counts.)",
             _e03_1),
    "03.2": ("number",
             "Weights drawn as standard_normal((400, 400)) * std in a deep stack of tanh layers "
             "of width 400: which std keeps the signal's scale from layer to layer?", _e03_2),
    "03.4": ("implement",
             "Implement std_factor(scale, fan_in, activation): the factor by which one layer "
             "multiplies the std of the signal, for weights standard_normal((fan_in, fan_out)) "
             "* scale and activation \"tanh\" (small weights: tanh(z) ~ z) or \"relu\".",
             _e03_4),
    "04.1": ("implement",
             "Implement uniform_variance(a): the variance of U[-a, a].", _e04_1),
    "04.2": ("implement",
             "Implement glorot_uniform(fan_in, fan_out, rng) -> array (fan_in, fan_out), with "
             "rng.uniform: U[-limit, limit] with the variance 2/(fan_in + fan_out).",
             lambda a: check_initializer("04.2", a, "glorot_uniform")),
    "04.4": ("implement",
             "Implement glorot_normal(fan_in, fan_out, rng) as Keras does: a normal truncated "
             "at 2 standard deviations (values beyond are redrawn), rescaled so that the "
             "variance is still 2/(fan_in + fan_out).",
             lambda a: check_initializer("04.4", a, "glorot_normal")),
    "05.1": ("number",
             "z ~ N(0, 4) (variance 4). What is E[relu(z)^2]?", _e05_1),
    "05.2": ("number",
             "The He (normal) std for a leaky ReLU with negative slope s = 0.5 and "
             "fan_in = 100?", _e05_2),
    "05.3": ("implement",
             "Implement he_uniform(fan_in, fan_out, rng) -> array (fan_in, fan_out), with "
             "rng.uniform: U[-limit, limit] with He's variance.",
             lambda a: check_initializer("05.3", a, "he_uniform")),
    "05.4": ("predict",
             "Predict: 20 ReLU layers of 256 units, standard-normal inputs. Divide the std of "
             "the pre-activations z of layer 20 with glorot_uniform (Xavier) weights by the "
             "same std with he_normal weights. What is the ratio? Predict it from the "
             "per-layer factors (a factor of 2 either way counts: one random network can "
             "deviate that much).", _e05_4),
    "06.1": ("implement",
             "Implement fans(shape) -> (fan_in, fan_out) for a Keras kernel: (fan_in, fan_out) "
             "for a dense layer, (*kernel_size, in_channels, out_channels) for a convolution "
             "(e.g. (3, 3, 64, 128) for Conv2D, (3, 16, 32) for Conv1D).", _e06_1),
    "06.3": ("predict",
             "Predict: 20 ReLU layers of 256 units, standard-normal inputs, every layer "
             "initialized as PyTorch's nn.Linear default, U(-1/sqrt(fan_in), 1/sqrt(fan_in)). "
             "Divide the std of z at layer 20 by the same std with He initialization. What is "
             "the ratio? Predict it from the per-layer factors (a factor of 2 either way "
             "counts).", _e06_3),
}


def build() -> dict:
    """Every exercise: id -> :class:`initviz.exercises._Exercise`, sorted by id."""
    bank = {k: _Exercise("choice", text,
                         lambda a, k=k, key=key, why=why: check_choice(k, a, key, why))
            for k, (text, key, why) in _CHOICES.items()}
    bank.update({k: _Exercise(kind, text, checker)
                 for k, (kind, text, checker) in _OTHERS.items()})
    assert all(e.kind in KINDS for e in bank.values())
    return dict(sorted(bank.items()))

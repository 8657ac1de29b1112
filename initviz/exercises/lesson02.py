"""The exercises of lesson 02, constant initialization: hidden units that start equal stay
copies (the same gradient for each), and the one-unit network they amount to.

>>> [exercise.id for exercise in EXERCISES]
['02.1', '02.2', '02.3', '02.4']
"""

from __future__ import annotations

import numpy as np

from ..mlp import MLP
from ..symmetry import collapsed_learning_rates, make_lecture_data
from .checkers import check_function, check_number
from .exercise import Exercise

__all__ = ["EXERCISES"]


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + e^-z), without overflow warnings


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
    return check_number("02.4", answer, rates["weights"][0], rel_tol=0.01, expected_is="lr / k",
                        explain=(
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


EXERCISES = (
    Exercise.choice(
        "02.1",
        "Which of these breaks the symmetry between hidden units?\n  a) W = 0.5, b = 0\n  "
        "b) small random W, b = 0\n  c) W = 1, b = 1\n  d) a larger learning rate",
        "b", {
            "a": "every unit still computes the same z: constant weights keep them copies",
            "b": "random weights give each unit its own z, so its own gradient; the biases can "
                 "then start at 0",
            "c": "another constant: the units stay identical",
            "d": "the step size scales identical gradients identically"}),
    Exercise.choice(
        "02.2",
        "A 2-8-1 network starts with every weight 0.5 and every bias 0.5 and is trained with "
        "gradient descent. How many different hidden units does it have after training?\n  "
        "a) 8\n  b) 4\n  c) 1\n  d) it depends on the learning rate",
        "c", {
            "a": "they were identical at the start and get identical updates",
            "b": "nothing pairs them up: all 8 stay the same",
            "c": "all 8 stay copies of one unit (up to round-off): the network is no better "
                 "than a one-unit one",
            "d": "any learning rate applies the same update to every copy"}),
    Exercise("02.3", "implement",
             "Implement grad_W1(X, y, W1, b1, W2, b2) with numpy: dL/dW1 of the 2-2-1 network "
             "with sigmoid hidden units, a linear output and L = mean((y_hat - y)^2). Shapes: "
             "X (n, 2), y (n, 1), W1 (2, 2), b1 (2,), W2 (2, 1), b2 (1,); return a (2, 2) "
             "array. It is checked against initviz's backpropagation on the lesson's constant "
             "network (every weight and bias 0.5) and on a random one.", _e02_3),
    Exercise("02.4", "number",
             "A hidden layer of k = 4 identical units (constant start) is trained with learning "
             "rate lr = 0.1. The one-unit network that computes the same function "
             "(symmetry.collapse) has outgoing weight V = 4 v. Which learning rate must it use "
             "on its incoming weights W1 to follow the wide network step for step?", _e02_4),
)

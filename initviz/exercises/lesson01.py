"""The exercises of lesson 01, zero initialization: what a network whose weights and biases
all start at 0 can learn (only the output bias moves).

>>> [exercise.id for exercise in EXERCISES]
['01.1', '01.2', '01.3', '01.4']
"""

from __future__ import annotations

import functools

import numpy as np

from ..mlp import MLP
from ..symmetry import make_lecture_data, train_recording
from .checkers import check_function, check_number
from .exercise import Exercise

__all__ = ["EXERCISES"]

_Y4 = (1.0, 2.0, 3.0, 6.0)  # the targets of 01.2 and of the first inputs of 01.4


@functools.lru_cache(maxsize=None)
def _zero_net_run(steps, lr, y):
    """(b2, loss) of lesson 01's zero network [2, 2, 1] (ReLU) after ``steps`` steps on the
    targets ``y`` (a tuple), trained by initviz."""
    y = np.asarray(y, dtype=np.float64).reshape(-1, 1)
    X, _ = make_lecture_data(n_samples=len(y), rng=0)
    net = MLP([2, 2, 1], activation="relu", weight_init="zeros", bias_init="zeros")
    train_recording(net, X, y, steps, lr)
    return float(net.biases[1][0]), float(net.loss(X, y))


def _mean(y):
    return float(np.mean(y))


def _e01_2(answer):
    _, final = _zero_net_run(300, 0.1, _Y4)
    y = np.array(_Y4)
    return check_number("01.2", answer, final, expected_is="the trained network's final loss", explain=(
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


EXERCISES = (
    Exercise.choice(
        "01.1",
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
    Exercise("01.2", "predict",
             "Predict: the zero-initialized 2-2-1 ReLU network (W = 0, b = 0, linear output, "
             "L = mean((y_hat - y)^2)) is trained by gradient descent (lr = 0.1) on four "
             "samples with targets y = [1, 2, 3, 6] until the loss stops changing. What is the "
             "final loss?", _e01_2),
    Exercise.choice(
        "01.3",
        "A 2-2-1 network with sigmoid hidden units starts at W = 0, b = 0. The hidden "
        "activations are:\n  a) 0\n  b) 0.5\n  c) different for each unit\n  d) 1",
        "b", {
            "a": "sigmoid(0) = 1/(1 + e^0) = 0.5, not 0 (tanh(0) and relu(0) are 0)",
            "b": "sigmoid(0) = 0.5 for both units: W2 gets a gradient, but both units get the "
                 "same one (lesson 02)",
            "c": "both units compute the same z = 0, so the same activation",
            "d": "sigmoid only tends to 1 for large positive z; here z = 0"}),
    Exercise("01.4", "implement",
             "Implement b2_after(steps, lr, y): the output bias b2 of the zero-initialized "
             "2-2-1 network after `steps` gradient-descent steps with learning rate `lr` on the "
             "targets `y` (a 1-D array), starting from b2 = 0. Only b2 moves, and dL/db2 = "
             "2 (b2 - mean(y)).", _e01_4),
)

"""The exercises of lesson 11, your own network: read what ``initviz.inspect`` reports on a
PyTorch model, and know the numbers behind its flags (PyTorch's default variance, what it does
to a ReLU stack, the loss at initialization and how it is computed). Keras' default is
lesson 12's.

>>> [exercise.id for exercise in EXERCISES]
['11.1', '11.2', '11.3', '11.4']
"""

from __future__ import annotations

import math

import numpy as np

from .. import initializers
from ..theory import gaussian_moments
from .checkers import check_function, check_number
from .exercise import Exercise

__all__ = ["EXERCISES", "pytorch_default_variance", "relu_layer_factor", "cross_entropy"]


def pytorch_default_variance(fan_in: int) -> float:
    """The variance of ``nn.Linear``'s default weights, U(-1/sqrt(fan_in), 1/sqrt(fan_in)):
    initviz's ``variance_scaling(scale=1/3, mode="fan_in", distribution="uniform")``.

    >>> round(pytorch_default_variance(64) * 3 * 64, 12)
    1.0
    """
    init = initializers.get("variance_scaling", scale=1 / 3, mode="fan_in",
                            distribution="uniform")
    return init.variance((fan_in, 1))


def relu_layer_factor(weight_variance_times_fan_in: float) -> float:
    """By what a Linear + ReLU layer multiplies E[z^2] (zero biases):
    ``fan_in * Var(W) * E[relu(z)^2] / E[z^2]``, the ReLU's share from initviz's theory.

    >>> relu_layer_factor(2.0)      # He: the signal keeps its size
    1.0
    """
    q = 1.0
    return weight_variance_times_fan_in * gaussian_moments("relu", q)[1] / q


def _e11_1(answer):
    fan_in = 64
    want = pytorch_default_variance(fan_in)
    return check_number("11.1", answer, want, expected_is="1/(3 fan_in)", explain=(
        "U(-a, a) has variance a^2/3, and nn.Linear's a is 1/sqrt(fan_in): 1/(3 * 64)."),
        mistakes=[
            (1 / fan_in, "that is LeCun's 1/fan_in: the variance of U(-a, a) is a^2/3, "
                         "not a^2"),
            (2 / fan_in, "that is He's 2/fan_in, what a ReLU needs; PyTorch's default is "
                         "six times smaller"),
            (math.sqrt(want), "that is the std; the question asks for the variance"),
            (1 / math.sqrt(fan_in), "that is the bound a = 1/sqrt(fan_in); the variance of "
                                    "U(-a, a) is a^2/3"),
        ], hint="Var(U[-a, a]) = a^2 / 3 (lesson 04), with a = 1/sqrt(fan_in).")


def _e11_2(answer):
    want = relu_layer_factor(1 / 3)
    return check_number("11.2", answer, want, expected_is="fan_in * 1/(3 fan_in) * 1/2",
                        explain=(
        "Var(z) = fan_in Var(W) E[a^2] and the ReLU keeps half the second moment: "
        "(1/3) (1/2) = 1/6 per layer, (1/6)^L after L layers."), mistakes=[
        (1 / 3, "that leaves out the ReLU, which keeps only half of E[z^2] (lesson 05)"),
        (1 / 2, "with He's 2/fan_in the factor would be 1; PyTorch's default has a sixth of "
                "that variance"),
        (math.sqrt(want), "that is the factor on the std; the question asks for the "
                          "variance"),
        (1.0, "that is He's factor; the default's variance is 1/(3 fan_in), not 2/fan_in"),
    ], hint="multiply fan_in * Var(W) by the ReLU's share of the second moment.")


def _e11_3(answer):
    classes = 10
    want = math.log(classes)
    return check_number("11.3", answer, want, expected_is="ln(10)", explain=(
        "a network that gives every class 1/10 has cross-entropy -ln(1/10) = ln 10 = 2.303: "
        "a loss at initialization well above it means confident wrong answers."), mistakes=[
        (1 / classes, "that is the probability of each class; the loss is -ln of it"),
        (1.0, "use the natural log: frameworks' cross-entropy is in nats, ln(10) = 2.303"),
        (float(classes), "the loss is -ln(1/10), not 10"),
    ], hint="the cross-entropy of one sample is -ln(p of its class).")



def cross_entropy(logits, labels) -> float:
    """The mean softmax cross-entropy in nats of ``logits`` (batch, classes) for integer
    ``labels`` (batch,): ``mean(logsumexp(logits) - logits[label])``, with each row's max
    subtracted first so that large logits do not overflow (``torch.nn.functional.cross_entropy``
    and Keras' ``SparseCategoricalCrossentropy(from_logits=True)``).

    >>> round(cross_entropy(np.zeros((4, 10)), np.arange(4)), 4)  # a uniform guess: ln 10
    2.3026
    """
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-log_p[np.arange(len(z)), np.asarray(labels)].mean())


def _ce_inputs():
    rng = np.random.default_rng(11)
    labels = rng.integers(0, 10, 8)
    return [(np.zeros((8, 10)), labels), (rng.standard_normal((8, 10)), labels),
            (300.0 * rng.standard_normal((8, 10)), labels)]


def _e11_4(answer):
    def log10_loss(z, y):
        return cross_entropy(z, y) / math.log(10)

    def summed(z, y):
        return cross_entropy(z, y) * len(z)

    def no_minus(z, y):
        return -cross_entropy(z, y)

    return check_function("11.4", answer, cross_entropy, _ce_inputs(), rel_tol=1e-6, mistakes=[
        (log10_loss, "use the natural log (np.log), as the frameworks do: your loss is in "
                     "decades, ln(10) = 2.303 times too small"),
        (summed, "take the mean over the batch, not the sum: the frameworks' default reduction "
                 "is the mean"),
        (no_minus, "the cross-entropy is -ln(p of the label): your sign is flipped"),
    ], success="right on every test input, large logits included: this is what the "
               "initial-loss flag compares with ln(C).",
        hint="log p = z - log(sum(exp(z))) per row; subtract each row's max first.",
        signature="f(logits, labels)",
        labels=["for zero logits (a uniform guess)", "for standard-normal logits",
                "for logits of std 300 (exp overflows unless you subtract each row's max)"])


EXERCISES = (
    Exercise("11.1", "number",
             "What is the variance of the weights of nn.Linear(64, 128) with PyTorch's "
             "default initialization?", _e11_1),
    Exercise("11.2", "number",
             "Zero biases, PyTorch's default weights: by what factor does each Linear + ReLU "
             "layer multiply the second moment E[z^2] of the pre-activations?", _e11_2),
    Exercise("11.3", "number",
             "A 10-class classifier that gives every class the same probability: what is its "
             "cross-entropy (the loss at initialization inspect compares with)?", _e11_3),
    Exercise("11.4", "implement",
             "Implement cross_entropy(logits, labels) -> float in numpy: the mean softmax "
             "cross-entropy in nats of logits (batch, classes) for integer labels (batch,), "
             "as nn.functional.cross_entropy computes it; it must not overflow for large "
             "logits.", _e11_4),
)

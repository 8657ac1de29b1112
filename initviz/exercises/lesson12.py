"""The exercises of lesson 12, your own Keras network: what Keras' default ``glorot_uniform``
does to a ReLU stack, the fix for the ``glorot-with-relu`` flag of ``initviz.inspect``, and
Keras' ``he_normal`` (a truncated normal) written in numpy.

>>> [exercise.id for exercise in EXERCISES]
['12.1', '12.2', '12.3']
"""

from __future__ import annotations

import math

from .. import initializers
from .checkers import check_number
from .exercise import Exercise
from .initializer_checker import check_initializer
from .lesson11 import relu_layer_factor

__all__ = ["EXERCISES"]


def _e12_2(answer):
    fan_in = fan_out = 256
    variance = initializers.get("glorot_uniform").variance((fan_in, fan_out))
    want = relu_layer_factor(fan_in * variance)
    return check_number("12.2", answer, want, expected_is="fan_in * 2/(fan_in + fan_out) * 1/2",
                        explain=(
        "glorot_uniform's variance is 2/(256 + 256) = 1/256, so fan_in Var(W) = 1, and the "
        "ReLU keeps half the second moment: 1/2 per layer, (1/2)^L after L layers."), mistakes=[
        (1.0, "that leaves out the ReLU, which keeps only half of E[z^2] (lesson 05); 1 is "
              "what He's 2/fan_in gives"),
        (1 / 6, "that is PyTorch's default, variance 1/(3 fan_in); Keras' glorot_uniform is "
                "2/(fan_in + fan_out)"),
        (math.sqrt(want), "that is the factor on the std; the question asks for the "
                          "variance"),
        (2.0, "the ReLU halves the second moment, it does not double it"),
    ], hint="fan_in * Var(W) with Var(W) = 2/(fan_in + fan_out), times the ReLU's share.")


EXERCISES = (
    Exercise.choice(
        "12.1",
        "inspect flags glorot-with-relu on keras.layers.Dense(128, activation=\"relu\"). The "
        "fix:\n  a) kernel_initializer=\"he_normal\"\n  b) bias_initializer=\"ones\"\n  "
        "c) activation=\"tanh\" with the same weights\n  d) a larger learning rate",
        "a", {
            "a": "He et al. 2015: Var(W) = 2/fan_in gives back the half of the second moment "
                 "the ReLU drops",
            "b": "a bias of 1 shifts every pre-activation (no ReLU dies) but leaves the "
                 "weights' variance, and so the shrinking signal, as it is",
            "c": "Glorot suits tanh near 0, but changing the activation changes the model; "
                 "the flag is about the weights for the ReLU it has",
            "d": "the learning rate does not change the signal at initialization; the "
                 "gradients of the first layers stay small relative to the last"}),
    Exercise("12.2", "number",
             "Keras' default: Dense(256, activation=\"relu\") after a 256-unit layer, "
             "glorot_uniform weights, zero biases: by what factor does each such layer multiply "
             "the second moment E[z^2] of the pre-activations?", _e12_2),
    Exercise("12.3", "implement",
             "Implement Keras' he_normal(fan_in, fan_out, rng) -> array (fan_in, fan_out), with "
             "rng.normal: a normal truncated at 2 standard deviations (redraw what falls "
             "outside), its std scaled so that the variance is still He's 2/fan_in.",
             lambda a: check_initializer("12.3", a, "he_normal")),
)

"""The exercises of lesson 03, random initialization: each layer multiplies the signal's std
by sqrt(fan_in) * std(W) (times the activation's share), so a deep stack vanishes or saturates.

>>> [exercise.id for exercise in EXERCISES]
['03.1', '03.2', '03.3', '03.4']
"""

from __future__ import annotations

import functools
import math

from .. import initializers
from ..theory import gaussian_moments, predict_variances
from .checkers import check_function, check_number
from .exercise import Exercise

__all__ = ["EXERCISES"]


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


def _e03_1(answer):
    width, depth, scale = 1000, 10, 0.01
    factor = math.sqrt(width) * scale
    return check_number("03.1", answer, _tanh_stack_std(width, depth, scale), log_tol=0.3,
                        expected_is="the std measured in that stack",
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
    return check_number("03.2", answer, want, rel_tol=0.03, expected_is="sqrt(1/400)", explain=(
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


EXERCISES = (
    Exercise("03.1", "predict",
             "Predict before you run it: a stack of 10 tanh layers of width 1000 (not 250), "
             "weights standard_normal((1000, 1000)) * 0.01, biases 0, standard-normal inputs. "
             "What is the std of the activations of layer 10? (Within a factor of 2 counts.)",
             _e03_1),
    Exercise("03.2", "number",
             "Weights drawn as standard_normal((400, 400)) * std in a deep stack of tanh layers "
             "of width 400: which std keeps the signal's scale from layer to layer?", _e03_2),
    Exercise.choice(
        "03.3",
        "In lesson 03's stack with W = standard_normal((250, 250)) * 1.0 and tanh, the "
        "activation histograms turn into two spikes at -1 and +1. What does that do?\n  a) the "
        "activations overflow to inf\n  b) most units sit where tanh'(z) ~ 0, so their "
        "incoming weights get almost no gradient\n  c) the forward signal vanishes\n  d) the "
        "units die as ReLU units do",
        "b", {
            "a": "tanh is bounded by 1: it cannot overflow (ReLU can)",
            "b": "z has a std of about 15: 86 % of the units sit on the flat ends, where "
                 "tanh'(z) ~ 0, so their weights barely learn (the few unsaturated units pass "
                 "a large gradient to a few weights: its std grows, its median entry vanishes)",
            "c": "the opposite: the activations stay near +-1 (std ~ 0.97 at every layer); the "
                 "small scale 0.01 is the one that makes them vanish",
            "d": "tanh units are never exactly 0-gradient, but saturated ones come close; "
                 "'dead' is ReLU's word for z < 0 on every input"}),
    Exercise("03.4", "implement",
             "Implement std_factor(scale, fan_in, activation): the factor by which one layer "
             "multiplies the std of the signal, for weights standard_normal((fan_in, fan_out)) "
             "* scale and activation \"tanh\" (small weights: tanh(z) ~ z) or \"relu\".",
             _e03_4),
)

"""The exercises of lesson 05, He/Kaiming: a ReLU passes half of the second moment, so He's
2/fan_in (and its leaky-ReLU gain) keeps the signal where Xavier's 1/fan_in halves it per layer.

>>> [exercise.id for exercise in EXERCISES]
['05.1', '05.2', '05.3', '05.4']
"""

from __future__ import annotations

import functools
import math

from .. import initializers
from ..theory import gaussian_moments, predict_variances
from .checkers import check_number
from .exercise import Exercise
from .initializer_checker import check_initializer

__all__ = ["EXERCISES", "relu_std_ratio", "check_ratio_to_he"]


@functools.lru_cache(maxsize=None)
def relu_std_ratio(init, depth: int, width: int) -> float:
    """The std of z at the last of ``depth`` ReLU layers of ``width`` units with ``init``
    weights, divided by the same std with He's (``he_normal``), by initviz's theory
    (:func:`initviz.theory.predict_variances`). Cached: 05.4 and 06.3 ask for it at every check.

    Args:
        init: an initializer name or object (anything :func:`predict_variances` takes).
        depth, width: the stack's number of ReLU layers and their width.

    >>> f"{relu_std_ratio('glorot_uniform', 20, 256):.3g}"  # (1/2)^(20/2): Xavier's 1/n vs 2/n
    '0.000977'
    """
    sizes = [width] * (depth + 1)
    a = predict_variances(sizes, init, "relu").pre_activation_std[-1]
    b = predict_variances(sizes, "he_normal", "relu").pre_activation_std[-1]
    return float(a / b)


def check_ratio_to_he(exercise: str, answer, init, name: str, variance_ratio: str, *,
                      explain: str, mistakes, hint: str, depth: int = 20, width: int = 256):
    """Check a predicted ratio of stds, ``init`` over He, at the last of ``depth`` ReLU layers
    of ``width`` units (05.4, 06.3): right within a factor of 2 of :func:`relu_std_ratio`.

    Args:
        exercise: the exercise id. answer: the student's number. init: the initializer.
        name: what the question calls it ("Xavier"). variance_ratio: the ratio of the
            variances as a formula ("(1/2)^20").
        explain, hint: as :func:`~initviz.exercises.checkers.check_number`'s. mistakes: the
            exercise's own ``(value, message)`` pairs; the two every such prediction risks
            follow them: the ratio of the variances, and He over ``init``.

    >>> check_ratio_to_he("05.4", 1e-6, "glorot_uniform", "Xavier", "(1/2)^20", explain="",
    ...                   mistakes=[], hint="")
    Not yet (05.4): 1e-06: that is the ratio of the VARIANCES, (1/2)^20; the std ratio is its square root
    """
    want = relu_std_ratio(init, depth, width)
    return check_number(exercise, answer, want, log_tol=0.3, expected_is="the theory's ratio",
                        explain=explain, hint=hint, mistakes=[
        *mistakes,
        (want ** 2,
         f"that is the ratio of the VARIANCES, {variance_ratio}; the std ratio is its square "
         "root"),
        (1 / want,
         f"that is He divided by {name}; the question asks for {name} / He, below 1"),
    ])


def _e05_1(answer):
    q = 4.0
    mean, second, _ = gaussian_moments("relu", q)
    return check_number("05.1", answer, second, expected_is="E[z^2]/2 for z ~ N(0, 4)", explain=(
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
    return check_number("05.2", answer, want, rel_tol=0.01, expected_is="gain / sqrt(fan_in)",
                        explain=(
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
    return check_ratio_to_he("05.4", answer, "glorot_uniform", "Xavier", "(1/2)^20", explain=(
        "Xavier's 1/n is half of what a ReLU layer needs: each of the 20 layers halves Var(z) "
        "relative to He, so the std ratio is (1/2)^(20/2) ~ 1e-3."), mistakes=[
        (1.0,
         "Xavier is not for every activation: its variance 1/n suits units that pass their "
         "whole input (tanh near 0); a ReLU passes half of it, so each of the 20 layers loses a "
         "factor sqrt(1/2) in std, and the factors multiply"),
    ], hint="per layer, Xavier multiplies Var(z) by (1/2) n (1/n) = 1/2, He by (1/2) n (2/n) "
            "= 1.")


EXERCISES = (
    Exercise("05.1", "number",
             "z ~ N(0, 4) (variance 4). What is E[relu(z)^2]?", _e05_1),
    Exercise("05.2", "number",
             "The He (normal) std for a leaky ReLU with negative slope s = 0.5 and "
             "fan_in = 100?", _e05_2),
    Exercise("05.3", "implement",
             "Implement he_uniform(fan_in, fan_out, rng) -> array (fan_in, fan_out), with "
             "rng.uniform: U[-limit, limit] with He's variance.",
             lambda a: check_initializer("05.3", a, "he_uniform")),
    Exercise("05.4", "predict",
             "Predict: 20 ReLU layers of 256 units, standard-normal inputs. Divide the std of "
             "the pre-activations z of layer 20 with glorot_uniform (Xavier) weights by the "
             "same std with he_normal weights. What is the ratio? Predict it from the "
             "per-layer factors (a factor of 2 either way counts: one random network can "
             "deviate that much).", _e05_4),
)

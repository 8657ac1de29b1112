"""The exercises of lesson 04, Xavier/Glorot: the variance of a uniform, Glorot's uniform and
(truncated, as Keras) normal initializers, and LeCun's 1/fan_in told apart from them.

>>> [exercise.id for exercise in EXERCISES]
['04.1', '04.2', '04.3', '04.4']
"""

from __future__ import annotations

import math

from .checkers import check_function
from .exercise import Exercise
from .initializer_checker import check_initializer

__all__ = ["EXERCISES"]


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


EXERCISES = (
    Exercise("04.1", "implement",
             "Implement uniform_variance(a): the variance of U[-a, a].", _e04_1),
    Exercise("04.2", "implement",
             "Implement glorot_uniform(fan_in, fan_out, rng) -> array (fan_in, fan_out), with "
             "rng.uniform: U[-limit, limit] with the variance 2/(fan_in + fan_out).",
             lambda a: check_initializer("04.2", a, "glorot_uniform")),
    Exercise.choice(
        "04.3",
        "Weights with std = sqrt(1/fan_in) are:\n  a) Xavier/Glorot\n  b) LeCun\n  "
        "c) He/Kaiming\n  d) Keras' default",
        "b", {
            "a": "a common mislabel: Glorot uses 2/(fan_in + fan_out); the two agree only when "
                 "fan_in = fan_out",
            "b": "LeCun et al. 1998: Var(W) = 1/fan_in keeps the forward signal",
            "c": "He uses 2/fan_in, for ReLU",
            "d": "Keras' default is glorot_uniform, 2/(fan_in + fan_out)"}),
    Exercise("04.4", "implement",
             "Implement glorot_normal(fan_in, fan_out, rng) as Keras does: a normal truncated "
             "at 2 standard deviations (values beyond are redrawn), rescaled so that the "
             "variance is still 2/(fan_in + fan_out).",
             lambda a: check_initializer("04.4", a, "glorot_normal")),
)

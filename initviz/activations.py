"""Activation functions with their derivatives, elementwise on arrays of any shape.

Each :class:`Activation` has ``f(z)`` and ``df(z)``, the derivative ``f'(z)``. All are
computed without overflow warnings for any finite or infinite ``z`` (nan stays nan), so a
network whose pre-activations blow up reports inf/nan instead of printing RuntimeWarnings.

Saturation: a unit is *saturated* where ``f'(z)`` is below 2 % of its largest value
``f'(0)`` (tanh: ``|a| > 0.99``; sigmoid: ``a < 0.005`` or ``a > 0.995``): there the
gradient through it nearly vanishes. A ReLU unit whose output is 0 passes no gradient at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = ["Activation", "get_activation", "ACTIVATIONS", "OUTPUT_ACTIVATIONS",
           "SATURATION_THRESHOLD", "LEAKY_RELU_SLOPE"]

#: ``leaky_relu``'s slope for z < 0 (PyTorch's default, and calculate_gain's).
LEAKY_RELU_SLOPE = 0.01
#: saturated: f'(z) < SATURATION_THRESHOLD * f'(0).
SATURATION_THRESHOLD = 0.02


@dataclass(frozen=True)
class Activation:
    """An activation function.

    Attributes:
        name: its name (``"relu"``, ...).
        f: ``z -> a``, elementwise.
        df: ``z -> f'(z)``, elementwise.
        saturates: True for tanh and sigmoid (flat at both ends).
        gain: PyTorch's ``calculate_gain`` for it.
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]
    saturates: bool
    gain: float

    def __call__(self, z):
        return self.f(z)

    def saturated(self, z) -> np.ndarray:
        """Boolean mask: ``f'(z) < SATURATION_THRESHOLD * f'(0)`` (all False if it never saturates)."""
        z = np.asarray(z)
        if not self.saturates:
            return np.zeros(z.shape, dtype=bool)
        with np.errstate(invalid="ignore"):
            return self.df(z) < SATURATION_THRESHOLD * float(self.df(np.zeros(())))


def _linear(z):
    return np.asarray(z) * 1.0


def _linear_d(z):
    return np.ones_like(np.asarray(z, dtype=float))


def _relu(z):
    return np.maximum(z, 0.0)


def _relu_d(z):
    # The derivative at exactly 0 is taken as 0, as PyTorch and Keras do. At nan it is nan,
    # so an overflowed forward pass shows up as nan gradients, not as exact zeros.
    # sign(max(z, 0)) is 1 for z > 0, 0 otherwise, nan at nan (max propagates it): two cheap
    # passes instead of nested np.where (this runs on every layer of every training step).
    return np.sign(np.maximum(z, 0.0))


def _leaky(z):
    z = np.asarray(z)
    with np.errstate(invalid="ignore"):
        return np.where(z > 0, z, LEAKY_RELU_SLOPE * z)


def _leaky_d(z):
    z = np.asarray(z)
    return np.where(z > 0, 1.0, np.where(np.isnan(z), np.nan, LEAKY_RELU_SLOPE))


def _tanh_d(z):
    # 1 - tanh(z)**2, written with cosh so it is exactly 0, not a warning, for |z| -> inf.
    with np.errstate(over="ignore"):
        return 1.0 / np.cosh(z) ** 2


def _sigmoid(z):
    # 0.5 * (1 + tanh(z / 2)) equals 1 / (1 + exp(-z)) and never overflows.
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z)))


def _sigmoid_d(z):
    return 0.25 * _tanh_d(0.5 * np.asarray(z))


_TABLE = {
    "linear": Activation("linear", _linear, _linear_d, False, 1.0),
    "relu": Activation("relu", _relu, _relu_d, False, math.sqrt(2.0)),
    "leaky_relu": Activation("leaky_relu", _leaky, _leaky_d, False,
                             math.sqrt(2.0 / (1.0 + LEAKY_RELU_SLOPE**2))),
    "tanh": Activation("tanh", np.tanh, _tanh_d, True, 5.0 / 3.0),
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_d, True, 1.0),
}

#: Names valid for hidden layers.
ACTIVATIONS = tuple(_TABLE)
#: Names valid for the output layer, each paired with its loss (see ``initviz.mlp``).
OUTPUT_ACTIVATIONS = ("linear", "sigmoid", "softmax")


def get_activation(name) -> Activation:
    """Return the :class:`Activation` called ``name`` (or ``name`` itself if it is one).

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    if isinstance(name, Activation):
        return name
    if isinstance(name, str) and name.lower() in _TABLE:
        return _TABLE[name.lower()]
    raise ValueError(
        f"unknown activation {name!r}; valid choices: {', '.join(ACTIVATIONS)}"
    )

"""Activation functions with their derivatives, elementwise on arrays of any shape.

Each :class:`Activation` has ``f(z)`` and ``df(z)``, the derivative ``f'(z)``. All are
computed without overflow warnings for any finite or infinite ``z`` (nan stays nan), so a
network whose pre-activations blow up reports inf/nan instead of printing RuntimeWarnings.

Saturation: a unit is *saturated* where ``f'(z)`` is below 2 % of its largest value
``f'(0)`` (tanh: ``|a| > 0.99``; sigmoid: ``a < 0.005`` or ``a > 0.995``): there the
gradient through it nearly vanishes. A ReLU unit whose output is 0 passes no gradient at all.

>>> relu = get_activation("relu")
>>> relu(np.array([-1.0, 2.0])), relu.df(np.array([-1.0, 0.0, 2.0]))
(array([0., 2.]), array([0., 0., 1.]))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._checks import check_choice
from .fans import calculate_gain

__all__ = ["Activation", "get_activation", "ACTIVATIONS", "OUTPUT_ACTIVATIONS",
           "SATURATION_THRESHOLD", "LEAKY_RELU_SLOPE"]

#: ``leaky_relu``'s slope for z < 0 (PyTorch's default, and calculate_gain's).
LEAKY_RELU_SLOPE = 0.01
#: saturated: f'(z) < SATURATION_THRESHOLD * f'(0).
SATURATION_THRESHOLD = 0.02


@dataclass(frozen=True)
class Activation:
    """An activation function; calling it is ``f``.

    Attributes:
        name: its name (``"relu"``, ...).
        f: ``z -> a``, elementwise on an array of any shape (the shape is kept).
        df: ``z -> f'(z)``, elementwise.
        saturates: True for tanh and sigmoid (flat at both ends).
        gain: ``torch.nn.init.calculate_gain`` for it (:func:`initviz.fans.calculate_gain`).

    >>> tanh = get_activation("tanh")
    >>> float(tanh(0.5)) == float(np.tanh(0.5)), round(tanh.gain, 4)  # PyTorch's 5/3
    (True, 1.6667)
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]
    saturates: bool
    gain: float

    def __call__(self, z):
        return self.f(z)

    def saturated(self, z) -> np.ndarray:
        """Boolean mask, shape of ``z``: ``f'(z) < SATURATION_THRESHOLD * f'(0)``.

        All False for an activation that never saturates, and False at nan.

        >>> get_activation("sigmoid").saturated(np.array([0.0, 6.0, np.nan]))  # f'(6) = 0.0025
        array([False,  True, False])
        """
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


_TABLE = {act.name: act for act in (
    Activation("linear", _linear, _linear_d, False, calculate_gain("linear")),
    Activation("relu", _relu, _relu_d, False, calculate_gain("relu")),
    Activation("leaky_relu", _leaky, _leaky_d, False,
               calculate_gain("leaky_relu", LEAKY_RELU_SLOPE)),
    Activation("tanh", np.tanh, _tanh_d, True, calculate_gain("tanh")),
    Activation("sigmoid", _sigmoid, _sigmoid_d, True, calculate_gain("sigmoid")),
)}

#: Names valid for hidden layers.
ACTIVATIONS = tuple(_TABLE)
#: Names valid for the output layer, each paired with its loss (see ``initviz.mlp``).
OUTPUT_ACTIVATIONS = ("linear", "sigmoid", "softmax")


def get_activation(name) -> Activation:
    """Return the :class:`Activation` called ``name`` (or ``name`` itself if it is one).

    Args:
        name: one of :data:`ACTIVATIONS`, in any case, or an :class:`Activation`.
    Raises:
        TypeError: neither a string nor an :class:`Activation`.
        ValueError: an unknown name; the message lists the valid ones.

    >>> get_activation("ReLU").name
    'relu'
    >>> get_activation("gelu")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: activation must be one of 'linear', 'relu', ... got 'gelu' (did you mean 'relu'?)
    """
    if isinstance(name, Activation):
        return name
    return _TABLE[check_choice("activation", name.lower() if isinstance(name, str) else name,
                               ACTIVATIONS)]

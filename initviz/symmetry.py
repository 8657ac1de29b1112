"""Symmetric hidden units: the lecture's 2-2-1 network and the tools of lessons 01 and 02.

A hidden unit is a column of ``W[i]`` (its incoming weights, shape (fan_in,)) with its bias
``b[i][j]`` and a row of ``W[i+1]`` (its outgoing weights). Two units whose columns and
biases are equal compute the same pre-activation ``z`` for every input, so the same
activation ``a``; if their outgoing weights are equal too, backpropagation gives them the
same gradient, and gradient descent keeps them equal for ever. Constant initializations
(zeros included) start every unit of a layer in that state: the layer is as good as one unit.

This module measures that symmetry (:func:`unit_spread`), trains while recording it
(:func:`train_recording`), and builds the one-unit network a symmetric layer amounts to
(:func:`collapse`, :func:`collapsed_learning_rates`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import initializers
from ._checks import check_choice, check_int, check_real
from .mlp import MLP
from .training import train

__all__ = [
    "TARGETS",
    "make_lecture_data",
    "unit_spread",
    "Recording",
    "train_recording",
    "collapse",
    "collapsed_learning_rates",
]


TARGETS = ("linear", "folded")
"""Targets of :func:`make_lecture_data`."""


def make_lecture_data(n_samples=100, noise=0.1, target="linear", rng=None):
    """The lecture's regression data: two standard-normal inputs x1, x2 and one target.

    Targets:
        ``"linear"``: ``y = 1 + x1 - 2 x2 + noise``. One hidden unit can fit it (a sigmoid,
        tanh or ReLU unit is nearly linear over a suitable range); the offset 1 makes the
        mean of y about 1, so that "the output bias learns the mean" is visible.
        ``"folded"``: ``y = |x1 - 2 x2| + noise``. Two ReLU units with opposite weights fit
        it exactly, ``|t| = relu(t) + relu(-t)``, one unit cannot: it needs units that differ.
    Args:
        n_samples: number of samples, an int >= 1.
        noise: std of the Gaussian noise added to y, a finite number >= 0.
        target: one of :data:`TARGETS`.
        rng: None, an int seed or a numpy Generator. The same rng gives the same X for
            both targets.
    Returns:
        X: float64 (n_samples, 2). y: float64 (n_samples, 1).
    Raises:
        TypeError: n_samples not an int, noise not a number, target not a str.
        ValueError: n_samples < 1, noise < 0 or not finite, an unknown target.

    >>> X, y = make_lecture_data(5, rng=0)
    >>> X.shape, y.shape
    ((5, 2), (5, 1))
    """
    n_samples = check_int("n_samples", n_samples, 1)
    noise = check_real("noise", noise, 0)
    target = check_choice("target", target, TARGETS)
    gen = initializers.as_generator(rng)
    X = gen.standard_normal((int(n_samples), 2))
    t = X[:, 0] - 2.0 * X[:, 1]
    clean = 1.0 + t if target == "linear" else np.abs(t)
    y = clean + noise * gen.standard_normal(int(n_samples))
    return X, y[:, None]


def unit_spread(W) -> float:
    """How far the units of a layer are from being copies of one another.

    Args:
        W: a weight matrix (fan_in, fan_out), whose column j holds unit j's incoming
            weights; or a bias vector (fan_out,), one entry per unit.
    Returns:
        ``max |W[:, j] - W[:, 0]|`` over all entries and units j (for a vector: ``max |b[j] -
        b[0]|``), a float >= 0. It is exactly 0.0 if and only if every unit equals the first
        (a layer of one unit gives 0.0). nan if W holds nan.
    Raises:
        ValueError: W is not 1-D or 2-D, or is empty.
    """
    W = np.asarray(W, dtype=np.float64)
    if W.ndim == 1:
        W = W[None, :]
    if W.ndim != 2 or W.size == 0:
        raise ValueError(f"W must be a non-empty (fan_in, fan_out) matrix or (fan_out,) "
                         f"vector, got shape {np.shape(W)}")
    with np.errstate(invalid="ignore"):
        return float(np.max(np.abs(W - W[:, :1])))


@dataclass
class Recording:
    """What :func:`train_recording` saw.

    Attributes:
        loss: float array (steps,), the loss before each update.
        spread: float array (steps + 1,), :func:`unit_spread` of the recorded layer's
            weights before each update and, last, after the final one.
        weights: if asked for, the recorded layer's weight matrix at the same steps as
            ``spread`` (copies), else an empty list.
    """

    loss: np.ndarray
    spread: np.ndarray
    weights: list = field(default_factory=list)

    @property
    def final_loss(self) -> float:
        return float(self.loss[-1])


def train_recording(net: MLP, X, y, steps: int, lr, *, layer: int = 0,
                    keep_weights: bool = False) -> Recording:
    """Full-batch gradient descent on ``net`` (in place), recording the units' symmetry.

    Each step is one epoch of :func:`initviz.train` on the whole batch: forward pass, loss,
    backpropagation, ``W -= lr * dL/dW``, ``b -= lr * dL/db``.

    Args:
        net: an :class:`initviz.MLP`.
        X, y: training data, as :meth:`MLP.loss_and_gradients` takes them.
        steps: number of updates, an int >= 1.
        lr: learning rate, a finite number > 0; or a dict ``{"weights": [...], "biases":
            [...]}`` with one rate per layer for each, as :func:`collapsed_learning_rates`
            returns.
        layer: index of the layer whose :func:`unit_spread` (and weights) is recorded.
        keep_weights: also keep a copy of that layer's weights at every step.
    Returns:
        :class:`Recording`. Training stops early, with nan for the remaining losses, if the
        loss becomes inf or nan.
    Raises:
        TypeError, ValueError: bad steps, lr or layer; errors of :func:`initviz.train`.

    >>> X, y = make_lecture_data(20, rng=0)
    >>> net = MLP([2, 2, 1], activation="sigmoid", weight_init="ones", bias_init="ones")
    >>> rec = train_recording(net, X, y, steps=10, lr=0.1)
    >>> float(rec.spread.max())   # constant init: the two hidden units stay copies
    0.0
    """
    steps = check_int("steps", steps, 1)
    layer = check_int("layer", layer, -net.n_layers, net.n_layers - 1)
    spread = np.full(steps + 1, np.nan)
    spread[0] = unit_spread(net.weights[layer])
    kept = [net.weights[layer].copy()] if keep_weights else []

    def record(epoch, _history):
        spread[epoch + 1] = unit_spread(net.weights[layer])
        if keep_weights:
            kept.append(net.weights[layer].copy())

    history = train(net, X, y, steps, lr, callback=record)
    return Recording(np.asarray(history.loss, dtype=float), spread, kept)


def collapse(net: MLP, atol: float = 0.0) -> MLP:
    """The one-unit-wide network that computes the same function as a symmetric ``net``.

    If the k hidden units of a one-hidden-layer network are copies (equal columns of
    ``W[0]``, equal entries of ``b[0]``), the output is ``f(z) @ W[1] + b[1]`` with every
    unit's ``f(z)`` equal to the first one's, i.e. ``f(z_1) * (sum of the rows of W[1]) +
    b[1]``: one unit whose outgoing weight is the sum of the k outgoing weights.

    Args:
        net: an :class:`initviz.MLP` with one hidden layer, ``[n_in, k, n_out]``.
        atol: largest :func:`unit_spread` of ``W[0]`` and ``b[0]`` accepted as symmetric.
    Returns:
        A new MLP ``[n_in, 1, n_out]`` with the same activations: ``W[0]`` = the first
        column, ``b[0]`` = the first bias, ``W[1]`` = the column sums of ``W[1]`` as one
        row, ``b[1]`` unchanged.
    Raises:
        ValueError: net does not have exactly one hidden layer, or its hidden units differ
            by more than atol.
    """
    if net.n_layers != 2:
        raise ValueError(f"collapse needs a network with one hidden layer, got layer sizes "
                         f"{net.layer_sizes}")
    spread = max(unit_spread(net.weights[0]), unit_spread(net.biases[0]))
    if not spread <= atol:
        raise ValueError(f"the hidden units are not copies of one another: they differ by "
                         f"{spread:.3g} > atol={atol}")
    one = MLP([net.layer_sizes[0], 1, net.layer_sizes[2]], activation=net.hidden_activations[0],
              weight_init="zeros", output_activation=net.output_activation)
    one.weights = [net.weights[0][:, :1].copy(), net.weights[1].sum(axis=0, keepdims=True)]
    one.biases = [net.biases[0][:1].copy(), net.biases[1].copy()]
    return one


def collapsed_learning_rates(lr: float, width: int) -> dict:
    """Learning rates under which the collapsed one-unit network (see :func:`collapse`)
    follows exactly the same path as the width-``width`` symmetric network trained with ``lr``.

    Write ``h`` for the shared hidden activation, ``delta`` for dL/d(output) and ``k`` for
    the width. Each of the wide network's k outgoing weights ``w`` gets the gradient
    ``g = h.T @ delta``, which is also the gradient of the collapsed weight ``v = k w``; all
    k move by ``lr * g``, so ``v`` moves by ``k * lr * g``: rate ``k * lr``. Each unit's
    incoming weights and bias get ``w = v / k`` times the factor that the collapsed unit's get
    ``v`` times: ``1 / k`` of the collapsed gradient, so rate ``lr / k``. The output bias gets
    the same gradient in both networks: rate ``lr``.

    Args:
        lr: the wide network's learning rate, a finite number > 0.
        width: k, the number of hidden units, an int >= 1.
    Returns:
        ``{"weights": [lr / k, k * lr], "biases": [lr / k, lr]}`` for
        :func:`train_recording`.
    Raises:
        ValueError: lr not a finite number > 0, width not an int >= 1.
    """
    lr = check_real("lr", lr, 0, low_open=True)
    width = check_int("width", width, 1)
    return {"weights": [lr / width, lr * width], "biases": [lr / width, lr]}

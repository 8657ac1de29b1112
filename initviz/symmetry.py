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

import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from . import initializers
from .mlp import MLP, check_data
from ._util import blas_threads

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
        TypeError: n_samples not an int. ValueError: n_samples < 1, noise < 0 or not finite,
        an unknown target.
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral):
        raise TypeError(f"n_samples must be an int >= 1, got {n_samples!r}")
    if n_samples < 1:
        raise ValueError(f"n_samples must be an int >= 1, got {n_samples}")
    if (isinstance(noise, bool) or not isinstance(noise, numbers.Real)
            or not math.isfinite(noise) or noise < 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; valid choices: {', '.join(TARGETS)}")
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


def _rates(name, rates, n_layers):
    rates = list(rates) if isinstance(rates, (list, tuple, np.ndarray)) else [rates] * n_layers
    if len(rates) != n_layers:
        raise ValueError(f"{name} needs one rate per layer ({n_layers}), got {len(rates)}: "
                         f"{rates!r}")
    for r in rates:
        if (isinstance(r, bool) or not isinstance(r, numbers.Real)
                or not math.isfinite(r) or r <= 0):
            raise ValueError(f"learning rates must be finite numbers > 0, got {r!r} in {name}")
    return [float(r) for r in rates]


def _learning_rates(lr, n_layers):
    """(weight rates, bias rates) per layer from a number or a dict weights=/biases=."""
    if isinstance(lr, dict):
        if set(lr) != {"weights", "biases"}:
            raise ValueError(f"an lr dict needs exactly the keys 'weights' and 'biases', "
                             f"got {sorted(lr)}")
        return _rates("lr['weights']", lr["weights"], n_layers), _rates(
            "lr['biases']", lr["biases"], n_layers)
    return _rates("lr", lr, n_layers), _rates("lr", lr, n_layers)


def train_recording(net: MLP, X, y, steps: int, lr, *, layer: int = 0,
                    keep_weights: bool = False) -> Recording:
    """Full-batch gradient descent on ``net`` (in place), recording the units' symmetry.

    Each step is the training loop of :func:`initviz.train`: forward pass, loss,
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
        ValueError: bad steps, lr or layer; errors of :meth:`MLP.loss_and_gradients`.
    """
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
        raise ValueError(f"steps must be an int >= 1, got {steps!r}")
    w_rates, b_rates = _learning_rates(lr, net.n_layers)
    if isinstance(layer, bool) or not isinstance(layer, numbers.Integral) or not (
            -net.n_layers <= layer < net.n_layers):
        raise ValueError(f"layer must be an int in 0..{net.n_layers - 1}, got {layer!r}")
    X = check_data(X, net.layer_sizes[0])
    loss = np.full(int(steps), np.nan)
    spread = np.full(int(steps) + 1, np.nan)
    kept = []
    with blas_threads(max(net.layer_sizes), np.shape(X)[0]):
        for step in range(int(steps)):
            spread[step] = unit_spread(net.weights[layer])
            if keep_weights:
                kept.append(net.weights[layer].copy())
            loss[step], grads = net.loss_and_gradients(X, y)
            if not math.isfinite(loss[step]):
                return Recording(loss, spread, kept)
            with np.errstate(all="ignore"):
                for W, b, gW, gb, rw, rb in zip(net.weights, net.biases, grads.weights,
                                                grads.biases, w_rates, b_rates):
                    W -= rw * gW
                    b -= rb * gb
    spread[-1] = unit_spread(net.weights[layer])
    if keep_weights:
        kept.append(net.weights[layer].copy())
    return Recording(loss, spread, kept)


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
    (lr,) = _rates("lr", [lr], 1)
    if isinstance(width, bool) or not isinstance(width, numbers.Integral) or width < 1:
        raise ValueError(f"width must be an int >= 1, got {width!r}")
    return {"weights": [lr / width, lr * width], "biases": [lr / width, lr]}

"""Plain gradient descent: the training loop every lesson runs.

Initialize the parameters (the MLP's ``weight_init``), then repeat: forward-propagate,
compute the cost, backpropagate, update ``W -= lr * dL/dW``. Nothing else (no momentum, no
adaptive steps), so what the curves show is the initialization's doing.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from . import initializers
from ._util import blas_threads
from .mlp import MLP, check_data

__all__ = ["History", "Run", "train", "compare"]

@dataclass
class History:
    """What :func:`train` recorded, one entry per epoch.

    Attributes:
        loss: mean training loss over the epoch's minibatches (each computed before its
            update), floats; nan once training diverged.
        accuracy: training accuracy over the epoch (classifiers; empty for regression).
        grad_std: per epoch, the std of dL/dW of every layer (list of floats, layer 1 first),
            averaged over the epoch's minibatches: vanishing gradients show as tiny values
            in the first layers.
        diverged_at: 0-based index of the first epoch whose loss was inf/nan (``loss[:d]`` is
            finite, ``loss[d:]`` nan), or None; plots number epochs from 1, at ``d + 1``.
    """

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    grad_std: list = field(default_factory=list)
    diverged_at: int | None = None

    @property
    def final_loss(self) -> float:
        return self.loss[-1] if self.loss else math.nan


def train(net: MLP, X, y, epochs: int, lr: float, batch_size=None, rng=None) -> History:
    """Train ``net`` in place with (minibatch) gradient descent.

    Args:
        net: an :class:`initviz.MLP`.
        X: inputs (n_samples, n_features); y: targets as :meth:`MLP.loss_and_gradients` takes.
        epochs: number of passes over the data (positive int). With ``batch_size=None``
            every epoch is one full-batch step.
        lr: learning rate (finite, > 0).
        batch_size: None (full batch) or a positive int; minibatches are drawn from a
            shuffle of the data made with ``rng`` at every epoch.
        rng: None, an int seed or a Generator (only minibatch shuffling uses it).
    Returns:
        :class:`History`. If the loss becomes inf/nan the remaining epochs are recorded as
        nan and training stops: an exploding network ends the run, it does not crash it.
    Raises:
        TypeError, ValueError: bad epochs, lr, batch_size or data.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
        raise TypeError(f"lr must be a number, got {lr!r} ({type(lr).__name__})")
    if not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}")
    X = check_data(X, net.layer_sizes[0])
    n = X.shape[0]
    if batch_size is not None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
            raise ValueError(f"batch_size must be None or a positive int, got {batch_size!r}")
        batch_size = min(int(batch_size), n)
    y = np.asarray(y)
    if y.shape[0] != n:
        raise ValueError(f"y has {y.shape[0]} samples but X has {n}")
    gen = initializers.as_generator(rng)
    history = History()

    with blas_threads(max(net.layer_sizes), batch_size or n):
        for epoch in range(epochs):
            if batch_size is None:
                batches = [slice(None)]
            else:
                order = gen.permutation(n)
                batches = [order[i:i + batch_size] for i in range(0, n, batch_size)]
            losses, correct, gstd, weights = [], 0.0, np.zeros(net.n_layers), []
            for idx in batches:
                Xb, yb = X[idx], y[idx]
                loss, grads = net.loss_and_gradients(Xb, yb)
                m = Xb.shape[0]
                losses.append(loss)
                weights.append(m)
                if net.is_classifier:
                    correct += _n_correct(net, grads.trace.output, yb)
                with np.errstate(all="ignore"):
                    gstd += [float(np.std(g)) for g in grads.weights]
                if not math.isfinite(loss):
                    break
                net.apply_gradients(grads, lr)
            epoch_loss = float(np.average(losses, weights=weights)) if all(
                math.isfinite(v) for v in losses) else math.nan
            if not math.isfinite(epoch_loss):
                history.diverged_at = epoch
                history.loss.extend([math.nan] * (epochs - epoch))
                break
            history.loss.append(epoch_loss)
            history.grad_std.append(list(gstd / len(batches)))
            if net.is_classifier:
                history.accuracy.append(correct / n)
    return history


def _n_correct(net, output, y) -> float:
    y = np.asarray(y)
    if net.output_activation == "softmax":
        labels = np.argmax(y, axis=1) if y.ndim == 2 else y
        return float(np.sum(np.argmax(output, axis=1) == labels))
    pred = (output > 0.5).astype(np.int64)
    return float(np.sum(pred == y.reshape(pred.shape))) / pred.shape[1]


@dataclass
class Run:
    """One trained network of :func:`compare`: the network and its :class:`History`."""

    net: MLP
    history: History


def compare(configs: dict, X, y, *, layer_sizes, epochs: int, lr: float, batch_size=None,
            seed: int = 0, **mlp_kwargs) -> dict:
    """Train one network per configuration on the same data, from the same seed.

    Args:
        configs: name -> dict of :class:`MLP` keyword arguments that differ between runs,
            e.g. ``{"zeros": {"weight_init": "zeros"}, "He": {"weight_init": "he_normal"}}``.
        X, y: training data. layer_sizes, epochs, lr, batch_size: shared by every run.
        seed: int; every run's weights and minibatches are drawn from ``seed``, so the runs
            differ only by their configuration.
        **mlp_kwargs: MLP arguments shared by every run (activation, output_activation...).
    Returns:
        dict name -> :class:`Run`, in the order of ``configs``.
    """
    if not isinstance(configs, dict) or not configs:
        raise ValueError("configs must be a non-empty dict name -> MLP keyword arguments")
    runs = {}
    for name, overrides in configs.items():
        kwargs = {**mlp_kwargs, **overrides}
        net = MLP(layer_sizes, rng=seed, **kwargs)
        runs[name] = Run(net, train(net, X, y, epochs, lr, batch_size=batch_size, rng=seed + 1))
    return runs

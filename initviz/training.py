"""Plain gradient descent: the training loop every lesson runs.

Initialize the parameters (the MLP's ``weight_init``), then repeat: forward-propagate,
compute the cost, backpropagate, update ``W -= lr * dL/dW``. Nothing else (no momentum, no
adaptive steps), so what the curves show is the initialization's doing. Lesson 10 trains with
Adam too (``optimizer="adam"``), as muP's learning-rate transfer is shown with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import initializers
from ._checks import check_int, check_real
from ._util import blas_threads
from .mlp import MLP, check_data
from .optimizers import make_optimizer

__all__ = ["History", "Run", "train", "compare", "learning_rates"]

@dataclass
class History:
    """What :func:`train` recorded, one entry per epoch.

    >>> h = History(loss=[0.7, float("nan")], diverged_at=1)
    >>> h.epochs_run, h.final_loss
    (2, nan)

    Attributes:
        loss: mean training loss over the epoch's minibatches (each computed before its
            update), floats; nan once training diverged.
        accuracy: training accuracy over the epoch (classifiers; empty for regression).
        grad_std: per epoch, the std of dL/dW of every layer (list of floats, layer 1 first),
            averaged over the epoch's minibatches: vanishing gradients show as tiny values
            in the first layers.
        diverged_at: 0-based index of the first epoch whose loss was inf/nan (``loss[:d]`` is
            finite, ``loss[d:]`` nan), or None; plots number epochs from 1, at ``d + 1``.
        stopped_at: the number of epochs run when a ``callback`` stopped training, or None.
    """

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    grad_std: list = field(default_factory=list)
    diverged_at: int | None = None
    stopped_at: int | None = None

    @property
    def epochs_run(self) -> int:
        """Epochs trained: up to and including a diverged one (its loss is nan)."""
        return len(self.loss) if self.diverged_at is None else self.diverged_at + 1

    @property
    def final_loss(self) -> float:
        return self.loss[-1] if self.loss else math.nan


def learning_rates(lr, n_layers: int) -> tuple[list, list]:
    """The per-layer (weight rates, bias rates) that ``lr`` stands for.

    Args:
        lr: one finite number > 0 for every parameter; or a dict ``{"weights": ..., "biases":
            ...}`` whose values are each a number or a sequence of one rate per layer (as
            :func:`initviz.symmetry.collapsed_learning_rates` returns).
        n_layers: the network's number of layers.
    Returns:
        ``(weight_rates, bias_rates)``: two lists of ``n_layers`` floats.
    Raises:
        TypeError: a rate that is not a number, an lr of another type.
        ValueError: a rate that is not finite and > 0, a dict with other keys, a sequence of
            the wrong length.

    >>> learning_rates(0.1, 2)
    ([0.1, 0.1], [0.1, 0.1])
    >>> learning_rates({"weights": [0.05, 0.4], "biases": 0.1}, 2)
    ([0.05, 0.4], [0.1, 0.1])
    """
    def rates(name, value):
        if isinstance(value, (list, tuple, np.ndarray)):
            value = list(value)
            if len(value) != n_layers:
                raise ValueError(f"{name} needs one rate per layer ({n_layers}), got "
                                 f"{len(value)}: {value!r}")
            return [check_real(f"{name}[{i}]", r, 0, low_open=True)
                    for i, r in enumerate(value)]
        return [check_real(name, value, 0, low_open=True)] * n_layers

    if isinstance(lr, dict):
        if set(lr) != {"weights", "biases"}:
            raise ValueError(f"an lr dict needs exactly the keys 'weights' and 'biases', "
                             f"got {sorted(lr)}")
        return rates("lr['weights']", lr["weights"]), rates("lr['biases']", lr["biases"])
    return rates("lr", lr), rates("lr", lr)


def train(net: MLP, X, y, epochs: int, lr, batch_size=None, rng=None,
          callback=None, optimizer="sgd") -> History:
    """Train ``net`` in place with (minibatch) gradient descent, or Adam.

    Args:
        net: an :class:`initviz.MLP`.
        X: inputs (n_samples, n_features); y: targets as :meth:`MLP.loss_and_gradients` takes.
        epochs: number of passes over the data (an int >= 1). With ``batch_size=None``
            every epoch is one full-batch step.
        lr: learning rate (finite, > 0); or per-layer rates as :func:`learning_rates` takes.
        batch_size: None (full batch) or an int >= 1; minibatches are drawn from a
            shuffle of the data made with ``rng`` at every epoch.
        rng: None, an int seed or a Generator (only minibatch shuffling uses it).
        callback: None, or ``callback(epoch, history)`` called after every finished epoch
            (0-based ``epoch``; ``history`` is the :class:`History` so far). If it returns
            True, training stops there (``history.stopped_at`` records the epoch count).
        optimizer: ``"sgd"`` (plain gradient descent, the default) or ``"adam"`` (Kingma &
            Ba 2015, PyTorch's defaults; a fresh state every call): see
            :mod:`initviz.optimizers`. muP's per-layer rates: :meth:`MLP.learning_rates`.
    Returns:
        :class:`History`. If the loss becomes inf/nan the remaining epochs are recorded as
        nan and training stops: an exploding network ends the run, it does not crash it.
    Raises:
        TypeError: epochs, lr or batch_size of a wrong type (2.5 epochs is one).
        ValueError: epochs or batch_size < 1, lr not finite and > 0, bad data, an unknown
            optimizer.

    >>> from initviz import datasets
    >>> X, y = datasets.make_moons(100, rng=0)
    >>> net = MLP([2, 8, 1], activation="tanh", output_activation="sigmoid", rng=0)
    >>> h = train(net, X, y, epochs=200, lr=0.5)
    >>> len(h.loss), h.loss[-1] < h.loss[0]
    (200, True)
    """
    epochs = check_int("epochs", epochs, 1)
    w_rates, b_rates = learning_rates(lr, net.n_layers)
    opt = make_optimizer(optimizer)
    if opt.name != "sgd" and type(net).apply_gradients is not MLP.apply_gradients:
        # Adam updates net.weights and net.biases; a subclass with more parameters (a
        # ResidualMLP's gains and scales) would leave those untrained without a word
        raise ValueError(f"optimizer={optimizer!r} trains an MLP's weights and biases only; "
                         f"{type(net).__name__} has other parameters: use optimizer='sgd'")
    X = check_data(X, net.layer_sizes[0])
    n = X.shape[0]
    if batch_size is not None:
        batch_size = min(check_int("batch_size", batch_size, 1), n)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be None or a callable(epoch, history), got {callback!r}")
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
                if opt.name == "sgd":
                    net.apply_gradients(grads, w_rates, b_rates)
                else:
                    opt.step(net.weights + net.biases, grads.weights + grads.biases,
                             w_rates + b_rates)
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
            if callback is not None and callback(epoch, history):
                history.stopped_at = epoch + 1
                break
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
    """One trained network of :func:`compare`: the network and its :class:`History`.

    >>> Run(MLP([2, 1]), History(loss=[0.5])).history.final_loss
    0.5
    """

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
    Raises:
        TypeError: configs is not a dict; ValueError: it is empty; what :func:`train` and
        :class:`MLP` raise.

    >>> from initviz import datasets
    >>> X, y = datasets.make_moons(100, rng=0)
    >>> runs = compare({"zeros": {"weight_init": "zeros"}, "He": {"weight_init": "he_normal"}},
    ...                X, y, layer_sizes=[2, 8, 1], epochs=100, lr=0.5,
    ...                output_activation="sigmoid")
    >>> runs["He"].history.final_loss < runs["zeros"].history.final_loss
    True
    """
    if not isinstance(configs, dict):
        raise TypeError(f"configs must be a dict name -> MLP keyword arguments, got "
                        f"{type(configs).__name__}")
    if not configs:
        raise ValueError("configs must be a non-empty dict name -> MLP keyword arguments")
    runs = {}
    for name, overrides in configs.items():
        kwargs = {**mlp_kwargs, **overrides}
        net = MLP(layer_sizes, rng=seed, **kwargs)
        runs[name] = Run(net, train(net, X, y, epochs, lr, batch_size=batch_size, rng=seed + 1))
    return runs

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
from .residual import ResidualMLP

__all__ = ["History", "Run", "train", "compare", "learning_rates", "adam_parameters"]

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


def _check_known_parameters(net):
    """Raise ValueError for a network whose ``apply_gradients`` updates parameters that
    :func:`adam_parameters` does not list (they would stay untrained without a word)."""
    if type(net).apply_gradients not in (MLP.apply_gradients, ResidualMLP.apply_gradients):
        raise ValueError(f"an optimizer with a state (Adam) trains the parameters of an MLP "
                         f"or a ResidualMLP; {type(net).__name__} has other parameters: use "
                         f"optimizer='sgd'")


def adam_parameters(net, grads, w_rates, b_rates) -> tuple[list, list, list]:
    """Every trainable parameter of ``net`` with its gradient and learning rate, as
    :meth:`MLP.apply_gradients` (and :meth:`ResidualMLP.apply_gradients`) update them: what
    an optimizer with a state per parameter (Adam) steps.

    The weights and biases of every dense layer; for a :class:`ResidualMLP` also the gain and
    shift of every normalization (at the weight rate of the dense layer it feeds) and, with
    ``learn_scale``, each block's scale (at the weight rate of the last dense layer of its
    branch), as one-element views into ``net.scales`` so that a step updates them in place.

    Args:
        net: an :class:`MLP` or :class:`ResidualMLP`. grads: its gradients
            (``net.loss_and_gradients``). w_rates, b_rates: per-layer rates
            (:func:`learning_rates`).
    Returns:
        ``(params, gradients, rates)``: three lists of the same length.
    Raises:
        ValueError: a subclass whose ``apply_gradients`` updates parameters not listed here.

    >>> net = ResidualMLP(2, 4, 3, 1, norm="layer", learn_scale=True, rng=0)
    >>> _, g = net.loss_and_gradients(np.ones((5, 2)), np.zeros((5, 1)))
    >>> params, _, _ = adam_parameters(net, g, [0.1] * 5, [0.1] * 5)
    >>> len(params)   # 5 weights, 5 biases, 3 gains, 3 shifts, 3 scales
    19
    """
    _check_known_parameters(net)
    params = list(net.weights) + list(net.biases)
    gradients = list(grads.weights) + list(grads.biases)
    rates = list(w_rates) + list(b_rates)
    if isinstance(net, ResidualMLP):
        for i, norm in enumerate(net.norms):  # the norm before dense layer i + 1
            params += [norm.gain, norm.shift]
            gradients += [grads.gains[i], grads.shifts[i]]
            rates += [w_rates[i + 1]] * 2
        if net.learn_scale:
            m = net.branch_layers
            for k in range(net.n_blocks):
                params.append(net.scales[k:k + 1])
                gradients.append(np.asarray(grads.scales[k:k + 1]))
                rates.append(w_rates[(k + 1) * m])
    return params, gradients, rates


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
            Adam steps every parameter :func:`adam_parameters` lists (a ResidualMLP's
            normalization gains and shifts and learned scales too).
    Returns:
        :class:`History`. If the loss becomes inf/nan the remaining epochs are recorded as
        nan and training stops: an exploding network ends the run, it does not crash it.
    Raises:
        TypeError: epochs, lr or batch_size of a wrong type (2.5 epochs is one).
        ValueError: epochs or batch_size < 1, lr not finite and > 0, bad data, an unknown
            optimizer, Adam with a network whose parameters it does not know.

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
    if opt.name != "sgd":  # refuse a network with parameters Adam would not know, up front
        _check_known_parameters(net)
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
                    opt.step(*adam_parameters(net, grads, w_rates, b_rates))
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

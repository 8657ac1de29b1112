"""Lesson 09's experiments: a deep residual MLP trained from each start, plain deep MLPs with
and without LSUV, and the residual stream measured at initialization.

The training runs take minutes, so ``scripts/lesson09_deep_training.py`` runs them and stores
their results (plain numbers, JSON) for the notebook; ``tests/test_residual_experiments.py``
reruns a reduced version.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from ._checks import check_int
from .init_schemes import fixup, lsuv
from .mlp import MLP
from .residual import ResidualMLP
from .training import train

__all__ = ["residual_starts", "plain_starts", "build", "StartResult", "run_start",
           "StreamStatistics", "stream_statistics"]


def residual_starts(n_blocks: int) -> dict:
    """The starts lesson 09 compares for a residual MLP of ``n_blocks`` blocks: name ->
    ResidualMLP keyword arguments, with ``"fixup": True`` for :func:`initviz.init_schemes.fixup`
    applied after construction.

    >>> residual_starts(4)["1/sqrt(L) scale"]
    {'branch_scale': 0.5}
    """
    n = check_int("n_blocks", n_blocks, 1)
    return {
        "He, scale 1": {},
        "1/sqrt(L) scale": {"branch_scale": n ** -0.5},
        "SkipInit/ReZero": {"branch_scale": 0.0, "learn_scale": True},
        "Fixup": {"fixup": True},
        "zero last layer": {"zero_last": True},
        "BatchNorm": {"norm": "batch"},
        "BatchNorm, last gain 0": {"norm": "batch", "last_gain": 0.0},
        "LayerNorm": {"norm": "layer"},
    }


def plain_starts() -> dict:
    """The starts compared for a plain (no skip) deep ReLU MLP: name -> ``(weight_init,
    use_lsuv)``.

    >>> plain_starts()["LSUV"]
    ('orthogonal', True)
    """
    return {"Xavier": ("glorot_uniform", False), "He": ("he_normal", False),
            "LSUV": ("orthogonal", True)}


@dataclass
class StartResult:
    """One training run: the loss at initialization, per-epoch losses, accuracies.

    Attributes:
        initial_loss: the mean loss on the training set before training.
        loss: per-epoch mean training loss (nan once diverged).
        train_accuracy, test_accuracy: after training (nan if it diverged); a BatchNorm
            network is evaluated with its running statistics.
        diverged_at: the 0-based epoch whose loss was inf/nan, or None.
        stream_growth: Var(last stream) / Var(first stream) at initialization on the training
            set (residual networks; nan for a plain one).
        lsuv_iterations: the rescalings LSUV needed per layer (empty without LSUV).
    """

    initial_loss: float
    loss: list
    train_accuracy: float
    test_accuracy: float
    diverged_at: int | None
    stream_growth: float
    lsuv_iterations: list

    def to_dict(self) -> dict:
        """Plain JSON-ready values (nan as None)."""
        def clean(v):
            if isinstance(v, float) and not math.isfinite(v):
                return None
            if isinstance(v, list):
                return [clean(x) for x in v]
            return v
        return {k: clean(v) for k, v in asdict(self).items()}


def build(kind, n_in, width, depth, n_out, config, rng):
    """The network of a start: ``kind`` "residual" (depth = n_blocks, 2 dense layers per
    branch) or "plain" (depth hidden layers); config from :func:`residual_starts` or
    :func:`plain_starts`."""
    if kind == "residual":
        kwargs = dict(config)
        use_fixup = kwargs.pop("fixup", False)
        net = ResidualMLP(n_in, width, depth, n_out, branch_layers=2,
                          output_activation="softmax", rng=rng, **kwargs)
        return fixup(net) if use_fixup else net
    init, _ = config
    return MLP([n_in] + [width] * depth + [n_out], "relu", init, output_activation="softmax",
               rng=rng)


def run_start(kind, config, data, *, depth, width=64, epochs=8, lr=0.01, batch_size=32,
              seed=0) -> StartResult:
    """Build one start, train it with minibatch SGD and measure it.

    Args:
        kind: "residual" or "plain". config: a value of :func:`residual_starts` or
            :func:`plain_starts`. data: ``(X_train, y_train, X_test, y_test)``, integer labels.
        depth: blocks (residual) or hidden layers (plain). width, epochs, lr, batch_size: the
            network and SGD's settings. seed: weights from ``seed``, minibatches from seed + 1.
    Returns:
        :class:`StartResult`.
    """
    X_train, y_train, X_test, y_test = data
    n_out = int(max(y_train.max(), y_test.max())) + 1
    net = build(kind, X_train.shape[1], width, depth, n_out, config, seed)
    iterations = []
    if kind == "plain" and config[1]:
        iterations = lsuv(net, X_train[:256], rng=seed).iterations
    trace = net.trace(X_train)
    growth = (float(np.var(trace.stream[-1]) / np.var(trace.stream[0]))
              if kind == "residual" else math.nan)
    initial = net.loss(X_train, y_train)
    history = train(net, X_train, y_train, epochs, lr, batch_size=batch_size, rng=seed + 1)
    if hasattr(net, "eval"):
        net.eval()
    ok = history.diverged_at is None
    return StartResult(float(initial), [float(v) for v in history.loss],
                       net.accuracy(X_train, y_train) if ok else math.nan,
                       net.accuracy(X_test, y_test) if ok else math.nan,
                       history.diverged_at, growth, iterations)


@dataclass
class StreamStatistics:
    """The residual stream of one forward pass, block by block.

    Attributes:
        variance: Var(x[k]) for k = 0 .. n_blocks (over samples and units).
        growth: variance / variance[0].
        branch_ratio: std(scale[k] * branch k) / std(x[k]) for each block: how much a block
            changes the stream it is added to (De & Smith 2020: ~1/sqrt(k) with BatchNorm).
    """

    variance: np.ndarray
    growth: np.ndarray
    branch_ratio: np.ndarray


def stream_statistics(net: ResidualMLP, X) -> StreamStatistics:
    """Measure the residual stream of ``net`` on inputs ``X`` (one forward pass, in the
    network's mode). Overflow gives inf/nan, reported as such.

    >>> net = ResidualMLP(16, 256, 4, 1, rng=0)
    >>> s = stream_statistics(net, np.random.default_rng(1).standard_normal((256, 16)))
    >>> np.round(s.growth, 1)          # doubles per block: (1 + 1^2)^k
    array([ 1. ,  1.9,  3.9,  8. , 15.5])
    """
    t = net.trace(X)
    with np.errstate(all="ignore"):
        var = np.array([np.var(x) for x in t.stream])
        ratio = np.array([np.std(net.scales[k] * b) / np.std(t.stream[k])
                          for k, b in enumerate(t.branches)])
        return StreamStatistics(var, var / var[0], ratio)

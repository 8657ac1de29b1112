"""Every initializer against every activation: train, score, tabulate.

The closing experiment of the series (notebook 06): for each pair (initializer, hidden
activation) train the same small softmax network with the same budget (epochs, learning
rate, batch size) from several seeds and record its accuracy. The seeds are shared by all
pairs (common random numbers: seed ``s`` draws the weights from ``default_rng([s, 0])`` and
the minibatch order from ``default_rng([s, 1])``), so two cells differ only by the
initializer and the activation.

:func:`initializer_grid` computes; :func:`format_grid` prints; the heatmap is
:func:`initviz.plots.plot_grid` (this module only measures).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import initializers as _initializers
from .activations import get_activation
from .mlp import MLP
from .training import train
from ._checks import check_ints
from ._util import text_table

__all__ = ["GridResult", "initializer_grid", "format_grid"]


@dataclass
class GridResult:
    """Accuracies of :func:`initializer_grid`.

    Attributes:
        initializers: row labels, one per initializer.
        activations: column labels, one per hidden activation.
        seeds: the seeds, one per run of a cell.
        accuracy: array (n_initializers, n_activations, n_seeds), accuracy of each run.
        diverged: bool array of the same shape: the run's loss became inf/nan (its network
            outputs nan; its accuracy is then that of always predicting class 0).
        chance: accuracy of always predicting the most frequent class of the evaluation set.
    """

    initializers: list
    activations: list
    seeds: tuple
    accuracy: np.ndarray
    diverged: np.ndarray
    chance: float

    @property
    def mean(self) -> np.ndarray:
        """Mean accuracy over the seeds, (n_initializers, n_activations)."""
        return self.accuracy.mean(axis=2)

    @property
    def std(self) -> np.ndarray:
        """Standard deviation of the accuracy over the seeds (population std, ddof=0);
        exactly 0 where every seed scored the same (not a rounding residue like 1e-17)."""
        std = self.accuracy.std(axis=2)
        std[np.ptp(self.accuracy, axis=2) == 0] = 0.0
        return std


def _labelled(inits):
    if isinstance(inits, dict):
        items = list(inits.items())
    elif isinstance(inits, (list, tuple)):
        items = []
        for spec in inits:
            if not isinstance(spec, str):
                raise TypeError(f"a list of initializers must hold names, got {spec!r}; "
                                "pass a dict label -> initializer for callables")
            items.append((spec, spec))
    else:
        raise TypeError("initializers must be a list of names or a dict label -> name or "
                        f"callable, got {type(inits).__name__}")
    if not items:
        raise ValueError("initializers is empty; pass at least one")
    return [(str(label), _initializers.get(spec)) for label, spec in items]


def initializer_grid(initializers, activations, X, y, *, X_test=None, y_test=None,
                     hidden=(64, 64), epochs=5, lr=0.1, batch_size=32,
                     seeds=(0, 1, 2)) -> GridResult:
    """Train one softmax MLP per (initializer, activation, seed) and score it.

    Every layer of a run (hidden and output) gets the same weight initializer; biases are
    zero (Keras' default). Training is :func:`initviz.train`: plain minibatch SGD.

    Args:
        initializers: a list of initializer names (``["he_normal", "zeros"]``), or a dict
            label -> name or callable (``{"N(0, 0.01)": get("random_normal", stddev=0.01)}``).
        activations: hidden activation names (see :mod:`initviz.activations`).
        X, y: training inputs (n_samples, n_features) and integer labels 0..k-1.
        X_test, y_test: the set the accuracy is measured on (default: the training set).
        hidden: hidden layer widths, e.g. ``(64, 64)`` for a 64-64-64-10 network on digits.
        epochs, lr, batch_size: the training budget, the same for every run.
        seeds: one run per seed for each cell (non-negative ints).
    Returns:
        :class:`GridResult` with ``accuracy`` of shape
        (len(initializers), len(activations), len(seeds)).
    Raises:
        TypeError, ValueError: empty or malformed initializers, activations or seeds, an
            unknown initializer or activation name, or data :func:`initviz.train` rejects.
    """
    inits = _labelled(initializers)
    if isinstance(activations, str) or not hasattr(activations, "__iter__"):
        raise TypeError(f"activations must be a list of names, got {activations!r}")
    acts = [get_activation(a).name for a in activations]
    if not acts:
        raise ValueError("activations is empty; pass at least one")
    seeds = tuple(check_ints("seeds", seeds, 0))
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    X_eval, y_eval = (X, y) if X_test is None else (np.asarray(X_test, np.float64),
                                                   np.asarray(y_test))
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
    n_classes = int(max(y.max(), y_eval.max())) + 1
    sizes = [X.shape[1], *[int(h) for h in hidden], n_classes]

    acc = np.zeros((len(inits), len(acts), len(seeds)))
    div = np.zeros(acc.shape, dtype=bool)
    for i, (_, init) in enumerate(inits):
        for j, act in enumerate(acts):
            for k, s in enumerate(seeds):
                net = MLP(sizes, act, init, output_activation="softmax",
                          rng=np.random.default_rng([s, 0]))
                hist = train(net, X, y, epochs, lr, batch_size=batch_size,
                             rng=np.random.default_rng([s, 1]))
                div[i, j, k] = hist.diverged_at is not None
                acc[i, j, k] = net.accuracy(X_eval, y_eval)
    chance = float(np.bincount(y_eval.astype(np.int64)).max() / y_eval.shape[0])
    return GridResult([label for label, _ in inits], acts, seeds, acc, div, chance)


def format_grid(result: GridResult, digits: int = 3) -> str:
    """A text table: one row per initializer, one column per activation, ``mean ± std``
    over the seeds with ``digits`` significant digits; ``(d/n diverged)`` where runs
    diverged."""
    cells = [["initializer", *result.activations]]
    for i, label in enumerate(result.initializers):
        row = [label]
        for j in range(len(result.activations)):
            text = f"{result.mean[i, j]:.{digits}g} ± {result.std[i, j]:.{digits}g}"
            n_div = int(result.diverged[i, j].sum())
            if n_div:
                text += f" ({n_div}/{len(result.seeds)} diverged)"
            row.append(text)
        cells.append(row)
    return text_table(cells, left_first=True)

"""Width scaling (lesson 10): the coordinate check and learning-rate transfer, standard
parametrization (SP) against muP (Yang et al. 2022, "Tensor Programs V").

- :func:`coord_check`: the mean size ``mean |z|`` of every layer's pre-activations over the
  first few Adam steps, against width: the check the mup package runs (``mup.coord_check``:
  the ``l1`` statistic of every Linear's output, 3 steps by default). In SP a layer's update
  ``dz = a @ dW`` sums ``n`` aligned terms of size ~lr each, so it grows with the width
  ``n``; muP divides those layers' Adam rates by ``n / base_width`` and it stays flat.
- :func:`lr_transfer`: the training loss after a fixed budget against the learning rate at
  several widths (Yang et al. 2022, figure 1): the best rate moves with width in SP and
  stays put in muP, so a rate tuned on a small model transfers to a large one.

Both train ReLU MLPs with He normal weights and a softmax output with Adam, every layer at
the rates of :meth:`initviz.MLP.learning_rates`.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

import numpy as np

from ._checks import as_generator, check_choice, check_int, check_ints, check_real
from ._util import blas_threads
from .mlp import MLP, PARAMETRIZATIONS, check_data
from .optimizers import Adam
from .training import train

__all__ = ["CoordCheck", "LRTransfer", "coord_check", "lr_transfer", "save_results",
           "load_results"]


@dataclass
class CoordCheck:
    """What :func:`coord_check` measured.

    Attributes:
        parametrization: "standard" or "mup". widths: list of ints. lr: Adam's base rate.
        layers: names of the layers ("hidden 1", ..., "output").
        l1: nested lists [step][width][layer], mean |z| averaged over the seeds; step 0 is
            at initialization, step t after t Adam steps.
    """

    parametrization: str
    widths: list
    lr: float
    layers: list
    l1: list

    def at_step(self, step) -> np.ndarray:
        """mean |z| at ``step``, array (n_widths, n_layers)."""
        return np.asarray(self.l1[step])

    def growth(self, step=-1) -> np.ndarray:
        """Per layer, mean |z| at the widest over the narrowest width, at ``step``."""
        a = self.at_step(step)
        return a[-1] / a[0]


@dataclass
class LRTransfer:
    """What :func:`lr_transfer` measured.

    Attributes:
        parametrization, widths, lrs: as given. epochs, batch_size: the budget.
        loss: nested lists [width][lr], the training loss of the last epoch (nan: diverged).
    """

    parametrization: str
    widths: list
    lrs: list
    epochs: int
    batch_size: int
    loss: list

    def best_lrs(self) -> np.ndarray:
        """The learning rate of the lowest loss at each width."""
        loss = np.where(np.isfinite(self.loss), self.loss, np.inf)
        return np.asarray(self.lrs)[np.argmin(loss, axis=1)]


def _net(X, y, width, parametrization, base_width, depth, seed):
    sizes = [X.shape[1]] + [width] * depth + [int(np.max(y)) + 1]
    return MLP(sizes, "relu", "he_normal", output_activation="softmax", rng=seed,
               parametrization=parametrization, base_width=base_width)


def coord_check(X, y, widths, parametrization, base_width=None, lr=0.01, steps=3,
                batch_size=64, depth=2, seeds=(0, 1)) -> CoordCheck:
    """mean |z| of every layer over the first ``steps`` Adam steps, at every width.

    Args:
        X, y: classification data (integer labels). widths: hidden widths (ints >= 1).
        parametrization: "standard" or "mup"; base_width: muP's base (default the first
            width). lr: Adam's base rate (> 0). steps: Adam steps (int >= 0).
        batch_size: samples per step (each step a new minibatch, drawn from the seed).
        depth: hidden layers. seeds: one network and one batch order per seed; averaged.
    Returns:
        :class:`CoordCheck`.
    Raises:
        TypeError, ValueError: bad arguments (see :class:`initviz.MLP`).

    >>> from initviz import datasets
    >>> X, y = datasets.load_digits()
    >>> sp = coord_check(X, y, [32, 256], "standard", steps=2, seeds=(0,))
    >>> mup = coord_check(X, y, [32, 256], "mup", steps=2, seeds=(0,))
    >>> bool(sp.growth()[-1] > 2), bool(mup.growth()[-1] < 1)   # the output, 8x wider
    (True, True)
    """
    X = check_data(X)
    widths = check_ints("widths", widths, 1)
    check_choice("parametrization", parametrization, PARAMETRIZATIONS)
    base_width = widths[0] if base_width is None else base_width
    lr = check_real("lr", lr, 0, low_open=True)
    steps = check_int("steps", steps, 0)
    batch_size = min(check_int("batch_size", batch_size, 1), X.shape[0])
    y = np.asarray(y)
    l1 = np.zeros((steps + 1, len(widths), depth + 1))
    for seed in seeds:
        for w, width in enumerate(widths):
            net = _net(X, y, width, parametrization, base_width, depth, seed)
            rates = net.learning_rates(lr, "adam")
            rates = rates["weights"] + rates["biases"]
            gen = as_generator(seed + 1000)
            opt = Adam()
            with blas_threads(width, batch_size):
                for t in range(steps + 1):
                    idx = gen.choice(X.shape[0], batch_size, replace=False)
                    _, g = net.loss_and_gradients(X[idx], y[idx])
                    l1[t, w] += [float(np.mean(np.abs(z))) for z in g.trace.pre_activations]
                    if t < steps:
                        opt.step(net.weights + net.biases, g.weights + g.biases, rates)
    layers = [f"hidden {i + 1}" for i in range(depth)] + ["output"]
    return CoordCheck(parametrization, widths, lr, layers, (l1 / len(seeds)).tolist())


def lr_transfer(X, y, widths, lrs, parametrization, base_width=None, epochs=5,
                batch_size=128, depth=2, seed=0) -> LRTransfer:
    """The training loss after ``epochs`` of Adam, for every width and learning rate.

    Args:
        X, y: classification data. widths, lrs: the grid (ints >= 1; rates > 0).
        parametrization, base_width, depth: as :func:`coord_check`. epochs, batch_size:
            the budget. seed: the same weights' seed and batch order at every grid point.
    Returns:
        :class:`LRTransfer` (a diverged run has loss nan).

    >>> from initviz import datasets
    >>> X, y = datasets.load_digits()
    >>> r = lr_transfer(X[:256], y[:256], [32], [1e-3, 1e-2], "standard", epochs=2)
    >>> np.asarray(r.loss).shape
    (1, 2)
    """
    X = check_data(X)
    widths = check_ints("widths", widths, 1)
    lrs = [check_real(f"lrs[{i}]", r, 0, low_open=True) for i, r in enumerate(lrs)]
    check_choice("parametrization", parametrization, PARAMETRIZATIONS)
    base_width = widths[0] if base_width is None else base_width
    loss = []
    for width in widths:
        row = []
        for lr in lrs:
            net = _net(X, y, width, parametrization, base_width, depth, seed)
            h = train(net, X, y, epochs, net.learning_rates(lr, "adam"), batch_size=batch_size,
                      rng=seed + 1, optimizer="adam")
            row.append(h.final_loss)
        loss.append(row)
    return LRTransfer(parametrization, widths, lrs, epochs, batch_size, loss)


def save_results(path, **results) -> None:
    """Write :class:`CoordCheck` and :class:`LRTransfer` results to a JSON file, by name
    (nan stored as null)."""
    def clean(obj):
        if isinstance(obj, float) and not math.isfinite(obj):
            return None
        if isinstance(obj, list):
            return [clean(v) for v in obj]
        if isinstance(obj, dict):
            return {k: clean(v) for k, v in obj.items()}
        return obj

    payload = {name: {"kind": type(r).__name__, **clean(asdict(r))} for name, r in results.items()}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(payload, f, indent=1)
        f.write("\n")


def load_results(path) -> dict:
    """Read what :func:`save_results` wrote: name -> :class:`CoordCheck` or :class:`LRTransfer`.

    Raises:
        ValueError: an entry of an unknown kind.
    """
    with open(path, encoding="utf-8") as f:
        payload = json.load(f)
    kinds = {"CoordCheck": CoordCheck, "LRTransfer": LRTransfer}
    out = {}
    for name, entry in payload.items():
        kind = entry.pop("kind", None)
        if kind not in kinds:
            raise ValueError(f"{path}: entry {name!r} has kind {kind!r}, expected one of "
                             f"{sorted(kinds)}")
        if kind == "LRTransfer":
            entry["loss"] = [[math.nan if v is None else v for v in row] for row in entry["loss"]]
        out[name] = kinds[kind](**entry)
    return out

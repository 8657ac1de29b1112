"""Which random networks train: accuracy after a fixed budget over a grid of sigma_w2 and
depth, beside the depth scale xi_c (Schoenholz et al. 2017, Figure 5, scaled down).

Schoenholz et al. trained tanh networks on MNIST and CIFAR-10 at every (sigma_w2, depth) of
a grid with ``sigma_b2 = 0.05`` and found that the networks that train are those shallower
than about ``6 xi_c`` (their eq. 9 and Figure 5): deep networks train only near the edge of
chaos. :func:`trainability_grid` redoes the experiment on scikit-learn's bundled digits at a
scale that runs here; :func:`trainable_depth` reads the deepest trained network per column.

>>> g = trainability_grid([1.76], [2], width=16, epochs=1, rng=0)
>>> g.accuracy.shape, g.six_xi_c.shape
((1, 1), (1,))
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import datasets, mean_field
from ._checks import as_generator, check_int, check_ints, check_real
from ._util import blas_threads
from .base_initializers import RandomNormal, Zeros
from .mlp import MLP
from .training import train
from .variance_scaling import VarianceScaling

__all__ = ["TrainabilityGrid", "trainability_grid", "trainable_depth"]


@dataclass
class TrainabilityGrid:
    """The result of :func:`trainability_grid`.

    Attributes:
        sigma_w2s: the grid's sigma_w2 values. depths: its depths (hidden layers).
        accuracy: training accuracy after the budget, shape (len(sigma_w2s), len(depths)).
        six_xi_c: ``6 xi_c`` at every sigma_w2 (inf at the critical point).
        settings: activation, sigma_b2, width, epochs, lr, batch_size, seed, chance.
    """

    sigma_w2s: np.ndarray
    depths: np.ndarray
    accuracy: np.ndarray
    six_xi_c: np.ndarray
    settings: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain lists and numbers, for JSON (inf as the string "inf")."""
        return {"sigma_w2s": self.sigma_w2s.tolist(), "depths": self.depths.tolist(),
                "accuracy": np.round(self.accuracy, 4).tolist(),
                "six_xi_c": [x if math.isfinite(x) else "inf" for x in self.six_xi_c.tolist()],
                "settings": self.settings}

    @classmethod
    def from_dict(cls, d) -> "TrainabilityGrid":
        """The inverse of :meth:`to_dict`."""
        return cls(np.array(d["sigma_w2s"], float), np.array(d["depths"], int),
                   np.array(d["accuracy"], float),
                   np.array([float(x) for x in d["six_xi_c"]]), dict(d["settings"]))


def trainability_grid(sigma_w2s, depths, *, activation="tanh", sigma_b2=0.05, width=64,
                      epochs=4, lr=0.01, batch_size=32, rng=0) -> TrainabilityGrid:
    """Train one network per (sigma_w2, depth) on the digits and record its accuracy.

    Each network: 64 inputs, ``depth`` hidden layers of ``width`` units with ``activation``,
    a softmax output over 10 classes; weights ``N(0, sigma_w2 / fan_in)``, biases
    ``N(0, sigma_b2)``; plain minibatch SGD for ``epochs`` epochs at rate ``lr``. Every
    network starts from the same seed.

    Args:
        sigma_w2s: sequence of weight variances times fan_in (> 0). depths: sequence of
            ints >= 1. The rest: as above; rng: an int seed.
    Returns:
        :class:`TrainabilityGrid` (training accuracy on the 1,347 training digits).
    Raises:
        TypeError, ValueError: a bad argument.
    """
    sws = [check_real(f"sigma_w2s[{i}]", s, 0, low_open=True) for i, s in enumerate(sigma_w2s)]
    depths = check_ints("depths", depths, 1)
    sigma_b2 = check_real("sigma_b2", sigma_b2, 0)
    width, epochs = check_int("width", width, 1), check_int("epochs", epochs, 1)
    seed = check_int("rng", rng, 0)
    X, y = datasets.load_digits()
    X_train, _, y_train, _ = datasets.train_test_split(X, y, test_fraction=0.25, rng=seed)
    acc = np.zeros((len(sws), len(depths)))
    b_init = RandomNormal(0.0, math.sqrt(sigma_b2)) if sigma_b2 > 0 else Zeros()
    with blas_threads(width, batch_size):
        for i, sw in enumerate(sws):
            w_init = VarianceScaling(sw, "fan_in", "untruncated_normal")
            for j, depth in enumerate(depths):
                net = MLP([64] + [width] * depth + [10], activation, w_init, b_init,
                          output_activation="softmax", rng=as_generator(seed))
                train(net, X_train, y_train, epochs, lr, batch_size=batch_size, rng=seed + 1)
                acc[i, j] = net.accuracy(X_train, y_train)
    six = np.array([6 * mean_field.depth_scales(activation, sw, sigma_b2)[1] for sw in sws])
    chance = float(np.bincount(y_train).max() / y_train.size)
    settings = dict(activation=activation, sigma_b2=sigma_b2, width=width, epochs=epochs,
                    lr=lr, batch_size=batch_size, seed=seed, chance=round(chance, 4))
    return TrainabilityGrid(np.array(sws), np.array(depths), acc, six, settings)


def trainable_depth(grid: TrainabilityGrid, level=0.5) -> np.ndarray:
    """Per sigma_w2, the deepest depth of the grid whose accuracy reaches ``level``
    (0 if none does): the measured edge of the trainable region.

    >>> g = TrainabilityGrid(np.array([1.0]), np.array([4, 8, 16]),
    ...                      np.array([[0.9, 0.6, 0.1]]), np.array([30.0]))
    >>> trainable_depth(g).tolist()
    [8]
    """
    level = check_real("level", level, 0, 1)
    out = []
    for row in grid.accuracy:
        ok = np.nonzero(row >= level)[0]
        out.append(int(grid.depths[ok].max()) if ok.size else 0)
    return np.array(out)

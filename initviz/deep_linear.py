"""Deep linear networks: training time against depth, orthogonal against scaled Gaussian
weights (Saxe, McClelland & Ganguli 2014).

A deep linear network computes ``x @ W1 @ W2 ... @ WL``: a linear map, but its gradient
descent is nonlinear in the weights. Saxe et al. found that with random orthogonal weights
(every layer an isometry, so the product is one too) the number of epochs to learn does not
grow with depth, when the learning rate is scaled as 1 / depth, while with scaled Gaussian
weights (variance 1 / fan_in, which keeps the norm only on average) it does: the product of
Gaussian matrices has singular values that spread out with depth (:mod:`initviz.jacobians`),
and the directions with small ones learn slowly.

Here the task is a linear regression ``y = x @ M`` with a fixed teacher ``M`` of singular
values evenly spaced in [0.5, 2], Gaussian inputs, the mean squared error of
:class:`initviz.MLP`, full-batch gradient descent at rate ``lr_scale / depth``; the
measurement is the number of epochs until the loss falls below ``threshold`` times the
loss of predicting 0 (``mean(y**2)``).

>>> r = epochs_to_loss(2, "orthogonal", width=8, n_samples=64, max_epochs=500, rng=0)
>>> 10 < r < 500
True
"""

from __future__ import annotations

import numpy as np

from ._checks import as_generator, check_int, check_real
from ._util import single_thread
from .random_networks import WEIGHTS, random_network
from .training import train

__all__ = ["teacher_task", "epochs_to_loss"]


def teacher_task(width=16, n_samples=128, rng=None):
    """``(X, Y)``: Gaussian inputs (n_samples, width) and targets ``Y = X @ M`` for a teacher
    ``M = U diag(linspace(0.5, 2, width)) V.T`` with random orthogonal U and V.

    >>> X, Y = teacher_task(4, 10, rng=0)
    >>> X.shape, Y.shape
    ((10, 4), (10, 4))
    """
    width = check_int("width", width, 1)
    n_samples = check_int("n_samples", n_samples, 1)
    gen = as_generator(rng)
    X = gen.standard_normal((n_samples, width))
    U, _ = np.linalg.qr(gen.standard_normal((width, width)))
    V, _ = np.linalg.qr(gen.standard_normal((width, width)))
    M = U @ np.diag(np.linspace(0.5, 2.0, width)) @ V.T
    return X, X @ M


def epochs_to_loss(depth, weights, *, width=16, n_samples=128, lr_scale=0.5, threshold=0.05,
                   max_epochs=3000, rng=None):
    """Full-batch gradient-descent epochs until a deep linear network's loss falls below
    ``threshold * mean(y**2)``, or None if it does not within ``max_epochs``.

    Args:
        depth: number of linear layers (>= 1). weights: ``"orthogonal"`` or ``"gaussian"``
            (variance 1 / fan_in, untruncated). width, n_samples: the task's size
            (:func:`teacher_task`). lr_scale: the learning rate is ``lr_scale / depth``.
        threshold: the target loss as a fraction of the loss of predicting 0.
        max_epochs: the budget. rng: seed or Generator: the task, then the weights.
    Returns:
        int (epochs) or None.
    Raises:
        TypeError, ValueError: a bad argument.
    """
    depth = check_int("depth", depth, 1)
    lr_scale = check_real("lr_scale", lr_scale, 0, low_open=True)
    threshold = check_real("threshold", threshold, 0, 1, low_open=True, high_open=True)
    max_epochs = check_int("max_epochs", max_epochs, 1)
    if weights not in WEIGHTS:
        raise ValueError(f"weights must be one of {WEIGHTS!r}, got {weights!r}")
    gen = as_generator(rng)
    X, Y = teacher_task(width, n_samples, gen)
    target = threshold * float(np.mean(Y * Y))
    net = random_network("linear", 1.0, 0.0, depth, width, weights=weights, rng=gen)
    with single_thread():  # 16-wide layers: one BLAS thread is faster (initviz._util)
        h = train(net, X, Y, max_epochs, lr_scale / depth,
                  callback=lambda epoch, hist: hist.loss[-1] < target)
    return h.stopped_at

"""Normalization layers, forward and backward: LayerNorm and BatchNorm over a (n_samples,
width) array.

Both compute ``y = gain * (x - mean) / sqrt(var + eps) + shift``; they differ in what the mean
and the variance are taken over:

==========  =====================================  ==========================================
layer       statistics                              source
==========  =====================================  ==========================================
LayerNorm   over the units of each sample (axis 1)  Ba, Kiros & Hinton 2016, eq. 4
BatchNorm   over the samples of the batch (axis 0)  Ioffe & Szegedy 2015, Algorithm 1
            in training; running averages in
            evaluation (Algorithm 2)
==========  =====================================  ==========================================

The variance is the biased one (divided by n), as in both papers and in PyTorch's forward
pass; ``eps = 1e-5`` is PyTorch's default. With ``x_hat = (x - mean) / sqrt(var + eps)`` and
``g = dL/dx_hat = gain * dL/dy``, the backward pass over the normalized axis of n entries is::

    dL/dx = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps)
    dL/dgain = sum over samples of dL/dy * x_hat      dL/dshift = sum over samples of dL/dy

Both layers are invariant to the scale of their input: ``norm(c x) = norm(x)`` for c > 0 as
long as ``c^2 var(x) >> eps`` (the relative change is about ``eps / (2 c^2 var(x))``), so a dense layer followed by one forgets the scale of its weights in the forward
pass; its weight gradient scales as 1/c.

>>> x = np.random.default_rng(0).standard_normal((8, 16))
>>> y, _ = LayerNorm(16).forward(100 * x)   # var(100 x) >> eps = 1e-5: eps is negligible
>>> bool(np.allclose(y, LayerNorm(16).forward(x)[0], atol=1e-4))
True
"""

from __future__ import annotations

import numpy as np

from ._checks import check_bool, check_int, check_real

__all__ = ["LayerNorm", "BatchNorm", "EPS", "MOMENTUM"]

EPS = 1e-5
"""Added to the variance before the square root (PyTorch's default for both layers)."""

MOMENTUM = 0.1
"""BatchNorm's running averages: ``running = (1 - MOMENTUM) running + MOMENTUM batch``
(PyTorch's ``momentum=0.1``; Keras' ``momentum`` is the weight of the old value instead)."""


def _normalize(x, axis, eps):
    mean = x.mean(axis=axis, keepdims=True)
    var = x.var(axis=axis, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    return (x - mean) * inv_std, inv_std, mean, var


def _normalized_backward(g, x_hat, inv_std, axis):
    """dL/dx from g = dL/dx_hat through x_hat = (x - mean(x)) / sqrt(var(x) + eps)."""
    return inv_std * (g - g.mean(axis=axis, keepdims=True)
                      - x_hat * (g * x_hat).mean(axis=axis, keepdims=True))


class _Norm:
    axis = None
    name = ""

    def __init__(self, width, gain=1.0, shift=0.0, eps=EPS):
        self.width = check_int("width", width, 1)
        self.gain = np.full(self.width, check_real("gain", gain), dtype=np.float64)
        self.shift = np.full(self.width, check_real("shift", shift), dtype=np.float64)
        self.eps = check_real("eps", eps, 0, low_open=True)

    def __repr__(self):
        return f"{type(self).__name__}({self.width})"

    def _check(self, x):
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.width:
            raise ValueError(f"{self.name} of width {self.width} needs x of shape "
                             f"(n_samples, {self.width}), got {x.shape}")
        return x

    def copy(self):
        new = object.__new__(type(self))
        new.__dict__.update({k: (v.copy() if isinstance(v, np.ndarray) else v)
                             for k, v in self.__dict__.items()})
        return new

    def backward(self, dy, cache):
        """Backpropagate ``dy`` = dL/dy through the forward pass that returned ``cache``.

        Returns:
            ``(dx, dgain, dshift)``: dL/dx shaped like x; dL/dgain and dL/dshift of shape
            (width,).
        """
        x_hat, inv_std, batch_stats = cache
        dy = np.asarray(dy, dtype=np.float64)
        with np.errstate(all="ignore"):
            g = dy * self.gain
            if batch_stats:
                dx = _normalized_backward(g, x_hat, inv_std, self.axis)
            else:  # running statistics are constants of the forward pass
                dx = g * inv_std
            return dx, (dy * x_hat).sum(axis=0), dy.sum(axis=0)


class LayerNorm(_Norm):
    """Layer normalization: each sample's units scaled to mean 0, variance 1, then
    ``gain * x_hat + shift`` per unit (Ba, Kiros & Hinton 2016, eq. 4; PyTorch's
    ``nn.LayerNorm(width)``). The same in training and in evaluation.

    Args:
        width: the number of units (an int >= 1). gain, shift: their starting values (real;
            1 and 0 as in PyTorch, or gain 0 to start the layer's output at ``shift``).
        eps: added to the variance (> 0).
    Raises:
        TypeError, ValueError: a bad width, gain, shift or eps.

    >>> y, cache = LayerNorm(3).forward(np.array([[1.0, 2.0, 3.0]]))
    >>> np.round(y, 4)
    array([[-1.2247,  0.    ,  1.2247]])
    """

    axis = 1
    name = "LayerNorm"

    def forward(self, x, training=True):
        """``(y, cache)``: y shaped like x (n_samples, width); cache for :meth:`backward`."""
        x = self._check(x)
        with np.errstate(all="ignore"):
            x_hat, inv_std, _, _ = _normalize(x, 1, self.eps)
            return x_hat * self.gain + self.shift, (x_hat, inv_std, True)


class BatchNorm(_Norm):
    """Batch normalization: each unit scaled to mean 0, variance 1 over the batch, then
    ``gain * x_hat + shift`` (Ioffe & Szegedy 2015, Algorithm 1; PyTorch's
    ``nn.BatchNorm1d(width)``).

    In training (``forward(x, training=True)``) it uses the batch's statistics and updates
    the running averages (``running = 0.9 running + 0.1 batch``, the variance unbiased,
    as PyTorch does); in evaluation it uses the running averages (Algorithm 2), so a
    sample's output no longer depends on the others in its batch.

    Args:
        width, gain, shift, eps: as :class:`LayerNorm`.
    Attributes:
        running_mean, running_var: (width,), starting at 0 and 1 (PyTorch's).
    Raises:
        TypeError, ValueError: a bad width, gain, shift or eps; a training batch of one sample.

    >>> bn = BatchNorm(2)
    >>> y, _ = bn.forward(np.array([[0.0, 10.0], [2.0, 30.0]]))
    >>> np.round(y, 3), bn.running_mean
    (array([[-1., -1.],
           [ 1.,  1.]]), array([0.1, 2. ]))
    """

    axis = 0
    name = "BatchNorm"

    def __init__(self, width, gain=1.0, shift=0.0, eps=EPS):
        super().__init__(width, gain, shift, eps)
        self.running_mean = np.zeros(self.width)
        self.running_var = np.ones(self.width)

    def forward(self, x, training=True):
        """``(y, cache)``: y shaped like x (n_samples, width); cache for :meth:`backward`.
        ``training`` (a bool): batch statistics (and update the running ones) or running ones.
        """
        x = self._check(x)
        if check_bool("training", training):
            n = x.shape[0]
            if n < 2:
                raise ValueError("BatchNorm in training needs a batch of at least 2 samples, "
                                 f"got {n}")
            with np.errstate(all="ignore"):
                x_hat, inv_std, mean, var = _normalize(x, 0, self.eps)
                self.running_mean = (1 - MOMENTUM) * self.running_mean + MOMENTUM * mean[0]
                self.running_var = ((1 - MOMENTUM) * self.running_var
                                    + MOMENTUM * var[0] * n / (n - 1))
                return x_hat * self.gain + self.shift, (x_hat, inv_std, True)
        with np.errstate(all="ignore"):
            inv_std = 1.0 / np.sqrt(self.running_var + self.eps)
            x_hat = (x - self.running_mean) * inv_std
            return x_hat * self.gain + self.shift, (x_hat, inv_std, False)

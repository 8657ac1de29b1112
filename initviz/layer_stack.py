"""The streamed explorer's per-layer statistics for many small layers at once.

A preview of the signal explorer sends 4 or 8 inputs through 50 layers of 1024 units: each
layer's arrays hold 4,096 or 8,192 values, and computing their statistics one layer at a
time is mostly the cost of numpy calls (a preview at 50 x 1024 took 99-102 ms of CPU with
4 inputs that way, 87-91 ms stacked; 128 against 119-122 ms with 8; measured here). :func:`propagate
<initviz.propagation.propagate>` therefore copies small layers into one stack (layers,
samples, units) and computes each statistic for every layer in one numpy call. The results
are those of the single-array functions (:func:`initviz.stats.moments_and_signal_std`,
:func:`initviz.stats.magnitudes`, :func:`initviz.propagation_result.histogram_counts`) up
to rounding; a layer with inf/nan, or whose squares overflow or underflow, gets those
functions' own answers.
"""

from __future__ import annotations

import math

import numpy as np

from .array_stats import NEAR_ZERO, finite_moments, magnitudes, moments_and_signal_std
from .propagation_result import histogram_counts

__all__ = ["STACK_BYTES", "stack_moments", "stack_gradient_moments", "stack_histograms",
           "stack_magnitudes"]

#: The most bytes :func:`~initviz.propagation.propagate` puts in one stack (the 50 layers of
#: a preview at 8 x 1024 take 1.6 MB in float32).
STACK_BYTES = 16 * 2**20


def _finite_rows(S):
    """Per layer of S (layers, ...): whether every value is finite (one sum a layer)."""
    with np.errstate(all="ignore"):
        return np.isfinite(S.reshape(len(S), -1).sum(axis=1))


def stack_moments(S):
    """:func:`initviz.stats.moments_and_signal_std` of every layer of S.

    Args:
        S: (layers, samples, units) float array.
    Returns:
        ``(mean, std, nonfinite, signal_std)``: arrays of length ``layers``.

    >>> S = np.array([[[0.5, 3.0], [0.5, 3.0]], [[1.0, 10.0], [-1.0, 10.0]]])
    >>> [a.tolist() for a in stack_moments(S)]
    [[1.75, 5.0], [1.25, 5.049752469181039], [0, 0], [0.0, 0.7071067811865476]]
    """
    L, n, w = S.shape
    out = np.zeros((4, L))
    ok = _finite_rows(S) if S.size else np.zeros(L, bool)
    if ok.any():
        with np.errstate(all="ignore"):
            T = S[ok]
            d = T - T[:, :1]  # deviations from the first sample: as the single-array form
            col = d.sum(axis=1)
            col /= n
            d -= col[:, None]
            flat = d.reshape(len(T), -1)
            ss_signal = np.einsum("ij,ij->i", flat, flat, dtype=np.float64)
            means = T[:, 0].astype(np.float64) + col
            mean = means.mean(axis=1)
            c = means - mean[:, None]
            ss = ss_signal + n * np.einsum("ij,ij->i", c, c)
            info = np.finfo(S.dtype)
            floor = float(info.tiny / info.eps) * n * w
            # one input: no signal std (nan), the layer std from the spread over the units
            good = np.isfinite(ss) & ((ss > floor) if n == 1 else (ss_signal > floor))
            idx = np.flatnonzero(ok)
            out[0, idx] = mean
            out[1, idx] = np.sqrt(ss / (n * w))
            out[3, idx] = np.sqrt(ss_signal / (n * w)) if n > 1 else math.nan
            ok[idx[~good]] = False
    for i in np.flatnonzero(~ok):  # inf/nan, or squares out of range: the exact routine
        out[:, i] = moments_and_signal_std(S[i])
    return out[0], out[1], out[2].astype(np.int64), out[3]


def stack_gradient_moments(S):
    """:func:`initviz.stats.finite_moments` of every layer of S (layers, ...): ``(mean, std,
    nonfinite)`` arrays.

    >>> [a.tolist() for a in stack_gradient_moments(np.array([[1.0, 3.0], [2.0, np.inf]]))]
    [[2.0, 2.0], [1.0, 0.0], [0, 1]]
    """
    L = len(S)
    flat = S.reshape(L, -1)
    out = np.zeros((3, L))
    ok = _finite_rows(S) if S.size else np.zeros(L, bool)
    if ok.any():
        with np.errstate(all="ignore"):
            T = flat[ok]
            mean = T.sum(axis=1, dtype=np.float64) / T.shape[1]
            d = T - mean[:, None].astype(S.dtype)
            ss = np.einsum("ij,ij->i", d, d, dtype=np.float64)
            info = np.finfo(S.dtype)
            good = np.isfinite(ss) & (ss > float(info.tiny / info.eps) * T.shape[1])
            idx = np.flatnonzero(ok)
            out[0, idx] = mean
            out[1, idx] = np.sqrt(ss / T.shape[1])
            ok[idx[~good]] = False
    for i in np.flatnonzero(~ok):
        out[:, i] = finite_moments(flat[i])
    return out[0], out[1], out[2].astype(np.int64)


def stack_histograms(S, lo, hi, bins, drop_zeros):
    """:func:`initviz.propagation_result.histogram_counts` of every layer of S: one
    ``np.bincount`` with each layer's bins offset by ``layer * bins``.

    Returns:
        (layers, bins) int counts.

    >>> stack_histograms(np.array([[-1.0, 0.0, 2.0], [0.5, 0.6, 9.0]]), -1.0, 1.0, 2, False)
    array([[1, 2],
           [0, 3]])
    """
    L = len(S)
    flat = S.reshape(L, -1)
    ok = _finite_rows(flat) if flat.size else np.ones(L, bool)
    T = flat[ok]
    t = (T - lo) * (bins / (hi - lo))
    np.clip(t, 0, bins - 1, out=t)
    idx = t.astype(np.intp)
    idx += (np.arange(len(T)) * bins)[:, None]
    if drop_zeros:  # ReLU's exact zeros are counted elsewhere: one bin past the end
        idx[T == 0] = len(T) * bins
    counts = np.zeros((L, bins), np.int64)
    counts[ok] = np.bincount(idx.reshape(-1), minlength=len(T) * bins + 1)[
        :len(T) * bins].reshape(len(T), bins)
    for i in np.flatnonzero(~ok):
        counts[i] = histogram_counts(flat[i], lo, hi, bins, drop_zeros)
    return counts


def stack_magnitudes(S):
    """:func:`initviz.stats.magnitudes` of every layer of S (layers, ...): ``(median_abs,
    near_zero)`` arrays, the medians from one partition of the whole stack.

    >>> median_abs, near_zero = stack_magnitudes(np.array([[1e-6, -2e-5, 3e-4, 1e4]]))
    >>> np.round(median_abs, 10), near_zero
    (array([0.00016]), array([0.75]))
    """
    L = len(S)
    flat = S.reshape(L, -1)
    med, near = np.full(L, math.nan), np.full(L, math.nan)
    ok = _finite_rows(flat) if flat.size else np.zeros(L, bool)
    if ok.any() and flat.shape[1]:
        v = np.abs(flat[ok])
        m = v.shape[1]
        near[ok] = np.count_nonzero(v < NEAR_ZERO, axis=1) / m
        k = m // 2
        if m % 2:
            v.partition(k, axis=1)
            med[ok] = v[:, k]
        else:  # numpy.median: the mean of the two middle values; as magnitudes does, one
            # partition and the lower half's max (0.6 instead of 3.5 ms for 50 x 4,096
            # float32 values, where partitioning at both middle places is slow; measured here)
            v.partition(k, axis=1)
            med[ok] = (v[:, :k].max(axis=1) + v[:, k]) / 2
    for i in np.flatnonzero(~ok):
        med[i], near[i] = magnitudes(flat[i])
    return med, near

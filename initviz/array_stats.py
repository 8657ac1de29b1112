"""Statistics of one array of a layer's values, safe at any magnitude: the mean and std over
the finite values (:func:`finite_moments`), the signal std across inputs (:func:`signal_std`),
both at once (:func:`moments_and_signal_std`), the fraction of zeros and of dead units
(:func:`zeros_and_dead`), the median magnitude (:func:`magnitudes`) and the similarity of two
inputs' representations (:func:`input_similarity`). :mod:`initviz.stats` builds the per-layer
tables of a network from them and re-exports them. Nothing here warns or raises on inf/nan.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["finite_moments", "zeros_and_dead", "signal_std", "moments_and_signal_std",
           "magnitudes", "input_similarity", "NEAR_ZERO"]

#: |value| below this counts as "near zero" (:func:`magnitudes`): a thousandth of the
#: standard-normal signal the lessons inject (inputs and output gradients have std 1).
NEAR_ZERO = 1e-3


def finite_moments(values) -> tuple[float, float, int]:
    """Mean and std over the finite values of an array, and how many values are not finite.

    The one overflow-safe routine of the package (the explorers and the plots use it): values
    whose squares overflow (|x| > 1e154) or underflow (|x| < 1e-154) are rescaled by the
    largest magnitude first, so they still give their finite mean and std. Never warns.

    Args:
        values: array of any shape (float32 or float64; other dtypes are converted).
    Returns:
        ``(mean, std, n_nonfinite)``: floats (nan if no value is finite) and an int. The std
        is the population std (divides by n), as ``numpy.std``.

    >>> finite_moments(np.array([1.0, 3.0, np.inf, np.nan]))
    (2.0, 1.0, 2)
    >>> finite_moments(np.array([1e200, -1e200]))
    (0.0, 1e+200, 0)
    """
    flat = np.asarray(values)
    if flat.dtype.kind != "f":
        flat = flat.astype(np.float64)
    flat = flat.reshape(-1)
    with np.errstate(all="ignore"):
        total = flat.sum()
    bad = 0
    if not math.isfinite(total):
        ok = np.isfinite(flat)
        bad = int(flat.size - np.count_nonzero(ok))
        if bad:
            flat = flat[ok]
        if flat.size == 0:
            return math.nan, math.nan, bad
        with np.errstate(all="ignore"):
            total = flat.sum()
    k = flat.size
    mean = float(total) / k
    if not math.isfinite(mean):  # finite values whose sum overflows
        m = float(np.abs(flat).max())
        u = flat / m
        mu = float(u.mean())
        d = u - mu
        return m * mu, m * math.sqrt(float(np.dot(d, d)) / k), bad
    d = flat - mean
    with np.errstate(all="ignore"):
        ss = float(np.dot(d, d))
    info = np.finfo(flat.dtype)
    # below tiny/eps per value the squares lose their digits to underflow: rescale
    if math.isfinite(ss) and ss > float(info.tiny / info.eps) * k:
        return mean, math.sqrt(ss / k), bad
    m = float(np.abs(d).max())
    if m == 0.0:
        return mean, 0.0, bad
    u = d / m
    return mean, m * math.sqrt(float(np.dot(u, u)) / k), bad


def zeros_and_dead(values) -> tuple[float, float]:
    """The fraction of values exactly 0, and of units that are 0 for every sample.

    Args:
        values: (n_samples, n_units), or any shape with units on the last axis.
    Returns:
        ``(zeros, dead)``: floats in [0, 1]; a dead ReLU unit passes no gradient at all.

    >>> zeros_and_dead(np.array([[0.0, 1.0], [0.0, 0.0]]))
    (0.75, 0.5)
    """
    v = np.asarray(values)
    if v.size == 0:
        return 0.0, 0.0
    is_zero = v == 0
    zeros = np.count_nonzero(is_zero) / v.size
    if v.ndim < 2 or not zeros:
        return float(zeros), 0.0
    return float(zeros), float(np.mean(is_zero.reshape(-1, v.shape[-1]).all(axis=0)))


def signal_std(values) -> float:
    """How much a layer's units vary with the input: the std over the samples of each unit,
    as a root mean square over the units.

    The layer std (:func:`finite_moments`) is taken over samples *and* units, so it also
    counts how far units sit from each other at a fixed input: fixed per-unit offsets (a
    sigmoid's 0.5 shifted by a weight, a bias) are spread without signal. The signal std
    counts only what changes with the input; a layer can have a large layer std and no
    signal left (its units then answer every input alike). Overflow-safe, never warns;
    inf/nan values are left out of their unit's std, units with fewer than 2 finite
    values out of the root mean square.

    Args:
        values: (n_samples, n_units), or any shape with units on the last axis; a 1-D
            array is one unit.
    Returns:
        A float >= 0, or nan if no unit has 2 finite values.

    >>> X = np.array([[0.5, 3.0], [0.5, 3.0]])       # two inputs, two units at fixed offsets
    >>> finite_moments(X)[1], signal_std(X)          # layer std 1.25, no signal at all
    (1.25, 0.0)
    >>> signal_std(np.array([[1.0, 10.0], [-1.0, 10.0]]))   # sqrt((1 + 0) / 2)
    0.7071067811865476
    """
    v = np.asarray(values)
    if v.dtype.kind != "f":
        v = v.astype(np.float64)
    v = v.reshape(-1, 1) if v.ndim < 2 else v.reshape(-1, v.shape[-1])
    if v.size == 0:
        return math.nan
    with np.errstate(all="ignore"):
        col = v.var(axis=0)
        rms = float(np.sqrt(np.mean(col)))
        info = np.finfo(v.dtype)
        # exact unless a value was inf/nan (then nan) or a square overflowed (inf) or
        # underflowed (below tiny / eps the squares lose their digits): then rescale
        if math.isfinite(rms) and rms > math.sqrt(float(info.tiny / info.eps)):
            return rms
        finite = np.isfinite(v)
        big = float(np.max(np.abs(v), where=finite, initial=0.0))
        if big == 0.0:
            return 0.0 if finite.sum(axis=0).max() >= 2 else math.nan
        u = v / big
        ok = finite.sum(axis=0) >= 2
        if not ok.any():
            return math.nan
        col = np.nanvar(np.where(finite, u, np.nan)[:, ok], axis=0)
        return float(np.sqrt(np.mean(col))) * big


def moments_and_signal_std(values) -> tuple[float, float, int, float]:
    """:func:`finite_moments` and :func:`signal_std` of one array in four passes instead of
    six: the signal std from the column means, and the layer std from the law of total
    variance, ``Var = mean_j Var_j + Var_j(mean_j)`` (population variances; j: the units).

    What the streamed explorer computes for every layer (at 512 x 256 float32, 0.10 instead
    of 0.33 ms; on 8 x 1024, 20 instead of 110 us, measured here). An array with inf/nan, or
    whose squares overflow or underflow, gets the two functions' own answers.

    Args:
        values: (n_samples, n_units), or any shape with units on the last axis.
    Returns:
        ``(mean, std, n_nonfinite, signal_std)``, as the two functions return them.

    >>> X = np.array([[0.5, 3.0], [0.5, 3.0]])
    >>> moments_and_signal_std(X)
    (1.75, 1.25, 0, 0.0)
    """
    v = np.asarray(values)
    if v.dtype.kind != "f":
        v = v.astype(np.float64)
    v = v.reshape(-1, 1) if v.ndim < 2 else v.reshape(-1, v.shape[-1])
    n, k = v.shape[0], v.size
    if k:
        with np.errstate(all="ignore"):
            # deviations from the first sample keep the digits of a small signal around a
            # large offset (sigmoid units near 0.5): v - v[0] is exact where they are close
            d = v - v[0]
            col = np.add.reduce(d, axis=0)
            if math.isfinite(float(col.sum())):  # then every value is finite
                col /= n
                d -= col  # v minus its column mean
                flat = d.reshape(-1)
                ss_signal = float(np.dot(flat, flat))
                means = v[0].astype(np.float64) + col  # the column means
                mean = float(np.add.reduce(means)) / means.size
                c = means - mean
                ss = ss_signal + n * float(np.dot(c, c))
                info = np.finfo(v.dtype)
                # the functions' own tests for squares that kept their digits
                floor = float(info.tiny / info.eps) * k
                if math.isfinite(ss) and n == 1 and ss > floor:  # one sample: no signal std
                    return mean, math.sqrt(ss / k), 0, math.nan
                if math.isfinite(ss) and ss_signal > floor:
                    return mean, math.sqrt(ss / k), 0, math.sqrt(ss_signal / k)
    return (*finite_moments(v), signal_std(v))


def magnitudes(values) -> tuple[float, float]:
    """The median of |value| and the fraction of values with |value| < :data:`NEAR_ZERO`,
    over the finite values.

    Back-propagated gradients can be heavy-tailed: through saturated tanh units a few
    unsaturated paths carry large values while most entries are near 0, so the std alone
    says the gradient grows when for most weights it vanishes. Quote the median beside it.

    Returns:
        ``(median_abs, near_zero)``: floats (nan, nan if nothing is finite).

    >>> median_abs, near_zero = magnitudes(np.array([1e-6, -2e-5, 3e-4, 1e4]))  # std ~4e3
    >>> round(median_abs, 10), near_zero
    (0.00016, 0.75)
    """
    v = np.abs(np.asarray(values).reshape(-1))
    if v.dtype.kind != "f":
        v = v.astype(np.float64)
    with np.errstate(all="ignore"):
        total = float(v.sum())
    if not math.isfinite(total):
        v = v[np.isfinite(v)]
    n = v.size
    if n == 0:
        return math.nan, math.nan
    near = np.count_nonzero(v < NEAR_ZERO) / n
    # numpy.median's value from one partition (of our own copy, in place) and a max: 0.05
    # instead of 0.35 ms on 16,384 float32 values. Exact zeros (gradients through saturated
    # units underflow) slow a partition down (0.7 ms with 78 % zeros), so they are counted
    # and left out: 0.02-0.17 ms whatever their share (measured here).
    k = n // 2
    zeros = n - np.count_nonzero(v)
    if zeros > k:  # the middle value(s) are zeros
        return 0.0, float(near)
    if zeros:
        v = v[v != 0]
        k -= zeros  # the middle ones among the non-zero values
    v.partition(k)
    if n % 2:
        median = v[k]
    else:  # the two middle values; the lower one is a zero if k == 0
        median = ((v[:k].max() if k else v.dtype.type(0)) + v[k]) / 2
    return float(median), float(near)


def input_similarity(values) -> float:
    """The mean cosine similarity between the representations of two different inputs.

    Row i of ``values`` is the layer's output for input i; the cosine of rows i and j is 1
    when the layer maps the two inputs to the same direction (it no longer tells them
    apart) and near 0 for unrelated directions. The mean is over all pairs i < j; rows that
    are all zero or hold inf/nan are left out. The correlation map of signal-propagation
    theory (Poole et al. 2016) follows the same quantity layer by layer.

    Args:
        values: (n_samples, n_units), n_samples >= 2.
    Returns:
        A float in [-1, 1], or nan if fewer than 2 rows are usable.
    Raises:
        ValueError: values is not 2-D.

    >>> input_similarity(np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 0.0]]))  # cosines 0, 1, 0
    0.3333333333333333
    """
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 2:
        raise ValueError(f"values must be (n_samples, n_units), got shape {v.shape}")
    with np.errstate(all="ignore"):
        v = v[np.isfinite(v).all(axis=1)]
        big = float(np.abs(v).max()) if v.size else 0.0
        if big > 0:
            v = v / big  # the norms' squares stay in range
        norms = np.linalg.norm(v, axis=1)
        u = v[norms > 0] / norms[norms > 0, None]
    n = u.shape[0]
    if n < 2:
        return math.nan
    c = u @ u.T
    return float((c.sum() - np.trace(c)) / (n * (n - 1)))

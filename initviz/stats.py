"""Per-layer statistics of activations and gradients: what the lessons measure.

For each layer: mean and std (over the finite values), the fraction of saturated units
(tanh/sigmoid: ``f'(z) < 2 % of f'(0)``), the fraction of zeros and of dead units (ReLU: a
unit whose output is 0 for every sample of the batch passes no gradient at all), and how many
values are not finite (the network overflowed). Nothing here warns or raises on inf/nan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, asdict

import numpy as np

from . import initializers
from ._checks import check_choice
from ._util import fmt, text_table
from .activations import get_activation
from .jacobians import singular_values as jacobian_singular_values  # lesson 08 (re-exported)
from .mlp import MLP

__all__ = ["LayerStats", "NetworkStats", "jacobian_singular_values", "finite_moments", "zeros_and_dead", "signal_std",
           "moments_and_signal_std",
           "magnitudes", "input_similarity", "describe", "network_stats", "signal_propagation", "format_table",
           "NEAR_ZERO"]

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


@dataclass(frozen=True)
class LayerStats:
    """Statistics of one layer's values (activations, pre-activations or gradients).

    Attributes:
        mean, std: over the finite values (nan if there are none).
        saturated: fraction of saturated units (tanh/sigmoid), else 0.
        zeros: fraction of values exactly 0.
        dead: fraction of units (columns) that are 0 on every sample (ReLU: dead units).
        nonfinite: number of inf/nan values.
        size: number of values.
        signal_std: how much the units vary with the input (:func:`signal_std`); below
            ``std`` where units sit at fixed offsets.
        median_abs, near_zero: the median |value| and the fraction below
            :data:`NEAR_ZERO` (:func:`magnitudes`), for heavy-tailed gradients.

    >>> describe(np.array([[0.0, 2.0], [0.0, -2.0]])).as_dict()["dead"]
    0.5
    """

    mean: float
    std: float
    saturated: float
    zeros: float
    dead: float
    nonfinite: int
    size: int
    signal_std: float = math.nan
    median_abs: float = math.nan
    near_zero: float = math.nan

    def as_dict(self):
        return asdict(self)


def describe(values, pre_activations=None, activation=None) -> LayerStats:
    """Statistics of one layer.

    Args:
        values: array, (n_samples, n_units) or any shape (then ``dead`` is over the last axis).
        pre_activations: the layer's z, same shape, needed for ``saturated``.
        activation: the layer's activation name; ``saturated`` is computed for tanh/sigmoid.
    Returns:
        :class:`LayerStats`. Never warns: inf/nan values are counted in ``nonfinite``.

    >>> r = describe(np.array([[-1.0, 0.0], [1.0, 0.0]]))
    >>> r.mean, r.std, r.zeros, r.dead
    (0.0, 0.7071067811865476, 0.5, 0.5)
    >>> describe(np.tanh([[3.0, 0.1]]), np.array([[3.0, 0.1]]), "tanh").saturated
    0.5
    """
    v = np.asarray(values, dtype=np.float64)
    mean, std, n_bad = finite_moments(v)
    saturated = 0.0
    # softmax (an output activation) is not elementwise: no saturation mask for it
    if activation is not None and pre_activations is not None and activation != "softmax":
        act = get_activation(activation)
        if act.saturates:
            saturated = float(np.mean(act.saturated(pre_activations)))
    zeros, dead = zeros_and_dead(v)
    return LayerStats(mean, std, saturated, zeros, dead, n_bad, int(v.size), signal_std(v),
                      *magnitudes(v))


@dataclass
class NetworkStats:
    """Per-layer statistics of one forward (and backward) pass; lists indexed by layer.

    Attributes:
        activations: :class:`LayerStats` of a[i] for every layer.
        pre_activations: of z[i].
        gradients: of dL/dz[i] (the back-propagated gradient), or None without a backward pass.
        weight_gradients: of dL/dW[i], or None.
        activation_names: the activation of each layer.

    >>> from initviz import MLP
    >>> s = network_stats(MLP([4, 3, 1], weight_init="zeros"), np.ones((5, 4)))
    >>> s.column("activations", "std")
    array([0., 0.])
    """

    activations: list
    pre_activations: list
    gradients: list | None
    weight_gradients: list | None
    activation_names: list

    def column(self, kind: str, field: str) -> np.ndarray:
        """One statistic over the layers, e.g. ``column("activations", "std")``."""
        rows = getattr(self, kind)
        if rows is None:
            raise ValueError(f"no {kind} statistics: this pass had no backward pass")
        return np.array([getattr(r, field) for r in rows], dtype=float)


def _stats_of(trace, grads, names):
    acts = [describe(a, z, n) for a, z, n in zip(trace.activations, trace.pre_activations, names)]
    pres = [describe(z) for z in trace.pre_activations]
    g = gw = None
    if grads is not None:
        g = [describe(d) for d in grads.pre_activations]
        gw = [describe(d) for d in grads.weights]
    return NetworkStats(acts, pres, g, gw, list(names))


def network_stats(net: MLP, X, y=None) -> NetworkStats:
    """Statistics of every layer for inputs X; with targets y, of the gradients too.

    Args:
        net: an :class:`initviz.MLP`. X: inputs (n_samples, layer_sizes[0]). y: targets as
            :meth:`MLP.loss_and_gradients` takes them, or None (forward only).
    Returns:
        :class:`NetworkStats` (``gradients`` None without ``y``).

    >>> from initviz import MLP
    >>> net = MLP([2, 3, 1], activation="relu", weight_init="he_normal", rng=0)
    >>> s = network_stats(net, np.ones((4, 2)), y=np.zeros((4, 1)))
    >>> len(s.activations), len(s.gradients)
    (2, 2)
    """
    if y is None:
        return _stats_of(net.trace(X), None, net.activation_names)
    _, grads = net.loss_and_gradients(X, y)
    return _stats_of(grads.trace, grads, net.activation_names)


def signal_propagation(net: MLP, X, rng=None):
    """Forward X, then backpropagate a standard-normal dL/dz at the output.

    This isolates what the weights do to a signal, forward and backward, without any loss:
    the setting of Glorot & Bengio's and He et al.'s variance analyses.

    Args:
        net: an MLP; X: inputs (n_samples, layer_sizes[0]); rng: seed for the output gradient.
    Returns:
        ``(stats, grads)``: :class:`NetworkStats` and the :class:`initviz.mlp.Gradients`
        (``grads.trace`` holds the forward pass).

    >>> from initviz import MLP
    >>> net = MLP([256] * 4, activation="linear", weight_init="lecun_normal", rng=0)
    >>> s, _ = signal_propagation(net, np.random.default_rng(1).standard_normal((500, 256)), rng=2)
    >>> bool(np.allclose(s.column("pre_activations", "std"), 1.0, atol=0.1))   # LeCun 1998
    True
    """
    trace = net.trace(X)
    gen = initializers.as_generator(rng)
    out_grad = gen.standard_normal(trace.pre_activations[-1].shape)
    grads = net.backward(trace, out_grad)
    return _stats_of(trace, grads, net.activation_names), grads


_FIELDS = ("mean", "std", "signal_std", "saturated", "zeros", "dead", "nonfinite", "size",
           "median_abs", "near_zero")
_KINDS = ("activations", "pre_activations", "gradients", "weight_gradients")


def format_table(stats: NetworkStats, kind: str = "activations",
                 fields=("mean", "std", "saturated", "dead", "nonfinite"), digits: int = 3,
                 layers=None) -> str:
    """A fixed-width text table of per-layer statistics, rounded to ``digits`` significant
    digits so printed outputs are the same on every machine.

    Args:
        stats: :class:`NetworkStats`. kind: ``"activations"``, ``"pre_activations"``,
            ``"gradients"`` or ``"weight_gradients"``. fields: LayerStats fields to show.
        layers: indices of the layers to show (default all).
    Raises:
        ValueError: an unknown kind or field (the message lists the valid ones).

    >>> from initviz import MLP
    >>> print(format_table(network_stats(MLP([2, 2, 1], weight_init="zeros"), np.ones((3, 2))),
    ...                    fields=("mean", "std")))
    layer     act  mean  std
        1    relu     0    0
        2  linear     0    0
    """
    for f in fields:
        check_choice("field", f, _FIELDS)
    check_choice("kind", kind, _KINDS)
    rows = getattr(stats, kind)
    if rows is None:
        raise ValueError(f"no {kind} statistics: this pass had no backward pass")
    idx = range(len(rows)) if layers is None else layers
    header = ["layer", "act"] + list(fields)
    lines = [header]
    for i in idx:
        r = rows[i]
        lines.append([str(i + 1), stats.activation_names[i]]
                     + [fmt(getattr(r, f), digits) if f not in ("nonfinite", "size")
                        else str(getattr(r, f)) for f in fields])
    return text_table(lines)

"""Signal propagation through a deep, square MLP, streamed layer by layer in bounded memory.

What the signal explorer (:mod:`initviz.widgets`) shows, computed without matplotlib: a
stack of ``depth`` layers ``z[i] = a[i-1] @ W[i]``, ``a[i] = f(z[i])``, each ``width`` wide
(zero biases), fed a standard-normal batch ``X`` of shape (batch, width); then a
standard-normal ``dL/dz`` injected at the last layer and back-propagated,
``dL/dz[i-1] = (dL/dz[i] @ W[i].T) * f'(z[i-1])`` (the setting of Glorot & Bengio 2010 and
He et al. 2015, and of :func:`initviz.stats.signal_propagation`). Every layer here carries
the chosen activation, the last one too.

For each layer it keeps only what is shown: a histogram of the activations and of the
back-propagated gradients (from a subsample of whole rows, about ``hist_values`` values),
and their mean, std, number of inf/nan, saturated fraction, zero fraction and dead-unit
fraction (the definitions of :func:`initviz.stats.describe`; the std is computed without
the overflow or underflow of squares, so 1e-170 or 1e170 signals keep their std). The layer
arrays themselves are dropped as soon as the next layer is computed. Memory is bounded by
two budgets:

* ``WeightBank`` (:mod:`initviz.weight_bank`) keeps unit-variance weight draws across calls (so moving the scale slider
  only rescales them) up to ``cache_bytes``; layers beyond it are drawn when used.
* The backward pass needs each layer's ``f'(z)`` (a bool mask for ReLU, nothing for linear)
  and, for layers not in the bank, its weights. When they all fit in ``work_bytes`` they are
  kept from the forward pass; otherwise the forward pass keeps only checkpoints (the input of
  every k-th layer) and the backward pass recomputes one segment of k layers at a time
  (gradient checkpointing, Chen et al. 2016). The peak is then about
  ``k * (weights + derivative) + (depth / k) * batch * width * 8`` bytes with
  ``k ~ sqrt(depth * checkpoint / layer)``, instead of the ``2 * depth * batch * width * 8``
  bytes of storing every z and a.

Weights: layer ``i``'s weights are ``factor * U[i]``, with ``U[i]`` a unit-variance draw of the
initializer's distribution from ``numpy.random.default_rng([seed, i])`` and ``factor`` its
std. So they are what the initializer itself draws from that generator (up to rounding), and
a layer keeps its weights when depth changes. For square layers fan_in = fan_out = width, so
Glorot and LeCun coincide here.

Precision: ``dtype="float32"`` computes like PyTorch and Keras do (about twice as fast as
float64 here, but a signal beyond ~3e38 overflows and one below ~1e-38 underflows);
``"float64"`` follows a signal from 1e-300 to 1e300; ``"auto"`` (the explorer's default)
uses float32 only where the mean-field theory, and then the float32 run itself, show that
float32 holds every layer. Overflow is not an error: values that overflow become inf/nan
and are counted per layer; no RuntimeWarning is emitted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import theory
from ._checks import check_int
from ._util import blas_threads
from .activations import LEAKY_RELU_SLOPE, SATURATION_THRESHOLD, get_activation
# the settings and the weight bank are re-exported: ``propagation.INIT_CHOICES`` etc.
from .explorer_settings import (ACTIVATION_CHOICES, AUTO_FLOAT32_RANGE, CUSTOM, DTYPES,
                                INIT_CHOICES, check_settings, resolve_initializer,
                                scale_meaning)
from .stats import finite_moments, magnitudes, signal_std, zeros_and_dead
from .weight_bank import WeightBank, factor_and_family

__all__ = [
    "propagate",
    "Propagation",
    "LayerColumns",
    "Cancelled",
    "histogram_range",
    "WeightBank",
    "INIT_CHOICES",
    "CUSTOM",
    "ACTIVATION_CHOICES",
    "DTYPES",
    "AUTO_FLOAT32_RANGE",
    "resolve_initializer",
    "scale_meaning",
    "check_settings",
]


class Cancelled(Exception):
    """Raised by :func:`propagate` when its ``cancel()`` callback returns True."""


@dataclass
class LayerColumns:
    """Per-layer statistics (arrays of length depth, layer 1 first); see ``stats.describe``.

    Attributes: mean, std (over finite values; nan if none), nonfinite (count of inf/nan),
    saturated (fraction with f'(z) < 2 % of f'(0); tanh/sigmoid, else 0), zeros (fraction
    exactly 0), dead (fraction of units 0 on every sample). zeros and dead are computed for
    the activations of relu and leaky_relu layers only (0 elsewhere, where the explorer
    does not show them); saturated for the activations only. signal_std (std over the batch
    per unit, root mean square over units: ``stats.signal_std``; what changes with the
    input, without the units' fixed offsets) for the activations only; median_abs and
    near_zero (``stats.magnitudes``, from the histogram's subsample of rows: a heavy-tailed
    gradient's typical size) for the gradients only. Each costs ~0.2-0.6 ms a layer at
    512 x 256, so the explorer computes only what it shows (nan elsewhere).
    """

    mean: np.ndarray
    std: np.ndarray
    nonfinite: np.ndarray
    saturated: np.ndarray
    zeros: np.ndarray
    dead: np.ndarray
    signal_std: np.ndarray
    median_abs: np.ndarray
    near_zero: np.ndarray

    @classmethod
    def empty(cls, depth):
        cols = cls(*(np.zeros(depth) for _ in range(6)), *(np.full(depth, np.nan)
                                                          for _ in range(3)))
        return cols


@dataclass
class Propagation:
    """What :func:`propagate` measured.

    Attributes:
        settings: dict of the arguments (weight_init, scale, activation, depth, width,
            batch, seed).
        label: the initializer's description, e.g. ``"he_normal x 1.5"``.
        activations, gradients: :class:`LayerColumns` of a[i] and of dL/dz[i].
        act_hist, grad_hist: (depth, bins) counts of a subsample of each layer's finite
            values on ``act_range`` / ``grad_range`` (values outside go to the edge bins;
            for ReLU the exact zeros are left out: they are ``zeros``).
        act_range, grad_range: the (low, high) of the histograms.
        predicted_act_std, predicted_grad_std: mean-field predictions
            (:func:`initviz.theory.predict_variances`), or None for non-zero-mean weights.
        weight_std: the std of one weight.
        n_checkpoints: segments the backward pass recomputed (0: nothing recomputed).
        dtype: "float32" or "float64", the precision the passes ran in.
        inputs: how many inputs were sent through: ``settings["batch"]``, or fewer for a
            preview (the first ``inputs`` rows of the batch; every statistic is then exact
            for those inputs). :attr:`preview` is True then.
    """

    settings: dict
    label: str
    activations: LayerColumns
    gradients: LayerColumns
    act_hist: np.ndarray
    grad_hist: np.ndarray
    act_range: tuple
    grad_range: tuple
    predicted_act_std: np.ndarray | None
    predicted_grad_std: np.ndarray | None
    weight_std: float
    n_checkpoints: int = 0
    dtype: str = "float64"
    inputs: int = 0

    @property
    def preview(self) -> bool:
        """True when only the first :attr:`inputs` of the batch were sent through."""
        return 0 < self.inputs < self.settings["batch"]


def histogram_range(activation):
    """The x range of the activation histograms: the activation's range (relu: 0 to 3),
    else (-3, 3): three times the input std."""
    return {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "relu": (0.0, 3.0)}.get(
        activation, (-3.0, 3.0))


def _histogram(x, lo, hi, bins, drop_zeros):
    """Counts of the finite values of x in `bins` equal bins on [lo, hi]; values outside go
    to the edge bins. np.bincount is ~4x faster than np.histogram here (measured on
    16k values)."""
    if drop_zeros:
        x = x[x != 0]
    if x.size and not math.isfinite(float(x.sum())):
        x = x[np.isfinite(x)]
    t = (x - lo) * (bins / (hi - lo))
    np.clip(t, 0, bins - 1, out=t)
    return np.bincount(t.astype(np.intp), minlength=bins)


class _Derivative:
    """f'(z) of one layer in its most compact exact form (bool mask for (leaky) ReLU)."""

    __slots__ = ("kind", "data")

    def __init__(self, act, z, a):
        name = act.name
        if name == "linear":
            self.kind, self.data = "one", None
        elif name in ("relu", "leaky_relu"):
            self.kind, self.data = name, z > 0
        else:
            # 1 - a**2 (tanh) and a (1 - a) (sigmoid) are exact to ~1e-8 relative while
            # |z| is moderate; where they lose digits the core's 1/cosh**2 form is used.
            # "not >=" also catches nan. The thresholds keep the relative error of f'(z)
            # below ~1e-9 in float64 and ~1e-3 in float32 (then the whole pass is float32).
            if name == "tanh":
                d = a * a
                np.subtract(1.0, d, out=d)
                near = 4.5e-7 if a.dtype == np.float64 else 1e-4
            else:
                d = 1.0 - a
                d *= a
                near = 1.1e-7 if a.dtype == np.float64 else 2.5e-5
            if not d.min() >= near:  # one pass when nothing is near 0 (the usual case)
                far = ~(d >= near)
                d[far] = act.df(z[far])
            self.kind, self.data = "value", d

    @property
    def nbytes(self):
        return 0 if self.data is None else self.data.nbytes

    def saturated(self, act):
        if self.kind != "value":
            return 0.0
        threshold = SATURATION_THRESHOLD * float(act.df(np.zeros(())))
        return np.count_nonzero(self.data < threshold) / self.data.size

    def apply(self, g):
        """g * f'(z), in place when possible."""
        if self.kind == "one":
            return g
        if self.kind == "relu":
            g *= self.data
            return g
        if self.kind == "leaky_relu":
            return np.where(self.data, g, LEAKY_RELU_SLOPE * g)
        g *= self.data
        return g


def propagate(weight_init="random_normal", scale=0.01, activation="tanh", depth=10, width=256,
              batch=512, seed=0, *, dtype="auto", bins=41, hist_values=16384, bank=None,
              work_bytes=64 * 2**20, cancel=None, inputs=None) -> Propagation:
    """Send a standard-normal batch forward and a standard-normal gradient backward.

    Args:
        weight_init: one of :data:`INIT_CHOICES`; scale: the slider value (see
            :func:`resolve_initializer`: a std, a gain or a constant).
        activation: one of :data:`ACTIVATION_CHOICES`, used by every layer.
        depth: layers, 1..1000; width: units per layer (= input width), 1..8192;
        batch: samples, 1..65536; seed: int >= 0 (weights, X and dL/dz all follow from it).
        dtype: ``"float32"`` (what PyTorch and Keras compute in: overflows past ~3e38,
            underflows below ~1e-38 to 0), ``"float64"`` (follows a signal from 1e-300 to
            1e300), or ``"auto"``: float32, about twice as fast, when the mean-field theory
            keeps every layer's std within :data:`AUTO_FLOAT32_RANGE` (float32 holds values
            from 1.2e-38 to 3.4e38) and the float32 run shows no inf/nan and every std
            within (1e-30, 1e30); float64 otherwise. ``result.dtype`` says which ran.
        bins: histogram bins (>= 2); hist_values: about how many values per layer go into
            a histogram (whole rows of the batch are taken).
        bank: a :class:`WeightBank` to reuse unit weights across calls (None: a new one).
        work_bytes: memory for derivatives and uncached weights kept for the backward pass;
            above it the backward pass recomputes segments from checkpoints.
        cancel: None or a callable; checked between layers, and if it returns True the
            computation stops with :class:`Cancelled` (the explorer drops stale frames).
        inputs: None (the whole batch) or 1..batch: send only the first ``inputs`` rows of
            the batch X (and of the injected dL/dz) through, a preview that is exact for
            those inputs and costs ``inputs / batch`` of the matrix products.
    Returns:
        :class:`Propagation`.
    Raises:
        ValueError, TypeError: an argument out of range or of the wrong type.

    Lesson 03's sigmoid stack: the units keep fixed offsets around 0.5 (layer std 0.02)
    while what depends on the input shrinks ~25x a layer:

    >>> r = propagate("random_normal", 0.01, "sigmoid", depth=10, width=250, batch=128)
    >>> print(f"layer 10: layer std {r.activations.std[-1]:.2g}, "
    ...       f"signal std {r.activations.signal_std[-1]:.1g} ({r.dtype})")
    layer 10: layer std 0.02, signal std 9e-15 (float64)
    >>> propagate("he_normal", 1.0, "relu", 3, 32, batch=512, inputs=64).preview
    True
    """
    st = check_settings(weight_init, scale, activation, depth, width, batch, seed, dtype)
    bins = check_int("bins", bins, 2, 10000)
    inputs = st["batch"] if inputs is None else check_int("inputs", inputs, 1, st["batch"])
    init, label = resolve_initializer(weight_init, scale)
    act = get_activation(activation)
    depth, width = st["depth"], st["width"]
    factor, family = factor_and_family(init, width)

    pred_a = pred_g = None
    if family != "constant" or factor == 0.0:  # theory needs zero-mean weights
        with np.errstate(all="ignore"):
            pred = theory.predict_variances([width] * (depth + 1), [factor * factor] * depth,
                                            [act.name] * (depth - 1),
                                            output_activation=act.name, method="mean_field")
            pred_a, pred_g = pred.activation_std, pred.gradient_std
    use = dtype
    if dtype == "auto":
        lo, hi = AUTO_FLOAT32_RANGE
        safe = pred_a is not None and all(
            np.all((p >= lo) & (p <= hi)) for p in (pred_a, pred_g))
        if act.name == "sigmoid" and safe:
            # sigmoid units sit near 0.5 and the signal around it shrinks by about
            # f'(0) * std * sqrt(width) = 0.25 * std * sqrt(width) per layer; float32
            # resolves 0.5 to 6e-8 only, so a signal below 1e-4 needs float64
            gain = 0.25 * abs(factor) * math.sqrt(width)
            safe = gain >= 1 or depth * math.log10(max(gain, 1e-300)) > -4
        use = "float32" if safe else "float64"
    kw = dict(st, inputs=inputs, family=family, factor=factor, act=act, bins=bins,
              hist_values=hist_values,
              bank=WeightBank() if bank is None else bank, work_bytes=work_bytes,
              cancel=cancel or (lambda: False))
    A, G, act_hist, grad_hist, n_ckpt = _stream(dtype=np.dtype(use), **kw)
    if dtype == "auto" and use == "float32":
        stds = np.concatenate([A.std, G.std])
        if (A.nonfinite.any() or G.nonfinite.any()
                or not np.all((stds >= 1e-30) & (stds <= 1e30))
                or not _resolved(A, np.float32)):
            use = "float64"
            A, G, act_hist, grad_hist, n_ckpt = _stream(dtype=np.dtype(use), **kw)
    return Propagation(st, label, A, G, act_hist, grad_hist, histogram_range(act.name),
                       (-3.0, 3.0), pred_a, pred_g, abs(factor), n_ckpt, use, inputs)


_BLAS_READY = []


def _warm_blas():
    """One product in each precision with OpenBLAS' default threads, once per process.
    Measured on a 2-core machine: when the process's first large product ran under the
    one-thread limit, every later one-thread 512 x 256 @ 256 x 256 float32 product took
    6.9 ms instead of 1.9 ms (OpenBLAS 0.3.31); after one such product, 1.9 ms."""
    if not _BLAS_READY:
        for dt in (np.float32, np.float64):
            np.ones((512, 256), dt) @ np.ones((256, 256), dt)
        _BLAS_READY.append(True)


def _resolved(cols, dtype):
    """Whether every layer's signal std is well above the rounding of its values: at least
    1000 units in the last place of their root mean square (float32 rounds 0.5 to 6e-8, so
    a sigmoid layer's signal std of 1e-14 measures as ~2e-6 of rounding noise)."""
    rms = np.sqrt(cols.mean ** 2 + cols.std ** 2)
    floor = 1e3 * float(np.finfo(dtype).eps) * rms
    return bool(np.all(~(cols.signal_std < floor)))


def _stream(*, weight_init, scale, activation, depth, width, batch, seed, inputs, family,
            factor, act, bins, hist_values, bank, work_bytes, cancel, dtype):
    """The layer-by-layer forward and backward passes of :func:`propagate` (on the first
    ``inputs`` rows of the batch)."""
    n = inputs
    act_lo, act_hi = histogram_range(act.name)
    grad_lo, grad_hi = -3.0, 3.0
    drop_zeros = act.name == "relu"
    rows = max(1, min(n, -(-int(hist_values) // width)))
    A, G = LayerColumns.empty(depth), LayerColumns.empty(depth)
    act_hist = np.zeros((depth, bins))
    grad_hist = np.zeros((depth, bins))
    factor = dtype.type(factor)
    item = dtype.itemsize

    def layer_forward(i, a, kept_w):
        unit = bank.unit(family, width, seed, i, dtype)
        kept_w[i] = unit
        z = a @ unit
        z *= factor
        return z, act.f(z)

    # Memory plan: per layer the backward pass needs f'(z) and (if not in the bank) W.
    per_deriv = {"linear": 0, "relu": n * width, "leaky_relu": n * width}.get(
        act.name, item * n * width)
    weights = item * width * width
    # weights the bank keeps for every layer cost nothing more; else count them as uncached
    per_layer = per_deriv + (0 if depth * weights <= bank.cache_bytes else weights)
    checkpoint = item * n * width
    if depth * per_layer <= work_bytes or per_layer == 0:
        seg = depth
    else:
        seg = int(round(math.sqrt(depth * checkpoint / per_layer)))
        seg = max(1, min(depth, seg, work_bytes // per_layer))
    starts = list(range(0, depth, seg))

    _warm_blas()
    with np.errstate(all="ignore"), blas_threads(width, n):
        a = bank.inputs(batch, width, seed, dtype)[:n]  # a preview: the first n inputs
        checkpoints, derivs, kept_w = {}, {}, {}
        for i in range(depth):
            if cancel():
                raise Cancelled
            if i in starts and len(starts) > 1:
                # keep only the last segment's derivatives and weights from the forward pass
                derivs.clear()
                kept_w.clear()
                if i != starts[-1]:
                    checkpoints[i] = a
            z, a = layer_forward(i, a, kept_w)
            d = derivs[i] = _Derivative(act, z, a)
            del z
            A.mean[i], A.std[i], A.nonfinite[i] = finite_moments(a)
            A.signal_std[i] = signal_std(a)
            A.saturated[i] = d.saturated(act)
            if d.kind in ("relu", "leaky_relu"):
                A.zeros[i], A.dead[i] = zeros_and_dead(a)
            act_hist[i] = _histogram(a[:rows].reshape(-1), act_lo, act_hi, bins, drop_zeros)
        del a

        g = bank.output_gradient(batch, width, seed, dtype)[:n].copy()  # dL/dz, last layer
        for i in range(depth - 1, -1, -1):
            if cancel():
                raise Cancelled
            if i not in derivs:  # recompute the segment that ends at layer i
                first = max(s for s in starts if s <= i)
                a = checkpoints.pop(first)
                for j in range(first, i + 1):
                    z, a = layer_forward(j, a, kept_w)
                    derivs[j] = _Derivative(act, z, a)
                    del z
                del a
            if i < depth - 1:
                da = g @ kept_w.pop(i + 1).T
                da *= factor
                g = derivs[i].apply(da)
            derivs.pop(i)
            G.mean[i], G.std[i], G.nonfinite[i] = finite_moments(g)
            G.median_abs[i], G.near_zero[i] = magnitudes(g[:rows])
            grad_hist[i] = _histogram(g[:rows].reshape(-1), grad_lo, grad_hi, bins, drop_zeros)
    return A, G, act_hist, grad_hist, len(starts) - 1

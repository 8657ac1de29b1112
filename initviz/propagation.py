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
                d = 1.0 - a * a
                near = 4.5e-7 if a.dtype == np.float64 else 1e-4
            else:
                d = a * (1.0 - a)
                near = 1.1e-7 if a.dtype == np.float64 else 2.5e-5
            far = ~(d >= near)
            if far.any():
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
              work_bytes=64 * 2**20, cancel=None) -> Propagation:
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
    Returns:
        :class:`Propagation`.
    Raises:
        ValueError, TypeError: an argument out of range or of the wrong type.
    """
    st = check_settings(weight_init, scale, activation, depth, width, batch, seed, dtype)
    bins = check_int("bins", bins, 2, 10000)
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
        use = "float32" if safe else "float64"
    kw = dict(st, family=family, factor=factor, act=act, bins=bins, hist_values=hist_values,
              bank=WeightBank() if bank is None else bank, work_bytes=work_bytes,
              cancel=cancel or (lambda: False))
    A, G, act_hist, grad_hist, n_ckpt = _stream(dtype=np.dtype(use), **kw)
    if dtype == "auto" and use == "float32":
        stds = np.concatenate([A.std, G.std])
        if (A.nonfinite.any() or G.nonfinite.any()
                or not np.all((stds >= 1e-30) & (stds <= 1e30))):
            use = "float64"
            A, G, act_hist, grad_hist, n_ckpt = _stream(dtype=np.dtype(use), **kw)
    return Propagation(st, label, A, G, act_hist, grad_hist, histogram_range(act.name),
                       (-3.0, 3.0), pred_a, pred_g, abs(factor), n_ckpt, use)


def _stream(*, weight_init, scale, activation, depth, width, batch, seed, family, factor, act,
            bins, hist_values, bank, work_bytes, cancel, dtype):
    """The layer-by-layer forward and backward passes of :func:`propagate`."""
    act_lo, act_hi = histogram_range(act.name)
    grad_lo, grad_hi = -3.0, 3.0
    drop_zeros = act.name == "relu"
    rows = max(1, min(batch, -(-int(hist_values) // width)))
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
    per_deriv = {"linear": 0, "relu": batch * width, "leaky_relu": batch * width}.get(
        act.name, item * batch * width)
    per_layer = per_deriv + item * width * width  # weights counted as if uncached
    checkpoint = item * batch * width
    if depth * per_layer <= work_bytes:
        seg = depth
    else:
        seg = int(round(math.sqrt(depth * checkpoint / per_layer)))
        seg = max(1, min(depth, seg, work_bytes // per_layer))
    starts = list(range(0, depth, seg))

    with np.errstate(all="ignore"), blas_threads(width, batch):
        a = bank.inputs(batch, width, seed, dtype)
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

        g = bank.output_gradient(batch, width, seed, dtype).copy()  # dL/dz, last layer
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

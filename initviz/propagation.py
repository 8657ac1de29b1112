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

* ``WeightBank`` keeps unit-variance weight draws across calls (so moving the scale slider
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
import numbers
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from . import initializers, theory
from ._util import blas_threads, check_int, single_thread
from .activations import LEAKY_RELU_SLOPE, SATURATION_THRESHOLD, get_activation

__all__ = [
    "INIT_CHOICES",
    "CUSTOM",
    "ACTIVATION_CHOICES",
    "Cancelled",
    "LayerColumns",
    "Propagation",
    "WeightBank",
    "resolve_initializer",
    "scale_meaning",
    "histogram_range",
    "check_settings",
    "propagate",
    "DTYPES",
    "AUTO_FLOAT32_RANGE",
    "single_thread",
]

#: The explorer's "custom scale" choice: the lecture's ``rng.standard_normal(shape) * scale``.
CUSTOM = "custom scale"
#: Every initializer name of :mod:`initviz.initializers`, then ``"custom scale"``.
INIT_CHOICES = tuple(initializers.names()) + (CUSTOM,)
ACTIVATION_CHOICES = ("linear", "relu", "leaky_relu", "tanh", "sigmoid")
#: Precisions of :func:`propagate`.
DTYPES = ("auto", "float32", "float64")
#: "auto" computes in float32 when theory keeps every layer's std within this range.
AUTO_FLOAT32_RANGE = (1e-20, 1e20)

_INPUT_STREAM, _OUTPUT_STREAM = 1_000_001, 1_000_002  # generator ids of X and dL/dz


class Cancelled(Exception):
    """Raised by :func:`propagate` when its ``cancel()`` callback returns True."""


def _check_scale(scale):
    if isinstance(scale, (bool, np.bool_)) or not isinstance(scale, numbers.Real):
        raise TypeError(f"scale must be a positive number, got {scale!r}")
    scale = float(scale)
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be finite and > 0, got {scale}")
    return scale


def scale_meaning(weight_init) -> str:
    """What the explorer's scale slider sets for this initializer (a short label)."""
    if weight_init in ("zeros", "ones"):
        return "unused"
    if weight_init == "constant":
        return "value"
    if weight_init in ("random_normal", "random_uniform", CUSTOM):
        return "std"
    return "gain"


def resolve_initializer(weight_init, scale):
    """The initializer the explorer uses for a choice and a slider value.

    ==================================  ==============================================
    choice                              weights
    ==================================  ==============================================
    ``"custom scale"``                  ``rng.standard_normal(shape) * scale`` (lecture)
    ``random_normal``                   ``RandomNormal(stddev=scale)``
    ``random_uniform``                  ``RandomUniform(-sqrt(3) scale, sqrt(3) scale)``: std
    ``constant``                        ``Constant(value=scale)``
    ``zeros``, ``ones``                 as named (scale unused)
    ``variance_scaling``                ``VarianceScaling(scale=scale**2)``: gain ``scale``
    ``lecun_*, glorot_*, he_*``         the scheme with its std times ``scale`` (gain; 1 = as
                                        published): ``VarianceScaling(scale=s0 * scale**2)``
    ``orthogonal``                      ``Orthogonal(gain=scale)``
    ==================================  ==============================================

    Args:
        weight_init: one of :data:`INIT_CHOICES` (aliases such as ``xavier_normal`` work).
        scale: the slider value, finite and > 0.
    Returns:
        ``(initializer, label)``: an initializer object from :mod:`initviz.initializers`
        and a short description such as ``"he_normal x 1.5"``.
    Raises:
        ValueError: unknown name (listing the valid ones) or a bad scale; TypeError: wrong type.
    """
    scale = _check_scale(scale)
    if not isinstance(weight_init, str):
        raise TypeError(f"weight_init must be a name, one of {', '.join(INIT_CHOICES)}; "
                        f"got {weight_init!r}")
    name = weight_init.lower()
    if name == CUSTOM:
        return initializers.get("random_normal", stddev=scale), f"normal * {scale:.3g}"
    init = initializers.get(name)  # validates the name (with a did-you-mean message)
    name = init.name  # aliases (xavier_*, kaiming_*) resolve to the canonical name
    if name in ("zeros", "ones"):
        return init, name
    if name == "constant":
        return initializers.get("constant", value=scale), f"constant {scale:.3g}"
    if name == "random_normal":
        return initializers.get("random_normal", stddev=scale), f"random_normal std {scale:.3g}"
    if name == "random_uniform":
        lim = math.sqrt(3.0) * scale
        return (initializers.get("random_uniform", minval=-lim, maxval=lim),
                f"random_uniform std {scale:.3g}")
    if name == "orthogonal":
        return initializers.get("orthogonal", gain=scale), f"orthogonal gain {scale:.3g}"
    if name == "variance_scaling":
        return (initializers.get("variance_scaling", scale=scale * scale),
                f"variance_scaling gain {scale:.3g}")
    s0, mode, dist = initializers.SCHEMES[name]
    init = initializers.get("variance_scaling", scale=s0 * scale * scale, mode=mode,
                            distribution=dist)
    return init, (name if scale == 1.0 else f"{name} x {scale:.3g}")


def _family(init):
    """(family, factor function) such that weights = factor(shape) * unit draw of family."""
    if isinstance(init, initializers.Constant):
        return "constant", lambda shape: init.value
    if isinstance(init, initializers.RandomNormal):
        if init.mean != 0.0:
            raise ValueError(f"the explorer needs zero-mean weights; {init!r} has mean {init.mean}")
        return "untruncated_normal", init.std
    if isinstance(init, initializers.RandomUniform):
        if init.minval != -init.maxval:
            raise ValueError(f"the explorer needs a symmetric range; got {init!r}")
        return "uniform", init.std
    if isinstance(init, initializers.VarianceScaling):
        return init.distribution, init.std
    if isinstance(init, initializers.Orthogonal):
        return "orthogonal", init.std
    raise TypeError(f"no unit draw for {init!r}")


def _generator(seed, stream):
    return np.random.default_rng([int(seed), int(stream)])


def _draw_unit(family, width, seed, layer):
    """Layer ``layer``'s unit-variance weights (width, width) of a distribution family."""
    shape = (width, width)
    if family == "constant":
        return np.ones(shape)
    gen = _generator(seed, layer)
    if family == "orthogonal":
        return initializers.get("orthogonal")(shape, rng=gen) * math.sqrt(width)
    # VarianceScaling(scale=n, mode="fan_in") on a square kernel has variance n / n = 1.
    unit = initializers.get("variance_scaling", scale=float(width), mode="fan_in",
                            distribution=family)
    return unit(shape, rng=gen)


class WeightBank:
    """A bounded cache of unit weight draws and of the input / output-gradient batches.

    Entries are keyed by (family, width, seed) and evicted least recently used first; a
    layer that does not fit in ``cache_bytes`` is not cached (it is drawn when used).

    Args:
        cache_bytes: the most bytes of arrays kept (default 64 MiB: every layer of a
            32 x 512 network, the first 8 layers of a 1024-wide one).
    """

    def __init__(self, cache_bytes=64 * 2**20):
        self.cache_bytes = int(cache_bytes)
        self._store = OrderedDict()  # key -> array
        self.nbytes = 0

    def _get(self, key, make):
        arr = self._store.get(key)
        if arr is not None:
            self._store.move_to_end(key)
            return arr
        arr = make()
        arr.setflags(write=False)
        if arr.nbytes <= self.cache_bytes:
            while self.nbytes + arr.nbytes > self.cache_bytes and self._store:
                self.nbytes -= self._store.popitem(last=False)[1].nbytes
            self._store[key] = arr
            self.nbytes += arr.nbytes
        return arr

    def unit(self, family, width, seed, layer, dtype=np.float64):
        """Unit weights of one layer (read-only array, cached when it fits). float32
        weights are the float64 draws rounded, so both precisions see the same network."""
        dtype = np.dtype(dtype)
        return self._get(("W", family, width, seed, layer, dtype.str),
                         lambda: _draw_unit(family, width, seed, layer).astype(dtype, copy=False))

    def normal(self, batch, width, seed, stream, dtype=np.float64):
        """A standard-normal (batch, width) batch: X (stream _INPUT_STREAM) or dL/dz."""
        dtype = np.dtype(dtype)
        return self._get(("N", batch, width, seed, stream, dtype.str),
                         lambda: _generator(seed, stream).standard_normal(
                             (batch, width)).astype(dtype, copy=False))

    def clear(self):
        self._store.clear()
        self.nbytes = 0


@dataclass
class LayerColumns:
    """Per-layer statistics (arrays of length depth, layer 1 first); see ``stats.describe``.

    Attributes: mean, std (over finite values; nan if none), nonfinite (count of inf/nan),
    saturated (fraction with f'(z) < 2 % of f'(0); tanh/sigmoid, else 0), zeros (fraction
    exactly 0), dead (fraction of units 0 on every sample). zeros and dead are computed for
    the activations of relu and leaky_relu layers only (0 elsewhere, where the explorer
    does not show them); saturated for the activations only.
    """

    mean: np.ndarray
    std: np.ndarray
    nonfinite: np.ndarray
    saturated: np.ndarray
    zeros: np.ndarray
    dead: np.ndarray

    @classmethod
    def empty(cls, depth):
        return cls(*(np.zeros(depth) for _ in range(6)))


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


def _moments(v):
    """(mean, std, n_nonfinite) of an array over its finite values, without overflow or
    underflow of the squares (rescaled by the largest |value| when needed)."""
    flat = v.reshape(-1)
    total = flat.sum()
    bad = 0
    if not math.isfinite(total):
        ok = np.isfinite(flat)
        bad = int(flat.size - np.count_nonzero(ok))
        if bad:
            flat = flat[ok]
        if flat.size == 0:
            return math.nan, math.nan, bad
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
    ss = float(np.dot(d, d))
    info = np.finfo(flat.dtype)
    if math.isfinite(ss) and ss > float(info.tiny / info.eps) * k:
        return mean, math.sqrt(ss / k), bad
    m = float(np.abs(d).max())
    if m == 0.0:
        return mean, 0.0, bad
    u = d / m
    return mean, m * math.sqrt(float(np.dot(u, u)) / k), bad


def _zeros_dead(v):
    is_zero = v == 0
    zeros = np.count_nonzero(is_zero) / v.size
    dead = float(np.mean(is_zero.all(axis=0))) if zeros else 0.0
    return zeros, dead


def _histogram(x, lo, hi, bins, drop_zeros):
    """Counts of the finite values of x in `bins` equal bins on [lo, hi]; values outside go
    to the edge bins. np.bincount is ~4x faster than np.histogram here (FIELD-NOTES)."""
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


def check_settings(weight_init, scale, activation, depth, width, batch, seed,
                   dtype="auto") -> dict:
    """Validate explorer settings without computing anything; returns them normalized
    (without dtype).

    Raises:
        ValueError, TypeError: naming the bad value and the valid range or choices.
    """
    resolve_initializer(weight_init, scale)
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}; valid choices: {', '.join(DTYPES)}")
    act = get_activation(activation)
    if act.name not in ACTIVATION_CHOICES:  # pragma: no cover - the table is the same
        raise ValueError(f"unknown activation {activation!r}; valid choices: "
                         f"{', '.join(ACTIVATION_CHOICES)}")
    return dict(weight_init=weight_init, scale=float(scale), activation=act.name,
                depth=check_int("depth", depth, 1, 1000),
                width=check_int("width", width, 1, 8192),
                batch=check_int("batch", batch, 1, 65536),
                seed=check_int("seed", seed, 0, 2**63 - 1))




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
    family, factor_of = _family(init)
    factor = float(factor_of((width, width)))

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
        a = bank.normal(batch, width, seed, _INPUT_STREAM, dtype)
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
            A.mean[i], A.std[i], A.nonfinite[i] = _moments(a)
            A.saturated[i] = d.saturated(act)
            if d.kind in ("relu", "leaky_relu"):
                A.zeros[i], A.dead[i] = _zeros_dead(a)
            act_hist[i] = _histogram(a[:rows].reshape(-1), act_lo, act_hi, bins, drop_zeros)
        del a

        g = bank.normal(batch, width, seed, _OUTPUT_STREAM, dtype).copy()  # dL/dz, last layer
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
            G.mean[i], G.std[i], G.nonfinite[i] = _moments(g)
            grad_hist[i] = _histogram(g[:rows].reshape(-1), grad_lo, grad_hi, bins, drop_zeros)
    return A, G, act_hist, grad_hist, len(starts) - 1

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

Residual and normalized stacks (``residual=True``, ``norm="layer"`` or ``"batch"``): each
layer follows :class:`initviz.propagation_blocks.LayerRule`: plain ``a[i] =
f(norm(a[i-1] @ W[i]))`` (Dense -> norm -> activation), or the pre-activation residual block
``x[i] = x[i-1] + branch_scale * (f(norm(x[i-1])) @ W[i])`` with ``x[0] = X``; in residual
mode the activation columns and histograms are of the stream ``x[i]``, the gradient ones of
``dL/dx[i]`` (a standard-normal ``dL/dx`` injected at the last layer), and the saturated,
zero and dead fractions of the branch's units ``f(norm(x[i-1]))``.

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

import functools
import math

import numpy as np

from . import layer_stack, theory
from ._checks import check_int
from ._util import _controller, blas_threads
from .activations import get_activation
# the settings and the weight bank are re-exported: ``propagation.INIT_CHOICES`` etc.
from .explorer_settings import (ACTIVATION_CHOICES, AUTO_FLOAT32_RANGE, CUSTOM, DTYPES,
                                INIT_CHOICES, NORM_CHOICES, check_settings,
                                resolve_initializer, scale_meaning)
from .propagation_result import (Cancelled, LayerColumns, Propagation,  # noqa: F401
                                 histogram_counts, histogram_range)
from .propagation_blocks import LayerRule, residual_theory
from .array_stats import finite_moments, magnitudes, moments_and_signal_std, zeros_and_dead
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
    "NORM_CHOICES",
    "AUTO_FLOAT32_RANGE",
    "resolve_initializer",
    "scale_meaning",
    "check_settings",
]


def propagate(weight_init="random_normal", scale=0.01, activation="tanh", depth=10, width=256,
              batch=512, seed=0, *, dtype="auto", residual=False, branch_scale=1.0,
              norm="none", bins=41, hist_values=16384, bank=None,
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
        residual: False (a plain stack) or True: pre-activation residual blocks
            ``x[i] = x[i-1] + branch_scale * (f(norm(x[i-1])) @ W[i])``, one dense layer a
            branch (:mod:`initviz.propagation_blocks`). branch_scale: the branch multiplier,
            0 to 100 (1: a plain ResNet; 1/sqrt(depth) keeps the stream O(1)); used when
            residual. norm: "none", "layer" (LayerNorm) or "batch" (BatchNorm with the
            batch's statistics), unit gain and zero shift, before every activation (plain:
            Dense -> norm -> activation).
        bins: histogram bins (>= 2); hist_values: about how many values per layer go into
            a histogram (whole rows of the batch are taken).
        bank: a :class:`WeightBank` to reuse unit weights across calls (None: a new one).
        work_bytes: memory for derivatives and uncached weights kept for the backward pass;
            above it the backward pass recomputes segments from checkpoints.
        cancel: None or a callable; checked between layers, and if it returns True the
            computation stops with :class:`Cancelled` (the explorer drops stale frames).
        inputs: None (the whole batch) or 1..batch: send only the first ``inputs`` rows of
            the batch X (and of the injected dL/dz) through, a preview that is exact for
            those inputs and costs ``inputs / batch`` of the matrix products (at least 2
            with BatchNorm, whose statistics are then those of the preview's batch).
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

    He residual blocks double the stream's variance each (He et al. 2016), as theory says:

    >>> r = propagate("he_normal", 1.0, "relu", 10, 256, residual=True)
    >>> print(f"std of x[10] {r.activations.std[-1]:.3g} (theory {r.predicted_act_std[-1]:.3g})")
    std of x[10] 33 (theory 32)
    """
    st = check_settings(weight_init, scale, activation, depth, width, batch, seed, dtype,
                        residual, branch_scale, norm)
    bins = check_int("bins", bins, 2, 10000)
    inputs = st["batch"] if inputs is None else check_int("inputs", inputs, 1, st["batch"])
    if st["norm"] == "batch":
        inputs = max(inputs, 2)  # BatchNorm needs two samples (check_settings: batch >= 2)
    rule = LayerRule(activation, st["residual"], st["branch_scale"], st["norm"])
    plain = not st["residual"] and st["norm"] == "none"
    init, label = resolve_initializer(weight_init, scale)
    act = get_activation(activation)
    depth, width = st["depth"], st["width"]
    factor, family = factor_and_family(init, width)

    pred_a = pred_g = None
    zero_mean = family != "constant" or factor == 0.0  # theory needs zero-mean weights
    if zero_mean and st["residual"] and st["norm"] == "none":
        with np.errstate(all="ignore"):
            pred = residual_theory(act.name, factor * factor, width, depth, st["branch_scale"])
        if pred is not None:
            pred_a, pred_g = pred
    elif zero_mean and plain:
        pred_a, pred_g = _prediction(width, factor * factor, depth, act.name)
    use = dtype
    if dtype == "auto":
        lo, hi = AUTO_FLOAT32_RANGE
        if pred_a is None and not plain:
            # no theory here: normalized layers are O(1) by construction, a residual tanh or
            # sigmoid stream grows at most linearly; the float32 run is checked below
            safe = True
        else:
            safe = pred_a is not None and all(
                np.all((p >= lo) & (p <= hi)) for p in (pred_a, pred_g))
        if act.name == "sigmoid" and safe and plain:
            # sigmoid units sit near 0.5 and the signal around it shrinks by about
            # f'(0) * std * sqrt(width) = 0.25 * std * sqrt(width) per layer; float32
            # resolves 0.5 to 6e-8 only, so a signal below 1e-4 needs float64
            gain = 0.25 * abs(factor) * math.sqrt(width)
            safe = gain >= 1 or depth * math.log10(max(gain, 1e-300)) > -4
        use = "float32" if safe else "float64"
    kw = dict(st, inputs=inputs, family=family, factor=factor, act=act, rule=rule, bins=bins,
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
    return Propagation(st, label, A, G, act_hist, grad_hist,
                       histogram_range(act.name, st["residual"]),
                       (-3.0, 3.0), pred_a, pred_g, abs(factor), n_ckpt, use, inputs)


@functools.lru_cache(maxsize=64)
def _prediction(width, weight_var, depth, activation):
    """The mean-field activation and gradient stds (read-only arrays), cached by their
    inputs: a resample, a batch or a precision change reuses them (they cost 3.1 ms of CPU
    at 50 x 1024, 0.7 ms at 10 x 256, measured here)."""
    with np.errstate(all="ignore"):
        pred = theory.predict_variances([width] * (depth + 1), [weight_var] * depth,
                                        [activation] * (depth - 1),
                                        output_activation=activation, method="mean_field")
    out = pred.activation_std, pred.gradient_std
    for arr in out:
        arr.setflags(write=False)
    return out


_BLAS_READY = []


def _warm_blas():
    """One product in each precision with OpenBLAS' default threads, once per process.
    Measured on a 2-core machine: when the process's first large product ran under the
    one-thread limit, every later one-thread 512 x 256 @ 256 x 256 float32 product took
    6.9 ms instead of 1.9 ms (OpenBLAS 0.3.31); after one such product, 1.9 ms. Also builds
    threadpoolctl's controller, so that no later frame pays for its scan of the loaded
    libraries (16 ms: the first preview of a drag after wide whole-batch frames, which use
    every thread, measured here)."""
    if not _BLAS_READY:
        for dt in (np.float32, np.float64):
            np.ones((512, 256), dt) @ np.ones((256, 256), dt)
        _controller()
        _BLAS_READY.append(True)


def _resolved(cols, dtype):
    """Whether every layer's signal std is well above the rounding of its values: at least
    1000 units in the last place of their root mean square (float32 rounds 0.5 to 6e-8, so
    a sigmoid layer's signal std of 1e-14 measures as ~2e-6 of rounding noise)."""
    rms = np.sqrt(cols.mean ** 2 + cols.std ** 2)
    floor = 1e3 * float(np.finfo(dtype).eps) * rms
    return bool(np.all(~(cols.signal_std < floor)))


def _stream(*, weight_init, scale, activation, depth, width, batch, seed, residual,
            branch_scale, norm, inputs, family, factor, act, rule, bins, hist_values, bank,
            work_bytes, cancel, dtype):
    """The layer-by-layer forward and backward passes of :func:`propagate` (on the first
    ``inputs`` rows of the batch), each layer by ``rule``
    (:class:`~initviz.propagation_blocks.LayerRule`)."""
    n = inputs
    act_lo, act_hi = histogram_range(act.name, residual)
    grad_lo, grad_hi = -3.0, 3.0
    # ReLU's exact zeros are counted, not drawn; a residual stream and a gradient through a
    # normalization have none
    drop_zeros = act.name == "relu" and not residual
    drop_grad_zeros = drop_zeros and norm == "none"
    rows = max(1, min(n, -(-int(hist_values) // width)))
    A, G = LayerColumns.empty(depth), LayerColumns.empty(depth)
    act_hist = np.zeros((depth, bins))
    grad_hist = np.zeros((depth, bins))
    factor = dtype.type(factor)
    item = dtype.itemsize

    def back(g, unit):
        """g @ unit.T. On a few rows in float32 the product is memory-bound and OpenBLAS
        reads unit faster as ``(unit @ g.T).T``: 1.05 instead of 1.21 ms of CPU for 8 rows
        of 1024 in the explorer's pass (a preview at 50 x 1024: ~8 ms a frame), 0.28
        instead of 0.33 ms for 16 of 512; in float64, or from 64 rows on, not faster
        (measured here, OpenBLAS 0.3.31)."""
        if n <= 32 and dtype == np.float32:
            return np.ascontiguousarray((unit @ g.T).T)
        return g @ unit.T

    # The first layer's product does not change with the scale (1.9 ms at 512 x 256): X @ U
    # (plain), f(norm(X)) @ U (residual); cached in the bank.
    first = ("XU", family, width, seed, batch, n, dtype.str) + (
        (act.name, norm) if residual else ())

    def layer_forward(i, a, kept_w):
        unit = bank.unit(family, width, seed, i, dtype)
        kept_w[i] = unit
        if i:
            return rule.forward(a, unit, factor)
        return rule.forward(a, unit, factor, lambda lhs, w: bank.product(first, lambda: lhs @ w),
                            cached=True)

    # Memory plan: per layer the backward pass needs f'(z), the normalized values if there
    # is a normalization, and (if not in the bank) W.
    per_deriv = {"linear": 0, "relu": n * width, "leaky_relu": n * width}.get(
        act.name, item * n * width) + (0 if norm == "none" else item * n * width)
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

    # Small layers (a preview: 1 to 8 x 1024) are copied into one stack and their statistics
    # computed for all layers at once (:mod:`initviz.layer_stack`): 50 layers cost ~20 ms
    # of numpy calls one by one. Layers whose histogram takes a subsample keep the loop.
    stack = None
    if rows == n and depth * n * width * item <= layer_stack.STACK_BYTES:
        stack = np.empty((depth, n, width), dtype)
    _warm_blas()
    with np.errstate(all="ignore"), blas_threads(width, n):
        a = bank.inputs(batch, width, seed, dtype)[:n]  # a preview: the first n inputs
        checkpoints, caches, kept_w = {}, {}, {}
        for i in range(depth):
            if cancel():
                raise Cancelled
            if i in starts and len(starts) > 1:
                # keep only the last segment's caches and weights from the forward pass
                caches.clear()
                kept_w.clear()
                if i != starts[-1]:
                    checkpoints[i] = a
            a, cache, units = layer_forward(i, a, kept_w)
            caches[i] = cache
            A.saturated[i] = cache.deriv.saturated(act)
            if cache.deriv.kind in ("relu", "leaky_relu"):
                A.zeros[i], A.dead[i] = zeros_and_dead(units)
            del units
            if stack is not None:
                stack[i] = a
                continue
            A.mean[i], A.std[i], A.nonfinite[i], A.signal_std[i] = moments_and_signal_std(a)
            act_hist[i] = histogram_counts(a[:rows].reshape(-1), act_lo, act_hi, bins,
                                           drop_zeros)
        del a
        if stack is not None:
            A.mean, A.std, A.nonfinite, A.signal_std = layer_stack.stack_moments(stack)
            act_hist[:] = layer_stack.stack_histograms(stack, act_lo, act_hi, bins, drop_zeros)

        # dL/dz (plain) or dL/dx (residual) of the last layer
        g = bank.output_gradient(batch, width, seed, dtype)[:n].copy()
        for i in range(depth - 1, -1, -1):
            if cancel():
                raise Cancelled
            if i not in caches:  # recompute the segment that ends at layer i
                start = max(s for s in starts if s <= i)
                a = checkpoints.pop(start)
                for j in range(start, i + 1):
                    a, caches[j], _ = layer_forward(j, a, kept_w)
                del a
            if i < depth - 1:
                # the injected gradient @ U.T of the last layer does not change with the
                # scale: cached in the bank
                last = i == depth - 2
                product = (back if not last else lambda gg, w: bank.product(
                    ("GU", family, width, seed, batch, n, i + 1, dtype.str),
                    lambda: back(gg, w)))
                # plain stacks use layer i's cache, residual ones layer i + 1's
                g = rule.backward(g, kept_w.pop(i + 1), factor, caches[i], caches.pop(i + 1),
                                  product, cached=last)
            if stack is not None:
                stack[i] = g
                continue
            G.mean[i], G.std[i], G.nonfinite[i] = finite_moments(g)
            G.median_abs[i], G.near_zero[i] = magnitudes(g[:rows])
            grad_hist[i] = histogram_counts(g[:rows].reshape(-1), grad_lo, grad_hi, bins,
                                            drop_grad_zeros)
        if stack is not None:
            G.mean, G.std, G.nonfinite = layer_stack.stack_gradient_moments(stack)
            G.median_abs, G.near_zero = layer_stack.stack_magnitudes(stack)
            grad_hist[:] = layer_stack.stack_histograms(stack, grad_lo, grad_hi, bins,
                                                        drop_grad_zeros)
    return A, G, act_hist, grad_hist, len(starts) - 1

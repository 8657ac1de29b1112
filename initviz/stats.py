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
from ._util import text_table
from .activations import get_activation
from .mlp import MLP

__all__ = ["LayerStats", "NetworkStats", "describe", "network_stats", "signal_propagation",
           "format_table"]


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
    """

    mean: float
    std: float
    saturated: float
    zeros: float
    dead: float
    nonfinite: int
    size: int

    def as_dict(self):
        return asdict(self)


def describe(values, pre_activations=None, activation=None) -> LayerStats:
    """Statistics of one layer.

    Args:
        values: array, (n_samples, n_units) or any shape (then ``dead`` is over the last axis).
        pre_activations: the layer's z, same shape, needed for ``saturated``.
        activation: the layer's activation name; ``saturated`` is computed for tanh/sigmoid.
    Returns:
        :class:`LayerStats`.
    """
    v = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(v)
    n_bad = int(v.size - np.count_nonzero(finite))
    fin = v[finite]
    if fin.size:
        # over the finite values, scaled by max |value| first so that huge finite values
        # (|x| > 1e154, whose squares overflow) still give their finite mean and std
        scale = float(np.max(np.abs(fin)))
        scale = scale if scale > 0 else 1.0
        with np.errstate(all="ignore"):
            u = fin / scale
            m = u.mean()
            mean = float(m * scale)
            std = float(np.sqrt(np.mean((u - m) ** 2)) * scale)
    else:
        mean = std = math.nan
    saturated = 0.0
    # softmax (an output activation) is not elementwise: no saturation mask for it
    if activation is not None and pre_activations is not None and activation != "softmax":
        act = get_activation(activation)
        if act.saturates:
            saturated = float(np.mean(act.saturated(pre_activations)))
    is_zero = v == 0
    zeros = float(np.mean(is_zero)) if v.size else 0.0
    if v.ndim >= 2 and v.shape[0] > 0:
        dead = float(np.mean(np.all(is_zero.reshape(-1, v.shape[-1]), axis=0)))
    else:
        dead = 0.0
    return LayerStats(mean, std, saturated, zeros, dead, n_bad, int(v.size))


@dataclass
class NetworkStats:
    """Per-layer statistics of one forward (and backward) pass; lists indexed by layer.

    Attributes:
        activations: :class:`LayerStats` of a[i] for every layer.
        pre_activations: of z[i].
        gradients: of dL/dz[i] (the back-propagated gradient), or None without a backward pass.
        weight_gradients: of dL/dW[i], or None.
        activation_names: the activation of each layer.
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
    """Statistics of every layer for inputs X; with targets y, of the gradients too."""
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
    """
    trace = net.trace(X)
    gen = initializers.as_generator(rng)
    out_grad = gen.standard_normal(trace.pre_activations[-1].shape)
    grads = net.backward(trace, out_grad)
    return _stats_of(trace, grads, net.activation_names), grads


def _fmt(x, digits):
    return f"{x:.{digits}g}"  # prints inf, -inf and nan as such


def format_table(stats: NetworkStats, kind: str = "activations",
                 fields=("mean", "std", "saturated", "dead", "nonfinite"), digits: int = 3,
                 layers=None) -> str:
    """A fixed-width text table of per-layer statistics, rounded to ``digits`` significant
    digits so printed outputs are the same on every machine.

    Args:
        stats: :class:`NetworkStats`. kind: ``"activations"``, ``"pre_activations"``,
            ``"gradients"`` or ``"weight_gradients"``. fields: LayerStats fields to show.
        layers: indices of the layers to show (default all).
    """
    valid = ("mean", "std", "saturated", "zeros", "dead", "nonfinite", "size")
    for f in fields:
        if f not in valid:
            raise ValueError(f"unknown field {f!r}; valid choices: {', '.join(valid)}")
    rows = getattr(stats, kind, None) if kind in ("activations", "pre_activations", "gradients",
                                                  "weight_gradients") else None
    if rows is None:
        raise ValueError(f"no statistics for kind {kind!r}; valid choices: activations, "
                         "pre_activations, gradients (with a backward pass), weight_gradients")
    idx = range(len(rows)) if layers is None else layers
    header = ["layer", "act"] + list(fields)
    lines = [header]
    for i in idx:
        r = rows[i]
        lines.append([str(i + 1), stats.activation_names[i]]
                     + [_fmt(getattr(r, f), digits) if f not in ("nonfinite", "size")
                        else str(getattr(r, f)) for f in fields])
    return text_table(lines)

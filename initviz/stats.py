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
# the statistics of one array (re-exported: ``stats.finite_moments`` etc.)
from .array_stats import (NEAR_ZERO, finite_moments, input_similarity, magnitudes,
                          moments_and_signal_std, signal_std, zeros_and_dead)
from .jacobians import singular_values as jacobian_singular_values  # lesson 08 (re-exported)
from .mlp import MLP

__all__ = ["LayerStats", "NetworkStats", "jacobian_singular_values", "finite_moments", "zeros_and_dead", "signal_std",
           "moments_and_signal_std",
           "magnitudes", "input_similarity", "describe", "network_stats", "signal_propagation", "format_table",
           "NEAR_ZERO"]


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

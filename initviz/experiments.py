"""Ready-made experiments of the lessons: deep stacks, weight-scale sweeps, theory checks.

Notebook 03 (random initialization) sends a batch of standard-normal inputs through a deep
stack of equal-width layers, ``z = a @ W``, ``a = f(z)``, and back-propagates a
standard-normal gradient from the output (as :func:`initviz.stats.signal_propagation`
does), to watch the signal vanish or explode forward and backward. For independent
zero-mean weights of standard deviation ``s`` and a layer of ``fan_in`` inputs
(LeCun et al. 1998; Glorot & Bengio 2010, eq. 5-6)::

    Var(z[l]) = fan_in * s**2 * E[a[l-1]**2]

so a linear stack multiplies the std by ``sqrt(fan_in) * s`` per layer, a ReLU stack the
root mean square by ``sqrt(fan_in / 2) * s`` (He et al. 2015): the signal survives only near
``s = sqrt(1 / fan_in)`` (tanh) or ``sqrt(2 / fan_in)`` (ReLU). :func:`scale_sweep` measures
that band (:meth:`SweepResult.alive`: per layer, neither the signal's nor the gradient's
variance halves or doubles, and at most 5 % of any layer's units saturate). Notebook 04
(Xavier/Glorot) compares measurement and theory layer by layer with :func:`measure`. The
figures of these two notebooks are drawn by :func:`initviz.plots.plot_scale_sweep` and
:func:`initviz.plots.legend_outside`: this module only measures. Everything is float64 and
never warns: overflow becomes inf/nan in the results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import initializers
from .activations import get_activation
from .mlp import MLP, Gradients
from .stats import NetworkStats, describe, signal_propagation, signal_std
from .theory import predict_for
from ._checks import check_int, check_real
from ._util import blas_threads, fmt, text_table

__all__ = ["measure", "StackResult", "deep_stack", "SweepResult", "scale_sweep",
           "summary_table"]

def measure(net: MLP, X, rng=None, **theory_kwargs):
    """Measure a network's signal forward and backward, and predict it from theory.

    :func:`initviz.stats.signal_propagation` (forward X, back-propagate a standard-normal
    dL/dz from the output) and :func:`initviz.theory.predict_for`, run on one BLAS thread.

    Args:
        net: an :class:`initviz.MLP`. X: inputs (n_samples, layer_sizes[0]).
        rng: None, an int seed or a Generator for the output gradient.
        **theory_kwargs: passed to :func:`initviz.theory.predict_for` (e.g.
            ``input_second_moment`` if E[x**2] is not 1).
    Returns:
        ``(stats, grads, prediction)``: :class:`initviz.stats.NetworkStats`, the
        :class:`initviz.mlp.Gradients` and the :class:`initviz.theory.Prediction`.
    """
    with blas_threads(max(net.layer_sizes), np.shape(X)[0]):
        stats, grads = signal_propagation(net, X, rng=rng)
    return stats, grads, predict_for(net, **theory_kwargs)


@dataclass
class StackResult:
    """One deep stack, its forward pass and a back-propagated random gradient.

    Attributes:
        net: the :class:`initviz.MLP`: ``depth`` hidden layers of ``width`` units, then a
            linear output layer of ``width`` units.
        stats: :class:`initviz.stats.NetworkStats` of every layer, the output layer last.
        grads: the :class:`initviz.mlp.Gradients` (``grads.trace`` is the forward pass).
        depth: number of hidden layers.
    """

    net: MLP
    stats: NetworkStats
    grads: Gradients
    depth: int

    @property
    def activations(self) -> list:
        """The hidden activations ``a[l]``, l = 1..depth, each (n_samples, width)."""
        return self.grads.trace.activations[: self.depth]

    @property
    def gradients(self) -> list:
        """The back-propagated ``dL/dz[l]`` of the hidden layers, each (n_samples, width)."""
        return self.grads.pre_activations[: self.depth]

    def column(self, kind: str, field: str) -> np.ndarray:
        """One statistic over the hidden layers, e.g. ``column("gradients", "std")``.

        ``kind`` is ``"activations"``, ``"pre_activations"``, ``"gradients"`` or
        ``"weight_gradients"``; ``field`` a :class:`initviz.stats.LayerStats` field.
        """
        return self.stats.column(kind, field)[: self.depth]


def deep_stack(width=250, depth=10, activation="tanh", weight_init="glorot_uniform",
               n_samples=500, rng=None) -> StackResult:
    """Send standard-normal inputs through ``depth`` equal layers and a gradient back.

    The network is ``MLP([width] * (depth + 2), activation, weight_init)``: ``depth`` hidden
    layers and a linear output layer, zero biases. Inputs ``X`` (n_samples, width) are
    standard normal (E[x**2] = 1, like standardized data); at the output a standard-normal
    dL/dz is back-propagated (:func:`initviz.stats.signal_propagation`).

    Args:
        width: units per layer (and input features), an int >= 1. The lecture uses 250.
        depth: number of hidden layers, an int >= 1.
        activation: hidden activation name (``linear, relu, leaky_relu, tanh, sigmoid``).
        weight_init: anything :class:`initviz.MLP` takes, e.g.
            ``initializers.RandomNormal(stddev=0.01)`` (the lecture's
            ``rng.standard_normal((250, 250)) * 0.01``).
        n_samples: batch size, an int >= 1.
        rng: None, an int seed or a Generator; draws, in this order, the weights, the inputs
            and the output gradient.
    Returns:
        :class:`StackResult`. Values that overflow are inf/nan in it, counted by
        ``column(kind, "nonfinite")``; nothing raises or warns.
    Raises:
        TypeError, ValueError: a bad width, depth or n_samples (or what :class:`MLP` raises).
    """
    width = check_int("width", width, 1)
    depth = check_int("depth", depth, 1)
    n_samples = check_int("n_samples", n_samples, 1)
    gen = initializers.as_generator(rng)
    net = MLP([width] * (depth + 2), activation=activation, weight_init=weight_init, rng=gen)
    X = gen.standard_normal((n_samples, width))
    with blas_threads(width):
        stats, grads = signal_propagation(net, X, rng=gen)
    return StackResult(net, stats, grads, depth)


# The lessons' criterion of a signal that survives the stack (SweepResult.alive): per layer,
# on average over the stack, neither the signal's variance nor the gradient's variance halves
# or doubles (std factors in [1/sqrt(2), sqrt(2)]), and no layer has more than 5 % of its
# units saturated. The theory's scales sit at per-layer factor 1 (LeCun et al. 1998; Glorot &
# Bengio 2010, eq. 5-6; He et al. 2015, eq. 10), so a band symmetric in that factor centres
# on them; the saturation limit stops tanh above sqrt(1/fan_in), where its forward std is held
# near 1 by the flat ends (not by a healthy signal) and its gradient std keeps growing.
ALIVE_FACTOR = math.sqrt(2.0)
ALIVE_SATURATION = 0.05


@dataclass
class SweepResult:
    """What :func:`scale_sweep` measured, one entry per weight scale.

    Attributes:
        scales: the weight standard deviations, as given.
        activation_std: std of the last hidden layer's activations (layer std: offsets
            between units count as spread).
        gradient_std: std of the back-propagated dL/dz at the first hidden layer.
        saturated: fraction of saturated units in the last hidden layer (tanh/sigmoid).
        nonfinite: number of inf/nan values in the last hidden layer.
        activation, width, depth: the stack that was swept.
        signal_std: signal std (:func:`initviz.stats.signal_std`) of the last hidden layer.
        signal_factor: per-layer factor of the signal std, the geometric mean over the stack:
            ``(signal_std(a[depth]) / signal_std(x)) ** (1 / depth)``.
        gradient_factor: per-layer factor of the gradient std on its way back, the geometric
            mean over the stack: ``(std(dL/dz[1]) / std(dL/dz[out])) ** (1 / depth)``.
        max_saturated: the largest saturated fraction over the hidden layers.
        (The last four are None in a result built by hand without them.)
    """

    scales: np.ndarray
    activation_std: np.ndarray
    gradient_std: np.ndarray
    saturated: np.ndarray
    nonfinite: np.ndarray
    activation: str
    width: int
    depth: int
    signal_std: np.ndarray | None = None
    signal_factor: np.ndarray | None = None
    gradient_factor: np.ndarray | None = None
    max_saturated: np.ndarray | None = None

    def band(self, low=0.1, high=10.0) -> tuple:
        """``(smallest, largest)`` scale at which both the last layer's activation std and
        the first layer's gradient std lie in [low, high]; ``(nan, nan)`` if none does.

        A window on the raw stds (what :func:`initviz.plots.plot_scale_sweep` shades), not
        a test of a healthy signal: a saturated tanh stack keeps its activation std near 1.
        The lessons' criterion is :meth:`alive`."""
        ok = ((self.activation_std >= low) & (self.activation_std <= high)
              & (self.gradient_std >= low) & (self.gradient_std <= high))
        if not ok.any():
            return math.nan, math.nan
        return float(self.scales[ok].min()), float(self.scales[ok].max())

    def alive(self, factor=ALIVE_FACTOR, saturation=ALIVE_SATURATION) -> np.ndarray:
        """Which scales keep the signal alive through the stack, forward and backward.

        Alive: the per-layer signal factor and gradient factor both lie in
        ``[1 / factor, factor]`` (default sqrt(2): per layer, neither variance halves nor
        doubles, on average over the stack), at most ``saturation`` of the units of every
        hidden layer are saturated (default 5 %), and nothing overflowed. Theory puts the
        per-layer factor at 1 for ``sqrt(1 / fan_in)`` (tanh, linear) and ``sqrt(2 / fan_in)``
        (ReLU): the band is centred there. A ReLU's dead units do not enter: with zero
        biases, ``relu(s * z) = s * relu(z)``, so their fraction does not depend on the scale.
        At ``sqrt(1 / fan_in)`` a tanh stack still loses its std slowly, as a power law
        (``q[l] ~ 1 / (1 / q[0] + 2 l)`` for the variance, from ``tanh(z) ~ z - z**3 / 3``),
        not exponentially: a per-layer factor 0.86 over 10 layers, 0.79 over 5, so for
        tanh the band centres on the theory from about 10 layers on.

        Args:
            factor: a number > 1. saturation: a fraction in [0, 1].
        Returns:
            bool array, one entry per scale.
        Raises:
            TypeError, ValueError: bad factor or saturation; ValueError: this result has no
            per-layer factors (built by hand without them).

        >>> sw = scale_sweep([0.01, 1 / np.sqrt(100), 1.0], width=100, depth=5, rng=0)
        >>> sw.alive().tolist()               # tanh: vanishes, alive, saturated
        [False, True, False]
        """
        factor = check_real("factor", factor, 1.0, low_open=True)
        saturation = check_real("saturation", saturation, 0.0, 1.0)
        if any(v is None for v in (self.signal_factor, self.gradient_factor,
                                   self.max_saturated)):
            raise ValueError("this SweepResult has no per-layer factors: make it with scale_sweep")
        with np.errstate(invalid="ignore"):
            ok = np.ones(len(self.scales), dtype=bool)
            for f in (self.signal_factor, self.gradient_factor):
                f = np.asarray(f, dtype=np.float64)
                ok &= np.isfinite(f) & (f >= 1 / factor) & (f <= factor)
            ok &= np.asarray(self.max_saturated) <= saturation
            ok &= np.asarray(self.nonfinite) == 0
        return ok

    def alive_band(self, factor=ALIVE_FACTOR, saturation=ALIVE_SATURATION) -> tuple:
        """``(smallest, largest)`` scale that :meth:`alive` accepts; ``(nan, nan)`` if none.

        >>> sw = scale_sweep(np.logspace(-2, 0, 21), width=100, depth=10, rng=0)
        >>> [round(x, 3) for x in sw.alive_band()]   # tanh, centred on sqrt(1/100) = 0.1
        [0.079, 0.126]
        """
        ok = self.alive(factor, saturation)
        if not ok.any():
            return math.nan, math.nan
        return float(self.scales[ok].min()), float(self.scales[ok].max())


def scale_sweep(scales, *, width=250, depth=10, activation="tanh", n_samples=100,
                rng=None) -> SweepResult:
    """Measure a deep stack for every weight scale: the static version of a slider.

    Weights are drawn once from N(0, 1) and multiplied by each scale, so the runs differ by
    the scale only (the same draws as ``RandomNormal(stddev=scale)`` with the same
    generator state); inputs and the output gradient are drawn once too.

    Args:
        scales: 1-D sequence of weight standard deviations, each finite and > 0 (e.g.
            ``np.logspace(-3, 1, 41)``).
        width, depth, activation, n_samples: the stack, as in :func:`deep_stack`.
        rng: None, an int seed or a Generator.
    Returns:
        :class:`SweepResult` (its :meth:`SweepResult.alive` says which scales keep the
        signal alive).
    Raises:
        ValueError: scales empty, not 1-D, or holding a value that is not finite and > 0.
    """
    s = np.asarray(scales, dtype=np.float64)
    if s.ndim != 1 or s.size == 0:
        raise ValueError(f"scales must be a non-empty 1-D sequence, got shape {s.shape}")
    bad = s[~(np.isfinite(s) & (s > 0))]
    if bad.size:
        raise ValueError(f"every scale must be finite and > 0, got {bad[:3].tolist()}")
    width = check_int("width", width, 1)
    depth = check_int("depth", depth, 1)
    n_samples = check_int("n_samples", n_samples, 1)
    gen = initializers.as_generator(rng)
    net = MLP([width] * (depth + 2), activation=activation,
              weight_init=initializers.RandomNormal(stddev=1.0), rng=gen)
    base = [W.copy() for W in net.weights]
    X = gen.standard_normal((n_samples, width))
    out_grad = gen.standard_normal((n_samples, width))
    x_signal, g_out = signal_std(X), float(np.std(out_grad))
    act = get_activation(net.activation_names[0])  # every hidden layer has the same one
    rows = []
    with blas_threads(width), np.errstate(all="ignore"):
        for scale in s:
            net.weights = [scale * W for W in base]
            trace = net.trace(X)
            grads = net.backward(trace, out_grad)
            last = describe(trace.activations[depth - 1], trace.pre_activations[depth - 1],
                            net.activation_names[depth - 1])
            first = describe(grads.pre_activations[0])
            max_sat = max((float(np.mean(act.saturated(trace.pre_activations[l])))
                           for l in range(depth)), default=0.0) if act.saturates else 0.0
            rows.append((last.std, first.std, last.saturated, last.nonfinite, last.signal_std,
                         (last.signal_std / x_signal) ** (1 / depth),
                         (first.std / g_out) ** (1 / depth), max_sat))
    a, g, sat, n_bad, sig, f_sig, f_grad, max_sat = (np.array(c, dtype=np.float64)
                                                     for c in zip(*rows))
    return SweepResult(s, a, g, sat, n_bad.astype(int), net.activation_names[0], width, depth,
                       sig, f_sig, f_grad, max_sat)


def summary_table(results: dict, layers=(1, 5, 10)) -> str:
    """A text table of deep stacks: activation std at some layers and the last hidden layer's
    signal std (:func:`initviz.stats.signal_std`), its saturated fraction and inf/nan
    count, and at the first layer the gradient's std beside its median magnitude (a
    heavy-tailed gradient has a std far above its typical entry), and the last layer's
    gradient std.

    Args:
        results: dict name -> :class:`StackResult`.
        layers: 1-based hidden layers whose activation std is shown (those that exist).
    Returns:
        str, numbers rounded to 3 significant digits.
    Raises:
        TypeError: results is not a dict; ValueError: it is empty.

    >>> r = deep_stack(width=50, depth=3, activation="linear", weight_init="lecun_normal", rng=0)
    >>> print(summary_table({"lecun": r}, layers=(1, 3)).splitlines()[0])
     init  std a1  std a3  signal a_last  saturated  inf/nan  std g1  median |g1|  std g_last
    """
    if not isinstance(results, dict):
        raise TypeError(f"results must be a dict name -> StackResult, got {type(results).__name__}")
    if not results:
        raise ValueError("results must be a non-empty dict name -> StackResult")
    shown = sorted({int(l) for l in layers})
    header = ["init"] + [f"std a{l}" for l in shown] + ["signal a_last", "saturated",
                                                        "inf/nan", "std g1", "median |g1|",
                                                        "std g_last"]
    lines = [header]
    for name, r in results.items():
        a = r.column("activations", "std")
        g = r.column("gradients", "std")
        last = min(max(shown), r.depth)
        row = [str(name)] + [fmt(a[l - 1]) if 1 <= l <= r.depth else "-" for l in shown]
        row += [fmt(r.column("activations", "signal_std")[last - 1]),
                fmt(r.column("activations", "saturated")[-1]),
                str(int(r.column("activations", "nonfinite")[-1])), fmt(g[0]),
                fmt(r.column("gradients", "median_abs")[0]), fmt(g[-1])]
        lines.append(row)
    return text_table(lines)

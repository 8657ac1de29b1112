"""What theory predicts for the per-layer variance of a signal, forward and backward.

For a layer ``z = a @ W + b`` with independent zero-mean weights of variance ``Var(W)``,
inputs independent of the weights, and zero biases (LeCun et al. 1998; Glorot & Bengio 2010,
eq. 5-6; He et al. 2015, eq. 7)::

    Var(z[i])     = fan_in[i]  * Var(W[i]) * E[a[i-1]**2]           forward
    Var(dL/da[i-1]) = fan_out[i] * Var(W[i]) * Var(dL/dz[i])         backward
    Var(dL/dz[i]) = Var(dL/da[i]) * E[f'(z[i])**2]

Everything then hangs on two averages over a layer's pre-activation ``z ~ N(0, q)``:
``E[f(z)**2]`` and ``E[f'(z)**2]``. They are

============  ===================  ===============  =========================================
activation    E[f(z)^2]            E[f'(z)^2]       status
============  ===================  ===============  =========================================
linear        q                    1                exact
relu          q / 2                1 / 2            exact (He et al.: the factor 1/2)
leaky_relu    (1 + s^2) q / 2      (1 + s^2) / 2    exact
tanh          ~ q                  ~ 1              linearised at 0: right only for small q
sigmoid       ~ 1/4 + q / 16       ~ 1 / 16         linearised at 0: right only for small q
============  ===================  ===============  =========================================

``method="linearized"`` uses the table. ``method="mean_field"`` instead computes the two
averages by Gauss-Hermite quadrature for the Gaussian z (the wide-network limit of Poole et
al. 2016), which stays right for tanh and sigmoid when they saturate. Both treat the layer as
infinitely wide. A finite network scatters around them: for near-linear layers by about
``sqrt(2 / (width * batch))``; for ReLU and sigmoid by about ``sqrt(2 / width)`` per layer,
compounding with depth (Hanin & Rolnick 2018), so compare with averages over seeds.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from . import initializers
from ._checks import check_choice, check_ints, check_real
from .activations import LEAKY_RELU_SLOPE, get_activation
# Lesson 08's mean-field theory (Poole et al. 2016; Schoenholz et al. 2017), re-exported so
# that initviz.theory.q_map etc. are the names the lesson and outside users call.
from .mean_field import (c_map, chi1, chi_c, correlation_fixed_point, critical_sigma_w2,
                         depth_scales, fixed_point, length_slope, phase, q_map, trajectory)

__all__ = ["Prediction", "gaussian_moments", "predict_variances", "predict_for"]
__all__ += ["q_map", "c_map", "fixed_point", "correlation_fixed_point", "chi1", "chi_c",
            "critical_sigma_w2", "depth_scales", "phase", "length_slope", "trajectory"]

METHODS = ("mean_field", "linearized")
_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(121)
_WEIGHTS = _WEIGHTS / math.sqrt(2.0 * math.pi)
# For a wide Gaussian (q > 1) the Hermite nodes, spaced ~0.2 sqrt(q) apart near 0, step over
# the bend of tanh/sigmoid (E[tanh'(z)^2] was 5 % off at q = 16, 20x at q = 1e4). There we
# integrate on [-40, 40], where the activations bend, with 160 Gauss-Legendre panels of 16
# nodes, and add the Gaussian tails beyond it, where they are constant to double precision.
_EDGE = 40.0
_GL_X, _GL_W = np.polynomial.legendre.leggauss(16)
_CENTRES = np.linspace(-_EDGE, _EDGE, 161)[:-1] + 0.25
_PANEL_NODES = (_CENTRES[:, None] + 0.25 * _GL_X).ravel()
_PANEL_WEIGHTS = np.tile(0.25 * _GL_W, _CENTRES.size)


def gaussian_moments(activation, q, method="mean_field"):
    """``(E[f(z)], E[f(z)**2], E[f'(z)**2])`` for ``z ~ N(0, q)``.

    Args:
        activation: a hidden activation name. q: the variance of z (>= 0; inf gives inf/nan
            moments, not an error). method: ``"mean_field"`` or ``"linearized"``.
    Raises:
        ValueError: an unknown activation or method, q < 0. TypeError: q not a number.

    >>> gaussian_moments("relu", 2.0)   # He et al.: E[relu(z)^2] = q / 2, E[f'^2] = 1 / 2
    (0.5641895835477563, 1.0, 0.5)
    >>> [round(v, 4) for v in gaussian_moments("tanh", 1.0)]   # scipy quad: 0.39429, 0.46440
    [0.0, 0.3943, 0.4644]
    """
    act = get_activation(activation)
    method = check_choice("method", method, METHODS)
    if isinstance(q, numbers.Real) and math.isnan(q):  # an overflowed layer: say so, no error
        return math.nan, math.nan, math.nan
    q = check_real("q", q, 0, finite=False)
    s = LEAKY_RELU_SLOPE
    name = act.name
    if q == math.inf:  # the limits: linear/relu blow up, tanh/sigmoid sit at their ends
        return {"linear": (0.0, math.inf, 1.0), "relu": (math.inf, math.inf, 0.5),
                "leaky_relu": (math.inf, math.inf, (1 + s * s) / 2),
                "tanh": (0.0, 1.0, 0.0), "sigmoid": (0.5, 0.5, 0.0)}[name]
    if name == "linear":
        return 0.0, q, 1.0
    if name == "relu":
        return math.sqrt(q / (2 * math.pi)), q / 2, 0.5
    if name == "leaky_relu":
        return (1 - s) * math.sqrt(q / (2 * math.pi)), (1 + s * s) * q / 2, (1 + s * s) / 2
    if method == "linearized":
        if name == "tanh":
            return 0.0, q, 1.0
        return 0.5, 0.25 + q / 16, 1.0 / 16
    with np.errstate(all="ignore"):
        if q <= 1.0:
            z = math.sqrt(q) * _NODES
            a, d = act.f(z), act.df(z)
            return (float(_WEIGHTS @ a), float(_WEIGHTS @ a**2), float(_WEIGHTS @ d**2))
        sd = math.sqrt(q)
        w = _PANEL_WEIGHTS * np.exp(-0.5 * (_PANEL_NODES / sd) ** 2) / (sd * math.sqrt(2 * math.pi))
        tail = 0.5 * math.erfc(_EDGE / (sd * math.sqrt(2.0)))  # P(z > 40) = P(z < -40)
        hi, lo = float(act.f(np.array(math.inf))), float(act.f(np.array(-math.inf)))
        a, d = act.f(_PANEL_NODES), act.df(_PANEL_NODES)
        return (float(w @ a) + tail * (hi + lo), float(w @ a**2) + tail * (hi**2 + lo**2),
                float(w @ d**2))


@dataclass
class Prediction:
    """Predicted per-layer variances (lists indexed by layer, the output layer last).

    Attributes:
        pre_activation_var: Var(z[i]).
        activation_mean: E[a[i]].
        activation_second_moment: E[a[i]**2].
        activation_var: Var(a[i]) = E[a**2] - E[a]**2.
        gradient_var: Var(dL/dz[i]), given ``output_grad_var`` at the output.

    >>> Prediction([2.0], [0.0], [2.0], [4.0], [1.0]).activation_std
    array([2.])
    """

    pre_activation_var: list
    activation_mean: list
    activation_second_moment: list
    activation_var: list
    gradient_var: list

    @property
    def activation_std(self) -> np.ndarray:
        return np.sqrt(np.asarray(self.activation_var, dtype=float))

    @property
    def gradient_std(self) -> np.ndarray:
        return np.sqrt(np.asarray(self.gradient_var, dtype=float))

    @property
    def pre_activation_std(self) -> np.ndarray:
        return np.sqrt(np.asarray(self.pre_activation_var, dtype=float))


def _weight_variances(weight_init, layer_sizes):
    n = len(layer_sizes) - 1
    items = weight_init if isinstance(weight_init, (list, tuple)) else [weight_init] * n
    if len(items) != n:
        raise ValueError(f"weight_init list needs {n} entries, got {len(items)}")
    out = []
    for i, item in enumerate(items):
        shape = (layer_sizes[i], layer_sizes[i + 1])
        if isinstance(item, numbers.Real) and not isinstance(item, (bool, np.bool_)):
            out.append(check_real(f"weight variance of layer {i + 1}", item, 0))
            continue
        init = initializers.get(item)
        if not hasattr(init, "variance"):
            raise TypeError(f"cannot predict for {init!r}: it has no variance(shape); pass the "
                            "weight variance as a number instead")
        out.append(init.variance(shape))
        mean = getattr(init, "mean", 0.0) or getattr(init, "value", 0.0)
        if mean:
            raise ValueError(f"the prediction assumes zero-mean weights; {init!r} has mean {mean}")
    return out


def predict_variances(layer_sizes, weight_init, activation, *, input_second_moment=1.0,
                      output_grad_var=1.0, bias_variance=0.0, method="mean_field",
                      output_activation="linear") -> Prediction:
    """Predict every layer's signal variance, forward and backward.

    Args:
        layer_sizes: widths, input first (as :class:`initviz.MLP`).
        weight_init: an initializer (name or object with ``variance(shape)``), a weight
            variance (float), or a list of either, one per layer.
        activation: hidden activation name, or a list with one per hidden layer.
        input_second_moment: E[x**2] of the inputs (1 for standardized data).
        output_grad_var: Var(dL/dz) at the output layer (1 for a standard-normal signal, as
            :func:`initviz.stats.signal_propagation` sends).
        bias_variance: Var(b) (0 for zero biases).
        method: ``"mean_field"`` or ``"linearized"`` (see the module docstring).
        output_activation: the output layer's activation for the forward moments
            (``"linear"`` by default; its gradient is given directly).
    Returns:
        :class:`Prediction`.
    Raises:
        TypeError: a size that is not an int (2.5 is not truncated), an argument of the
        wrong type. ValueError: fewer than 2 sizes, a negative variance or moment, a list
        of the wrong length, an unknown activation or method, non-zero-mean weights.

    >>> # LeCun's rule Var(W) = 1 / fan_in keeps a linear stack's variance at 1
    >>> predict_variances([100, 100, 100], 1 / 100, "linear").pre_activation_var
    [1.0, 1.0]
    >>> # He's 2 / fan_in with ReLU: Var(z) stays at 2 E[x^2] = 2 in every layer
    >>> [round(q, 12) for q in predict_variances([50] * 4, "he_normal", "relu").pre_activation_var]
    [2.0, 2.0, 2.0]
    """
    sizes = check_ints("layer_sizes", layer_sizes, 1, min_length=2)
    L = len(sizes) - 1
    acts = activation if isinstance(activation, (list, tuple)) else [activation] * (L - 1)
    if len(acts) != L - 1:
        raise ValueError(f"activation list needs {L - 1} entries, got {len(acts)}")
    acts = list(acts) + [output_activation if output_activation != "softmax" else "linear"]
    var_w = _weight_variances(weight_init, sizes)
    q, m1, m2, va, dd = [], [], [], [], []
    second = check_real("input_second_moment", input_second_moment, 0)
    output_grad_var = check_real("output_grad_var", output_grad_var, 0)
    bias_variance = check_real("bias_variance", bias_variance, 0)
    method = check_choice("method", method, METHODS)
    with np.errstate(all="ignore"):
        for i in range(L):
            qi = sizes[i] * var_w[i] * second + bias_variance
            e1, e2, ed = gaussian_moments(acts[i], qi, method)
            q.append(qi)
            m1.append(e1)
            m2.append(e2)
            va.append(max(e2 - e1 * e1, 0.0) if math.isfinite(e2 - e1 * e1) else math.nan)
            dd.append(ed)
            second = e2
        g = [0.0] * L
        g[-1] = float(output_grad_var)
        for i in range(L - 1, 0, -1):
            g[i - 1] = sizes[i + 1] * var_w[i] * g[i] * dd[i - 1]
    return Prediction(q, m1, m2, va, g)


def predict_for(net, **kwargs) -> Prediction:
    """:func:`predict_variances` for an :class:`initviz.MLP`'s sizes, initializers and
    activations (keyword arguments are passed on).

    >>> from initviz import MLP
    >>> predict_for(MLP([64, 64, 1], activation="linear", weight_init="lecun_normal")).pre_activation_var
    [1.0, 1.0]
    """
    return predict_variances(net.layer_sizes, list(net.weight_inits),
                             [a.name for a in net.hidden_activations],
                             output_activation=net.output_activation, **kwargs)

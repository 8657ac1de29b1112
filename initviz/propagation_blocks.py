"""One layer of the signal explorer's stack, forward and backward: plain, normalized or
residual (the layer rules :func:`initviz.propagation.propagate` streams).

With ``f`` the activation, ``norm`` none, LayerNorm or BatchNorm in training mode with unit
gain and zero shift (:mod:`initviz.normalization`: ``norm(z) = (z - mean) / sqrt(var + eps)``,
over the units of each sample or over the batch for each unit), ``W[i]`` layer i's
weights (``factor`` times a unit-variance draw) and ``s`` the branch scale, layer i maps its
input to its output as follows:

* plain: ``z[i] = a[i-1] @ W[i]``, ``a[i] = f(norm(z[i]))``, from ``a[0] = X``; shown per
  layer: ``a[i]`` and ``dL/dz[i]``.
* residual: ``x[i] = x[i-1] + s * (f(norm(x[i-1])) @ W[i])``, from ``x[0] = X``; shown per
  layer: the stream ``x[i]`` and ``dL/dx[i]``.

The plain stack puts the normalization between the dense layer and the activation (Dense ->
norm -> activation, Ioffe & Szegedy 2015, section 3.2); without one it is the explorer's
``a[i] = f(a[i-1] @ W[i])``. The residual stack is the pre-activation block of He et al.
(2016, "Identity mappings", Figure 4e) with one dense layer per branch: the order of
:class:`initviz.ResidualMLP` with ``branch_layers=1``, its input projection the identity and
no output layer. The injected gradient is ``dL/dz`` of the last layer (plain) or
``dL/dx`` of the last stream (residual); the backward steps are::

    plain:     dL/dz[i] = norm'( f'(.) * (dL/dz[i+1] @ W[i+1].T) )       (norm' of layer i)
    residual:  dL/dx[i] = dL/dx[i+1] + norm'( f'(.) * (s dL/dx[i+1] @ W[i+1].T) )   (of i+1)

where ``norm'`` is the normalization's backward pass (:mod:`initviz.normalization`'s, with
the batch statistics as functions of the input) and ``f'(.)`` the activation's derivative
where the forward pass evaluated it. Every function keeps the dtype of its input (the
explorer computes in float32 where that holds), and what the backward pass needs is kept in
a :class:`LayerCache` (a bool mask for ReLU, plus the normalized values when there is a
normalization), so :func:`initviz.propagation.propagate` can store or recompute it
(checkpointing).
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import check_bool, check_choice, check_real
from .activations import LEAKY_RELU_SLOPE, SATURATION_THRESHOLD, get_activation
# The normalization's own forward and backward (not the LayerNorm/BatchNorm classes: they
# work in float64 and BatchNorm updates running statistics, while the explorer streams in
# float32 where that holds; with gain 1 and shift 0 the classes compute exactly these).
from .normalization import EPS, _normalize, _normalized_backward
from .residual import stream_variance_growth

__all__ = ["NORM_CHOICES", "Derivative", "LayerCache", "LayerRule", "residual_theory"]

#: The explorer's normalization choices: none, LayerNorm (over each sample's units),
#: BatchNorm (over the batch, per unit; training mode).
NORM_CHOICES = ("none", "layer", "batch")
_AXIS = {"layer": 1, "batch": 0}

# E[f(z)^2] / Var(z) = E[f'(z)^2] for z ~ N(0, q), the activations for which both are the
# same constant (positively homogeneous ones): relu 1/2, leaky relu (1 + 0.01^2) / 2.
_HOMOGENEOUS = {"linear": 1.0, "relu": 0.5, "leaky_relu": 0.5 * (1 + LEAKY_RELU_SLOPE ** 2)}


# tanh's Taylor series z * sum_k c_k z^(2k), c_k = 2^(2k+2) (2^(2k+2) - 1) B_(2k+2) / (2k+2)!
# (B: Bernoulli numbers), with enough terms that the first one left out is below 1/8 of a
# unit in the last place wherever |z| <= _TANH_SERIES_MAX.
_TANH_SERIES_MAX = 0.125
_TANH_SERIES = {
    np.float64: (1.0, -1 / 3, 2 / 15, -17 / 315, 62 / 2835, -1382 / 155925, 21844 / 6081075,
                 -929569 / 638512875),
    np.float32: (1.0, -1 / 3, 2 / 15, -17 / 315),
}


def _tanh(z):
    """``np.tanh(z)`` (a new array). Where every |z| <= 1/8 (a small signal: deep layers at
    a small scale) it sums the series, a few multiply-adds instead of numpy's tanh: at
    512 x 256, 0.96 instead of 4.6 ms of CPU in float64, 0.26 instead of 0.96 ms in float32
    (measured here), within 1 unit in the last place of ``np.tanh`` (checked on |z| from
    1e-40 to 1/8; tests/test_widgets.py)."""
    coef = _TANH_SERIES.get(z.dtype.type)
    if (coef is None or not z.size
            or not (z.max() <= _TANH_SERIES_MAX and z.min() >= -_TANH_SERIES_MAX)):
        return np.tanh(z)  # (nan fails the test above)
    t = z * z
    p = t * coef[-1]
    for c in coef[-2:0:-1]:
        p += c
        p *= t
    p += coef[0]
    p *= z
    return p


def _activate(act, z):
    """act.f(z), with tanh and sigmoid (``0.5 * (1 + tanh(z / 2))``, as
    :mod:`initviz.activations` computes it) through :func:`_tanh`."""
    if act.name == "tanh":
        return _tanh(z)
    if act.name == "sigmoid":
        a = _tanh(0.5 * z)
        a += 1.0
        a *= 0.5
        return a
    return act.f(z)


_SATURATED_BELOW = {}  # activation name -> SATURATION_THRESHOLD * f'(0)


def _saturated_derivative(name, z):
    """f'(z) of tanh or sigmoid where the activation is near +-1 (or 0, 1), from exp(-|z|):
    tanh' = 4e/(1+e)^2 with e = exp(-2|z|), sigmoid' = e/(1+e)^2 with e = exp(-|z|). Exact
    forms of 1/cosh(z)^2 and s(1-s) that never overflow; 0.81 against 2.06 ms for the
    cosh form on 131k float32 values (2.27 -> 1.57 ms in float64), measured here. nan stays
    nan.

    >>> float(_saturated_derivative("tanh", np.array([20.0]))[0] * np.cosh(20.0) ** 2)
    1.0
    """
    e = np.abs(z)
    e *= -2 if name == "tanh" else -1
    np.exp(e, out=e)
    d = 1 + e
    d *= d
    np.divide(e, d, out=d)
    if name == "tanh":
        d *= 4
    return d


class Derivative:
    """f'(z) of one layer in its most compact exact form (a bool mask for (leaky) ReLU,
    nothing for linear, the values otherwise), from ``z`` and ``a = f(z)``.

    >>> from initviz.activations import get_activation
    >>> d = Derivative(get_activation("relu"), np.array([-1.0, 2.0]), np.array([0.0, 2.0]))
    >>> d.apply(np.array([5.0, 5.0]))
    array([0., 5.])
    """

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
                if np.count_nonzero(far) * 4 > far.size:
                    # mostly saturated: the exp form everywhere beats picking the values
                    # out and back (256 x 256 float32, 86 % saturated: 0.70 against 1.44
                    # ms, measured here); it is exact everywhere
                    d = _saturated_derivative(name, z)
                else:
                    d[far] = _saturated_derivative(name, z[far])
            self.kind, self.data = "value", d

    @property
    def nbytes(self):
        return 0 if self.data is None else self.data.nbytes

    def saturated(self, act):
        """The fraction of values with f'(z) < SATURATION_THRESHOLD * f'(0) (0 unless tanh or
        sigmoid)."""
        if self.kind != "value":
            return 0.0
        threshold = _SATURATED_BELOW.get(act.name)
        if threshold is None:
            threshold = _SATURATED_BELOW[act.name] = SATURATION_THRESHOLD * float(
                act.df(np.zeros(())))
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


class LayerCache:
    """What the backward pass needs of one layer: the activation's :class:`Derivative` and,
    with a normalization, its normalized values ``x_hat`` and ``1 / sqrt(var + eps)``."""

    __slots__ = ("deriv", "x_hat", "inv_std")

    def __init__(self, deriv, x_hat=None, inv_std=None):
        self.deriv, self.x_hat, self.inv_std = deriv, x_hat, inv_std

    @property
    def nbytes(self):
        return self.deriv.nbytes + sum(0 if v is None else v.nbytes
                                       for v in (self.x_hat, self.inv_std))


class LayerRule:
    """One layer of the explorer's stack (see the module docstring for the equations).

    Args:
        activation: a name of :mod:`initviz.activations` (or an Activation).
        residual: a bool: residual blocks ``x + s * (f(norm(x)) @ W)`` or a plain stack.
        branch_scale: ``s``, a finite real number (only used when residual).
        norm: one of :data:`NORM_CHOICES`.
    Raises:
        TypeError, ValueError: a bad value, naming it and the valid choices.

    >>> rule = LayerRule("relu", residual=True, branch_scale=0.5)
    >>> x = np.ones((2, 3)); W = np.eye(3)
    >>> out, cache, units = rule.forward(x, W, 2.0)   # x + 0.5 * (relu(x) @ (2 W))
    >>> out
    array([[2., 2., 2.],
           [2., 2., 2.]])
    >>> rule.backward(np.ones((2, 3)), W, 2.0, None, cache)   # 1 + 0.5 * 2 * 1
    array([[2., 2., 2.],
           [2., 2., 2.]])
    """

    def __init__(self, activation, residual=False, branch_scale=1.0, norm="none"):
        self.act = activation if hasattr(activation, "df") else get_activation(activation)
        self.residual = check_bool("residual", residual)
        self.branch_scale = check_real("branch_scale", branch_scale)
        self.norm = check_choice("norm", norm, NORM_CHOICES)
        self._axis = _AXIS.get(self.norm)

    def __repr__(self):
        kind = f"residual, branch scale {self.branch_scale:.3g}" if self.residual else "plain"
        return f"LayerRule({self.act.name}, {kind}, norm {self.norm})"

    def _normalized(self, z):
        """(f's input, x_hat, inv_std): z itself without a normalization."""
        if self._axis is None:
            return z, None, None
        x_hat, inv_std, _, _ = _normalize(z, self._axis, EPS)
        return x_hat, x_hat, inv_std

    def forward(self, x, w, factor, product=None, cached=False):
        """Layer i's output from its input ``x`` (n, width); ``w`` the unit weights (width,
        width) and ``factor`` their std, so ``W = factor * w`` (scalars of x's dtype keep it).
        ``product``: None, or a function ``(lhs, w) -> lhs @ w``; ``cached``: its result is
        kept elsewhere and must not be modified (the first layer's product does not change
        with the scale).

        Returns:
            ``(out, cache, units)``: the layer's output (``a[i]`` or ``x[i]``), its
            :class:`LayerCache` and the activation's output (``a[i]`` plain, the branch's
            ``f(norm(x[i-1]))`` residual: what the dead-unit count is about).
        """
        if not self.residual:
            z = _scaled(x, w, factor, product, cached, transpose=False)
            h, x_hat, inv_std = self._normalized(z)
            a = _activate(self.act, h)
            return a, LayerCache(Derivative(self.act, h, a), x_hat, inv_std), a
        h, x_hat, inv_std = self._normalized(x)
        u = _activate(self.act, h)
        b = _scaled(u, w, x.dtype.type(self.branch_scale * factor), product, cached,
                    transpose=False)
        b += x
        return b, LayerCache(Derivative(self.act, h, u), x_hat, inv_std), u

    def _norm_backward(self, g, cache):
        if self._axis is None:
            return g
        return _normalized_backward(g, cache.x_hat, cache.inv_std, self._axis)

    def backward(self, g_next, w_next, factor, cache, cache_next, product=None, cached=False):
        """The shown gradient of layer i from that of layer i + 1.

        Args:
            g_next: ``dL/dz[i+1]`` (plain) or ``dL/dx[i+1]`` (residual), (n, width).
            w_next, factor: layer i + 1's unit weights and their std.
            cache, cache_next: the :class:`LayerCache` of layers i and i + 1 (plain uses
                layer i's, residual layer i + 1's; the other may be None).
            product, cached: None, or a function ``(g, w) -> g @ w.T``; whether its result
                must stay unmodified.
        Returns:
            ``dL/dz[i]`` or ``dL/dx[i]`` (with ``cache_next`` of layer 1 and ``w_next`` its
            weights, a residual stack's ``dL/dX``).
        """
        if not self.residual:
            da = _scaled(g_next, w_next, factor, product, cached, transpose=True)
            return self._norm_backward(cache.deriv.apply(da), cache)
        da = _scaled(g_next, w_next, g_next.dtype.type(self.branch_scale * factor), product,
                     cached, transpose=True)
        da = self._norm_backward(cache_next.deriv.apply(da), cache_next)
        da += g_next
        return da


def _scaled(lhs, w, k, product, cached, transpose):
    """``(lhs @ w) * k`` (``w.T`` if ``transpose``; ``product(lhs, w)`` computes the product
    if given) as a new array: scaled in place, or into a copy when the product is
    ``cached``."""
    out = product(lhs, w) if product is not None else lhs @ (w.T if transpose else w)
    if cached:
        return out * k
    out *= k
    return out


def residual_theory(activation, weight_var, width, depth, branch_scale):
    """The residual stack's std per layer at initialization, where there is a theory: no
    normalization and a positively homogeneous activation (linear, relu, leaky_relu), for
    which ``E[f(x)^2] = c Var(x)`` and ``E[f'(x)^2] = c`` (c = 1, 1/2, (1 + 0.01^2) / 2).

    A branch then adds ``s^2 width weight_var c`` times the stream's variance, uncorrelated
    with it (the weights are drawn independently of the stream), so with standard-normal
    inputs ``Var(x[i]) = (1 + s_eff^2)^i``, ``s_eff^2 = s^2 width weight_var c``
    (:func:`initviz.residual.stream_variance_growth`; He weights, weight_var = 2 / width, and
    ReLU give s_eff = s). Backwards, under the mean-field assumption that the backward weights
    are independent of the forward ones (Schoenholz et al. 2017), each block multiplies the
    gradient's variance by the same factor: ``Var(dL/dx[i]) = (1 + s_eff^2)^(depth - i)`` with
    a unit-variance injected gradient.

    Args:
        activation: a name; weight_var: the variance of one weight (>= 0); width, depth:
            ints >= 1; branch_scale: s, a real number.
    Returns:
        ``(activation_std, gradient_std)``, arrays of ``depth`` floats for layers 1..depth
        (inf where the variance overflows), or None where there is no theory here.

    >>> a, g = residual_theory("relu", 2 / 64, 64, 3, 1.0)   # He ReLU branches: x 2 a block
    >>> np.round(a ** 2, 9), np.round(g ** 2, 9)
    (array([2., 4., 8.]), array([4., 2., 1.]))
    >>> residual_theory("tanh", 1 / 64, 64, 3, 1.0) is None
    True
    """
    c = _HOMOGENEOUS.get(get_activation(activation).name)
    if c is None:
        return None
    s_eff = math.sqrt(branch_scale * branch_scale * width * weight_var * c)
    growth = stream_variance_growth(depth, s_eff)  # (1 + s_eff^2)^k, k = 0 .. depth
    return np.sqrt(growth[1:]), np.sqrt(growth[::-1][1:])

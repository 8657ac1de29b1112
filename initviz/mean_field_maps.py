"""The mean-field maps of lesson 08: the length map, the correlation map and their fixed
points (``q*``, ``c*``), and the theory's trajectory of two inputs through depth.

:mod:`initviz.mean_field` derives them (its docstring) and adds what follows from their
slopes: chi_1, the depth scales and the edge of chaos; it re-exports everything here, so
``initviz.mean_field.q_map`` and ``initviz.theory.q_map`` are these functions.

The averages are exact for linear, relu and leaky_relu (the arc-cosine kernel of Cho & Saul
2009 for relu); for tanh and sigmoid they are computed by the trapezoid rule on a uniform
grid in ``u`` over [-8.5, 8.5] (Gaussian mass beyond: 2e-17), whose step shrinks as
``1 / sqrt(q)``: for these analytic activations the error falls exponentially as the step
shrinks (it agreed with adaptive quadrature to 1e-9 for q up to 64). Gauss-Hermite nodes
do not resolve ``tanh'(sqrt(q) u)`` once ``q > 4`` (26 % off at q = 16 with 61 nodes).

>>> q_map("relu", 2.0, 0.0, 3.0)   # He: sigma_w2 q / 2 + sigma_b2 = q
3.0
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ._checks import check_real
from .activations import LEAKY_RELU_SLOPE, get_activation

__all__ = ["q_map", "c_map", "trajectory", "fixed_point", "correlation_fixed_point",
           "length_slope", "HOMOGENEOUS"]

#: Activations with f(a u) = a f(u) for a > 0: their maps have closed forms.
HOMOGENEOUS = ("linear", "relu", "leaky_relu")
_EDGE = 8.5
_ACT = {name: get_activation(name) for name in ("linear", "relu", "leaky_relu", "tanh",
                                                "sigmoid")}
_BISECTIONS = 1100  # bisection from 1e-300 to 1e-15 relative, if Newton fails


def _grid(q, two_d=False):
    """Nodes u (standard normal) and trapezoid weights for averages of f(sqrt(q) u): the
    step is 0.3 / sqrt(q) (error ~exp(-pi**2 / 0.3)), 0.5 / sqrt(q) for the 2-d averages
    (~exp(-pi**2 / 0.5) = 3e-9, at a quarter of the points); at most 0.1 and 0.3 (the
    Gaussian's own error, ~exp(-2 pi**2 / step**2), is then below 1e-80)."""
    r = math.sqrt(q) if q > 0 else 0.0
    if two_d:
        step = max(min(0.3, 0.5 / r if r else 0.3), 0.02)
    else:
        step = max(min(0.1, 0.3 / r if r else 0.1), 0.005)
    return _grid_of_step(round(step, 6))


@functools.lru_cache(maxsize=64)
def _grid_of_step(step):
    n = int(math.ceil(_EDGE / step))
    u = np.arange(-n, n + 1) * step
    w = step * np.exp(-0.5 * u * u) / math.sqrt(2.0 * math.pi)
    return u, w


def _name(activation):
    return get_activation(activation).name


def _k(name):
    """E[f(u)**2] / E[u**2] for a homogeneous activation."""
    s = LEAKY_RELU_SLOPE
    return {"linear": 1.0, "relu": 0.5, "leaky_relu": (1 + s * s) / 2}[name]


def _check(sigma_w2, sigma_b2):
    return (check_real("sigma_w2", sigma_w2, 0, low_open=True),
            check_real("sigma_b2", sigma_b2, 0))


def _f2(name, q):
    """E[f(sqrt(q) u)**2] and the slope of q -> E[f(sqrt(q) u)**2] (tanh and sigmoid)."""
    act = _ACT[name]
    u, w = _grid(q)
    r = math.sqrt(q)
    a = act.f(r * u)
    # d/dq E[f(sqrt(q) u)^2] = E[f f'(x) u] / sqrt(q); at q -> 0 its limit f'(0)^2 + f f''(0)
    slope = float(w @ (a * act.df(r * u) * u)) / r if r > 0 else _ACT[name].df(0.0) ** 2
    return float(w @ (a * a)), slope


def _second_moment(name, q):
    """E[f(sqrt(q) u)**2] and E[f'(sqrt(q) u)**2]."""
    if name in HOMOGENEOUS:
        s = LEAKY_RELU_SLOPE
        d2 = {"linear": 1.0, "relu": 0.5, "leaky_relu": (1 + s * s) / 2}[name]
        return _k(name) * q, d2
    act = _ACT[name]
    if math.isinf(q):  # saturated at both ends: +-1 (tanh), 0 or 1 (sigmoid)
        return (1.0 if name == "tanh" else 0.5), 0.0
    u, w = _grid(q)
    x = math.sqrt(q) * u
    return float(w @ act.f(x) ** 2), float(w @ act.df(x) ** 2)


def _relu_kernel(c):
    """E[relu(u1) relu(u2)] / q and E[relu'(u1) relu'(u2)] for correlation c (Cho & Saul
    2009, arc-cosine kernel of degree 1 and 0)."""
    theta = math.acos(min(1.0, max(-1.0, c)))
    return ((math.sqrt(max(0.0, 1 - c * c)) + (math.pi - theta) * c) / (2 * math.pi),
            (math.pi - theta) / (2 * math.pi))


def _cross_moments(name, q, c, derivative=True):
    """(E[f(u1) f(u2)], E[f'(u1) f'(u2)]) for (u1, u2) of variance q and correlation c (the
    second nan unless ``derivative``: tanh and sigmoid then skip it)."""
    if name in HOMOGENEOUS:
        s = LEAKY_RELU_SLOPE
        r, p = _relu_kernel(c)
        if name == "linear":
            return q * c, 1.0
        if name == "relu":
            return q * r, p
        # leaky: f = (1 - s) relu(u) + s u, and E[relu(u1) u2] = q c / 2 by symmetry
        return (q * ((1 - s) ** 2 * r + s * (1 - s) * c + s * s * c),
                (1 - s) ** 2 * p + s * (1 - s) + s * s)
    act = _ACT[name]
    if math.isinf(q):  # sign(u1) sign(u2): the arcsine law
        if name == "tanh":
            return 2 / math.pi * math.asin(min(1.0, max(-1.0, c))), 0.0
        return 0.25 + 0.5 / math.pi * math.asin(min(1.0, max(-1.0, c))), 0.0
    u, w = _grid(q, two_d=True)
    r = math.sqrt(q)
    s = math.sqrt(max(0.0, 1.0 - c * c))
    x1 = r * u
    x2 = r * (c * u[:, None] + s * u[None, :])
    ww = w[:, None] * w[None, :]
    ff = float(act.f(x1) @ (ww * act.f(x2)).sum(axis=1))
    if not derivative:
        return ff, math.nan
    return ff, float(act.df(x1) @ (ww * act.df(x2)).sum(axis=1))


def q_map(activation, sigma_w2, sigma_b2, q) -> float:
    """One step of the length map: ``sigma_w2 E[f(sqrt(q) u)**2] + sigma_b2``.

    Args:
        activation: a hidden activation name (linear, relu, leaky_relu, tanh, sigmoid).
        sigma_w2: weight variance times fan_in (> 0). sigma_b2: bias variance (>= 0).
        q: the length E[z**2] of a layer's pre-activations (>= 0; inf allowed).
    Returns:
        The next layer's length, a float (inf where the map diverges).
    Raises:
        TypeError: a non-number. ValueError: an unknown activation, a value out of range.
    References:
        Poole et al. 2016, eq. 3; for relu ``sigma_w2 q / 2 + sigma_b2`` (He et al. 2015).

    >>> q_map("linear", 1.0, 0.5, 2.0)
    2.5
    >>> round(q_map("tanh", 1.0, 0.0, 1.0), 5)    # E[tanh(u)^2], u ~ N(0, 1)
    0.39429
    """
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2)
    q = check_real("q", q, 0, finite=False)
    return sigma_w2 * _second_moment(_name(activation), q)[0] + sigma_b2


def length_slope(activation, sigma_w2, sigma_b2, q) -> float:
    """The slope d q(l+1) / d q(l) of the length map at ``q``: ``sigma_w2 E[f'(x)**2 +
    f(x) f''(x)]``, computed as ``sigma_w2 E[f(x) f'(x) u] / sqrt(q)`` (Stein's lemma) with
    ``x = sqrt(q) u``. Its value at ``q*`` sets the depth scale ``xi_q``.

    >>> length_slope("relu", 1.5, 0.1, 4.0)   # sigma_w2 / 2
    0.75
    """
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2)
    q = check_real("q", q, 0, finite=False)
    name = _name(activation)
    if name in HOMOGENEOUS:
        return sigma_w2 * _k(name)
    if math.isinf(q):
        return 0.0
    qe = max(q, 1e-24)  # at q = 0 the limit f'(0)**2 + f(0) f''(0); tanh: 1
    act = get_activation(name)
    u, w = _grid(qe)
    x = math.sqrt(qe) * u
    return sigma_w2 * float(w @ (act.f(x) * act.df(x) * u)) / math.sqrt(qe)


def fixed_point(activation, sigma_w2, sigma_b2, q0=1.0) -> float:
    """The length ``q*`` the network settles to: the limit of the length map from ``q0``.

    Exact for the homogeneous activations: ``q* = sigma_b2 / (1 - k sigma_w2)`` with
    ``k = E[f(u)**2] / E[u**2]`` (1 linear, 1/2 relu) when ``k sigma_w2 < 1``; ``inf`` when
    the length grows without bound; ``q0`` itself when ``k sigma_w2 = 1`` and there is no
    bias (every length is fixed). For tanh and sigmoid: the positive root of
    ``q_map(q) = q``, by bisection to double precision (tanh with no bias and
    ``sigma_w2 <= 1``: 0).

    Raises:
        TypeError, ValueError: as :func:`q_map`.

    >>> fixed_point("relu", 1.5, 0.1)            # 0.1 / (1 - 0.75)
    0.4
    >>> fixed_point("tanh", 0.8, 0.0), round(fixed_point("tanh", 1.7609546, 0.05), 4)
    (0.0, 0.57)
    """
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2)
    q0 = check_real("q0", q0, 0)
    return _fixed_point(_name(activation), sigma_w2, sigma_b2, q0)


@functools.lru_cache(maxsize=4096)
def _fixed_point(name, sigma_w2, sigma_b2, q0):
    if name in HOMOGENEOUS:
        g = _k(name) * sigma_w2
        if g < 1:
            return sigma_b2 / (1 - g)
        if g == 1 and sigma_b2 == 0:
            return q0
        return 0.0 if (q0 == 0 and sigma_b2 == 0) else math.inf
    if name == "tanh" and sigma_b2 == 0 and sigma_w2 <= 1:
        return 0.0
    # Newton's method on g(q) = q_map(q) - q from the right end hi = sigma_w2 + sigma_b2
    # (g(hi) <= 0 as f**2 <= 1), kept inside the bracket [lo, hi] by bisection: ~6 steps.
    lo, hi = 0.0, sigma_w2 + sigma_b2
    q = hi
    for _ in range(_BISECTIONS):
        m, slope = _f2(name, q)
        g = sigma_w2 * m + sigma_b2 - q
        if g > 0:
            lo = q
        else:
            hi = q
        step = g / (1.0 - sigma_w2 * slope) if sigma_w2 * slope != 1.0 else math.inf
        new = q + step
        if not lo < new < hi:
            new = 0.5 * (lo + hi)
        if abs(new - q) <= 1e-15 * max(q, 1e-300) or hi - lo <= 1e-15 * hi:
            return new
        q = new
    return q


def c_map(activation, sigma_w2, sigma_b2, c, q=None) -> float:
    """One step of the correlation map for two inputs of length ``q`` and correlation ``c``.

    ``(sigma_w2 E[f(u1) f(u2)] + sigma_b2) / q_map(q)``, ``(u1, u2)`` Gaussian of variance
    ``q`` and correlation ``c``. For relu it is the arc-cosine kernel (Cho & Saul 2009):
    with no bias ``(sqrt(1 - c**2) + (pi - arccos c) c) / pi``, whatever ``sigma_w2``.

    Args:
        c: correlation in [-1, 1]. q: the inputs' length; None for the fixed point ``q*``.
            At ``q = inf`` (or ``q* = inf``) the bias no longer matters: the limit.
    Raises:
        TypeError, ValueError: as :func:`q_map`, or c outside [-1, 1].
    References:
        Poole et al. 2016, eq. 5; Schoenholz et al. 2017, eq. 5.

    >>> round(c_map("relu", 2.0, 0.0, 0.0), 6)    # 1 / pi: ReLU makes orthogonal inputs correlate
    0.31831
    >>> c_map("tanh", 1.5, 0.1, 1.0)
    1.0
    """
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2)
    c = check_real("c", c, -1.0, 1.0)
    name = _name(activation)
    if q is None:
        q = _fixed_point(name, sigma_w2, sigma_b2, 1.0)
    else:
        q = check_real("q", q, 0, finite=False)
    return _c_map(name, sigma_w2, sigma_b2, c, q)


def _c_map(name, sigma_w2, sigma_b2, c, q):
    if c == 1.0:
        return 1.0
    if math.isinf(q) and name in HOMOGENEOUS:
        return _cross_moments(name, 1.0, c)[0] / _k(name)
    num = sigma_w2 * _cross_moments(name, q, c, derivative=False)[0] + sigma_b2
    den = sigma_w2 * _second_moment(name, q)[0] + sigma_b2
    if den == 0:  # q = 0 and no bias: the network is linear near 0 (tanh): c is kept
        return c
    return min(1.0, max(-1.0, num / den))


def _c_map_curve(name, sigma_w2, sigma_b2, cs, q):
    """:func:`_c_map` at every correlation of the 1-d array ``cs`` (same quadrature, one
    array product for tanh and sigmoid instead of one per value: the explorer's curve)."""
    cs = np.asarray(cs, dtype=float)
    if name in HOMOGENEOUS or math.isinf(q):
        return np.array([_c_map(name, sigma_w2, sigma_b2, float(c), q) for c in cs])
    den = sigma_w2 * _second_moment(name, q)[0] + sigma_b2
    if den == 0:
        return cs.copy()
    act = _ACT[name]
    u, w = _grid(q, two_d=True)
    r = math.sqrt(q)
    s = np.sqrt(np.clip(1.0 - cs * cs, 0.0, None))
    f1 = act.f(r * u) * w                                     # (n,) weighted f(u1)
    x2 = r * (cs[:, None, None] * u[None, :, None] + s[:, None, None] * u[None, None, :])
    ff = (act.f(x2) @ w) @ f1
    out = np.clip((sigma_w2 * ff + sigma_b2) / den, -1.0, 1.0)
    out[cs == 1.0] = 1.0
    return out


def _slope_c(name, sigma_w2, sigma_b2, c, q):
    """d c(l+1) / d c(l) at c: sigma_w2 q E[f'(u1) f'(u2)] / q_map(q) (Price's theorem)."""
    if math.isinf(q) and name in HOMOGENEOUS:
        return _cross_moments(name, 1.0, c)[1] / _k(name)
    den = sigma_w2 * _second_moment(name, q)[0] + sigma_b2
    if den == 0:
        return sigma_w2 * float(get_activation(name).df(np.zeros(()))) ** 2
    return sigma_w2 * q * _cross_moments(name, q, c)[1] / den


def correlation_fixed_point(activation, sigma_w2, sigma_b2) -> float:
    """``c*``, the correlation every pair of distinct inputs converges to (at ``q*``).

    1 in the ordered phase and on the edge (``chi_1 <= 1``: all inputs end up alike), below
    1 in the chaotic phase, found by bisection of ``c_map(c) - c`` on [-1, 1).

    >>> correlation_fixed_point("tanh", 1.2, 0.3)
    1.0
    >>> abs(correlation_fixed_point("tanh", 4.0, 0.0)) < 1e-9   # odd f, no bias: c* = 0
    True
    """
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2)
    return _c_star(_name(activation), sigma_w2, sigma_b2)


@functools.lru_cache(maxsize=4096)
def _c_star(name, sigma_w2, sigma_b2):
    q = _fixed_point(name, sigma_w2, sigma_b2, 1.0)
    hi = 1.0 - 1e-7
    if _slope_c(name, sigma_w2, sigma_b2, 1.0, q) <= 1.0 or \
            _c_map(name, sigma_w2, sigma_b2, hi, q) >= hi:
        return 1.0
    lo = -1.0
    for _ in range(36):  # to 3e-11
        mid = 0.5 * (lo + hi)
        if _c_map(name, sigma_w2, sigma_b2, mid, q) > mid:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def trajectory(activation, sigma_w2, sigma_b2, depth, q0=1.0, c0=0.5):
    """The theory's length ``q(l)`` and correlation ``c(l)`` of two inputs at layers 1 to
    ``depth``, for inputs of mean square ``q0`` and cosine ``c0``.

    Layer 1 sees the inputs themselves: ``q(1) = sigma_w2 q0 + sigma_b2`` and ``c(1) =
    (sigma_w2 q0 c0 + sigma_b2) / q(1)``; then ``q(l+1) = q_map(q(l))``, ``c(l+1) =
    c_map(c(l), q(l))``.

    Returns:
        ``(q, c)``: two float arrays of ``depth`` values.
    Raises:
        TypeError, ValueError: a bad argument.

    >>> q, c = trajectory("relu", 2.0, 0.0, 3, q0=1.0, c0=0.0)
    >>> q.tolist(), [round(float(v), 4) for v in c]   # c(3): the arc-cosine map of 1 / pi
    ([2.0, 2.0, 2.0], [0.0, 0.3183, 0.4937])
    """
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2)
    name = _name(activation)
    depth = int(check_real("depth", depth, 1))
    q0 = check_real("q0", q0, 0)
    c0 = check_real("c0", c0, -1.0, 1.0)
    q = [sigma_w2 * q0 + sigma_b2]
    c = [(sigma_w2 * q0 * c0 + sigma_b2) / q[0] if q[0] > 0 else c0]
    with np.errstate(all="ignore"):
        for _ in range(depth - 1):
            c.append(_c_map(name, sigma_w2, sigma_b2, c[-1], q[-1]))
            q.append(sigma_w2 * _second_moment(name, q[-1])[0] + sigma_b2)
    return np.array(q), np.array(c)

"""Mean-field signal propagation: the length map, the correlation map, the edge of chaos.

A wide random network with weights ``W[i, j] ~ N(0, sigma_w2 / fan_in)`` and biases
``b[j] ~ N(0, sigma_b2)`` makes every pre-activation Gaussian in the limit of infinite width
(Poole et al. 2016, eq. 3-5; Schoenholz et al. 2017, eq. 2-5). So ``sigma_w2`` is the weight
variance times fan_in (He's ReLU network has ``sigma_w2 = 2``, LeCun's and Xavier's on equal
widths ``1``). For one input, the length ``q = E[z**2]`` of a layer's pre-activations maps to
the next layer's by the *length map*::

    q(l+1) = sigma_w2 * E[f(sqrt(q(l)) u)**2] + sigma_b2,          u ~ N(0, 1)

whose fixed point ``q*`` the network settles to. For two inputs whose pre-activations have
length ``q`` and correlation ``c``, the *correlation map* is::

    c(l+1) = (sigma_w2 * E[f(u1) f(u2)] + sigma_b2) / q(l+1),      (u1, u2) of variance q,
                                                                   correlation c

with fixed point ``c*``. Its slope at ``c = 1`` is ``chi_1 = sigma_w2 E[f'(sqrt(q*) u)**2]``:
``chi_1 < 1`` is the ordered phase (every pair of inputs converges to ``c* = 1``: the network
stops telling inputs apart), ``chi_1 > 1`` the chaotic phase (``c* < 1``: nearby inputs fly
apart), ``chi_1 = 1`` the edge of chaos. ``|c(l) - c*|`` decays like ``exp(-l / xi_c)`` with
``xi_c = -1 / ln(chi_c)``, ``chi_c = sigma_w2 E[f'(u1) f'(u2)]`` at ``(q*, c*)``; ``xi_c``
is infinite on the critical line (Schoenholz et al. 2017, eq. 9-11).

The maps, their fixed points and :func:`trajectory` are computed in
:mod:`initviz.mean_field_maps` (exact for the homogeneous activations, quadrature for tanh
and sigmoid) and re-exported here; this module adds chi_1, chi_c, the depth scales, the
phase and the critical line. :mod:`initviz.theory` re-exports both.

>>> round(critical_sigma_w2("tanh", 0.0), 6), critical_sigma_w2("relu", 0.0)
(1.0, 2.0)
>>> q_map("relu", 2.0, 0.0, 3.0)   # He: sigma_w2 q / 2 + sigma_b2 = q
3.0
"""

from __future__ import annotations

import functools
import math

from ._checks import check_real
from .mean_field_maps import (HOMOGENEOUS, _c_star, _check, _fixed_point, _k, _name,
                              _second_moment, _slope_c, c_map, correlation_fixed_point,
                              fixed_point, length_slope, q_map, trajectory)

__all__ = ["q_map", "c_map", "trajectory", "fixed_point", "correlation_fixed_point", "chi1",
           "chi_c", "critical_sigma_w2", "depth_scales", "phase", "length_slope",
           "HOMOGENEOUS"]


def chi1(activation, sigma_w2, sigma_b2) -> float:
    """``chi_1 = sigma_w2 E[f'(sqrt(q*) u)**2]``: the slope of the correlation map at c = 1,
    the factor by which a small perturbation of an input grows per layer.

    ``< 1`` ordered, ``> 1`` chaotic, ``= 1`` the edge of chaos. It is also the factor by
    which the mean squared back-propagated gradient grows per layer (Schoenholz et al.
    2017, eq. 16). For relu and linear, ``chi_1 >= 1`` comes with an infinite ``q*``.

    References: Poole et al. 2016, eq. 7.

    >>> chi1("relu", 2.0, 0.0), chi1("linear", 1.0, 0.3)
    (1.0, 1.0)
    """
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2)
    name = _name(activation)
    q = _fixed_point(name, sigma_w2, sigma_b2, 1.0)
    return sigma_w2 * _second_moment(name, q)[1]


def chi_c(activation, sigma_w2, sigma_b2) -> float:
    """``chi_c``: the slope of the correlation map at its fixed point ``c*``; equal to
    :func:`chi1` in the ordered phase (``c* = 1``). ``|c(l) - c*|`` shrinks by it per layer.

    >>> round(chi_c("tanh", 1.0, 0.0), 12)   # the critical point: no decay
    1.0
    """
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2)
    name = _name(activation)
    q = _fixed_point(name, sigma_w2, sigma_b2, 1.0)
    return _slope_c(name, sigma_w2, sigma_b2, _c_star(name, sigma_w2, sigma_b2), q)


def depth_scales(activation, sigma_w2, sigma_b2) -> tuple[float, float]:
    """``(xi_q, xi_c)``: the depths over which the length and the correlation of the inputs
    approach their fixed points, ``|q(l) - q*| ~ exp(-l / xi_q)``, ``|c(l) - c*| ~ exp(-l /
    xi_c)``.

    ``xi_q = -1 / ln(slope of the length map at q*)``, ``xi_c = -1 / ln(chi_c)``. ``xi_c``
    is inf on the critical line; ``xi_q`` is nan where ``q*`` is inf (the length diverges)
    and inf where the length map has slope 1 (ReLU at He, no bias). Schoenholz et al. 2017
    (eq. 7 and 9) found that networks deeper than about ``6 xi_c`` do not train.

    >>> xi_q, xi_c = depth_scales("tanh", 1.0, 0.0)
    >>> xi_c
    inf
    >>> [round(x, 3) for x in depth_scales("relu", 1.5, 0.1)]   # -1 / ln(0.75)
    [3.476, 3.476]
    """
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2)
    name = _name(activation)
    q = _fixed_point(name, sigma_w2, sigma_b2, 1.0)
    slope_q = math.nan if math.isinf(q) else length_slope(name, sigma_w2, sigma_b2, q)
    cc = chi_c(name, sigma_w2, sigma_b2)
    return _depth(slope_q), _depth(cc)


def _depth(slope):
    if math.isnan(slope):
        return math.nan
    if slope <= 0:
        return 0.0
    if slope >= 1 - 1e-12:
        return math.inf if slope <= 1 + 1e-12 else math.nan
    return -1.0 / math.log(slope)


def phase(activation, sigma_w2, sigma_b2) -> str:
    """``"ordered"`` (chi_1 < 1), ``"chaotic"`` (chi_1 > 1) or ``"critical"`` (within 1e-9).

    >>> phase("tanh", 0.5, 0.0), phase("tanh", 4.0, 0.0), phase("relu", 2.0, 0.0)
    ('ordered', 'chaotic', 'critical')
    """
    x = chi1(activation, sigma_w2, sigma_b2)
    return "critical" if abs(x - 1) <= 1e-9 else ("ordered" if x < 1 else "chaotic")


def critical_sigma_w2(activation, sigma_b2) -> float:
    """The ``sigma_w2`` on the edge of chaos (``chi_1 = 1``) for a bias variance ``sigma_b2``.

    linear 1 and relu 2 (He's rule) whatever the bias; for tanh 1 at ``sigma_b2 = 0``
    (LeCun's and Xavier's rule), rising with the bias (1.761 at ``sigma_b2 = 0.05``); found
    by regula falsi in ``log(sigma_w2)`` to ``|chi_1 - 1| < 1e-13``.

    Raises:
        TypeError, ValueError: a bad activation or ``sigma_b2``.

    >>> round(critical_sigma_w2("tanh", 0.05), 3)
    1.761
    """
    sigma_b2 = check_real("sigma_b2", sigma_b2, 0)
    return _critical(_name(activation), sigma_b2)


@functools.lru_cache(maxsize=1024)
def _critical(name, sigma_b2):
    if name in HOMOGENEOUS:
        return 1.0 / _k(name)  # E[f'(u)**2] = k: linear 1, relu 2, leaky 2 / (1 + s**2)
    if name == "tanh" and sigma_b2 == 0:
        return 1.0

    def chi(s):
        q = _fixed_point(name, s, sigma_b2, 1.0)
        return s * _second_moment(name, q)[1]

    lo, hi = math.log(0.5), math.log(4.0)
    while chi(math.exp(hi)) < 1:
        lo, hi = hi, hi + math.log(4.0)
    while chi(math.exp(lo)) > 1:
        lo, hi = lo - math.log(4.0), lo
    # the Illinois variant of regula falsi on chi(exp(x)) - 1: ~10 evaluations
    f_lo, f_hi = chi(math.exp(lo)) - 1, chi(math.exp(hi)) - 1
    side = 0
    for _ in range(100):
        x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
        fx = chi(math.exp(x)) - 1
        if fx == 0 or hi - lo < 1e-13:
            return math.exp(x)
        if fx < 0:
            lo, f_lo = x, fx
            if side == -1:
                f_hi /= 2
            side = -1
        else:
            hi, f_hi = x, fx
            if side == 1:
                f_lo /= 2
            side = 1
        if abs(fx) < 1e-13:
            return math.exp(x)
    return math.exp(0.5 * (lo + hi))

"""Which named initialization a layer's weights were drawn from, told from the weights alone.

A framework keeps no record of how a tensor was filled, so :func:`match_scheme` compares the
empirical distribution of the weights with each candidate's (a Kolmogorov-Smirnov distance,
computed here with numpy): the named fan-based schemes of :mod:`initviz.initializers`, and
``"pytorch_default"``, what ``nn.Linear`` and ``nn.Conv*d`` draw when nobody calls
``nn.init``: ``kaiming_uniform_(a=sqrt(5))``, i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
variance 1 / (3 fan_in) (Glorot & Bengio 2010's "standard" initialization; the bound is in
``torch/nn/modules/linear.py``, ``reset_parameters``). ``nn.Embedding``'s default, N(0, 1),
is ``"pytorch_default"`` for an embedding table. A normal scheme matches both Keras' draw
(truncated at 2 std, rescaled) and PyTorch's (``xavier_normal_``, ``kaiming_normal_``:
untruncated): both are "he_normal" etc. here, as the variance is what the lessons are about.

Where two schemes give the same distribution (LeCun and Glorot for a square layer) the first
in :data:`CANDIDATES` is named. Constant tensors are ``"zeros"``, ``"ones"`` or
``"constant"``.

>>> import numpy as np
>>> from initviz import initializers
>>> match_scheme(initializers.he_normal((256, 128), rng=0))
'he_normal'
>>> w = np.random.default_rng(0).uniform(-1, 1, (256, 128)) / 16     # 1 / sqrt(256)
>>> match_scheme(w)
'pytorch_default'
>>> match_scheme(0.37 * np.random.default_rng(1).standard_normal((256, 128))) is None
True
"""

from __future__ import annotations

import math

import numpy as np

from ..fans import compute_fans
from ..initializers import SCHEMES, TRUNCATED_NORMAL_STD

__all__ = ["CANDIDATES", "match_scheme", "ks_distance"]

#: The candidates, in the order ties are resolved: name -> (scale, mode, distribution) of
#: ``VarianceScaling`` (variance ``scale / n``). PyTorch's default first (the flag the
#: lessons care about), then Keras' default, then the rest of initviz's named schemes.
CANDIDATES = {"pytorch_default": (1.0 / 3.0, "fan_in", "uniform"),
              "glorot_uniform": SCHEMES["glorot_uniform"]}
CANDIDATES.update({name: spec for name, spec in SCHEMES.items() if name not in CANDIDATES})

# Accept a candidate when the KS distance is below 1.95 / sqrt(n): the 0.1 % critical value
# of the one-sample test (Smirnov's asymptotic 1.949), so that a layer drawn by a scheme is
# named with probability 0.999.
_KS_LEVEL = 1.95
_TIE = 0.3  # distances within 0.3 critical values of the best count as a tie
_MIN_VALUES = 50  # below this a distribution cannot be told from another
# Larger tensors are compared on an evenly strided subsample of at most this many values
# (deterministic; the critical distance is then 0.0044, against 0.03-0.2 between the
# schemes of a layer whose fan_in and fan_out differ by a third or more).
_MAX_VALUES = 200000


def _erf(x):
    """erf to 1.5e-7 (Abramowitz & Stegun 1964, 7.1.26), vectorized: far below the KS
    distances that tell schemes apart (> 1e-3)."""
    x = np.asarray(x, dtype=np.float64)
    t = 1.0 / (1.0 + 0.3275911 * np.abs(x))
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                                                                          + t * 1.061405429))))
    return np.sign(x) * (1.0 - poly * np.exp(-x * x))


def _normal_cdf(x, std):
    return 0.5 * (1.0 + _erf(x / (std * math.sqrt(2.0))))


def _cdf(distribution, variance, x):
    """The CDF at ``x`` of a zero-mean draw of ``distribution`` with ``variance``."""
    std = math.sqrt(variance)
    if distribution == "uniform":
        limit = math.sqrt(3.0) * std
        return np.clip((x + limit) / (2.0 * limit), 0.0, 1.0)
    if distribution == "untruncated_normal":
        return _normal_cdf(x, std)
    sigma = std / TRUNCATED_NORMAL_STD  # the normal before it is cut at 2 sigma
    lo = _normal_cdf(-2.0 * sigma, sigma)
    inside = (_normal_cdf(np.clip(x, -2 * sigma, 2 * sigma), sigma) - lo) / (1.0 - 2.0 * lo)
    return inside


def ks_distance(values, distribution, variance) -> float:
    """The Kolmogorov-Smirnov distance between the values and a zero-mean ``distribution``
    (``"uniform"``, ``"truncated_normal"`` or ``"untruncated_normal"``) of ``variance``.

    >>> round(ks_distance(np.linspace(-1, 1, 1001), "uniform", 1 / 3), 4)   # 1 / 1001
    0.001
    """
    return _ks_sorted(np.sort(np.asarray(values, dtype=np.float64).reshape(-1)), distribution,
                      variance)


def _ks_sorted(x, distribution, variance) -> float:
    """:func:`ks_distance` of values already sorted (``match_scheme`` sorts once for all its
    candidates)."""
    n = x.size
    f = _cdf(distribution, float(variance), x)
    above = np.arange(1, n + 1) / n - f
    below = f - np.arange(n) / n
    return float(max(above.max(), below.max()))


def match_scheme(weights, shape=None, embedding=False):
    """The named initialization the weights match, or None.

    Args:
        weights: array in initviz's layout, ``(fan_in, fan_out)`` or ``(*kernel, in, out)``.
        shape: the shape to compute the fans from (default ``weights.shape``).
        embedding: an embedding table ``(num_embeddings, dim)``: its candidates are
            ``nn.Embedding``'s N(0, 1) (``"pytorch_default"``) and Keras' U(-0.05, 0.05)
            (``"random_uniform"``), not the fan-based schemes.
    Returns:
        A name (``"pytorch_default"``, ``"he_normal"``, ``"glorot_uniform"``, ...,
        ``"zeros"``, ``"ones"``, ``"constant"``) or None (no candidate fits, or fewer than
        50 values, or values that are not finite).
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.size == 0 or not np.all(np.isfinite(w)):
        return None
    first = w.reshape(-1)[0]
    if np.all(w == first):
        return "zeros" if first == 0 else "ones" if first == 1 else "constant"
    if w.size < _MIN_VALUES:
        return None
    w = np.sort(w.reshape(-1)[::-(-w.size // _MAX_VALUES)])
    limit = _KS_LEVEL / math.sqrt(w.size)
    if embedding:
        candidates = {"pytorch_default": ("untruncated_normal", 1.0),
                      "random_uniform": ("uniform", 0.05 ** 2 / 3.0)}
    else:
        shape = np.shape(weights) if shape is None else tuple(shape)
        if len(shape) < 2:
            return None
        fan_in, fan_out = compute_fans(shape)
        n_of = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}
        candidates = {name: (dist, scale / max(1.0, float(n_of[mode])))
                      for name, (scale, mode, dist) in CANDIDATES.items()}
    distance = {}
    for name, (dist, var) in candidates.items():
        dists = ("truncated_normal", "untruncated_normal") if dist != "uniform" else (dist,)
        distance[name] = min(_ks_sorted(w, kind, var) for kind in dists)
    best = min(distance.values())
    if best >= limit:
        return None
    # the first candidate in order that fits about as well as the best: schemes closer than
    # the test can tell apart (Glorot and He for fan_out << fan_in) go to the earlier one
    return next(name for name, d in distance.items() if d <= best + _TIE * limit)

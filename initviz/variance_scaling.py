"""VarianceScaling, the core of the fan-based schemes, and its named specialisations.

:class:`VarianceScaling` draws weights of variance ``scale / n``, ``n`` being fan_in, fan_out
or their mean (:func:`initviz.fans.compute_fans`); LeCun, Glorot (Xavier) and He (Kaiming)
are three-line specialisations of it, as in Keras (``keras.initializers.HeNormal`` subclasses
``keras.initializers.VarianceScaling``). Use them through :mod:`initviz.initializers`.

The ``*_normal`` schemes draw a normal truncated at 2 standard deviations, widened by
``1 / TRUNCATED_NORMAL_STD`` so the variance is still ``scale / n`` (Keras' choice; PyTorch's
``xavier_normal_`` and ``kaiming_normal_`` are untruncated:
``VarianceScaling(distribution="untruncated_normal")``).

>>> HeNormal() == VarianceScaling(2.0, "fan_in", "truncated_normal")
True
>>> HeNormal()((250, 100), rng=0).shape
(250, 100)
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import check_choice, check_real
from .base_initializers import Initializer
from .fans import compute_fans

#: Standard deviation of a standard normal truncated to [-2, 2]:
#: sqrt(1 - 4 phi(2) / (2 Phi(2) - 1)) = 0.8796256610342398 (the constant in Keras'
#: ``VarianceScaling``, which divides the stddev by it to keep the target variance).
TRUNCATED_NORMAL_STD = 0.87962566103423978
MODES = ("fan_in", "fan_out", "fan_avg")
DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


def _truncated_standard_normal(shape, gen) -> np.ndarray:
    """Standard normal draws, each redrawn until it lies in [-2, 2] (95.45 % do at once)."""
    out = gen.standard_normal(shape)
    bad = np.abs(out) > 2.0
    while bad.any():
        out[bad] = gen.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2.0
    return out


class VarianceScaling(Initializer):
    """Weights with variance ``scale / n``, the core of every fan-based scheme.

    Args:
        scale: positive multiplier (1 for LeCun/Glorot, 2 for He; ``gain**2`` in PyTorch terms).
        mode: ``"fan_in"`` (n = fan_in, keeps the forward signal), ``"fan_out"`` (keeps the
            backward signal) or ``"fan_avg"`` (n = (fan_in + fan_out) / 2, Glorot's compromise).
        distribution: ``"truncated_normal"`` (normal cut at 2 std, rescaled to the target
            variance, Keras' default), ``"untruncated_normal"`` (plain normal, std
            ``sqrt(scale / n)``) or ``"uniform"`` (on [-limit, limit], limit
            ``sqrt(3 * scale / n)``, since U[-a, a] has variance a**2 / 3).
    Raises:
        TypeError: scale not a real number, mode or distribution not a string.
        ValueError: scale not finite and > 0; mode or distribution not a valid choice.
    References:
        ``keras.initializers.VarianceScaling``; n is ``max(1, n)`` as there.

    >>> init = VarianceScaling(scale=1 / 3, distribution="uniform")  # PyTorch's nn.Linear
    >>> round(init.limit((250, 100)) * 250 ** 0.5, 12)  # U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    1.0
    """

    name = "variance_scaling"
    _fields = ("scale", "mode", "distribution")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal"):
        self.scale = check_real("scale", scale, 0.0, low_open=True)
        self.mode = check_choice("mode", mode, MODES)
        self.distribution = check_choice("distribution", distribution, DISTRIBUTIONS)

    def _n(self, shape) -> float:
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        return max(1.0, float(n))

    def variance(self, shape):
        return self.scale / self._n(shape)

    def limit(self, shape) -> float:
        """Bound of the draws: ``sqrt(3 * scale / n)`` (uniform), 2 std of the unrescaled
        normal (truncated normal), or inf (untruncated normal).

        >>> round(GlorotUniform().limit((250, 100)), 6)  # sqrt(6 / (250 + 100))
        0.130931
        """
        std = self.std(shape)
        if self.distribution == "uniform":
            return math.sqrt(3.0) * std
        if self.distribution == "truncated_normal":
            return 2.0 * std / TRUNCATED_NORMAL_STD
        return math.inf

    def _draw(self, shape, gen):
        if self.distribution == "uniform":
            limit = self.limit(shape)
            return gen.uniform(-limit, limit, size=shape)
        std = self.std(shape)
        if self.distribution == "untruncated_normal":
            return std * gen.standard_normal(shape)
        return (std / TRUNCATED_NORMAL_STD) * _truncated_standard_normal(shape, gen)


# The named schemes: Keras' classes of the same names, each fixing VarianceScaling's arguments.
class LecunNormal(VarianceScaling):
    """LeCun normal: std = sqrt(1 / fan_in), truncated at 2 std and rescaled (Keras').

    This, not Xavier, is ``sqrt(1 / fan_in)``. LeCun et al. 1998, "Efficient BackProp",
    section 4.6 (std = m**-1/2 for m inputs); ``keras.initializers.LecunNormal``.

    >>> LecunNormal().variance((250, 100))  # 1 / 250
    0.004
    """

    name = "lecun_normal"

    def __init__(self):
        super().__init__(1.0, "fan_in", "truncated_normal")


class LecunUniform(VarianceScaling):
    """LeCun uniform: U[-limit, limit], limit = sqrt(3 / fan_in).

    LeCun et al. 1998, section 4.6; ``keras.initializers.LecunUniform``.

    >>> round(LecunUniform().limit((300, 10)), 12)  # sqrt(3 / 300)
    0.1
    """

    name = "lecun_uniform"

    def __init__(self):
        super().__init__(1.0, "fan_in", "uniform")


class GlorotNormal(VarianceScaling):
    """Glorot (Xavier) normal: std = sqrt(2 / (fan_in + fan_out)), truncated and rescaled.

    Glorot & Bengio 2010, eq. 12; ``keras.initializers.GlorotNormal``. PyTorch's
    ``xavier_normal_`` is not truncated. Alias: xavier_normal.

    >>> GlorotNormal().variance((150, 50))  # 2 / (150 + 50)
    0.01
    """

    name, aliases = "glorot_normal", ("xavier_normal",)

    def __init__(self):
        super().__init__(1.0, "fan_avg", "truncated_normal")


class GlorotUniform(VarianceScaling):
    """Glorot (Xavier) uniform: U[-limit, limit], limit = sqrt(6 / (fan_in + fan_out)).

    Keras' default kernel initializer. Glorot & Bengio 2010, eq. 16;
    ``keras.initializers.GlorotUniform``; ``torch.nn.init.xavier_uniform_``.
    Alias: xavier_uniform.

    >>> round(GlorotUniform().limit((400, 200)), 12)  # sqrt(6 / 600)
    0.1
    """

    name, aliases = "glorot_uniform", ("xavier_uniform",)

    def __init__(self):
        super().__init__(1.0, "fan_avg", "uniform")


class HeNormal(VarianceScaling):
    """He (Kaiming) normal: std = sqrt(2 / fan_in), truncated at 2 std and rescaled (Keras').

    He et al. 2015, "Delving Deep into Rectifiers", eq. 10; ``keras.initializers.HeNormal``.
    PyTorch's ``kaiming_normal_`` is not truncated. Alias: kaiming_normal.

    >>> HeNormal().variance((250, 100))  # 2 / 250
    0.008
    """

    name, aliases = "he_normal", ("kaiming_normal",)

    def __init__(self):
        super().__init__(2.0, "fan_in", "truncated_normal")


class HeUniform(VarianceScaling):
    """He (Kaiming) uniform: U[-limit, limit], limit = sqrt(6 / fan_in).

    He et al. 2015, eq. 10; ``keras.initializers.HeUniform``;
    ``torch.nn.init.kaiming_uniform_(nonlinearity="relu")`` on the transposed layout.
    Alias: kaiming_uniform.

    >>> round(HeUniform().limit((600, 10)), 12)  # sqrt(6 / 600)
    0.1
    """

    name, aliases = "he_uniform", ("kaiming_uniform",)

    def __init__(self):
        super().__init__(2.0, "fan_in", "uniform")


# Every class defined above, so that a new scheme is one new class.
__all__ = ["TRUNCATED_NORMAL_STD", "MODES", "DISTRIBUTIONS"] + [
    k for k, v in list(globals().items()) if isinstance(v, type) and issubclass(v, Initializer)
    and v.__module__ == __name__]

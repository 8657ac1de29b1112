"""The Initializer base class, and the initializers that do not look at fans.

Constants (:class:`Constant`, :class:`Zeros`, :class:`Ones`), plain random draws of a fixed
spread (:class:`RandomNormal`, :class:`RandomUniform`, Keras' defaults) and
:class:`Orthogonal`. The fan-based schemes are in :mod:`initviz.variance_scaling`; use all of
them through :mod:`initviz.initializers`, which lists them by name and re-exports them. An
initializer is a callable ``init(shape, rng=None, dtype=numpy.float64) -> ndarray``; shapes
are in Keras' layout (see :mod:`initviz.fans`).

>>> init = RandomNormal(stddev=0.01)
>>> init((250, 100), rng=0).shape, init.std((250, 100))
((250, 100), 0.01)
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from ._checks import as_generator, check_choice, check_real
from .fans import check_shape

DTYPES = ("float16", "float32", "float64")


def _check_dtype(dtype) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be one of {', '.join(DTYPES)}, got {dtype!r}") from None
    check_choice("dtype", dt.name, DTYPES)
    return dt


class Initializer:
    """Base class: ``init(shape, rng=None, dtype=numpy.float64) -> ndarray``.

    A subclass sets ``name`` (its name in the registry of :mod:`initviz.initializers`; a
    class without its own ``name`` is not listed), optionally ``aliases``, and
    ``distribution`` (the family of one weight's law: ``"constant"``, ``"uniform"``,
    ``"untruncated_normal"``, ``"truncated_normal"`` or ``"orthogonal"``). It keeps each
    ``__init__`` argument as an attribute of the same name (that is :meth:`get_config`).
    A class that defines ``_draw(shape, gen)`` (float64 draws) also lists in ``_fields`` the
    attributes that fix the law; subclasses that only fix arguments inherit both, so equal
    laws compare and hash equal: ``Zeros() == Constant(0.0)``, ``HeNormal() ==
    VarianceScaling(2.0)``.

    Args (of a call):
        shape: ``(fan_in, fan_out)`` for a dense kernel, ``(*kernel_size, in, out)`` for a
            convolution; positive integers.
        rng: None (fresh entropy), an int seed or a ``numpy.random.Generator``.
        dtype: float16, float32 or float64; draws are made in float64, then cast.
    Raises (of a call):
        TypeError, ValueError: a bad ``shape``, ``rng`` or ``dtype``.

    >>> RandomNormal(stddev=0.01)((2, 3), rng=0).dtype
    dtype('float64')
    """

    name = "initializer"
    aliases: tuple[str, ...] = ()
    _fields: tuple[str, ...] = ()

    def __call__(self, shape, rng=None, dtype=np.float64) -> np.ndarray:
        dims = check_shape(shape)
        dt = _check_dtype(dtype)
        return self._draw(dims, as_generator(rng)).astype(dt, copy=False)

    def _draw(self, shape, gen):  # pragma: no cover - abstract
        raise NotImplementedError

    def variance(self, shape) -> float:
        """Variance of one weight of a tensor of this ``shape``: the formula, not a sample.

        >>> RandomUniform(-0.3, 0.3).variance((4, 5))  # 0.6**2 / 12
        0.03
        """
        raise NotImplementedError  # pragma: no cover - abstract

    def std(self, shape) -> float:
        """Standard deviation of one weight: ``sqrt(variance(shape))``.

        >>> Orthogonal(gain=2.0).std((100, 100))  # 2 / sqrt(max(rows, cols))
        0.2
        """
        return math.sqrt(self.variance(shape))

    def get_config(self) -> dict:
        """The ``__init__`` arguments, so that ``type(init)(**init.get_config()) == init``.

        >>> RandomUniform(-0.1, 0.1).get_config()
        {'minval': -0.1, 'maxval': 0.1}
        >>> Zeros().get_config()  # fixed arguments, as Keras' Zeros
        {}
        """
        return {p: getattr(self, p) for p in inspect.signature(type(self)).parameters}

    def _law(self) -> tuple:
        core = next(c for c in type(self).__mro__ if "_fields" in vars(c))
        return (core, *(getattr(self, f) for f in core._fields))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{self.name}({args})"

    def __eq__(self, other):
        if not isinstance(other, Initializer):
            return NotImplemented
        return self._law() == other._law()

    def __hash__(self):
        return hash(self._law())


class Constant(Initializer):
    """Every weight equal to ``value`` (Keras ``Constant``). Variance 0: no symmetry breaking.

    Raises:
        TypeError: ``value`` not a real number; ValueError: inf or nan.

    >>> Constant(0.5)((2, 2))
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """

    name = "constant"
    distribution = "constant"
    _fields = ("value",)

    def __init__(self, value=0.0):
        self.value = check_real("value", value)

    def _draw(self, shape, gen):
        return np.full(shape, self.value, dtype=np.float64)

    def variance(self, shape):
        check_shape(shape)
        return 0.0


class Zeros(Constant):
    """All weights 0 (Keras ``Zeros``): every hidden unit starts, and stays, the same.

    >>> Zeros()((3,)), Zeros() == Constant(0.0)
    (array([0., 0., 0.]), True)
    """

    name = "zeros"

    def __init__(self):
        super().__init__(0.0)


class Ones(Constant):
    """All weights 1 (Keras ``Ones``).

    >>> Ones()((3,))
    array([1., 1., 1.])
    """

    name = "ones"

    def __init__(self):
        super().__init__(1.0)


class RandomNormal(Initializer):
    """Normal weights N(mean, stddev**2), untruncated (Keras ``RandomNormal``, default 0.05).

    ``RandomNormal(stddev=0.01)`` is the lecture's ``rng.standard_normal(shape) * 0.01``.

    Raises:
        TypeError: an argument not a real number; ValueError: inf, nan or ``stddev < 0``.

    >>> w = RandomNormal(stddev=0.01)((250, 100), rng=0)
    >>> bool(np.array_equal(w, 0.01 * np.random.default_rng(0).standard_normal((250, 100))))
    True
    """

    name = "random_normal"
    distribution = "untruncated_normal"
    _fields = ("mean", "stddev")

    def __init__(self, mean=0.0, stddev=0.05):
        self.mean = check_real("mean", mean)
        self.stddev = check_real("stddev", stddev, 0.0)

    def _draw(self, shape, gen):
        return self.mean + self.stddev * gen.standard_normal(shape)

    def variance(self, shape):
        check_shape(shape)
        return self.stddev**2


class RandomUniform(Initializer):
    """Uniform weights on [minval, maxval) (Keras ``RandomUniform``, default +-0.05).

    Variance ``(maxval - minval)**2 / 12``.

    Raises:
        TypeError: an argument not a real number; ValueError: inf, nan or
            ``minval >= maxval``.

    >>> w = RandomUniform(-0.3, 0.3)((250, 100), rng=0)
    >>> bool(w.min() >= -0.3 and w.max() < 0.3)
    True
    """

    name = "random_uniform"
    distribution = "uniform"
    _fields = ("minval", "maxval")

    def __init__(self, minval=-0.05, maxval=0.05):
        self.minval = check_real("minval", minval)
        self.maxval = check_real("maxval", maxval)
        if not self.minval < self.maxval:
            raise ValueError(
                f"minval must be < maxval, got minval={self.minval}, maxval={self.maxval}"
            )

    def _draw(self, shape, gen):
        return gen.uniform(self.minval, self.maxval, size=shape)

    def variance(self, shape):
        check_shape(shape)
        return (self.maxval - self.minval) ** 2 / 12.0


class Orthogonal(Initializer):
    """A (semi-)orthogonal matrix times ``gain`` (Keras ``Orthogonal``; Saxe et al. 2014).

    The tensor is flattened to ``(prod(shape[:-1]), shape[-1])``; the Q factor of a QR
    decomposition of a normal matrix, with the signs fixed by the diagonal of R, makes its
    columns (or rows, if there are fewer of them) orthonormal. One weight then has variance
    ``gain**2 / max(rows, cols)``.

    Raises:
        TypeError: gain not a real number; ValueError: gain not finite and > 0.
        ValueError (of a call): a shape with fewer than 2 dimensions.

    >>> w = Orthogonal(gain=2.0)((4, 4), rng=0)
    >>> bool(np.allclose(w.T @ w, 4 * np.eye(4)))
    True
    """

    name = "orthogonal"
    distribution = "orthogonal"
    _fields = ("gain",)

    def __init__(self, gain=1.0):
        self.gain = check_real("gain", gain, 0.0, low_open=True)

    @staticmethod
    def _flat(shape):
        dims = check_shape(shape, min_dims=2)
        return math.prod(dims[:-1]), dims[-1]

    def _draw(self, shape, gen):
        rows, cols = self._flat(shape)
        a = gen.standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q = q * np.where(np.diag(r) < 0, -1.0, 1.0)
        if rows < cols:
            q = q.T
        return self.gain * q.reshape(shape)

    def variance(self, shape):
        rows, cols = self._flat(shape)
        return self.gain**2 / max(rows, cols)


# Every class defined above, so that a new initializer is one new class.
__all__ = ["DTYPES"] + [
    k for k, v in list(globals().items()) if isinstance(v, type) and issubclass(v, Initializer)
    and v.__module__ == __name__]

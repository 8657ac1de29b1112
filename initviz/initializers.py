"""Weight initializers, with Keras 3 names and semantics, in plain numpy.

Every initializer is a callable ``init(shape, rng=None, dtype=numpy.float64) -> ndarray``.
Weight matrices have shape ``(fan_in, fan_out)`` (Keras' kernel layout; PyTorch stores the
transpose, ``(fan_out, fan_in)``), so a dense layer computes ``z = x @ W + b``. Convolution
kernels have shape ``(*kernel_size, in_channels, out_channels)``.

One core, :class:`VarianceScaling`, draws weights with variance ``scale / n`` where ``n`` is
fan_in, fan_out or their average; the named schemes are specialisations of it, as in Keras'
``keras/src/initializers/random_initializers.py``:

==================  =========  =======  ===================  =======================================
name                scale      mode     distribution         variance of the weights
==================  =========  =======  ===================  =======================================
lecun_normal        1          fan_in   truncated_normal     1 / fan_in            (LeCun et al. 1998)
lecun_uniform       1          fan_in   uniform              1 / fan_in
glorot_normal       1          fan_avg  truncated_normal     2 / (fan_in + fan_out) (Glorot & Bengio 2010)
glorot_uniform      1          fan_avg  uniform              2 / (fan_in + fan_out)
he_normal           2          fan_in   truncated_normal     2 / fan_in            (He et al. 2015)
he_uniform          2          fan_in   uniform              2 / fan_in
==================  =========  =======  ===================  =======================================

The ``*_normal`` schemes, like Keras', draw a normal truncated at two standard deviations and
widen it by ``1 / 0.87962566103423978`` so that the variance is still the target. (PyTorch's
``xavier_normal_`` and ``kaiming_normal_`` are not truncated; use
``variance_scaling(distribution="untruncated_normal")`` for those.) A uniform on
``[-limit, limit]`` has variance ``limit**2 / 3``, so ``limit = sqrt(3 * scale / n)``: for
Glorot ``sqrt(6 / (fan_in + fan_out))``, for He ``sqrt(6 / fan_in)``.

Aliases: ``xavier_*`` is ``glorot_*`` and ``kaiming_*`` is ``he_*``. Note that
``sqrt(1 / fan_in)`` is LeCun's standard deviation, not Xavier's, although many tutorials call
it Xavier.
"""

from __future__ import annotations

import difflib
import math
import numbers

import numpy as np

from ._util import as_generator

__all__ = [
    "Initializer",
    "Zeros",
    "Ones",
    "Constant",
    "RandomNormal",
    "RandomUniform",
    "VarianceScaling",
    "Orthogonal",
    "zeros",
    "ones",
    "lecun_normal",
    "lecun_uniform",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "orthogonal",
    "compute_fans",
    "calculate_gain",
    "get",
    "names",
    "as_generator",
]

# The standard deviation of a standard normal truncated to [-2, 2]; Keras divides by it so a
# truncated normal keeps the target variance (keras/src/initializers/random_initializers.py).
TRUNCATED_NORMAL_STD = 0.87962566103423978

MODES = ("fan_in", "fan_out", "fan_avg")
DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")
DTYPES = ("float16", "float32", "float64")


# --------------------------------------------------------------------------------------------
# argument checks shared by the whole package
# --------------------------------------------------------------------------------------------
def _check_shape(shape) -> tuple[int, ...]:
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError:
        raise TypeError(f"shape must be a tuple of positive ints, got {shape!r}") from None
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, numbers.Integral):
            raise TypeError(f"shape must be a tuple of positive ints, got {shape!r}")
        if d <= 0:
            raise ValueError(
                f"every dimension of shape must be a positive integer, got {dims} "
                f"(dimension {d})"
            )
    return tuple(int(d) for d in dims)


def _check_dtype(dtype) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be one of {DTYPES}, got {dtype!r}") from None
    if dt.name not in DTYPES:
        raise ValueError(f"dtype must be one of {DTYPES}, got {dt.name!r}")
    return dt


def _check_number(name, value, *, low=None, low_inclusive=True) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if low is not None and (value < low or (value == low and not low_inclusive)):
        bound = ">=" if low_inclusive else ">"
        raise ValueError(f"{name} must be {bound} {low}, got {value}")
    return value


def _check_choice(name, value, choices) -> str:
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")
    return value


# --------------------------------------------------------------------------------------------
# fans and gains
# --------------------------------------------------------------------------------------------
def compute_fans(shape) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` of a weight tensor in Keras' layout.

    Args:
        shape: ``(n,)`` (both fans ``n``), ``(fan_in, fan_out)`` for a dense kernel, or
            ``(*kernel_size, in_channels, out_channels)`` for a convolution kernel, whose fans
            are the channels times the receptive field size ``prod(kernel_size)``.
    Returns:
        ``(fan_in, fan_out)`` as Python ints.
    Raises:
        TypeError, ValueError: if ``shape`` is not a non-empty tuple of positive ints.
    References:
        ``keras.src.initializers.random_initializers.compute_fans``; PyTorch's
        ``_calculate_fan_in_and_fan_out`` gives the same numbers for its transposed layout.
    """
    dims = _check_shape(shape)
    if len(dims) == 0:
        raise ValueError("shape must have at least one dimension, got ()")
    if len(dims) == 1:
        return dims[0], dims[0]
    receptive_field = math.prod(dims[:-2])
    return dims[-2] * receptive_field, dims[-1] * receptive_field


_LINEAR_GAINS = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                 "conv_transpose3d", "sigmoid")
_GAINS = _LINEAR_GAINS + ("tanh", "relu", "leaky_relu", "selu")


def calculate_gain(nonlinearity: str, param=None) -> float:
    """Return the recommended gain for a nonlinearity, as PyTorch's ``nn.init.calculate_gain``.

    ==============  ===========================
    nonlinearity    gain
    ==============  ===========================
    linear, conv*   1
    sigmoid         1
    tanh            5/3
    relu            sqrt(2)
    leaky_relu      sqrt(2 / (1 + slope**2))
    selu            3/4
    ==============  ===========================

    The gain multiplies a standard deviation: He normal is ``gain("relu") / sqrt(fan_in)``.

    Args:
        nonlinearity: one of the names above.
        param: the negative slope for ``leaky_relu`` (default 0.01, PyTorch's); ignored
            otherwise.
    Raises:
        ValueError: for an unknown name, or a ``param`` that is not a finite number.
    References:
        ``torch.nn.init.calculate_gain``; He et al. 2015 for relu and leaky_relu.
    """
    if nonlinearity not in _GAINS:
        raise ValueError(
            f"unknown nonlinearity {nonlinearity!r}; valid choices: {', '.join(_GAINS)}"
        )
    if nonlinearity in _LINEAR_GAINS:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "selu":
        return 3.0 / 4.0
    slope = 0.01 if param is None else param
    if isinstance(slope, bool) or not isinstance(slope, numbers.Real) or not math.isfinite(slope):
        raise ValueError(f"negative_slope {param!r} is not a valid number")
    return math.sqrt(2.0 / (1.0 + slope**2))


# --------------------------------------------------------------------------------------------
# initializers
# --------------------------------------------------------------------------------------------
class Initializer:
    """Base class: ``init(shape, rng=None, dtype=np.float64) -> ndarray``.

    Subclasses implement ``_draw(shape, gen)`` (float64) and ``variance(shape)``, the
    variance of one weight; ``std(shape)`` is its square root.
    """

    name = "initializer"

    def __call__(self, shape, rng=None, dtype=np.float64) -> np.ndarray:
        dims = _check_shape(shape)
        dt = _check_dtype(dtype)
        gen = as_generator(rng)
        return self._draw(dims, gen).astype(dt, copy=False)

    def _draw(self, shape, gen):  # pragma: no cover - abstract
        raise NotImplementedError

    def variance(self, shape) -> float:
        """Variance of one weight of a tensor of this shape (the formula, not a sample)."""
        raise NotImplementedError  # pragma: no cover - abstract

    def std(self, shape) -> float:
        """Standard deviation of one weight: ``sqrt(variance(shape))``."""
        return math.sqrt(self.variance(shape))

    def get_config(self) -> dict:
        return {}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{self.name}({args})"

    def __eq__(self, other):
        return type(self) is type(other) and self.get_config() == other.get_config()

    def __hash__(self):
        return hash((type(self), tuple(sorted(self.get_config().items()))))


class Constant(Initializer):
    """Every weight equal to ``value`` (Keras ``Constant``). Variance 0: no symmetry breaking."""

    name = "constant"

    def __init__(self, value=0.0):
        self.value = _check_number("value", value)

    def _draw(self, shape, gen):
        return np.full(shape, self.value, dtype=np.float64)

    def variance(self, shape):
        _check_shape(shape)
        return 0.0

    def get_config(self):
        return {"value": self.value}


class Zeros(Constant):
    """All weights 0 (Keras ``Zeros``): every hidden unit starts, and stays, the same."""

    name = "zeros"

    def __init__(self):
        super().__init__(0.0)

    def get_config(self):
        return {}


class Ones(Constant):
    """All weights 1 (Keras ``Ones``)."""

    name = "ones"

    def __init__(self):
        super().__init__(1.0)

    def get_config(self):
        return {}


class RandomNormal(Initializer):
    """Normal weights N(mean, stddev**2), untruncated (Keras ``RandomNormal``, default 0.05).

    ``RandomNormal(stddev=0.01)`` is the lecture's ``rng.standard_normal(shape) * 0.01``.
    """

    name = "random_normal"

    def __init__(self, mean=0.0, stddev=0.05):
        self.mean = _check_number("mean", mean)
        self.stddev = _check_number("stddev", stddev, low=0.0)

    def _draw(self, shape, gen):
        return self.mean + self.stddev * gen.standard_normal(shape)

    def variance(self, shape):
        _check_shape(shape)
        return self.stddev**2

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev}


class RandomUniform(Initializer):
    """Uniform weights on [minval, maxval) (Keras ``RandomUniform``, default +-0.05).

    Variance ``(maxval - minval)**2 / 12``.
    """

    name = "random_uniform"

    def __init__(self, minval=-0.05, maxval=0.05):
        self.minval = _check_number("minval", minval)
        self.maxval = _check_number("maxval", maxval)
        if not self.minval < self.maxval:
            raise ValueError(
                f"minval must be < maxval, got minval={self.minval}, maxval={self.maxval}"
            )

    def _draw(self, shape, gen):
        return gen.uniform(self.minval, self.maxval, size=shape)

    def variance(self, shape):
        _check_shape(shape)
        return (self.maxval - self.minval) ** 2 / 12.0

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval}


def _truncated_standard_normal(shape, gen) -> np.ndarray:
    """Standard normal draws, redrawn until every value lies in [-2, 2]."""
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
            ``sqrt(3 * scale / n)``).
    Raises:
        ValueError: scale not finite and > 0; mode or distribution not a valid choice.
    References:
        ``keras.initializers.VarianceScaling``; n is ``max(1, n)`` as there.
    """

    name = "variance_scaling"

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal"):
        self.scale = _check_number("scale", scale, low=0.0, low_inclusive=False)
        self.mode = _check_choice("mode", mode, MODES)
        self.distribution = _check_choice("distribution", distribution, DISTRIBUTIONS)

    def _n(self, shape) -> float:
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        return max(1.0, float(n))

    def variance(self, shape):
        return self.scale / self._n(shape)

    def limit(self, shape) -> float:
        """Bound of the draws: ``sqrt(3 * scale / n)`` (uniform) or 2 std (truncated normal).

        Returns inf for the untruncated normal.
        """
        if self.distribution == "uniform":
            return math.sqrt(3.0 * self.variance(shape))
        if self.distribution == "truncated_normal":
            return 2.0 * math.sqrt(self.variance(shape)) / TRUNCATED_NORMAL_STD
        compute_fans(shape)
        return math.inf

    def _draw(self, shape, gen):
        std = math.sqrt(self.variance(shape))
        if self.distribution == "uniform":
            limit = math.sqrt(3.0) * std
            return gen.uniform(-limit, limit, size=shape)
        if self.distribution == "untruncated_normal":
            return std * gen.standard_normal(shape)
        return (std / TRUNCATED_NORMAL_STD) * _truncated_standard_normal(shape, gen)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution}


class _Named(VarianceScaling):
    """A named VarianceScaling scheme (LeCun, Glorot, He): fixed arguments, its own repr."""

    def __init__(self, name, scale, mode, distribution):
        super().__init__(scale, mode, distribution)
        self.name = name

    def __repr__(self):
        return f"{self.name}()"

    def __eq__(self, other):
        return isinstance(other, VarianceScaling) and self.get_config() == other.get_config()

    def __hash__(self):
        return super().__hash__()


class Orthogonal(Initializer):
    """A (semi-)orthogonal matrix times ``gain`` (Keras ``Orthogonal``; Saxe et al. 2014).

    The tensor is flattened to ``(prod(shape[:-1]), shape[-1])``; the Q factor of a QR
    decomposition of a normal matrix, with the signs fixed by the diagonal of R, makes its
    columns (or rows, if there are fewer of them) orthonormal. One weight then has variance
    ``gain**2 / max(rows, cols)``.

    Raises:
        ValueError: gain not finite and > 0; a shape with fewer than 2 dimensions.
    """

    name = "orthogonal"

    def __init__(self, gain=1.0):
        self.gain = _check_number("gain", gain, low=0.0, low_inclusive=False)

    @staticmethod
    def _flat(shape):
        dims = _check_shape(shape)
        if len(dims) < 2:
            raise ValueError(f"orthogonal needs a shape with at least 2 dimensions, got {dims}")
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

    def get_config(self):
        return {"gain": self.gain}


#: The named fan-based schemes: name -> (scale, mode, distribution) of VarianceScaling.
SCHEMES = {
    "lecun_normal": (1.0, "fan_in", "truncated_normal"),
    "lecun_uniform": (1.0, "fan_in", "uniform"),
    "glorot_normal": (1.0, "fan_avg", "truncated_normal"),
    "glorot_uniform": (1.0, "fan_avg", "uniform"),
    "he_normal": (2.0, "fan_in", "truncated_normal"),
    "he_uniform": (2.0, "fan_in", "uniform"),
}

_FACTORIES = {
    "zeros": Zeros,
    "ones": Ones,
    "constant": Constant,
    "random_normal": RandomNormal,
    "random_uniform": RandomUniform,
    "variance_scaling": VarianceScaling,
    "orthogonal": Orthogonal,
}
_FACTORIES.update({name: (lambda n=name: _Named(n, *SCHEMES[n])) for name in SCHEMES})

_ALIASES = {
    "xavier_normal": "glorot_normal",
    "xavier_uniform": "glorot_uniform",
    "kaiming_normal": "he_normal",
    "kaiming_uniform": "he_uniform",
}


def names(aliases: bool = False) -> list[str]:
    """The valid initializer names, in teaching order; with ``aliases=True`` the aliases too."""
    out = list(_FACTORIES)
    return out + list(_ALIASES) if aliases else out


def get(identifier, **kwargs):
    """Return an initializer from a name, or pass a callable through.

    Args:
        identifier: a name from :func:`names` (``"glorot_uniform"``, ``"he_normal"``, ...) or
            an alias (``"xavier_*"``, ``"kaiming_*"``); or any callable, returned unchanged.
        **kwargs: the named initializer's arguments: ``constant(value=)``,
            ``random_normal(mean=, stddev=)``, ``random_uniform(minval=, maxval=)``,
            ``variance_scaling(scale=, mode=, distribution=)``, ``orthogonal(gain=)``.
    Returns:
        A callable ``init(shape, rng=None, dtype=numpy.float64) -> ndarray``.
    Raises:
        ValueError: an unknown name (the message names it, the closest match, and every
            valid name); TypeError: an identifier that is neither a str nor callable, an
            argument the initializer does not take, or kwargs with a callable.
    References:
        ``keras.initializers.get``.
    """
    if callable(identifier) and not isinstance(identifier, str):
        if kwargs:
            raise TypeError(f"keyword arguments {sorted(kwargs)} need a name, not a callable")
        return identifier
    if not isinstance(identifier, str):
        raise TypeError(
            f"initializer must be a name or a callable, got {identifier!r} "
            f"({type(identifier).__name__})"
        )
    key = _ALIASES.get(identifier.lower(), identifier.lower())
    if key not in _FACTORIES:
        valid = names(aliases=True)
        close = difflib.get_close_matches(identifier.lower(), valid, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"unknown initializer {identifier!r}.{hint} Valid names: {', '.join(valid)}"
        )
    try:
        return _FACTORIES[key](**kwargs)
    except TypeError as err:
        raise TypeError(f"{key}: {err}") from None


# Module-level functions for the named schemes, in the style ``he_normal(shape, rng)``.
def _scheme_function(name, formula, reference):
    init = get(name)

    def draw(shape, rng=None, dtype=np.float64):
        return init(shape, rng=rng, dtype=dtype)

    draw.__name__ = draw.__qualname__ = name
    draw.__doc__ = f"""Draw {name} weights: {formula}.

    Args:
        shape: (fan_in, fan_out) for a dense kernel; (*kernel, in, out) for a conv kernel.
        rng: None, an int seed or a numpy Generator.
        dtype: float16, float32 or float64.
    Returns:
        ndarray of ``shape``, mean 0, the variance above.
    Raises:
        ValueError, TypeError: a dimension of ``shape`` that is not a positive integer; a
        bad ``rng`` or ``dtype``.
    References:
        {reference}
    """
    return draw


lecun_normal = _scheme_function(
    "lecun_normal",
    "std = sqrt(1 / fan_in), truncated at 2 std and rescaled as Keras' LecunNormal",
    "LeCun et al. 1998, 'Efficient BackProp', section 4.6; keras.initializers.LecunNormal.",
)
lecun_uniform = _scheme_function(
    "lecun_uniform",
    "uniform on [-limit, limit], limit = sqrt(3 / fan_in)",
    "LeCun et al. 1998; keras.initializers.LecunUniform.",
)
glorot_normal = _scheme_function(
    "glorot_normal",
    "std = sqrt(2 / (fan_in + fan_out)), truncated at 2 std and rescaled as Keras' "
    "GlorotNormal (PyTorch's xavier_normal_ is not truncated)",
    "Glorot & Bengio 2010, eq. 12; keras.initializers.GlorotNormal. Also xavier_normal.",
)
glorot_uniform = _scheme_function(
    "glorot_uniform",
    "uniform on [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)) (Keras' default)",
    "Glorot & Bengio 2010, eq. 16; keras.initializers.GlorotUniform; "
    "torch.nn.init.xavier_uniform_. Also xavier_uniform.",
)
he_normal = _scheme_function(
    "he_normal",
    "std = sqrt(2 / fan_in), truncated at 2 std and rescaled as Keras' HeNormal",
    "He et al. 2015, 'Delving Deep into Rectifiers', eq. 10; keras.initializers.HeNormal. "
    "Also kaiming_normal.",
)
he_uniform = _scheme_function(
    "he_uniform",
    "uniform on [-limit, limit], limit = sqrt(6 / fan_in)",
    "He et al. 2015, eq. 10; keras.initializers.HeUniform; "
    "torch.nn.init.kaiming_uniform_(nonlinearity='relu') on the transposed layout. "
    "Also kaiming_uniform.",
)


def zeros(shape, rng=None, dtype=np.float64):
    """All-zero weights of ``shape`` (``rng`` is accepted and unused). See :class:`Zeros`."""
    return Zeros()(shape, rng=rng, dtype=dtype)


def ones(shape, rng=None, dtype=np.float64):
    """All-one weights of ``shape`` (``rng`` is accepted and unused). See :class:`Ones`."""
    return Ones()(shape, rng=rng, dtype=dtype)


def orthogonal(shape, rng=None, dtype=np.float64, gain=1.0):
    """A (semi-)orthogonal weight matrix times ``gain``. See :class:`Orthogonal`."""
    return Orthogonal(gain)(shape, rng=rng, dtype=dtype)

"""Weight initializers by name, with Keras 3 names and semantics, in plain numpy.

Every initializer is a callable ``init(shape, rng=None, dtype=numpy.float64) -> ndarray``.
Weight matrices have shape ``(fan_in, fan_out)`` (Keras' kernel layout; PyTorch stores the
transpose, ``(fan_out, fan_in)``), so a dense layer computes ``z = x @ W + b``. Convolution
kernels have shape ``(*kernel_size, in_channels, out_channels)``.

This module is the front door: :func:`get` and :func:`names` look initializers up by name,
and it re-exports the classes, :func:`compute_fans` and :func:`calculate_gain` (from
:mod:`initviz.fans`) and :func:`as_generator`. The classes live in
:mod:`initviz.base_initializers` (the base class, constants, plain random, orthogonal) and
:mod:`initviz.variance_scaling` (the fan-based schemes). The registry is built from them:
each class with its own ``name`` is listed, with its ``aliases``, and gets a module-level
function of that name (``he_normal(shape, rng=None, dtype=...)``).

One core, :class:`VarianceScaling`, draws weights with variance ``scale / n`` where ``n`` is
fan_in, fan_out or their average; the named schemes are specialisations of it, as in Keras:

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
``variance_scaling(shape, distribution="untruncated_normal")`` for those.) A uniform on
``[-limit, limit]`` has variance ``limit**2 / 3``, so ``limit = sqrt(3 * scale / n)``: for
Glorot ``sqrt(6 / (fan_in + fan_out))``, for He ``sqrt(6 / fan_in)``.

Aliases: ``xavier_*`` is ``glorot_*`` and ``kaiming_*`` is ``he_*``. Note that
``sqrt(1 / fan_in)`` is LeCun's standard deviation, not Xavier's, although many tutorials call
it Xavier.

>>> get("kaiming_normal")
he_normal()
>>> w = he_normal((250, 100), rng=0)  # std sqrt(2 / 250) = 0.0894
>>> round(float(w.std()), 3), round(get("he_normal").std((250, 100)), 3)
(0.089, 0.089)
"""

from __future__ import annotations

import inspect

import numpy as np

from . import base_initializers, variance_scaling
from ._checks import as_generator, check_choice
from .base_initializers import DTYPES, Initializer
from .fans import calculate_gain, compute_fans
from .variance_scaling import DISTRIBUTIONS, MODES, TRUNCATED_NORMAL_STD, VarianceScaling

# The modules whose initializer classes are listed by name.
_MODULES = (base_initializers.__name__, variance_scaling.__name__)


def _named_classes(cls=Initializer):
    """The classes of :data:`_MODULES` below ``cls`` that have their own ``name``.

    In order of definition, base_initializers first, and each specialisation before the
    class it specialises (a post-order walk): zeros, ones, constant, random_normal,
    random_uniform, orthogonal, lecun_normal, ..., he_uniform, variance_scaling.
    """
    for sub in cls.__subclasses__():
        yield from _named_classes(sub)
        if sub.__module__ in _MODULES and "name" in vars(sub):
            yield sub


_CLASSES = {cls.name: cls for cls in _named_classes()}
_ALIASES = {alias: cls.name for cls in _CLASSES.values() for alias in cls.aliases}

#: The named fan-based schemes: name -> (scale, mode, distribution) of VarianceScaling.
SCHEMES = {name: (cls().scale, cls().mode, cls().distribution)
           for name, cls in _CLASSES.items()
           if issubclass(cls, VarianceScaling) and cls is not VarianceScaling}


def names(aliases: bool = False) -> list[str]:
    """The valid initializer names, in teaching order; with ``aliases=True`` the aliases too.

    >>> names()[:3], names(aliases=True)[-1]
    (['zeros', 'ones', 'constant'], 'kaiming_uniform')
    """
    return list(_CLASSES) + (list(_ALIASES) if aliases else [])


def get(identifier, **kwargs):
    """Return an initializer from a name, or pass a callable through.

    Args:
        identifier: a name from :func:`names` (``"glorot_uniform"``, ``"he_normal"``, ...;
            any case) or an alias (``"xavier_*"``, ``"kaiming_*"``); or any callable,
            returned unchanged.
        **kwargs: the named class's arguments: ``constant(value=)``,
            ``random_normal(mean=, stddev=)``, ``random_uniform(minval=, maxval=)``,
            ``variance_scaling(scale=, mode=, distribution=)``, ``orthogonal(gain=)``.
    Returns:
        A callable ``init(shape, rng=None, dtype=numpy.float64) -> ndarray``.
    Raises:
        ValueError: an unknown name (the message names it, the closest match, and every
            valid name). TypeError: an identifier that is neither a str nor callable, an
            argument the initializer does not take, or kwargs with a callable.
    References:
        ``keras.initializers.get``.

    >>> get("random_normal", stddev=0.01)
    random_normal(mean=0.0, stddev=0.01)
    >>> get("glorot_unifrom")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: initializer must be one of 'zeros', ... (did you mean 'glorot_uniform'?)
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
    key = check_choice("initializer", identifier.lower(), names(aliases=True))
    key = _ALIASES.get(key, key)
    try:
        return _CLASSES[key](**kwargs)
    except TypeError as err:
        raise TypeError(f"{key}: {err}") from None


def _function_for(cls):
    """The module-level function ``name(shape, rng=None, dtype=float64, *args)`` of ``cls``."""
    args = list(inspect.signature(cls).parameters.values())

    def draw(shape, rng=None, dtype=np.float64, *cls_args, **cls_kwargs):
        return cls(*cls_args, **cls_kwargs)(shape, rng=rng, dtype=dtype)

    call = inspect.signature(draw).parameters
    draw.__signature__ = inspect.Signature(
        [call["shape"], call["rng"], call["dtype"]]
        + [p.replace(kind=p.POSITIONAL_OR_KEYWORD) for p in args])
    draw.__name__ = draw.__qualname__ = cls.name
    passed = ", ".join(f"{p.name}={p.name}" for p in args)
    more = f"\n        {', '.join(p.name for p in args)}: as :class:`{cls.__name__}`." if args else ""
    summary = cls.__doc__.strip().splitlines()[0]
    draw.__doc__ = f"""Draw {cls.name} weights. {summary}

    Shorthand for ``{cls.__name__}({passed})(shape, rng=rng, dtype=dtype)``; see
    :class:`{cls.__name__}` for the formula and its source.

    Args:
        shape: ``(fan_in, fan_out)`` for a dense kernel; ``(*kernel, in, out)`` for a
            convolution kernel.
        rng: None, an int seed or a numpy Generator (see :func:`as_generator`).
        dtype: float16, float32 or float64.{more}
    Returns:
        ndarray of ``shape`` and ``dtype``.
    Raises:
        TypeError, ValueError: a bad ``shape``, ``rng``, ``dtype`` or argument.

    >>> w = {cls.name}((4, 3), rng=0, dtype="float32")
    >>> w.shape, w.dtype.name
    ((4, 3), 'float32')
    >>> bool(np.array_equal(w, {cls.__name__}()((4, 3), rng=0).astype("float32")))
    True
    """
    return draw


# One function per registered name: he_normal(shape, rng=None, dtype=np.float64), ...;
# orthogonal(shape, rng=None, dtype=np.float64, gain=1.0) takes its class's arguments too.
globals().update({name: _function_for(cls) for name, cls in _CLASSES.items()})
# The classes under their own names (HeNormal, ...), so that a new class needs no edit here.
globals().update({cls.__name__: cls for cls in _CLASSES.values()})

__all__ = (["Initializer"] + [cls.__name__ for cls in _CLASSES.values()] + list(_CLASSES)
           + ["compute_fans", "calculate_gain", "get", "names", "as_generator", "SCHEMES",
              "TRUNCATED_NORMAL_STD"])

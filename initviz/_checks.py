"""Argument checks: the one home for them, with one rule, used by every initviz module.

The rule (scikit-learn's ``check_scalar`` is the model): a wrong *type* raises TypeError, a
bad *value* raises ValueError; numpy scalars are accepted wherever Python numbers are (bools
are not numbers here); every message names the argument, the value given and the valid range
or choices. Private: public modules re-export what users need (``initializers.as_generator``).

>>> check_int("depth", np.int64(3), 1)
3
>>> check_int("depth", 2.5, 1)
Traceback (most recent call last):
TypeError: depth must be an int >= 1, got 2.5
>>> check_real("lr", np.float32(0.5), 0, low_open=True)
0.5
>>> check_choice("activation", "tanhh", ("relu", "tanh"))
Traceback (most recent call last):
ValueError: activation must be one of 'relu', 'tanh', got 'tanhh' (did you mean 'tanh'?)
"""

from __future__ import annotations

import difflib
import math
import numbers

import numpy as np

__all__ = ["as_generator", "check_int", "check_real", "check_choice", "check_bool",
           "check_ints", "check_array", "check_data"]


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _interval(low, high, low_open, high_open) -> str:
    if high is None:
        return f"> {low}" if low_open else f">= {low}"
    if low is None:
        return f"< {high}" if high_open else f"<= {high}"
    return f"in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"


def check_int(name: str, value, low=None, high=None) -> int:
    """Return ``value`` as an int if it is an integer in [low, high] (None: unbounded).

    Raises:
        TypeError: not an integer (a float such as 2.0 or 2.5, a bool, a string).
        ValueError: outside [low, high].
    """
    want = "an int" if low is None and high is None else \
        f"an int {_interval(low, high, False, False)}"
    if not _is_int(value):
        raise TypeError(f"{name} must be {want}, got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be {want}, got {int(value)}")
    return int(value)


def check_ints(name: str, values, low=None, high=None, *, min_length: int = 1) -> list:
    """Return a sequence of integers as a list of ints, each checked like :func:`check_int`.

    Raises:
        TypeError: not a sequence, or an element is not an integer (2.5 is not truncated).
        ValueError: fewer than ``min_length`` elements, or an element out of range.
    """
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise TypeError(f"{name} must be a sequence of ints, got {values!r}")
    values = list(np.asarray(values).tolist()) if isinstance(values, np.ndarray) else list(values)
    if len(values) < min_length:
        raise ValueError(f"{name} must have at least {min_length} entries, got {values!r}")
    return [check_int(f"{name}[{i}]", v, low, high) for i, v in enumerate(values)]


def check_real(name: str, value, low=None, high=None, *, low_open=False, high_open=False,
               finite=True) -> float:
    """Return ``value`` as a float if it is a real number in the interval (None: unbounded).

    Args:
        low, high: the bounds; ``low_open``/``high_open`` exclude them.
        finite: reject inf and nan (a ValueError that says so).
    Raises:
        TypeError: not a real number (a string, a bool, a complex, None).
        ValueError: inf or nan (when ``finite``), or outside the interval.
    """
    bounded = low is not None or high is not None
    want = ("a finite number" if finite else "a number") + (
        f" {_interval(low, high, low_open, high_open)}" if bounded else "")
    if not _is_real(value):
        raise TypeError(f"{name} must be {want}, got {value!r} ({type(value).__name__})")
    value = float(value)
    if math.isnan(value) or (finite and math.isinf(value)):
        raise ValueError(f"{name} must be {want}, got {value}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        raise ValueError(f"{name} must be {want}, got {value!r}")
    return value


def check_choice(name: str, value, choices):
    """Return ``value`` if it is one of ``choices`` (strings); suggest the closest otherwise.

    Raises:
        TypeError: not a string. ValueError: not one of ``choices``.
    """
    listed = ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {listed}, got {value!r} "
                        f"({type(value).__name__})")
    if value not in choices:
        close = difflib.get_close_matches(value, list(choices), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"{name} must be one of {listed}, got {value!r}{hint}")
    return value


def check_bool(name: str, value) -> bool:
    """Return ``value`` as a bool if it is a bool (Python or numpy).

    Raises:
        TypeError: anything else (1 and "yes" are not bools).
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_array(name: str, values) -> np.ndarray:
    """Return ``values`` (an array or nested sequences of real numbers) as a float64 array.

    Raises:
        TypeError: values that are not real numbers (strings, objects, complex).
        ValueError: ragged nested sequences (not a rectangular array).
    """
    try:
        arr = np.asarray(values)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"{name} is not a rectangular array: {err}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {arr.dtype}")
    return arr.astype(np.float64)


def check_data(X, n_features=None, name="X") -> np.ndarray:
    """Return ``X`` as a float64 array of shape (n_samples, n_features), or raise.

    Raises:
        TypeError: X is not numeric.
        ValueError: X is not 2-D, is empty, has the wrong number of features, or holds
            nan/inf (the message counts them).

    >>> check_data([[1, 2]], n_features=2)
    array([[1., 2.]])
    >>> check_data([[1.0, float("nan")]])
    Traceback (most recent call last):
    ValueError: X contains 1 nan/inf value(s); clean or impute them first
    """
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a numeric array, got {type(X).__name__}") from None
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {X.shape}")
    if X.shape[0] == 0:
        raise ValueError(f"{name} has no samples (shape {X.shape})")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(
            f"{name} has {X.shape[1]} features but the network's input layer has {n_features}"
        )
    bad = np.size(X) - np.count_nonzero(np.isfinite(X))
    if bad:
        raise ValueError(f"{name} contains {bad} nan/inf value(s); clean or impute them first")
    return X


def as_generator(rng) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` for ``rng``.

    Args:
        rng: None (fresh, unseeded entropy), a non-negative int seed (numpy ints too), or a
            Generator (returned as is, so draws continue its stream).
    Raises:
        TypeError: for any other type (a bool, a float, ``np.random.RandomState``...).
        ValueError: for a negative seed.
    """
    if rng is None or isinstance(rng, np.random.Generator):
        return np.random.default_rng(rng)
    if _is_int(rng):
        if rng < 0:
            raise ValueError(f"rng seed must be a non-negative integer, got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"rng must be None, an int seed or a numpy.random.Generator, got {rng!r} "
        f"({type(rng).__name__})"
    )

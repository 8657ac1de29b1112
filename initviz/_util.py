"""Argument checks and the BLAS thread policy, shared by every initviz module.

Private: the public modules re-export what users need (``initializers.as_generator``).
"""

from __future__ import annotations

import numbers
from contextlib import nullcontext

import numpy as np

# Two BLAS threads pay off only for wide layers on big batches; below that one thread was as
# fast or faster and far steadier when the other core is busy (FIELD-NOTES: digits training
# 416 ms on one thread vs 1055 ms on two with a browser running).
MULTI_THREAD_MIN_WIDTH = 512
MULTI_THREAD_MIN_BATCH = 256


def as_generator(rng) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` for ``rng``.

    Args:
        rng: None (fresh, unseeded entropy), a non-negative int seed, or a Generator
            (returned as is, so draws continue its stream).
    Raises:
        TypeError: for any other type (a bool, a float, ``np.random.RandomState``...).
        ValueError: for a negative seed.
    """
    if rng is None or isinstance(rng, np.random.Generator):
        return np.random.default_rng(rng)
    if isinstance(rng, numbers.Integral) and not isinstance(rng, (bool, np.bool_)):
        if rng < 0:
            raise ValueError(f"rng seed must be a non-negative integer, got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"rng must be None, an int seed or a numpy.random.Generator, got {rng!r} "
        f"({type(rng).__name__})"
    )


def check_int(name, value, low, high=None) -> int:
    """Return ``value`` as an int if it is an integer in [low, high] (no upper bound if None).

    Raises:
        TypeError: not an integer (bools are not). ValueError: out of range.
    """
    want = f"an int >= {low}" if high is None else f"an int in [{low}, {high}]"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {want}, got {value!r}")
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} must be {want}, got {value}")
    return int(value)


def text_table(rows, left_first: bool = False) -> str:
    """Rows of strings as aligned columns, two spaces apart, numbers right-aligned (the
    first column left-aligned if ``left_first``), for tables a notebook prints."""
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) if left_first and c == 0 else cell.rjust(w)
                  for c, (cell, w) in enumerate(zip(row, widths)))
        for row in rows)


_CONTROLLER = []


def single_thread():
    """A context manager limiting BLAS to one thread. The threadpoolctl controller is made
    once: building one scans the loaded libraries (~0.5 ms a call otherwise)."""
    if not _CONTROLLER:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1)


def blas_threads(width: int, batch: int | None = None):
    """A context that limits BLAS to one thread unless the layers are wide (and the batch big).

    Args:
        width: the widest layer. batch: samples per matrix product, or None if unknown.
    """
    if width >= MULTI_THREAD_MIN_WIDTH and (batch is None or batch >= MULTI_THREAD_MIN_BATCH):
        return nullcontext()
    return single_thread()

"""The BLAS thread policy and the text tables the notebooks print (argument checks are in
:mod:`initviz._checks`)."""

from __future__ import annotations

import sys
from contextlib import nullcontext

# Two BLAS threads pay off only for wide layers on big batches; below that one thread was as
# fast or faster and far steadier when the other core is busy (measured on a 2-core
# machine: digits training 416 ms on one thread vs 1055 ms on two with a browser running).
MULTI_THREAD_MIN_WIDTH = 512
MULTI_THREAD_MIN_BATCH = 256


def text_table(rows, left_first: bool = False) -> str:
    """Rows of strings as aligned columns, two spaces apart, numbers right-aligned (the
    first column left-aligned if ``left_first``), for tables a notebook prints."""
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) if left_first and c == 0 else cell.rjust(w)
                  for c, (cell, w) in enumerate(zip(row, widths)))
        for row in rows)


_CONTROLLER = []


def _controller():
    """threadpoolctl's controller, made once (building one scans the loaded libraries, ~0.5 ms
    a call otherwise); None in the browser (Pyodide, ``sys.platform == "emscripten"``), where
    numpy runs on one thread (no threads there) and threadpoolctl's library scan only prints
    a deprecation warning from Pyodide 314, and None where threadpoolctl is not installed."""
    if not _CONTROLLER:
        controller = None
        if sys.platform != "emscripten":
            try:
                from threadpoolctl import ThreadpoolController

                controller = ThreadpoolController()
            except (ImportError, OSError):  # not installed; OSError: no library loader
                pass
        _CONTROLLER.append(controller)
    return _CONTROLLER[0]


def single_thread():
    """A context manager limiting BLAS to one thread (threadpoolctl); a no-op context where
    threadpoolctl is missing (see :func:`_controller`)."""
    controller = _controller()
    return nullcontext() if controller is None else controller.limit(limits=1)


def blas_threads(width: int, batch: int | None = None):
    """A context that limits BLAS to one thread unless the layers are wide (and the batch big).

    Args:
        width: the widest layer. batch: samples per matrix product, or None if unknown.
    """
    if width >= MULTI_THREAD_MIN_WIDTH and (batch is None or batch >= MULTI_THREAD_MIN_BATCH):
        return nullcontext()
    return single_thread()

"""The BLAS thread policy, the numbers and text tables the notebooks print, and the command
line of the ``scripts/`` experiments (argument checks are in :mod:`initviz._checks`)."""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from pathlib import Path

# Two BLAS threads pay off only for wide layers on big batches; below that one thread was as
# fast or faster and far steadier when the other core is busy (measured on a 2-core
# machine: digits training 416 ms on one thread vs 1055 ms on two with a browser running).
MULTI_THREAD_MIN_WIDTH = 512
MULTI_THREAD_MIN_BATCH = 256


def fmt(x, digits: int = 3) -> str:
    """A number to ``digits`` significant digits, inf and nan as such: the one format of the
    numbers in tables, notes and figure descriptions (re-exported as
    :func:`initviz.plots.figure.fmt`).

    Args:
        x: a real number (Python or numpy, or a one-element array).

    >>> fmt(0.012345), fmt(2.6e10), fmt(float("-inf")), fmt(5.0), fmt(1234, digits=2)
    ('0.0123', '2.6e+10', '-inf', '5', '1.2e+03')
    """
    return f"{float(x):.{digits}g}"  # Python prints inf, -inf and nan (any sign) as such


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


def one_blas_thread():
    """Limit BLAS to one thread for the rest of the session: a lesson's setup cell. At the
    lessons' sizes one thread is faster and steadier than two (see
    :data:`MULTI_THREAD_MIN_WIDTH`). Nothing happens where threadpoolctl is missing or in
    the browser (see :func:`_controller`).

    Returns:
        a function of no arguments that gives BLAS its thread counts back.

    >>> undo = one_blas_thread()
    >>> c = _controller()
    >>> c is None or {lib.num_threads for lib in c.select(user_api="blas").lib_controllers} <= {1}
    True
    >>> undo()
    """
    controller = _controller()
    if controller is None:
        return lambda: None
    return controller.limit(limits=1).restore_original_limits


def blas_threads(width: int, batch: int | None = None):
    """A context that limits BLAS to one thread unless the layers are wide (and the batch big).

    Args:
        width: the widest layer. batch: samples per matrix product, or None if unknown.
    """
    if width >= MULTI_THREAD_MIN_WIDTH and (batch is None or batch >= MULTI_THREAD_MIN_BATCH):
        return nullcontext()
    return single_thread()


def run_experiment(doc: str, out, run, full, quick, argv=None):
    """The command line of a ``scripts/`` experiment whose small stored result a notebook
    reads: ``--out PATH`` (default ``out``) and ``--quick`` (the reduced run of the tests).
    Calls ``run(quick if --quick else full)`` on one BLAS thread.

    Args:
        doc: the script's docstring (its first line describes the command). out: the default
            path of the result. run: settings -> result. full, quick: the two settings.
        argv: the arguments (default ``sys.argv[1:]``).
    Returns:
        (result, path): what ``run`` returned, and the :class:`~pathlib.Path` to write it
        to, whose folder exists.

    >>> result, path = run_experiment("Doubles.", "x.json", lambda n: 2 * n, 100, 1, ["--quick"])
    >>> result, path.name
    (2, 'x.json')
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(out))
    parser.add_argument("--quick", action="store_true", help="the reduced run of the tests")
    args = parser.parse_args(argv)
    with single_thread():
        result = run(quick if args.quick else full)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    return result, args.out

"""Coalesced redraws: a control change stores the latest value; one worker draws it, and may
refine it once the values stop coming."""

from __future__ import annotations

import threading
import time

from ..propagation import Cancelled

__all__ = ["Coalescer", "QUIET"]

#: Seconds without a new value after which a drag counts as stopped (a slider held by the
#: hand sends values ~every 20-60 ms while it moves).
QUIET = 0.25


class Coalescer:
    """Run ``render(value, cancel)`` on the latest submitted value only.

    ``submit`` stores the value and returns at once; one worker thread renders whatever
    is latest when it is free, so values that arrive during a render are never drawn but
    the last one. ``cancel()`` (passed to ``render``) turns True as soon as a newer value
    arrives, so a render may stop early by raising :class:`initviz.propagation.Cancelled`.

    Refinement: when ``render`` returns True (it drew a quick approximation, e.g. a subsample
    of the batch) and ``refine`` is given, ``refine(value, cancel)`` runs once no new value
    has come for ``quiet`` seconds (ipywidgets only sends values, so that is how "the drag
    stopped" shows); a new value cancels it through ``cancel()``.

    Without threads (``threaded=False``, or a platform where ``threading.Thread.start``
    raises, such as Pyodide in JupyterLite) ``submit`` renders in the caller's thread and
    nothing is refined later: :attr:`threaded` then says False, and a renderer should draw
    the final frame at once.

    Attributes:
        threaded: whether renders run in the worker thread.
        started, finished, cancelled, refined: render counters (refined: finished refines).
    """

    def __init__(self, render, threaded=True, on_error=None, refine=None, quiet=QUIET):
        self._render = render
        self._refine = refine
        self.quiet = float(quiet)
        self.threaded = bool(threaded)
        self._on_error = on_error
        self._cond = threading.Condition(threading.Lock())
        self._idle = threading.Event()
        self._idle.set()
        self._pending = None
        self._has_pending = False
        self._to_refine = None  # the value of the last render that asked for a refine
        self._last_submit = 0.0
        self._generation = 0
        self._thread = None
        self.started = self.finished = self.cancelled = self.refined = 0

    def submit(self, value):
        with self._cond:
            self._pending, self._has_pending = value, True
            self._generation += 1
            self._last_submit = time.monotonic()
            self._idle.clear()
            self._cond.notify()
        if self.threaded and (self._thread is None or not self._thread.is_alive()):
            thread = threading.Thread(target=self._loop, daemon=True, name="initviz-explorer")
            try:
                thread.start()
                self._thread = thread
            except RuntimeError:  # no threads here (Pyodide): draw in the caller's thread
                self.threaded = False
        if not self.threaded:
            self._drain()

    def _next_job(self):
        """Wait for the next job: (function, value, generation); called with the lock held.
        A pending value comes first; a refine waits for the quiet period."""
        while True:
            if self._has_pending:
                self._has_pending = False
                self._to_refine = None  # an older value's: never drawn over a newer one
                return self._render, self._pending, self._generation
            if self._to_refine is not None:
                wait = self.quiet - (time.monotonic() - self._last_submit)
                if wait <= 0:
                    value, self._to_refine = self._to_refine, None
                    return self._refine, value, self._generation
                self._cond.wait(wait)
                continue
            self._idle.set()
            self._cond.wait()

    def _loop(self):
        while True:
            with self._cond:
                job, value, gen = self._next_job()
            self._run(job, value, gen)

    def _drain(self):
        """Render what is pending, in the caller's thread (no refines)."""
        while True:
            with self._cond:
                if not self._has_pending:
                    self._idle.set()
                    return
                self._has_pending = False
                value, gen = self._pending, self._generation
            try:
                self._run(self._render, value, gen)
            except BaseException:
                with self._cond:  # a render raised to the caller: nothing is running now
                    if not self._has_pending:
                        self._idle.set()
                raise

    def _run(self, job, value, gen):
        refining = job is self._refine and job is not self._render
        self.started += 1
        try:
            again = job(value, lambda: self._generation != gen)
            self.finished += 1
            self.refined += refining
            if again and not refining and self._refine is not None and self.threaded:
                with self._cond:
                    if self._generation == gen:  # still the latest value
                        self._to_refine = value
        except Cancelled:
            self.cancelled += 1
        except Exception as err:  # noqa: BLE001 - a worker must not die silently
            if self._on_error is None:
                raise
            self._on_error(err)

    def wait(self, timeout=None) -> bool:
        """Block until nothing is pending, rendering or waiting to be refined; True if idle."""
        return self._idle.wait(timeout)

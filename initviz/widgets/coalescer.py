"""Coalesced redraws: a control change stores the latest value; one worker draws it."""

from __future__ import annotations

import threading

from ..propagation import Cancelled

__all__ = ["Coalescer"]


class Coalescer:
    """Run ``render(value, cancel)`` on the latest submitted value only.

    ``submit`` stores the value and returns at once; one worker thread renders whatever
    is latest when it is free, so values that arrive during a render are never drawn but
    the last one. ``cancel()`` (passed to ``render``) turns True as soon as a newer value
    arrives, so a render may stop early by raising :class:`initviz.propagation.Cancelled`
    (the signal explorer does so only for slow frames). With ``threaded=False`` ``submit``
    renders in the caller's thread (for tests and scripts).

    Attributes:
        started, finished, cancelled: render counters.
    """

    def __init__(self, render, threaded=True, on_error=None):
        self._render = render
        self._threaded = threaded
        self._on_error = on_error
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._pending = None
        self._has_pending = False
        self._generation = 0
        self._thread = None
        self.started = self.finished = self.cancelled = 0

    def submit(self, value):
        with self._lock:
            self._pending, self._has_pending = value, True
            self._generation += 1
            self._idle.clear()
        if not self._threaded:
            self._drain()
            return
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._loop, daemon=True,
                                            name="initviz-explorer")
            self._thread.start()
        self._wake.set()

    def _loop(self):
        while True:
            self._wake.wait()
            self._wake.clear()
            self._drain()

    def _drain(self):
        while True:
            with self._lock:
                if not self._has_pending:
                    self._idle.set()
                    return
                value, gen = self._pending, self._generation
                self._has_pending = False
            self.started += 1
            try:
                self._render(value, lambda: self._generation != gen)
                self.finished += 1
            except Cancelled:
                self.cancelled += 1
            except Exception as err:  # noqa: BLE001 - a worker must not die silently
                if self._on_error is None:
                    raise
                self._on_error(err)

    def wait(self, timeout=None) -> bool:
        """Block until nothing is pending or rendering; True if idle."""
        return self._idle.wait(timeout)

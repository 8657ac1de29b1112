"""Live explorers for the lectures: drag a slider, watch the signal vanish or explode.

Two explorers, each an ipywidgets box to display in a notebook, each with a static twin
that returns a matplotlib Figure for the same settings (for saved notebooks, static pages
and front ends without the widget extension):

===============================================  =============================================
live (an ipywidgets VBox)                        static (a matplotlib Figure, 8 x 3 in, dpi 80)
===============================================  =============================================
``signal_explorer(weight_init, scale,            ``signal_figure(...)``, same arguments, or
activation, depth, width, batch, seed, dtype)``  ``explorer.figure()``
``training_explorer(dataset, runs, seed)``       ``training_figure(dataset, runs, seed)``, or
                                                 ``explorer.figure()``
===============================================  =============================================

The static figures show themselves as PNG images when they are a cell's last expression,
without ``%matplotlib inline`` (:class:`ShownFigure`). For example, notebook 03's "too
small" network::

    from initviz import widgets
    ex = widgets.signal_explorer(activation="tanh", weight_init="random_normal",
                                 scale=0.01, depth=10, width=250)
    ex            # cell 1: the live explorer; mark it # NBVAL_IGNORE_OUTPUT
    ex.figure()   # cell 2: the static figure of the same settings

**Signal explorer.** Controls: initializer (every name of :mod:`initviz.initializers`, plus
"custom scale", the lecture's ``standard_normal(shape) * scale``), a log slider for the
weight scale, 1e-3 to 1e2 (a std, a gain or a constant, as its label says; see
:func:`initviz.propagation.resolve_initializer`), activation, depth (1-50), width (2-1024),
batch (16-1024), precision (auto, float32, float64), seed and a "resample" button. One
figure of four linked panels sharing the layer axis: activation histograms and
back-propagated gradient (dL/dz) histograms, each ONE image (layers x bins); the per-layer
std of both with the mean-field prediction (:func:`initviz.theory.predict_variances`)
dashed beside it; the saturated % (tanh, sigmoid) or dead and zero % (ReLU) per layer.
Overflowed layers are marked (a red row, an x on the edge), never an error. The numbers
come from :func:`initviz.propagation.propagate`.

**Training explorer.** Pick data set (moons, circles, spiral, digits), initializer, scale,
activation, layers, width, epochs and learning rate, press "train": the loss curve and the
decision boundary (2-D data; for digits the accuracy and the first epoch's per-layer std of
dL/dW) redraw about 25 times while it trains in a worker thread, with a progress bar and a
"stop" button (seen within ~50 ms). Runs go to slot A or B and are drawn side by side.
``runs={"A": {...}, "B": {...}}`` trains them when the explorer is built.

**Speed** (``benchmarks/bench_explorer.py``). A change costs compute + draw + PNG encode.
The figure is built once and only its data change: two ``imshow`` images instead of
hundreds of histogram bars, lines and step patches; fixed axes positions (no layout
engine, no tight bounding box); plain-text tick labels (no mathtext); a key of three texts
instead of a legend box. Frames are blitted: the axes, ticks and labels are drawn once
into a cached background and each frame draws only the ~15 data artists over it; the
background is redrawn only when depth, the histogram range or the std-axis limits change
(those limits are kept while the values fit). The Agg buffer is PNG-encoded by Pillow at
compression level 1 and set on an ``ipywidgets.Image``. The compute streams layer by layer
in bounded memory and runs in float32 where that holds the signal
(:mod:`initviz.propagation`).

**Why dragging never queues a backlog.** A slider with ``continuous_update=True`` sends
one message per intermediate value and the kernel handles them one after another, so a
redraw per value leaves the view running behind the hand. ``continuous_update=False``
would avoid that but also lose the point of the demo, watching the signal change during the
drag. So the controls stay live and changes are coalesced (:class:`Coalescer`): a control
change only stores the latest settings and wakes one worker thread (microseconds on the
kernel's main thread, which keeps reading messages); the worker draws whatever is latest
when it is free, and every value that arrived meanwhile but the last is dropped. A drag
therefore shows a frame every ~50 ms, each at most one frame behind the hand, and after
the last change the view settles once the frame in progress and one more are drawn: a
burst of N changes costs a couple of frames, not N (measured in a kernel fed the front
end's messages: a 0.6 s drag of 30 values at 50 Hz showed 13 frames, the last 0.11 s after
the last value; 30 values at once showed 3 frames). A frame expected to take longer than
:data:`SLOW_FRAME` (0.25 s; e.g. 50 x 1024) is instead abandoned between layers as soon as
a newer value arrives, so the last value is drawn next (abandoning fast frames too would
starve the view: measured in a kernel, a 50 Hz drag then showed no frame until it ended).
ipywidgets documents updating widgets from a thread (its messages go out through
ipykernel's thread-safe IOPub). The first frame is drawn synchronously when an explorer is
built, so a notebook executed top to bottom stores a finished image.
"""

from __future__ import annotations

import io
import math
import threading
import time
from dataclasses import dataclass, field

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap, PowerNorm, to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import (FixedLocator, FuncFormatter, LogLocator, MaxNLocator,
                               NullFormatter, NullLocator)

from . import datasets, propagation
from ._util import check_int, single_thread
from .plots import ShownFigure  # a Figure that shows itself as a PNG in a notebook
from .mlp import MLP
from .propagation import ACTIVATION_CHOICES, INIT_CHOICES, Cancelled, WeightBank, propagate
from .training import train

__all__ = [
    "signal_explorer",
    "signal_figure",
    "training_explorer",
    "training_figure",
    "SignalExplorer",
    "TrainingExplorer",
    "SignalView",
    "Coalescer",
    "render_png",
    "ShownFigure",
    "SIGNAL_DEFAULTS",
    "SIGNAL_LIMITS",
    "TRAIN_DEFAULTS",
    "DATASETS",
    "TrainingView",
    "load_dataset",
]

#: The explorer's defaults (10 layers x 256 wide, batch 512: the benchmark's "default").
SIGNAL_DEFAULTS = dict(weight_init="random_normal", scale=0.01, activation="tanh", depth=10,
                       width=256, batch=512, seed=0, dtype="auto")
#: The slider ranges: (low, high) for scale, depth, width, and the batch choices.
SIGNAL_LIMITS = dict(scale=(1e-3, 1e2), depth=(1, 50), width=(2, 1024),
                     batch=(16, 32, 64, 128, 256, 512, 1024))

#: A frame expected to take longer than this (seconds) is abandoned when a newer value comes.
SLOW_FRAME = 0.25
STATIC_DPI = 80          # figures stored in notebooks (project rule: <= 8 x 3 in at dpi 80)
LIVE_DPI = 100           # the live view: 800 x 300 px, readable on a projector
FIGSIZE = (8.0, 3.0)
ACT_COLOR, GRAD_COLOR, BAD_COLOR = "#0072B2", "#D55E00", "#B00020"
_TINY, _HUGE = 1e-200, 1e200  # matplotlib's log axes fail beyond ~1e250 (see plots.py)


# ------------------------------------------------------------------------------ rendering
def render_png(fig, compress_level=1) -> bytes:
    """Draw a figure once and encode it as PNG (what an ``ipywidgets.Image`` sends).

    The inline backend's ``savefig(..., bbox_inches="tight")`` draws the figure twice (once
    to find the tight box); here one ``canvas.draw()`` fills the Agg buffer and that is
    encoded directly. Compression level 1 is faster than the default 6 and the file only a
    little larger for a plot like this (FIELD-NOTES; re-measured by the benchmark).
    """
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return _encode(canvas, compress_level)


def _encode(canvas, compress_level=1) -> bytes:
    """PNG bytes of an Agg canvas's buffer, as RGB (Pillow's convert is ~5x faster than
    slicing the RGBA array)."""
    from PIL import Image

    size = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="png", compress_level=compress_level)
    return buf.getvalue()


def _cmap(color):
    dark = tuple(0.45 * c for c in to_rgb(color))
    cmap = LinearSegmentedColormap.from_list("w-" + color, ["#FFFFFF", color, dark])
    return cmap.with_extremes(bad="#F4B6B6")  # a layer that overflowed: a light red row


def _log_limits(*series):
    """Log-axis limits covering the positive finite values, in whole decades, kept in
    [1e-200, 1e200]. Whole decades keep the ticks (and the axis) still while a slider
    moves within a decade."""
    vals = np.concatenate([np.asarray(s, dtype=float).ravel() for s in series if s is not None])
    vals = vals[np.isfinite(vals) & (vals > _TINY) & (vals < _HUGE)]
    if vals.size == 0:
        return 1e-3, 1e1
    lo = 10.0 ** math.floor(math.log10(vals.min()) - 0.15)
    hi = 10.0 ** math.ceil(math.log10(vals.max()) + 0.15)
    if hi / lo < 100:  # at least two decades
        lo, hi = lo / 10, hi * 10
    return max(lo, _TINY), min(hi, _HUGE)


def _center_x(ax):
    pos = ax.get_position()
    return (pos.x0 + pos.x1) / 2


def _decade_label(x, _pos=None):
    """'1e-6' for a decade tick (mathtext '10^{-6}' costs ~1 ms per label to lay out)."""
    if not x > 0:
        return ""
    e = round(math.log10(x))
    return "1" if e == 0 else f"1e{e}"


def _fmt(x):
    if not np.isfinite(x):
        return "inf" if x == np.inf else "nan"
    return f"{x:.3g}"


class SignalView:
    """The signal explorer's figure, built once; :meth:`update` only changes data.

    Four panels share the layer axis (layer 1 at the top): activation histograms and
    gradient histograms (one image each, every row normalized to its peak, so a row's
    shape shows even when the signal is tiny), per-layer std on a log axis (measured solid,
    theory dashed; 0 or inf/nan std marked on the axis edges), and the saturated % (tanh,
    sigmoid) or dead and zero % (ReLU) per layer. Histogram values beyond the x range are
    counted in the edge columns (an exploding signal lights the edges; a vanishing one
    shrinks to the middle column); ReLU rows leave out the exact zeros.

    Args:
        dpi: dots per inch (LIVE_DPI for the widget, STATIC_DPI for stored figures).
        blit: draw the data artists over a cached background (:meth:`render`); the
            background (axes, ticks, labels, key) is redrawn only when depth, the
            histogram range or the std axis limits change. The std axis keeps its limits
            while the values stay inside them, so a slider drag mostly blits. A blit
            figure must be rendered with :meth:`render`: ``savefig`` skips its data.
    Attributes:
        fig: the matplotlib Figure (with an Agg canvas). full_draws, blits: counters.
    """

    def __init__(self, dpi=LIVE_DPI, blit=False):
        # a static view shows itself in a notebook; the live one is blitted (see ShownFigure)
        fig = self.fig = (Figure if blit else ShownFigure)(figsize=FIGSIZE, dpi=dpi)
        FigureCanvasAgg(fig)
        top, h = 0.76, 0.54
        self.ax_a = fig.add_axes((0.055, top - h, 0.185, h))
        self.ax_g = fig.add_axes((0.27, top - h, 0.185, h), sharey=self.ax_a)
        self.ax_s = fig.add_axes((0.49, top - h, 0.27, h), sharey=self.ax_a)
        self.ax_r = fig.add_axes((0.795, top - h, 0.18, h), sharey=self.ax_a)
        self.title = fig.text(0.5, 0.975, "", ha="center", va="top", fontsize=10)
        blank = np.zeros((1, 2))
        self.im_a = self.ax_a.imshow(blank, aspect="auto", interpolation="nearest",
                                     cmap=_cmap(ACT_COLOR), norm=PowerNorm(0.5, 0, 1))
        self.im_g = self.ax_g.imshow(blank, aspect="auto", interpolation="nearest",
                                     cmap=_cmap(GRAD_COLOR), norm=PowerNorm(0.5, 0, 1))
        for ax, name in ((self.ax_a, "activations a = f(z)"), (self.ax_g, "gradients dL/dz")):
            ax.set_title(name, fontsize=9, y=1.01)  # a fixed y skips the title auto-layout
            ax.tick_params(labelsize=7, length=2)
            ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x:g}"))
        self.ax_a.set_ylabel("layer", fontsize=8)
        self.ax_a.yaxis.set_major_locator(MaxNLocator(6, integer=True))
        for ax in (self.ax_g, self.ax_s, self.ax_r):
            ax.tick_params(labelleft=False, labelsize=7, length=2)
        # marks on the right edge of the histogram panels: layers with inf/nan values
        edge = dict(linestyle="none", marker="x", color=BAD_COLOR, clip_on=False, ms=4, mew=1.2)
        self.bad_a, = self.ax_a.plot([], [], transform=self.ax_a.get_yaxis_transform(), **edge)
        self.bad_g, = self.ax_g.plot([], [], transform=self.ax_g.get_yaxis_transform(), **edge)
        self.note_a = fig.text(_center_x(self.ax_a), 0.015, "", ha="center", va="bottom",
                               fontsize=7, color=BAD_COLOR)
        self.note_g = fig.text(_center_x(self.ax_g), 0.015, "", ha="center", va="bottom",
                               fontsize=7, color=BAD_COLOR)

        ax = self.ax_s
        ax.set_xscale("log")
        ax.set_title("std per layer", fontsize=9, y=1.01)
        ax.xaxis.set_major_locator(LogLocator(numticks=4))
        ax.xaxis.set_major_formatter(FuncFormatter(_decade_label))  # plain text, no mathtext
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.grid(True, axis="x", alpha=0.3, lw=0.6)
        self.std_a, = ax.plot([], [], "-o", color=ACT_COLOR, ms=2.5, lw=1.2, label="activations")
        self.th_a, = ax.plot([], [], "--", color=ACT_COLOR, lw=1.0, alpha=0.8, label="theory")
        self.std_g, = ax.plot([], [], "-o", color=GRAD_COLOR, ms=2.5, lw=1.2, label="gradients")
        self.th_g, = ax.plot([], [], "--", color=GRAD_COLOR, lw=1.0, alpha=0.8, label="theory")
        ytf = ax.get_yaxis_transform()
        self.edge_lo, = ax.plot([], [], linestyle="none", marker="<", color="0.3", ms=4,
                                transform=ytf, clip_on=False)
        self.edge_hi, = ax.plot([], [], linestyle="none", marker="x", color=BAD_COLOR, ms=4,
                                mew=1.2, transform=ytf, clip_on=False)
        # a key in three texts: a legend box costs ~10 ms per full draw
        x0, y0 = ax.get_position().x0, ax.get_position().y1 + 0.085
        for dx, text, color in ((0.0, "-o- activations", ACT_COLOR),
                                (0.105, "-o- gradients", GRAD_COLOR),
                                (0.205, "- - theory", "0.35")):
            fig.text(x0 + dx, y0, text, fontsize=7, color=color, va="bottom")
        self.note_s = fig.text(_center_x(ax), 0.015, "", ha="center", va="bottom", fontsize=7,
                               color="0.25")

        ax = self.ax_r
        ax.set_axisbelow(True)  # the grid under the bars, in full draws and blits alike
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_locator(FixedLocator([0, 50, 100]))
        ax.grid(True, axis="x", alpha=0.3, lw=0.6)
        self.title_r = ax.set_title("", fontsize=9, y=1.01)
        self.bar_1 = ax.stairs([0], [0.5, 1.5], orientation="horizontal", fill=True,
                               color=ACT_COLOR, alpha=0.75)
        self.bar_2 = ax.stairs([0], [0.5, 1.5], orientation="horizontal", fill=False,
                               color="0.2", lw=1.0)
        self.note_r = fig.text(_center_x(ax), 0.015, "", ha="center", va="bottom", fontsize=7,
                               color="0.25")
        self.result = None
        self.blit = blit
        self._std_lim = None
        self._bg = self._bg_key = None
        self.full_draws = self.blits = 0
        self.last_times = (0.0, 0.0)
        # note_r and title_r depend on the activation only: part of the background
        self._dynamic = [self.im_a, self.im_g, self.bad_a, self.bad_g, self.note_a, self.note_g,
                         self.std_a, self.th_a, self.std_g, self.th_g, self.edge_lo,
                         self.edge_hi, self.note_s, self.bar_1, self.bar_2]
        if blit:
            for artist in self._dynamic:
                artist.set_animated(True)

    def _background_key(self):
        return (self.ax_a.get_ylim(), self.ax_a.get_xlim(), self.ax_g.get_xlim(),
                self.ax_s.get_xlim(), self.title_r.get_text(), self.note_r.get_text())

    def render(self, compress_level=1) -> bytes:
        """The current frame as PNG bytes: one full draw, or a blit when the background
        is unchanged (see ``blit``)."""
        canvas = self.fig.canvas
        if not self.blit:
            return render_png(self.fig, compress_level)
        t0 = time.perf_counter()
        key = self._background_key()
        if key != self._bg_key:
            canvas.draw()  # animated artists are skipped: this is the background
            self._bg, self._bg_key = canvas.copy_from_bbox(self.fig.bbox), key
            self.full_draws += 1
        else:
            canvas.restore_region(self._bg)
            self.blits += 1
        for artist in self._dynamic:
            self.fig.draw_artist(artist)
        t1 = time.perf_counter()
        png = _encode(canvas, compress_level)
        self.last_times = (t1 - t0, time.perf_counter() - t1)  # (draw, encode) seconds
        return png

    def _std_limits(self, *series):
        """Log limits for the std panel. They are kept while the values fit inside and
        span at least about half of them (in decades), else reset with ~12 % padding: a
        slider drag changes them (and forces a full draw) only now and then."""
        lo, hi = _log_limits(*series)
        cur = self._std_lim
        need = math.log10(hi / lo)
        if cur is not None and cur[0] <= lo and hi <= cur[1] \
                and math.log10(cur[1] / cur[0]) <= 2 * need + 4:
            return cur
        pad = 10.0 ** max(1, round(0.12 * need))
        self._std_lim = (max(lo / pad, _TINY), min(hi * pad, _HUGE))
        return self._std_lim

    @staticmethod
    def _rows(hist, nonfinite):
        peak = hist.max(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            rows = np.where(peak > 0, hist / np.where(peak > 0, peak, 1), 0.0)
        return np.ma.masked_array(rows, np.broadcast_to((nonfinite > 0)[:, None], rows.shape)
                                  & (hist.sum(axis=1, keepdims=True) == 0))

    def update(self, r):
        """Show a :class:`initviz.propagation.Propagation`; returns the Figure."""
        self.result = r
        s = r.settings
        depth = s["depth"]
        layers = np.arange(1, depth + 1, dtype=float)
        A, G = r.activations, r.gradients
        ylim = (depth + 0.5, 0.5)
        for im, hist, cols, (lo, hi), bad, note in (
                (self.im_a, r.act_hist, A, r.act_range, self.bad_a, self.note_a),
                (self.im_g, r.grad_hist, G, r.grad_range, self.bad_g, self.note_g)):
            im.set_data(self._rows(hist, cols.nonfinite))
            im.set_extent((lo, hi, depth + 0.5, 0.5))
            im.axes.set_xlim(lo, hi)
            im.axes.xaxis.set_major_locator(FixedLocator([lo, (lo + hi) / 2, hi]))
            n_bad = cols.nonfinite > 0
            bad.set_data(np.ones(n_bad.sum()), layers[n_bad])
            note.set_text(f"inf/nan in {int(n_bad.sum())} layers (x)" if n_bad.any() else "")
        self.ax_a.set_ylim(*ylim)

        # std panel: positive finite values on a log axis, the rest marked on the edges
        self.ax_s.set_xlim(*self._std_limits(A.std, G.std, r.predicted_act_std,
                                             r.predicted_grad_std))

        def drawable(v):
            v = np.asarray(v, dtype=float)
            return np.where(np.isfinite(v) & (v >= _TINY) & (v <= _HUGE), v, np.nan)

        self.std_a.set_data(drawable(A.std), layers)
        self.std_g.set_data(drawable(G.std), layers)
        for line, pred in ((self.th_a, r.predicted_act_std), (self.th_g, r.predicted_grad_std)):
            line.set_data(([], []) if pred is None else (drawable(pred), layers))
        measured = np.concatenate([A.std, G.std])
        both = np.concatenate([layers, layers])
        low = np.isfinite(measured) & (measured < _TINY)
        high = ~np.isfinite(measured) | (measured > _HUGE)
        self.edge_lo.set_data(np.zeros(low.sum()), both[low])
        self.edge_hi.set_data(np.ones(high.sum()), both[high])
        notes = []
        if low.any():
            notes.append("< std 0 (or < 1e-200)")
        if high.any():
            notes.append("x inf/nan")
        if r.predicted_act_std is None:
            notes.append("no theory: weights not zero-mean")
        self.note_s.set_text(", ".join(notes))

        # readout: saturated % or dead / zero %
        edges = np.arange(depth + 1) + 0.5
        act = s["activation"]
        if act in ("tanh", "sigmoid"):
            self.title_r.set_text("saturated %")
            self.bar_1.set_data(100 * A.saturated, edges)
            self.bar_2.set_data(np.zeros(depth), edges)
            self.note_r.set_text("units with f'(z) < 2% of f'(0)")
        elif act in ("relu", "leaky_relu"):
            self.title_r.set_text("dead % (zero %)")
            self.bar_1.set_data(100 * A.dead, edges)
            self.bar_2.set_data(100 * A.zeros, edges)
            self.note_r.set_text("fill: units 0 on every sample\nline: values exactly 0")
        else:
            self.title_r.set_text("saturated %")
            self.bar_1.set_data(np.zeros(depth), edges)
            self.bar_2.set_data(np.zeros(depth), edges)
            self.note_r.set_text("linear: never saturates")
        if not self.blit:  # the live view has its controls (and the status line) instead
            self.title.set_text(f"{r.label}, {act}, {depth} layers x {s['width']}, "
                                f"batch {s['batch']}, seed {s['seed']} ({r.dtype})")
        return self.fig


def signal_figure(weight_init="random_normal", scale=0.01, activation="tanh", depth=10,
                  width=256, batch=512, seed=0, dtype="auto", dpi=STATIC_DPI) -> Figure:
    """The signal explorer's figure for one setting, as a static matplotlib Figure.

    Arguments as :func:`signal_explorer`. Make it the last expression of a notebook cell to
    store it (8 x 3 in at dpi 80). Raises ValueError/TypeError for invalid settings.
    """
    r = propagate(weight_init, scale, activation, depth, width, batch, seed, dtype=dtype)
    return SignalView(dpi=dpi).update(r)


# ------------------------------------------------------------------------------ coalescing
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


# ------------------------------------------------------------------------------ signal explorer
def _work(settings):
    """A frame's cost in arbitrary units: the matrix products plus a fixed part (drawing)."""
    return 2.0 * settings["depth"] * settings["width"] ** 2 * settings["batch"] + 3e8


def _log_slider(value, description, low=1e-3, high=1e2):
    # step=None: any value. With a step the front end snaps the initial value to the grid
    # and sends it back (0.5 became 0.501), which costs a frame and shows a wrong number.
    low, high = min(low, value), max(high, value)
    return W.FloatLogSlider(value=value, base=10, min=math.log10(low), max=math.log10(high),
                            step=None, description=description, readout_format=".3g",
                            continuous_update=True, style={"description_width": "70px"},
                            layout=W.Layout(width="330px"))


class SignalExplorer(W.VBox):
    """The live signal-propagation explorer (an ipywidgets VBox; see the module docstring).

    Args: as :func:`signal_explorer`.
    Attributes:
        controls: dict name -> control widget (weight_init, scale, activation, depth, width,
            batch, seed) plus ``resample`` (a Button).
        image: the ``ipywidgets.Image`` showing the current frame (PNG bytes in ``.value``).
        view: the :class:`SignalView`. coalescer: the :class:`Coalescer`.
        frame_settings: the settings of the frame on screen. frame_times: seconds per frame
            (compute + draw + encode + send); frame_profile: per frame, the seconds of each
            step, the dtype and the running count of full (non-blit) draws.
    """

    def __init__(self, weight_init="random_normal", scale=0.01, activation="tanh", depth=10,
                 width=256, batch=512, seed=0, dtype="auto", *, threaded=True, dpi=LIVE_DPI):
        # validate before building anything
        propagation.check_settings(weight_init, scale, activation, depth, width, batch, seed,
                                   dtype)
        s_lo, s_hi = SIGNAL_LIMITS["scale"]
        d_lo, d_hi = SIGNAL_LIMITS["depth"]
        w_lo, w_hi = SIGNAL_LIMITS["width"]
        narrow = {"style": {"description_width": "50px"}}
        c = self.controls = dict(
            weight_init=W.Dropdown(options=INIT_CHOICES, value=weight_init,
                                   description="initializer",
                                   style={"description_width": "70px"}),
            scale=_log_slider(scale, "std", s_lo, s_hi),
            activation=W.Dropdown(options=ACTIVATION_CHOICES, value=activation,
                                  description="activation", style={"description_width": "70px"}),
            depth=W.IntSlider(value=depth, min=min(d_lo, depth), max=max(d_hi, depth),
                              description="depth", **narrow),
            width=W.IntSlider(value=width, min=min(w_lo, width), max=max(w_hi, width),
                              description="width", **narrow),
            batch=W.SelectionSlider(options=sorted(set(SIGNAL_LIMITS["batch"]) | {batch}),
                                    value=batch, description="batch", **narrow),
            seed=W.BoundedIntText(value=seed, min=0, max=2**31 - 1, description="seed",
                                  style={"description_width": "40px"},
                                  layout=W.Layout(width="130px")),
            dtype=W.ToggleButtons(options=propagation.DTYPES, value=dtype,
                                  description="precision",
                                  tooltips=["float32 where theory says it is safe, else float64",
                                            "what PyTorch and Keras use: overflows past 3e38",
                                            "follows a signal from 1e-300 to 1e300"],
                                  style={"description_width": "70px", "button_width": "72px"}),
        )
        c["resample"] = W.Button(description="resample", tooltip="new random weights and data "
                                 "(seed + 1)", layout=W.Layout(width="90px"))
        self.image = W.Image(format="png", layout=W.Layout(width=f"{int(FIGSIZE[0] * dpi)}px"))
        self.status = W.HTML()
        self.view = SignalView(dpi=dpi, blit=True)
        self.bank = WeightBank()
        self.frame_settings = None
        self.frame_times = []
        self.frame_profile = []
        self._muted = False
        self._cost = None  # (seconds, work) of the last frame
        self.coalescer = Coalescer(self._render, threaded=threaded, on_error=self._show_error)
        self._sync_scale_label()
        rows = [W.HBox([c["weight_init"], c["scale"], c["activation"]]),
                W.HBox([c["depth"], c["width"], c["batch"]]),
                W.HBox([c["dtype"], c["seed"], c["resample"]]),
                self.image, self.status]
        super().__init__(rows)
        self._render(self.settings(), lambda: False)  # first frame, synchronously
        for name in SIGNAL_DEFAULTS:
            c[name].observe(self._changed, names="value")
        c["resample"].on_click(self._resample)

    def __repr__(self):
        # the text a front end without the widget extension shows instead of the widget
        s = self.settings()
        return (f"SignalExplorer({s['weight_init']}, scale {s['scale']:.3g}, {s['activation']}, "
                f"{s['depth']} x {s['width']}, batch {s['batch']}): a live widget; "
                "signal_figure(...) draws it statically")

    # -- settings
    def settings(self) -> dict:
        """The settings the controls show now: a dict with the keys of SIGNAL_DEFAULTS."""
        return {k: self.controls[k].value for k in SIGNAL_DEFAULTS}

    def _sync_scale_label(self):
        meaning = propagation.scale_meaning(self.controls["weight_init"].value)
        self.controls["scale"].description = meaning
        self.controls["scale"].disabled = meaning == "unused"

    def _changed(self, change):
        if self._muted:
            return
        if change["owner"] is self.controls["weight_init"]:
            self._sync_scale_label()
        self.coalescer.submit(self.settings())

    def _resample(self, _button=None):
        self.controls["seed"].value = self.controls["seed"].value + 1

    # -- rendering
    def _render(self, settings, cancel):
        t0 = time.perf_counter()
        # A newer value makes this frame stale. A fast frame is finished anyway, so a drag
        # shows a frame every ~50 ms instead of none until the hand stops; a slow one
        # (expected over SLOW_FRAME seconds, e.g. 50 x 1024) is abandoned between layers.
        slow = self._expected_time(settings) > SLOW_FRAME
        stale = (lambda: slow and cancel())
        r = propagate(**settings, bank=self.bank, cancel=stale)
        if stale():
            raise Cancelled
        t1 = time.perf_counter()
        self.view.update(r)
        t2 = time.perf_counter()
        png = self.view.render()
        if stale():
            raise Cancelled
        t3 = time.perf_counter()
        self.image.value = png  # serialized and sent to the front end here
        self.frame_settings = dict(settings)
        t4 = time.perf_counter()
        self.status.value = self._status_text(r, t4 - t0)
        self.frame_times.append(t4 - t0)
        self._cost = (t4 - t0, _work(settings))
        draw, encode = self.view.last_times
        self.frame_profile.append(dict(compute=t1 - t0, update=t2 - t1, draw=draw,
                                       encode=encode, send=t4 - t3, dtype=r.dtype,
                                       full_draws=self.view.full_draws))

    def _expected_time(self, settings):
        """Seconds a frame of these settings should take, scaled from the last frame."""
        if self._cost is None:
            return 0.0
        seconds, work = self._cost
        return seconds * _work(settings) / work

    @staticmethod
    def _status_text(r, dt):
        A, G = r.activations, r.gradients
        last = f"last layer: activation std {_fmt(A.std[-1])}"
        if r.predicted_act_std is not None:
            last += f" (theory {_fmt(r.predicted_act_std[-1])})"
        first = f"layer 1: gradient std {_fmt(G.std[0])}"
        if r.predicted_grad_std is not None:
            first += f" (theory {_fmt(r.predicted_grad_std[0])})"
        bad = int(np.sum((A.nonfinite > 0) | (G.nonfinite > 0)))
        extra = f"; <b style='color:{BAD_COLOR}'>{bad} layers overflowed</b>" if bad else ""
        act = r.settings["activation"]
        if act in ("tanh", "sigmoid"):
            extra += f"; saturated up to {100 * A.saturated.max():.3g}%"
        elif act in ("relu", "leaky_relu"):
            extra += f"; dead units up to {100 * A.dead.max():.3g}%"
        return (f"<span style='font-size:90%'>{r.label}: weight std {_fmt(r.weight_std)}. "
                f"{last}; {first}{extra}. [{r.dtype}, {dt * 1e3:.0f} ms]</span>")

    def _show_error(self, err):
        self.status.value = f"<b style='color:{BAD_COLOR}'>{type(err).__name__}: {err}</b>"

    # -- API
    def update(self, **settings) -> Figure:
        """Set controls and render synchronously (for scripts and tests); returns the Figure.

        Raises:
            TypeError: an unknown setting; ValueError: an invalid value (nothing changes).
        """
        unknown = set(settings) - set(SIGNAL_DEFAULTS)
        if unknown:
            raise TypeError(f"unknown settings {sorted(unknown)}; valid: {list(SIGNAL_DEFAULTS)}")
        new = {**self.settings(), **settings}
        propagation.check_settings(**new)
        self.coalescer.wait()  # never draw while the worker draws
        self._muted = True
        try:
            for k, v in settings.items():
                w = self.controls[k]
                if k == "batch" and v not in w.options:
                    w.options = sorted(set(w.options) | {v})
                if k in ("scale", "depth", "width"):
                    w.min, w.max = min(w.min, v), max(w.max, v)
                w.value = v
            self._sync_scale_label()
        finally:
            self._muted = False
        self._render(self.settings(), lambda: False)
        return self.view.fig

    def figure(self, dpi=STATIC_DPI) -> Figure:
        """A static Figure of the current settings (to store in a notebook)."""
        return signal_figure(**self.settings(), dpi=dpi)


def signal_explorer(weight_init="random_normal", scale=0.01, activation="tanh", depth=10,
                    width=256, batch=512, seed=0, dtype="auto") -> SignalExplorer:
    """The live signal-propagation explorer, opened at the given settings.

    Args:
        weight_init: a name from :data:`initviz.propagation.INIT_CHOICES` (every
            initializer of :mod:`initviz.initializers`, and ``"custom scale"``).
        scale: the slider value, 1e-3 to 1e2 on the slider (any value > 0 here): the std of
            random_normal, random_uniform and custom scale; the gain of lecun_*, glorot_*,
            he_*, variance_scaling and orthogonal (1 = as published); the value of
            constant; unused for zeros and ones.
        activation: linear, relu, leaky_relu, tanh or sigmoid (every layer).
        depth: 1-50 layers; width: 2-1024 units; batch: samples (16-1024 on the slider);
        seed: int >= 0 for weights, inputs and the injected gradient.
        dtype: "auto" (float32 where the theory says float32 holds the signal, else
            float64), "float32" (what PyTorch and Keras compute in: a deep enough network
            overflows to inf/nan, or underflows to 0) or "float64".
    Returns:
        :class:`SignalExplorer`, a widget: make it the last expression of a cell.
    Raises:
        ValueError, TypeError: invalid settings (before any widget is built).
    """
    propagation.check_settings(weight_init, scale, activation, depth, width, batch, seed,
                               dtype)
    return SignalExplorer(weight_init, scale, activation, depth, width, batch, seed, dtype)


# ------------------------------------------------------------------------------ training explorer
DATASETS = ("moons", "circles", "spiral", "digits")
#: The training explorer's defaults (a run of them takes ~0.2 s of compute on moons).
TRAIN_DEFAULTS = dict(weight_init="he_normal", scale=1.0, activation="relu", depth=3, width=32,
                      epochs=500, lr=0.5)
_SLOTS = ("A", "B")
_SLOT_STYLE = {"A": dict(color="#0072B2", ls="-"), "B": dict(color="#D55E00", ls="--")}
_CLASS_COLORS = np.array([to_rgb(c) for c in ("#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                             "#E69F00", "#56B4E9", "#000000", "#F0E442",
                                             "#999999", "#7F3C8D")])
_N_FRAMES = 25  # live frames per run


def load_dataset(name, seed=0):
    """(X, y) of one of :data:`DATASETS` (standardized; 200, 200, 300 or 1797 samples)."""
    if name == "moons":
        return datasets.make_moons(200, noise=0.2, rng=seed)
    if name == "circles":
        return datasets.make_circles(200, noise=0.1, factor=0.5, rng=seed)
    if name == "spiral":
        return datasets.make_spiral(300, n_classes=3, noise=0.2, rng=seed)
    if name == "digits":
        return datasets.load_digits()
    raise ValueError(f"unknown dataset {name!r}; valid choices: {', '.join(DATASETS)}")


def _check_run_config(config):
    unknown = set(config) - set(TRAIN_DEFAULTS)
    if unknown:
        raise TypeError(f"unknown run settings {sorted(unknown)}; valid: {list(TRAIN_DEFAULTS)}")
    cfg = {**TRAIN_DEFAULTS, **config}
    propagation.resolve_initializer(cfg["weight_init"], cfg["scale"])
    if cfg["activation"] not in ACTIVATION_CHOICES:
        raise ValueError(f"unknown activation {cfg['activation']!r}; valid choices: "
                         f"{', '.join(ACTIVATION_CHOICES)}")
    check_int("depth", cfg["depth"], 1, 20)
    check_int("width", cfg["width"], 1, 1024)
    check_int("epochs", cfg["epochs"], 1, 100_000)
    lr = cfg["lr"]
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not (0 < lr < math.inf):
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}")
    return cfg


@dataclass
class TrainRun:
    """One training run of the explorer: its settings and what was recorded so far.

    Attributes:
        config: dict of :data:`TRAIN_DEFAULTS` keys. label: the initializer's description.
        net: the :class:`initviz.MLP` being trained. loss, accuracy: per epoch.
        grad_std_first: per-layer std of dL/dW in the first epoch (layer 1 first).
        diverged_at: epoch or None. stopped: True if the stop button ended it.
    """

    config: dict
    label: str
    net: MLP
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    grad_std_first: list | None = None
    diverged_at: int | None = None
    stopped: bool = False

    @property
    def epoch(self):
        return len(self.loss)


def _new_run(config, X, y, seed):
    init, label = propagation.resolve_initializer(config["weight_init"], config["scale"])
    k = int(y.max()) + 1
    sizes = [X.shape[1]] + [config["width"]] * config["depth"] + [1 if k == 2 else k]
    net = MLP(sizes, activation=config["activation"], weight_init=init,
              output_activation="sigmoid" if k == 2 else "softmax", rng=seed)
    return TrainRun(dict(config), f"{label}, {config['activation']}", net)


def _train_steps(run, X, y, epochs, stop=None, on_chunk=None):
    """Train ``run`` for up to ``epochs`` more epochs, calling ``on_chunk(run)`` about
    _N_FRAMES times, and at least every 0.3 s. Training goes in chunks of ~50 ms, so
    ``stop`` is seen within ~50 ms."""
    target = run.epoch + epochs
    frame_every = max(1, -(-epochs // _N_FRAMES))
    next_frame = run.epoch + frame_every
    chunk, last_frame = 1, time.perf_counter()
    while run.epoch < target and run.diverged_at is None:
        if stop is not None and stop.is_set():
            run.stopped = True
            break
        n = min(chunk, target - run.epoch, next_frame - run.epoch)
        t0 = time.perf_counter()
        h = train(run.net, X, y, n, run.config["lr"])
        dt = time.perf_counter() - t0
        chunk = int(min(max(1, n * 0.05 / max(dt, 1e-6)), frame_every))
        if run.grad_std_first is None and h.grad_std:
            run.grad_std_first = list(h.grad_std[0])
        if h.diverged_at is not None:
            run.diverged_at = run.epoch + h.diverged_at
            run.loss.extend(h.loss[:h.diverged_at] + [math.nan])
        else:
            run.loss.extend(h.loss)
        run.accuracy.extend(h.accuracy)
        if (run.epoch >= next_frame or run.epoch >= target or run.diverged_at is not None
                or time.perf_counter() - last_frame > 0.3):  # long runs: a frame every 0.3 s
            next_frame = run.epoch + frame_every
            if on_chunk is not None:
                on_chunk(run)
            last_frame = time.perf_counter()
    return run


class TrainingView:
    """The training explorer's figure: loss curves of runs A and B, then per run its
    decision boundary (2-D data) or, for digits, the accuracy curves and the first epoch's
    per-layer gradient std. Built once per data set; frames only update data."""

    def __init__(self, X, y, dpi=LIVE_DPI, resolution=60):
        self.X, self.y = X, y
        self.two_d = X.shape[1] == 2
        fig = self.fig = ShownFigure(figsize=FIGSIZE, dpi=dpi)
        FigureCanvasAgg(fig)
        self.title = fig.text(0.5, 0.975, "", ha="center", va="top", fontsize=10)
        self.ax_l = fig.add_axes((0.075, 0.15, 0.27, 0.6))
        ax = self.ax_l
        ax.set_yscale("log")
        ax.set_xlabel("epoch", fontsize=8, labelpad=1)
        ax.set_title("training loss", fontsize=9, y=1.01)
        ax.tick_params(labelsize=7, length=2)
        ax.grid(True, alpha=0.3, lw=0.6)
        self.loss_lines = {s: ax.plot([], [], lw=1.4, label=s, **_SLOT_STYLE[s])[0] for s in _SLOTS}
        self.div_marks = {s: ax.plot([], [], "x", ms=7, mew=2, color=_SLOT_STYLE[s]["color"],
                                     transform=ax.get_xaxis_transform(), clip_on=False)[0]
                          for s in _SLOTS}  # at the top edge: x in epochs, y in axes units
        ax.legend(loc="upper right", fontsize=7, frameon=False)
        self.note_l = ax.text(0.03, 0.04, "", transform=ax.transAxes, fontsize=7,
                              color=BAD_COLOR)
        self.panels = {}
        if self.two_d:
            lo, hi = X.min(axis=0), X.max(axis=0)
            pad = 0.1 * (hi - lo)
            self.extent = (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])
            g0 = np.linspace(self.extent[0], self.extent[1], resolution)
            g1 = np.linspace(self.extent[2], self.extent[3], resolution)
            self.grid = np.column_stack([a.ravel() for a in np.meshgrid(g0, g1)])
            self.grid_shape = (resolution, resolution)
            colors = _CLASS_COLORS[y % len(_CLASS_COLORS)]
            for i, s in enumerate(_SLOTS):
                ax = fig.add_axes((0.43 + 0.29 * i, 0.15, 0.25, 0.6))
                im = ax.imshow(np.ones(self.grid_shape + (3,)), origin="lower",
                               extent=self.extent, aspect="auto", interpolation="bilinear")
                ax.scatter(X[:, 0], X[:, 1], s=6, c=colors, edgecolors="white", linewidths=0.3)
                ax.set_xticks([])
                ax.set_yticks([])
                t = ax.set_title(f"{s}: not trained yet", fontsize=8, y=1.01)
                note = ax.text(0.5, 0.02, "", transform=ax.transAxes, ha="center", fontsize=7,
                               color=BAD_COLOR, bbox=dict(facecolor="white", alpha=0.8,
                                                          edgecolor="none", pad=1))
                self.panels[s] = (ax, im, t, note)
        else:
            self.runs_text = fig.text(0.43, 0.9, "", ha="left", va="top", fontsize=7)
            ax = fig.add_axes((0.43, 0.16, 0.25, 0.58))
            ax.set_title("training accuracy", fontsize=9)
            ax.set_xlabel("epoch", fontsize=8, labelpad=1)
            ax.set_ylim(0, 1.02)
            ax.tick_params(labelsize=7, length=2)
            ax.grid(True, alpha=0.3, lw=0.6)
            self.acc_lines = {s: ax.plot([], [], lw=1.4, **_SLOT_STYLE[s])[0] for s in _SLOTS}
            self.ax_acc = ax
            ax = fig.add_axes((0.74, 0.16, 0.24, 0.58))
            ax.set_xscale("log")
            ax.set_title("std of dL/dW, epoch 1", fontsize=9)
            ax.set_ylabel("layer", fontsize=8, labelpad=1)
            ax.tick_params(labelsize=7, length=2)
            ax.xaxis.set_major_locator(LogLocator(numticks=4))
            ax.xaxis.set_minor_locator(NullLocator())
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(True, axis="x", alpha=0.3, lw=0.6)
            self.gs_lines = {s: ax.plot([], [], marker="o", ms=3, lw=1.2, **_SLOT_STYLE[s])[0]
                             for s in _SLOTS}
            self.ax_gs = ax

    def _boundary(self, net):
        """RGB image of the class probabilities on the grid (each class's color weighted by
        its probability, lightened), and the fraction of grid points with inf/nan output."""
        with np.errstate(all="ignore"), single_thread():
            out = net.forward(self.grid)
        p = np.column_stack([1 - out[:, 0], out[:, 0]]) if out.shape[1] == 1 else out
        bad = ~np.isfinite(p).all(axis=1)
        p = np.where(bad[:, None], 0.0, p)
        rgb = p @ _CLASS_COLORS[:p.shape[1]]
        rgb = 1.0 - 0.5 * (1.0 - rgb)  # lighter, so the points stand out
        rgb[bad] = to_rgb("#F4B6B6")
        return np.clip(rgb, 0, 1).reshape(self.grid_shape + (3,)), float(bad.mean())

    def update(self, runs, title=""):
        """Draw the runs (dict slot -> TrainRun or None); returns the Figure."""
        self.title.set_text(title)
        top, bottom, longest, notes = [], [], 1, []
        for s in _SLOTS:
            run = runs.get(s)
            line = self.loss_lines[s]
            if run is None or not run.loss:
                line.set_data([], [])
                self.div_marks[s].set_data([], [])
                continue
            loss = np.asarray(run.loss, dtype=float)
            epochs = np.arange(1, loss.size + 1)
            ok = np.isfinite(loss) & (loss > _TINY) & (loss < _HUGE)
            line.set_data(epochs, np.where(ok, loss, np.nan))
            longest = max(longest, run.config["epochs"], loss.size)
            if ok.any():
                # a diverging loss would squash the rest: the axis stops at 100 x the first
                top.append(min(loss[ok].max(), 100 * loss[ok][0]))
                bottom.append(loss[ok].min())
            if run.diverged_at is not None:
                self.div_marks[s].set_data([max(run.diverged_at, 1)], [1.0])
                notes.append(f"{s} diverged at epoch {run.diverged_at} (x)")
            else:
                self.div_marks[s].set_data([], [])
        self.ax_l.set_xlim(0, longest)
        if top:
            lo, hi = min(bottom), max(top)
            self.ax_l.set_ylim(max(lo / 2, _TINY), min(hi * 2, _HUGE))
        else:
            self.ax_l.set_ylim(0.01, 10)
        self.note_l.set_text("\n".join(notes))
        if self.two_d:
            for s in _SLOTS:
                ax, im, t, note = self.panels[s]
                run = runs.get(s)
                if run is None:
                    im.set_data(np.ones(self.grid_shape + (3,)))
                    t.set_text(f"{s}: not trained yet")
                    note.set_text("")
                    continue
                rgb, bad = self._boundary(run.net)
                im.set_data(rgb)
                t.set_text(self._run_title(s, run))
                note.set_text(f"pink: output inf/nan ({100 * bad:.0f}% of the plane)" if bad
                              else "")
        else:
            longest_acc = 1
            for s in _SLOTS:
                run = runs.get(s)
                acc = [] if run is None else run.accuracy
                self.acc_lines[s].set_data(np.arange(1, len(acc) + 1), acc)
                longest_acc = max(longest_acc, len(acc))
                gs = None if run is None else run.grad_std_first
                if gs:
                    v = np.asarray(gs, dtype=float)
                    self.gs_lines[s].set_data(np.where((v > _TINY) & (v < _HUGE), v, np.nan),
                                              np.arange(1, v.size + 1))
                else:
                    self.gs_lines[s].set_data([], [])
            self.ax_acc.set_xlim(0, longest_acc)
            series = [run.grad_std_first for run in runs.values() if run and run.grad_std_first]
            self.ax_gs.set_xlim(*_log_limits(*series) if series else (1e-3, 1e1))
            n = max([len(x) for x in series], default=1)
            self.ax_gs.set_ylim(n + 0.5, 0.5)
            lines = [self._run_title(s, runs[s]).replace("\n", ", ") for s in _SLOTS
                     if runs.get(s)]
            self.runs_text.set_text("\n".join(lines))
        return self.fig

    @staticmethod
    def _run_title(slot, run):
        c = run.config
        acc = f", acc {run.accuracy[-1]:.2f}" if run.accuracy else ""
        state = (" (diverged)" if run.diverged_at is not None
                 else " (stopped)" if run.stopped else "")
        return (f"{slot}: {run.label}\n{c['depth']}x{c['width']}, lr {c['lr']:.3g}, "
                f"epoch {run.epoch}{acc}{state}")


def training_figure(dataset="moons", runs=None, seed=0, dpi=STATIC_DPI) -> Figure:
    """Train up to two runs to the end and return the training explorer's figure.

    Args:
        dataset: one of :data:`DATASETS`.
        runs: dict slot ("A", "B") -> run settings (keys of :data:`TRAIN_DEFAULTS`:
            weight_init, scale, activation, depth, width, epochs, lr); default one run "A"
            with TRAIN_DEFAULTS. Example: ``{"A": dict(weight_init="random_normal",
            scale=0.01, activation="tanh"), "B": dict(weight_init="glorot_uniform",
            activation="tanh")}``.
        seed: data and weight seed (both runs start from the same draws).
    Returns:
        matplotlib Figure (8 x 3 in).
    Raises:
        ValueError, TypeError: an unknown dataset, slot or setting.
    """
    runs = {"A": {}} if runs is None else runs
    bad = set(runs) - set(_SLOTS)
    if bad:
        raise ValueError(f"unknown slots {sorted(bad)}; valid: A, B")
    configs = {s: _check_run_config(c) for s, c in runs.items()}
    X, y = load_dataset(dataset, seed)
    done = {s: _train_steps(_new_run(c, X, y, seed), X, y, c["epochs"])
            for s, c in configs.items()}
    title = f"{dataset}: " + ", ".join(f"{s} = {r.label}" for s, r in done.items())
    return TrainingView(X, y, dpi=dpi).update(done, title=title)


class TrainingExplorer(W.VBox):
    """The live training explorer (an ipywidgets VBox; see the module docstring).

    Press "train" to train a network with the current settings into the selected slot
    (A or B); the figure updates about 30 times per run; "stop" ends a run early.
    Training runs in a worker thread, so the stop button (and the rest of the notebook)
    stays responsive. Changing the data set clears both slots.

    Attributes:
        controls: dict of the control widgets; runs: dict slot -> TrainRun or None;
        image, progress, status; view: the :class:`TrainingView`.
    """

    def __init__(self, dataset="moons", runs=None, seed=0, *, dpi=LIVE_DPI):
        runs = {} if runs is None else runs
        bad = set(runs) - set(_SLOTS)
        if bad:
            raise ValueError(f"unknown slots {sorted(bad)}; valid: A, B")
        configs = {s: _check_run_config(c) for s, c in runs.items()}
        first = configs.get("A", configs.get("B", dict(TRAIN_DEFAULTS)))
        if dataset not in DATASETS:
            raise ValueError(f"unknown dataset {dataset!r}; valid choices: {', '.join(DATASETS)}")
        wide = {"style": {"description_width": "70px"}}
        c = self.controls = dict(
            dataset=W.Dropdown(options=DATASETS, value=dataset, description="data set", **wide),
            weight_init=W.Dropdown(options=INIT_CHOICES, value=first["weight_init"],
                                   description="initializer", **wide),
            scale=_log_slider(first["scale"], propagation.scale_meaning(first["weight_init"])),
            activation=W.Dropdown(options=ACTIVATION_CHOICES, value=first["activation"],
                                  description="activation", **wide),
            depth=W.IntSlider(value=first["depth"], min=1, max=max(10, first["depth"]),
                              description="layers", **wide),
            width=W.IntSlider(value=first["width"], min=2, max=max(128, first["width"]),
                              description="width", **wide),
            epochs=W.IntSlider(value=first["epochs"], min=10, max=max(2000, first["epochs"]),
                               step=10, description="epochs", **wide),
            lr=_log_slider(first["lr"], "lr", 1e-3, 2.0),
            slot=W.ToggleButtons(options=_SLOTS, value="A", description="into slot",
                                 style={"description_width": "70px", "button_width": "40px"}),
        )
        c["train"] = W.Button(description="train", button_style="success", icon="play",
                              layout=W.Layout(width="90px"))
        c["stop"] = W.Button(description="stop", button_style="danger", icon="stop",
                             disabled=True, layout=W.Layout(width="90px"))
        self.progress = W.IntProgress(value=0, min=0, max=1, description="progress",
                                      style={"description_width": "70px"})
        self.image = W.Image(format="png", layout=W.Layout(width=f"{int(FIGSIZE[0] * dpi)}px"))
        self.status = W.HTML()
        self.seed = seed
        self.dpi = dpi
        self.runs = {s: None for s in _SLOTS}
        self._stop = threading.Event()
        self._thread = None
        self._lock = threading.Lock()
        self._load(dataset)
        for s, cfg in configs.items():  # initial runs: trained now, synchronously
            self.runs[s] = _train_steps(_new_run(cfg, self.X, self.y, seed), self.X, self.y,
                                        cfg["epochs"])
        self._draw()
        rows = [W.HBox([c["dataset"], c["weight_init"], c["activation"]]),
                W.HBox([c["scale"], c["lr"], c["depth"]]),
                W.HBox([c["width"], c["epochs"], c["slot"]]),
                W.HBox([c["train"], c["stop"], self.progress]),
                self.image, self.status]
        super().__init__(rows)
        c["train"].on_click(lambda _b: self.train())
        c["stop"].on_click(lambda _b: self.stop())
        c["dataset"].observe(self._dataset_changed, names="value")
        c["weight_init"].observe(self._init_changed, names="value")

    def __repr__(self):
        runs = ", ".join(f"{s}: {r.label}" for s, r in self.runs.items() if r) or "no runs yet"
        return (f"TrainingExplorer({self.dataset}; {runs}): a live widget; "
                "training_figure(...) draws it statically")

    def _load(self, dataset):
        self.dataset = dataset
        self.X, self.y = load_dataset(dataset, self.seed)
        self.view = TrainingView(self.X, self.y, dpi=self.dpi)

    def _dataset_changed(self, change):
        self.stop(wait=True)
        with self._lock:
            self._load(change["new"])
            self.runs = {s: None for s in _SLOTS}
            self._draw()

    def _init_changed(self, change):
        meaning = propagation.scale_meaning(change["new"])
        self.controls["scale"].description = meaning
        self.controls["scale"].disabled = meaning == "unused"

    def config(self) -> dict:
        """The run settings the controls show now."""
        return {k: self.controls[k].value for k in TRAIN_DEFAULTS}

    def _draw(self):
        title = ""
        self.view.update(self.runs, title=title)
        self.image.value = render_png(self.view.fig)

    def train(self, slot=None, wait=False, **settings):
        """Train a run with the current controls (overridden by ``settings``) into
        ``slot`` (default: the selected one), in a worker thread. ``wait=True`` blocks
        until it ends. Ignored while a run is going."""
        if self._thread is not None and self._thread.is_alive():
            return
        slot = self.controls["slot"].value if slot is None else slot
        if slot not in _SLOTS:
            raise ValueError(f"unknown slot {slot!r}; valid: A, B")
        cfg = _check_run_config({**self.config(), **settings})
        self._stop.clear()
        self.controls["train"].disabled, self.controls["stop"].disabled = True, False
        self.progress.max, self.progress.value = cfg["epochs"], 0
        self._thread = threading.Thread(target=self._worker, args=(slot, cfg), daemon=True,
                                        name="initviz-training")
        self._thread.start()
        if wait:
            self._thread.join()

    def _worker(self, slot, cfg):
        try:
            with self._lock:
                run = self.runs[slot] = _new_run(cfg, self.X, self.y, self.seed)
                self.status.value = f"training {slot}: {run.label}..."

                def frame(r):
                    self.progress.value = r.epoch
                    self._draw()

                _train_steps(run, self.X, self.y, cfg["epochs"], stop=self._stop,
                             on_chunk=frame)
                self._draw()
                end = ("diverged at epoch %d" % run.diverged_at if run.diverged_at is not None
                       else "stopped" if run.stopped else "done")
                loss = run.loss[-1] if run.loss else math.nan
                self.status.value = (f"{slot}: {run.label}: {end} after {run.epoch} epochs, "
                                     f"loss {_fmt(loss)}")
        except Exception as err:  # noqa: BLE001 - report, do not kill the kernel's thread
            self.status.value = f"<b style='color:{BAD_COLOR}'>{type(err).__name__}: {err}</b>"
        finally:
            self.controls["train"].disabled, self.controls["stop"].disabled = False, True

    def stop(self, wait=False):
        """Ask the running training to stop (after its current chunk)."""
        self._stop.set()
        if wait and self._thread is not None:
            self._thread.join()

    def figure(self, dpi=STATIC_DPI) -> Figure:
        """A static Figure of the runs on screen."""
        view = TrainingView(self.X, self.y, dpi=dpi)
        return view.update(self.runs, title=self.dataset)


def training_explorer(dataset="moons", runs=None, seed=0) -> TrainingExplorer:
    """The live training explorer.

    Args:
        dataset: moons, circles, spiral or digits.
        runs: None, or dict slot ("A", "B") -> run settings (see :func:`training_figure`)
            to train at once, so the explorer opens with a finished comparison; the
            controls start at the settings of run A.
        seed: data and weight seed.
    Returns:
        :class:`TrainingExplorer`, a widget: make it the last expression of a cell.
    Raises:
        ValueError, TypeError: an unknown dataset, slot or setting.
    """
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; valid choices: {', '.join(DATASETS)}")
    return TrainingExplorer(dataset, runs, seed)

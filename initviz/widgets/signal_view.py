"""The signal explorer's figure: four panels sharing the layer axis, built once, then only
its data change (see :class:`SignalView`); :func:`signal_figure` is its static twin."""

from __future__ import annotations

import math
import time

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import PowerNorm
from matplotlib.figure import Figure
from matplotlib.ticker import (FixedLocator, FuncFormatter, LogLocator, MaxNLocator,
                               NullFormatter, NullLocator)

from ..plots import ShownFigure  # a Figure that shows itself as a PNG in a notebook
from ..propagation import propagate
from .render import (ACT_COLOR, BAD_COLOR, FIGSIZE, GRAD_COLOR, HUGE, LIVE_DPI, STATIC_DPI,
                     TINY, center_x, decade_label, encode_png, log_limits, render_png,
                     white_to)

__all__ = ["SignalView", "signal_figure"]


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
                                     cmap=white_to(ACT_COLOR), norm=PowerNorm(0.5, 0, 1))
        self.im_g = self.ax_g.imshow(blank, aspect="auto", interpolation="nearest",
                                     cmap=white_to(GRAD_COLOR), norm=PowerNorm(0.5, 0, 1))
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
        self.note_a = fig.text(center_x(self.ax_a), 0.015, "", ha="center", va="bottom",
                               fontsize=7, color=BAD_COLOR)
        self.note_g = fig.text(center_x(self.ax_g), 0.015, "", ha="center", va="bottom",
                               fontsize=7, color=BAD_COLOR)

        ax = self.ax_s
        ax.set_xscale("log")
        ax.set_title("std per layer", fontsize=9, y=1.01)
        ax.xaxis.set_major_locator(LogLocator(numticks=4))
        ax.xaxis.set_major_formatter(FuncFormatter(decade_label))  # plain text, no mathtext
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
        self.note_s = fig.text(center_x(ax), 0.015, "", ha="center", va="bottom", fontsize=7,
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
        self.note_r = fig.text(center_x(ax), 0.015, "", ha="center", va="bottom", fontsize=7,
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
        png = encode_png(canvas, compress_level)
        self.last_times = (t1 - t0, time.perf_counter() - t1)  # (draw, encode) seconds
        return png

    def _std_limits(self, *series):
        """Log limits for the std panel. They are kept while the values fit inside and
        span at least about half of them (in decades), else reset with ~12 % padding: a
        slider drag changes them (and forces a full draw) only now and then."""
        lo, hi = log_limits(*series)
        cur = self._std_lim
        need = math.log10(hi / lo)
        if cur is not None and cur[0] <= lo and hi <= cur[1] \
                and math.log10(cur[1] / cur[0]) <= 2 * need + 4:
            return cur
        pad = 10.0 ** max(1, round(0.12 * need))
        self._std_lim = (max(lo / pad, TINY), min(hi * pad, HUGE))
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
            return np.where(np.isfinite(v) & (v >= TINY) & (v <= HUGE), v, np.nan)

        self.std_a.set_data(drawable(A.std), layers)
        self.std_g.set_data(drawable(G.std), layers)
        for line, pred in ((self.th_a, r.predicted_act_std), (self.th_g, r.predicted_grad_std)):
            line.set_data(([], []) if pred is None else (drawable(pred), layers))
        measured = np.concatenate([A.std, G.std])
        both = np.concatenate([layers, layers])
        low = np.isfinite(measured) & (measured < TINY)
        high = ~np.isfinite(measured) | (measured > HUGE)
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

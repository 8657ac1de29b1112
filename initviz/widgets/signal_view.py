"""The signal explorer's figure: four panels sharing the layer axis, built once, then only
its data change (see :class:`SignalView`); :func:`signal_figure` is its static twin."""

from __future__ import annotations

import math
import time

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import PowerNorm
from matplotlib.figure import Figure
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.markers import TICKDOWN, TICKLEFT
from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator
from matplotlib.transforms import Bbox, offset_copy

from ..plots import LABEL_SIZE, TEXT_SIZE, TITLE_SIZE, ShownFigure, describe
from ..propagation import propagate
from .descriptions import signal_description
from .render import (ACT_COLOR, BAD_COLOR, FIGSIZE, GRAD_COLOR, HUGE, LIVE_DPI, STATIC_DPI,
                     TINY, center_x, decade_label, encode_png, frame_palette, log_limits,
                     render_png, white_to)

__all__ = ["SignalView", "signal_figure"]


# Layout in inches of the FIGSIZE (9 x 4 in) figure, from the left and from the top. Text is
# 10-12 pt (initviz.plots' size rule), so the margins hold: a 12-pt title, the std panel's
# key (two rows), the panel titles (top, 1.0 in); tick labels, x labels and two lines of
# notes (bottom, 1.0 in).
_TOP, _BOTTOM = 1.0, 1.0
_PANELS = dict(a=(0.6, 1.5), g=(2.3, 1.5), bar=(3.92, 0.18), s=(4.9, 2.0), r=(7.2, 1.55))
_GAMMA = 0.5  # the histogram colours: count ** 0.5, so a sparse row still shows
#: The signal std is drawn where it differs from the layer std by more than this fraction
#: (10 %: a smaller gap hides under the layer std's markers on the log axis).
SIGNAL_GAP = 0.1


def _axes_box(fig, left, width):
    """(x0, y0, w, h) in figure fractions of a panel given in inches."""
    w, h = fig.get_size_inches()
    return (left / w, _BOTTOM / h, width / w, (h - _TOP - _BOTTOM) / h)


class SignalView:
    """The signal explorer's figure, built once; :meth:`update` only changes data.

    Four panels share the layer axis (layer 1 at the top): activation histograms and
    gradient histograms (one image each; every row is divided by its own peak, so a row's
    shape shows even when the signal is tiny, and the colour bar says so), per-layer std on
    a log axis (measured solid with markers, theory dashed, and not drawn where the
    measurement is inf/nan; 0 or inf/nan std marked on the axis edges; the activations'
    signal std, :func:`initviz.stats.signal_std`, dotted with open diamonds at the layers
    where it differs from the layer std by more than :data:`SIGNAL_GAP`, with its key
    entry only then), and the saturated %
    (tanh, sigmoid) or dead and zero % (ReLU) per layer, which says in words when it has
    nothing to show. Histogram values beyond the x range are counted in the edge columns
    (an exploding signal lights the edges; a vanishing one shrinks to the middle column);
    ReLU rows leave out the exact zeros. Text follows :mod:`initviz.plots`' size rule
    (10 pt and up at the shown size, FIGSIZE inches at 96 CSS px per inch).

    Args:
        dpi: dots per inch (LIVE_DPI for the widget, STATIC_DPI for stored figures).
        blit: draw the data artists over a cached background (:meth:`render`); the
            background (axes, axis labels, key, colour bar) is drawn once; the ticks and
            words that follow the data go into a second cached layer when they change
            (the std panel's x axis keeps its limits while the values stay inside them,
            so it does not jump at every step of a drag; a depth change redraws the
            layer labels only). Blitted frames are PNG-encoded
            as 8-bit palette images on the colours of the last full draw
            (:func:`render.encode_png`). A blit figure must be rendered with
            :meth:`render`: ``savefig`` skips its data. A preview (a
            :class:`~initviz.propagation.Propagation` of the first inputs of the batch)
            says so in the title line: "preview: 16 of 1024 inputs".
    Attributes:
        fig: the matplotlib Figure (with an Agg canvas). full_draws, blits: counters.
    """

    def __init__(self, dpi=LIVE_DPI, blit=False):
        # a static view shows itself in a notebook; the live one is blitted (see ShownFigure)
        fig = self.fig = (Figure if blit else ShownFigure)(figsize=FIGSIZE, dpi=dpi)
        FigureCanvasAgg(fig)
        self.ax_a = fig.add_axes(_axes_box(fig, *_PANELS["a"]))
        self.ax_g = fig.add_axes(_axes_box(fig, *_PANELS["g"]), sharey=self.ax_a)
        self.ax_s = fig.add_axes(_axes_box(fig, *_PANELS["s"]), sharey=self.ax_a)
        self.ax_r = fig.add_axes(_axes_box(fig, *_PANELS["r"]), sharey=self.ax_a)
        h = fig.get_figheight()
        below = lambda inches: 1 - inches / h  # noqa: E731 - figure y of a depth from the top
        self.title = fig.text(0.5, below(0.08), "", ha="center", va="top", fontsize=TITLE_SIZE)
        norm = PowerNorm(_GAMMA, 0, 1)
        blank = np.zeros((1, 2))
        self.im_a = self.ax_a.imshow(blank, aspect="auto", interpolation="nearest",
                                     cmap=white_to(ACT_COLOR), norm=norm)
        self.im_g = self.ax_g.imshow(blank, aspect="auto", interpolation="nearest",
                                     cmap=white_to(GRAD_COLOR), norm=norm)
        # Every tick and tick label that follows the data (the layer axis with depth, the
        # histograms' x axes with the activation, the std axis with the values) is drawn
        # here, with the data, so the background never changes: a full draw (~100-150 ms at
        # LIVE_DPI, most of it laying out text) happens once, and a depth or activation
        # change costs a redraw of ~20 short texts over it.
        tick = dict(ls="none", color="black", ms=3, mew=0.8, clip_on=False)
        hist_ticks = []
        for ax, name, quantity in ((self.ax_a, "activations", "activation a = f(z)"),
                                   (self.ax_g, "gradients", "gradient dL/dz")):
            ax.set_title(name, fontsize=LABEL_SIZE, y=1.01)  # a fixed y skips the auto-layout
            ax.set_xlabel(quantity, fontsize=LABEL_SIZE, labelpad=TEXT_SIZE + 6)
            ax.xaxis.set_major_locator(NullLocator())
            xtf = ax.get_xaxis_transform()
            marks, = ax.plot([], [], marker=TICKDOWN, transform=xtf, **tick)
            under = offset_copy(xtf, fig=fig, y=-5, units="points")
            hist_ticks.append((marks, [ax.text(0, 0, "", transform=under, ha="center",
                                               va="top", fontsize=TEXT_SIZE)
                                       for _ in range(3)]))
        self.hist_ticks = hist_ticks
        self.ax_a.set_ylabel("layer", fontsize=LABEL_SIZE, labelpad=TEXT_SIZE * 1.4 + 6)
        self.ax_a.yaxis.set_major_locator(NullLocator())  # the shared layer axis: see above
        self._layer_locator = MaxNLocator(6, integer=True)
        self.layer_ticks = [ax.plot([], [], marker=TICKLEFT, transform=ax.get_yaxis_transform(),
                                    **tick)[0]
                            for ax in (self.ax_a, self.ax_g, self.ax_s, self.ax_r)]
        left = offset_copy(self.ax_a.get_yaxis_transform(), fig=fig, x=-5, units="points")
        self.layer_labels = [self.ax_a.text(0, 1, "", transform=left, ha="right",
                                            va="center", fontsize=TEXT_SIZE)
                             for _ in range(8)]
        for ax in (self.ax_a, self.ax_g, self.ax_s, self.ax_r):
            ax.tick_params(labelsize=TEXT_SIZE, length=3)
        self._histogram_colorbar(fig)
        # marks on the right edge of the histogram panels: layers with inf/nan values
        edge = dict(linestyle="none", marker="x", color=BAD_COLOR, clip_on=False, ms=6, mew=1.5)
        self.bad_a, = self.ax_a.plot([], [], transform=self.ax_a.get_yaxis_transform(), **edge)
        self.bad_g, = self.ax_g.plot([], [], transform=self.ax_g.get_yaxis_transform(), **edge)
        note = dict(ha="center", va="bottom", fontsize=TEXT_SIZE, linespacing=1.1)
        self.note_a = fig.text(center_x(self.ax_a), 0.02, "", color=BAD_COLOR, **note)
        self.note_g = fig.text(center_x(self.ax_g), 0.02, "", color=BAD_COLOR, **note)

        ax = self.ax_s
        ax.set_xscale("log")
        ax.set_title("std per layer", fontsize=LABEL_SIZE, y=1.01)
        # The x axis' limits follow a slider over decades. Drawn by matplotlib as part of
        # the background, they made ~30 % of a drag's frames full draws (~150-200 ms each
        # at LIVE_DPI); drawn by matplotlib with the data, ~12-20 ms a frame. So its three
        # decade ticks, labels and grid lines are drawn here, with the data (~6 ms); the
        # axis itself keeps only its label (labelpad: below the tick labels).
        ax.xaxis.set_major_locator(NullLocator())
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xlabel("std (log scale)", fontsize=LABEL_SIZE, labelpad=TEXT_SIZE + 6)
        xtf = ax.get_xaxis_transform()  # x in data units, y in axes units
        self.grid_s = LineCollection([], colors="0.6", linewidths=0.6, transform=xtf,
                                     clip_on=False)
        ax.add_collection(self.grid_s, autolim=False)
        below_axis = offset_copy(xtf, fig=fig, y=-5, units="points")
        self.ticks_s = [ax.text(1, 0, "", transform=below_axis, ha="center", va="top",
                                fontsize=TEXT_SIZE) for _ in range(3)]
        measured = dict(lw=1.5, ms=4, zorder=2)
        theory = dict(ls=(0, (4, 2.5)), lw=1.8, gapcolor="white", zorder=2.5)  # shows on top
        self.std_a, = ax.plot([], [], "-o", color=ACT_COLOR, **measured)
        # the signal std: dotted, open diamonds, over the layer std where they differ
        self.sig_a, = ax.plot([], [], color=ACT_COLOR, lw=1.5, ms=4, **_SIGNAL_STYLE,
                              zorder=3.2)
        self.th_a, = ax.plot([], [], color=ACT_COLOR, **theory)
        self.std_g, = ax.plot([], [], "-s", color=GRAD_COLOR, **measured)
        self.th_g, = ax.plot([], [], color=GRAD_COLOR, **theory)
        # the measured markers again, over the theory lines
        self.dots_a, = ax.plot([], [], "o", color=ACT_COLOR, ms=4, zorder=3)
        self.dots_g, = ax.plot([], [], "s", color=GRAD_COLOR, ms=4, zorder=3)
        ytf = ax.get_yaxis_transform()
        self.edge_lo, = ax.plot([], [], linestyle="none", marker="<", color="0.3", ms=6,
                                transform=ytf, clip_on=False)
        self.edge_hi, = ax.plot([], [], linestyle="none", marker="x", color=BAD_COLOR, ms=6,
                                mew=1.5, transform=ytf, clip_on=False)
        self.key_signal = self._key(fig, below(0.38), below(0.64))
        self.note_s = fig.text(center_x(ax), 0.02, "", color="0.25", **note)

        ax = self.ax_r
        ax.set_axisbelow(True)  # the grid under the bars, in full draws and blits alike
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_locator(FixedLocator([0, 50, 100]))
        ax.grid(True, axis="x", alpha=0.3, lw=0.6)
        ax.set_xlabel("% of the layer", fontsize=LABEL_SIZE, labelpad=2)
        self.title_r = ax.set_title("", fontsize=LABEL_SIZE, y=1.01)
        self.bar_1 = ax.stairs([0], [0.5, 1.5], orientation="horizontal", fill=True,
                               color=ACT_COLOR, alpha=0.75)
        self.bar_2 = ax.stairs([0], [0.5, 1.5], orientation="horizontal", fill=False,
                               color="0.2", lw=1.2, linestyle="--")
        self.empty_r = ax.text(50, 0.5, "", transform=ax.get_xaxis_transform(), ha="center",
                               va="center", fontsize=TEXT_SIZE, color="0.2", linespacing=1.2)
        self.note_r = fig.text(center_x(ax), 0.02, "", color="0.25", **note)
        self.result = None
        self.blit = blit
        self._std_lim = None
        self._bg = self._bg_key = self._bg_semi = self._bg_semi_key = self._palette = None
        self.full_draws = self.blits = 0
        self.last_times = (0.0, 0.0)
        # Drawn over the background: the data, every frame; the ticks and labels that
        # follow the data and the readout's words (~1-4 ms a text), only when they change,
        # into a second cached background (see render).
        self._dynamic = [self.im_a, self.im_g, self.bad_a, self.bad_g, self.note_a, self.note_g,
                         self.std_a, self.th_a, self.std_g, self.th_g, self.dots_a,
                         self.dots_g, self.sig_a, self.edge_lo, self.edge_hi, self.note_s,
                         self.bar_1, self.bar_2]
        # the title says "preview: ..." in the live view while a drag shows a subsample
        self._semistatic = [self.grid_s, *self.ticks_s, self.empty_r, *self.key_signal,
                            self.title, self.title_r, self.note_r, *self.layer_labels,
                            *(a for marks, texts in hist_ticks for a in (marks, *texts))]
        self._dynamic += self.layer_ticks  # ~0.3 ms each; the layer labels: see render
        self._layer_key = None
        if blit:
            for artist in self._dynamic + self._semistatic:
                artist.set_animated(True)

    def _histogram_colorbar(self, fig):
        """One colour bar for both histogram images, a blue and an orange strip side by
        side, saying that each row is divided by its own peak."""
        cax = self.ax_bar = fig.add_axes(_axes_box(fig, *_PANELS["bar"]))
        ramp = np.linspace(0, 1, 256)[:, None]
        strips = np.concatenate([white_to(c)(PowerNorm(_GAMMA, 0, 1)(ramp))[:, :, :3]
                                 for c in (ACT_COLOR, GRAD_COLOR)], axis=1)
        cax.imshow(strips, aspect="auto", origin="lower", extent=(0, 1, 0, 1),
                   interpolation="bilinear")
        values = [0, 0.1, 0.5, 1]
        cax.set_xticks([])
        cax.yaxis.tick_right()
        cax.set_yticks([v ** _GAMMA for v in values], [f"{v:g}" for v in values])
        cax.yaxis.set_label_position("right")
        cax.set_ylabel("count ÷ layer's peak", fontsize=TEXT_SIZE, labelpad=2)
        cax.tick_params(labelsize=TEXT_SIZE, length=2)

    def _key(self, fig, y1, y2):
        """The std panel's key, above it in two rows: samples of the four line styles and
        their names (lines and texts: a legend box costs ~10 ms per full draw). Returns the
        signal std's sample and name, shown only while that series is drawn."""
        w = fig.get_figwidth()
        x = _PANELS["s"][0] / w
        samples = ((dict(color=ACT_COLOR, ls="-", marker="o"), "activations", -0.1, y1),
                   (dict(color=ACT_COLOR, **_SIGNAL_STYLE), "their signal std", 1.2, y1),
                   (dict(color=GRAD_COLOR, ls="-", marker="s"), "gradients", -0.1, y2),
                   (dict(color="0.3", ls=(0, (4, 2.5))), "theory", 1.2, y2))
        made = []
        for style, name, dx, y in samples:
            x0 = x + dx / w
            style = {"lw": 1.5, "ms": 4, **style}
            line = fig.add_artist(Line2D([x0, x0 + 0.15 / w, x0 + 0.3 / w], [y, y, y],
                                         markevery=[1] if "marker" in style else None,
                                         **style))
            made.append((line, fig.text(x0 + 0.36 / w, y, name, fontsize=TEXT_SIZE,
                                        va="center")))
        return made[1]

    def _background_key(self):
        # nothing in the background follows the data (see __init__): only the canvas size
        return tuple(self.fig.bbox.bounds)

    def render(self, compress_level=1) -> bytes:
        """The current frame as PNG bytes: one full draw, or a blit when the background
        is unchanged (see ``blit``)."""
        canvas = self.fig.canvas
        if not self.blit:
            return render_png(self.fig, compress_level)
        t0 = time.perf_counter()
        key = self._background_key()
        full = key != self._bg_key
        if full:
            canvas.draw()  # animated artists are skipped: this is the background
            self._bg, self._bg_key = canvas.copy_from_bbox(self.fig.bbox), key
            self._bg_strip = canvas.copy_from_bbox(Bbox.from_extents(*self._label_strip()))
            self._bg_semi_key = None
            self.full_draws += 1
        else:
            self.blits += 1
        semi_key = (self.ax_s.get_xlim(), self.empty_r.get_text(), self.empty_r.get_position(),
                    self.key_signal[0].get_visible(), self.title.get_text(),
                    self.ax_a.get_xlim(), self.ax_g.get_xlim(),
                    self.title_r.get_text(), self.note_r.get_text())
        layer_key = self.ax_a.get_ylim()
        if semi_key != self._bg_semi_key:  # the background plus ticks and words, cached
            canvas.restore_region(self._bg)
            for artist in self._semistatic:
                self.fig.draw_artist(artist)
            self._bg_semi = canvas.copy_from_bbox(self.fig.bbox)
            self._bg_semi_key, self._layer_key = semi_key, layer_key
        elif layer_key != self._layer_key:
            # depth changed only (a depth drag): redraw the layer labels alone, in the strip
            # left of the first panel, over the background there (~6 texts, not ~25)
            canvas.restore_region(self._bg_semi)
            canvas.restore_region(self._bg_strip)  # the background, in the strip only
            for artist in self.layer_labels:
                self.fig.draw_artist(artist)
            self._bg_semi, self._layer_key = canvas.copy_from_bbox(self.fig.bbox), layer_key
        else:
            canvas.restore_region(self._bg_semi)
        for artist in self._dynamic:
            self.fig.draw_artist(artist)
        if full:  # the colours of this background and its data, for the blits that follow
            self._palette = frame_palette(canvas, extra=_FRAME_COLORS)
        t1 = time.perf_counter()
        png = encode_png(canvas, compress_level, palette=self._palette)
        self.last_times = (t1 - t0, time.perf_counter() - t1)  # (draw, encode) seconds
        return png

    def _label_strip(self):
        """(x0, y0, x1, y1) in display pixels: the strip left of the first panel that holds
        the layer labels (and the background's "layer" label), 8 px above and below it."""
        box = self.ax_a.bbox
        return (0, math.floor(box.y0) - 8, math.floor(box.x0) - 1, math.ceil(box.y1) + 8)

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

    def _decade_ticks(self, lo, hi):
        """The std axis' ticks: three decades, ends included (the fewest labels that give
        the scale; each costs ~2 ms to draw, every frame), with their grid lines."""
        e_lo, e_hi = math.ceil(math.log10(lo) - 1e-9), math.floor(math.log10(hi) + 1e-9)
        decades = 10.0 ** np.unique(np.round(np.linspace(e_lo, e_hi, 3)))
        self.grid_s.set_segments([seg for x in decades for seg in
                                  (((x, 0), (x, 1)), ((x, 0), (x, -0.02)))])
        self.grid_s.set_color([c for _ in decades for c in ((0.85, 0.85, 0.85), (0, 0, 0))])
        for text, x in zip(self.ticks_s, [*decades, None, None]):
            text.set_text("" if x is None else decade_label(x))
            if x is not None:
                text.set_x(x)

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
            # coloured here (count ** 0.5 on the colour map, bad rows light red): an RGBA
            # image skips matplotlib's masked-array norm, ~4x the cost of the resampling
            rows = self._rows(hist, cols.nonfinite)
            im.set_data(im.cmap(np.ma.sqrt(rows) if _GAMMA == 0.5 else rows ** _GAMMA,
                                bytes=True))
            im.set_extent((lo, hi, depth + 0.5, 0.5))
            im.axes.set_xlim(lo, hi)
            n_bad = cols.nonfinite > 0
            bad.set_data(np.ones(n_bad.sum()), layers[n_bad])
            note.set_text(f"inf/nan in\n{int(n_bad.sum())} layers (x)" if n_bad.any() else "")
        self.ax_a.set_ylim(*ylim)
        for (marks, texts), (lo, hi) in zip(self.hist_ticks, (r.act_range, r.grad_range)):
            xs = [lo, (lo + hi) / 2, hi]
            marks.set_data(xs, np.zeros(3))
            for text, x in zip(texts, xs):
                text.set_x(x)
                text.set_text(f"{x:g}")
        ticks = [t for t in self._layer_locator.tick_values(1, depth) if 1 <= t <= depth]
        for marks in self.layer_ticks:
            marks.set_data(np.zeros(len(ticks)), ticks)
        for k, text in enumerate(self.layer_labels):
            text.set_text(f"{ticks[k]:.0f}" if k < len(ticks) else "")
            text.set_y(ticks[k] if k < len(ticks) else 1)

        # std panel: positive finite values on a log axis, the rest marked on the edges. A
        # theory line is drawn only where its measurement is (not where that is inf/nan, or
        # 0 after an overflow): with nothing to compare, it would only stretch the axis
        # (to 1e51 for 50 ReLU layers at std 1 in float32, whose activations are nan from
        # layer 37 and gradients 0 below layer 50).
        act_std, grad_std = _drawable(A.std), _drawable(G.std)
        sig = _drawable(A.signal_std)
        sig[~(np.abs(sig - act_std) > SIGNAL_GAP * act_std)] = np.nan  # only where it differs
        shown = bool(np.isfinite(sig).any())
        th_act, th_grad = (None if pred is None else
                           np.where(np.isnan(m), np.nan, _drawable(pred))
                           for pred, m in ((r.predicted_act_std, act_std),
                                           (r.predicted_grad_std, grad_std)))
        lo, hi = self._std_limits(act_std, grad_std, sig, th_act, th_grad)
        self.ax_s.set_xlim(lo, hi)
        self._decade_ticks(lo, hi)
        self.std_a.set_data(act_std, layers)
        self.std_g.set_data(grad_std, layers)
        self.dots_a.set_data(act_std, layers)
        self.dots_g.set_data(grad_std, layers)
        self.sig_a.set_data(sig, layers)
        for artist in self.key_signal:
            artist.set_visible(shown)
        for line, pred in ((self.th_a, th_act), (self.th_g, th_grad)):
            line.set_data(([], []) if pred is None else (pred, layers))
        # and a signal std of 0 (or below 1e-200) where the layer std is not 0
        gone = np.isfinite(A.std) & (A.std >= TINY) & (A.signal_std < TINY)
        measured = np.concatenate([A.std, G.std])
        both = np.concatenate([layers, layers, layers[gone]])
        low = np.concatenate([np.isfinite(measured) & (measured < TINY), np.ones(gone.sum(), bool)])
        high = np.concatenate([~np.isfinite(measured) | (measured > HUGE),
                               np.zeros(gone.sum(), bool)])
        self.edge_lo.set_data(np.zeros(low.sum()), both[low])
        self.edge_hi.set_data(np.ones(high.sum()), both[high])
        marks = (["< std 0 (or < 1e-200)"] if low.any() else []) + (
            ["x inf/nan"] if high.any() else [])
        notes = [", ".join(marks)] if marks else []
        if r.predicted_act_std is None:
            notes.append("no theory: mean of W not 0")
        self.note_s.set_text("\n".join(notes))

        # readout: saturated % or dead / zero %, and in words when there is nothing to see
        edges = np.arange(depth + 1) + 0.5
        act = s["activation"]
        zero = np.zeros(depth)
        empty_y = 0.5
        if act in ("tanh", "sigmoid"):
            title, bars = "saturated %", (A.saturated, zero)
            key = "saturated: f'(z)\n< 2% of f'(0)"
            empty = _too_small_to_see(A.saturated, "saturated", "no unit\nsaturated")
        elif act in ("relu", "leaky_relu"):
            title, bars = "dead % (zero %)", (A.dead, A.zeros)
            key = "fill: dead units\ndashed: exact zeros"
            empty = _too_small_to_see(A.dead, "dead units", "no dead units")
            if empty and np.nanmax(A.zeros) < 0.02:
                empty += "\nno exact zeros"
            empty_y = 0.85  # clear of the zeros line, ~50 % for ReLU
        else:
            title, bars, key = "saturated %", (zero, zero), ""
            empty = f"{act}:\nnever saturates"
        self.title_r.set_text(title)
        self.bar_1.set_data(100 * bars[0], edges)
        self.bar_2.set_data(100 * bars[1], edges)
        self.note_r.set_text(key)
        self.empty_r.set_text(empty)
        self.empty_r.set_y(empty_y)
        if not self.blit:  # the live view has its controls (and the status line) instead
            self.title.set_text(f"{r.label}, {act}, {depth} layers x {s['width']}, "
                                f"batch {s['batch']}, seed {s['seed']} ({r.dtype})"
                                + (f"; {preview_label(r)}" if r.preview else ""))
            describe(self.fig, signal_description(r, empty))
        else:
            self.title.set_text(preview_label(r) + " (the whole batch when the slider stops)"
                                if r.preview else "")
        return self.fig


_SIGNAL_STYLE = dict(ls=(0, (1, 1.5)), marker="D", mfc="white", mew=1.2)
# colours the data can take beyond the first frame's (see render.frame_palette)
_FRAME_COLORS = (ACT_COLOR, GRAD_COLOR, BAD_COLOR, "#F4B6B6", "0.2", "0.3")


def preview_label(r):
    """'preview: 16 of 1024 inputs' for a Propagation of part of its batch ('' if whole)."""
    return f"preview: {r.inputs} of {r.settings['batch']} inputs" if r.preview else ""


def _too_small_to_see(fractions, what, none):
    """What the readout says when its bars are too short to see: under 2 % (~3 px on its
    1.55 in axis) or none at all; '' when they show."""
    top = float(np.nanmax(fractions)) if np.size(fractions) else 0.0
    if not top > 0:
        return none
    return f"at most {100 * top:.2g} %\n{what}" if top < 0.02 else ""


def _drawable(v):
    """v as floats, nan where a log axis cannot draw it (0, inf, nan, beyond 1e+-200)."""
    v = np.asarray(v, dtype=float)
    return np.where(np.isfinite(v) & (v >= TINY) & (v <= HUGE), v, np.nan)


def signal_figure(weight_init="random_normal", scale=0.01, activation="tanh", depth=10,
                  width=256, batch=512, seed=0, dtype="auto", dpi=STATIC_DPI) -> Figure:
    """The signal explorer's figure for one setting, as a static matplotlib Figure.

    Arguments as :func:`signal_explorer`. Make it the last expression of a notebook cell to
    store it (9 x 4 in, rendered at 192 dpi, shown at 864 x 384 CSS px, with its
    description as alt text). Raises ValueError/TypeError for invalid settings.
    """
    r = propagate(weight_init, scale, activation, depth, width, batch, seed, dtype=dtype)
    return SignalView(dpi=dpi).update(r)

"""The signal explorer's figure: four panels sharing the layer axis, built once, then only
its data change (see :class:`SignalView`); :func:`signal_figure` is its static twin."""

from __future__ import annotations

from collections import Counter

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import PowerNorm
from matplotlib.figure import Figure
from matplotlib.markers import TICKDOWN, TICKLEFT
from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator
from matplotlib.transforms import offset_copy

from ..explorer_settings import stack_label
from ..plots import LABEL_SIZE, TEXT_SIZE, TITLE_SIZE, ShownFigure, describe
from ..propagation import propagate
from .blit import Blitter
from .descriptions import signal_description
from .render import (ACT_COLOR, BAD_COLOR, FIGSIZE, GRAD_COLOR, LIVE_DPI, STATIC_DPI,
                     PixelImage, center_x, render_png, white_to)
from .std_panel import StdPanel

__all__ = ["SignalView", "signal_figure"]


# Layout in inches of the FIGSIZE (9 x 4 in) figure, from the left and from the top. Text is
# 10-12 pt (initviz.plots' size rule), so the margins hold: a 12-pt title, the std panel's
# key (two rows), the panel titles (top, 1.0 in); tick labels, x labels and two lines of
# notes (bottom, 1.0 in).
_TOP, _BOTTOM = 1.0, 1.0
_PANELS = dict(a=(0.6, 1.5), g=(2.3, 1.5), bar=(3.92, 0.18), s=(4.9, 2.0), r=(7.2, 1.55))
_GAMMA = 0.5  # the histogram colours: count ** 0.5, so a sparse row still shows


def _axes_box(fig, left, width):
    """(x0, y0, w, h) in figure fractions of a panel given in inches."""
    w, h = fig.get_size_inches()
    return (left / w, _BOTTOM / h, width / w, (h - _TOP - _BOTTOM) / h)


class SignalView:
    """The signal explorer's figure, built once; :meth:`update` only changes data.

    Four panels share the layer axis (layer 1 at the top): activation histograms and
    gradient histograms (one image each; every row is divided by its own peak, so a row's
    shape shows even when the signal is tiny, and the colour bar says so), per-layer std on
    a log axis (:class:`.std_panel.StdPanel`: measured, theory, the signal std where it
    differs), and the saturated % (tanh, sigmoid) or dead and zero % (ReLU) per layer,
    which says in words when it has nothing to show. Histogram values beyond the x range
    are counted in the edge columns (an exploding signal lights the edges; a vanishing one
    shrinks to the middle column); ReLU rows leave out the exact zeros. Text follows
    :mod:`initviz.plots`' size rule (10 pt and up at the shown size, FIGSIZE inches at 96
    CSS px per inch).

    Args:
        dpi: dots per inch (LIVE_DPI for the widget, STATIC_DPI for stored figures).
        blit: draw the data artists over a cached background (:meth:`render`, with a
            :class:`.blit.Blitter`); the background (axes, axis labels, key, colour bar)
            is drawn once; the ticks and words that follow the data go into a second
            cached layer, each group redrawn in its own pixels when it changes (the std
            panel's x axis keeps its limits while the values stay inside them, so it
            does not jump at every step of a drag; a depth change redraws the layer
            labels and ticks only). Blitted frames are PNG-encoded as 8-bit palette
            images on the colours of the last full draw (:func:`render.encode_png`).
            A blit figure must be rendered with
            :meth:`render`: ``savefig`` skips its data. A preview (a
            :class:`~initviz.propagation.Propagation` of the first inputs of the batch)
            says so in the title line: "preview: 16 of 1024 inputs".
    Attributes:
        fig: the matplotlib Figure (with an Agg canvas); std: its std panel
            (:class:`.std_panel.StdPanel`). full_draws, blits: counters.
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
        # the histograms: RGBA rows (coloured in update), drawn cell by cell (PixelImage)
        self.im_a, self.im_g = (
            ax.add_image(PixelImage(ax, cmap=white_to(color), interpolation="nearest"))
            for ax, color in ((self.ax_a, ACT_COLOR), (self.ax_g, GRAD_COLOR)))
        for im in (self.im_a, self.im_g):
            im.set_data(np.full((1, 1, 4), 255, np.uint8))
        self._extents = {}
        # Every tick and tick label that follows the data (the layer axis with depth, the
        # histograms' x axes with the activation, the std axis with the values) is drawn
        # here, with the data, so the background never changes: a full draw (~100-150 ms at
        # LIVE_DPI, most of it laying out text) happens once, and a depth or activation
        # change redraws only the texts that change, in their own pixels (see Blitter).
        tick = dict(ls="none", color="black", ms=3, mew=0.8, clip_on=False)
        hist_ticks = []
        self._residual = False  # the panels' words: a plain stack's (see _name_panels)
        for ax, (name, quantity, _) in ((self.ax_a, _WORDS[False]["a"]),
                                        (self.ax_g, _WORDS[False]["g"])):
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

        self.std = StdPanel(fig, self.ax_s, _PANELS["s"][0], (below(0.38), below(0.64)), note)
        self.note_s = self.std.note_s  # the std panel's note (initviz.inspect.plot sets it)
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
        # Drawn over the background: the data, every frame (~0.3-0.7 ms an artist; those
        # with nothing to show are hidden in update); the ticks and labels that follow the
        # data and the words (~0.25 ms a glyph at LIVE_DPI), only when they change, into a
        # second cached layer (see Blitter).
        self._dynamic = [self.im_a, self.im_g, self.bad_a, self.bad_g,
                         *(getattr(self.std, name) for name in (
                             "std_a", "th_a", "std_g", "th_g", "dots_a", "dots_g", "sig_a",
                             "edge_lo", "edge_hi")),
                         self.bar_1, self.bar_2]
        # the title says "preview: ..." in the live view while a drag shows a subsample
        semistatic = dict(
            std_axis=(self.ax_s.get_xlim, [self.std.grid_s, *self.std.ticks_s]),
            empty_r=(lambda: (self.empty_r.get_text(), self.empty_r.get_position()),
                     [self.empty_r]),  # (a text costs ~0.25 ms a glyph: one group each)
            title_r=(self.title_r.get_text, [self.title_r]),
            note_r=(self.note_r.get_text, [self.note_r]),
            note_a=(self.note_a.get_text, [self.note_a]),
            note_g=(self.note_g.get_text, [self.note_g]),
            note_s=(self.note_s.get_text, [self.note_s]),
            key=(self.std.key_signal[0].get_visible, list(self.std.key_signal)),
            title=(self.title.get_text, [self.title]),
            hist_a=(self.ax_a.get_xlim, [hist_ticks[0][0], *hist_ticks[0][1]]),
            hist_g=(self.ax_g.get_xlim, [hist_ticks[1][0], *hist_ticks[1][1]]),
            layers=(self.ax_a.get_ylim, [*self.layer_labels, *self.layer_ticks]))
        self._blitter = Blitter(fig, semistatic, self._dynamic, _FRAME_COLORS,
                                background=self._background_looks) if blit else None
        self._semistatic = [a for _, artists in semistatic.values() for a in artists]

    def _background_looks(self):
        """The background's words that could follow a setting: the titles and x labels
        of the histogram and std panels (a full draw when they change)."""
        return tuple((ax.get_title(), ax.get_xlabel()) for ax in (self.ax_a, self.ax_g,
                                                                   self.ax_s))

    def _name_panels(self, residual):
        """Name what the panels show: a[i] and dL/dz[i], or the stream x[i] and dL/dx[i] of
        a residual stack (background words: the blitted view redraws in full once)."""
        if residual == self._residual:
            return
        self._residual = residual
        words = _WORDS[residual]
        for ax, key in ((self.ax_a, "a"), (self.ax_g, "g")):
            ax.set_title(words[key][0], fontsize=LABEL_SIZE, y=1.01)
            ax.set_xlabel(words[key][1], fontsize=LABEL_SIZE, labelpad=TEXT_SIZE + 6)
        self.std.name_lines(words["a"][2], words["g"][2])

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

    def render(self, compress_level=1) -> bytes:
        """The current frame as PNG bytes: a full draw, or with ``blit`` a blit over the
        cached layers when the canvas size is unchanged (see :class:`.blit.Blitter`)."""
        if not self.blit:
            return render_png(self.fig, compress_level)
        return self._blitter.render(compress_level)

    @property
    def full_draws(self):
        return self._blitter.full_draws if self.blit else 0

    @property
    def blits(self):
        return self._blitter.blits if self.blit else 0

    @property
    def last_times(self):
        """(draw, encode) seconds of the last blitted frame."""
        return self._blitter.last_times if self.blit else (0.0, 0.0)

    @property
    def redraws(self):
        """Counter: group of ticks or words -> blitted frames that redrew it."""
        return self._blitter.redraws if self.blit else Counter()

    @property
    def cpu_times(self):
        """(draw, encode) CPU seconds of the last 1000 blitted frames."""
        return list(self._blitter.cpu_times) if self.blit else []

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
        residual = bool(s.get("residual", False))
        self._name_panels(residual)
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
            extent = (lo, hi, depth + 0.5, 0.5)
            if self._extents.get(im) != extent:  # (setting limits costs ~0.3 ms an axes)
                im.set_extent(extent)
                im.axes.set_xlim(lo, hi)
                self._extents[im] = extent
            n_bad = cols.nonfinite > 0
            bad.set_data(np.ones(n_bad.sum()), layers[n_bad])
            bad.set_visible(n_bad.any())  # an empty line costs ~0.4 ms a frame to draw
            note.set_text(f"inf/nan in\n{int(n_bad.sum())} layers (x)" if n_bad.any() else "")
        if self.ax_a.get_ylim() != ylim:
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

        self.std.update(r, layers)

        # readout: saturated % or dead / zero %, and in words when there is nothing to see
        # (of the branch's units f(norm(x[i-1])) in a residual stack)
        edges = np.arange(depth + 1) + 0.5
        act = s["activation"]
        zero = np.zeros(depth)
        empty_y = 0.5
        branch = "branch " if residual else ""
        if act in ("tanh", "sigmoid"):
            title, bars = f"{branch}saturated %", (A.saturated, zero)
            key = "saturated: f'(z)\n< 2% of f'(0)"
            empty = _too_small_to_see(A.saturated, "saturated", "no unit\nsaturated")
        elif act in ("relu", "leaky_relu") and r.preview:
            # a unit is dead when it is 0 on every input of the batch: on a few inputs a
            # healthy ReLU unit is 0 on all of them with probability 2^-n, so a preview
            # shows the exact zeros only
            title, bars = f"{branch}zero %", (zero, A.zeros)
            key = "dashed: exact zeros\n(dead units: on the\nwhole batch)"
            empty = "" if np.nanmax(A.zeros) >= 0.02 else "no exact zeros"
        elif act in ("relu", "leaky_relu"):
            title, bars = f"{branch}dead % (zero %)", (A.dead, A.zeros)
            key = "fill: dead units\ndashed: exact zeros"
            empty = _too_small_to_see(A.dead, "dead units", "no dead units")
            if empty and np.nanmax(A.zeros) < 0.02:
                empty += "\nno exact zeros"
            empty_y = 0.85  # clear of the zeros line, ~50 % for ReLU
        else:
            title, bars, key = f"{branch}saturated %", (zero, zero), ""
            empty = f"{act}:\nnever saturates"
        self.title_r.set_text(title)
        self.bar_1.set_data(100 * bars[0], edges)
        self.bar_2.set_data(100 * bars[1], edges)
        self.note_r.set_text(key)
        self.empty_r.set_text(empty)
        self.empty_r.set_y(empty_y)
        if not self.blit:  # the live view has its controls (and the status line) instead
            self.title.set_text(f"{r.label}, {act}{stack_label(s)}, {depth} layers x "
                                f"{s['width']}, batch {s['batch']}, seed {s['seed']} ({r.dtype})"
                                + (f"; {preview_label(r)}" if r.preview else ""))
            describe(self.fig, signal_description(r, empty))
        else:
            # the label only (the status line under the controls says the whole batch
            # follows): a text costs ~0.25 ms a glyph the first time it is drawn
            self.title.set_text(preview_label(r))
        return self.fig


# the histogram panels' (title, x label) and the std panel's names of their lines, for a
# plain (False) and a residual (True) stack
_WORDS = {False: {"a": ("activations", "activation a = f(z)", "activations"),
                  "g": ("gradients", "gradient dL/dz", "gradients")},
          True: {"a": ("residual stream", "stream x[i]", "stream x"),
                 "g": ("gradients", "gradient dL/dx[i]", "dL/dx")}}
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


def signal_figure(weight_init="random_normal", scale=0.01, activation="tanh", depth=10,
                  width=256, batch=128, seed=0, dtype="auto", residual=False,
                  branch_scale=1.0, norm="none", dpi=STATIC_DPI) -> Figure:
    """The signal explorer's figure for one setting, as a static matplotlib Figure.

    Arguments as :func:`signal_explorer`. Make it the last expression of a notebook cell to
    store it (9 x 4 in, rendered at 192 dpi, shown at 864 x 384 CSS px, with its
    description as alt text). Raises ValueError/TypeError for invalid settings.
    """
    r = propagate(weight_init, scale, activation, depth, width, batch, seed, dtype=dtype,
                  residual=residual, branch_scale=branch_scale, norm=norm)
    return SignalView(dpi=dpi).update(r)

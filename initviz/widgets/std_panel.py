"""The signal explorer's std panel (see :class:`StdPanel`)."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.ticker import NullLocator
from matplotlib.transforms import offset_copy

from ..plots import LABEL_SIZE, TEXT_SIZE
from .render import (ACT_COLOR, BAD_COLOR, GRAD_COLOR, HUGE, TINY, center_x, decade_label,
                     log_limits)

__all__ = ["StdPanel", "SIGNAL_GAP", "drawable"]

#: The signal std is drawn where it differs from the layer std by more than this fraction
#: (10 %: a smaller gap hides under the layer std's markers on the log axis).
SIGNAL_GAP = 0.1
_SIGNAL_STYLE = dict(ls=(0, (1, 1.5)), marker="D", mfc="white", mew=1.2)  # the signal std


class StdPanel:
    """Per-layer std on a log axis, in the axes ``ax`` of the signal explorer's figure
    ``fig``: measured solid with markers, theory dashed over it (and the markers again
    over the theory), not drawn where the measurement is inf/nan; 0 or inf/nan std marked
    on the axis edges; the activations' signal std (:func:`initviz.stats.signal_std`)
    dotted with open diamonds at the layers where it differs by more than
    :data:`SIGNAL_GAP` of the layer std from what n inputs alone make of it (sqrt((n - 1)
    / n) of the layer std: 0.87 for a 4-input preview), with its key entry only then. The key is drawn above the
    panel in two rows (``key_rows``: the figure y of each; ``left``: the panel's left edge
    in inches), the note under it (``note``: the figure's note text properties).

    >>> from initviz.propagation import propagate
    >>> from initviz.widgets import SignalView
    >>> view = SignalView()  # lesson 03's sigmoid stack: the signal std collapses
    >>> _ = view.update(propagate("random_normal", 0.01, "sigmoid", 6, 64, 128, 2))
    >>> view.std.sig_a.get_visible(), view.std.key_signal[1].get_text()
    (True, 'their signal std')
    """

    def __init__(self, fig, ax, left, key_rows, note):
        self.ax = ax
        self._lim = None
        ax.set_xscale("log")
        ax.set_title("std per layer", fontsize=LABEL_SIZE, y=1.01)
        # The x axis' limits follow a slider over decades. Drawn by matplotlib as part of
        # the background, they made ~30 % of a drag's frames full draws (~150-200 ms each
        # at LIVE_DPI); drawn by matplotlib with the data, ~12-20 ms a frame. So its three
        # decade ticks, labels and grid lines are drawn here, redrawn in a blitted frame
        # only when the limits change (~6 ms); the axis itself keeps only its label
        # (labelpad: below the tick labels).
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
        self.key_signal, self.key_names = self._key(fig, left, key_rows)
        self.note_s = fig.text(center_x(ax), 0.02, "", color="0.25", **note)

    def update(self, r, layers):
        """Show the std of a :class:`initviz.propagation.Propagation` ``r`` (``layers``:
        1..depth as floats)."""
        A, G = r.activations, r.gradients
        # std panel: positive finite values on a log axis, the rest marked on the edges. A
        # theory line is drawn only where its measurement is (not where that is inf/nan, or
        # 0 after an overflow): with nothing to compare, it would only stretch the axis
        # (to 1e51 for 50 ReLU layers at std 1 in float32, whose activations are nan from
        # layer 37 and gradients 0 below layer 50).
        act_std, grad_std = drawable(A.std), drawable(G.std)
        sig = drawable(A.signal_std)
        # only where it differs by more than sampling makes it: over n inputs a unit's
        # (population) variance is on average (n - 1) / n of its spread, so a 4-input
        # preview reads 0.87 of the layer std where there are no offsets at all
        n = r.inputs or r.settings["batch"]
        expected = act_std * math.sqrt((n - 1) / n)
        sig[~(np.abs(sig - expected) > SIGNAL_GAP * act_std)] = np.nan
        shown = bool(np.isfinite(sig).any())
        th_act, th_grad = (None if pred is None else
                           np.where(np.isnan(m), np.nan, drawable(pred))
                           for pred, m in ((r.predicted_act_std, act_std),
                                           (r.predicted_grad_std, grad_std)))
        lo, hi = self._limits(act_std, grad_std, sig, th_act, th_grad)
        if self.ax.get_xlim() != (lo, hi):
            self.ax.set_xlim(lo, hi)
            self._decade_ticks(lo, hi)
        self.sig_a.set_data(sig, layers)
        self.sig_a.set_visible(shown)
        for artist in self.key_signal:
            artist.set_visible(shown)
        # the measured markers are drawn again over a theory line (dots_*), only if there
        # is one: every artist drawn costs ~0.3-0.7 ms a frame, with data or not
        for line, th, dots, m, pred in ((self.std_a, self.th_a, self.dots_a, act_std, th_act),
                                        (self.std_g, self.th_g, self.dots_g, grad_std,
                                         th_grad)):
            line.set_data(m, layers)
            dots.set_data(m, layers)
            th.set_data(([], []) if pred is None else (pred, layers))
            th.set_visible(pred is not None and bool(np.isfinite(pred).any()))
            dots.set_visible(th.get_visible())
        # and a signal std of 0 (or below 1e-200) where the layer std is not 0
        gone = np.isfinite(A.std) & (A.std >= TINY) & (A.signal_std < TINY)
        measured = np.concatenate([A.std, G.std])
        both = np.concatenate([layers, layers, layers[gone]])
        low = np.concatenate([np.isfinite(measured) & (measured < TINY), np.ones(gone.sum(), bool)])
        high = np.concatenate([~np.isfinite(measured) | (measured > HUGE),
                               np.zeros(gone.sum(), bool)])
        self.edge_lo.set_data(np.zeros(low.sum()), both[low])
        self.edge_hi.set_data(np.ones(high.sum()), both[high])
        self.edge_lo.set_visible(low.any())
        self.edge_hi.set_visible(high.any())
        marks = (["< std 0 (or < 1e-200)"] if low.any() else []) + (
            ["x inf/nan"] if high.any() else [])
        notes = [", ".join(marks)] if marks else []
        if r.predicted_act_std is None:
            notes.append(_no_theory(r.settings))
        self.note_s.set_text("\n".join(notes))

    @staticmethod
    def _key(fig, left, rows):
        """The std panel's key, above it in two rows: samples of the four line styles and
        their names (lines and texts: a legend box costs ~10 ms per full draw). Returns the
        signal std's sample and name, shown only while that series is drawn, and the texts
        naming the activations' and the gradients' lines (a residual stack renames them:
        :meth:`name_lines`)."""
        w = fig.get_figwidth()
        x, (y1, y2) = left / w, rows
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
        return made[1], (made[0][1], made[2][1])

    def name_lines(self, activations, gradients):
        """Name the measured lines in the key (e.g. "stream x" and "dL/dx")."""
        for text, name in zip(self.key_names, (activations, gradients)):
            text.set_text(name)

    def _limits(self, *series):
        """Log limits for the std panel. They are kept while the values fit inside and
        span at least about half of them (in decades), else reset with ~12 % padding: a
        slider drag changes them (and redraws the ticks) only now and then."""
        lo, hi = log_limits(*series)
        cur = self._lim
        need = math.log10(hi / lo)
        if cur is not None and cur[0] <= lo and hi <= cur[1] \
                and math.log10(cur[1] / cur[0]) <= 2 * need + 4:
            return cur
        pad = 10.0 ** max(1, round(0.12 * need))
        self._lim = (max(lo / pad, TINY), min(hi * pad, HUGE))
        return self._lim

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


def _no_theory(settings):
    """Why the std panel has no theory line, for the note under it."""
    if settings.get("norm", "none") != "none":
        return "no theory here with a normalization"
    if settings.get("residual"):
        return f"no theory here for {settings['activation']} branches"
    return "no theory: mean of W not 0"


def drawable(v):
    """v as floats, nan where a log axis cannot draw it (0, inf, nan, beyond 1e+-200)."""
    v = np.asarray(v, dtype=float)
    return np.where(np.isfinite(v) & (v >= TINY) & (v <= HUGE), v, np.nan)

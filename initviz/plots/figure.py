"""The figure every plot starts from, its colors, and the notes and edge marks that stand in
for values a plot cannot draw (inf, nan, and finite values beyond matplotlib's range)."""

import io

import numpy as np
from matplotlib.figure import Figure

__all__ = ["DPI", "PALETTE", "NOTE_COLOR", "ShownFigure", "new_figure"]

DPI = 80
"""Dots per inch of every figure made here."""

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
"""Series and class colors (Okabe-Ito, readable with color-vision deficiency)."""

NOTE_COLOR = "#B00020"
"""Color of the notes that say what a panel leaves out."""

_NOTE_STYLE = dict(fontsize=8, color=NOTE_COLOR,
                   bbox=dict(facecolor="white", alpha=0.7, edgecolor="none", pad=1.5))

# matplotlib's tick locators and color norms overflow on axes that reach the float64 limit
# (~1.8e308), and its log axes fail from ~1e250. Finite values beyond these magnitudes are
# treated like overflow: left out of the drawing and counted in the note.
_HUGE = 1e200
_TINY = 1e-200  # smallest positive value drawn on a log axis


class ShownFigure(Figure):
    """A Figure that Jupyter can show even if pyplot was never imported.

    Jupyter shows a plain Figure only once the inline backend has registered its PNG
    formatter, which happens when pyplot is imported; before that a cell shows just
    "<Figure size ...>". When that formatter exists it takes precedence over _repr_png_,
    so the figure is still shown once.

    >>> ShownFigure(figsize=(2, 1), dpi=DPI)._repr_png_()[:4]
    b'\\x89PNG'
    """

    def _repr_png_(self):
        buffer = io.BytesIO()
        self.savefig(buffer, format="png")
        return buffer.getvalue()


def new_figure(width, height) -> Figure:
    """An empty Figure of ``width`` x ``height`` inches at :data:`DPI`, not tracked by pyplot,
    that a notebook shows once when it is a cell's last expression. Every figure function
    here, and those in other initviz modules, starts from it.

    >>> fig = new_figure(4, 3)
    >>> fig.get_size_inches().tolist(), fig.dpi
    ([4.0, 3.0], 80)
    """
    return ShownFigure(figsize=(width, height), dpi=DPI)


def _color(i):
    """The i-th color of :data:`PALETTE`, cycling."""
    return PALETTE[i % len(PALETTE)]


def _note(ax, text, y=0.5):
    """Write a visible note in the middle of a panel (axes coordinates)."""
    ax.text(0.5, y, text, transform=ax.transAxes, ha="center", va="center", **_NOTE_STYLE)


# What a line plot cannot draw, and the mark it leaves on the axis edge instead:
# (name, test(y, logy), edge (0 bottom, 1 top), marker, symbol in the note).
# When several tests match a value, the later one names it.
_UNDRAWABLE = (
    ("below 1e-200", lambda y, logy: logy & (y > 0) & (y < _TINY), 0, "v", "▼"),
    ("zero or negative", lambda y, logy: logy & (y <= 0), 0, "v", "▼"),
    ("below -1e200", lambda y, logy: y < -_HUGE, 0, "v", "▼"),
    ("-inf", lambda y, logy: np.isneginf(y), 0, "v", "▼"),
    ("above 1e200", lambda y, logy: y > _HUGE, 1, "^", "▲"),
    ("inf", lambda y, logy: np.isposinf(y), 1, "^", "▲"),
    ("nan", lambda y, logy: np.isnan(y), 1, "x", "x"),
)


def _undrawable_kinds(y, logy):
    """Index into _UNDRAWABLE of each value of y, or -1 where the value can be drawn."""
    kinds = np.full(y.shape, -1)
    for k, (_, test, *_) in enumerate(_UNDRAWABLE):
        kinds[test(y, logy)] = k
    return kinds


def _mark_undrawable(ax, x, y, logy, color, counts):
    """Mark the values of y an axis cannot draw with a symbol on its bottom or top edge.

    Adds the number of marked points of each kind to the dict `counts`.
    """
    kinds = _undrawable_kinds(y, logy)
    edge = ax.get_xaxis_transform()  # x in data units, y in axes units (0 bottom, 1 top)
    for k, (name, _, y_edge, marker, _) in enumerate(_UNDRAWABLE):
        mask = kinds == k
        if mask.any():
            ax.plot(x[mask], np.full(mask.sum(), y_edge), linestyle="none", marker=marker,
                    color=color, transform=edge, clip_on=False, markersize=7, zorder=5)
            counts[name] = counts.get(name, 0) + int(mask.sum())


def _undrawable_note(counts, logy):
    """The note that explains the edge marks, one line per mark, e.g. '▲ top: 2 inf'."""
    lines = ["not drawable on a log axis:" if logy else "not drawable:"]
    for symbol, edge in (("▼", "bottom"), ("▲", "top"), ("x", "top")):
        found = [f"{counts[name]} {name}" for name, _, _, _, sym in _UNDRAWABLE
                 if sym == symbol and counts.get(name)]
        if found:
            lines.append(f"{symbol} {edge}: " + ", ".join(found))
    return "\n".join(lines)

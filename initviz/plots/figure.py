"""The figure every plot starts from: its size rule, fonts, colours and description (alt
text), and the notes and edge marks that stand in for values a plot cannot draw (inf, nan,
and finite values beyond matplotlib's range).

**Size rule.** Every figure is drawn for the size it is shown at:

- A figure of W x H inches is shown at W x H CSS inches. Its PNG carries ``width`` and
  ``height`` metadata in CSS pixels, :data:`CSS_DPI` = 96 per inch (the CSS inch), which
  JupyterLab, the classic notebook and nbconvert's HTML pages use as the image's size. A
  font of s points in matplotlib is then s points on the page (s x 4/3 CSS pixels).
- The PNG is rendered at :data:`DPI` = 192 pixels per inch, two image pixels per CSS pixel,
  so it stays sharp on high-density (2x) screens and when a projector or a zoom enlarges
  it to 200 %.
- No text is smaller than :data:`MIN_FONT` = 10 points at that size: tick labels, legends,
  notes and annotations :data:`TEXT_SIZE` (10 pt, every tick label the same), axis labels
  and panel titles :data:`LABEL_SIZE` (11 pt), figure titles :data:`TITLE_SIZE` (12 pt).
  Widths stay at or under 9 in (864 CSS px, inside JupyterLab's notebook column at a
  1280 x 720 projector resolution), heights under 4.5 in.

``tests/test_figure_readability.py`` draws every figure function and checks these sizes,
the axis labels and that no text overlaps a title.

**Description.** Every figure function sets ``fig.description``: what the figure shows and
its key numbers, computed from the data it drew. :class:`ShownFigure` puts it in its PNG
output's metadata as ``alt`` (``output.metadata["image/png"]["alt"]``), the key nbconvert's
classic HTML template reads for an image's alt text (its lab template, which the lessons'
pages extend, needs a ``data_png`` block that does the same: see tests/test_alt_text.py).
"""

import io
import sys

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .._util import fmt  # the numbers of notes and descriptions (one format for the package)

__all__ = ["DPI", "CSS_DPI", "MIN_FONT", "TEXT_SIZE", "LABEL_SIZE", "TITLE_SIZE", "PALETTE",
           "MARKERS", "LINESTYLES", "NOTE_COLOR", "ShownFigure", "new_figure", "describe",
           "fmt"]

DPI = 192
"""Pixels per inch of every PNG drawn here: two per CSS pixel (see the size rule)."""

CSS_DPI = 96
"""CSS pixels per inch: a figure is shown at its size in inches (the PNG's metadata)."""

MIN_FONT = 10
"""Smallest font size, in points at the shown size."""
TEXT_SIZE = 10   # tick labels, legends, notes, annotations
LABEL_SIZE = 11  # axis labels, panel titles, colour-bar labels
TITLE_SIZE = 12  # figure titles

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
"""Series and class colors (Okabe-Ito, readable with color-vision deficiency)."""

MARKERS = ("o", "s", "^", "D", "v", "P", "X")
"""Series and class markers: with :data:`LINESTYLES`, the cue that does not need colour."""

LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1.5, 1, 1.5, 1, 1.5)), (0, (8, 2)), (0, (1, 3)))
"""Line styles of series told apart without colour (a plot with theory lines keeps the
measured lines solid and draws theory dashed)."""

NOTE_COLOR = "#B00020"
"""Color of the notes that say what a panel leaves out (7.3:1 contrast on white)."""

_NOTE_STYLE = dict(fontsize=TEXT_SIZE, color=NOTE_COLOR,
                   bbox=dict(facecolor="white", alpha=0.8, edgecolor="none", pad=1.5))

# matplotlib's tick locators and color norms overflow on axes that reach the float64 limit
# (~1.8e308), and its log axes fail from ~1e250. Finite values beyond these magnitudes are
# treated like overflow: left out of the drawing and counted in the note.
_HUGE = 1e200
_TINY = 1e-200  # smallest positive value drawn on a log axis


class ShownFigure(Figure):
    """A Figure that Jupyter shows as a PNG at its size in inches, with its description.

    Its PNG output is rendered at :data:`DPI`, with metadata ``{"width", "height"}`` in CSS
    pixels (:data:`CSS_DPI` per inch) and ``"alt"``, the figure's :attr:`description`.
    IPython calls ``_repr_png_`` for an object no formatter is registered for, so the
    figure shows itself even if pyplot was never imported. Once pyplot is imported, the
    inline backend registers a PNG formatter for every Figure, which would take precedence
    (and drop the size and the description, and crop to a tight box): importing this
    module in a running IPython registers ``_repr_png_`` for ShownFigure itself, which
    IPython prefers to the formatter of its base class, before or after the inline backend.

    >>> fig = ShownFigure(figsize=(2, 1), dpi=DPI)
    >>> fig.description = "An empty figure."
    >>> png, metadata = fig._repr_png_()
    >>> png[:4], metadata
    (b'\\x89PNG', {'width': 192, 'height': 96, 'alt': 'An empty figure.'})
    """

    description = ""
    """What the figure shows and its key numbers (alt text); set by the figure functions."""

    def _repr_png_(self):
        buffer = io.BytesIO()
        self.savefig(buffer, format="png")
        width, height = self.get_size_inches() * CSS_DPI
        metadata = {"width": int(round(width)), "height": int(round(height))}
        if self.description:
            metadata["alt"] = self.description
        return buffer.getvalue(), metadata


def register_png_formatter(display_formatter):
    """Make IPython's ``display_formatter`` show a :class:`ShownFigure` by its own
    ``_repr_png_`` (PNG, size and description), not by a formatter registered for every
    Figure (the inline backend's). Done on import in a running IPython."""
    display_formatter.formatters["image/png"].for_type(ShownFigure, ShownFigure._repr_png_)


def _register_in_running_ipython():
    ipython = sys.modules.get("IPython")  # not imported: no shell to register with
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        register_png_formatter(shell.display_formatter)


_register_in_running_ipython()


def new_figure(width, height) -> ShownFigure:
    """An empty :class:`ShownFigure` of ``width`` x ``height`` inches at :data:`DPI`, not
    tracked by pyplot, that a notebook shows once when it is a cell's last expression.
    Every figure function here, and those in other initviz modules, starts from it.

    >>> fig = new_figure(4, 3)
    >>> fig.get_size_inches().tolist(), fig.dpi
    ([4.0, 3.0], 192)
    """
    fig = ShownFigure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)  # a renderer to measure text with (legend_outside, tests)
    return fig


def describe(fig, text, append=False):
    """Set the figure's description (its alt text), or add a sentence to it.

    >>> fig = new_figure(2, 2)
    >>> describe(describe(fig, "Left: a."), "Right: b.", append=True).description
    'Left: a. Right: b.'
    """
    old = getattr(fig, "description", "") if append else ""
    fig.description = f"{old} {text}".strip()
    return fig


def _margins(fig, left, right, bottom, top, **kw):
    """Fix the axes area by its margins in inches (the same at every figure size)."""
    w, h = fig.get_size_inches()
    fig.subplots_adjust(left=left / w, right=1 - right / w, bottom=bottom / h,
                        top=1 - top / h, **kw)


def _readable(fig):
    """Give every axes of ``fig`` (colour bars too) tick labels of :data:`TEXT_SIZE`: one
    size for all, at the floor of the size rule. Returns ``fig``."""
    for ax in fig.axes:
        ax.tick_params(which="both", labelsize=TEXT_SIZE)
        for axis in (ax.xaxis, ax.yaxis):
            axis.get_offset_text().set_fontsize(TEXT_SIZE)
            axis.label.set_fontsize(max(axis.label.get_fontsize(), LABEL_SIZE))
    return fig


def _color(i):
    """The i-th color of :data:`PALETTE`, cycling."""
    return PALETTE[i % len(PALETTE)]


def _series_style(i, solid=False):
    """Color, marker and line style of the i-th series (solid lines if ``solid``)."""
    return dict(color=_color(i), marker=MARKERS[i % len(MARKERS)],
                linestyle="-" if solid else LINESTYLES[i % len(LINESTYLES)])


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

"""PNG frames and the look the explorers share: sizes, colours, log limits, number format.

A live frame is one ``canvas.draw()`` into the Agg buffer, encoded by Pillow at compression
level 1 (the inline backend's ``savefig(..., bbox_inches="tight")`` draws twice). Nothing
here knows about a particular explorer.
"""

from __future__ import annotations

import io
import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap, to_rgb

__all__ = ["render_png", "encode_png", "STATIC_DPI", "LIVE_DPI", "FIGSIZE"]

STATIC_DPI = 80          # figures stored in notebooks (project rule: <= 8 x 3 in at dpi 80)
LIVE_DPI = 100           # the live view: 800 x 300 px, readable on a projector
FIGSIZE = (8.0, 3.0)
ACT_COLOR, GRAD_COLOR, BAD_COLOR = "#0072B2", "#D55E00", "#B00020"
TINY, HUGE = 1e-200, 1e200  # matplotlib's log axes fail beyond ~1e250


def render_png(fig, compress_level=1) -> bytes:
    """Draw a figure once and encode it as PNG (what an ``ipywidgets.Image`` sends).

    The inline backend's ``savefig(..., bbox_inches="tight")`` draws the figure twice (once
    to find the tight box); here one ``canvas.draw()`` fills the Agg buffer and that is
    encoded directly. Compression level 1 is faster than the default 6 and the file only a
    little larger for a plot like this (``benchmarks/bench_explorer.py`` measures it).
    """
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return encode_png(canvas, compress_level)


def encode_png(canvas, compress_level=1) -> bytes:
    """PNG bytes of an Agg canvas's buffer, as RGB (Pillow's convert is ~5x faster than
    slicing the RGBA array)."""
    from PIL import Image

    size = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="png", compress_level=compress_level)
    return buf.getvalue()


def white_to(color):
    dark = tuple(0.45 * c for c in to_rgb(color))
    cmap = LinearSegmentedColormap.from_list("w-" + color, ["#FFFFFF", color, dark])
    return cmap.with_extremes(bad="#F4B6B6")  # a layer that overflowed: a light red row


def log_limits(*series):
    """Log-axis limits covering the positive finite values, in whole decades, kept in
    [1e-200, 1e200]. Whole decades keep the ticks (and the axis) still while a slider
    moves within a decade."""
    vals = np.concatenate([np.asarray(s, dtype=float).ravel() for s in series if s is not None])
    vals = vals[np.isfinite(vals) & (vals > TINY) & (vals < HUGE)]
    if vals.size == 0:
        return 1e-3, 1e1
    lo = 10.0 ** math.floor(math.log10(vals.min()) - 0.15)
    hi = 10.0 ** math.ceil(math.log10(vals.max()) + 0.15)
    if hi / lo < 100:  # at least two decades
        lo, hi = lo / 10, hi * 10
    return max(lo, TINY), min(hi, HUGE)


def center_x(ax):
    pos = ax.get_position()
    return (pos.x0 + pos.x1) / 2


def decade_label(x, _pos=None):
    """'1e-6' for a decade tick (mathtext '10^{-6}' costs ~1 ms per label to lay out)."""
    if not x > 0:
        return ""
    e = round(math.log10(x))
    return "1" if e == 0 else f"1e{e}"


def fmt(x):
    """A number to 3 significant digits, inf and nan as such (for status lines)."""
    if not np.isfinite(x):
        return "inf" if x == np.inf else "nan"
    return f"{x:.3g}"

"""PNG frames and the look the explorers share: sizes, colours, log limits, number format.

A live frame is one ``canvas.draw()`` (or a blit) into the Agg buffer, encoded by Pillow at
compression level 1, as RGB or on the colours of an earlier frame (:func:`encode_png`); the
inline backend's ``savefig(..., bbox_inches="tight")`` draws twice. Nothing here knows about
a particular explorer.
"""

from __future__ import annotations

import io
import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap, to_rgb

from ..plots import CSS_DPI, DPI
from ..plots.figure import fmt  # noqa: F401 - the explorers' number format, from here

__all__ = ["render_png", "encode_png", "frame_palette", "STATIC_DPI", "LIVE_DPI", "FIGSIZE",
           "CSS_WIDTH"]

# Sizes follow initviz.plots' size rule: a figure is shown at its size in inches (96 CSS px
# per inch), with text of 10 pt and up at that size.
FIGSIZE = (9.0, 4.0)     # shown at 864 x 384 CSS px: inside a 1280 x 720 JupyterLab column
CSS_WIDTH = f"{int(FIGSIZE[0] * CSS_DPI)}px"  # the live image's width on the page
STATIC_DPI = DPI         # figures stored in notebooks: 192 dpi, 2 pixels per CSS pixel
# the live view: 1350 x 600 px shown at 864 x 384 CSS px (1.56 px per CSS px). 192 dpi would
# be 2x, at ~+10 ms a frame median and ~+30 ms p90 (drawing and PNG encoding scale with the
# pixels; measured on a 2-core machine over benchmarks/bench_explorer.py's changes).
LIVE_DPI = 150
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


def encode_png(canvas, compress_level=1, palette=None) -> bytes:
    """PNG bytes of an Agg canvas's buffer: RGB, or with ``palette`` (from
    :func:`frame_palette`) an 8-bit palette image mapped to it.

    Pillow picks a PNG filter per row for RGB, which costs more than the compression: at
    1080 x 480 px, 17.7 ms for RGB (13.2 ms even uncompressed) against 2.1 ms to map to a
    known palette plus 2.8 ms to encode, and the file is half the size (30 KB against 62;
    measured on a 2-core machine). Matplotlib's figure holds a few hundred colours (text
    and line edges blended with white, the histogram ramps), so 256 lose little: a mean
    error of ~1/255 per channel (tests/test_widgets.py).
    """
    from PIL import Image

    size = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    image = image.convert("RGB")  # Pillow's convert is ~5x faster than slicing the array
    if palette is not None:
        image = image.quantize(palette=palette, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    image.save(buf, format="png", compress_level=compress_level)
    return buf.getvalue()


def frame_palette(canvas, extra=()):
    """The 256 colours of the canvas's current frame (Pillow's fast octree, 8.6 ms at
    1080 x 480 px), for :func:`encode_png` to map later frames of the same figure to. Build
    it from a frame that shows every colour the data can take (the signal view's colour
    bar holds both histogram ramps), or name the colours later frames may add in ``extra``:
    each goes in as a ramp from white (antialiased edges on white) to the colour, as
    strips of 8 rows under the frame, so the octree gives them their share."""
    from PIL import Image

    size = canvas.get_width_height(physical=True)
    rgb = np.asarray(Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0,
                                      1).convert("RGB"))
    if extra:
        t = np.linspace(0.0, 1.0, size[0])[:, None]
        ramps = [np.repeat((255 * (1 - t + t * np.array(to_rgb(c))))[None], 8, axis=0)
                 for c in extra]
        rgb = np.concatenate([rgb, *np.round(ramps).astype(np.uint8)], axis=0)
    return Image.fromarray(rgb).quantize(256, method=Image.Quantize.FASTOCTREE,
                                         dither=Image.Dither.NONE)


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

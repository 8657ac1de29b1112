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
from matplotlib.image import AxesImage
from matplotlib.transforms import IdentityTransform

from ..plots import CSS_DPI, DPI
from ..plots.figure import _HUGE as HUGE, _TINY as TINY  # the log axes' limits, for all plots
from ..plots.figure import fmt  # noqa: F401 - the explorers' number format, from here

__all__ = ["render_png", "encode_png", "frame_palette", "PixelImage", "STATIC_DPI", "LIVE_DPI",
           "FIGSIZE", "CSS_WIDTH"]

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

    Pillow picks a PNG filter per row for RGB, which costs more than the compression: a
    live signal-explorer frame (1350 x 600 px) takes 25 ms as RGB (19 ms even
    uncompressed, 74 KB) against 0.8 ms to read, 1.7 ms to map to a known palette and
    3.8 ms to encode at level 1 (34 KB); level 0 would save 2.7 ms but send 790 KB a frame,
    too much for a hub or Binder over a network, and levels 2-6 cost more for 1-9 KB less
    (CPU times measured on a 2-core machine). Matplotlib's figure holds a few hundred
    colours (text and line edges blended with white, the histogram ramps), so 256 lose
    little: a mean error of ~1/255 per channel (tests/test_widgets.py).
    """
    from PIL import Image

    size = canvas.get_width_height(physical=True)
    # RGBA read as RGBX: one pass (0.8 ms at 1350 x 600 px) where wrapping the buffer as
    # RGBA and converting to RGB takes 1.5 ms, and slicing the array ~5x that
    image = Image.frombytes("RGB", size, canvas.buffer_rgba(), "raw", "RGBX", 0, 1)
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


class PixelImage(AxesImage):
    """An :class:`~matplotlib.image.AxesImage` of RGBA bytes (``imshow`` of a (rows, cols, 4)
    uint8 array) shown with interpolation "nearest", each output pixel taking the cell
    under its centre, drawn without matplotlib's resampling.

    ``imshow`` resamples an RGBA image in float32 (premultiplied alpha, then back to bytes)
    to the output pixels at every draw: ~3 ms for a 10 x 41 histogram on a 225 x 300 px
    panel at 150 dpi. Here the cells are repeated to the panel's pixel box by index (two
    ``numpy.take``, indices cached per box), ~0.3 ms, to the same pixels as matplotlib's
    nearest-neighbour resampling (opaque cells, tests/test_widgets.py). Any other case (interpolation,
    data type, a vector backend asking for the unsampled image, a non-affine or flipped
    transform) is drawn by :class:`~matplotlib.image.AxesImage` itself.

    >>> from matplotlib.backends.backend_agg import FigureCanvasAgg
    >>> from matplotlib.figure import Figure
    >>> ax = Figure(figsize=(4, 3), dpi=100).add_axes((0, 0, 1, 1))
    >>> im = ax.add_image(PixelImage(ax, interpolation="nearest", extent=(0, 4, 2, 0)))
    >>> im.set_data(np.zeros((2, 4, 4), np.uint8))
    >>> _ = ax.set_xlim(0, 4), ax.set_ylim(2, 0)
    >>> im.make_image(FigureCanvasAgg(ax.figure).get_renderer())[0].shape  # the axes' pixels
    (300, 400, 4)
    """

    _index_cache = None

    def make_image(self, renderer, magnification=1.0, unsampled=False):
        A = self._A
        trans = self.get_transform()
        if (unsampled or magnification != 1.0 or A is None or A.dtype != np.uint8
                or A.ndim != 3 or A.shape[2] != 4 or self.origin != "upper"
                or self.get_interpolation() not in ("nearest", "none")
                or not trans.is_affine):
            return super().make_image(renderer, magnification, unsampled)
        left, right, bottom, top = self.get_extent()
        (x0, y0), (x1, y1) = trans.transform([(left, bottom), (right, top)])
        if not (x1 > x0 and y1 > y0):
            return super().make_image(renderer, magnification, unsampled)
        clip = (self.get_clip_box() or self.axes.bbox) if self.get_clip_on() \
            else self.get_figure(root=True).bbox
        # the output box rounded to pixels as matplotlib's _make_image rounds it
        c0 = math.floor(max(x0, clip.x0) + 0.5)
        c1 = math.floor(min(x1, clip.x1) + 0.5 + 1e-8)
        r0 = math.ceil(max(y0, clip.y0) - 0.5 - 1e-8)
        r1 = math.ceil(min(y1, clip.y1) - 0.5)
        if c1 <= c0 or r1 <= r0:
            return None, 0, 0, None
        rows, cols = A.shape[:2]
        key = (c0, c1, r0, r1, x0, x1, y0, y1, rows, cols)
        if self._index_cache is None or self._index_cache[0] != key:
            # the cell under each output pixel's centre (the output's row 0 at the bottom,
            # the data's row 0 at the top: origin "upper")
            xs = (np.arange(c0, c1) + 0.5 - x0) * (cols / (x1 - x0))
            ys = (y1 - (np.arange(r0, r1) + 0.5)) * (rows / (y1 - y0))
            self._index_cache = (key, np.clip(ys.astype(int), 0, rows - 1),
                                 np.clip(xs.astype(int), 0, cols - 1))
        _, iy, ix = self._index_cache
        return A.take(iy, axis=0).take(ix, axis=1), c0, r0, IdentityTransform()


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

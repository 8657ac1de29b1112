"""Blitting a live figure in three layers, and encoding the frame (see :class:`Blitter`)."""

from __future__ import annotations

import math
import time
from collections import Counter, deque

import numpy as np
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from .render import encode_png, frame_palette

__all__ = ["Blitter"]

_MARGIN = 2  # pixels around an artist's extent: antialiasing and line widths past it
_TEXTS = 256  # texts whose pixels are kept (~4-40 KB each at 150 dpi)


class Blitter:
    """Draws a figure's frames as a cached background, a cached layer of artists that
    change now and then, and the artists that change every frame.

    The background is everything that is not animated, drawn by one ``canvas.draw()``
    (~100-150 ms for the signal explorer at LIVE_DPI, most of it laying out text) when the
    canvas size changes. ``groups`` are the animated artists that follow the data only now
    and then (tick labels, words): each group has a key function, and when its key changes
    its artists are redrawn into the second cached layer, only in the pixel boxes they
    covered and now cover (restored from the background there), together with every other
    group artist whose box meets those (and so on), so no other pixel of the layer changes;
    a text alone in its box that shows words it showed there before is copied back from
    its pixels then (the last 256 kept) instead of drawn again.
    ``dynamic`` artists are drawn over that layer every frame, in their order.

    Frames are PNG-encoded as 8-bit palette images on the colours of the last full draw
    plus ``extra_colors`` (:func:`render.frame_palette`, :func:`render.encode_png`).

    Args:
        fig: a Figure with an Agg canvas.
        groups: dict name -> (key function, list of artists); the artists are drawn in
            this order (groups, then artists).
        dynamic: list of artists drawn every frame.
        extra_colors: colours later frames may add (see :func:`render.frame_palette`).
        background: None or a key function of the background's look (e.g. an axes'
            title): a full draw when it changes, as when the canvas size changes.
    Attributes:
        full_draws, blits: frames drawn in full and blitted; redraws: a Counter of the
            groups redrawn (name -> frames, the first full draw included);
            last_times: (draw, encode) seconds of the last frame; cpu_times: the
            (draw, encode) CPU seconds of this thread for the last 1000 frames.

    >>> from matplotlib.backends.backend_agg import FigureCanvasAgg
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1), dpi=50)
    >>> ax = FigureCanvasAgg(fig).figure.add_subplot()
    >>> line, = ax.plot([0, 1], [0, 1])
    >>> label = ax.set_title("a")
    >>> b = Blitter(fig, {"title": (label.get_text, [label])}, [line])
    >>> png = b.render(); label.set_text("b"); png = b.render(); png = b.render()
    >>> b.full_draws, b.blits, b.redraws["title"], png[1:4]
    (1, 2, 2, b'PNG')
    """

    def __init__(self, fig, groups, dynamic, extra_colors=(), background=None):
        self.fig = fig
        self.background = background
        self.groups = groups
        self.dynamic = list(dynamic)
        self.extra_colors = tuple(extra_colors)
        self._order = [a for _, artists in groups.values() for a in artists]
        for artist in self._order + self.dynamic:
            artist.set_animated(True)
        self._bg = self._bg_look = self._layer = self._palette = None
        self._keys, self._boxes, self._texts = {}, {}, {}
        self.full_draws = self.blits = 0
        self.redraws = Counter()
        self.last_times = (0.0, 0.0)
        self.cpu_times = deque(maxlen=1000)

    def render(self, compress_level=1) -> bytes:
        """The current frame as PNG bytes: a full draw when the canvas size or the
        ``background`` key changed (or the first time), else a blit."""
        canvas = self.fig.canvas
        t0, c0 = time.perf_counter(), time.thread_time()
        look = (tuple(self.fig.bbox.bounds), self.background and self.background())
        full = look != self._bg_look
        if full:
            canvas.draw()  # animated artists are skipped: this is the background
            self._bg, self._bg_look = canvas.copy_from_bbox(self.fig.bbox), look
            self._keys, self._boxes, self._texts, self._layer = {}, {}, {}, None
            self.full_draws += 1
        else:
            self.blits += 1
            canvas.restore_region(self._layer)
        keys = {name: key() for name, (key, _) in self.groups.items()}
        changed = [name for name in self.groups if self._keys.get(name, _UNSET) != keys[name]]
        if changed:
            self._redraw(changed)
            self._keys.update((name, keys[name]) for name in changed)
            self.redraws.update(changed)
        for artist in self.dynamic:
            self.fig.draw_artist(artist)
        if full:  # the colours of this background and its data, for the frames that follow
            self._palette = frame_palette(canvas, extra=self.extra_colors)
        t1, c1 = time.perf_counter(), time.thread_time()
        png = encode_png(canvas, compress_level, palette=self._palette)
        self.last_times = (t1 - t0, time.perf_counter() - t1)  # (draw, encode) seconds
        self.cpu_times.append((c1 - c0, time.thread_time() - c1))
        return png

    def _redraw(self, changed):
        """Redraw the groups ``changed`` into the cached layer (see the class)."""
        canvas = self.fig.canvas
        renderer = canvas.get_renderer()
        width, height = canvas.get_width_height(physical=True)
        todo = {a for name in changed for a in self.groups[name][1]}
        now = dict(self._boxes)  # where each artist draws in this frame
        now.update((a, self._box(a, renderer, width, height)) for a in todo)
        boxes = [b for a in todo for b in (self._boxes.get(a), now[a]) if b is not None]
        grown = True
        while grown:  # the other artists drawn in those boxes, and the boxes they cover
            grown = False
            for a in self._order:
                box = self._boxes.get(a)
                if a not in todo and box is not None and any(_meet(box, b) for b in boxes):
                    todo.add(a)
                    boxes.append(box)
                    grown = True
        if self._layer is not None:
            for box in boxes:  # the background there, from the full copy (origin 0, 0)
                canvas.restore_region(self._bg, bbox=box, xy=(0, 0))
        for a in self._order:
            if a not in todo:
                continue
            box = now[a]
            # A text alone in its box, showing words it showed there before, is copied back
            # from its pixels then (background included): ~0.05 ms where drawing costs
            # ~0.25 ms a glyph at 150 dpi (matplotlib 3.11's Agg text, measured here).
            alone = isinstance(a, Text) and box is not None and not any(
                b is not None and _meet(box, b) for o, b in now.items() if o is not a)
            key = (id(a), box, a.get_text(), str(a.get_color())) if alone else None
            pixels = self._texts.get(key)
            if pixels is not None:
                canvas.restore_region(pixels)
            else:
                self.fig.draw_artist(a)
                if alone:
                    self._texts[key] = canvas.copy_from_bbox(Bbox.from_extents(
                        box[0], height - box[3], box[2], height - box[1]))
                    if len(self._texts) > _TEXTS:
                        del self._texts[next(iter(self._texts))]  # the oldest
        self._boxes = now
        self._layer = canvas.copy_from_bbox(self.fig.bbox)

    @staticmethod
    def _box(artist, renderer, width, height):
        """(x0, y0, x1, y1) in buffer pixels (y down) that ``artist`` draws into, with
        _MARGIN around; None when it draws nothing."""
        if not artist.get_visible() or (hasattr(artist, "get_text") and not artist.get_text()):
            return None
        if hasattr(artist, "get_segments"):  # a LineCollection's extent is in data units
            points = [p for p in artist.get_segments() if len(p)]
            if not points:
                return None
            e = Bbox.null()
            e.update_from_data_xy(artist.get_transform().transform(np.concatenate(points)))
        else:
            e = artist.get_window_extent(renderer)
        if not (math.isfinite(e.x0) and math.isfinite(e.x1) and math.isfinite(e.y0)
                and math.isfinite(e.y1)):
            return None
        return (max(math.floor(e.x0) - _MARGIN, 0),
                max(height - math.ceil(e.y1) - _MARGIN, 0),
                min(math.ceil(e.x1) + _MARGIN, width),
                min(height - math.floor(e.y0) + _MARGIN, height))


_UNSET = object()


def _meet(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

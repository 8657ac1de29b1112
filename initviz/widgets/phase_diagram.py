"""The live phase diagram of lesson 08: drag sigma_w2 and sigma_b2 across the edge of chaos.

Three panels: the (sigma_w2, sigma_b2) plane with the activation's critical line and the
current point; the correlation map at q* with its fixed point c*; and the correlation of two
inputs (cosine 0.5 at the input) through a real network of 20 layers of 512 units, measured
(markers) beside the mean-field theory (dashed). :func:`phase_figure` is the static twin
(what a stored notebook and the static pages show).

The random weights are drawn once (:class:`initviz.random_networks.PairBank`) and rescaled
at every move; the figure is built once (:class:`PhaseView`) and a move changes only its
data, blitted over a cached background; the theory and the measured correlations are cached
per (activation, sigma_w2, sigma_b2); redraws are coalesced
(:class:`initviz.widgets.Coalescer`), so a drag never queues a backlog
(``benchmarks/bench_phase_diagram.py`` measures a redraw).
"""

from __future__ import annotations

import functools
import time

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from .. import mean_field
from .._checks import check_choice, check_real
from ..activations import get_activation
from ..mean_field_maps import _c_map_curve
from ..plots import PALETTE, ShownFigure, describe, new_figure
from ..plots.figure import LABEL_SIZE, NOTE_COLOR, TEXT_SIZE, _readable, _series_style, fmt
from ..random_networks import PairBank
from .coalescer import Coalescer
from .render import (CSS_WIDTH, FIGSIZE, LIVE_DPI, STATIC_DPI, encode_png, frame_palette,
                     render_png)

__all__ = ["PhaseExplorer", "PhaseView", "phase_explorer", "phase_figure",
           "PHASE_ACTIVATIONS", "PHASE_LIMITS"]

#: The activations the explorer offers.
PHASE_ACTIVATIONS = ("tanh", "relu", "linear", "sigmoid")
#: Slider ranges: sigma_w2 and sigma_b2.
PHASE_LIMITS = dict(sigma_w2=(0.1, 4.0), sigma_b2=(0.0, 1.0))
_DEPTH, _WIDTH, _C0 = 20, 512, 0.5
_B2_GRID = np.linspace(0.0, 1.0, 26)
_C_GRID = np.linspace(-1.0, 1.0, 41)
_LAYERS = np.arange(1, _DEPTH + 1)
# colours the data can take beyond the first frame's (see render.frame_palette)
_FRAME_COLORS = (PALETTE[0], PALETTE[1], NOTE_COLOR, "#000000", "#808080")
_BANKS = {}


def _bank(seed):
    if seed not in _BANKS:
        _BANKS[seed] = PairBank(_DEPTH, _WIDTH, q0=1.0, c0=_C0, rng=seed)
    return _BANKS[seed]


def _check(activation, sigma_w2, sigma_b2):
    check_choice("activation", activation, PHASE_ACTIVATIONS)
    return (check_real("sigma_w2", sigma_w2, 0, low_open=True),
            check_real("sigma_b2", sigma_b2, 0))


@functools.lru_cache(maxsize=256)
def _theory(activation, sigma_w2, sigma_b2):
    """Everything the panels show from the theory at one point (cached: a slider that comes
    back to a value recomputes nothing)."""
    name = get_activation(activation).name
    q = mean_field.fixed_point(name, sigma_w2, sigma_b2)
    return dict(
        line=_critical_line(name),
        phase=mean_field.phase(name, sigma_w2, sigma_b2),
        chi1=mean_field.chi1(name, sigma_w2, sigma_b2),
        c_star=mean_field.correlation_fixed_point(name, sigma_w2, sigma_b2),
        c_map=_c_map_curve(name, sigma_w2, sigma_b2, _C_GRID, q),
        c_t=mean_field.trajectory(name, sigma_w2, sigma_b2, _DEPTH, q0=1.0, c0=_C0)[1])


@functools.lru_cache(maxsize=8)
def _critical_line(name):
    return np.array([mean_field.critical_sigma_w2(name, b) for b in _B2_GRID])


@functools.lru_cache(maxsize=256)
def _measured(seed, activation, sigma_w2, sigma_b2):
    """The measured correlation through the bank's network (cached per point: the weights
    are fixed, so the same settings give the same numbers)."""
    return _bank(seed).measure(activation, sigma_w2, sigma_b2)[1]


class PhaseView:
    """The explorer's figure, built once; :meth:`update` changes only data and words.

    Args:
        dpi: LIVE_DPI for the widget, STATIC_DPI for stored figures.
        blit: draw the data artists over a cached background (axes, labels, keys: redrawn
            only when the plane's sigma_w2 range changes, a point beyond 4) and encode blitted
            frames as 8-bit palette PNGs on the colours of the last full draw
            (:func:`render.encode_png`), as :class:`initviz.widgets.SignalView` does.
    Attributes:
        fig: the Figure. full_draws, blits: counters.
    """

    def __init__(self, dpi=STATIC_DPI, blit=False):
        fig = new_figure(*FIGSIZE) if dpi == STATIC_DPI else ShownFigure(figsize=FIGSIZE, dpi=dpi)
        if not isinstance(fig.canvas, FigureCanvasAgg):
            FigureCanvasAgg(fig)
        self.fig, self.blit = fig, blit
        w_in, h_in = fig.get_size_inches()
        boxes = [(0.65, 2.15), (3.8, 2.0), (6.6, 2.25)]
        self.axes = [fig.add_axes((left / w_in, 0.75 / h_in, width / w_in, (h_in - 1.45) / h_in))
                     for left, width in boxes]
        ax_p, ax_c, ax_d = self.axes
        # 1. the plane
        (self.crit,) = ax_p.plot([], [], **_series_style(0, solid=True), markevery=5,
                                 linewidth=2, label="edge of chaos")
        (self.point,) = ax_p.plot([], [], linestyle="none", marker="*", markersize=14,
                                  color="black", clip_on=False)
        ax_p.set_ylim(-0.02, 1.0)
        self.off_plane = ax_p.text(0.97, 0.8, "", transform=ax_p.transAxes, ha="right",
                                   va="top", color=NOTE_COLOR, fontsize=TEXT_SIZE)
        ax_p.set_xlabel("σ_w²", fontsize=LABEL_SIZE)
        ax_p.set_ylabel("σ_b²", fontsize=LABEL_SIZE)
        ax_p.legend(loc="upper left", fontsize=TEXT_SIZE, framealpha=0.85, edgecolor="none")
        ax_p.grid(True, alpha=0.3)
        # 2. the correlation map
        ax_c.plot(_C_GRID, _C_GRID, color="gray", linestyle=":", linewidth=1.5)
        (self.cmap,) = ax_c.plot([], [], color=_series_style(0)["color"], linewidth=2)
        (self.cstar,) = ax_c.plot([], [], linestyle="none", marker="o", markersize=9,
                                  markerfacecolor="white", markeredgecolor=NOTE_COLOR,
                                  markeredgewidth=2)
        ax_c.set_xlim(-1, 1)
        ax_c.set_ylim(-1, 1.05)
        ax_c.set_yticks([-1.0, -0.5, 0.0, 0.5, 1.0])
        ax_c.set_xticks([-1.0, -0.5, 0.0, 0.5, 1.0])
        ax_c.set_xlabel("c(l)", fontsize=LABEL_SIZE)
        ax_c.set_ylabel("c(l+1)", fontsize=LABEL_SIZE)
        ax_c.grid(True, alpha=0.3)
        # 3. measured through depth
        (self.meas,) = ax_d.plot([], [], **_series_style(1, solid=True), markersize=5,
                                 label=f"measured, {_WIDTH} wide")
        (self.theo,) = ax_d.plot([], [], color="black", linestyle="--", linewidth=1.8,
                                 label="theory")
        self.cline = ax_d.axhline(0.0, color=NOTE_COLOR, linestyle=":", linewidth=1.2)
        ax_d.set_ylim(-0.05, 1.05)
        ax_d.set_xlim(0.5, _DEPTH + 0.5)
        ax_d.set_xlabel("layer", fontsize=LABEL_SIZE)
        ax_d.set_ylabel("correlation c(l)", fontsize=LABEL_SIZE)
        ax_d.set_title("two inputs, c = 0.5 at the input", fontsize=LABEL_SIZE)
        ax_d.legend(loc="lower left", fontsize=TEXT_SIZE, framealpha=0.85, edgecolor="none")
        ax_d.grid(True, alpha=0.3)
        self.overflow = ax_d.text(0.5, 0.5, "", transform=ax_d.transAxes, ha="center",
                                  color=NOTE_COLOR, fontsize=TEXT_SIZE)
        self.title_p = ax_p.set_title("", fontsize=LABEL_SIZE)
        self.title_c = ax_c.set_title("", fontsize=LABEL_SIZE)
        _readable(fig)
        self._dynamic = [self.crit, self.off_plane, self.point, self.cmap, self.cstar, self.meas, self.theo, self.cline,
                         self.overflow, self.title_p, self.title_c]
        for artist in self._dynamic:
            artist.set_animated(blit)
        self._bg = self._bg_key = self._bg_key_next = self._palette = None
        self.full_draws = self.blits = 0

    def update(self, activation, sigma_w2, sigma_b2, seed=0) -> str:
        """Show the point; returns the description (alt text)."""
        t = _theory(activation, sigma_w2, sigma_b2)
        c_m = _measured(seed, activation, sigma_w2, sigma_b2)
        line, ph, x1, c_star, c_t = t["line"], t["phase"], t["chi1"], t["c_star"], t["c_t"]
        self.crit.set_data(line, _B2_GRID)
        x_hi = PHASE_LIMITS["sigma_w2"][1]
        x_hi = x_hi if sigma_w2 <= x_hi else sigma_w2 * 1.05  # a point beyond the sliders
        self.axes[0].set_xlim(0, x_hi)
        off = float(line.min()) > x_hi  # sigmoid: chi_1 = sigma_w2 E[f'^2] ~ sigma_w2 / 16
        self.off_plane.set_text(f"edge of chaos at\nσ_w² ≥ {line.min():.3g} →" if off else "")
        self.point.set_data([sigma_w2], [sigma_b2])
        self.point.set_markerfacecolor("white" if ph == "ordered" else "black")
        self.title_p.set_text(f"{ph}: χ₁ = {x1:.3g}")
        self.cmap.set_data(_C_GRID, t["c_map"])
        self.cstar.set_data([c_star], [c_star])
        self.title_c.set_text(f"correlation map, c* = {c_star:.3g}")
        ok = np.isfinite(c_m)
        self.meas.set_data(_LAYERS[ok], c_m[ok])
        self.theo.set_data(_LAYERS, c_t)
        self.cline.set_ydata([c_star, c_star])
        self.overflow.set_text("" if ok.all() else f"{int((~ok).sum())} layers overflowed")
        self._bg_key_next = (x_hi,)
        last = fmt(c_m[-1]) if ok[-1] else "nan (overflow)"
        return (f"Phase diagram explorer, {activation} at sigma_w2 = {fmt(sigma_w2)}, sigma_b2 = "
                f"{fmt(sigma_b2)}: {ph}, chi_1 = {fmt(x1)}, c* = {fmt(c_star)}. Left: the "
                f"critical line (sigma_w2 {fmt(line[0])} at sigma_b2 = 0) and the point; "
                f"middle: the correlation map and its fixed point; right: the correlation of "
                f"two inputs through {_DEPTH} layers of {_WIDTH} units, {last} measured at "
                f"layer {_DEPTH} against {fmt(c_t[-1])} in theory.")

    def render(self, compress_level=1) -> bytes:
        """The current frame as PNG bytes: a full draw, or a blit of the data over the
        cached background when only the point moved (``blit``)."""
        if not self.blit:
            return render_png(self.fig, compress_level)
        canvas = self.fig.canvas
        full = self._bg_key != self._bg_key_next
        if full:
            canvas.draw()  # animated artists are skipped: this is the background
            self._bg, self._bg_key = canvas.copy_from_bbox(self.fig.bbox), self._bg_key_next
            self.full_draws += 1
        else:
            canvas.restore_region(self._bg)
            self.blits += 1
        for artist in self._dynamic:
            self.fig.draw_artist(artist)
        if full:  # this frame's colours, for the blits that follow
            self._palette = frame_palette(canvas, extra=_FRAME_COLORS)
        return encode_png(canvas, compress_level, palette=self._palette)


def phase_figure(activation="tanh", sigma_w2=1.5, sigma_b2=0.05, seed=0, dpi=STATIC_DPI):
    """The static twin of :func:`phase_explorer`: a 9 x 4 in Figure of the same panels.

    Raises:
        TypeError, ValueError: a bad activation or variance.

    >>> fig = phase_figure("relu", 2.0, 0.0)
    >>> "critical" in fig.description
    True
    """
    sigma_w2, sigma_b2 = _check(activation, sigma_w2, sigma_b2)
    view = PhaseView(dpi)
    return describe(view.fig, view.update(activation, sigma_w2, sigma_b2, seed))


class PhaseExplorer(W.VBox):
    """The live phase diagram: sliders for sigma_w2 and sigma_b2, an activation menu, and the
    three panels as an image. See the module docstring.

    Attributes:
        controls: dict name -> widget. image: the ``ipywidgets.Image``. frame_times: seconds
        per redraw; frame_parts: (theory and measurement, draw and PNG) seconds per redraw.
        view: the :class:`PhaseView`. coalescer: the :class:`Coalescer`.
    """

    def __init__(self, activation="tanh", sigma_w2=1.5, sigma_b2=0.05, seed=0, *,
                 threaded=True):
        sigma_w2, sigma_b2 = _check(activation, sigma_w2, sigma_b2)
        w_lo, w_hi = PHASE_LIMITS["sigma_w2"]
        b_lo, b_hi = PHASE_LIMITS["sigma_b2"]
        style = {"description_width": "70px"}
        self.controls = dict(
            sigma_w2=W.FloatSlider(value=sigma_w2, min=min(w_lo, sigma_w2),
                                   max=max(w_hi, sigma_w2), step=0.01, description="σ_w²",
                                   readout_format=".3g", style=style),
            sigma_b2=W.FloatSlider(value=sigma_b2, min=b_lo, max=max(b_hi, sigma_b2),
                                   step=0.005, description="σ_b²", readout_format=".3g",
                                   style=style),
            activation=W.Dropdown(options=PHASE_ACTIVATIONS, value=activation,
                                  description="activation", style=style))
        self.seed = seed
        self.view = PhaseView(LIVE_DPI, blit=True)
        self.fig = self.view.fig
        self.image = W.Image(format="png", layout=W.Layout(width=CSS_WIDTH, max_width="100%"))
        self.status = W.HTML()
        self.frame_times, self.frame_parts = [], []
        self.coalescer = Coalescer(self._render, threaded=threaded, on_error=self._error)
        super().__init__([W.HBox(list(self.controls.values())), self.image, self.status])
        self._render(self.settings(), lambda: False)
        for c in self.controls.values():
            c.observe(lambda _change: self.coalescer.submit(self.settings()), names="value")

    def __repr__(self):
        s = self.settings()
        return (f"PhaseExplorer({s['activation']}, sigma_w2 {s['sigma_w2']:.3g}, sigma_b2 "
                f"{s['sigma_b2']:.3g}): a live widget; phase_figure(...) draws it statically")

    def settings(self) -> dict:
        return {k: c.value for k, c in self.controls.items()}

    def _render(self, settings, cancel):
        t0 = time.perf_counter()
        text = self.view.update(settings["activation"], settings["sigma_w2"],
                                settings["sigma_b2"], self.seed)
        t1 = time.perf_counter()
        self.fig.description = text
        self.image.value = self.view.render()
        t2 = time.perf_counter()
        self.frame_times.append(t2 - t0)
        self.frame_parts.append((t1 - t0, t2 - t1))
        self.status.value = f"<span style='font-size:90%'>{text}</span>"

    def _error(self, err):
        self.status.value = f"<b style='color:{NOTE_COLOR}'>{type(err).__name__}: {err}</b>"

    def update(self, **settings):
        """Set controls and redraw synchronously (scripts, tests); returns the Figure."""
        unknown = set(settings) - set(self.controls)
        if unknown:
            raise TypeError(f"unknown settings {sorted(unknown)}; valid: {list(self.controls)}")
        new = {**self.settings(), **settings}
        _check(new["activation"], new["sigma_w2"], new["sigma_b2"])
        self.coalescer.wait()
        for c in self.controls.values():
            c.unobserve_all("value")
        for k, v in settings.items():
            self.controls[k].value = v
        for c in self.controls.values():
            c.observe(lambda _change: self.coalescer.submit(self.settings()), names="value")
        self._render(self.settings(), lambda: False)
        return self.fig

    def figure(self, dpi=STATIC_DPI):
        """A static Figure of the current settings."""
        s = self.settings()
        return phase_figure(s["activation"], s["sigma_w2"], s["sigma_b2"], self.seed, dpi)


def phase_explorer(activation="tanh", sigma_w2=1.5, sigma_b2=0.05, seed=0) -> PhaseExplorer:
    """The live phase-diagram explorer (an ipywidgets VBox: a cell's last expression).

    Args:
        activation: tanh, relu, linear or sigmoid. sigma_w2: weight variance times fan_in
            (slider 0.1-4). sigma_b2: bias variance (slider 0-1). seed: the network's draw.
    Raises:
        TypeError, ValueError: bad settings (before any widget is built).
    """
    _check(activation, sigma_w2, sigma_b2)
    return PhaseExplorer(activation, sigma_w2, sigma_b2, seed)

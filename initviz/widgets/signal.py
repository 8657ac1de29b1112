"""The live signal-propagation explorer: drag a slider, watch the signal vanish or explode."""

from __future__ import annotations

import math
import time

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

from .. import propagation
from .._checks import check_real
from ..explorer_settings import BRANCH_SCALE_MAX, stack_label
from ..propagation import ACTIVATION_CHOICES, INIT_CHOICES, Cancelled, WeightBank, propagate
from .coalescer import Coalescer
from .controls import log_slider
from .render import BAD_COLOR, CSS_WIDTH, LIVE_DPI, STATIC_DPI, fmt
from .signal_view import SignalView, preview_label, signal_figure

__all__ = ["SignalExplorer", "signal_explorer", "SIGNAL_DEFAULTS", "SIGNAL_LIMITS",
           "SLOW_FRAME", "FIRST_FRAME", "MIN_PREVIEW", "CACHE_BYTES"]

#: The explorer's defaults (10 layers x 256 wide, batch 128: the benchmark's "default").
#: Batch 128 gives each layer's statistics 32,768 values (the std's sampling error ~0.4 %)
#: and a frame in about a quarter of the compute of batch 512, whose 17 matrix products alone
#: take 32 ms on one core here: the benchmark's median frame was 87-95 ms at batch 512, 60-62
#: at 256 and 43-54 at 128 (benchmarks/bench_explorer.py, measured here).
SIGNAL_DEFAULTS = dict(weight_init="random_normal", scale=0.01, activation="tanh", depth=10,
                       width=256, batch=128, seed=0, dtype="auto", residual=False,
                       branch_scale=1.0, norm="none")
#: The slider ranges: (low, high) for scale, depth, width, branch_scale (log: 0.01 to 10,
#: through 1/sqrt(50) = 0.14 and 1), and the batch choices.
SIGNAL_LIMITS = dict(scale=(1e-3, 1e2), depth=(1, 50), width=(2, 1024),
                     branch_scale=(1e-2, 1e1), batch=(16, 32, 64, 128, 256, 512, 1024))

#: A frame expected to take longer than this (seconds) is abandoned when a newer value comes.
SLOW_FRAME = 0.25
#: While a slider moves, a frame should be on screen within this many seconds (the issue's
#: 150 ms); a setting whose whole batch takes longer is previewed on part of it.
FIRST_FRAME = 0.15
#: The explorer's weight cache: every layer of the largest setting (50 x 1024) in float32
#: (200 MiB) and in float64 (400 MiB), kept together (``both_precisions``), so a drag
#: there never redraws weights, not even when "auto" switches precision.
CACHE_BYTES = 640 * 2**20
#: The fewest inputs of a preview on several inputs (a power of 2 from here up). Each
#: layer's products then read the whole weight matrix for very few rows: at 50 x 1024 in
#: float32 the 100 products of a preview took 66 ms for 4 rows against 88 ms for 8 (one BLAS
#: thread, measured here). Where even 4 inputs do not fit, the preview sends one input: its
#: products are matrix-vector products that read the weights about twice as fast (29 ms for
#: the 100 at 50 x 1024 in float32; a 1-input preview there in float64 computed in 69-83 ms
#: against 153-167 ms for 2 inputs). Over n inputs the signal std reads sqrt((n - 1) / n) of
#: the whole batch's on average (0.87 for 4, none for 1) and a healthy ReLU unit is 0 on all
#: of them with probability 2^-n: a preview is labelled as one, its std panel allows for the
#: first and its readout leaves dead units to the whole batch.
MIN_PREVIEW = 4
# seconds of Python and numpy call overhead per layer (both passes): 0.39-0.41 ms of CPU a
# layer at 50 x 2 and 50 x 16, batch 16 (propagate, tanh or relu, measured here)
_PER_LAYER = 4e-4
# a preview is sized to fill this share of FIRST_FRAME by the estimates: measured frames
# vary around them (a frame whose words are new to the figure drew in 40 ms, not 7-15)
_PREVIEW_MARGIN = 0.75
# seconds per weight for reading a layer's weights in both passes when the products have
# few rows (memory-bound: the time does not shrink with the inputs): the 100 products of a
# 4-input preview at 50 x 1024 in float32 took 66 ms, 0.66 ns a weight a pass (measured
# here); float64 weights are twice the bytes
_PER_WEIGHT = 1.3e-9
# the same for one input (matrix-vector products): 29 ms for the 100 at 50 x 1024 in float32
_PER_WEIGHT_ONE = 0.6e-9


def _fixed_seconds(settings, dtype, inputs=2):
    """The part of a compute that does not shrink with the inputs: call overhead and the
    weight reads of both passes (faster for one input)."""
    w = settings["width"]
    per_weight = _PER_WEIGHT_ONE if inputs == 1 else _PER_WEIGHT
    return settings["depth"] * (_PER_LAYER + per_weight * (2 if dtype == "float64" else 1)
                                * w * w)


def _units(settings, inputs):
    """A compute's work: per input and layer, both matrix products (~4 width^2 flops) and
    the elementwise passes and statistics (~60 width operations)."""
    w = settings["width"]
    return inputs * settings["depth"] * w * (w + 16.0)


class SignalExplorer(W.VBox):
    """The live signal-propagation explorer (an ipywidgets VBox; see the module docstring).

    Args: as :func:`signal_explorer`.
    Attributes:
        controls: dict name -> control widget (weight_init, scale, activation, depth, width,
            batch, seed, dtype, residual, branch_scale, norm) plus ``resample`` (a Button).
            ``branch_scale`` is disabled while ``residual`` is off.
        image: the ``ipywidgets.Image`` showing the current frame (PNG bytes in ``.value``).
        view: the :class:`SignalView`. coalescer: the :class:`Coalescer`.
        frame_settings: the settings of the frame on screen. frame_times: seconds per frame
            (compute + draw + encode + send); frame_profile: per frame, the seconds of each
            step, the dtype and the running count of full (non-blit) draws.
    """

    def __init__(self, weight_init="random_normal", scale=0.01, activation="tanh", depth=10,
                 width=256, batch=128, seed=0, dtype="auto", residual=False, branch_scale=1.0,
                 norm="none", *, threaded=True, dpi=LIVE_DPI):
        # validate before building anything
        st = propagation.check_settings(weight_init, scale, activation, depth, width, batch,
                                        seed, dtype, residual, branch_scale, norm)
        residual, branch_scale = st["residual"], _slider_branch_scale(branch_scale)
        b_lo, b_hi = SIGNAL_LIMITS["branch_scale"]
        s_lo, s_hi = SIGNAL_LIMITS["scale"]
        d_lo, d_hi = SIGNAL_LIMITS["depth"]
        w_lo, w_hi = SIGNAL_LIMITS["width"]
        # Widths: three controls a row fit the figure's 864 px (a 1280 x 720 JupyterLab
        # column; tests/browser/test_explorer_fit.py), and rows wrap rather than scroll.
        narrow = {"style": {"description_width": "50px"}, "layout": W.Layout(width="270px")}
        c = self.controls = dict(
            weight_init=W.Dropdown(options=INIT_CHOICES, value=weight_init,
                                   description="initializer",
                                   style={"description_width": "70px"},
                                   layout=W.Layout(width="270px")),
            scale=log_slider(scale, "std", s_lo, s_hi),
            activation=W.Dropdown(options=ACTIVATION_CHOICES, value=activation,
                                  description="activation", style={"description_width": "70px"},
                                  layout=W.Layout(width="220px")),
            depth=W.IntSlider(value=depth, min=min(d_lo, depth), max=max(d_hi, depth),
                              description="depth", **narrow),
            width=W.IntSlider(value=width, min=min(w_lo, width), max=max(w_hi, width),
                              description="width", **narrow),
            batch=W.SelectionSlider(options=sorted(set(SIGNAL_LIMITS["batch"]) | {batch}),
                                    value=batch, description="batch", **narrow),
            seed=W.BoundedIntText(value=seed, min=0, max=2**31 - 1, description="seed",
                                  style={"description_width": "40px"},
                                  layout=W.Layout(width="130px")),
            dtype=_toggles(propagation.DTYPES, dtype, "precision",
                           ["float32 where theory says it is safe, else float64",
                            "what PyTorch and Keras use: overflows past 3e38",
                            "follows a signal from 1e-300 to 1e300"], 70, 72, 340),
            residual=_toggles([("off", False), ("on", True)], residual, "residual",
                              ["a plain stack: a[i] = f(norm(a[i-1] @ W[i]))",
                               "residual blocks: x[i] = x[i-1] + branch scale "
                               "* (f(norm(x[i-1])) @ W[i])"], 70, 50, 200),
            # a log slider, 0.01 to 10: through 1/sqrt(50) = 0.14, 1/sqrt(10) = 0.32 and 1
            branch_scale=log_slider(branch_scale, "branch scale", b_lo, b_hi),
            norm=_toggles(propagation.NORM_CHOICES, norm, "norm",
                          ["no normalization",
                           "LayerNorm before each activation (over the units)",
                           "BatchNorm before each activation (over the batch)"], 40, 64, 270),
        )
        c["branch_scale"].style.description_width = "90px"
        c["resample"] = W.Button(description="resample", tooltip="new random weights and data "
                                 "(seed + 1)", layout=W.Layout(width="90px"))
        # no side margins: 100 % of the output plus the 2 px widget margin would overflow
        self.image = W.Image(format="png", layout=W.Layout(width=CSS_WIDTH, max_width="100%",
                                                           margin="2px 0"))
        self.status = W.HTML(layout=W.Layout(max_width="100%"))
        self.view = SignalView(dpi=dpi, blit=True)
        self.bank = WeightBank(cache_bytes=CACHE_BYTES, both_precisions=True)
        self.frame_settings = None
        self.frame_inputs = None
        self.frame_times = []
        self.frame_profile = []
        self._muted = False
        self._cost = None  # (seconds, work) of the last frame
        # measured seconds per unit of compute (per precision) and per frame of drawing
        self._unit_seconds = {}
        self._view_seconds = None
        self.coalescer = Coalescer(self._render_live, threaded=threaded,
                                   on_error=self._show_error, refine=self._refine)
        self._sync_scale_label()
        wrap = dict(layout=W.Layout(flex_flow="row wrap", max_width="100%"))
        rows = [W.HBox([c["weight_init"], c["scale"], c["activation"]], **wrap),
                W.HBox([c["depth"], c["width"], c["batch"]], **wrap),
                W.HBox([c["dtype"], c["seed"], c["resample"]], **wrap),
                W.HBox([c["residual"], c["branch_scale"], c["norm"]], **wrap),
                self.image, self.status]
        super().__init__(rows, layout=W.Layout(max_width="100%"))
        self._render(self.settings(), lambda: False)  # first frame, synchronously
        for name in SIGNAL_DEFAULTS:
            c[name].observe(self._changed, names="value")
        c["resample"].on_click(self._resample)

    def __repr__(self):
        # the text a front end without the widget extension shows instead of the widget
        s = self.settings()
        return (f"SignalExplorer({s['weight_init']}, scale {s['scale']:.3g}, {s['activation']}"
                f"{stack_label(s)}, {s['depth']} x {s['width']}, batch {s['batch']}): a live "
                "widget; "
                "signal_figure(...) draws it statically")

    # -- settings
    def settings(self) -> dict:
        """The settings the controls show now: a dict with the keys of SIGNAL_DEFAULTS."""
        return {k: self.controls[k].value for k in SIGNAL_DEFAULTS}

    def _sync_scale_label(self):
        meaning = propagation.scale_meaning(self.controls["weight_init"].value)
        self.controls["scale"].description = meaning
        self.controls["scale"].disabled = meaning == "unused"
        self.controls["branch_scale"].disabled = not self.controls["residual"].value

    def _changed(self, change):
        if self._muted:
            return
        if change["owner"] in (self.controls["weight_init"], self.controls["residual"]):
            self._sync_scale_label()
        self.coalescer.submit(self.settings())

    def _resample(self, _button=None):
        self.controls["seed"].value = self.controls["seed"].value + 1

    # -- rendering
    def _render_live(self, settings, cancel):
        """A control changed (the coalescer's worker): draw the whole batch if that fits in
        FIRST_FRAME, else a preview on the first inputs that fit, and return True so the
        coalescer refines it (:meth:`_render`, whole batch) once the slider is still."""
        inputs = self._preview_inputs(settings) if self.coalescer.threaded else None
        self._render(settings, cancel, inputs)
        return inputs is not None

    def _refine(self, settings, cancel):
        """The whole batch after a preview, abandoned between layers if the slider moves."""
        self._render(settings, cancel, stoppable=True)

    def _preview_inputs(self, settings):
        """None if the whole batch fits in FIRST_FRAME, else how many inputs do (a power
        of 2, at least MIN_PREVIEW, or else 1), from the compute and drawing times measured
        so far."""
        dtype = self._precision_guess(settings)
        unit = self._unit_seconds.get(dtype)
        if unit is None or self._view_seconds is None:
            return None
        unit = unit[0]
        budget = _PREVIEW_MARGIN * FIRST_FRAME - 1.2 * self._view_seconds
        batch = settings["batch"]
        left = budget - _fixed_seconds(settings, dtype)
        if _units(settings, batch) * unit <= left:
            return None
        fits = left / (unit * _units(settings, 1))
        if fits >= MIN_PREVIEW:
            n = 2 ** int(math.floor(math.log2(fits)))
        elif settings["norm"] == "batch":
            n = 2  # BatchNorm's statistics need two inputs (propagate sends at least 2)
        else:
            n = 1
        return n if n < batch else None

    def _precision_guess(self, settings):
        """The precision "auto" will likely pick: the last frame's while a slider moves
        (a depth or width drag keeps it mostly; a depth drag at 50 x 1024 in float64 was
        previewed as if float32, on 4 inputs in 190-265 ms, measured here), float32 after
        another activation, stack or normalization."""
        d = settings["dtype"]
        if d != "auto":
            return d
        last = self.view.result
        same = last is not None and all(last.settings[k] == settings[k] for k in
                                        ("activation", "residual", "norm"))
        return last.dtype if same else "float32"

    def _render(self, settings, cancel, inputs=None, stoppable=False):
        t0, cpu0 = time.perf_counter(), time.thread_time()
        # A newer value makes this frame stale. A fast frame is finished anyway, so a drag
        # shows a frame every ~50 ms instead of none until the hand stops; a slow one
        # (expected over SLOW_FRAME seconds, e.g. 50 x 1024) is abandoned between layers.
        slow = stoppable or (inputs is None and self._expected_time(settings) > SLOW_FRAME)
        stale = (lambda: slow and cancel())
        made = self.bank.made
        r = propagate(**settings, bank=self.bank, cancel=stale, inputs=inputs)
        drew = self.bank.made != made  # new weights drawn: not a compute time to learn from
        if stale():
            raise Cancelled
        t1 = time.perf_counter()
        self.view.update(r)
        t2 = time.perf_counter()
        png = self.view.render()
        if stale():
            raise Cancelled
        t3 = time.perf_counter()
        self.image.value = png  # serialized and sent to the front end here
        self.frame_settings = dict(settings)
        self.frame_inputs = r.inputs
        t4 = time.perf_counter()
        self.status.value = self._status_text(r, t4 - t0)
        self.frame_times.append(t4 - t0)
        units = _units(settings, r.inputs)
        self._cost = (t4 - t0, units)
        # running estimates for the preview's size: newest frame weighs 1/2
        per_unit = max(t1 - t0 - _fixed_seconds(settings, r.dtype, r.inputs), 0.0) / units
        # (a compute that drew new weights overestimates: kept only until a clean one)
        old = self._unit_seconds.get(r.dtype)
        if old is None or old[1]:
            self._unit_seconds[r.dtype] = (per_unit, drew)
        elif not drew and t1 - t0 > 0.01:  # shorter computes are mostly overhead
            self._unit_seconds[r.dtype] = (0.5 * (old[0] + per_unit), False)
        view = t4 - t1
        self._view_seconds = view if self._view_seconds is None else 0.5 * (
            self._view_seconds + view)
        draw, encode = self.view.last_times
        self.frame_profile.append(dict(compute=t1 - t0, update=t2 - t1, draw=draw,
                                       encode=encode, send=t4 - t3, dtype=r.dtype,
                                       full_draws=self.view.full_draws, inputs=r.inputs,
                                       batch=settings["batch"], time=t4,
                                       cpu=time.thread_time() - cpu0))

    def _expected_time(self, settings):
        """Seconds a whole-batch frame of these settings should take, scaled from the last
        frame."""
        if self._cost is None:
            return 0.0
        seconds, work = self._cost
        return seconds * _units(settings, settings["batch"]) / work

    @staticmethod
    def _status_text(r, dt):
        A, G = r.activations, r.gradients
        residual = r.settings.get("residual", False)
        last = f"last layer: {'stream' if residual else 'activation'} std {fmt(A.std[-1])}"
        if r.predicted_act_std is not None:
            last += f" (theory {fmt(r.predicted_act_std[-1])})"
        last += (f", signal std {fmt(A.signal_std[-1])}" if r.inputs != 1 else
                 ", no signal std from one input")
        first = f"layer 1: gradient std {fmt(G.std[0])}"
        if r.predicted_grad_std is not None:
            first += f" (theory {fmt(r.predicted_grad_std[0])})"
        first += f", median |dL/d{'x' if residual else 'z'}| {fmt(G.median_abs[0])}"
        branch = "branch " if residual else ""
        bad = int(np.sum((A.nonfinite > 0) | (G.nonfinite > 0)))
        extra = f"; <b style='color:{BAD_COLOR}'>{bad} layers overflowed</b>" if bad else ""
        act = r.settings["activation"]
        if act in ("tanh", "sigmoid"):
            extra += f"; {branch}saturated up to {100 * A.saturated.max():.3g}%"
        elif act in ("relu", "leaky_relu") and not r.preview:
            extra += f"; {branch}dead units up to {100 * A.dead.max():.3g}%"
        elif act in ("relu", "leaky_relu"):  # dead: 0 on every input of the whole batch
            extra += f"; {branch}exact zeros up to {100 * A.zeros.max():.3g}%"
        preview = (f"<b>{preview_label(r)}</b> (the whole batch when the slider stops). "
                   if r.preview else "")
        return (f"<span style='font-size:90%'>{preview}{r.label}{stack_label(r.settings)}: "
                f"weight std "
                f"{fmt(r.weight_std)}. {last}; {first}{extra}. [{r.dtype}, {dt * 1e3:.0f} ms]"
                "</span>")

    def _show_error(self, err):
        self.status.value = f"<b style='color:{BAD_COLOR}'>{type(err).__name__}: {err}</b>"

    # -- API
    def update(self, **settings) -> Figure:
        """Set controls and render synchronously (for scripts and tests); returns the Figure.

        Raises:
            TypeError: an unknown setting; ValueError: an invalid value (nothing changes).
        """
        unknown = set(settings) - set(SIGNAL_DEFAULTS)
        if unknown:
            raise TypeError(f"unknown settings {sorted(unknown)}; valid: {list(SIGNAL_DEFAULTS)}")
        new = {**self.settings(), **settings}
        propagation.check_settings(**new)
        if "branch_scale" in settings:
            _slider_branch_scale(settings["branch_scale"])
        self.coalescer.wait()  # never draw while the worker draws
        self._muted = True
        try:
            for k, v in settings.items():
                w = self.controls[k]
                if k == "batch" and v not in w.options:
                    w.options = sorted(set(w.options) | {v})
                if k in ("scale", "depth", "width"):
                    w.min, w.max = min(w.min, v), max(w.max, v)
                if k == "branch_scale":  # a log slider: min and max are exponents
                    e = math.log10(v)
                    w.min, w.max = min(w.min, e), max(w.max, e)
                w.value = v
            self._sync_scale_label()
        finally:
            self._muted = False
        self._render(self.settings(), lambda: False)
        return self.view.fig

    def figure(self, dpi=STATIC_DPI) -> Figure:
        """A static Figure of the current settings (to store in a notebook)."""
        return signal_figure(**self.settings(), dpi=dpi)


def _toggles(options, value, description, tooltips, label_px, button_px, width_px):
    """A row of toggle buttons (ipywidgets ToggleButtons), its label and buttons in px."""
    return W.ToggleButtons(options=options, value=value, description=description,
                           tooltips=tooltips, style={"description_width": f"{label_px}px",
                                                     "button_width": f"{button_px}px"},
                           layout=W.Layout(width=f"{width_px}px"))


def _slider_branch_scale(value):
    """The branch scale as the explorer's log slider holds it: a number > 0 (0, which
    :func:`initviz.propagation.propagate` accepts, has no place on a log axis)."""
    return check_real("branch_scale", value, 0, BRANCH_SCALE_MAX,
                      low_open=True)


def signal_explorer(weight_init="random_normal", scale=0.01, activation="tanh", depth=10,
                    width=256, batch=128, seed=0, dtype="auto", residual=False,
                    branch_scale=1.0, norm="none") -> SignalExplorer:
    """The live signal-propagation explorer, opened at the given settings.

    Args:
        weight_init: a name from :data:`initviz.propagation.INIT_CHOICES` (every
            initializer of :mod:`initviz.initializers`, and ``"custom scale"``).
        scale: the slider value, 1e-3 to 1e2 on the slider (any value > 0 here): the std of
            random_normal, random_uniform and custom scale; the gain of lecun_*, glorot_*,
            he_*, variance_scaling and orthogonal (1 = as published); the value of
            constant; unused for zeros and ones.
        activation: linear, relu, leaky_relu, tanh or sigmoid (every layer).
        depth: 1-50 layers; width: 2-1024 units; batch: samples (16-1024 on the slider);
        seed: int >= 0 for weights, inputs and the injected gradient.
        dtype: "auto" (float32 where the theory says float32 holds the signal, else
            float64), "float32" (what PyTorch and Keras compute in: a deep enough network
            overflows to inf/nan, or underflows to 0) or "float64".
        residual: False (a plain stack) or True: each layer a pre-activation residual block
            ``x[i] = x[i-1] + branch_scale * (f(norm(x[i-1])) @ W[i])``; the panels then show
            the stream x[i] and dL/dx[i], the readout the branch's units.
        branch_scale: the branch multiplier, > 0 (0.01 to 10 on the log slider; 1: a plain
            ResNet, 1/sqrt(depth): the stream stays O(1)); disabled while residual is off.
        norm: "none", "layer" (LayerNorm) or "batch" (BatchNorm, the batch's statistics)
            before every activation, unit gain and zero shift (plain stack: Dense -> norm ->
            activation).
    Returns:
        :class:`SignalExplorer`, a widget: make it the last expression of a cell.
    Raises:
        ValueError, TypeError: invalid settings (before any widget is built).
    """
    propagation.check_settings(weight_init, scale, activation, depth, width, batch, seed,
                               dtype, residual, branch_scale, norm)
    _slider_branch_scale(branch_scale)
    return SignalExplorer(weight_init, scale, activation, depth, width, batch, seed, dtype,
                          residual, branch_scale, norm)

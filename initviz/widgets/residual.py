"""The residual-stream explorer of lesson 09: drag the branch scale or the depth, switch the
normalization or the identity start, watch Var(x_k) / Var(x_0) block by block beside
(1 + s^2)^k.

``residual_explorer(...)`` is an ipywidgets VBox; ``residual_figure(...)`` (same arguments)
the static figure of the same settings, for saved notebooks and static pages. The numbers
come from :func:`initviz.residual_experiments.stream_statistics` on standard-normal inputs;
redraws go through the explorers' :class:`~initviz.widgets.coalescer.Coalescer` (only the
latest value is drawn) and :func:`~initviz.widgets.render.render_png`.
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import plots
from .._checks import check_choice, check_int, check_real
from ..residual import ResidualMLP, stream_variance_growth
from ..residual_experiments import stream_statistics
from .coalescer import Coalescer
from .controls import log_slider
from .render import LIVE_DPI, render_png

__all__ = ["residual_figure", "residual_explorer", "NORM_CHOICES"]

NORM_CHOICES = ("none", "layer", "batch")
_N_INPUTS, _N_SAMPLES = 32, 256


def _settings(n_blocks, branch_scale, norm, zero_last, width, seed):
    return dict(n_blocks=check_int("n_blocks", n_blocks, 1, 200),
                branch_scale=check_real("branch_scale", branch_scale, 0),
                norm=check_choice("norm", norm, NORM_CHOICES),
                zero_last=bool(zero_last), width=check_int("width", width, 2, 1024),
                seed=check_int("seed", seed, 0))


def residual_figure(n_blocks=50, branch_scale=1.0, norm="none", zero_last=False, width=128,
                    seed=0):
    """The stream's variance growth ``Var(x_k) / Var(x_0)`` for k = 1 .. n_blocks of a
    :class:`initviz.ResidualMLP` (ReLU, He, 2 dense layers per branch) on 256 standard-normal
    inputs, with ``(1 + branch_scale^2)^k`` dashed beside it (the formula holds without
    normalization and without ``zero_last``).

    Args:
        n_blocks: 1..200. branch_scale: >= 0. norm: "none", "layer" or "batch".
        zero_last: start every branch's last layer at zero. width: 2..1024. seed: int >= 0.
    Returns:
        a :class:`initviz.plots.ShownFigure` with its description.
    Raises:
        TypeError, ValueError: a bad setting (the message names it and the valid range).

    >>> fig = residual_figure(n_blocks=4, branch_scale=1.0, width=64)
    >>> fig.description.split(".")[0]
    'Line plot of Var(x_k) / Var(x_0) against block k, 4 positions, log scale'
    """
    s = _settings(n_blocks, branch_scale, norm, zero_last, width, seed)
    net = ResidualMLP(_N_INPUTS, s["width"], s["n_blocks"], 1, branch_layers=2,
                      branch_scale=s["branch_scale"], zero_last=s["zero_last"],
                      norm=None if s["norm"] == "none" else s["norm"], rng=s["seed"])
    X = np.random.default_rng(s["seed"] + 1).standard_normal((_N_SAMPLES, _N_INPUTS))
    growth = stream_statistics(net, X).growth[1:]
    name = f"measured (s = {s['branch_scale']:.3g})"
    predicted = None
    if s["norm"] == "none" and not s["zero_last"]:
        predicted = {name: stream_variance_growth(s["n_blocks"], s["branch_scale"])[1:]}
    return plots.plot_layer_std({name: growth}, predicted=predicted, xlabel="block k",
                                ylabel="Var(x_k) / Var(x_0)",
                                title=f"Residual stream, norm: {s['norm']}, width {s['width']}")


def residual_explorer(n_blocks=50, branch_scale=1.0, norm="none", zero_last=False, width=128,
                      seed=0, threaded=True):
    """The live explorer: sliders for the depth, the branch scale (log, 1e-3 to 10) and the
    width, a normalization menu and a "zero last layer" box; the figure of
    :func:`residual_figure` redraws on every change (latest value only) and a readout gives
    the last block's growth against the formula.

    Attributes of the returned VBox: ``controls`` (dict name -> widget), ``image``,
    ``readout``, ``coalescer`` (``.wait()`` blocks until the latest change is drawn),
    ``figure()`` (the static figure of the current settings).

    >>> ex = residual_explorer(n_blocks=4, width=32, threaded=False)
    >>> ex.controls["branch_scale"].value = 0.5
    >>> ex.readout.value
    'block 4: Var(x_4)/Var(x_0) = ... (formula (1 + s^2)^4 = 2.44)'
    """
    _settings(n_blocks, branch_scale, norm, zero_last, width, seed)
    controls = {
        "n_blocks": W.IntSlider(value=n_blocks, min=1, max=200, description="blocks",
                                continuous_update=True),
        "branch_scale": log_slider(branch_scale if branch_scale > 0 else 1e-3, "scale s",
                                   low=1e-3, high=10.0),
        "norm": W.Dropdown(options=list(NORM_CHOICES), value=norm, description="norm"),
        "zero_last": W.Checkbox(value=zero_last, description="zero last layer"),
        "width": W.IntSlider(value=width, min=2, max=1024, description="width",
                             continuous_update=True),
    }
    image = W.Image(format="png")
    readout = W.HTML()

    def current():
        return {k: c.value for k, c in controls.items()} | {"seed": seed}

    def render(settings, cancel):
        fig = residual_figure(**settings)
        fig.set_dpi(LIVE_DPI)
        image.value = render_png(fig)
        image.description = fig.description
        line = fig.axes[0].get_lines()[0].get_ydata()
        k = settings["n_blocks"]
        want = float(stream_variance_growth(k, settings["branch_scale"])[-1])
        formula = (f"formula (1 + s^2)^{k} = {plots.figure.fmt(want)}"
                   if settings["norm"] == "none" and not settings["zero_last"] else
                   "no formula line: it holds without normalization and without a zero start")
        readout.value = (f"block {k}: Var(x_{k})/Var(x_0) = {plots.figure.fmt(line[-1])} "
                         f"({formula})")

    coalescer = Coalescer(render, threaded=threaded)
    for c in controls.values():
        c.observe(lambda _change: coalescer.submit(current()), names="value")
    box = W.VBox([W.HBox([controls["n_blocks"], controls["branch_scale"]]),
                  W.HBox([controls["norm"], controls["zero_last"], controls["width"]]),
                  image, readout])
    box.controls, box.image, box.readout, box.coalescer = controls, image, readout, coalescer
    box.figure = lambda: residual_figure(**current())
    coalescer.submit(current())
    return box

"""Every figure initviz draws is readable at the size it is shown (the size rule of
initviz/plots/figure.py): text >= 10 pt, one tick-label size, >= 150 effective dpi, every data
axes labelled, no text over a title, nothing cut off at the figure's edge.

The figures are drawn once each, with small inputs: every figure function of
``initviz.plots.__all__`` (a new one fails ``test_every_figure_function_is_checked`` until it
has a case here), the explorers' static figures at settings that exercise each readout, and
the live signal view. ``test_the_checks_catch_*`` make sure each check can fail.
"""

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from initviz import datasets, plots, widgets
from initviz.comparison import GridResult
from initviz.experiments import scale_sweep
from initviz.trainability import TrainabilityGrid
from initviz.transformer_stats import attention_sweep, residual_std_theory
from initviz.width import CoordCheck, LRTransfer

CSS_PX_PER_INCH = 96  # the CSS inch: the unit of the PNG's width/height metadata
MIN_EFFECTIVE_DPI = 150
ALL_FIGURE_FUNCTIONS = sorted(name for name in plots.__all__
                              if name.startswith("plot_") or name == "legend_outside")


# ----------------------------------------------------------------------------- figures
def _stds():
    return {"tanh 0.01": 0.1 ** np.arange(1, 7), "tanh 1": np.full(6, 0.6),
            "sigmoid 0.01": np.full(6, 0.02), "sigmoid 1": np.full(6, 0.2),
            "relu 0.01": 0.05 ** np.arange(1, 7), "relu 1": 11.0 ** np.arange(6)}


def _grid():
    rng = np.random.default_rng(0)
    inits = ["lecun_normal", "glorot_uniform", "he_normal", "orthogonal",
             "random_normal(0.01)", "random_normal(1.0)", "zeros"]
    acc = rng.uniform(0, 1, (len(inits), 3, 3))
    return GridResult(inits, ["relu", "tanh", "sigmoid"], (0, 1, 2), acc, acc < 0, 0.1)


def _boundary_data():
    X, y = datasets.load("moons", 0)
    return (lambda G: 1 / (1 + np.exp(-2 * G[:, 0] + G[:, 1]))), X, y


def _sweep():
    return scale_sweep(np.logspace(-2, 1, 8), width=16, depth=3, n_samples=16, rng=0)


FIGURES = {
    "plot_layer_histograms": lambda: plots.plot_layer_histograms(
        [np.random.default_rng(i).standard_normal(500) * 10.0 ** i for i in range(5)],
        title="tanh, weights std 0.01"),
    "plot_layer_histograms (ReLU, 10 panels)": lambda: plots.plot_layer_histograms(
        [np.maximum(np.random.default_rng(i).standard_normal(500), 0) * 10.0 ** i
         for i in range(10)], title="ReLU, weights std 1.0"),
    "plot_layer_std": lambda: plots.plot_layer_std(
        _stds(), title="std of the activations, 6 layers of 250 units"),
    "plot_layer_std (theory)": lambda: plots.plot_layer_std(
        [1.0, 0.5, 0.25, np.inf], predicted=[1.0, 0.5, 0.25, 0.12], title="measured and theory"),
    "legend_outside": lambda: plots.legend_outside(plots.plot_layer_std(
        {"activations": [0.6, 0.4, 0.3], "dL/dz": [0.3, 0.6, 1.0]},
        predicted={"activations": [0.6, 0.4, 0.3], "dL/dz": [0.3, 0.6, 1.0]},
        labels=["250→100", "100→250", "250→100"], xlabel="layer (fan_in→fan_out)",
        ylabel="std", logy=False, title="glorot_uniform, tanh: measured vs theory"),
        xtick_rotation=30),
    "plot_loss_curves": lambda: plots.plot_loss_curves(
        {"zeros": np.full(50, 0.69), "He": 0.7 * 0.9 ** np.arange(50),
         "too large": np.r_[np.geomspace(30, 3, 10), np.full(40, np.nan)]}, logy=True,
        ylabel="training loss (binary cross-entropy)", title="four starts"),
    "plot_scale_sweep": lambda: plots.plot_scale_sweep(
        {"tanh": _sweep()}, vlines={"sqrt(1/16) = 0.25": 0.25}, title="3 layers of 16 units"),
    "plot_decision_boundary": lambda: plots.plot_decision_boundary(
        *_boundary_data(), title="a boundary", resolution=40),
    "plot_decision_boundaries": lambda: plots.plot_decision_boundaries(
        {"zeros": lambda G: np.full(len(G), 0.5), "fitted": _boundary_data()[0],
         "too small": lambda G: 0.5 + 1e-3 * np.tanh(G[:, 0]),
         "multi": lambda G: np.column_stack([G[:, 0] > 0, G[:, 0] <= 0]) * 1.0},
        *_boundary_data()[1:], title="four starts", resolution=40),
    "plot_weight_heatmap": lambda: plots.plot_weight_heatmap(
        [np.full((3, 8), 0.4), -np.full((3, 8), 0.3), np.linspace(-1, 1, 24).reshape(3, 8)],
        titles=["sigmoid: W1 after training", "tanh: W1 after training",
                "relu: W1 after training"], title="constant start (0.5): 8 identical columns"),
    "plot_weight_heatmap (per panel)": lambda: plots.plot_weight_heatmap(
        [np.eye(3), 100 * np.eye(3)], shared_scale=False, row_labels=["x1", "x2", "bias"]),
    "plot_grid": lambda: plots.plot_grid(_grid(), title="test accuracy after 5 epochs "
                                                        "(mean ± std over 3 seeds)"),
    "plot_attention_vs_dk": lambda: plots.plot_attention_vs_dk(
        attention_sweep([4, 16, 64], True), attention_sweep([4, 16, 64], False),
        title="one head at initialization"),
    "plot_residual_stream": lambda: plots.plot_residual_stream(
        {"no scaling": np.sqrt(np.arange(1, 10)) * 0.1, "scaled": np.full(9, 0.1)},
        {"no scaling": residual_std_theory(64, 8, 16, False),
         "scaled": residual_std_theory(64, 8, 16, True)},
        depths=[1, 2, 4, 8], finals={"no scaling": [0.1, 0.14, 0.2, 0.28], "scaled": [0.1] * 4},
        title="GPT-2 init"),
    "plot_coord_check": lambda: plots.plot_coord_check(
        CoordCheck("standard", [64, 128, 256], 0.01, ["hidden 1", "output"],  # [step][width][layer]
                   [[[1.0, 1.0]] * 3, [[1.0, 1.0], [2.0, 4.0], [4.0, 16.0]]]),
        CoordCheck("mup", [64, 128, 256], 0.01, ["hidden 1", "output"],
                   [[[1.0, 1.0]] * 3, [[1.0, 1.0]] * 3]), title="coordinate check"),
    "plot_lr_transfer": lambda: plots.plot_lr_transfer(
        LRTransfer("standard", [64, 256], [1e-3, 1e-2, 1e-1], 1, 64,
                   [[1.0, 0.5, float("nan")], [0.4, 2.0, float("nan")]]),
        LRTransfer("mup", [64, 256], [1e-3, 1e-2, 1e-1], 1, 64, [[1.0, 0.5, 0.8], [0.8, 0.3, 0.9]]),
        title="learning-rate transfer"),
    # lesson 08 (initviz/plots/signal_propagation.py)
    "plot_phase_diagram": lambda: plots.plot_phase_diagram(
        {"He": ("relu", 2.0, 0.0), "chaotic": ("tanh", 3.0, 0.05)}, title="phase diagram"),
    "plot_correlation_map": lambda: plots.plot_correlation_map("tanh", 3.0, 0.05,
                                                               title="chaotic tanh"),
    "plot_singular_values": lambda: plots.plot_singular_values(
        {"gaussian": np.geomspace(10.0, 1e-3, 64), "orthogonal": np.full(64, 1.0)},
        title="singular values"),
    "plot_training_time": lambda: plots.plot_training_time(
        [2, 4, 8], {"orthogonal": [[5, 6], [5, 7], [6, 6]], "gaussian": [[5, 8], [9, None],
                                                                         [None, None]]}, 10,
        title="training time"),
    "plot_trainability": lambda: plots.plot_trainability(TrainabilityGrid(
        np.array([0.6, 1.2, 1.76, 3.0]), np.array([6, 12, 24]),
        np.array([[0.9, 0.2, 0.1], [0.95, 0.9, 0.3], [0.95, 0.9, 0.9], [0.9, 0.8, 0.2]]),
        np.array([3.1, 35.7, float("inf"), 21.0]), {"activation": "tanh", "sigma_b2": 0.05}),
        title="trainability"),
}

SMALL = dict(depth=12, width=32, batch=64)
EXPLORER_FIGURES = {
    "signal_figure (tanh)": lambda: widgets.signal_figure(scale=0.01, **SMALL),
    "signal_figure (relu, overflow in float32)": lambda: widgets.signal_figure(
        "random_normal", 30.0, "relu", dtype="float32", **SMALL),
    "signal_figure (linear)": lambda: widgets.signal_figure(activation="linear", **SMALL),
    "signal_figure (leaky_relu, no theory)": lambda: widgets.signal_figure(
        "constant", 0.05, "leaky_relu", **SMALL),
    "training_figure (moons)": lambda: widgets.training_figure(
        "moons", runs={"A": dict(epochs=20, width=8),
                       "B": dict(weight_init="random_normal", scale=100.0, epochs=20,
                                 width=8)}),
    "training_figure (spiral)": lambda: widgets.training_figure(
        "spiral", runs={"A": dict(epochs=5, width=8)}),
    "phase_figure (tanh, chaotic)": lambda: widgets.phase_figure("tanh", 3.0, 0.05),
    "phase_figure (relu, overflow)": lambda: widgets.phase_figure("relu", 4.0, 1.0),
    "training_figure (digits)": lambda: widgets.training_figure(
        "digits", runs={"A": dict(epochs=3, width=8), "B": dict(epochs=3, width=8,
                                                                weight_init="zeros")}),
}
ALL = {**FIGURES, **EXPLORER_FIGURES}


# ----------------------------------------------------------------------------- checks
def drawn_texts(fig):
    """The texts a draw of fig shows: visible, non-empty, in a visible axes, tick labels
    only of ticks inside the axis' view."""
    fig.canvas.draw()
    found = []
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        if text.axes is not None and not text.axes.get_visible():
            continue
        found.append(text)
    for ax in fig.axes:  # tick labels of ticks outside the view are not drawn
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            slack = 1e-9 * max(abs(lo), abs(hi), 1e-300)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not lo - slack <= tick.get_loc() <= hi + slack:
                    found = [t for t in found if t not in (tick.label1, tick.label2)]
    return found


def shown_scale(fig):
    """(shown size / inch size, effective dpi) from the PNG the notebook would store."""
    png, metadata = fig._repr_png_()
    pixels = Image.open(io.BytesIO(png)).size[0]
    shown_inches = metadata["width"] / CSS_PX_PER_INCH
    return shown_inches / fig.get_figwidth(), pixels / shown_inches


def _is_colour_bar(fig, ax):
    """A colour bar: matplotlib's, or any axes under 0.35 in across with a label on its
    long side (the explorer's two-tone bar)."""
    if getattr(ax, "_colorbar", None) is not None:
        return True
    box = ax.get_position()
    width, height = box.width * fig.get_figwidth(), box.height * fig.get_figheight()
    return min(width, height) < 0.35 and bool(ax.get_ylabel() if height > width
                                               else ax.get_xlabel())


def _has_data(ax):
    return ax.get_visible() and bool(ax.lines or ax.collections or ax.images or ax.patches)


def _labelled(fig, ax, which):
    """ax's x (or y) axis is named: by its own label, the figure's sup-label, or the label
    of an axes sharing that axis."""
    own = ax.get_xlabel() if which == "x" else ax.get_ylabel()
    sup = getattr(fig, f"_sup{which}label", None)
    shared = (ax.get_shared_x_axes() if which == "x" else ax.get_shared_y_axes())
    siblings = [a.get_xlabel() if which == "x" else a.get_ylabel()
                for a in shared.get_siblings(ax)]
    return bool(own or (sup is not None and sup.get_text()) or any(siblings))


def problems(fig, min_dpi=MIN_EFFECTIVE_DPI):
    """Every way fig breaks the size rule, as a list of sentences (empty if none)."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)  # a renderer to measure the texts with
    found = []
    scale, dpi = shown_scale(fig)
    if dpi < min_dpi:
        found.append(f"rendered at {dpi:.0f} effective dpi < {min_dpi}")
    texts = drawn_texts(fig)
    for t in texts:
        if t.get_fontsize() * scale < plots.MIN_FONT:
            found.append(f"{t.get_text()!r} at {t.get_fontsize() * scale:.3g} pt")
    tick_sizes = {t.get_fontsize() for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)
                  for t in axis.get_ticklabels(which="both") if t in texts}
    if len(tick_sizes) > 1:
        found.append(f"tick labels in several sizes: {sorted(tick_sizes)}")
    for ax in fig.axes:
        if not _has_data(ax) or _is_colour_bar(fig, ax):
            continue
        for which in "xy":
            if not _labelled(fig, ax, which):
                found.append(f"an axes titled {ax.get_title()!r} has no {which} label")
    renderer = fig.canvas.get_renderer()
    boxes = {t: t.get_window_extent(renderer) for t in texts}
    titles = [t for t in texts if t in [ax.title for ax in fig.axes]
              or t is getattr(fig, "_suptitle", None)]
    for title in titles:
        for other, box in boxes.items():
            if other is not title and box.overlaps(boxes[title]):
                found.append(f"{other.get_text()!r} overlaps the title {title.get_text()!r}")
        for ax in fig.axes:
            if ax.get_visible() and ax.bbox.overlaps(boxes[title]):
                found.append(f"the title {title.get_text()!r} overlaps an axes")
    for t, box in boxes.items():
        if box.x0 < -1 or box.y0 < -1 or box.x1 > fig.bbox.x1 + 1 or box.y1 > fig.bbox.y1 + 1:
            found.append(f"{t.get_text()!r} runs off the figure")
    return found


# ----------------------------------------------------------------------------- tests
def test_every_figure_function_is_checked():
    covered = {name.split(" (")[0] for name in FIGURES}
    assert covered == set(ALL_FIGURE_FUNCTIONS)


@pytest.mark.parametrize("name", sorted(ALL))
def test_figure_is_readable_at_its_shown_size(name):
    fig = ALL[name]()
    assert problems(fig) == []
    assert fig.description  # its alt text


def test_live_signal_view_is_readable():
    """The live view is shown at the static figure's size (the Image widget's width) and
    rendered at LIVE_DPI, the sharpness the speed target allows (see render.py)."""
    from initviz.propagation import propagate

    view = widgets.SignalView(dpi=widgets.render.LIVE_DPI, blit=True)
    shown_inches = int(widgets.render.CSS_WIDTH.removesuffix("px")) / CSS_PX_PER_INCH
    assert shown_inches == view.fig.get_figwidth()
    for activation in ("tanh", "relu", "linear"):
        view.update(propagate("random_normal", 0.05, activation, **SMALL))
        width_px = Image.open(io.BytesIO(view.render())).size[0]
        assert width_px / shown_inches == widgets.render.LIVE_DPI
        for artist in view._dynamic + view._semistatic:  # drawn only by blits: shown too
            artist.set_animated(False)
        try:
            view.fig._repr_png_ = lambda: (_png(view.fig), {
                "width": shown_inches * CSS_PX_PER_INCH})
            assert problems(view.fig, min_dpi=widgets.render.LIVE_DPI) == []
        finally:
            del view.fig._repr_png_
            for artist in view._dynamic + view._semistatic:
                artist.set_animated(True)


# ----------------------------------------------------------------------------- the checks fail
def _old_style_figure(dpi=plots.DPI):
    """A line plot as initviz drew them before the size rule: 8-pt legend and 7-pt ticks."""
    fig = plots.ShownFigure(figsize=(5.5, 3.0), dpi=dpi)
    ax = fig.add_subplot()
    ax.plot([1, 2, 3], [1.0, 0.5, 0.25], label="measured")
    ax.set_xlabel("layer")
    ax.set_ylabel("std of activations")
    ax.legend(fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    fig.description = "test"
    return fig


def test_the_checks_catch_small_text_and_mixed_tick_sizes():
    found = problems(_old_style_figure())
    assert "'measured' at 8 pt" in found
    assert any("tick labels in several sizes" in p for p in found)


def test_the_checks_catch_a_low_dpi():
    assert any("effective dpi" in p for p in problems(_old_style_figure(dpi=80)))


def test_the_checks_catch_a_missing_label_an_overlapping_title_and_text_cut_off():
    fig = plots.new_figure(4.0, 3.0)
    ax = fig.add_subplot()
    ax.plot([1, 2], [1, 2])
    ax.set_title("a title", fontsize=12, y=0.9)  # inside the axes
    ax.text(1.5, 2.1, "a note", fontsize=10)
    ax.tick_params(labelsize=10)
    fig.text(0.99, 0.5, "cut off", fontsize=10)
    fig.description = "test"
    found = problems(fig)
    assert "an axes titled 'a title' has no x label" in found
    assert "the title 'a title' overlaps an axes" in found
    assert "'cut off' runs off the figure" in found


def test_the_checks_pass_a_plain_figure_at_the_old_size_only_if_it_is_readable():
    # A plain matplotlib Figure at dpi 80 shown at its pixel size (no metadata) was the
    # old way: 80 effective dpi.
    fig = Figure(figsize=(4, 3), dpi=80)
    fig._repr_png_ = lambda: (_png(fig), {"width": 320, "height": 240})
    ax = fig.add_subplot()
    ax.plot([1, 2], [1, 2])
    assert any("effective dpi" in p for p in problems(fig))


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()

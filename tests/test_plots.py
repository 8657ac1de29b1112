"""Tests for initviz.plots: figure structure, non-finite input, drawn values, clear errors.

Each figure is rendered to PNG with every warning turned into an error, so a warning raised
only at draw time (log axis, contours, limits) fails the test too.
"""

import io
import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure

from initviz import plots
from initviz.comparison import GridResult
from initviz.experiments import SweepResult, scale_sweep


def render(make_figure):
    """Call make_figure() and draw the result to PNG, with warnings as errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = make_figure()
        fig.savefig(io.BytesIO(), format="png")
    assert isinstance(fig, Figure)
    assert fig.dpi == plots.DPI
    width, height = fig.get_size_inches()
    assert width <= 9.0 and height <= 4.5  # see the size rule in initviz/plots/figure.py
    return fig


def texts(fig):
    """Every string written on the figure: figure texts, axes texts and titles."""
    found = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        found += [t.get_text() for t in ax.texts]
        found += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    return "\n".join(found)


def assert_finite_limits(fig):
    for ax in fig.axes:
        assert np.isfinite(ax.get_xlim()).all() and np.isfinite(ax.get_ylim()).all()


def stairs_of(ax):
    """The (values, edges) of the single stairs artist of a histogram panel."""
    (patch,) = [p for p in ax.patches if hasattr(p, "get_data")]
    return patch.get_data().values, patch.get_data().edges


def test_figures_do_not_touch_pyplot_state():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    render(lambda: plots.plot_layer_histograms([np.arange(10.0)]))
    render(lambda: plots.plot_loss_curves({"a": [1.0, 0.5]}))
    assert plt.get_fignums() == before


@pytest.mark.parametrize("module", ["initviz.experiments", "initviz.comparison"])
def test_measurement_modules_do_not_import_matplotlib(module):
    # their figures are drawn here, in initviz.plots
    import subprocess
    import sys

    code = f"import sys, {module}; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_figures_show_in_jupyter_without_pyplot():
    # Jupyter calls _repr_png_ when the inline backend has not registered a formatter.
    fig = render(lambda: plots.plot_layer_std([1.0, 0.5]))
    png, metadata = fig._repr_png_()
    assert png.startswith(b"\x89PNG")
    assert metadata["width"] == 6.0 * plots.CSS_DPI and metadata["alt"] == fig.description


# ----------------------------------------------------------------------------- histograms


def test_histograms_one_panel_per_layer_with_labels_and_std():
    rng = np.random.default_rng(0)
    layers = [rng.standard_normal((32, 16)) * s for s in (1.0, 0.5, 2.0)]
    fig = render(lambda: plots.plot_layer_histograms(layers, xlabel="pre-activation"))
    assert len(fig.axes) == 3
    for i, (ax, x) in enumerate(zip(fig.axes, layers)):
        assert ax.get_title().splitlines() == [f"layer {i + 1}", f"std {np.std(x):.3g}"]
    assert "pre-activation" in texts(fig)


def test_histogram_counts_match_numpy_for_a_given_range():
    rng = np.random.default_rng(1)
    x = rng.standard_normal(1000)
    fig = render(lambda: plots.plot_layer_histograms([x], bins=20, range=(-5, 5)))
    values, edges = stairs_of(fig.axes[0])
    counts, expected_edges = np.histogram(x, bins=20, range=(-5, 5))
    np.testing.assert_allclose(values, counts / x.size)
    np.testing.assert_allclose(edges, expected_edges)
    assert values.sum() == pytest.approx(1.0)  # no value of N(0, 1) * 1000 beyond 5


def test_default_range_is_symmetric_robust_and_shared():
    rng = np.random.default_rng(2)
    layers = [rng.standard_normal(2000), 10 * rng.standard_normal(2000)]
    fig = render(lambda: plots.plot_layer_histograms(layers, bins=30))
    m = np.percentile(np.abs(np.concatenate(layers)), 99.5)
    for ax, x in zip(fig.axes, layers):
        values, edges = stairs_of(ax)
        np.testing.assert_allclose(edges[[0, -1]], [-m, m])
        np.testing.assert_allclose(ax.get_xlim(), (-m, m))
        counts, _ = np.histogram(x, bins=30, range=(-m, m))
        np.testing.assert_allclose(values, counts / x.size)


def test_histograms_with_inf_nan_and_an_overflowed_layer():
    rng = np.random.default_rng(3)
    partial = rng.standard_normal(500)
    partial[:30] = np.inf
    partial[30:37] = np.nan
    layers = [partial, np.full(100, np.inf), np.array([np.nan, -np.inf])]
    fig = render(lambda: plots.plot_layer_histograms(layers, bins=25))
    assert len(fig.axes) == 3
    assert_finite_limits(fig)
    assert "37 inf/nan" in "\n".join(t.get_text() for t in fig.axes[0].texts)
    for ax in fig.axes[1:]:
        assert "overflow: inf/nan" in "\n".join(t.get_text() for t in ax.texts)
    finite = partial[np.isfinite(partial)]
    values, edges = stairs_of(fig.axes[0])
    counts, _ = np.histogram(finite, bins=25, range=(edges[0], edges[-1]))
    np.testing.assert_allclose(values, counts / finite.size)
    assert fig.axes[0].get_title().endswith(f"std {np.std(finite):.3g}")


def test_histograms_of_huge_finite_values_do_not_overflow():
    layers = [np.array([1e308, -1e308, 0.0]), np.array([1e-310, 0.0])]
    fig = render(lambda: plots.plot_layer_histograms(layers))
    assert_finite_limits(fig)
    assert f"std {np.sqrt(2 / 3) * 1e308:.3g}" in fig.axes[0].get_title()


def test_histograms_say_when_every_value_is_outside_the_range():
    fig = render(lambda: plots.plot_layer_histograms([np.full(5, 10.0)], range=(-1, 1)))
    assert "all values\noutside x range" in texts(fig)
    values, _ = stairs_of(fig.axes[0])
    assert values.sum() == 0


def test_histograms_of_all_zeros_have_a_nonzero_range():
    fig = render(lambda: plots.plot_layer_histograms([np.zeros(50)]))
    low, high = fig.axes[0].get_xlim()
    assert low < 0 < high
    values, _ = stairs_of(fig.axes[0])
    assert values.sum() == pytest.approx(1.0)


def test_many_layers_show_max_panels_including_first_and_last():
    layers = [np.full(10, float(i)) for i in range(30)]
    fig = render(lambda: plots.plot_layer_histograms(layers, max_panels=10, title="ReLU"))
    assert len(fig.axes) == 10
    titles = [ax.get_title().splitlines()[0] for ax in fig.axes]
    assert titles[0] == "layer 1" and titles[-1] == "layer 30"
    assert len(set(titles)) == 10
    assert "ReLU" in texts(fig) and "10 of 30 layers" in texts(fig)


def test_custom_labels():
    fig = render(lambda: plots.plot_layer_histograms([[1.0, 2.0], [3.0]], labels=["in", "out"]))
    assert [ax.get_title().splitlines()[0] for ax in fig.axes] == ["in", "out"]


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ([[]], {}, ValueError, "values is empty"),
        ([np.arange(5.0)], {}, TypeError, "1-D ndarray"),
        ([[np.zeros(3)]], {"bins": 0}, ValueError, "bins.*0"),
        ([[np.zeros(3)]], {"range": (1, 0)}, ValueError, r"range.*\(1, 0\)"),
        ([[np.zeros(3)]], {"range": (0, np.inf)}, ValueError, "range.*inf"),
        ([[np.zeros(3)]], {"range": (-1e300, 0)}, ValueError, "range.*1e\\+300"),
        ([[np.zeros(3)]], {"range": "ab"}, ValueError, "range.*'ab'"),
        ([[np.zeros(3)]], {"labels": ["a", "b"]}, ValueError, "1 labels.*'a', 'b'"),
        ([[np.zeros(3)]], {"max_panels": 1}, ValueError, "max_panels.*1"),
        ([[np.array(["a"])]], {}, TypeError, r"values\[0\].*dtype"),
    ],
)
def test_histogram_errors(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        plots.plot_layer_histograms(*args, **kwargs)


# ----------------------------------------------------------------------------- layer std


def test_layer_std_single_series_log_axis():
    stds = [1.0, 0.5, 0.25]
    fig = render(lambda: plots.plot_layer_std(stds))
    (ax,) = fig.axes
    assert ax.get_yscale() == "log"
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), stds)
    assert ax.get_xlabel() == "layer" and ax.get_ylabel() == "std of activations"


def test_layer_std_dict_with_theory_has_legend_in_same_colors():
    stds = {"he": [1.0, 1.1, 0.9], "lecun": [1.0, 0.7, 0.5]}
    predicted = {"he": [1.0, 1.0, 1.0], "lecun": [1.0, 0.71, 0.5]}
    fig = render(lambda: plots.plot_layer_std(stds, predicted=predicted, logy=False))
    (ax,) = fig.axes
    assert ax.get_yscale() == "linear"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["he", "he (theory)", "lecun", "lecun (theory)"]
    lines = {line.get_label(): line for line in ax.lines}
    assert lines["he (theory)"].get_linestyle() == "--"
    assert lines["he (theory)"].get_color() == lines["he"].get_color()
    assert lines["he"].get_color() != lines["lecun"].get_color()


def test_layer_std_log_axis_with_zero_and_inf_marks_them_on_the_edge():
    stds = {"relu": [1.0, 0.0, np.inf, np.nan, 2.0], "tanh": [1.0, 0.5, -np.inf, 0.1, 0.05]}
    fig = render(lambda: plots.plot_layer_std(stds))
    (ax,) = fig.axes
    assert_finite_limits(fig)
    note = "\n".join(t.get_text() for t in ax.texts)
    assert "1 zero or negative" in note and "1 inf" in note and "1 nan" in note
    assert "1 -inf" in note
    drawn = {line.get_label(): line.get_ydata() for line in ax.lines}["relu"]
    np.testing.assert_array_equal(np.isnan(drawn), [False, True, True, True, False])
    edge_markers = {line.get_marker() for line in ax.lines if line.get_linestyle() == "None"}
    assert edge_markers == {"v", "^", "x"}


@pytest.mark.parametrize("logy", [True, False])
def test_layer_std_beyond_matplotlib_range_counts_as_overflow(logy):
    # matplotlib's own locators overflow near the float64 limit; such values are marked.
    stds = [1.0, 1e100, 1e250, 1.7e308, 1e-250]
    fig = render(lambda: plots.plot_layer_std(stds, logy=logy))
    assert_finite_limits(fig)
    assert "2 above 1e200" in texts(fig)
    assert ("1 below 1e-200" in texts(fig)) == logy


def test_layer_std_all_undrawable_keeps_finite_limits():
    fig = render(lambda: plots.plot_layer_std([0.0, 0.0, np.inf]))
    assert_finite_limits(fig)
    assert "2 zero or negative" in texts(fig)


def test_layer_std_tick_labels():
    fig = render(lambda: plots.plot_layer_std([1.0, 2.0], labels=["fc1", "fc2"]))
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["fc1", "fc2"]


@pytest.mark.parametrize(
    "stds, kwargs, error, match",
    [
        ([], {}, ValueError, r"stds.*shape \(0,\)"),
        ({}, {}, ValueError, "stds is an empty dict"),
        ([[1.0, 2.0]], {}, ValueError, r"shape \(1, 2\)"),
        ({"a": [1.0]}, {"predicted": {"b": [1.0]}}, ValueError, r"\['b'\].*\['a'\]"),
        ({"a": [1.0]}, {"predicted": [1.0]}, TypeError, "predicted must be a dict"),
        ([1.0], {"predicted": {"a": [1.0]}}, TypeError, "predicted must be a sequence"),
        ([1.0, 2.0], {"labels": ["x"]}, ValueError, r"labels.*2 labels.*\['x'\]"),
        ([1.0, 2.0], {"labels": 5}, ValueError, "labels.*2 labels.*got 5"),
    ],
)
def test_layer_std_errors(stds, kwargs, error, match):
    with pytest.raises(error, match=match):
        plots.plot_layer_std(stds, **kwargs)


# ----------------------------------------------------------------------------- loss curves


def test_loss_curves_mark_divergence():
    histories = {"lr 0.1": [1.0, 0.8, 0.6, 0.5], "lr 10": [1.0, 3.0, 50.0, np.inf, np.nan]}
    fig = render(lambda: plots.plot_loss_curves(histories))
    (ax,) = fig.axes
    assert_finite_limits(fig)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["lr 0.1", "lr 10"]
    assert "diverged" in [t.get_text() for t in ax.texts]
    (cross,) = [line for line in ax.lines if line.get_marker() == "x"]
    # epochs count from 1; the first non-finite loss is epoch 4, marked at the last finite one
    np.testing.assert_array_equal(cross.get_xdata(), [4])
    np.testing.assert_array_equal(cross.get_ydata(), [50.0])
    assert ax.get_ylim()[1] < 1e3


def test_loss_curves_diverged_from_the_start_on_log_axis():
    histories = {"bad": [np.nan, np.nan], "ok": [1.0, 0.0, 0.5]}
    fig = render(lambda: plots.plot_loss_curves(histories, logy=True))
    assert_finite_limits(fig)
    assert "diverged" in texts(fig)
    assert "1 losses <= 1e-200" in texts(fig)


def test_loss_curves_huge_finite_loss_counts_as_divergence():
    fig = render(lambda: plots.plot_loss_curves({"a": [1.0, 1e150, 1e300, 1.7e308]}))
    assert_finite_limits(fig)
    (cross,) = [line for line in fig.axes[0].lines if line.get_marker() == "x"]
    np.testing.assert_array_equal(cross.get_xdata(), [3])
    np.testing.assert_array_equal(cross.get_ydata(), [1e150])


def test_loss_curves_nothing_finite():
    fig = render(lambda: plots.plot_loss_curves({"a": [np.inf]}))
    assert_finite_limits(fig)
    assert "no finite loss" in texts(fig)


@pytest.mark.parametrize(
    "histories, error, match",
    [
        ([1.0, 0.5], TypeError, "dict name -> per-epoch losses.*list"),
        ({}, ValueError, "empty dict"),
        ({"a": []}, ValueError, r"histories\['a'\].*shape \(0,\)"),
        ({"a": ["x"]}, TypeError, r"histories\['a'\].*dtype"),
    ],
)
def test_loss_curve_errors(histories, error, match):
    with pytest.raises(error, match=match):
        plots.plot_loss_curves(histories)


# ----------------------------------------------------------------------------- decision boundary


def moons_like(n=40):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, 2))
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


def sigmoid_of_sum(Z):
    return 1.0 / (1.0 + np.exp(-(Z[:, 0] + Z[:, 1])))


@pytest.mark.parametrize(
    "predict",
    [
        sigmoid_of_sum,  # (m,)
        lambda Z: sigmoid_of_sum(Z)[:, None],  # (m, 1)
        lambda Z: np.column_stack([1 - sigmoid_of_sum(Z), sigmoid_of_sum(Z)]),  # (m, 2)
        lambda Z: np.column_stack([Z[:, 0], Z[:, 1], -Z[:, 0] - Z[:, 1]]),  # (m, 3)
    ],
    ids=["(m,)", "(m,1)", "(m,2)", "(m,3)"],
)
def test_decision_boundary_output_forms(predict):
    X, y = moons_like()
    seen = []

    def recording_predict(Z):
        seen.append(Z.shape)
        return predict(Z)

    fig = render(lambda: plots.plot_decision_boundary(recording_predict, X, y, resolution=30))
    ax, colorbar = fig.axes
    assert seen == [(900 + len(X), 2)]  # one call: the grid, then the points
    assert tuple(fig.get_size_inches()) == (4.6, 4.0)
    assert colorbar.get_ylabel() in ("P(class 1)", "predicted class")
    assert len(ax.collections) >= 2  # filled contours and the scattered points
    low, high = X.min(axis=0), X.max(axis=0)
    assert ax.get_xlim()[0] < low[0] and ax.get_xlim()[1] > high[0]
    assert ax.get_ylim()[0] < low[1] and ax.get_ylim()[1] > high[1]


@pytest.mark.parametrize("value", [0.0, 0.5, 1.0])
def test_decision_boundary_of_a_constant_prediction(value):
    # A network whose units are all identical (constant init) can predict 0.5 everywhere.
    X, y = moons_like()
    fig = render(lambda: plots.plot_decision_boundary(lambda Z: np.full(len(Z), value), X, y))
    assert len(fig.axes) == 2  # the plane and its colour bar
    assert f"output {value:g}\neverywhere:\nno boundary" in texts(fig)
    assert "no boundary" in fig.description and "at chance" in fig.description


def test_decision_boundary_output_of_one_half_is_white():
    # An output of exactly 0.5 (zero initialization) sits in the middle, white, band.
    X, y = moons_like()
    fig = render(lambda: plots.plot_decision_boundary(lambda Z: np.full(len(Z), 0.5), X, y))
    (filled,) = [c for c in fig.axes[0].collections if hasattr(c, "levels")]
    band = np.searchsorted(filled.levels, 0.5)
    assert filled.levels[band - 1] < 0.5 < filled.levels[band]
    white = filled.cmap((0.5 - filled.levels[0]) / np.ptp(filled.levels))[:3]
    assert white == (1, 1, 1)


def test_decision_boundary_into_given_axes_side_by_side():
    X, y = moons_like()
    fig = Figure(figsize=(8, 4), dpi=plots.DPI)
    left, right = fig.subplots(1, 2)
    assert plots.plot_decision_boundary(sigmoid_of_sum, X, y, ax=left, title="A") is fig
    assert plots.plot_decision_boundary(sigmoid_of_sum, X, y, ax=right, title="B") is fig
    render(lambda: fig)
    assert len(fig.axes) == 2  # no colour bar unless asked for
    assert [ax.get_title() for ax in fig.axes] == ["A", "B"]
    assert fig.description.startswith("A: decision regions") and "B: decision" in fig.description


def test_decision_boundaries_side_by_side_share_one_colour_bar():
    X, y = moons_like()
    fig = render(lambda: plots.plot_decision_boundaries(
        {"zeros": lambda Z: np.full(len(Z), 0.5), "fit": sigmoid_of_sum}, X, y, title="t"))
    *panels, colorbar = fig.axes
    assert [ax.get_title() for ax in panels] == ["zeros", "fit"]
    assert colorbar.get_ylabel() == "P(class 1)"
    assert "zeros: P(class 1) is 0.5 everywhere" in fig.description
    with pytest.raises(ValueError, match="1 to 4"):
        plots.plot_decision_boundaries({}, X, y)


def test_decision_boundary_with_nonfinite_points_and_predictions():
    X, y = moons_like()
    X[0, 0] = np.nan
    X[1, 1] = np.inf

    def half_nan(Z):
        p = sigmoid_of_sum(Z)
        p[Z[:, 0] > 0] = np.nan
        return p

    fig = render(lambda: plots.plot_decision_boundary(half_nan, X, y, resolution=20))
    assert_finite_limits(fig)
    assert "2 points with inf/nan not shown" in texts(fig)
    assert "grid points inf/nan" in texts(fig)

    fig = render(lambda: plots.plot_decision_boundary(lambda Z: np.full(len(Z), np.nan), X, y))
    assert "prediction overflow: inf/nan" in texts(fig)


@pytest.mark.parametrize(
    "predict, X, y, error, match",
    [
        ("not callable", np.zeros((3, 2)), [0, 1, 0], TypeError, "predict must be a callable"),
        (sigmoid_of_sum, np.zeros((3, 3)), [0, 1, 0], ValueError, r"\(n, 2\).*\(3, 3\)"),
        (sigmoid_of_sum, np.zeros((3, 2)), [0, 1], ValueError, r"y.*\(3,\).*\(2,\)"),
        (sigmoid_of_sum, np.zeros((3, 2)), [0, 0.5, 1], ValueError, "integer class labels"),
        (sigmoid_of_sum, np.full((2, 2), np.nan), [0, 1], ValueError, "no finite row"),
        (lambda Z: Z[:1], np.eye(2), [0, 1], ValueError, r"shape \(1, 2\) for 40002 points"),
        (lambda Z: 3 * Z[:, 0], np.eye(2), [0, 1], ValueError, r"outside|\[0, 1\]"),
    ],
)
def test_decision_boundary_errors(predict, X, y, error, match):
    with pytest.raises(error, match=match):
        plots.plot_decision_boundary(predict, X, y)


# ----------------------------------------------------------------------------- weight heatmap


def test_heatmap_single_matrix_symmetric_limits_and_labels():
    W = np.array([[0.5, -2.0, 1.0], [0.0, 1.5, -0.25]])
    fig = render(lambda: plots.plot_weight_heatmap(W))
    assert len(fig.axes) == 2  # the image and its colorbar
    ax = fig.axes[0]
    (image,) = ax.images
    assert image.get_clim() == (-2.0, 2.0)
    np.testing.assert_array_equal(image.get_array(), W)  # rows = inputs, columns = units
    assert ax.get_xlabel() == "hidden unit" and ax.get_ylabel() == "input"


def test_heatmap_list_with_titles_and_constant_matrix():
    rng = np.random.default_rng(0)
    mats = [np.full((4, 6), 0.3), rng.standard_normal((6, 5)), np.zeros((5, 1))]
    fig = render(lambda: plots.plot_weight_heatmap(mats, titles=["a", "b", "c"], title="init"))
    assert len(fig.axes) == 4  # three images and one colour bar: one scale for all
    images = [ax.images[0] for ax in fig.axes[:3]]
    assert [im.axes.get_title() for im in images] == ["a", "b", "c"]
    m = max(np.abs(W).max() for W in mats)
    assert all(im.get_clim() == (-m, m) for im in images)
    assert "one scale" in fig.axes[3].get_ylabel()
    assert "init" in texts(fig)
    assert "a: 4 x 6, values 0.3 to 0.3, 1 distinct column of 6" in fig.description

    fig = render(lambda: plots.plot_weight_heatmap(mats, shared_scale=False))
    assert len(fig.axes) == 6  # each image its own colour bar
    for im, W in zip([ax.images[0] for ax in fig.axes if ax.images], mats):
        m = np.abs(W).max() or 1.0  # an all-zero matrix gets limits (-1, 1)
        assert im.get_clim() == (-m, m)


def test_heatmap_row_labels():
    fig = render(lambda: plots.plot_weight_heatmap(np.ones((3, 2)), row_labels=["x1", "x2", "b"]))
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["x1", "x2", "b"]
    assert fig.axes[0].get_ylabel() == "row"
    with pytest.raises(ValueError, match="row_labels"):
        plots.plot_weight_heatmap(np.ones((3, 2)), row_labels=["x1"])


def test_heatmap_of_values_near_the_float_limit():
    W = np.array([[1.0, -1.7e308], [0.0, 1.7e308]])
    fig = render(lambda: plots.plot_weight_heatmap(W))
    assert fig.axes[0].images[0].get_clim() == (-1e200, 1e200)


def test_heatmap_with_nonfinite_entries():
    W = np.array([[1.0, np.inf], [np.nan, -3.0]])
    fig = render(lambda: plots.plot_weight_heatmap([W, np.full((2, 2), np.inf)]))
    assert_finite_limits(fig)
    assert fig.axes[0].images[0].get_clim() == (-3.0, 3.0)
    assert "2 inf/nan not shown" in texts(fig)
    assert "overflow: inf/nan" in texts(fig)


@pytest.mark.parametrize(
    "weights, kwargs, error, match",
    [
        ([], {}, ValueError, "weights is empty"),
        ([np.zeros(3)], {}, ValueError, r"weights\[0\].*2-D.*\(3,\)"),
        (np.zeros((2, 2)), {"titles": ["a", "b"]}, ValueError, "titles.*1 labels"),
        ([np.array([["a"]])], {}, TypeError, r"weights\[0\].*dtype"),
        (3.0, {}, TypeError, "matrix or a list of matrices, got float"),
    ],
)
def test_heatmap_errors(weights, kwargs, error, match):
    with pytest.raises(error, match=match):
        plots.plot_weight_heatmap(weights, **kwargs)


# ----------------------------------------------------------------------------- scale sweep


def sweep_of(activation_std, gradient_std):
    """A SweepResult with the given stds at scales 0.01, 0.1, 1, ..."""
    a = np.asarray(activation_std, dtype=float)
    n = a.size
    return SweepResult(np.logspace(-2, n - 3, n), a, np.asarray(gradient_std, dtype=float),
                       np.zeros(n), np.zeros(n, dtype=int), "relu", 10, 2)


def test_scale_sweep_one_log_log_axes_with_the_vertical_lines():
    sw = scale_sweep([0.01, 0.1, 10.0], width=10, depth=2, activation="relu", n_samples=4,
                     rng=0)
    fig = render(lambda: plots.plot_scale_sweep({"relu": sw}, vlines={"x": 0.1}, title="t"))
    ax = fig.axes[0]
    assert len(fig.axes) == 1 and ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert any(list(line.get_xdata()) == [0.1, 0.1] for line in ax.get_lines())
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["relu: last-layer activation std", "relu: layer-1 gradient std",
                      "std in [0.1, 10]", "x"]
    assert ax.get_xlabel() == "weight scale (std of W)" and "std" in ax.get_ylabel()
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), sw.activation_std)
    assert ax.get_ylim() == (1e-6, 1e6)


def test_scale_sweep_leaves_out_what_a_log_axis_cannot_draw():
    sw = sweep_of([1.0, 0.0, np.inf, np.nan, 1e250], [2.0, 1e-250, 3.0, 4.0, 5.0])
    fig = render(lambda: plots.plot_scale_sweep({"s": sw}, ylim=None, band=None))
    assert_finite_limits(fig)
    last, grad = fig.axes[0].lines[:2]
    np.testing.assert_array_equal(np.isnan(last.get_ydata()), [False, True, True, True, True])
    np.testing.assert_array_equal(np.isnan(grad.get_ydata()), [False, True, False, False, False])


@pytest.mark.parametrize("sweeps", [{}, [1.0]])
def test_scale_sweep_rejects_what_is_not_a_dict_of_sweeps(sweeps):
    with pytest.raises(ValueError, match="SweepResult"):
        plots.plot_scale_sweep(sweeps)


def test_legend_outside_widens_the_figure_and_tilts_ticks():
    fig = plots.plot_layer_std({"a": [1.0, 2.0], "b": [2.0, 1.0]})
    height = fig.get_figheight()
    left_inches = fig.subplotpars.left * fig.get_figwidth()
    bottom = fig.subplotpars.bottom
    out = render(lambda: plots.legend_outside(fig, width=7.0, xtick_rotation=30))
    assert out is fig and fig.get_figwidth() == 7.0 and fig.get_figheight() == height
    assert fig.subplotpars.left * 7.0 == pytest.approx(left_inches)
    legend = fig.axes[0].get_legend()
    renderer = fig.canvas.get_renderer()
    assert fig.axes[0].get_window_extent().x1 < legend.get_window_extent(renderer).x0
    assert legend.get_window_extent(renderer).x1 < fig.bbox.x1  # the legend fits
    assert fig.subplotpars.bottom > bottom  # room for the tilted tick labels
    plots.legend_outside(fig, width=7.0, right=0.7)
    assert fig.subplotpars.right == pytest.approx(0.7)


# ----------------------------------------------------------------------------- accuracy grid


def test_grid_one_annotation_per_cell_activations_as_rows():
    accuracy = np.array([[[0.9, 0.7], [0.5, 0.5]], [[0.1, 0.1], [0.2, 0.4]],
                         [[1.0, 1.0], [0.3, 0.3]]])  # 3 initializers x 2 activations x 2 seeds
    result = GridResult(["he_normal", "zeros", "orthogonal"], ["relu", "tanh"], (0, 1),
                        accuracy, np.zeros(accuracy.shape, dtype=bool), 0.25)
    fig = render(lambda: plots.plot_grid(result, title="grid"))
    ax = fig.axes[0]
    assert ax.images[0].get_array().shape == (2, 3)  # activations x initializers
    assert [t.get_text() for t in ax.get_xticklabels()] == result.initializers
    assert [t.get_text() for t in ax.get_yticklabels()] == result.activations
    assert [t.get_text() for t in ax.texts] == [
        "0.80\n±0.10", "0.10\n±0.00", "1.00\n±0.00", "0.50\n±0.00", "0.30\n±0.10",
        "0.30\n±0.00"]
    colorbar = fig.axes[1]
    assert "2 seeds" in colorbar.get_ylabel()
    assert "chance 0.25" in [t.get_text() for t in colorbar.get_yticklabels()]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("initializer", "activation")
    assert "Best per activation: relu orthogonal 1; tanh he_normal 0.5." in fig.description

"""Figure functions: each takes plain arrays and returns a matplotlib Figure.

Figures are built with ``matplotlib.figure.Figure``, not pyplot, so nothing is left in
pyplot's state and a notebook shows a figure once when it is the cell's last expression.
Layouts are fixed (``subplots_adjust``), with no layout engine to re-run on every draw.

Deep networks overflow, so every function accepts inf and nan: it leaves them out of what it
draws, keeps the axis limits finite, and writes a note on the panel saying what is missing.
"""

import io

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, ListedColormap
from matplotlib.figure import Figure

from ._util import check_int

__all__ = [
    "DPI",
    "PALETTE",
    "new_figure",
    "ShownFigure",
    "plot_layer_histograms",
    "plot_layer_std",
    "plot_loss_curves",
    "plot_decision_boundary",
    "plot_weight_heatmap",
]

DPI = 80
"""Dots per inch of every figure made here."""

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
"""Series and class colors (Okabe-Ito, readable with color-vision deficiency)."""

NOTE_COLOR = "#B00020"
_NOTE_STYLE = dict(fontsize=8, color=NOTE_COLOR,
                   bbox=dict(facecolor="white", alpha=0.7, edgecolor="none", pad=1.5))

# matplotlib's tick locators and color norms overflow on axes that reach the float64 limit
# (~1.8e308), and its log axes fail from ~1e250. Finite values beyond these magnitudes are
# treated like overflow: left out of the drawing and counted in the note.
_HUGE = 1e200
_TINY = 1e-200  # smallest positive value drawn on a log axis
_MIN_HALF_WIDTH = 1e-300  # narrowest histogram range (-m, m)


def _color(i):
    return PALETTE[i % len(PALETTE)]


# ----------------------------------------------------------------------------- checks


def _as_real_array(name, values):
    """Return `values` as a float64 array; raise TypeError if it does not hold numbers."""
    try:
        arr = np.asarray(values)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"{name} is not a rectangular array: {err}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {arr.dtype}")
    return arr.astype(np.float64)


def _as_series(name, values):
    """Return a non-empty 1-D float64 array (one value per layer or epoch)."""
    arr = _as_real_array(name, values)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence, got shape {arr.shape}")
    return arr


def _as_named_series(name, data):
    """Return {label: 1-D array}; a bare sequence becomes {None: array}."""
    if isinstance(data, dict):
        if not data:
            raise ValueError(f"{name} is an empty dict; give at least one series")
        return {key: _as_series(f"{name}[{key!r}]", v) for key, v in data.items()}
    return {None: _as_series(name, data)}


def _check_labels(name, labels, n, what):
    """Check that labels is a sequence of n items (one per `what`)."""
    if isinstance(labels, str) or not hasattr(labels, "__len__") or len(labels) != n:
        raise ValueError(f"{name} must be a list of {n} labels (one per {what}), "
                         f"got {labels!r}")


def _check_title(title):
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None, got {title!r}")


# ----------------------------------------------------------------------------- small helpers


class ShownFigure(Figure):
    """A Figure that Jupyter can show even if pyplot was never imported.

    Jupyter shows a plain Figure only once the inline backend has registered its PNG
    formatter, which happens when pyplot is imported; before that a cell shows just
    "<Figure size ...>". When that formatter exists it takes precedence over _repr_png_,
    so the figure is still shown once.
    """

    def _repr_png_(self):
        buffer = io.BytesIO()
        self.savefig(buffer, format="png")
        return buffer.getvalue()


def new_figure(width, height) -> Figure:
    """An empty Figure of ``width`` x ``height`` inches at :data:`DPI`, not tracked by pyplot,
    that a notebook shows once when it is a cell's last expression. Every figure function
    here, and those in other initviz modules, starts from it."""
    return ShownFigure(figsize=(width, height), dpi=DPI)


def _line_figure(title, logy, left):
    """The 5.5 x 3 inch one-axes figure of the line plots, with its fixed margins."""
    fig = new_figure(5.5, 3.0)
    ax = fig.add_subplot()
    fig.subplots_adjust(left=left, right=0.96, bottom=0.16, top=0.88 if title else 0.95)
    if logy:
        ax.set_yscale("log")
    return fig, ax


def _note(ax, text, y=0.5):
    """Write a visible note in the middle of a panel (axes coordinates)."""
    ax.text(0.5, y, text, transform=ax.transAxes, ha="center", va="center", **_NOTE_STYLE)


def _finite_std(x):
    """Std of finite values without overflow: scale by max |x| first."""
    scale = np.max(np.abs(x))
    if scale == 0:
        return 0.0
    return float(np.std(x / scale) * scale)


def _robust_half_width(samples):
    """Half width m of a symmetric range (-m, m) holding the bulk of the finite samples."""
    if samples.size == 0:
        return 1.0
    magnitude = np.abs(samples)
    m = float(np.percentile(magnitude, 99.5))
    if not m > 0:
        m = float(magnitude.max())
    if not m > 0:
        return 1.0
    return min(max(m, _MIN_HALF_WIDTH), _HUGE)


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


# ----------------------------------------------------------------------------- histograms


def plot_layer_histograms(values, *, labels=None, bins=50, range=None, title=None,
                          xlabel="activation", max_panels=10):
    """One histogram panel per layer, side by side, on a shared symmetric x range.

    Each bar is the fraction of the layer's finite values that fall in that bin, so the
    bars of a panel sum to 1 minus the fraction of finite values outside the x range.
    All panels share the x and y axes. Each panel is titled with its label and the std of
    the layer's finite values (3 significant digits). inf and nan values are left out and
    counted in a note ("37 inf/nan not shown"); a layer with no finite value says
    "overflow: inf/nan".

    Args:
        values: a sequence of arrays, one per layer, any shape (each is flattened). A 2-D
            ndarray is read as one row per layer.
        labels: one str per layer, or None for "layer 1", "layer 2", ...
        bins: number of bins, an int >= 1.
        range: (low, high) x range shared by all panels, -1e200 <= low < high <= 1e200;
            or None for a symmetric range (-m, m) with m the 99.5th percentile of |finite
            values| over the panels shown (at least 1e-300, at most 1e200: matplotlib
            cannot draw a wider axis).
        title: figure title, or None.
        xlabel: label of the x axis (what the values are, with units if any).
        max_panels: at most this many panels, an int >= 2. With more layers, evenly spaced
            layers are shown, always the first and the last, and the title says so.
    Returns:
        matplotlib.figure.Figure with one axes per panel shown.
    Raises:
        TypeError: if values is not a sequence of numeric arrays, or an argument has the
            wrong type.
        ValueError: if values is empty, labels has the wrong length, or bins, range or
            max_panels is invalid.
    """
    if isinstance(values, np.ndarray) and values.ndim < 2:
        raise TypeError(
            "values must be a sequence of arrays, one per layer (e.g. [a1, a2]); "
            f"got a {values.ndim}-D ndarray. For a single layer pass [values]."
        )
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__len__"):
        raise TypeError(f"values must be a list of arrays, one per layer, got {type(values)}")
    if len(values) == 0:
        raise ValueError("values is empty; pass a list with one array per layer")
    n_layers = len(values)
    if labels is None:
        labels = [f"layer {i + 1}" for i in np.arange(n_layers)]
    else:
        _check_labels("labels", labels, n_layers, "layer")
    bins = check_int("bins", bins, 1)
    max_panels = check_int("max_panels", max_panels, 2)
    _check_title(title)

    if n_layers > max_panels:
        shown = np.floor(np.linspace(0, n_layers - 1, max_panels) + 0.5).astype(int)
        subset = f"showing {max_panels} of {n_layers} layers, evenly spaced"
        title = f"{title} ({subset})" if title else subset
    else:
        shown = np.arange(n_layers)
    layers = [_as_real_array(f"values[{i}]", values[i]).ravel() for i in shown]
    finite = [x[np.isfinite(x)] for x in layers]

    if range is None:
        # A strided subsample keeps the percentile cheap on layers of millions of values.
        samples = np.concatenate([x[:: max(1, x.size // 100_000)] for x in finite])
        m = _robust_half_width(samples)
        lo, hi = -m, m
    else:
        lo, hi = _check_range(range)

    n = len(shown)
    fig = new_figure(min(8.0, 0.6 + 1.6 * n), 2.8)
    axes = fig.subplots(1, n, squeeze=False, sharex=True, sharey=True)[0]
    fig.subplots_adjust(left=0.6 / fig.get_figwidth(), right=0.98, bottom=0.24,
                        top=0.72 if title else 0.8, wspace=0.12)
    axes[0].set_xlim(lo, hi)  # shared by all panels
    axes[0].locator_params(axis="x", nbins=3)
    y_top = 0.0
    for ax, i, x, fx in zip(axes, shown, layers, finite):
        ax.tick_params(labelsize=7)
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-2, 3))  # 2500 -> 2.5 x 1e3
        ax.xaxis.get_offset_text().set_fontsize(7)
        if n > 5 and ax is not axes[0]:
            ax.tick_params(labelbottom=False)  # no room: the first panel carries the scale
        if x.size == 0:
            ax.set_title(str(labels[i]), fontsize=9)
            _note(ax, "empty layer")
        elif fx.size == 0:
            ax.set_title(str(labels[i]), fontsize=9)
            _note(ax, "overflow: inf/nan")
        else:
            counts, edges = np.histogram(fx, bins=bins, range=(lo, hi))
            fraction = counts / fx.size
            ax.stairs(fraction, edges, fill=True, color=_color(0), alpha=0.8)
            y_top = max(y_top, fraction.max())
            ax.set_title(f"{labels[i]}\nstd {_finite_std(fx):.3g}", fontsize=9)
            n_bad = x.size - fx.size
            if n_bad:
                _note(ax, f"{n_bad} inf/nan\nnot shown", y=0.6)
            if counts.sum() == 0:
                _note(ax, "all values\noutside x range", y=0.35)
    axes[0].set_ylim(0, 1.1 * y_top if y_top > 0 else 1.0)  # shared by all panels
    axes[0].set_ylabel("fraction of values", fontsize=8)
    fig.supxlabel(xlabel, fontsize=9)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def _check_range(range_):
    """Validate a user (low, high) histogram range."""
    try:
        lo, hi = (float(v) for v in range_)
    except (TypeError, ValueError):
        raise ValueError(f"range must be a (low, high) pair of numbers, got {range_!r}") from None
    if not (-_HUGE <= lo < hi <= _HUGE):
        raise ValueError(f"range must satisfy -1e200 <= low < high <= 1e200, got {range_!r}")
    return lo, hi


# ----------------------------------------------------------------------------- per-layer std


def plot_layer_std(stds, *, predicted=None, labels=None, ylabel="std of activations",
                   logy=True, title=None, xlabel="layer"):
    """Plot a per-layer statistic against depth, optionally with its theoretical value.

    Values the axis cannot show are marked on its edge instead, and a note counts them:
    a down triangle at the bottom for -inf (and, on a log axis, 0 and negatives), an up
    triangle at the top for +inf, an x at the top for nan. Finite values beyond +-1e200
    (and below 1e-200 on a log axis) count as overflow too: matplotlib cannot draw axes
    that wide.

    Args:
        stds: a sequence of one value per layer (layer l at x = l, from 1), or a dict
            name -> such a sequence for several series (shown with a legend).
        predicted: None, or the same structure as stds (a sequence, or a dict whose keys
            are among those of stds): drawn dashed in the series' color, labelled
            "<name> (theory)".
        labels: None, or one tick label per layer position (replaces 1, 2, ...).
        ylabel: y axis label (what the values are).
        logy: if True use a log y axis (the natural scale for exploding or vanishing
            signals).
        title: figure title, or None.
        xlabel: x axis label.
    Returns:
        matplotlib.figure.Figure with one axes.
    Raises:
        TypeError: if stds or predicted is not numeric, or predicted does not have the
            structure of stds.
        ValueError: if a series is empty or not 1-D, predicted names an unknown series, or
            labels has the wrong length.
    """
    series = _as_named_series("stds", stds)
    single = None in series
    theory = {}
    if predicted is not None:
        if single and isinstance(predicted, dict):
            raise TypeError("predicted must be a sequence like stds, not a dict")
        if not single and not isinstance(predicted, dict):
            raise TypeError("stds is a dict, so predicted must be a dict with the same keys")
        theory = _as_named_series("predicted", predicted)
        unknown = [k for k in theory if k not in series]
        if unknown:
            raise ValueError(f"predicted has series {unknown} not in stds; "
                             f"valid names: {list(series)}")
    n_positions = max(len(y) for y in (*series.values(), *theory.values()))
    if labels is not None:
        _check_labels("labels", labels, n_positions, "layer")
    _check_title(title)

    fig, ax = _line_figure(title, logy, left=0.15)
    counts = {}
    drew_any = False
    for k, (name, y) in enumerate(series.items()):
        color = _color(k)
        for values, style, label in (
            (y, "-", "measured" if single else str(name)),
            (theory.get(name), "--", "theory" if single else f"{name} (theory)"),
        ):
            if values is None:
                continue
            x = np.arange(1, len(values) + 1)
            bad = _undrawable_kinds(values, logy) >= 0
            drew_any |= not bad.all()
            ax.plot(x, np.where(bad, np.nan, values), style, color=color, label=label,
                    marker="o" if style == "-" else None, markersize=4)
            _mark_undrawable(ax, x, values, logy, color, counts)
    if not drew_any:
        ax.set_ylim(*((0.1, 10.0) if logy else (0.0, 1.0)))
    ax.set_xlim(0.5, n_positions + 0.5)
    if labels is not None:
        ax.set_xticks(np.arange(1, n_positions + 1), [str(s) for s in labels])
    else:
        ax.xaxis.get_major_locator().set_params(integer=True)
    if counts:
        _note(ax, _undrawable_note(counts, logy), y=0.22)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.3)
    if not single or theory:
        ax.legend(fontsize=8, frameon=False)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


# ----------------------------------------------------------------------------- loss curves


def plot_loss_curves(histories, *, logy=False, title=None, xlabel="epoch", ylabel="loss"):
    """Plot per-epoch losses of one or more training runs (epoch e at x = e, from 1).

    A run that diverged (its loss became inf or nan, or beyond 1e200, which matplotlib
    cannot draw) is drawn up to its last finite value, and the first such epoch is marked
    with an "x" labelled "diverged". On a log axis, losses <= 0 (or below 1e-200) are left
    out and counted in a note.

    Args:
        histories: dict name -> sequence of per-epoch losses.
        logy: if True use a log y axis.
        title: figure title, or None.
        xlabel: x axis label.
        ylabel: y axis label.
    Returns:
        matplotlib.figure.Figure with one axes.
    Raises:
        TypeError: if histories is not a dict, or a history does not hold numbers.
        ValueError: if histories is empty or a history is empty or not 1-D.
    """
    if not isinstance(histories, dict):
        raise TypeError("histories must be a dict name -> per-epoch losses "
                        f"(for one run: {{'run': losses}}), got {type(histories).__name__}")
    runs = _as_named_series("histories", histories)
    _check_title(title)

    fig, ax = _line_figure(title, logy, left=0.14)
    n_too_small = 0
    drew_any = False
    for k, (name, loss) in enumerate(runs.items()):
        color = _color(k)
        epochs = np.arange(1, len(loss) + 1)
        bad = _undrawable_kinds(loss, logy) >= 0
        diverged = ~np.isfinite(loss) | (np.abs(loss) > _HUGE)
        drew_any |= not bad.all()
        ax.plot(epochs, np.where(bad, np.nan, loss), color=color, label=str(name))
        n_too_small += int(np.sum(bad & ~diverged))  # <= 0 or tiny, on a log axis
        if diverged.any():
            first = np.flatnonzero(diverged)[0]
            before = loss[:first][~bad[:first]]
            if before.size:  # mark at the last drawable value before the divergence
                xy, coords = (epochs[first], before[-1]), "data"
                ax.plot(*xy, marker="x", markersize=9, mew=2, color=color)
            else:  # diverged at once: mark on the top edge
                xy, coords = (epochs[first], 1.0), ax.get_xaxis_transform()
                ax.plot(*xy, marker="x", markersize=9, mew=2, color=color,
                        transform=coords, clip_on=False)
            ax.annotate("diverged", xy, xycoords=coords, xytext=(5, -12),
                        textcoords="offset points", fontsize=8, color=color)
    if not drew_any:
        ax.set_ylim(*((0.1, 10.0) if logy else (0.0, 1.0)))
        _note(ax, "no finite loss to draw")
    if n_too_small:
        _note(ax, f"not shown on a log axis: {n_too_small} losses <= 1e-200", y=0.1)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


# ----------------------------------------------------------------------------- decision boundary


def plot_decision_boundary(predict, X, y, *, title=None, resolution=200, ax=None):
    """Color the plane by a classifier's prediction and scatter the data on top.

    The grid covers the bounding box of the finite rows of X, padded by 10 % per side.
    Binary output is drawn as the probability of class 1 (class-0 color through white to
    class-1 color) with the 0.5 contour; multi-class output as the arg-max class.

    Args:
        predict: callable taking an (m, 2) float64 array and returning either (m,) or
            (m, 1) probabilities of class 1, or (m, k) class probabilities / scores, k >= 2
            (k = 2 is drawn as binary, from column 1).
        X: array (n, 2) of input points; rows with inf or nan are left out with a note.
        y: array (n,) of integer class labels >= 0, used to color the points.
        title: axes title, or None.
        resolution: grid points per side, an int >= 2.
        ax: a matplotlib Axes to draw into (e.g. to put two boundaries side by side), or
            None for a new 4 x 4 inch figure.
    Returns:
        The matplotlib.figure.Figure holding the axes.
    Raises:
        TypeError: if predict is not callable, X or y is not numeric, or ax is not an Axes.
        ValueError: if X is not (n, 2) with n >= 1, y does not hold n non-negative integer
            labels, X has no finite row, or predict returns a wrong shape or binary
            probabilities outside [0, 1].
    """
    if not callable(predict):
        raise TypeError(f"predict must be a callable f(X) -> probabilities, got {predict!r}")
    X = _as_real_array("X", X)
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(f"X must be an array of shape (n, 2) with n >= 1, got {X.shape}")
    y = _as_real_array("y", y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
    if not np.all(np.isfinite(y) & (y >= 0) & (y == np.round(y))):
        raise ValueError("y must hold integer class labels >= 0, got values like "
                         f"{np.unique(y)[:5]}")
    resolution = check_int("resolution", resolution, 2)
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    _check_title(title)

    rows_ok = np.isfinite(X).all(axis=1)
    if not rows_ok.any():
        raise ValueError("X has no finite row to draw (every row holds inf or nan)")
    Xf, labels = X[rows_ok], y[rows_ok].astype(np.int64)
    low, high = Xf.min(axis=0), Xf.max(axis=0)
    pad = np.where(high > low, 0.1 * (high - low), 0.5)
    g0 = np.linspace(low[0] - pad[0], high[0] + pad[0], resolution)
    g1 = np.linspace(low[1] - pad[1], high[1] + pad[1], resolution)
    grid0, grid1 = np.meshgrid(g0, g1)
    grid = np.column_stack([grid0.ravel(), grid1.ravel()])
    out = _as_real_array("predict(X)", predict(grid))

    m = grid.shape[0]
    if out.shape in ((m,), (m, 1)):
        kind, score = "binary", out.reshape(m)
    elif out.ndim == 2 and out.shape[0] == m and out.shape[1] == 2:
        kind, score = "binary", out[:, 1]
    elif out.ndim == 2 and out.shape[0] == m and out.shape[1] > 2:
        kind, score = "multiclass", out
    else:
        raise ValueError(f"predict returned shape {out.shape} for {m} points; expected "
                         f"({m},), ({m}, 1) or ({m}, k) with k >= 2")
    n_classes = max(int(labels.max()) + 1, 2 if kind == "binary" else out.shape[1])

    bad = ~np.isfinite(score) if kind == "binary" else ~np.isfinite(score).all(axis=1)
    if kind == "binary":
        finite = score[~bad]
        if finite.size and (finite.min() < -1e-9 or finite.max() > 1 + 1e-9):
            raise ValueError(
                f"predict returned values in [{finite.min():.3g}, {finite.max():.3g}], "
                "expected probabilities in [0, 1] (apply a sigmoid to scores)")

    if ax is None:
        fig = new_figure(4.0, 4.0)
        ax = fig.add_subplot()
        fig.subplots_adjust(left=0.15, right=0.96, bottom=0.12, top=0.9 if title else 0.95)
    else:
        fig = ax.figure
    if not bad.all():
        if kind == "binary":
            cmap = LinearSegmentedColormap.from_list("binary", [_color(0), "white", _color(1)])
            z = np.ma.masked_array(np.clip(score, 0, 1), bad).reshape(grid0.shape)
            ax.contourf(grid0, grid1, z, levels=np.linspace(0, 1, 11), cmap=cmap, alpha=0.45)
            if z.min() < 0.5 < z.max():
                ax.contour(grid0, grid1, z, levels=[0.5], colors="k", linewidths=1)
        else:
            cls = np.argmax(np.where(bad[:, None], 0, score), axis=1)
            z = np.ma.masked_array(cls, bad).reshape(grid0.shape)
            cmap = ListedColormap([_color(c) for c in np.arange(n_classes)])
            ax.contourf(grid0, grid1, z, levels=np.arange(n_classes + 1) - 0.5, cmap=cmap,
                        alpha=0.35)
    if bad.any():
        _note(ax, "prediction overflow: inf/nan" if bad.all()
              else f"{bad.sum()} grid points inf/nan not shown", y=0.95)
    n_bad_rows = X.shape[0] - Xf.shape[0]
    if n_bad_rows:
        _note(ax, f"{n_bad_rows} points with inf/nan not shown", y=0.05)
    ax.scatter(Xf[:, 0], Xf[:, 1], c=[_color(c) for c in labels], s=14,
               edgecolors="black", linewidths=0.4)
    ax.set_xlim(g0[0], g0[-1])
    ax.set_ylim(g1[0], g1[-1])
    ax.set_xlabel("feature 1")
    ax.set_ylabel("feature 2")
    if title:
        ax.set_title(title, fontsize=10)
    return fig


# ----------------------------------------------------------------------------- weight heatmap


def plot_weight_heatmap(weights, *, titles=None, title=None):
    """Show weight matrices as images, blue negative / red positive, white at 0.

    Rows are inputs and columns are units, so identical columns (units that compute the
    same function, as after a constant initialization) show up as identical vertical bars.
    Each panel has its own symmetric color limits (-m, m), m = max |finite W| (1 if W is
    all zero, at most 1e200), and a colorbar; inf and nan entries are left blank with a
    note.

    Args:
        weights: one ndarray of shape (fan_in, fan_out), or a list of such matrices.
        titles: one title per matrix, or None ("layer 1", ... for a list; none for one).
        title: figure title, or None.
    Returns:
        matplotlib.figure.Figure with, per matrix, an image axes and a colorbar axes.
    Raises:
        TypeError: if weights is not a matrix or a list, or a matrix does not hold numbers.
        ValueError: if weights is empty, a matrix is not 2-D and non-empty, or titles has
            the wrong length.
    """
    if isinstance(weights, np.ndarray):
        weights = [weights]
        default_titles = [None]
    else:
        if not hasattr(weights, "__iter__") or isinstance(weights, (str, dict)):
            raise TypeError("weights must be a matrix or a list of matrices, "
                            f"got {type(weights).__name__}")
        weights = list(weights)
        default_titles = [f"layer {i + 1}" for i in np.arange(len(weights))]
    if not weights:
        raise ValueError("weights is empty; pass a matrix or a list of matrices")
    mats = [_as_real_array(f"weights[{i}]", w) for i, w in enumerate(weights)]
    for i, w in enumerate(mats):
        if w.ndim != 2 or w.size == 0:
            raise ValueError(f"weights[{i}] must be a non-empty 2-D (fan_in, fan_out) "
                             f"matrix, got shape {w.shape}")
    if titles is None:
        titles = default_titles
    else:
        _check_labels("titles", titles, len(mats), "matrix")
    _check_title(title)

    n = len(mats)
    fig = new_figure(min(8.0, 0.4 + 2.8 * n), 3.0)
    axes = fig.subplots(1, n, squeeze=False)[0]
    fig.subplots_adjust(left=0.08 if n > 1 else 0.15, right=0.95, bottom=0.15,
                        top=0.82 if title else 0.88, wspace=0.45)
    for ax, w, panel_title in zip(axes, mats, titles):
        bad = ~np.isfinite(w)
        finite = w[~bad]
        m = float(np.max(np.abs(finite))) if finite.size else 0.0
        m = min(m, _HUGE) if m > 0 else 1.0  # beyond 1e200 matplotlib's colorbar overflows
        image = ax.imshow(np.ma.masked_array(np.where(bad, 0.0, w), bad), cmap="RdBu_r",
                          vmin=-m, vmax=m, aspect="auto", interpolation="nearest")
        fig.colorbar(image, ax=ax, fraction=0.08, pad=0.04)
        ax.set_xlabel("hidden unit")
        ax.set_ylabel("input")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.yaxis.get_major_locator().set_params(integer=True)
        if panel_title is not None:
            ax.set_title(str(panel_title), fontsize=9)
        if bad.all():
            _note(ax, "overflow: inf/nan")
        elif bad.any():
            _note(ax, f"{bad.sum()} inf/nan not shown", y=0.05)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig

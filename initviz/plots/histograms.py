"""Histograms of each layer's values, side by side on a shared x range."""

import numpy as np
from matplotlib.ticker import FuncFormatter

from .._checks import check_int
from ..stats import finite_moments
from ._arguments import as_real_array, check_labels, check_title
from .figure import (_HUGE, LABEL_SIZE, TITLE_SIZE, _color, _margins, _note, _readable,
                     describe, fmt, new_figure)

__all__ = ["plot_layer_histograms"]

_MIN_HALF_WIDTH = 1e-300  # narrowest histogram range (-m, m)
# The default range is a percentile of at most ~100,000 values per layer: np.percentile
# takes ~2.5 ms on 1e5 values and ~140 ms on 1e7 (measured on a 2-core machine).
_PERCENTILE_SAMPLES = 100_000
# At 10-pt text a panel needs ~1.5 in (a title like "layer 10 / std 2.62e+10" is ~1 in):
# five fit in the 8.5 in of a lesson figure, more go to a second row.
_PANELS_PER_ROW = 5


def plot_layer_histograms(values, *, labels=None, bins=50, range=None, title=None,
                          xlabel="activation", max_panels=10):
    """One histogram panel per layer, side by side, on a shared x range.

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
            cannot draw a wider axis), or (0, m) when no value is negative (ReLU outputs:
            the negative half could only be empty).
        title: figure title, or None.
        xlabel: label of the x axis (what the values are, with units if any).
        max_panels: at most this many panels, an int >= 2. With more layers, evenly spaced
            layers are shown, always the first and the last, and the title says so. Five
            panels fit in a row; more take a second row.
    Returns:
        matplotlib.figure.Figure with one axes per panel shown; ``fig.description`` lists
        each panel's std.
    Raises:
        TypeError: if values is not a sequence of numeric arrays, or an argument has the
            wrong type.
        ValueError: if values is empty, labels has the wrong length, or bins, range or
            max_panels is invalid.

    >>> fig = plot_layer_histograms([np.zeros(10), [1.0, np.inf]], labels=["a", "b"])
    >>> [ax.get_title() for ax in fig.axes]
    ['a\\nstd 0', 'b\\nstd 0']
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
        check_labels("labels", labels, n_layers, "layer")
    bins = check_int("bins", bins, 1)
    max_panels = check_int("max_panels", max_panels, 2)
    check_title(title)

    if n_layers > max_panels:
        shown = np.floor(np.linspace(0, n_layers - 1, max_panels) + 0.5).astype(int)
        subset = f"showing {max_panels} of {n_layers} layers, evenly spaced"
        title = f"{title} ({subset})" if title else subset
    else:
        shown = np.arange(n_layers)
    layers = [as_real_array(f"values[{i}]", values[i]).ravel() for i in shown]
    finite = [x[np.isfinite(x)] for x in layers]

    if range is None:
        samples = np.concatenate(
            [x[:: max(1, x.size // _PERCENTILE_SAMPLES)] for x in finite])
        m = _robust_half_width(samples)
        # no negative value (ReLU outputs): (0, m), not half a panel of what cannot occur
        lo, hi = (0.0, m) if samples.size and samples.min() >= 0 else (-m, m)
    else:
        lo, hi = _check_range(range)
    # a bar at the low end of (0, m) (ReLU's zeros) stands clear of the axis line
    x_limits = (lo - 0.03 * (hi - lo), hi) if lo == 0 else (lo, hi)

    n = len(shown)
    n_rows = -(-n // _PANELS_PER_ROW)
    n_cols = -(-n // n_rows)
    # a row of panels 1.35 in high; two rows 1.1 in each, so the figure stays within 4.5 in
    fig = new_figure(min(8.5, 1.1 + 1.5 * n_cols), (2.6 if n_rows == 1 else 4.15)
                     + (0.35 if title else 0))
    axes = fig.subplots(n_rows, n_cols, squeeze=False, sharex=True, sharey=True).ravel()
    for ax in axes[n:]:  # an unused place in the last row
        ax.remove()
    _margins(fig, left=0.85, right=0.25, bottom=0.75, top=0.85 if title else 0.5,
             wspace=0.15, hspace=0.75)
    axes[0].set_xlim(*x_limits)  # shared by all panels
    axes[0].locator_params(axis="x", nbins=3)
    y_top = 0.0
    stds = []
    tick_format, xlabel_shown = _scaled_ticks(lo, hi, xlabel)
    for ax, i, x, fx in zip(axes, shown, layers, finite):
        ax.xaxis.set_major_formatter(tick_format)
        ax.tick_params(labelbottom=True)  # every panel its x scale (sharex hides them)
        if x.size == 0:
            ax.set_title(str(labels[i]), fontsize=LABEL_SIZE)
            _note(ax, "empty layer")
        elif fx.size == 0:
            ax.set_title(str(labels[i]), fontsize=LABEL_SIZE)
            _note(ax, "overflow: inf/nan")
        else:
            counts, edges = np.histogram(fx, bins=bins, range=(lo, hi))
            fraction = counts / fx.size
            ax.stairs(fraction, edges, fill=True, color=_color(0), alpha=0.8)
            y_top = max(y_top, fraction.max())
            _, std, _ = finite_moments(fx)
            stds.append(f"{labels[i]} {fmt(std)}")
            ax.set_title(f"{labels[i]}\nstd {std:.3g}", fontsize=LABEL_SIZE)
            n_bad = x.size - fx.size
            if n_bad:
                _note(ax, f"{n_bad} inf/nan\nnot shown", y=0.6)
            if counts.sum() == 0:
                _note(ax, "all values\noutside x range", y=0.35)
    axes[0].set_ylim(0, 1.1 * y_top if y_top > 0 else 1.0)  # shared by all panels
    fig.supylabel("fraction of values", fontsize=LABEL_SIZE, x=0.08 / fig.get_figwidth(),
                  ha="left")
    fig.supxlabel(xlabel_shown, fontsize=LABEL_SIZE, y=0.06 / fig.get_figheight(), va="bottom")
    if title:
        fig.suptitle(title, fontsize=TITLE_SIZE, y=1 - 0.08 / fig.get_figheight(), va="top")
    subset = "" if n == n_layers else f" ({n} of {n_layers} layers shown)"
    describe(fig, f"Histograms of {xlabel}, one panel per layer{subset}, {bins} bins from "
             f"{fmt(lo)} to {fmt(hi)}, as fraction of values. std: " + "; ".join(stds) + ".")
    return _readable(fig)


def _scaled_ticks(lo, hi, xlabel):
    """Tick labels in units of a power of ten named once in the x label, e.g. "2.5" and
    "activation (x 1e10)", when the range is beyond 1e4 or below 1e-2 (matplotlib's own
    offset text would be repeated on every panel)."""
    top = max(abs(lo), abs(hi))
    exponent = int(np.floor(np.log10(top))) if top > 0 else 0
    if -2 <= exponent < 4:
        exponent = 0
    scale = 10.0 ** exponent
    label = f"{xlabel} (x 1e{exponent})" if exponent else xlabel
    return FuncFormatter(lambda v, _pos: f"{v / scale:.3g}"), label


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


def _check_range(range_):
    """Validate a user (low, high) histogram range."""
    try:
        lo, hi = (float(v) for v in range_)
    except (TypeError, ValueError):
        raise ValueError(f"range must be a (low, high) pair of numbers, got {range_!r}") from None
    if not (-_HUGE <= lo < hi <= _HUGE):
        raise ValueError(f"range must satisfy -1e200 <= low < high <= 1e200, got {range_!r}")
    return lo, hi

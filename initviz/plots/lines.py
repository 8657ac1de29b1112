"""Line plots: a statistic against depth, losses against epochs, stds against weight scale,
and the helper that moves a line plot's legend out of the way."""

import numpy as np

from ._arguments import as_named_series, check_labels, check_title
from .figure import (_HUGE, _color, _mark_undrawable, _note, _undrawable_kinds,
                     _undrawable_note, new_figure)

__all__ = ["plot_layer_std", "plot_loss_curves", "plot_scale_sweep", "legend_outside"]


def _line_figure(title, logy, left):
    """The 5.5 x 3 inch one-axes figure of the line plots, with its fixed margins."""
    fig = new_figure(5.5, 3.0)
    ax = fig.add_subplot()
    fig.subplots_adjust(left=left, right=0.96, bottom=0.16, top=0.88 if title else 0.95)
    if logy:
        ax.set_yscale("log")
    return fig, ax


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

    >>> fig = plot_layer_std([1.0, 0.5, 0.0], predicted=[1.0, 0.5, 0.25])
    >>> [line.get_label() for line in fig.axes[0].get_legend().get_lines()]
    ['measured', 'theory']
    """
    series = as_named_series("stds", stds)
    single = None in series
    theory = {}
    if predicted is not None:
        if single and isinstance(predicted, dict):
            raise TypeError("predicted must be a sequence like stds, not a dict")
        if not single and not isinstance(predicted, dict):
            raise TypeError("stds is a dict, so predicted must be a dict with the same keys")
        theory = as_named_series("predicted", predicted)
        unknown = [k for k in theory if k not in series]
        if unknown:
            raise ValueError(f"predicted has series {unknown} not in stds; "
                             f"valid names: {list(series)}")
    n_positions = max(len(y) for y in (*series.values(), *theory.values()))
    if labels is not None:
        check_labels("labels", labels, n_positions, "layer")
    check_title(title)

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

    >>> fig = plot_loss_curves({"a": [1.0, 0.5], "b": [1.0, float("nan")]})
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['diverged']
    """
    if not isinstance(histories, dict):
        raise TypeError("histories must be a dict name -> per-epoch losses "
                        f"(for one run: {{'run': losses}}), got {type(histories).__name__}")
    runs = as_named_series("histories", histories)
    check_title(title)

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


def plot_scale_sweep(sweeps: dict, *, vlines=None, band=(0.1, 10.0), ylim=(1e-6, 1e6),
                     title=None):
    """Draw sweeps on one log-log figure: the last layer's activation std (solid) and the
    first layer's gradient std (dashed) against the weight scale.

    Args:
        sweeps: dict name -> :class:`initviz.experiments.SweepResult` (from
            :func:`initviz.experiments.scale_sweep`).
        vlines: dict label -> scale, drawn as dotted vertical lines (e.g.
            ``{"sqrt(1/250)": 0.0632}``); None for none.
        band: (low, high): the range of std shaded as "the signal survives"; None for none.
        ylim: (low, high) y range, or None to fit every value (tiny and huge stds make the
            band a thin line then).
        title: figure title, or None.
    Returns:
        matplotlib.figure.Figure with one axes. inf/nan and 0 (and stds a log axis cannot
        draw: below 1e-200, above 1e200) are left out of the lines.
    Raises:
        ValueError: if sweeps is not a non-empty dict.

    >>> from initviz.experiments import scale_sweep
    >>> sweep = scale_sweep([0.01, 0.1, 1.0], width=8, depth=2, n_samples=4, rng=0)
    >>> fig = plot_scale_sweep({"tanh": sweep}, vlines={"sqrt(1/8)": 0.35})
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['tanh: last layer', 'tanh: gradient, layer 1', 'sqrt(1/8)']
    """
    if not isinstance(sweeps, dict) or not sweeps:
        raise ValueError("sweeps must be a non-empty dict name -> SweepResult")
    fig = new_figure(7.0, 3.0)
    ax = fig.add_subplot()
    fig.subplots_adjust(left=0.11, right=0.72, bottom=0.16, top=0.88 if title else 0.95)
    ax.set_xscale("log")
    ax.set_yscale("log")
    for k, (name, sw) in enumerate(sweeps.items()):
        color = _color(k)
        for values, style, what in ((sw.activation_std, "-", "last layer"),
                                    (sw.gradient_std, "--", "gradient, layer 1")):
            bad = _undrawable_kinds(values, True) >= 0
            ax.plot(sw.scales, np.where(bad, np.nan, values), style, color=color,
                    label=f"{name}: {what}")
    if band is not None:
        ax.axhspan(band[0], band[1], color="0.85", alpha=0.5, lw=0, label="std in "
                   f"[{band[0]:g}, {band[1]:g}]")
    for j, (label, x) in enumerate((vlines or {}).items()):
        ax.axvline(x, color="black", ls=":" if j == 0 else "-.", lw=1.2, label=label)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel("weight scale (std of W)")
    ax.set_ylabel("std")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1.01, 0.5))
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def legend_outside(fig, width=7.5, right=0.7, xtick_rotation=None):
    """Move the legend of a one-axes figure (e.g. from :func:`plot_layer_std`) to the right
    of the axes, widening the figure so the axes keep their size.

    Args:
        fig: a matplotlib Figure with one axes that has labelled lines.
        width: new figure width in inches (at most 8 in the lessons).
        right: right edge of the axes, as a fraction of the figure width.
        xtick_rotation: None, or an angle in degrees to tilt long x tick labels (they are
            then set at 8 points and the bottom margin grows to fit them).
    Returns:
        ``fig``, changed in place (so a cell can end with ``legend_outside(fig)``).

    >>> fig = legend_outside(plot_layer_std({"a": [1.0, 2.0], "b": [2.0, 1.0]}))
    >>> fig.get_size_inches().tolist(), fig.subplotpars.right
    ([7.5, 3.0], 0.7)
    """
    ax = fig.axes[0]
    old_width = fig.get_figwidth()
    left = fig.subplotpars.left * old_width / width  # keep the left margin in inches
    fig.set_size_inches(width, fig.get_figheight())
    fig.subplots_adjust(left=left, right=right)
    ax.legend(fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1.01, 0.5))
    if xtick_rotation is not None:
        ax.tick_params(axis="x", labelsize=8, labelrotation=xtick_rotation)
        fig.subplots_adjust(bottom=max(fig.subplotpars.bottom, 0.25))
    return fig

"""Line plots: a statistic against depth, losses against epochs, stds against weight scale,
and the helper that moves a line plot's legend out of the way."""

import numpy as np

from ._arguments import as_named_series, check_labels, check_title
from .figure import (_HUGE, LABEL_SIZE, TEXT_SIZE, TITLE_SIZE, _margins, _mark_undrawable,
                     _note, _readable, _series_style, _undrawable_kinds, _undrawable_note,
                     describe, fmt, new_figure)

__all__ = ["plot_layer_std", "plot_loss_curves", "plot_scale_sweep", "legend_outside"]

# A theory line is drawn over its measurement, dashed with white gaps, so it shows even
# where the two coincide; the measured markers are drawn again on top of it.
_THEORY_STYLE = dict(linestyle=(0, (4, 2.5)), linewidth=2.0, gapcolor="white", zorder=2.5)
_LEGEND_STYLE = dict(fontsize=TEXT_SIZE, framealpha=0.85, edgecolor="none")


def _line_figure(title, logy, width=6.0, height=3.4):
    """The one-axes figure of the line plots, with its fixed margins (in inches)."""
    fig = new_figure(width, height)
    ax = fig.add_subplot()
    _margins(fig, left=0.95, right=0.2, bottom=0.6, top=0.45 if title else 0.15)
    if logy:
        ax.set_yscale("log")
    return fig, ax


def _finish(fig, ax, xlabel, ylabel, title):
    """Labels, title and one size of tick labels: the end of every line plot."""
    ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    if title:  # pad: clear of the top y tick label, which reaches ~6 pt above the axes
        ax.set_title(title, fontsize=TITLE_SIZE, pad=10)
    return _readable(fig)


def _trend(values, positions):
    """'0.19 at layer 1 to 9.1e-09 at layer 10': a series' first and last values."""
    return (f"{fmt(values[0])} at {positions[0]} to {fmt(values[-1])} at "
            f"{positions[len(values) - 1]}")


def plot_layer_std(stds, *, predicted=None, labels=None, ylabel="std of activations",
                   logy=True, title=None, xlabel="layer"):
    """Plot a per-layer statistic against depth, optionally with its theoretical value.

    Each series has its own color, marker and (without theory) line style, so the series
    are told apart without color. A theory line is dashed with white gaps and drawn over
    its measurement, whose markers sit on top: where the two agree, the dots lie on the
    dashes.

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
        matplotlib.figure.Figure with one axes; ``fig.description`` gives each series'
        first and last value.
    Raises:
        TypeError: if stds or predicted is not numeric, or predicted does not have the
            structure of stds.
        ValueError: if a series is empty or not 1-D, predicted names an unknown series, or
            labels has the wrong length.

    >>> fig = plot_layer_std([1.0, 0.5, 0.0], predicted=[1.0, 0.5, 0.25])
    >>> [line.get_label() for line in fig.axes[0].get_legend().get_lines()]
    ['measured', 'theory']
    >>> fig.description
    'Line plot of std of activations against layer, 3 positions, log scale. measured: 1 at \
layer 1 to 0 at layer 3 (theory 0.25).'
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
    positions = ([f"{xlabel} {i}" for i in range(1, n_positions + 1)] if labels is None
                 else [str(s) for s in labels])

    fig, ax = _line_figure(title, logy)
    counts = {}
    drew_any = False
    summary = []
    for k, (name, y) in enumerate(series.items()):
        style = _series_style(k, solid=bool(theory))
        pred = theory.get(name)
        for values, is_theory in ((y, False), (pred, True)):
            if values is None:
                continue
            x = np.arange(1, len(values) + 1)
            bad = _undrawable_kinds(values, logy) >= 0
            drawn = np.where(bad, np.nan, values)
            drew_any |= not bad.all()
            if is_theory:
                label = "theory" if single else f"{name} (theory)"
                ax.plot(x, drawn, color=style["color"], label=label, **_THEORY_STYLE)
            else:
                label = "measured" if single else str(name)
                ax.plot(x, drawn, label=label if not bad.all() else f"_{label}",
                        markersize=5, linewidth=1.5, zorder=2, **style)
                if pred is not None:  # the markers again, over the theory line
                    ax.plot(x, drawn, linestyle="none", marker=style["marker"],
                            color=style["color"], markersize=5, zorder=3)
            _mark_undrawable(ax, x, values, logy, style["color"], counts)
        summary.append(f"{'measured' if single else name}: {_trend(y, positions)}"
                       + ("" if pred is None else f" (theory {fmt(pred[-1])})"))
    if not drew_any:
        ax.set_ylim(*((0.1, 10.0) if logy else (0.0, 1.0)))
    ax.set_xlim(0.5, n_positions + 0.5)
    if labels is not None:
        ax.set_xticks(np.arange(1, n_positions + 1), [str(s) for s in labels])
    else:
        ax.xaxis.get_major_locator().set_params(integer=True)
    if counts:
        _note(ax, _undrawable_note(counts, logy), y=0.22)
    ax.grid(True, which="major", alpha=0.3)
    if not single or theory:
        ax.legend(**_LEGEND_STYLE)
    describe(fig, f"Line plot of {ylabel} against {xlabel}, {n_positions} positions"
             f"{', log scale' if logy else ''}. " + "; ".join(summary) + ".")
    return _finish(fig, ax, xlabel, ylabel, title)


def plot_loss_curves(histories, *, logy=False, title=None, xlabel="epoch",
                     ylabel="training loss"):
    """Plot per-epoch losses of one or more training runs (epoch e at x = e, from 1).

    Each run has its own color, line style and marker (a marker every ~1/8 of the epochs),
    so the runs are told apart without color. A run that diverged (its loss became inf or
    nan, or beyond 1e200, which matplotlib cannot draw) is drawn up to its last finite
    value, and the first such epoch is marked with an "x" labelled "diverged". On a log
    axis, losses <= 0 (or below 1e-200) are left out and counted in a note.

    Args:
        histories: dict name -> sequence of per-epoch losses.
        logy: if True use a log y axis.
        title: figure title, or None.
        xlabel: x axis label.
        ylabel: y axis label: say which loss (e.g. "training loss (binary cross-entropy)").
    Returns:
        matplotlib.figure.Figure with one axes; ``fig.description`` gives each run's first
        and last loss.
    Raises:
        TypeError: if histories is not a dict, or a history does not hold numbers.
        ValueError: if histories is empty or a history is empty or not 1-D.

    >>> fig = plot_loss_curves({"a": [1.0, 0.5], "b": [1.0, float("nan")]})
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['diverged']
    >>> fig.description
    'Line plot of training loss against epoch, 2 runs. a: 1 at epoch 1 to 0.5 at epoch 2; \
b: diverged at epoch 2 (last finite loss 1).'
    """
    if not isinstance(histories, dict):
        raise TypeError("histories must be a dict name -> per-epoch losses "
                        f"(for one run: {{'run': losses}}), got {type(histories).__name__}")
    runs = as_named_series("histories", histories)
    check_title(title)

    fig, ax = _line_figure(title, logy)
    n_too_small = 0
    drew_any = False
    summary = []
    for k, (name, loss) in enumerate(runs.items()):
        style = _series_style(k)
        epochs = np.arange(1, len(loss) + 1)
        bad = _undrawable_kinds(loss, logy) >= 0
        diverged = ~np.isfinite(loss) | (np.abs(loss) > _HUGE)
        drew_any |= not bad.all()
        step = max(1, len(loss) // 8)  # markers spread out, offset from run to run
        ax.plot(epochs, np.where(bad, np.nan, loss), label=str(name), linewidth=1.6,
                markersize=6, markevery=(k * step // max(len(runs), 1) % step, step), **style)
        n_too_small += int(np.sum(bad & ~diverged))  # <= 0 or tiny, on a log axis
        if diverged.any():
            first = np.flatnonzero(diverged)[0]
            before = loss[:first][~bad[:first]]
            if before.size:  # mark at the last drawable value before the divergence
                xy, coords = (epochs[first], before[-1]), "data"
                ax.plot(*xy, marker="x", markersize=9, mew=2, color=style["color"])
            else:  # diverged at once: mark on the top edge
                xy, coords = (epochs[first], 1.0), ax.get_xaxis_transform()
                ax.plot(*xy, marker="x", markersize=9, mew=2, color=style["color"],
                        transform=coords, clip_on=False)
            ax.annotate("diverged", xy, xycoords=coords, xytext=(5, -14),
                        textcoords="offset points", fontsize=TEXT_SIZE, color=style["color"])
            last = f" (last finite loss {fmt(before[-1])})" if before.size else ""
            summary.append(f"{name}: diverged at epoch {epochs[first]}{last}")
        else:
            summary.append(f"{name}: {_trend(loss, [f'epoch {e}' for e in epochs])}")
    if not drew_any:
        ax.set_ylim(*((0.1, 10.0) if logy else (0.0, 1.0)))
        _note(ax, "no finite loss to draw")
    if n_too_small:
        _note(ax, f"not shown on a log axis: {n_too_small} losses <= 1e-200", y=0.1)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(True, alpha=0.3)
    ax.legend(**_LEGEND_STYLE)
    describe(fig, f"Line plot of {ylabel} against {xlabel}, {len(runs)} "
             f"run{'s' if len(runs) > 1 else ''}{', log scale' if logy else ''}. "
             + "; ".join(summary) + ".")
    return _finish(fig, ax, xlabel, ylabel, title)


def plot_scale_sweep(sweeps: dict, *, vlines=None, band=(0.1, 10.0), ylim=(1e-6, 1e6),
                     title=None):
    """Draw sweeps on one log-log figure: the last layer's activation std (solid) and the
    first layer's gradient std (dashed) against the weight scale; each sweep has its own
    color and marker.

    Args:
        sweeps: dict name -> :class:`initviz.experiments.SweepResult` (from
            :func:`initviz.experiments.scale_sweep`).
        vlines: dict label -> scale, drawn as black vertical lines (dotted, then dash-dot)
            (e.g. ``{"sqrt(1/250)": 0.0632}``); None for none.
        band: (low, high): the range of std shaded as "the signal survives"; None for none.
        ylim: (low, high) y range, or None to fit every value (tiny and huge stds make the
            band a thin line then).
        title: figure title, or None.
    Returns:
        matplotlib.figure.Figure with one axes. inf/nan and 0 (and stds a log axis cannot
        draw: below 1e-200, above 1e200) are left out of the lines. ``fig.description``
        gives, per sweep, the scales at which both stds lie in the band.
    Raises:
        ValueError: if sweeps is not a non-empty dict.

    >>> from initviz.experiments import scale_sweep
    >>> sweep = scale_sweep([0.01, 0.1, 1.0], width=8, depth=2, n_samples=4, rng=0)
    >>> fig = plot_scale_sweep({"tanh": sweep}, vlines={"sqrt(1/8)": 0.35})
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['tanh: last-layer activation std', 'tanh: layer-1 gradient std', 'sqrt(1/8)']
    """
    if not isinstance(sweeps, dict) or not sweeps:
        raise ValueError("sweeps must be a non-empty dict name -> SweepResult")
    check_title(title)
    fig, ax = _line_figure(title, True, width=8.5, height=3.6)
    ax.set_xscale("log")
    summary = []
    for k, (name, sw) in enumerate(sweeps.items()):
        style = _series_style(k)
        for values, ls, what in ((sw.activation_std, "-", "last-layer activation std"),
                                 (sw.gradient_std, "--", "layer-1 gradient std")):
            bad = _undrawable_kinds(values, True) >= 0
            ax.plot(sw.scales, np.where(bad, np.nan, values), ls, color=style["color"],
                    marker=style["marker"], markersize=5, markevery=max(1, len(values) // 12),
                    linewidth=1.6, label=f"{name}: {what}",
                    gapcolor="white" if ls == "--" else None)  # shows over the solid line
        text = f"{name} ({sw.depth} layers of {sw.width}, {sw.activation})"
        if band is not None:
            low, high = sw.band(*band)
            text += (f": both stds in [{band[0]:g}, {band[1]:g}] for scales {fmt(low)} to "
                     f"{fmt(high)}" if np.isfinite(low) else ": never both in the band")
        summary.append(text)
    if band is not None:
        ax.axhspan(band[0], band[1], color="0.85", alpha=0.5, lw=0, label="std in "
                   f"[{band[0]:g}, {band[1]:g}]")
    for j, (label, x) in enumerate((vlines or {}).items()):
        ax.axvline(x, color="black", ls=":" if j == 0 else "-.", lw=1.4, label=label)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.grid(True, which="major", alpha=0.3)
    legend_outside(fig, width=fig.get_figwidth())
    lines = "; ".join(f"{label} at {fmt(x)}" for label, x in (vlines or {}).items())
    describe(fig, "Log-log line plot of the std of the last layer's activations (solid) and "
             "of the first layer's gradient dL/dz (dashed) against the weight scale, "
             f"{fmt(min(np.min(s.scales) for s in sweeps.values()))} to "
             f"{fmt(max(np.max(s.scales) for s in sweeps.values()))}. " + "; ".join(summary)
             + "." + (f" Vertical lines: {lines}." if lines else ""))
    return _finish(fig, ax, "weight scale (std of W)", "std (activations, dL/dz)", title)


def legend_outside(fig, width=8.0, right=None, xtick_rotation=None):
    """Move the legend of a one-axes figure (e.g. from :func:`plot_layer_std`) to the right
    of the axes, widening the figure so the axes keep their size.

    Args:
        fig: a matplotlib Figure with one axes that has labelled lines.
        width: new figure width in inches (at most 9 in the lessons).
        right: right edge of the axes, as a fraction of the figure width; None to fit the
            legend (measured at draw size).
        xtick_rotation: None, or an angle in degrees to tilt long x tick labels (the
            bottom margin grows to fit them).
    Returns:
        ``fig``, changed in place (so a cell can end with ``legend_outside(fig)``).

    >>> fig = legend_outside(plot_layer_std({"a": [1.0, 2.0], "b": [2.0, 1.0]}))
    >>> fig.get_size_inches().tolist(), round(float(fig.subplotpars.right), 1)
    ([8.0, 3.4], 0.9)
    """
    ax = fig.axes[0]
    old_width = fig.get_figwidth()
    left = fig.subplotpars.left * old_width / width  # keep the left margin in inches
    fig.set_size_inches(width, fig.get_figheight())
    legend = ax.legend(fontsize=TEXT_SIZE, frameon=False, loc="center left",
                       bbox_to_anchor=(1.01, 0.5))
    if right is None:
        legend_width = legend.get_window_extent(fig.canvas.get_renderer()).width / fig.dpi
        right = 1 - (legend_width + 0.15 + 0.01 * ax.get_position().width * width) / width
    fig.subplots_adjust(left=left, right=right)
    if xtick_rotation is not None:
        ax.tick_params(axis="x", labelsize=TEXT_SIZE, labelrotation=xtick_rotation)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
            label.set_rotation_mode("anchor")
        tick_height = max((t.get_window_extent(fig.canvas.get_renderer()).height
                           for t in ax.get_xticklabels()), default=0) / fig.dpi
        bottom = (tick_height + 0.55) / fig.get_figheight()  # + x label and padding
        fig.subplots_adjust(bottom=max(fig.subplotpars.bottom, bottom))
    return fig

"""Heatmaps: weight matrices (blue negative, red positive) and the accuracy grid of
:mod:`initviz.comparison`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._arguments import as_real_array, check_labels, check_title
from .figure import (_HUGE, LABEL_SIZE, NOTE_COLOR, TEXT_SIZE, TITLE_SIZE, _margins, _note,
                     _readable, describe, fmt, new_figure)

if TYPE_CHECKING:
    from ..comparison import GridResult

__all__ = ["plot_weight_heatmap", "plot_grid"]


def plot_weight_heatmap(weights, *, titles=None, title=None, shared_scale=True,
                        row_labels=None):
    """Show weight matrices as images, blue negative / red positive, white at 0.

    Rows are inputs and columns are units, so identical columns (units that compute the
    same function, as after a constant initialization) show up as identical vertical bars.
    The color limits are symmetric, (-m, m) with m = max |finite W| (1 if W is all zero, at
    most 1e200): by default one scale for every panel, with one colour bar that says so
    (a color means the same weight in every panel); with ``shared_scale=False`` each panel
    has its own scale and colour bar. inf and nan entries are left blank with a note.

    Args:
        weights: one ndarray of shape (fan_in, fan_out), or a list of such matrices.
        titles: one title per matrix, or None ("layer 1", ... for a list; none for one).
        title: figure title, or None.
        shared_scale: True for one color scale over all panels, False for one per panel.
        row_labels: None, or one tick label per row (e.g. ``["x1", "x2", "bias"]``), the
            same for every matrix.
    Returns:
        matplotlib.figure.Figure: the image axes, one per matrix, then the colour bar axes
        (one, or one per matrix). ``fig.description`` gives each matrix's shape, range and
        number of distinct columns.
    Raises:
        TypeError: if weights is not a matrix or a list, or a matrix does not hold numbers.
        ValueError: if weights is empty, a matrix is not 2-D and non-empty, or titles or
            row_labels has the wrong length.

    >>> fig = plot_weight_heatmap(np.array([[0.5, -2.0], [1.0, 0.0]]))
    >>> fig.axes[0].images[0].get_clim()
    (-2.0, 2.0)
    >>> fig.description
    'Heatmap of 1 weight matrix (rows: inputs, columns: hidden units), blue negative, red \
positive, one colour scale from -2 to 2. 2 x 2, values -2 to 1, 2 distinct columns of 2.'
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
    mats = [as_real_array(f"weights[{i}]", w) for i, w in enumerate(weights)]
    for i, w in enumerate(mats):
        if w.ndim != 2 or w.size == 0:
            raise ValueError(f"weights[{i}] must be a non-empty 2-D (fan_in, fan_out) "
                             f"matrix, got shape {w.shape}")
    if titles is None:
        titles = default_titles
    else:
        check_labels("titles", titles, len(mats), "matrix")
    if row_labels is not None:
        for i, w in enumerate(mats):
            check_labels("row_labels", row_labels, w.shape[0], f"row of weights[{i}]")
    check_title(title)

    n = len(mats)
    per_panel = [_color_limit(w) for w in mats]
    shared = max(per_panel)
    fig = new_figure(min(8.5, 1.0 + (2.3 if shared_scale else 3.1) * n
                         + (0.9 if shared_scale else 0.3)), 3.4)
    axes = fig.subplots(1, n, squeeze=False)[0]
    _margins(fig, left=0.85, right=1.2 if shared_scale else 0.8, bottom=0.6,
             top=0.75 if title else 0.4, wspace=0.35 if shared_scale else 0.75)
    parts = []
    for ax, w, panel_title, m in zip(axes, mats, titles, per_panel):
        m = shared if shared_scale else m
        bad = ~np.isfinite(w)
        image = ax.imshow(np.ma.masked_array(np.where(bad, 0.0, w), bad), cmap="RdBu_r",
                          vmin=-m, vmax=m, aspect="auto", interpolation="nearest")
        if not shared_scale:
            bar = fig.colorbar(image, ax=ax, fraction=0.08, pad=0.04)
            bar.set_label("weight (own scale)", fontsize=LABEL_SIZE)
        ax.set_xlabel("hidden unit", fontsize=LABEL_SIZE)
        ax.set_ylabel("input" if row_labels is None else "row", fontsize=LABEL_SIZE)
        ax.xaxis.get_major_locator().set_params(integer=True)
        if row_labels is None:
            ax.yaxis.get_major_locator().set_params(integer=True)
        else:
            ax.set_yticks(np.arange(w.shape[0]), [str(r) for r in row_labels])
        if panel_title is not None:
            ax.set_title(str(panel_title), fontsize=LABEL_SIZE)
        if bad.all():
            _note(ax, "overflow: inf/nan")
        elif bad.any():
            _note(ax, f"{bad.sum()} inf/nan not shown", y=0.05)
        parts.append(_describe_matrix(w, panel_title))
    if shared_scale:
        # one bar for all panels, in the right margin at the height of the images
        top, bottom = axes[0].get_position().y1, axes[0].get_position().y0
        w_in = fig.get_figwidth()
        cax = fig.add_axes((1 - 1.05 / w_in, bottom, 0.15 / w_in, top - bottom))
        bar = fig.colorbar(axes[0].images[0], cax=cax)
        bar.set_label("weight (one scale,\nall panels)" if n > 1 else "weight",
                      fontsize=LABEL_SIZE)
    if title:
        fig.suptitle(title, fontsize=TITLE_SIZE, y=1 - 0.1 / fig.get_figheight(), va="top")
    scale = (f"one colour scale from {fmt(-shared)} to {fmt(shared)}" if shared_scale
             else "each panel its own colour scale")
    describe(fig, f"Heatmap of {n} weight matri{'ces' if n > 1 else 'x'} (rows: inputs, "
             f"columns: hidden units), blue negative, red positive, {scale}. "
             + "; ".join(parts) + ".")
    return _readable(fig)


def _color_limit(w):
    """m of the symmetric color limits (-m, m): max |finite w|, 1 if none or all zero."""
    finite = w[np.isfinite(w)]
    m = float(np.max(np.abs(finite))) if finite.size else 0.0
    return min(m, _HUGE) if m > 0 else 1.0  # beyond 1e200 matplotlib's colorbar overflows


def _describe_matrix(w, name):
    """'tanh: 2 x 8, values -0.3 to 0.4, 1 distinct column of 8'."""
    finite = w[np.isfinite(w)]
    values = (f"values {fmt(finite.min())} to {fmt(finite.max())}" if finite.size
              else "no finite value")
    distinct = len(np.unique(np.where(np.isfinite(w), w, np.inf).T, axis=0))
    head = f"{name}: " if name is not None else ""
    return (f"{head}{w.shape[0]} x {w.shape[1]}, {values}, {distinct} distinct "
            f"column{'s' if distinct > 1 else ''} of {w.shape[1]}")


def plot_grid(result: GridResult, *, title=None):
    """Heatmap of the mean accuracy of an :func:`initviz.comparison.initializer_grid`:
    activations as rows, initializers as columns.

    Each cell is written ``mean`` over ``±std`` (2 decimals); the color scale runs from
    0 to 1 and the colorbar marks the chance level.

    Args:
        result: an :class:`initviz.comparison.GridResult`.
        title: figure title, or None.
    Returns:
        matplotlib.figure.Figure (8.5 x 3.8 in): the heatmap axes, then its colorbar axes.
        ``fig.description`` names the best initializer per activation and the chance level.

    >>> from initviz.comparison import GridResult
    >>> acc = np.array([[[0.9], [0.5]], [[0.1], [0.1]]])  # 2 inits x 2 activations x 1 seed
    >>> grid = GridResult(["he", "zeros"], ["relu", "tanh"], (0,), acc, acc < 0, 0.1)
    >>> fig = plot_grid(grid)
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['0.90\\n±0.00', '0.10\\n±0.00', '0.50\\n±0.00', '0.10\\n±0.00']
    >>> fig.description
    'Heatmap of mean accuracy over 1 seed, 2 activations (rows) x 2 initializers (columns), \
colour scale 0 to 1, chance 0.1. Best per activation: relu he 0.9; tanh he 0.5.'
    """
    check_title(title)
    mean, std = result.mean.T, result.std.T
    fig = new_figure(8.5, 3.8)
    ax = fig.add_subplot()
    longest = max(len(str(name)) for name in result.initializers)
    _margins(fig, left=1.15, right=1.3, bottom=0.6 + 0.04 * longest,  # tilted names
             top=0.5 if title else 0.15)
    im = ax.imshow(mean, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    for j in range(mean.shape[0]):
        for i in range(mean.shape[1]):
            # black on the light end of viridis, white on the dark end (both >= 4.5:1)
            color = "black" if mean[j, i] > 0.55 else "white"
            ax.text(i, j, f"{mean[j, i]:.2f}\n±{std[j, i]:.2f}", ha="center", va="center",
                    fontsize=TEXT_SIZE, color=color)
    ax.set_xticks(np.arange(mean.shape[1]), result.initializers, rotation=30, ha="right",
                  rotation_mode="anchor")
    ax.set_yticks(np.arange(mean.shape[0]), result.activations)
    ax.set_xlabel("initializer", fontsize=LABEL_SIZE)
    ax.set_ylabel("activation", fontsize=LABEL_SIZE)
    cbar = fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    seeds = len(result.seeds)
    cbar.set_label(f"accuracy (mean of {seeds} seed{'s' if seeds > 1 else ''})",
                   fontsize=LABEL_SIZE)
    # chance: a line across the bar and a tick of its own (ticks closer than 0.1 dropped)
    cbar.ax.axhline(result.chance, color=NOTE_COLOR, linewidth=2)
    ticks = [t for t in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0) if abs(t - result.chance) >= 0.1]
    cbar.set_ticks(ticks + [result.chance],
                   labels=[f"{t:g}" for t in ticks] + [f"chance {result.chance:.2f}"])
    if title:
        ax.set_title(title, fontsize=TITLE_SIZE, pad=8)
    best = [f"{act} {result.initializers[int(np.argmax(row))]} {fmt(np.max(row), 2)}"
            for act, row in zip(result.activations, mean)]
    describe(fig, f"Heatmap of mean accuracy over {seeds} seed{'s' if seeds > 1 else ''}, "
             f"{mean.shape[0]} activations (rows) x {mean.shape[1]} initializers (columns), "
             f"colour scale 0 to 1, chance {fmt(result.chance, 2)}. Best per activation: "
             + "; ".join(best) + ".")
    return _readable(fig)

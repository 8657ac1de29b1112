"""Heatmaps: weight matrices (blue negative, red positive) and the accuracy grid of
:mod:`initviz.comparison`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._arguments import as_real_array, check_labels, check_title
from .figure import _HUGE, _note, new_figure

if TYPE_CHECKING:
    from ..comparison import GridResult

__all__ = ["plot_weight_heatmap", "plot_grid"]


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

    >>> fig = plot_weight_heatmap(np.array([[0.5, -2.0], [1.0, 0.0]]))
    >>> fig.axes[0].images[0].get_clim()
    (-2.0, 2.0)
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
    check_title(title)

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


def plot_grid(result: GridResult, *, title=None):
    """Heatmap of the mean accuracy of an :func:`initviz.comparison.initializer_grid`:
    activations as rows, initializers as columns.

    Each cell is written ``mean`` over ``±std`` (2 decimals); the color scale runs from
    0 to 1 and the colorbar marks the chance level.

    Args:
        result: an :class:`initviz.comparison.GridResult`.
        title: axes title, or None.
    Returns:
        matplotlib.figure.Figure (8 x 3 in at :data:`DPI`): the heatmap axes, then its
        colorbar axes.

    >>> from initviz.comparison import GridResult
    >>> acc = np.array([[[0.9], [0.5]], [[0.1], [0.1]]])  # 2 inits x 2 activations x 1 seed
    >>> grid = GridResult(["he", "zeros"], ["relu", "tanh"], (0,), acc, acc < 0, 0.1)
    >>> [t.get_text() for t in plot_grid(grid).axes[0].texts]
    ['0.90\\n±0.00', '0.10\\n±0.00', '0.50\\n±0.00', '0.10\\n±0.00']
    """
    mean, std = result.mean.T, result.std.T
    fig = new_figure(8.0, 3.0)
    ax = fig.add_subplot()
    fig.subplots_adjust(left=0.09, right=0.93, bottom=0.3, top=0.88 if title else 0.96)
    im = ax.imshow(mean, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    for j in range(mean.shape[0]):
        for i in range(mean.shape[1]):
            color = "black" if mean[j, i] > 0.6 else "white"
            ax.text(i, j, f"{mean[j, i]:.2f}\n±{std[j, i]:.2f}", ha="center", va="center",
                    fontsize=8, color=color)
    ax.set_xticks(np.arange(mean.shape[1]), result.initializers, rotation=30, ha="right",
                  fontsize=8)
    ax.set_yticks(np.arange(mean.shape[0]), result.activations, fontsize=9)
    cbar = fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    cbar.set_label(f"accuracy (mean of {len(result.seeds)} seeds)", fontsize=8)
    cbar.ax.axhline(result.chance, color="red", linewidth=2)
    cbar.ax.text(1.6, result.chance, "chance", transform=cbar.ax.get_yaxis_transform(),
                 va="center", fontsize=7, color="red")
    if title:
        ax.set_title(title, fontsize=10)
    return fig

"""A classifier's decision regions over the plane of two input features, with the data."""

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, ListedColormap

from .._checks import check_int
from ._arguments import as_real_array, check_title
from .figure import _color, _note, new_figure

__all__ = ["plot_decision_boundary"]


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

    >>> X, y = np.array([[-1.0, 0.0], [1.0, 0.0]]), np.array([0, 1])
    >>> fig = plot_decision_boundary(lambda G: (G[:, 0] > 0) * 1.0, X, y, resolution=20)
    >>> fig.axes[0].get_xlabel(), fig.get_size_inches().tolist()
    ('feature 1', [4.0, 4.0])
    """
    if not callable(predict):
        raise TypeError(f"predict must be a callable f(X) -> probabilities, got {predict!r}")
    X = as_real_array("X", X)
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(f"X must be an array of shape (n, 2) with n >= 1, got {X.shape}")
    y = as_real_array("y", y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
    if not np.all(np.isfinite(y) & (y >= 0) & (y == np.round(y))):
        raise ValueError("y must hold integer class labels >= 0, got values like "
                         f"{np.unique(y)[:5]}")
    resolution = check_int("resolution", resolution, 2)
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    check_title(title)

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
    out = as_real_array("predict(X)", predict(grid))

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

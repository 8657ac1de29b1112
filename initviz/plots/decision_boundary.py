"""A classifier's decision regions over the plane of two input features, with the data."""

import numpy as np
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LinearSegmentedColormap, ListedColormap, Normalize

from .._checks import check_int
from ._arguments import as_real_array, check_title
from .figure import (LABEL_SIZE, MARKERS, TEXT_SIZE, TITLE_SIZE, _color, _margins, _note,
                     _readable, describe, fmt, new_figure)

__all__ = ["plot_decision_boundary", "plot_decision_boundaries"]


def plot_decision_boundary(predict, X, y, *, title=None, resolution=200, ax=None,
                           colorbar=None):
    """Color the plane by a classifier's prediction and scatter the data on top.

    The grid covers the bounding box of the finite rows of X, padded by 10 % per side.
    Binary output is drawn as the probability of class 1 (class-0 color through white to
    class-1 color, in 11 bands with the middle one, white, centred on 0.5) with the 0.5
    contour; multi-class output as the arg-max class. Each class has its own color and
    marker.

    Args:
        predict: callable taking an (m, 2) float64 array and returning either (m,) or
            (m, 1) probabilities of class 1, or (m, k) class probabilities / scores, k >= 2
            (k = 2 is drawn as binary, from column 1). It is called once, on the grid
            followed by the data points (for the accuracy in the description).
        X: array (n, 2) of input points; rows with inf or nan are left out with a note.
        y: array (n,) of integer class labels >= 0, used to color the points.
        title: axes title, or None.
        resolution: grid points per side, an int >= 2.
        ax: a matplotlib Axes to draw into (e.g. to put two boundaries side by side), or
            None for a new 4.6 x 4 inch figure (see also :func:`plot_decision_boundaries`).
        colorbar: draw the colour bar (what the colors mean) and the class key; None for
            yes with a new figure, no when drawing into ``ax``.
    Returns:
        The matplotlib.figure.Figure holding the axes; its ``description`` gets a sentence
        on this panel (output range, accuracy on the finite points).
    Raises:
        TypeError: if predict is not callable, X or y is not numeric, or ax is not an Axes.
        ValueError: if X is not (n, 2) with n >= 1, y does not hold n non-negative integer
            labels, X has no finite row, or predict returns a wrong shape or binary
            probabilities outside [0, 1].

    >>> X, y = np.array([[-1.0, 0.0], [1.0, 0.0]]), np.array([0, 1])
    >>> fig = plot_decision_boundary(lambda G: (G[:, 0] > 0) * 1.0, X, y, resolution=20)
    >>> fig.axes[0].get_xlabel(), fig.get_size_inches().tolist()
    ('feature 1', [4.6, 4.0])
    >>> fig.description
    'Decision regions over features 1 and 2: P(class 1) from 0 to 1 across the plane, with \
the 0.5 boundary; 2 points of 2 classes, accuracy on them 1.'
    """
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    check_title(title)
    panel = _Boundary(predict, X, y, resolution)  # checks the arguments, calls predict
    if colorbar is None:
        colorbar = ax is None
    if ax is None:
        fig = new_figure(4.6, 4.0)
        ax = fig.add_subplot()
        _margins(fig, left=0.75, right=1.15, bottom=0.6, top=0.45 if title else 0.15)
    else:
        fig = ax.figure
    mappable = panel.draw(ax)
    if colorbar:
        _colorbar_and_key(fig, [ax], mappable, panel)
    ax.set_xlabel("feature 1", fontsize=LABEL_SIZE)
    ax.set_ylabel("feature 2", fontsize=LABEL_SIZE)
    if title:
        ax.set_title(title, fontsize=LABEL_SIZE)
    describe(fig, f"{title + ': d' if title else 'D'}ecision regions over features 1 and 2: "
             f"{panel.summary()}.", append=True)
    return _readable(fig)


def plot_decision_boundaries(predicts: dict, X, y, *, title=None, resolution=100):
    """Decision boundaries of several classifiers side by side, on one color scale with
    one colour bar and one class key.

    Args:
        predicts: dict panel title -> predict callable (as :func:`plot_decision_boundary`
            takes), at most 4.
        X, y: the data (as :func:`plot_decision_boundary` takes), the same for every panel.
        title: figure title, or None.
        resolution: grid points per side, an int >= 2.
    Returns:
        matplotlib.figure.Figure: one axes per classifier (sharing x and y), then the
        colour bar axes. ``fig.description`` has a sentence per panel.
    Raises:
        ValueError: if predicts is not a dict of 1 to 4 callables; what
            :func:`plot_decision_boundary` raises.

    >>> X, y = np.array([[-1.0, 0.0], [1.0, 0.0]]), np.array([0, 1])
    >>> fig = plot_decision_boundaries({"a": lambda G: (G[:, 0] > 0) * 1.0,
    ...                                 "b": lambda G: np.full(len(G), 0.5)}, X, y)
    >>> [ax.get_title() for ax in fig.axes[:2]]
    ['a', 'b']
    >>> fig.description[:74]
    'Decision regions over features 1 and 2 of 2 classifiers side by side. a: P'

    """
    if not isinstance(predicts, dict) or not 1 <= len(predicts) <= 4:
        raise ValueError("predicts must be a dict of 1 to 4 panel title -> predict "
                         f"callable, got {predicts!r}")
    check_title(title)
    n = len(predicts)
    fig = new_figure(min(8.5, 1.6 + 2.2 * n), 3.4)  # panels ~2 in: room for their titles
    axes = fig.subplots(1, n, sharex=True, sharey=True, squeeze=False)[0]
    _margins(fig, left=0.75, right=1.3, bottom=0.6, top=0.75 if title else 0.4,
             wspace=0.08)
    panels = [_Boundary(predict, X, y, resolution) for predict in predicts.values()]
    for ax, name, panel in zip(axes, predicts, panels):
        mappable = panel.draw(ax, markersize=10)
        ax.set_title(str(name), fontsize=LABEL_SIZE)
        ax.set_xlabel("feature 1", fontsize=LABEL_SIZE)
        describe(fig, f"{name}: {panel.summary()}.", append=True)
    axes[0].set_ylabel("feature 2", fontsize=LABEL_SIZE)
    _colorbar_and_key(fig, list(axes), mappable, panels[0])
    if title:
        fig.suptitle(title, fontsize=TITLE_SIZE, y=1 - 0.08 / fig.get_figheight(), va="top")
    describe(fig, f"Decision regions over features 1 and 2 of {n} classifiers side by "
             f"side. {fig.description}")
    return _readable(fig)


class _Boundary:
    """One classifier's prediction over the plane of the data: checked, evaluated, drawn."""

    def __init__(self, predict, X, y, resolution):
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
        rows_ok = np.isfinite(X).all(axis=1)
        if not rows_ok.any():
            raise ValueError("X has no finite row to draw (every row holds inf or nan)")
        self.n_bad_rows = int(X.shape[0] - rows_ok.sum())
        self.X, self.labels = X[rows_ok], y[rows_ok].astype(np.int64)
        low, high = self.X.min(axis=0), self.X.max(axis=0)
        pad = np.where(high > low, 0.1 * (high - low), 0.5)
        self.g0 = np.linspace(low[0] - pad[0], high[0] + pad[0], resolution)
        self.g1 = np.linspace(low[1] - pad[1], high[1] + pad[1], resolution)
        grid0, grid1 = np.meshgrid(self.g0, self.g1)
        grid = np.column_stack([grid0.ravel(), grid1.ravel()])
        m = grid.shape[0]
        both = np.vstack([grid, self.X])
        out = as_real_array("predict(X)", predict(both))
        k = both.shape[0]
        if out.shape in ((k,), (k, 1)):
            self.kind, score = "binary", out.reshape(k)
        elif out.ndim == 2 and out.shape[0] == k and out.shape[1] == 2:
            self.kind, score = "binary", out[:, 1]
        elif out.ndim == 2 and out.shape[0] == k and out.shape[1] > 2:
            self.kind, score = "multiclass", out
        else:
            raise ValueError(f"predict returned shape {out.shape} for {k} points; expected "
                             f"({k},), ({k}, 1) or ({k}, k) with k >= 2")
        self.n_classes = max(int(self.labels.max()) + 1,
                             2 if self.kind == "binary" else out.shape[1])
        bad = ~np.isfinite(score) if score.ndim == 1 else ~np.isfinite(score).all(axis=1)
        if self.kind == "binary":
            finite = score[~bad]
            if finite.size and (finite.min() < -1e-9 or finite.max() > 1 + 1e-9):
                raise ValueError(
                    f"predict returned values in [{finite.min():.3g}, {finite.max():.3g}], "
                    "expected probabilities in [0, 1] (apply a sigmoid to scores)")
        self.score, self.bad = score[:m], bad[:m]
        self.at_points, self.bad_at_points = score[m:], bad[m:]
        self.shape = grid0.shape

    def draw(self, ax, markersize=14):
        """Draw the regions and the points into ax; returns what the colour bar shows."""
        grid0, grid1 = np.meshgrid(self.g0, self.g1)
        mappable = None
        if not self.bad.all():
            if self.kind == "binary":
                z = np.ma.masked_array(np.clip(self.score, 0, 1), self.bad).reshape(self.shape)
                mappable = ax.contourf(grid0, grid1, z, levels=_BINARY_LEVELS,
                                       cmap=_binary_cmap(), alpha=0.45)
                if z.min() < 0.5 < z.max():
                    ax.contour(grid0, grid1, z, levels=[0.5], colors="k", linewidths=1)
            else:
                cls = np.argmax(np.where(self.bad[:, None], 0, self.score), axis=1)
                z = np.ma.masked_array(cls, self.bad).reshape(self.shape)
                cmap = ListedColormap([_color(c) for c in np.arange(self.n_classes)])
                mappable = ax.contourf(grid0, grid1, z, levels=np.arange(self.n_classes + 1)
                                       - 0.5, cmap=cmap, alpha=0.35)
        if self.bad.any():
            _note(ax, "prediction overflow: inf/nan" if self.bad.all()
                  else f"{self.bad.sum()} grid points inf/nan not shown", y=0.95)
        elif self.constant():
            _note(ax, f"output {fmt(self.score[0])}\neverywhere:\nno boundary", y=0.85)
        if self.n_bad_rows:
            _note(ax, f"{self.n_bad_rows} points with inf/nan not shown", y=0.05)
        for c in np.unique(self.labels):
            pts = self.X[self.labels == c]
            ax.scatter(pts[:, 0], pts[:, 1], color=_color(c), marker=MARKERS[c % len(MARKERS)],
                       s=markersize, edgecolors="black", linewidths=0.4, label=f"class {c}")
        ax.set_xlim(self.g0[0], self.g0[-1])
        ax.set_ylim(self.g1[0], self.g1[-1])
        return mappable

    def constant(self):
        """True if the (finite) output does not vary over the plane."""
        finite = self.score[~self.bad]
        return finite.size > 0 and np.ptp(finite) < 1e-6

    def summary(self):
        """The key numbers: output range and accuracy on the points."""
        if self.bad.all():
            return "the output is inf/nan everywhere"
        finite = self.score[~self.bad]
        if self.kind == "binary":
            head = (f"P(class 1) is {fmt(finite[0])} everywhere, no boundary" if
                    self.constant() else f"P(class 1) from {fmt(finite.min(), 2)} to "
                    f"{fmt(finite.max(), 2)} across the plane, with the 0.5 boundary")
        else:
            shown = np.unique(np.argmax(finite, axis=1))
            head = f"{len(shown)} of {self.n_classes} classes predicted somewhere"
        points = (f"{len(self.labels)} points of {len(np.unique(self.labels))} classes, ")
        if self.constant():
            return f"{head}; {points}a constant output is at chance"
        ok = ~self.bad_at_points
        if self.kind == "binary":
            predicted = (self.at_points > 0.5).astype(int)
        else:
            predicted = np.argmax(np.where(ok[:, None], self.at_points, 0), axis=1)
        accuracy = float(np.mean((predicted == self.labels) & ok))
        return f"{head}; {points}accuracy on them {fmt(accuracy, 3)}"


# 11 bands of P(class 1), the middle one, white, centred on 0.5 (with 10 bands an output of
# exactly 0.5, e.g. after a zero initialization, fell in the band below and was tinted)
_BINARY_LEVELS = np.linspace(0.0, 1.0, 12)


def _binary_cmap():
    """Class-0 color, white, class-1 color. 255 entries (an odd number): 0.5 picks entry
    127 of 0..254, exactly white (with matplotlib's 256, 0.5 picks a slightly tinted 128)."""
    return LinearSegmentedColormap.from_list("binary", [_color(0), "white", _color(1)], N=255)


def _colorbar_and_key(fig, axes, mappable, panel):
    """In the right margin of ``axes``: a key of the classes, and under it one colour bar
    (what the colors of the plane mean)."""
    ax = axes[-1]
    w_in, h_in = fig.get_size_inches()
    top, bottom = ax.get_position().y1, ax.get_position().y0
    key_height = (0.25 + 0.2 * panel.n_classes) / h_in  # a line of 10-pt text per class
    cax = fig.add_axes((1 - 1.05 / w_in, bottom, 0.15 / w_in, top - bottom - key_height))
    if panel.kind == "binary":
        if mappable is None:  # nothing drawn: the bar still says what a color would mean
            mappable = ScalarMappable(Normalize(0, 1), _binary_cmap())
        bar = fig.colorbar(mappable, cax=cax, ticks=[0, 0.5, 1], alpha=0.45)
        bar.set_label("P(class 1)", fontsize=LABEL_SIZE)
    else:
        if mappable is None:
            mappable = ScalarMappable(Normalize(-0.5, panel.n_classes - 0.5),
                                      ListedColormap([_color(c) for c in
                                                      np.arange(panel.n_classes)]))
        bar = fig.colorbar(mappable, cax=cax, ticks=np.arange(panel.n_classes), alpha=0.35)
        bar.set_label("predicted class", fontsize=LABEL_SIZE)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(1 - 1.2 / w_in, top),
               fontsize=TEXT_SIZE, frameon=False, handletextpad=0.1, borderpad=0,
               borderaxespad=0, labelspacing=0.25)

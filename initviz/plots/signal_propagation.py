"""Lesson 08's figures: the phase diagram with the correlation map, the Jacobian's singular
values, deep linear training time against depth, and the trainability grid with 6 xi_c.

Like every figure of :mod:`initviz.plots`: drawn for the size it is shown at (text >= 10 pt,
192 dpi), axes named with units, series told apart by markers and line styles as well as
colour, a colour bar on the colour scale, and a description (alt text) with the key numbers.

>>> fig = plot_correlation_map("tanh", 3.0, 0.05)
>>> fig.description.startswith("Correlation map")
True
"""

from __future__ import annotations

import numpy as np

from .. import mean_field
from .figure import (LABEL_SIZE, NOTE_COLOR, TEXT_SIZE, TITLE_SIZE, _margins, _readable,
                     _series_style, describe, fmt, new_figure)

__all__ = ["plot_phase_diagram", "plot_correlation_map", "plot_singular_values",
           "plot_training_time", "plot_trainability"]

_LEGEND = dict(fontsize=TEXT_SIZE, framealpha=0.85, edgecolor="none")
#: The activations the phase diagram draws, with their critical lines.
PHASE_ACTIVATIONS = ("tanh", "relu", "linear")


def _axes(ax, width, left, title):
    """``ax`` and its figure, or a new figure ``width`` x 3.6 in with one axes."""
    fig = ax.figure if ax is not None else new_figure(width, 3.6)
    if ax is None:
        ax = fig.add_subplot()
        _margins(fig, left=left, right=0.2, bottom=0.65, top=0.45 if title else 0.15)
    return fig, ax


def _finish(ax, xlabel, ylabel, legend_loc, title):
    """Axis labels, the legend, the grid and the title (if any)."""
    ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    ax.legend(loc=legend_loc, **_LEGEND)
    ax.grid(True, which="major", alpha=0.3)
    if title:
        ax.set_title(title, fontsize=TITLE_SIZE, pad=8)


def critical_line(activation, sigma_b2s):
    """The critical sigma_w2 at each sigma_b2 (a float array)."""
    return np.array([mean_field.critical_sigma_w2(activation, b) for b in sigma_b2s])


def plot_phase_diagram(points=None, *, activations=PHASE_ACTIVATIONS, sigma_b2_max=1.0,
                       sigma_w2_max=4.0, ax=None, title=None):
    """The (sigma_w2, sigma_b2) plane with each activation's critical line (chi_1 = 1):
    ordered to its left, chaotic to its right.

    Args:
        points: None or dict label -> (activation, sigma_w2, sigma_b2), marked with their
            phase. activations: whose critical lines to draw. sigma_b2_max, sigma_w2_max:
            the axis ranges. ax: draw into this axes (then the figure is not new).
        title: figure title or None.
    Returns:
        the Figure (``fig.description``: the lines' values at sigma_b2 = 0 and the points).
    """
    fig, ax = _axes(ax, 6.0, 0.9, title)
    b = np.linspace(0.0, sigma_b2_max, 41)
    parts = []
    for k, act in enumerate(activations):
        w = critical_line(act, b)
        style = _series_style(k)
        ax.plot(w, b, color=style["color"], linestyle=style["linestyle"], linewidth=2,
                label=f"{act}: edge of chaos")
        parts.append(f"{act} from sigma_w2 = {fmt(w[0])} at sigma_b2 = 0 to {fmt(w[-1])} at "
                     f"{fmt(b[-1])}")
    for k, (label, (act, w2, b2)) in enumerate((points or {}).items()):
        ph = mean_field.phase(act, w2, b2)
        ax.plot([w2], [b2], linestyle="none", marker="*^sD"[k % 4], markersize=13,
                color="black", markerfacecolor="white" if ph == "ordered" else "black",
                label=f"{label} ({ph})", zorder=5)
        parts.append(f"point {label}: {act} at ({fmt(w2)}, {fmt(b2)}), {ph}")
    ax.set_xlim(0, sigma_w2_max)
    ax.set_ylim(0, sigma_b2_max)
    ax.text(0.04, 0.9, "ordered", transform=ax.transAxes, fontsize=TEXT_SIZE)
    ax.text(0.96, 0.9, "chaotic (tanh)", transform=ax.transAxes, fontsize=TEXT_SIZE,
            ha="right")
    _finish(ax, "σ_w² (weight variance × fan_in)", "σ_b² (bias variance)", "center right", title)
    describe(fig, "Phase diagram: critical lines (chi_1 = 1) in the plane of sigma_w2 "
             "(x) and sigma_b2 (y): " + "; ".join(parts) + ".", append=ax is not fig.axes[0])
    return _readable(fig)


def plot_correlation_map(activation, sigma_w2, sigma_b2, *, ax=None, title=None):
    """The correlation map c(l) -> c(l+1) at q*, the diagonal, and the fixed point c*.

    Returns:
        the Figure (``fig.description``: c*, chi_1 and the phase).
    """
    fig, ax = _axes(ax, 4.25, 0.85, title)
    c = np.linspace(-1.0, 1.0, 61)
    out = [mean_field.c_map(activation, sigma_w2, sigma_b2, float(v)) for v in c]
    c_star = mean_field.correlation_fixed_point(activation, sigma_w2, sigma_b2)
    x1 = mean_field.chi1(activation, sigma_w2, sigma_b2)
    ax.plot(c, c, color="gray", linestyle=":", linewidth=1.5, label="c(l+1) = c(l)")
    ax.plot(c, out, **_series_style(0, solid=True), markevery=6, linewidth=2,
            label="correlation map")
    ax.plot([c_star], [c_star], linestyle="none", marker="o", markersize=10,
            markerfacecolor="white", markeredgecolor=NOTE_COLOR, markeredgewidth=2,
            label=f"c* = {c_star:.3g}")
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1.05)
    _finish(ax, "c(l), correlation at layer l", "c(l+1)", "lower right", title)
    describe(fig, f"Correlation map of {activation} at sigma_w2 = {fmt(sigma_w2)}, sigma_b2 = "
             f"{fmt(sigma_b2)}: fixed point c* = {fmt(c_star)}, chi_1 = {fmt(x1)} "
             f"({mean_field.phase(activation, sigma_w2, sigma_b2)}).",
             append=ax is not fig.axes[0])
    return _readable(fig)


def plot_singular_values(values: dict, *, title=None):
    """Each network's Jacobian singular values, sorted, on a log axis (flat at 1: an
    isometry; a steep fall: a few directions carry the whole gradient).

    Args:
        values: dict label -> 1-D array of singular values.
    Returns:
        the Figure (``fig.description``: largest and smallest value of each).
    """
    if not isinstance(values, dict) or not values:
        raise TypeError("values must be a non-empty dict label -> singular values")
    fig = new_figure(8.0, 3.6)
    ax = fig.add_subplot()
    _margins(fig, left=0.9, right=2.6, bottom=0.65, top=0.45 if title else 0.15)
    ax.set_yscale("log")
    parts = []
    for k, (label, s) in enumerate(values.items()):
        s = np.sort(np.asarray(s, dtype=float))[::-1]
        s = s[np.isfinite(s) & (s > 0)]
        rank = np.linspace(0, 1, s.size)
        ax.plot(rank, s, **_series_style(k), markevery=max(1, s.size // 8), markersize=5,
                label=str(label))
        parts.append(f"{label} {fmt(s[0])} to {fmt(s[-1])}")
    ax.set_xlabel("rank of the singular value (fraction, largest first)", fontsize=LABEL_SIZE)
    ax.set_ylabel("singular value of dz_L/dx", fontsize=LABEL_SIZE)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False,
              fontsize=TEXT_SIZE)
    ax.grid(True, which="major", alpha=0.3)
    if title:
        ax.set_title(title, fontsize=TITLE_SIZE, pad=8)
    describe(fig, "Sorted singular values of the input-output Jacobian, log scale: "
             + "; ".join(parts) + ".")
    return _readable(fig)


def plot_training_time(depths, epochs: dict, max_epochs, *, title=None,
                       ylabel="epochs to reach the target loss"):
    """Epochs to a target loss against depth, one series per initialization; runs that did
    not reach it within ``max_epochs`` are drawn as open triangles at ``max_epochs``.

    Args:
        depths: the depths (x). epochs: dict label -> per depth, a list over seeds of an
            int or None (not reached). max_epochs: the budget.
    Returns:
        the Figure (``fig.description``: the median epochs at the first and last depth).
    """
    depths = np.asarray(depths, dtype=float)
    fig, ax = _axes(None, 6.0, 0.9, title)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    parts = []
    for k, (label, runs) in enumerate(epochs.items()):
        style = _series_style(k)
        med = []
        for d, per_seed in zip(depths, runs):
            vals = np.array([max_epochs if v is None else v for v in per_seed], float)
            med.append(np.median(vals))
            missed = [v is None for v in per_seed]
            ax.plot(np.full(len(vals), d), vals, linestyle="none", marker=style["marker"],
                    color=style["color"], alpha=0.5, markersize=5)
            if any(missed):
                ax.plot([d], [max_epochs], linestyle="none", marker="^", markersize=10,
                        markerfacecolor="white", markeredgecolor=style["color"])
        ax.plot(depths, med, label=f"{label} (median)", linewidth=2, **style)
        n_missed = sum(v is None for r in runs for v in r)
        parts.append(f"{label}: median {fmt(med[0])} epochs at depth {int(depths[0])}, "
                     f"{fmt(med[-1])} at depth {int(depths[-1])}"
                     + (f" ({n_missed} runs not within {max_epochs})" if n_missed else ""))
    ax.axhline(max_epochs, color=NOTE_COLOR, linestyle=":", linewidth=1)
    ax.text(depths[0], max_epochs * 0.8, f"budget: {max_epochs} epochs (△ not reached)",
            fontsize=TEXT_SIZE, color=NOTE_COLOR, va="top")
    ax.set_xticks(depths, [str(int(d)) for d in depths])
    ax.set_ylim(top=max_epochs * 2.5)
    _finish(ax, "depth (linear layers)", ylabel, "lower right", title)
    describe(fig, "Epochs of gradient descent to the target loss against depth, log-log: "
             + "; ".join(parts) + ".")
    return _readable(fig)


def plot_trainability(grid, *, title=None):
    """Training accuracy over (sigma_w2, depth) as a colour grid, with 6 xi_c drawn over it.

    Args:
        grid: an :class:`initviz.trainability.TrainabilityGrid`.
    Returns:
        the Figure: the grid's axes, then its colour bar (``fig.description``: the
        measured deepest trained depth beside 6 xi_c per sigma_w2).
    """
    from ..trainability import trainable_depth

    sw, depths, acc = grid.sigma_w2s, grid.depths, grid.accuracy
    fig = new_figure(8.0, 4.0)
    ax = fig.add_subplot()
    _margins(fig, left=0.9, right=1.5, bottom=0.65, top=0.45 if title else 0.15)
    x_edges = np.r_[sw[0] - (sw[1] - sw[0]) / 2, (sw[1:] + sw[:-1]) / 2,
                    sw[-1] + (sw[-1] - sw[-2]) / 2]
    y_idx = np.arange(len(depths) + 1) - 0.5
    mesh = ax.pcolormesh(x_edges, y_idx, acc.T, cmap="viridis", vmin=0, vmax=1)
    ax.set_yticks(np.arange(len(depths)), [str(int(d)) for d in depths])
    # 6 xi_c on the depth axis: interpolate depth -> row index (log depth)
    fine = np.linspace(sw[0], sw[-1], 60)
    six = np.array([6 * mean_field.depth_scales(grid.settings.get("activation", "tanh"), w,
                                                grid.settings.get("sigma_b2", 0.05))[1]
                    for w in fine])
    rows = np.interp(np.log(np.clip(six, 1e-9, 1e9)), np.log(depths.astype(float)),
                     np.arange(len(depths)), left=-1.0, right=len(depths) + 1.0)
    ax.plot(fine, rows, color="white", linewidth=3)
    ax.plot(fine, rows, color="black", linestyle="--", linewidth=1.8, label="6 ξ_c")
    ax.set_ylim(-0.5, len(depths) - 0.5)
    ax.set_xlim(x_edges[0], x_edges[-1])
    ax.set_xlabel("σ_w² (weight variance × fan_in)", fontsize=LABEL_SIZE)
    ax.set_ylabel("depth (hidden layers)", fontsize=LABEL_SIZE)
    ax.legend(loc="upper left", **_LEGEND)
    bar = fig.colorbar(mesh, ax=ax, fraction=0.05, pad=0.02)
    bar.set_label("training accuracy", fontsize=LABEL_SIZE)
    if title:
        ax.set_title(title, fontsize=TITLE_SIZE, pad=8)
    deepest = trainable_depth(grid)
    pairs = [f"{fmt(w)}: {d} (6 xi_c {fmt(s)})" for w, d, s in zip(sw, deepest, grid.six_xi_c)]
    describe(fig, "Training accuracy over sigma_w2 (x) and depth (y), colour scale 0 to 1, "
             "with 6 xi_c dashed. Deepest depth with accuracy >= 0.5 per sigma_w2: "
             + "; ".join(pairs) + ".")
    return _readable(fig)

"""Lesson 10's figures: attention against d_k, the residual stream against depth, the
coordinate check and learning-rate transfer (SP against muP), two panels each."""

import numpy as np

from .figure import (LABEL_SIZE, TEXT_SIZE, TITLE_SIZE, _margins, _readable, _series_style,
                     describe, fmt, new_figure)

__all__ = ["plot_attention_vs_dk", "plot_residual_stream", "plot_coord_check",
           "plot_lr_transfer"]

_LEGEND = dict(fontsize=TEXT_SIZE, framealpha=0.85, edgecolor="none")


def _two_panels(title, width=8.6, height=3.8, sharey=False):
    fig = new_figure(width, height)
    axes = fig.subplots(1, 2, sharey=sharey)
    _margins(fig, left=1.05, right=0.2, bottom=0.65, top=0.75 if title else 0.4, wspace=0.35)
    if title:
        fig.suptitle(title, fontsize=TITLE_SIZE)
    return fig, axes


def _label(ax, xlabel, ylabel, title):
    ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    ax.set_title(title, fontsize=LABEL_SIZE)


def plot_attention_vs_dk(scaled, unscaled, title=None):
    """Attention entropy and share of one-hot rows against d_k, with and without 1/sqrt(d_k).

    Args:
        scaled, unscaled: dicts of :func:`initviz.transformer_stats.attention_sweep`.
        title: None or a figure title.
    Returns:
        Figure: left, mean entropy (nats) with uniform attention's dotted; right, the share
        of one-hot rows; log d_k axes.

    >>> from initviz.transformer_stats import attention_sweep
    >>> fig = plot_attention_vs_dk(attention_sweep([4, 64], True), attention_sweep([4, 64], False))
    >>> len(fig.axes)
    2
    """
    fig, (left, right) = _two_panels(title)
    for i, (name, s) in enumerate((("scaled by 1/sqrt(d_k)", scaled), ("unscaled", unscaled))):
        style = _series_style(i)
        left.plot(s["d_k"], s["entropy"], label=name, **style)
        right.plot(s["d_k"], 100 * np.asarray(s["one_hot"]), label=name, **style)
    left.plot(scaled["d_k"], scaled["uniform_entropy"], color="gray", linestyle=":",
              label="uniform attention")
    for ax in (left, right):
        ax.set_xscale("log", base=2)
    _label(left, "d_k (query/key width)", "attention entropy (nats)", "entropy of a row")
    _label(right, "d_k (query/key width)", "one-hot rows (%)", "rows with a weight > 0.99")
    left.set_ylim(bottom=0)
    right.set_ylim(-3, 103)
    left.legend(loc="center right", **_LEGEND)
    d = unscaled["d_k"]
    return describe(_readable(fig), (
        f"Two panels against d_k from {d[0]} to {d[-1]}. Entropy scaled: "
        f"{fmt(scaled['entropy'][0])} to {fmt(scaled['entropy'][-1])} nats; unscaled: "
        f"{fmt(unscaled['entropy'][0])} to {fmt(unscaled['entropy'][-1])} nats. One-hot rows "
        f"unscaled: {fmt(100 * unscaled['one_hot'][0])} % to "
        f"{fmt(100 * unscaled['one_hot'][-1])} %; scaled: at most "
        f"{fmt(100 * np.max(scaled['one_hot']))} %."))


def plot_residual_stream(stds, bounds, depths=None, finals=None, title=None):
    """The residual stream's std after every block, and at the end against depth.

    Args:
        stds: dict name -> stds after the embeddings and every block (one model each).
        bounds: dict with the same names -> (lower, upper) predicted stds
            (:func:`initviz.transformer_stats.residual_std_theory`), drawn as a band.
        depths, finals: optional, the depths and dict name -> final std per depth (right
            panel); without them the figure has one panel.
        title: None or a figure title.
    Returns:
        Figure, log y axes.

    >>> fig = plot_residual_stream({"a": [1.0, 1.4]}, {"a": ([1.0, 1.3], [1.0, 1.5])})
    >>> len(fig.axes)
    1
    """
    if finals is None:
        fig = new_figure(6.0, 3.4)
        panels = [fig.add_subplot()]
        _margins(fig, left=1.05, right=0.2, bottom=0.6, top=0.75 if title else 0.4)
        if title:
            fig.suptitle(title, fontsize=TITLE_SIZE)
    else:
        fig, panels = _two_panels(title)
    ax = panels[0]
    text = []
    for i, (name, y) in enumerate(stds.items()):
        style = _series_style(i, solid=True)
        x = np.arange(len(y))
        lo, hi = bounds[name]
        ax.fill_between(x, lo, hi, color=style["color"], alpha=0.2, linewidth=0)
        ax.plot(x, lo, color=style["color"], linestyle="--", linewidth=1)
        ax.plot(x, hi, color=style["color"], linestyle="--", linewidth=1)
        ax.plot(x, y, label=name, markevery=max(1, len(y) // 12), markersize=5, **style)
        text.append(f"{name}: {fmt(y[0])} after the embeddings to {fmt(y[-1])} after block "
                    f"{len(y) - 1} (formula {fmt(lo[-1])} to {fmt(hi[-1])})")
    ax.set_yscale("log")
    _label(ax, "block", "std of the residual stream", "one model, after each block")
    ax.legend(loc="center right", **_LEGEND)
    if finals is not None:
        ax2 = panels[1]
        for i, (name, y) in enumerate(finals.items()):
            ax2.plot(depths, y, label=name, **_series_style(i, solid=True))
            text.append(f"at the end of models of {depths[0]} to {depths[-1]} blocks, {name}: "
                        f"{fmt(y[0])} to {fmt(y[-1])}")
        ax2.set_xscale("log", base=2)
        ax2.set_yscale("log")
        _label(ax2, "number of blocks n_layer", "std at the end", "one model per depth")
    return describe(_readable(fig), "Residual stream std (dashed: the formula's bounds). "
                    + "; ".join(text) + ".")


def plot_coord_check(sp, mup, step=-1, title=None):
    """mean |z| of every layer against width after ``step`` Adam steps: SP left, muP right.

    Args:
        sp, mup: :class:`initviz.width.CoordCheck` results. step: which step (-1: last).
        title: None or a figure title.
    Returns:
        Figure, log-log axes sharing y.

    >>> from initviz.width import CoordCheck
    >>> c = CoordCheck("standard", [64, 128], 0.01, ["hidden 1", "output"],
    ...                [[[1.0, 1.0], [1.0, 1.0]]])
    >>> len(plot_coord_check(c, c).axes)
    2
    """
    fig, axes = _two_panels(title, sharey=True)
    text = []
    for ax, result, name in zip(axes, (sp, mup), ("standard (SP)", "muP")):
        values = result.at_step(step)
        for j, layer in enumerate(result.layers):
            ax.plot(result.widths, values[:, j], label=layer, **_series_style(j))
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        n = len(result.l1) - 1 if step == -1 else step
        _label(ax, "width (hidden units)", "mean |z| of the layer" if ax is axes[0] else "",
               f"{name}, after {n} Adam steps")
        growth = result.growth(step)
        text.append(f"{name}: from width {result.widths[0]} to {result.widths[-1]} mean |z| "
                    + ", ".join(f"{layer} x{fmt(g)}" for layer, g in zip(result.layers, growth)))
    axes[0].legend(loc="upper left", **_LEGEND)
    return describe(_readable(fig), "Coordinate check, two panels. " + "; ".join(text) + ".")


def plot_lr_transfer(sp, mup, title=None):
    """Training loss against learning rate, one line per width: SP left, muP right; a star
    on each width's best rate.

    Args:
        sp, mup: :class:`initviz.width.LRTransfer` results. title: None or a figure title.
    Returns:
        Figure, log x axes; diverged runs (nan) are left out.

    >>> from initviz.width import LRTransfer
    >>> r = LRTransfer("standard", [64, 128], [0.001, 0.01], 1, 64, [[1.0, 0.5], [0.4, 2.0]])
    >>> len(plot_lr_transfer(r, r).axes)
    2
    """
    fig, axes = _two_panels(title, sharey=True)
    text = []
    for ax, result, name in zip(axes, (sp, mup), ("standard (SP)", "muP")):
        loss = np.asarray(result.loss, dtype=float)
        best = result.best_lrs()
        for i, width in enumerate(result.widths):
            style = _series_style(i)
            ax.plot(result.lrs, loss[i], label=f"width {width}", markersize=4, **style)
            j = int(np.nanargmin(np.where(np.isfinite(loss[i]), loss[i], np.nan)))
            ax.plot(result.lrs[j], loss[i, j], marker="*", markersize=13, color=style["color"],
                    markeredgecolor="black", linestyle="none", zorder=4)
        ax.set_xscale("log")
        ax.set_yscale("log")
        _label(ax, "Adam learning rate", "training cross-entropy" if ax is axes[0] else "",
               name)
        text.append(f"{name}: best rate from {fmt(best[0])} at width {result.widths[0]} to "
                    f"{fmt(best[-1])} at width {result.widths[-1]}")
    axes[1].legend(loc="lower left", **_LEGEND)
    return describe(_readable(fig), "Learning-rate transfer, two panels, stars at the best "
                    "rates. " + "; ".join(text) + ".")

"""The training explorer's figure: loss curves of runs A and B, then per run its decision
boundary (2-D data) or, for digits, accuracy and the first epoch's per-layer gradient std;
:func:`training_figure` is its static twin."""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from .. import datasets
from .._checks import check_choice
from .._util import single_thread
from ..plots import ShownFigure
from .render import BAD_COLOR, FIGSIZE, HUGE, LIVE_DPI, STATIC_DPI, TINY, log_limits
from .runs import SLOTS, check_runs, new_run, train_run

__all__ = ["TrainingView", "training_figure"]

SLOT_STYLE = {"A": dict(color="#0072B2", ls="-"), "B": dict(color="#D55E00", ls="--")}
CLASS_COLORS = np.array([to_rgb(c) for c in ("#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                            "#E69F00", "#56B4E9", "#000000", "#F0E442",
                                            "#999999", "#7F3C8D")])


class TrainingView:
    """The training explorer's figure: loss curves of runs A and B, then per run its
    decision boundary (2-D data) or, for digits, the accuracy curves and the first epoch's
    per-layer gradient std. Built once per data set; frames only update data."""

    def __init__(self, X, y, dpi=LIVE_DPI, resolution=60):
        self.X, self.y = X, y
        self.two_d = X.shape[1] == 2
        fig = self.fig = ShownFigure(figsize=FIGSIZE, dpi=dpi)
        FigureCanvasAgg(fig)
        self.title = fig.text(0.5, 0.975, "", ha="center", va="top", fontsize=10)
        self.ax_l = fig.add_axes((0.075, 0.15, 0.27, 0.6))
        ax = self.ax_l
        ax.set_yscale("log")
        ax.set_xlabel("epoch", fontsize=8, labelpad=1)
        ax.set_title("training loss", fontsize=9, y=1.01)
        ax.tick_params(labelsize=7, length=2)
        ax.grid(True, alpha=0.3, lw=0.6)
        self.loss_lines = {s: ax.plot([], [], lw=1.4, label=s, **SLOT_STYLE[s])[0] for s in SLOTS}
        self.div_marks = {s: ax.plot([], [], "x", ms=7, mew=2, color=SLOT_STYLE[s]["color"],
                                     transform=ax.get_xaxis_transform(), clip_on=False)[0]
                          for s in SLOTS}  # at the top edge: x in epochs, y in axes units
        ax.legend(loc="upper right", fontsize=7, frameon=False)
        self.note_l = ax.text(0.03, 0.04, "", transform=ax.transAxes, fontsize=7,
                              color=BAD_COLOR)
        self.panels = {}
        if self.two_d:
            lo, hi = X.min(axis=0), X.max(axis=0)
            pad = 0.1 * (hi - lo)
            self.extent = (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])
            g0 = np.linspace(self.extent[0], self.extent[1], resolution)
            g1 = np.linspace(self.extent[2], self.extent[3], resolution)
            self.grid = np.column_stack([a.ravel() for a in np.meshgrid(g0, g1)])
            self.grid_shape = (resolution, resolution)
            colors = CLASS_COLORS[y % len(CLASS_COLORS)]
            for i, s in enumerate(SLOTS):
                ax = fig.add_axes((0.43 + 0.29 * i, 0.15, 0.25, 0.6))
                im = ax.imshow(np.ones(self.grid_shape + (3,)), origin="lower",
                               extent=self.extent, aspect="auto", interpolation="bilinear")
                ax.scatter(X[:, 0], X[:, 1], s=6, c=colors, edgecolors="white", linewidths=0.3)
                ax.set_xticks([])
                ax.set_yticks([])
                t = ax.set_title(f"{s}: not trained yet", fontsize=8, y=1.01)
                note = ax.text(0.5, 0.02, "", transform=ax.transAxes, ha="center", fontsize=7,
                               color=BAD_COLOR, bbox=dict(facecolor="white", alpha=0.8,
                                                          edgecolor="none", pad=1))
                self.panels[s] = (ax, im, t, note)
        else:
            self.runs_text = fig.text(0.43, 0.9, "", ha="left", va="top", fontsize=7)
            ax = fig.add_axes((0.43, 0.16, 0.25, 0.58))
            ax.set_title("training accuracy", fontsize=9)
            ax.set_xlabel("epoch", fontsize=8, labelpad=1)
            ax.set_ylim(0, 1.02)
            ax.tick_params(labelsize=7, length=2)
            ax.grid(True, alpha=0.3, lw=0.6)
            self.acc_lines = {s: ax.plot([], [], lw=1.4, **SLOT_STYLE[s])[0] for s in SLOTS}
            self.ax_acc = ax
            ax = fig.add_axes((0.74, 0.16, 0.24, 0.58))
            ax.set_xscale("log")
            ax.set_title("std of dL/dW, epoch 1", fontsize=9)
            ax.set_ylabel("layer", fontsize=8, labelpad=1)
            ax.tick_params(labelsize=7, length=2)
            ax.xaxis.set_major_locator(LogLocator(numticks=4))
            ax.xaxis.set_minor_locator(NullLocator())
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(True, axis="x", alpha=0.3, lw=0.6)
            self.gs_lines = {s: ax.plot([], [], marker="o", ms=3, lw=1.2, **SLOT_STYLE[s])[0]
                             for s in SLOTS}
            self.ax_gs = ax

    def _boundary(self, net):
        """RGB image of the class probabilities on the grid (each class's color weighted by
        its probability, lightened), and the fraction of grid points with inf/nan output."""
        with np.errstate(all="ignore"), single_thread():
            out = net.forward(self.grid)
        p = np.column_stack([1 - out[:, 0], out[:, 0]]) if out.shape[1] == 1 else out
        bad = ~np.isfinite(p).all(axis=1)
        p = np.where(bad[:, None], 0.0, p)
        rgb = p @ CLASS_COLORS[:p.shape[1]]
        rgb = 1.0 - 0.5 * (1.0 - rgb)  # lighter, so the points stand out
        rgb[bad] = to_rgb("#F4B6B6")
        return np.clip(rgb, 0, 1).reshape(self.grid_shape + (3,)), float(bad.mean())

    def update(self, runs, title=""):
        """Draw the runs (dict slot -> TrainRun or None); returns the Figure."""
        self.title.set_text(title)
        top, bottom, longest, notes = [], [], 1, []
        for s in SLOTS:
            run = runs.get(s)
            line = self.loss_lines[s]
            if run is None or not run.loss:
                line.set_data([], [])
                self.div_marks[s].set_data([], [])
                continue
            loss = np.asarray(run.loss, dtype=float)
            epochs = np.arange(1, loss.size + 1)
            ok = np.isfinite(loss) & (loss > TINY) & (loss < HUGE)
            line.set_data(epochs, np.where(ok, loss, np.nan))
            longest = max(longest, run.config["epochs"], loss.size)
            if ok.any():
                # a diverging loss would squash the rest: the axis stops at 100 x the first
                top.append(min(loss[ok].max(), 100 * loss[ok][0]))
                bottom.append(loss[ok].min())
            if run.diverged_at is not None:
                self.div_marks[s].set_data([max(run.diverged_at, 1)], [1.0])
                notes.append(f"{s} diverged at epoch {run.diverged_at} (x)")
            else:
                self.div_marks[s].set_data([], [])
        self.ax_l.set_xlim(0, longest)
        if top:
            lo, hi = min(bottom), max(top)
            self.ax_l.set_ylim(max(lo / 2, TINY), min(hi * 2, HUGE))
        else:
            self.ax_l.set_ylim(0.01, 10)
        self.note_l.set_text("\n".join(notes))
        if self.two_d:
            for s in SLOTS:
                ax, im, t, note = self.panels[s]
                run = runs.get(s)
                if run is None:
                    im.set_data(np.ones(self.grid_shape + (3,)))
                    t.set_text(f"{s}: not trained yet")
                    note.set_text("")
                    continue
                rgb, bad = self._boundary(run.net)
                im.set_data(rgb)
                t.set_text(self._run_title(s, run))
                note.set_text(f"pink: output inf/nan ({100 * bad:.0f}% of the plane)" if bad
                              else "")
        else:
            longest_acc = 1
            for s in SLOTS:
                run = runs.get(s)
                acc = [] if run is None else run.accuracy
                self.acc_lines[s].set_data(np.arange(1, len(acc) + 1), acc)
                longest_acc = max(longest_acc, len(acc))
                gs = None if run is None else run.grad_std_first
                if gs:
                    v = np.asarray(gs, dtype=float)
                    self.gs_lines[s].set_data(np.where((v > TINY) & (v < HUGE), v, np.nan),
                                              np.arange(1, v.size + 1))
                else:
                    self.gs_lines[s].set_data([], [])
            self.ax_acc.set_xlim(0, longest_acc)
            series = [run.grad_std_first for run in runs.values() if run and run.grad_std_first]
            self.ax_gs.set_xlim(*log_limits(*series) if series else (1e-3, 1e1))
            n = max([len(x) for x in series], default=1)
            self.ax_gs.set_ylim(n + 0.5, 0.5)
            lines = [self._run_title(s, runs[s]).replace("\n", ", ") for s in SLOTS
                     if runs.get(s)]
            self.runs_text.set_text("\n".join(lines))
        return self.fig

    @staticmethod
    def _run_title(slot, run):
        c = run.config
        acc = f", acc {run.accuracy[-1]:.2f}" if run.accuracy else ""
        state = (" (diverged)" if run.diverged_at is not None
                 else " (stopped)" if run.stopped else "")
        return (f"{slot}: {run.label}\n{c['depth']}x{c['width']}, lr {c['lr']:.3g}, "
                f"epoch {run.epoch}{acc}{state}")


def training_figure(dataset="moons", runs=None, seed=0, dpi=STATIC_DPI) -> Figure:
    """Train up to two runs to the end and return the training explorer's figure.

    Args:
        dataset: one of :data:`initviz.datasets.NAMES`.
        runs: dict slot ("A", "B") -> run settings (keys of :data:`TRAIN_DEFAULTS`:
            weight_init, scale, activation, depth, width, epochs, lr); default one run "A"
            with TRAIN_DEFAULTS. Example: ``{"A": dict(weight_init="random_normal",
            scale=0.01, activation="tanh"), "B": dict(weight_init="glorot_uniform",
            activation="tanh")}``.
        seed: data and weight seed (both runs start from the same draws).
    Returns:
        matplotlib Figure (8 x 3 in).
    Raises:
        ValueError, TypeError: an unknown dataset, slot or setting.
    """
    runs = {"A": {}} if runs is None else runs
    check_choice("dataset", dataset, datasets.NAMES)
    configs = check_runs(runs)
    X, y = datasets.load(dataset, seed)
    done = {s: train_run(new_run(c, X, y, seed), X, y) for s, c in configs.items()}
    title = f"{dataset}: " + ", ".join(f"{s} = {r.label}" for s, r in done.items())
    return TrainingView(X, y, dpi=dpi).update(done, title=title)

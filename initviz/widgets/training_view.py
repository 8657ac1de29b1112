"""The training explorer's figure: loss curves of runs A and B, then per run its decision
boundary (2-D data) or, for digits, accuracy and the first epoch's per-layer gradient std;
:func:`training_figure` is its static twin."""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, Normalize, to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from .. import datasets
from .._checks import check_choice
from .._util import single_thread
from ..plots import LABEL_SIZE, MARKERS, TEXT_SIZE, TITLE_SIZE, ShownFigure, describe
from ..plots.decision_boundary import _binary_cmap
from .descriptions import training_description
from .render import BAD_COLOR, FIGSIZE, HUGE, LIVE_DPI, STATIC_DPI, TINY, log_limits
from .runs import SLOTS, check_runs, new_run, train_run

__all__ = ["TrainingView", "training_figure"]

SLOT_STYLE = {"A": dict(color="#0072B2", ls="-"), "B": dict(color="#D55E00", ls="--")}
SLOT_WORD = {"A": "solid", "B": "dashed"}
CLASS_COLORS = np.array([to_rgb(c) for c in ("#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                            "#E69F00", "#56B4E9", "#000000", "#F0E442",
                                            "#999999", "#7F3C8D")])
_LIGHTER = 0.5  # the plane's colors are mixed half with white, so the points stand out

# Layout in inches of the FIGSIZE (9 x 4 in) figure: a 12-pt title and two lines of run
# descriptions above the panels (1.25 in), tick labels and x labels below (0.75 in).
_TOP, _BOTTOM = 1.25, 0.72


def _box(fig, left, width):
    w, h = fig.get_size_inches()
    return (left / w, _BOTTOM / h, width / w, (h - _TOP - _BOTTOM) / h)


def _lighter(cmap):
    """``cmap`` mixed with white like the plane's colors (for its colour bar)."""
    colors = cmap(np.linspace(0, 1, 256))[:, :3]
    return ListedColormap(1 - _LIGHTER * (1 - colors))


class TrainingView:
    """The training explorer's figure: loss curves of runs A (solid) and B (dashed), then
    per run its decision boundary (2-D data: P(class 1) from class-0 blue through white at
    0.5 to class-1 orange, with a colour bar; more classes: each class's color weighted by
    its probability, with a key) or, for digits, the accuracy curves and the first epoch's
    per-layer gradient std. Built once per data set; frames only update data. Text follows
    :mod:`initviz.plots`' size rule."""

    def __init__(self, X, y, dpi=LIVE_DPI, resolution=60):
        self.X, self.y = X, y
        self.two_d = X.shape[1] == 2
        self.n_classes = int(y.max()) + 1
        fig = self.fig = ShownFigure(figsize=FIGSIZE, dpi=dpi)
        FigureCanvasAgg(fig)
        h = fig.get_figheight()
        self.title = fig.text(0.5, 1 - 0.08 / h, "", ha="center", va="top",
                              fontsize=TITLE_SIZE)
        self.runs_text = fig.text(0.8 / fig.get_figwidth(), 1 - 0.4 / h, "", ha="left",
                                  va="top", fontsize=TEXT_SIZE, linespacing=1.3)
        self.ax_l = ax = fig.add_axes(_box(fig, 0.85, 2.15))
        ax.set_yscale("log")
        ax.set_xlabel("epoch", fontsize=LABEL_SIZE, labelpad=2)
        loss = "binary cross-entropy" if self.n_classes == 2 else "cross-entropy"
        ax.set_ylabel(loss, fontsize=LABEL_SIZE, labelpad=2)
        ax.set_title("training loss", fontsize=LABEL_SIZE, y=1.01)
        ax.grid(True, alpha=0.3, lw=0.6)
        self.loss_lines = {s: ax.plot([], [], lw=1.6, label=s, **SLOT_STYLE[s])[0] for s in SLOTS}
        self.div_marks = {s: ax.plot([], [], "x", ms=8, mew=2, color=SLOT_STYLE[s]["color"],
                                     transform=ax.get_xaxis_transform(), clip_on=False)[0]
                          for s in SLOTS}  # at the top edge: x in epochs, y in axes units
        self.note_l = ax.text(0.03, 0.04, "", transform=ax.transAxes, fontsize=TEXT_SIZE,
                              color=BAD_COLOR)
        self.panels = {}
        if self.two_d:
            self._boundary_panels(fig, X, y, resolution)
        else:
            ax = self.ax_acc = fig.add_axes(_box(fig, 3.75, 2.0))
            ax.set_title("training accuracy", fontsize=LABEL_SIZE, y=1.01)
            ax.set_xlabel("epoch", fontsize=LABEL_SIZE, labelpad=2)
            ax.set_ylabel("accuracy", fontsize=LABEL_SIZE, labelpad=2)
            ax.set_ylim(0, 1.02)
            ax.grid(True, alpha=0.3, lw=0.6)
            self.acc_lines = {s: ax.plot([], [], lw=1.6, **SLOT_STYLE[s])[0] for s in SLOTS}
            ax = self.ax_gs = fig.add_axes(_box(fig, 6.55, 2.25))
            ax.set_xscale("log")
            ax.set_title("std of dL/dW, epoch 1", fontsize=LABEL_SIZE, y=1.01)
            ax.set_xlabel("std of dL/dW (log scale)", fontsize=LABEL_SIZE, labelpad=2)
            ax.set_ylabel("layer", fontsize=LABEL_SIZE, labelpad=2)
            ax.xaxis.set_major_locator(LogLocator(numticks=4))
            ax.xaxis.set_minor_locator(NullLocator())
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(True, axis="x", alpha=0.3, lw=0.6)
            self.gs_lines = {s: ax.plot([], [], marker="os"[i], ms=5, lw=1.4, **SLOT_STYLE[s])[0]
                             for i, s in enumerate(SLOTS)}
        for ax in fig.axes:
            ax.tick_params(labelsize=TEXT_SIZE, length=3)

    def _boundary_panels(self, fig, X, y, resolution):
        """The two decision-boundary panels, their colour bar (two classes) or class key."""
        lo, hi = X.min(axis=0), X.max(axis=0)
        pad = 0.1 * (hi - lo)
        self.extent = (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])
        g0 = np.linspace(self.extent[0], self.extent[1], resolution)
        g1 = np.linspace(self.extent[2], self.extent[3], resolution)
        self.grid = np.column_stack([a.ravel() for a in np.meshgrid(g0, g1)])
        self.grid_shape = (resolution, resolution)
        self.cmap = _lighter(_binary_cmap())
        first = None
        for i, s in enumerate(SLOTS):
            ax = fig.add_axes(_box(fig, 3.6 + 2.15 * i, 2.0), sharex=first, sharey=first)
            first = first or ax
            im = ax.imshow(np.ones(self.grid_shape + (3,)), origin="lower",
                           extent=self.extent, aspect="auto", interpolation="bilinear")
            for c in np.unique(y):
                pts = X[y == c]
                ax.scatter(pts[:, 0], pts[:, 1], s=10, color=CLASS_COLORS[c % len(CLASS_COLORS)],
                           marker=MARKERS[c % len(MARKERS)], edgecolors="white",
                           linewidths=0.3, label=f"class {c}")
            ax.tick_params(left=False, bottom=False, labelleft=False, labelbottom=False)
            ax.set_xlabel("feature 1", fontsize=LABEL_SIZE, labelpad=2)
            t = ax.set_title(f"{s}: not trained yet", fontsize=LABEL_SIZE, y=1.01)
            note = ax.text(0.5, 0.04, "", transform=ax.transAxes, ha="center",
                           fontsize=TEXT_SIZE, color=BAD_COLOR,
                           bbox=dict(facecolor="white", alpha=0.8, edgecolor="none", pad=1))
            self.panels[s] = (ax, im, t, note)
        first.set_ylabel("feature 2", fontsize=LABEL_SIZE, labelpad=2)
        w = fig.get_figwidth()
        box = _box(fig, 7.95, 0.15)
        if self.n_classes == 2:
            cax = fig.add_axes(box)
            bar = fig.colorbar(ScalarMappable(Normalize(0, 1), self.cmap), cax=cax,
                               ticks=[0, 0.5, 1])
            bar.set_label("P(class 1)", fontsize=LABEL_SIZE)
        else:  # the plane mixes class colors: a key, not a scale
            fig.legend(*first.get_legend_handles_labels(), loc="upper left",
                       bbox_to_anchor=(7.85 / w, box[1] + box[3]), fontsize=TEXT_SIZE,
                       frameon=False, handletextpad=0.1, borderaxespad=0, markerscale=1.5)

    def _boundary(self, net):
        """RGB image of the prediction on the grid (two classes: P(class 1) on the colour
        bar's scale; more: each class's color weighted by its probability), lightened; the
        fraction of grid points with inf/nan output; the (min, max) over the plane of the
        last class's probability."""
        with np.errstate(all="ignore"), single_thread():
            out = net.forward(self.grid)
        p = np.column_stack([1 - out[:, 0], out[:, 0]]) if out.shape[1] == 1 else out
        bad = ~np.isfinite(p).all(axis=1)
        p = np.where(bad[:, None], 0.0, p)
        if p.shape[1] == 2:
            rgb = self.cmap(np.clip(p[:, 1], 0, 1))[:, :3]
        else:
            rgb = 1.0 - _LIGHTER * (1.0 - p @ CLASS_COLORS[:p.shape[1]])
        rgb[bad] = to_rgb("#F4B6B6")
        p1 = p[~bad, -1]
        spread = (float(p1.min()), float(p1.max())) if p1.size else (0.0, 1.0)
        return np.clip(rgb, 0, 1).reshape(self.grid_shape + (3,)), float(bad.mean()), spread

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
        shown = [s for s in SLOTS if runs.get(s) is not None and runs[s].loss]
        legend = self.ax_l.get_legend()
        if legend is not None:
            legend.remove()
        if shown:  # the legend lists only the runs drawn
            self.ax_l.legend([self.loss_lines[s] for s in shown], shown, loc="best",
                             fontsize=TEXT_SIZE, framealpha=0.85, edgecolor="none")
        self.runs_text.set_text("\n".join(self._run_line(s, runs[s]) for s in SLOTS
                                          if runs.get(s)))
        if self.two_d:
            for s in SLOTS:
                ax, im, t, note = self.panels[s]
                run = runs.get(s)
                if run is None:
                    im.set_data(np.ones(self.grid_shape + (3,)))
                    t.set_text(f"{s}: not trained yet")
                    note.set_text("")
                    continue
                rgb, bad, spread = self._boundary(run.net)
                im.set_data(rgb)
                t.set_text(f"{s}: {self._result(run)}")
                centre, half = (spread[1] + spread[0]) / 2, (spread[1] - spread[0]) / 2
                note.set_text(f"pink: output inf/nan\n({100 * bad:.0f}% of the plane)" if bad
                              else f"flat: P(class 1)\n= {centre:.3g} ± {half:.1g}"
                              if half < 0.01 else "")
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
        describe(self.fig, training_description(runs, title, self.two_d))
        return self.fig

    @staticmethod
    def _result(run):
        """'acc 0.88 (diverged)': where the run stands."""
        acc = f"acc {run.accuracy[-1]:.2f}" if run.accuracy else f"epoch {run.epoch}"
        state = (" (diverged)" if run.diverged_at is not None
                 else " (stopped)" if run.stopped else "")
        return acc + state

    @staticmethod
    def _run_line(slot, run):
        """'A (solid): he_normal, relu, 3x32, lr 0.5; epoch 500, acc 0.88'."""
        c = run.config
        return (f"{slot} ({SLOT_WORD[slot]}): {run.label}, {c['depth']}x{c['width']}, "
                f"lr {c['lr']:.3g}; epoch {run.epoch}, {TrainingView._result(run)}")


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
        matplotlib Figure (9 x 4 in, rendered at 192 dpi), with a description of each run.
    Raises:
        ValueError, TypeError: an unknown dataset, slot or setting.
    """
    runs = {"A": {}} if runs is None else runs
    check_choice("dataset", dataset, datasets.NAMES)
    configs = check_runs(runs)
    X, y = datasets.load(dataset, seed)
    done = {s: train_run(new_run(c, X, y, seed), X, y) for s, c in configs.items()}
    return TrainingView(X, y, dpi=dpi).update(done, title=f"{dataset}, seed {seed}")

"""The live training explorer: train two networks side by side and watch them learn (or not)."""

from __future__ import annotations

import math
import threading

import ipywidgets as W
from matplotlib.figure import Figure

from .. import datasets
from .._checks import check_choice
from ..explorer_settings import ACTIVATION_CHOICES, INIT_CHOICES, scale_meaning
from .controls import log_slider
from .render import BAD_COLOR, CSS_WIDTH, LIVE_DPI, STATIC_DPI, fmt, render_png
from .runs import SLOTS, TRAIN_DEFAULTS, check_run_config, check_runs, new_run, train_run
from .training_view import TrainingView

__all__ = ["TrainingExplorer", "training_explorer"]


class TrainingExplorer(W.VBox):
    """The live training explorer (an ipywidgets VBox; see the module docstring).

    Press "train" to train a network with the current settings into the selected slot
    (A or B); the figure updates about 30 times per run; "stop" ends a run early.
    Training runs in a worker thread, so the stop button (and the rest of the notebook)
    stays responsive. Changing the data set clears both slots.

    Attributes:
        controls: dict of the control widgets; runs: dict slot -> TrainRun or None;
        image, progress, status; view: the :class:`TrainingView`.
    """

    def __init__(self, dataset="moons", runs=None, seed=0, *, dpi=LIVE_DPI):
        runs = {} if runs is None else runs
        configs = check_runs(runs)
        first = configs.get("A", configs.get("B", dict(TRAIN_DEFAULTS)))
        check_choice("dataset", dataset, datasets.NAMES)
        wide = {"style": {"description_width": "70px"}}
        c = self.controls = dict(
            dataset=W.Dropdown(options=datasets.NAMES, value=dataset, description="data set", **wide),
            weight_init=W.Dropdown(options=INIT_CHOICES, value=first["weight_init"],
                                   description="initializer", **wide),
            scale=log_slider(first["scale"], scale_meaning(first["weight_init"])),
            activation=W.Dropdown(options=ACTIVATION_CHOICES, value=first["activation"],
                                  description="activation", **wide),
            depth=W.IntSlider(value=first["depth"], min=1, max=max(10, first["depth"]),
                              description="layers", **wide),
            width=W.IntSlider(value=first["width"], min=2, max=max(128, first["width"]),
                              description="width", **wide),
            epochs=W.IntSlider(value=first["epochs"], min=10, max=max(2000, first["epochs"]),
                               step=10, description="epochs", **wide),
            lr=log_slider(first["lr"], "lr", 1e-3, 2.0),
            slot=W.ToggleButtons(options=SLOTS, value="A", description="into slot",
                                 style={"description_width": "70px", "button_width": "40px"}),
        )
        c["train"] = W.Button(description="train", button_style="success", icon="play",
                              layout=W.Layout(width="90px"))
        c["stop"] = W.Button(description="stop", button_style="danger", icon="stop",
                             disabled=True, layout=W.Layout(width="90px"))
        self.progress = W.IntProgress(value=0, min=0, max=1, description="progress",
                                      style={"description_width": "70px"})
        self.image = W.Image(format="png", layout=W.Layout(width=CSS_WIDTH, max_width="100%"))
        self.status = W.HTML()
        self.seed = seed
        self.dpi = dpi
        self.runs = {s: None for s in SLOTS}
        self._stop = threading.Event()
        self._thread = None
        self._lock = threading.Lock()
        self._load(dataset)
        for s, cfg in configs.items():  # initial runs: trained now, synchronously
            self.runs[s] = train_run(new_run(cfg, self.X, self.y, seed), self.X, self.y)
        self._draw()
        rows = [W.HBox([c["dataset"], c["weight_init"], c["activation"]]),
                W.HBox([c["scale"], c["lr"], c["depth"]]),
                W.HBox([c["width"], c["epochs"], c["slot"]]),
                W.HBox([c["train"], c["stop"], self.progress]),
                self.image, self.status]
        super().__init__(rows)
        c["train"].on_click(lambda _b: self.train())
        c["stop"].on_click(lambda _b: self.stop())
        c["dataset"].observe(self._dataset_changed, names="value")
        c["weight_init"].observe(self._init_changed, names="value")

    def __repr__(self):
        runs = ", ".join(f"{s}: {r.label}" for s, r in self.runs.items() if r) or "no runs yet"
        return (f"TrainingExplorer({self.dataset}; {runs}): a live widget; "
                "training_figure(...) draws it statically")

    def _load(self, dataset):
        self.dataset = dataset
        self.X, self.y = datasets.load(dataset, self.seed)
        self.view = TrainingView(self.X, self.y, dpi=self.dpi)

    def _dataset_changed(self, change):
        self.stop(wait=True)
        with self._lock:
            self._load(change["new"])
            self.runs = {s: None for s in SLOTS}
            self._draw()

    def _init_changed(self, change):
        meaning = scale_meaning(change["new"])
        self.controls["scale"].description = meaning
        self.controls["scale"].disabled = meaning == "unused"

    def config(self) -> dict:
        """The run settings the controls show now."""
        return {k: self.controls[k].value for k in TRAIN_DEFAULTS}

    def _draw(self):
        title = ""
        self.view.update(self.runs, title=title)
        self.image.value = render_png(self.view.fig)

    def train(self, slot=None, wait=False, **settings):
        """Train a run with the current controls (overridden by ``settings``) into
        ``slot`` (default: the selected one), in a worker thread. ``wait=True`` blocks
        until it ends. Ignored while a run is going."""
        if self._thread is not None and self._thread.is_alive():
            return
        slot = self.controls["slot"].value if slot is None else slot
        check_choice("slot", slot, SLOTS)
        cfg = check_run_config({**self.config(), **settings})
        self._stop.clear()
        self.controls["train"].disabled, self.controls["stop"].disabled = True, False
        self.progress.max, self.progress.value = cfg["epochs"], 0
        self._thread = threading.Thread(target=self._worker, args=(slot, cfg), daemon=True,
                                        name="initviz-training")
        self._thread.start()
        if wait:
            self._thread.join()

    def _worker(self, slot, cfg):
        try:
            with self._lock:
                run = self.runs[slot] = new_run(cfg, self.X, self.y, self.seed)
                self.status.value = f"training {slot}: {run.label}..."

                def frame(r):
                    self.progress.value = r.epoch
                    self._draw()

                train_run(run, self.X, self.y, stop=self._stop, on_frame=frame)
                end = ("diverged at epoch %d" % run.diverged_at if run.diverged_at is not None
                       else "stopped" if run.stopped else "done")
                loss = run.loss[-1] if run.loss else math.nan
                self.status.value = (f"{slot}: {run.label}: {end} after {run.epoch} epochs, "
                                     f"loss {fmt(loss)}")
        except Exception as err:  # noqa: BLE001 - report, do not kill the kernel's thread
            self.status.value = f"<b style='color:{BAD_COLOR}'>{type(err).__name__}: {err}</b>"
        finally:
            self.controls["train"].disabled, self.controls["stop"].disabled = False, True

    def stop(self, wait=False):
        """Ask the running training to stop (after its current chunk)."""
        self._stop.set()
        if wait and self._thread is not None:
            self._thread.join()

    def figure(self, dpi=STATIC_DPI) -> Figure:
        """A static Figure of the runs on screen."""
        view = TrainingView(self.X, self.y, dpi=dpi)
        return view.update(self.runs, title=self.dataset)


def training_explorer(dataset="moons", runs=None, seed=0) -> TrainingExplorer:
    """The live training explorer.

    Args:
        dataset: moons, circles, spiral or digits.
        runs: None, or dict slot ("A", "B") -> run settings (see :func:`training_figure`)
            to train at once, so the explorer opens with a finished comparison; the
            controls start at the settings of run A.
        seed: data and weight seed.
    Returns:
        :class:`TrainingExplorer`, a widget: make it the last expression of a cell.
    Raises:
        ValueError, TypeError: an unknown dataset, slot or setting.
    """
    check_choice("dataset", dataset, datasets.NAMES)
    return TrainingExplorer(dataset, runs, seed)

"""The training explorer's runs, without drawing: settings checked, a network built for a
data set, and trained by :func:`initviz.train` with a live frame every few epochs."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .._checks import check_choice, check_int, check_real
from ..explorer_settings import ACTIVATION_CHOICES, resolve_initializer
from ..mlp import MLP
from ..training import History, train

__all__ = ["TRAIN_DEFAULTS", "SLOTS", "TrainRun", "check_run_config", "check_runs", "new_run",
           "train_run"]

#: The training explorer's two places for a run, drawn side by side.
SLOTS = ("A", "B")
#: The training explorer's defaults (a run of them takes ~0.2 s of compute on moons).
TRAIN_DEFAULTS = dict(weight_init="he_normal", scale=1.0, activation="relu", depth=3, width=32,
                      epochs=500, lr=0.5)
N_FRAMES = 25  # live frames per run
FRAME_SECONDS = 0.3  # long runs: a frame at least this often


def check_run_config(config) -> dict:
    """The run settings ``config`` (a dict of :data:`TRAIN_DEFAULTS` keys) completed with
    the defaults and checked.

    Raises:
        TypeError: an unknown key, or a value of the wrong type. ValueError: a bad value
        (depth 1-20, width 1-1024, epochs 1-100000, lr finite and > 0, known names).

    >>> check_run_config({"lr": 0.1})["depth"]
    3
    """
    unknown = set(config) - set(TRAIN_DEFAULTS)
    if unknown:
        raise TypeError(f"unknown run settings {sorted(unknown)}; valid: {list(TRAIN_DEFAULTS)}")
    cfg = {**TRAIN_DEFAULTS, **config}
    resolve_initializer(cfg["weight_init"], cfg["scale"])
    check_choice("activation", cfg["activation"], ACTIVATION_CHOICES)
    cfg["depth"] = check_int("depth", cfg["depth"], 1, 20)
    cfg["width"] = check_int("width", cfg["width"], 1, 1024)
    cfg["epochs"] = check_int("epochs", cfg["epochs"], 1, 100_000)
    cfg["lr"] = check_real("lr", cfg["lr"], 0, low_open=True)
    return cfg


def check_runs(runs) -> dict:
    """``{slot: check_run_config(settings)}`` for a dict slot ("A", "B") -> run settings.

    Raises:
        TypeError: runs is not a dict. ValueError: an unknown slot; what
        :func:`check_run_config` raises.

    >>> sorted(check_runs({"B": {"depth": 2}}))
    ['B']
    """
    if not isinstance(runs, dict):
        raise TypeError(f"runs must be a dict slot ('A', 'B') -> run settings, got {runs!r}")
    for slot in runs:
        check_choice("slot", slot, SLOTS)
    return {s: check_run_config(c) for s, c in runs.items()}


@dataclass
class TrainRun:
    """One training run of the explorer: its settings and what was recorded so far.

    Attributes:
        config: dict of :data:`TRAIN_DEFAULTS` keys. label: the initializer's description.
        net: the :class:`initviz.MLP` being trained. history: its :class:`initviz.History`
            (filled while it trains). stopped: True if the stop button ended it.
        loss, accuracy: per epoch run (a diverged epoch's loss is nan and ends the list).
        grad_std_first: per-layer std of dL/dW in the first epoch (layer 1 first), or None.
        diverged_at: 0-based epoch whose loss was inf/nan, or None.
    """

    config: dict
    label: str
    net: MLP
    history: History = field(default_factory=History)
    stopped: bool = False

    @property
    def loss(self) -> list:
        return self.history.loss[:self.history.epochs_run]

    @property
    def accuracy(self) -> list:
        return self.history.accuracy

    @property
    def grad_std_first(self):
        return list(self.history.grad_std[0]) if self.history.grad_std else None

    @property
    def diverged_at(self):
        return self.history.diverged_at

    @property
    def epoch(self) -> int:
        return self.history.epochs_run


def new_run(config, X, y, seed) -> TrainRun:
    """An untrained run of checked settings for data (X, y): sigmoid output for two classes,
    softmax for more; weights drawn from ``seed``.

    >>> from initviz import datasets
    >>> X, y = datasets.load("moons")
    >>> new_run(check_run_config({}), X, y, seed=0).net.layer_sizes
    [2, 32, 32, 32, 1]
    """
    init, label = resolve_initializer(config["weight_init"], config["scale"])
    k = int(y.max()) + 1
    sizes = [X.shape[1]] + [config["width"]] * config["depth"] + [1 if k == 2 else k]
    net = MLP(sizes, activation=config["activation"], weight_init=init,
              output_activation="sigmoid" if k == 2 else "softmax", rng=seed)
    return TrainRun(dict(config), f"{label}, {config['activation']}", net)


def train_run(run, X, y, stop=None, on_frame=None) -> TrainRun:
    """Train ``run`` for its configured epochs with :func:`initviz.train` (full batch).

    ``on_frame(run)`` is called about :data:`N_FRAMES` times, at least every 0.3 s, and
    once at the end; ``stop`` (a ``threading.Event``) is checked after every epoch and
    ends the run (``run.stopped``).

    >>> from initviz import datasets
    >>> X, y = datasets.load("moons")
    >>> frames = []
    >>> run = train_run(new_run(check_run_config({"epochs": 50}), X, y, 0), X, y,
    ...                 on_frame=lambda r: frames.append(r.epoch))
    >>> run.epoch, frames[:3], frames[-1]
    (50, [2, 4, 6], 50)
    """
    epochs = run.config["epochs"]
    frame_every = max(1, -(-epochs // N_FRAMES))
    last_frame = [time.perf_counter()]

    def each_epoch(epoch, history):
        run.history = history
        if stop is not None and stop.is_set():
            run.stopped = True
            return True
        if on_frame is not None and ((epoch + 1) % frame_every == 0 and epoch + 1 < epochs
                                     or time.perf_counter() - last_frame[0] > FRAME_SECONDS):
            on_frame(run)
            last_frame[0] = time.perf_counter()
        return False

    run.history = train(run.net, X, y, epochs, run.config["lr"], callback=each_epoch)
    if on_frame is not None:
        on_frame(run)
    return run

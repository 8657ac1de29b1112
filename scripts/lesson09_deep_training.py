"""Lesson 09's training runs, too slow for the notebook's 15 s: a 50-block residual MLP
(2 dense layers of 64 units per branch, 102 dense layers in all) trained on the bundled
digits from each start of initviz.residual_experiments.residual_starts, and a 30-layer plain
ReLU MLP from Xavier, He and LSUV. Written to notebooks/data/lesson09_deep_training.json,
which notebooks/09_deep_networks.ipynb reads; tests/test_residual_experiments.py reruns a
reduced version and checks it agrees in kind.

Usage:  python scripts/lesson09_deep_training.py [--out PATH] [--quick]
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from initviz import datasets
from initviz._util import run_experiment
from initviz.residual_experiments import plain_starts, residual_starts, run_start

OUT = Path(__file__).resolve().parents[1] / "notebooks" / "data" / "lesson09_deep_training.json"

# The full run takes ~4 minutes on one core. SGD settings: batch 32, lr 0.01 for 8 epochs,
# the same for every start (no start gets its own tuning).
FULL = dict(n_blocks=50, plain_depth=30, width=64, epochs=8, lr=0.01, batch_size=32)
QUICK = dict(n_blocks=12, plain_depth=12, width=32, epochs=2, lr=0.01, batch_size=32)
SEED = 0


def run(settings) -> dict:
    """Every result, JSON-ready: {"settings", "residual": {start: result}, "plain": {...}}."""
    X, y = datasets.load_digits()
    data = datasets.train_test_split(X, y, test_fraction=0.25, rng=SEED)
    data = (data[0], data[2], data[1], data[3])  # X_train, y_train, X_test, y_test
    common = dict(width=settings["width"], epochs=settings["epochs"], lr=settings["lr"],
                  batch_size=settings["batch_size"], seed=SEED)
    out = {"settings": settings, "residual": {}, "plain": {}}
    for name, config in residual_starts(settings["n_blocks"]).items():
        out["residual"][name] = run_start("residual", config, data, depth=settings["n_blocks"],
                                          **common).to_dict()
    for name, config in plain_starts().items():
        out["plain"][name] = run_start("plain", config, data, depth=settings["plain_depth"],
                                       **common).to_dict()
    return out


def main(argv=None):
    start = time.perf_counter()
    results, out = run_experiment(__doc__, OUT, run, FULL, QUICK, argv)
    out.write_text(json.dumps(results, indent=1) + "\n")
    for kind in ("residual", "plain"):
        for name, r in results[kind].items():
            print(f"{kind} {name}: initial loss {r['initial_loss']}, final loss {r['loss'][-1]}, "
                  f"test accuracy {r['test_accuracy']}")
    print(f"wrote {out} in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()

"""Lesson 10's width experiments, too slow for the notebook's 15 s: the coordinate check up to
width 2048 and the learning-rate transfer sweep, SP against muP, written to
notebooks/data/lesson10_width.json, which notebooks/10_transformers_and_width.ipynb reads.
tests/test_width.py reruns a reduced version and checks it agrees in kind.

Usage:  python scripts/lesson10_width.py [--out PATH] [--quick]
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from initviz import datasets
from initviz._util import run_experiment
from initviz.width import coord_check, lr_transfer, save_results

OUT = Path(__file__).resolve().parents[1] / "notebooks" / "data" / "lesson10_width.json"

# The full run: widths 64..2048 for the coordinate check (the range of the lesson), 64..1024
# for the sweep (a 2048-wide sweep would take ~4x the ~2 minutes of 1024 alone on 2 cores).
FULL = dict(coord_widths=[64, 128, 256, 512, 1024, 2048], coord_seeds=(0, 1, 2),
            sweep_widths=[64, 128, 256, 512, 1024],
            lrs=[float(v) for v in 10.0 ** np.arange(-4.5, -0.9, 0.5)], epochs=5)
QUICK = dict(coord_widths=[64, 512], coord_seeds=(0,), sweep_widths=[64, 512],
             lrs=[float(v) for v in 10.0 ** np.arange(-4.0, -1.4, 0.5)], epochs=2)
BASE_WIDTH = 64
COORD_LR = 0.01


def run(settings) -> dict:
    """Every result of the lesson, by name (see save_results)."""
    X, y = datasets.load_digits()
    results = {}
    for p in ("standard", "mup"):
        results[f"coord_{p}"] = coord_check(X, y, settings["coord_widths"], p, BASE_WIDTH,
                                            lr=COORD_LR, steps=3, seeds=settings["coord_seeds"])
        results[f"lr_{p}"] = lr_transfer(X, y, settings["sweep_widths"], settings["lrs"], p,
                                         BASE_WIDTH, epochs=settings["epochs"])
    return results


def main(argv=None):
    start = time.perf_counter()
    results, out = run_experiment(__doc__, OUT, run, FULL, QUICK, argv)
    save_results(out, **results)
    for p in ("standard", "mup"):
        print(f"{p}: best lr per width {results[f'lr_{p}'].best_lrs().tolist()}; coord growth "
              f"{np.round(results[f'coord_{p}'].growth(), 3).tolist()}")
    print(f"wrote {out} in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()

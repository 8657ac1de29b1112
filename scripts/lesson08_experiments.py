"""Lesson 08's heavier experiments; each writes a small JSON file the notebook reads.

    python scripts/lesson08_experiments.py [jacobians] [saxe] [trainability] [width]

- ``jacobians``: singular values of the input-output Jacobian of random networks (width 128,
  depths 4-128; Gaussian and orthogonal weights; linear, ReLU at He's point, tanh at its
  critical point with sigma_b2 = 1e-4) -> notebooks/data/lesson08_jacobians.json
  (Pennington, Schoenholz & Ganguli 2017).
- ``saxe``: epochs for a deep linear network to reach 5 % of the loss of predicting 0,
  depths 2-64 (2 seeds, at most 2,000 epochs), orthogonal against scaled Gaussian weights
  -> notebooks/data/lesson08_saxe.json (Saxe, McClelland & Ganguli 2014).
- ``trainability``: tanh networks on the digits, a grid of sigma_w2 by depth, training
  accuracy after 4 epochs, with 6 xi_c -> notebooks/data/lesson08_trainability.json
  (Schoenholz et al. 2017).
- ``width``: the correlation of two inputs (c0 = 0.3) at layer 20 of tanh networks at
  sigma_b2 = 0.05 (ordered 1.2, critical, chaotic 3.0) against the mean-field theory, at
  widths 256-2048, many networks each -> notebooks/data/lesson08_width.json: is the gap
  between a finite network and the theory finite-width (shrinking with width) or a bias?
  (Poole et al. 2016, Figure 2.)

tests/test_lesson08.py reruns reduced versions and checks the same conclusions, and checks
the stored results.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from initviz import mean_field
from initviz.deep_linear import epochs_to_loss
from initviz.jacobians import singular_values, spread
from initviz.random_networks import measure_pair, random_network
from initviz.trainability import trainability_grid, trainable_depth

DATA = Path(__file__).resolve().parent.parent / "notebooks" / "data"
SEED = 0

JACOBIAN_DEPTHS = (4, 8, 16, 32, 64, 128)
JACOBIAN_WIDTH = 128
TANH_SIGMA_B2 = 1e-4


def jacobian_configs():
    """name -> (activation, sigma_w2, sigma_b2, weights): each at its critical point."""
    tanh_w2 = mean_field.critical_sigma_w2("tanh", TANH_SIGMA_B2)
    out = {}
    for weights in ("gaussian", "orthogonal"):
        out[f"linear, {weights}"] = ("linear", 1.0, 0.0, weights)
        out[f"relu, {weights}"] = ("relu", 2.0, 0.0, weights)
        out[f"tanh, {weights}"] = ("tanh", tanh_w2, TANH_SIGMA_B2, weights)
    return out


def jacobians(depths=JACOBIAN_DEPTHS, width=JACOBIAN_WIDTH, seeds=2, keep_depth=128):
    """Spread of the Jacobian's singular values per config and depth."""
    result = {"depths": list(depths), "width": width, "seeds": seeds, "configs": {}}
    for name, (act, w2, b2, weights) in jacobian_configs().items():
        q_star = mean_field.fixed_point(act, w2, b2)
        q_in = q_star if 0 < q_star < math.inf else 1.0
        rows, kept = [], None
        for depth in depths:
            s = []
            for seed in range(seeds):
                gen = np.random.default_rng([SEED, depth, seed])
                net = random_network(act, w2, b2, depth, width, weights=weights, rng=gen)
                x = gen.standard_normal((1, width)) * math.sqrt(q_in)
                s.append(singular_values(net, x)[0])
            s = np.concatenate(s)
            rows.append(spread(s))
            if depth == keep_depth:
                kept = s
        result["configs"][name] = {
            "activation": act, "sigma_w2": w2, "sigma_b2": b2, "weights": weights,
            "mean_s2": [round(r[0], 5) for r in rows], "max_over_rms": [round(r[1], 5) for r in rows],
            "singular_values": [float(f"{v:.5g}") for v in kept]}
        print(f"{name:22s} max/rms by depth: " + " ".join(f"{r[1]:.3g}" for r in rows), flush=True)
    return result


def saxe(depths=(2, 4, 8, 16, 32, 64), seeds=2, max_epochs=2000, **kwargs):
    """Epochs to the target loss per depth and weights (None: not within max_epochs)."""
    result = {"depths": list(depths), "seeds": seeds, "max_epochs": max_epochs,
              "settings": dict(width=16, n_samples=128, lr_scale=0.5, threshold=0.05,
                               **kwargs), "epochs": {}}
    for weights in ("orthogonal", "gaussian"):
        result["epochs"][weights] = [
            [epochs_to_loss(d, weights, max_epochs=max_epochs, rng=np.random.default_rng([SEED, d, s]),
                            **kwargs) for s in range(seeds)] for d in depths]
        print(weights, result["epochs"][weights], flush=True)
    return result


TRAIN_SIGMA_W2 = (0.6, 0.9, 1.2, 1.5, 1.76, 2.0, 2.5, 3.0, 3.5, 4.0)
TRAIN_DEPTHS = (6, 12, 24, 36, 48, 72)


def trainability(sigma_w2s=TRAIN_SIGMA_W2, depths=TRAIN_DEPTHS, **kwargs):
    grid = trainability_grid(sigma_w2s, depths, rng=SEED, **kwargs)
    out = grid.to_dict()
    out["trainable_depth"] = trainable_depth(grid).tolist()
    print(np.round(grid.accuracy, 2), out["trainable_depth"], grid.six_xi_c, flush=True)
    return out


WIDTHS = {256: 64, 512: 32, 1024: 16, 2048: 8}  # width -> networks (cost ~ width**2)
WIDTH_DEPTH, WIDTH_C0, WIDTH_SIGMA_B2 = 20, 0.3, 0.05


def width(widths=WIDTHS, depth=WIDTH_DEPTH, phases=None):
    """Per width and phase: c at the last layer for each network (one network per seed),
    the mean over networks, its standard error and the theory."""
    if phases is None:
        phases = {"ordered": 1.2, "critical": mean_field.critical_sigma_w2("tanh", WIDTH_SIGMA_B2),
                  "chaotic": 3.0}
    result = {"depth": depth, "c0": WIDTH_C0, "sigma_b2": WIDTH_SIGMA_B2,
              "widths": [int(w) for w in widths], "networks": [int(n) for n in widths.values()],
              "phases": {}}
    for name, w2 in phases.items():
        rows = []
        for w, n in widths.items():
            last, theory = [], None
            for seed in range(n):
                m = measure_pair("tanh", w2, WIDTH_SIGMA_B2, depth, w, c0=WIDTH_C0,
                                 rng=np.random.default_rng([SEED, w, seed]))
                last.append(float(m.c[-1]))
                theory = float(m.c_theory[-1])
            last = np.array(last)
            rows.append({"width": int(w), "networks": int(n), "theory": round(theory, 5),
                         "mean": round(float(last.mean()), 5),
                         "sem": round(float(last.std(ddof=1) / math.sqrt(n)), 5),
                         "std": round(float(last.std(ddof=1)), 5)})
            r = rows[-1]
            print(f"{name:9s} w2={w2:.4g} width {w:5d} ({n:2d} networks): c(L) = {r['mean']:.4f}"
                  f" +- {r['sem']:.4f} (sem), std {r['std']:.4f}, theory {theory:.4f}", flush=True)
        result["phases"][name] = {"sigma_w2": round(float(w2), 6), "rows": rows}
    return result


def main(parts):
    DATA.mkdir(parents=True, exist_ok=True)
    for part in parts or ("jacobians", "saxe", "trainability", "width"):
        t = time.perf_counter()
        result = {"jacobians": jacobians, "saxe": saxe, "trainability": trainability,
                  "width": width}[part]()
        result["seconds"] = round(time.perf_counter() - t, 1)
        path = DATA / f"lesson08_{part}.json"
        path.write_text(json.dumps(result, indent=1) + "\n")
        print(f"wrote {path} ({result['seconds']} s)", flush=True)


if __name__ == "__main__":
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        main(sys.argv[1:])

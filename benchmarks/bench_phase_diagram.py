"""How fast lesson 08's live phase diagram answers a slider move.

Run: ``.venv/bin/python benchmarks/bench_phase_diagram.py [--quick]``

Each change sets one control (sigma_w2 across its range, sigma_b2, the activation) and
redraws synchronously: the mean-field panels (critical line, correlation map and c*,
the theory's trajectory), the measured correlation through 20 x 512 layers (weights drawn
once, rescaled), the figure (built once: a blit of the data over a cached background, a
full draw when the activation changes) and the PNG encode. Prints the median and the 90th
percentile of the frame time, split into compute and draw+encode, and the frame time of a
point shown before (cached). The issue's target is a median of 100 ms or less, the signal
explorer's 60 ms median and 100 ms p90; quote the numbers with the machine's load
(``os.getloadavg``).
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np


def main(quick=False):
    from threadpoolctl import threadpool_limits

    from initviz.widgets import phase_diagram as pd

    ex = pd.PhaseExplorer(threaded=False)  # the first frame (a full draw) is not counted
    n = len(ex.frame_times)
    changes = [dict(sigma_w2=float(w)) for w in np.linspace(0.5, 3.9, 6 if quick else 18)]
    changes += [dict(sigma_b2=float(b)) for b in np.linspace(0.0, 0.9, 3 if quick else 8)]
    changes += [dict(activation=a) for a in pd.PHASE_ACTIVATIONS]
    with threadpool_limits(limits=1):
        for change in changes:  # every change is a new point: nothing comes from the cache
            ex.update(**change)
        fresh = len(ex.frame_times)
        for change in changes[:6]:  # a drag back over sigma_w2 values already shown
            ex.update(activation="tanh", sigma_b2=0.0, **change)
            ex.update(activation="tanh", sigma_b2=0.0, **change)
    total = np.array(ex.frame_times[n:fresh]) * 1e3
    build, draw = (np.array(x) * 1e3 for x in zip(*ex.frame_parts[n:fresh]))
    cached = np.array(ex.frame_times[fresh + 1::2]) * 1e3
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"{len(changes)} changes ({ex.view.full_draws} full draws, {ex.view.blits} blits "
          f"in all)")
    slowest = changes[int(np.argmax(total))]
    print(f"frame: median {np.median(total):.0f} ms, p90 {np.percentile(total, 90):.0f} ms, "
          f"max {total.max():.0f} ms ({slowest}: the first time an activation is shown, its "
          f"critical line is computed, then cached)")
    print(f"  theory + measurement: median {np.median(build):.0f} ms; draw + PNG: median "
          f"{np.median(draw):.0f} ms")
    print(f"  a point shown before (cached): median {np.median(cached):.0f} ms")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)

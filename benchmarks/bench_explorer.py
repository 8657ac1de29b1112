"""How fast the signal explorer answers a control change, against the naive way.

Run: ``.venv/bin/python benchmarks/bench_explorer.py [--quick] [--skip-naive-largest]``

Measured in one process, for each control change: the time from setting the control's value
(as the front end does) until the frame is finished: compute, draw, PNG encode and the new
bytes set on the ``ipywidgets.Image`` (its state serialized for the front end), waiting for
the explorer's worker thread. Each change waits for the previous frame, so this is latency,
not the coalescing of a drag.

The naive approach, measured in the same run on a subset of the same changes, is what a
notebook usually does: ``ipywidgets.interactive`` around a function that builds the
:class:`initviz.MLP`, runs :func:`initviz.stats.signal_propagation` (the whole trace kept
in float64), and draws a fresh ``plt.subplots(2, 5)`` grid of ``ax.hist`` panels
(activations of 5 layers above, gradients below) with ``tight_layout``, shown by the inline
backend (PNG, ``bbox_inches="tight"``), at the explorer's size and pixel density
(``widgets.render.FIGSIZE`` at ``LIVE_DPI``: 9 x 4 in at 150 dpi).
It shows less than the explorer (5 layers, no std panel, no theory, no readout), so the
ratio is conservative.

Settings: "default" is the explorer's default (random_normal std 0.01, tanh, 10 layers x 256,
batch 256) with a sweep of the scale slider over its whole range (1e-3 to 1e2), every
activation, every initializer and 5 resamples. "largest" is 50 layers x 1024, batch 1024.
The memory peak (tracemalloc, which numpy reports its arrays to) is measured separately.

Drags: the first frame while a slider is dragged. A drag sets the slider's value every
20 ms (a hand on a slider; ipywidgets sends each value), from an explorer whose weights for
that depth and width are drawn; measured from the first value to the first frame on screen,
a preview on part of the batch when the whole batch does not fit in ``FIRST_FRAME``, and
then until the refined whole-batch frame after the drag stops. Scale drags at the default
and the largest setting (at 0.02-0.05, where "auto" computes in float32, and at 0.3-0.85,
where it computes in float64), and a depth drag (50 -> 45) at the largest.

The machine's load average is printed first: other processes on a 2-core machine slow every
figure here (the wall times), so the frame profile also gives the worker thread's CPU time.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import statistics
import sys
import time
import tracemalloc
from collections import Counter

import numpy as np

TARGET_MS = 60.0       # median, default setting
TARGET_P90_MS = 100.0  # 90th percentile, default setting
TARGET_RATIO = 10.0    # naive median / explorer median, same run
TARGET_DRAG_MS = 150.0  # first frame while a slider is dragged, any setting


def _fmt_s(seconds):
    return f"{seconds * 1e3:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _setting(s):
    return f"{s['depth']} x {s['width']}, batch {s['batch']}"


def _median(xs):
    return statistics.median(xs) if xs else math.nan


def _pct(xs, q):
    return float(np.percentile(xs, q)) if xs else math.nan


def default_changes(quick=False):
    """(control, value) pairs applied in order to the default explorer."""
    from initviz.propagation import ACTIVATION_CHOICES, INIT_CHOICES

    n = 21 if quick else 41
    changes = [("scale", float(v)) for v in np.logspace(-3, 2, n)]
    changes.append(("scale", 0.01))
    changes += [("activation", a) for a in ACTIVATION_CHOICES if a != "tanh"] + [
        ("activation", "tanh")]
    changes += [("weight_init", i) for i in INIT_CHOICES if i != "random_normal"] + [
        ("weight_init", "random_normal")]
    changes += [("resample", None)] * (2 if quick else 5)
    return changes


def measure_drags(ex, drags, interval=0.02):
    """For each drag (control, values): seconds from its first value to the first frame on
    screen, that frame's inputs, and seconds until the last (refined) frame."""
    first, inputs, settled = [], [], []
    for key, values in drags:
        if not ex.coalescer.wait(timeout=600):
            raise RuntimeError("the explorer did not settle within 600 s")
        n0 = len(ex.frame_profile)
        t0 = time.perf_counter()
        for v in values:
            ex.controls[key].value = v
            time.sleep(interval)
        if not ex.coalescer.wait(timeout=600):
            raise RuntimeError("the explorer did not settle within 600 s")
        frames = ex.frame_profile[n0:]
        first.append(frames[0]["time"] - t0)
        inputs.append(f"{frames[0]['inputs']}/{frames[0]['batch']} {frames[0]['dtype']}")
        settled.append(frames[-1]["time"] - t0)
        if not (ex.frame_settings[key] == values[-1]
                and frames[-1]["inputs"] == frames[-1]["batch"]):
            raise RuntimeError(f"the drag did not end on the whole batch: {ex.status.value}")
    return first, inputs, settled


def measure_explorer(ex, changes):
    """Seconds per change (control set -> the first frame on screen), the profiles of the
    whole-batch frames, the kinds of change, and seconds per change until the whole-batch
    frame (after a preview: the preview, the quiet period and the whole batch)."""
    times, profiles, kinds, whole = [], [], [], []
    for key, value in changes:
        n_before = len(ex.frame_profile)
        t0 = time.perf_counter()
        if key == "resample":
            ex.controls["resample"].click()
        else:
            ex.controls[key].value = value
        if not ex.coalescer.wait(timeout=600):
            raise RuntimeError("the explorer did not finish a frame within 600 s")
        dt = time.perf_counter() - t0
        if len(ex.frame_profile) == n_before:  # the value did not change: no frame
            continue
        times.append(ex.frame_profile[n_before]["time"] - t0)
        whole.append(dt)
        profiles.append(ex.frame_profile[-1])
        kinds.append(key)
    return times, profiles, kinds, whole


class Naive:
    """ipywidgets.interactive + plt.subplots + ax.hist + inline backend, per change."""

    def __init__(self, settings):
        from IPython.core.interactiveshell import InteractiveShell

        self.shell = InteractiveShell.instance()
        import matplotlib

        matplotlib.use("module://matplotlib_inline.backend_inline")
        import ipywidgets as W
        import matplotlib.pyplot as plt

        from initviz.widgets.render import LIVE_DPI

        plt.rcParams["figure.dpi"] = LIVE_DPI
        self.published = 0

        def publish(data, metadata=None, **kwargs):  # what the kernel would send
            if "image/png" in data:
                self.published += 1

        self.shell.display_pub.publish = publish
        self.settings = dict(settings)
        controls = dict(
            weight_init=W.Dropdown(options=_inits(), value=settings["weight_init"]),
            scale=W.FloatLogSlider(value=settings["scale"], min=-3, max=2, step=0.05),
            activation=W.Dropdown(options=["linear", "relu", "leaky_relu", "tanh", "sigmoid"],
                                  value=settings["activation"]),
            depth=W.IntSlider(value=settings["depth"], min=1, max=50),
            width=W.IntSlider(value=settings["width"], min=2, max=1024),
            batch=W.IntSlider(value=settings["batch"], min=16, max=1024),
            seed=W.IntText(value=settings["seed"]),
        )
        with contextlib.redirect_stdout(io.StringIO()):
            self.widget = W.interactive(naive_plot, **controls)
        self.controls = controls

    def change(self, key, value):
        before = self.published
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):  # the Output widget's terminal echo
            if key == "resample":
                self.controls["seed"].value += 1
            else:
                self.controls[key].value = value
        dt = time.perf_counter() - t0
        if self.published != before + 1:
            raise RuntimeError("the naive interact did not publish exactly one PNG")
        return dt


def _inits():
    from initviz.propagation import INIT_CHOICES

    return list(INIT_CHOICES)


def naive_plot(weight_init, scale, activation, depth, width, batch, seed):
    """The usual notebook way: new network, full trace, fresh figure of histograms."""
    import matplotlib.pyplot as plt

    from initviz import MLP, stats
    from initviz.propagation import resolve_initializer

    init, label = resolve_initializer(weight_init, scale)
    net = MLP([width] * (depth + 1), activation=activation, weight_init=init, rng=seed)
    X = np.random.default_rng(seed).standard_normal((batch, width))
    _, grads = stats.signal_propagation(net, X, rng=seed)
    from initviz.widgets.render import FIGSIZE

    layers = np.unique(np.linspace(0, depth - 1, 5).round().astype(int))
    fig, axes = plt.subplots(2, 5, figsize=FIGSIZE)
    with np.errstate(all="ignore"):
        for col, i in enumerate(layers):
            for row, values in enumerate((grads.trace.activations[i], grads.pre_activations[i])):
                v = values.ravel()
                v = v[np.isfinite(v)]
                ax = axes[row, col]
                if v.size and np.ptp(v) < 1e300:
                    ax.hist(v, 50)
                ax.set_title(f"layer {i + 1}, std {np.std(v) if v.size else math.nan:.2g}",
                             fontsize=10)
                ax.tick_params(labelsize=10)
    fig.suptitle(f"{label}, {activation}", fontsize=12)
    fig.tight_layout()
    plt.show()


def memory_peak(fn):
    """Peak bytes allocated (tracemalloc) while fn runs."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer changes (a smoke run)")
    parser.add_argument("--skip-naive-largest", action="store_true",
                        help="skip the naive approach at the largest setting (~2.5 GB)")
    args = parser.parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")

    t_import = time.perf_counter()
    from initviz import propagation, widgets

    t_import = time.perf_counter() - t_import
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, cores {os.cpu_count()}, "
          f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"import initviz.widgets: {_fmt_s(t_import)}")

    defaults = dict(widgets.SIGNAL_DEFAULTS)
    largest = dict(defaults, depth=50, width=1024, batch=1024)
    results = {}

    # ---- explorer, default
    t0 = time.perf_counter()
    ex = widgets.SignalExplorer(**defaults)
    first = time.perf_counter() - t0
    changes = default_changes(args.quick)
    cpu0, redraws0, draws0 = len(ex.view.cpu_times), Counter(ex.view.redraws), ex.view.full_draws
    times, profiles, kinds, whole = measure_explorer(ex, changes)
    view_cpu = ex.view.cpu_times[cpu0:]  # (draw, encode) CPU seconds per frame, previews too
    redraws = Counter(ex.view.redraws) - redraws0
    full_draws = ex.view.full_draws - draws0
    n_previews = sum(p["inputs"] < p["batch"] for p in ex.frame_profile[1:])
    results["default"] = times
    print(f"\nexplorer built and first frame drawn in {_fmt_s(first)}")

    # ---- naive, default: every 3rd change of the same sequence
    naive = Naive(defaults)
    naive_changes = changes[::3]
    naive_times = [naive.change(k, v) for k, v in naive_changes]

    # ---- drags: the first frame while a slider moves (weights drawn)
    n_drags = 2 if args.quick else 5
    drag_default = measure_drags(ex, [("scale", [float(v) for v in np.geomspace(
        0.02 * 1.3 ** k, 0.04 * 1.3 ** k, 15)]) for k in range(n_drags)])

    # ---- explorer, largest (three scale changes)
    ex_big = widgets.SignalExplorer(**largest)
    big_first = ex_big.frame_times[-1]
    ex_big.update(depth=45)  # draws nothing new: layers 1-45 of the 50
    ex_big.update(depth=50)
    drag_big = measure_drags(ex_big, [("scale", [float(v) for v in np.geomspace(
        0.02 * 1.3 ** k, 0.04 * 1.3 ** k, 15)]) for k in range(n_drags)])
    # where "auto" runs float64 (tanh at 50 x 1024: the gradient grows past 1e20)
    drag_big64 = measure_drags(ex_big, [("scale", [float(v) for v in np.geomspace(
        0.3 * 1.3 ** k, 0.5 * 1.3 ** k, 15)]) for k in range(n_drags)])
    drag_depth = measure_drags(ex_big, [("depth", [49, 48, 47, 46, 45]),
                                        ("depth", [46, 47, 48, 49, 50])], interval=0.06)
    big_changes = [("scale", 0.02), ("scale", 0.05)] if args.quick else [
        ("scale", 0.02), ("scale", 0.031), ("scale", 0.05)]
    big_times, big_profiles, _, big_whole = measure_explorer(ex_big, big_changes)

    # ---- naive, largest (one change; it keeps every layer's arrays in float64)
    naive_big = []
    if not args.skip_naive_largest:
        nb = Naive(largest)
        naive_big = [nb.change("scale", 0.02)]

    # ---- memory peaks at the largest setting
    bank = propagation.WeightBank()
    mem_explorer = memory_peak(lambda: propagation.propagate(**dict(largest, scale=0.02),
                                                             bank=bank))
    mem_naive = None
    if not args.skip_naive_largest:
        from initviz import MLP, stats

        def naive_compute():
            init, _ = propagation.resolve_initializer("random_normal", 0.02)
            net = MLP([1024] * 51, activation="tanh", weight_init=init, rng=0)
            X = np.random.default_rng(0).standard_normal((1024, 1024))
            stats.signal_propagation(net, X, rng=0)

        mem_naive = memory_peak(naive_compute)

    # ---- report
    print("\ncontrol change -> first frame on screen (compute + draw + PNG encode + Image.value;"
          " a preview where the whole batch does not fit in FIRST_FRAME)")
    print(f"{'setting':<34}{'n':>4}{'median':>10}{'p90':>10}{'max':>10}"
          f"{'naive median':>15}{'ratio':>8}")
    med = _median(times)
    nmed = _median(naive_times)
    print(f"{'default ' + _setting(defaults):<34}{len(times):>4}{_fmt_s(med):>10}"
          f"{_fmt_s(_pct(times, 90)):>10}{_fmt_s(max(times)):>10}"
          f"{_fmt_s(nmed) + f' (n={len(naive_times)})':>15}{nmed / med:>7.1f}x")
    bmed = _median(big_times)
    nbmed = _median(naive_big)
    ratio_big = f"{nbmed / bmed:>7.1f}x" if naive_big else f"{'-':>8}"
    print(f"{'largest ' + _setting(largest):<34}{len(big_times):>4}{_fmt_s(bmed):>10}"
          f"{_fmt_s(_pct(big_times, 90)):>10}{_fmt_s(max(big_times)):>10}"
          f"{(_fmt_s(nbmed) + ' (n=1)') if naive_big else '(skipped)':>15}{ratio_big}")
    print(f"  largest: first frame (cold weight cache) {_fmt_s(big_first)}; dtypes "
          f"{sorted({p['dtype'] for p in big_profiles})}")
    print(f"control change -> whole-batch frame: default median {_fmt_s(_median(whole))}, p90 "
          f"{_fmt_s(_pct(whole, 90))} ({n_previews} previews refined after "
          f"{widgets.coalescer.QUIET * 1e3:.0f} ms without a new value); largest median "
          f"{_fmt_s(_median(big_whole))}")

    print("\ndefault explorer by kind of change (median):")
    for kind in dict.fromkeys(kinds):
        sel = [t for t, k in zip(times, kinds) if k == kind]
        print(f"  {kind:<12} n={len(sel):<3} {_fmt_s(_median(sel))}")
    n32 = sum(p["dtype"] == "float32" for p in profiles)
    print(f"  frames computed in float32: {n32} of {len(profiles)}; full (non-blit) draws: "
          f"{ex.view.full_draws} of {ex.view.full_draws + ex.view.blits} in the whole run, "
          f"{full_draws} during these changes")
    print(f"  ticks and words redrawn over these {len(view_cpu)} frames (previews included): "
          + (", ".join(f"{k} {n}" for k, n in redraws.most_common()) or "none"))
    print("\nprofile of a default whole-batch frame (median ms):")
    for key in ("compute", "update", "draw", "encode", "send"):
        vals = [p[key] for p in profiles]
        print(f"  {key:<8} {1e3 * _median(vals):6.1f}")
    cpu = [p["cpu"] for p in profiles]
    print(f"  (worker thread CPU time per frame: median {1e3 * _median(cpu):.1f}"
          f", p90 {1e3 * _pct(cpu, 90):.1f}; of it the draw median "
          f"{1e3 * _median([c[0] for c in view_cpu]):.1f}, p90 "
          f"{1e3 * _pct([c[0] for c in view_cpu], 90):.1f}, the encode median "
          f"{1e3 * _median([c[1] for c in view_cpu]):.1f})")
    view = [p["update"] + p["draw"] + p["encode"] for p in profiles]
    print(f"  the figure alone (update + draw + encode): median {1e3 * _median(view):.1f}, "
          f"p90 {1e3 * _pct(view, 90):.1f} ms; frames of {ex.view.fig.canvas.get_width_height()} "
          f"px, the last {len(ex.image.value) / 1024:.0f} KB")
    rest = [t - sum(p[k] for k in ("compute", "update", "draw", "encode", "send"))
            for t, p in zip(whole, profiles) if p["inputs"] == p["batch"]]
    print(f"  {'other':<8} {1e3 * _median(rest):6.1f}   (status text, thread hand-off; and "
          f"after a preview, the preview and the quiet period)")
    f64 = [p["compute"] for p in profiles if p["dtype"] == "float64"]
    f32 = [p["compute"] for p in profiles if p["dtype"] == "float32"]
    print(f"  compute in float32 {1e3 * _median(f32):.1f}, in float64 {1e3 * _median(f64):.1f}")
    print("profile of a largest frame (median s): " + ", ".join(
        f"{k} {_median([p[k] for p in big_profiles]):.2f}" for k in
        ("compute", "draw", "encode")))

    print("\nfirst frame while a slider is dragged (weights drawn; value every 20 ms):")
    print(f"{'drag':<36}{'n':>3}{'first median':>14}{'first max':>11}{'inputs':>30}"
          f"{'settled median':>16}")
    for name, (first_s, inp, settled) in (
            ("default, scale", drag_default), ("largest 50 x 1024/1024, scale", drag_big),
            ("largest, scale 0.3-0.85", drag_big64), ("largest, depth 50 <-> 45", drag_depth)):
        print(f"{name:<36}{len(first_s):>3}{_fmt_s(_median(first_s)):>14}"
              f"{_fmt_s(max(first_s)):>11}{', '.join(dict.fromkeys(inp)):>30}"
              f"{_fmt_s(_median(settled)):>16}")
    worst = max(drag_default[0] + drag_big[0] + drag_big64[0] + drag_depth[0])

    print("\nmemory peak at the largest setting (tracemalloc):")
    print(f"  explorer (streamed, checkpointed): {mem_explorer / 2**20:.0f} MiB")
    if mem_naive is not None:
        print(f"  naive (whole float64 trace):       {mem_naive / 2**20:.0f} MiB")

    ok_ms = med * 1e3 <= TARGET_MS
    p90 = _pct(times, 90)
    ok_p90 = p90 * 1e3 <= TARGET_P90_MS
    ok_ratio = nmed / med >= TARGET_RATIO
    print(f"\ntarget default median <= {TARGET_MS:.0f} ms: {'PASS' if ok_ms else 'MISS'} "
          f"({med * 1e3:.0f} ms); p90 <= {TARGET_P90_MS:.0f} ms: "
          f"{'PASS' if ok_p90 else 'MISS'} ({p90 * 1e3:.0f} ms); >= {TARGET_RATIO:.0f}x naive: "
          f"{'PASS' if ok_ratio else 'MISS'} ({nmed / med:.1f}x); first frame of a drag "
          f"<= {TARGET_DRAG_MS:.0f} ms: {'PASS' if worst * 1e3 <= TARGET_DRAG_MS else 'MISS'} "
          f"(worst {worst * 1e3:.0f} ms)")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A report drawn as the signal explorer draws a deep stack (lessons 03-07): the same four
panels, by the explorer's own figure (:class:`initviz.widgets.signal_view.SignalView`), fed
the report's steps as its layers.

Panels, layer 1 at the top: the histogram of each step's output on (-3, 3) (values beyond go
to the edge columns), the histogram of its gradient dL/d(output) in units of the output's
gradient std (on (-3, 3) too), the out_std and grad_std per step on a log axis with the theory's out_std
dashed where it applies, and the dead % (ReLU steps) or saturated % (tanh, sigmoid) per step.
"""

from __future__ import annotations

import numpy as np

from ..plots import LABEL_SIZE, describe
from ..propagation import LayerColumns, Propagation
from ..widgets.render import STATIC_DPI
from ..widgets.signal_view import SignalView
from .flags import fmt

__all__ = ["report_figure"]


def _columns(report, grad):
    n = len(report.rows)
    cols = LayerColumns.empty(n)
    for i, r in enumerate(report.rows):
        if grad:
            cols.std[i] = np.nan if r.grad_std is None else r.grad_std
            cols.median_abs[i] = np.nan if r.grad_median_abs is None else r.grad_median_abs
        else:
            cols.std[i] = r.out_std
            cols.signal_std[i] = r.out_signal_std
            cols.dead[i] = r.dead or 0.0
            cols.saturated[i] = r.saturated or 0.0
    return cols


def _readout_activation(report):
    """The activation whose readout the fourth panel shows: the most frequent of ReLU
    (dead %) or tanh/sigmoid (saturated %) among the steps; "linear" if neither."""
    acts = [r.activation for r in report.rows if r.activation]
    relu = sum(a in ("relu", "leaky_relu") for a in acts)
    sat = [a for a in acts if a in ("tanh", "sigmoid")]
    if relu >= len(sat) and relu:
        return "relu"
    return sat[0] if sat else "linear"


def report_figure(report, dpi=STATIC_DPI):
    """The four panels of ``report`` (a :class:`~initviz.inspect.report.Report`)."""
    n = len(report.rows)
    widest = max((int(np.prod(r.fan_out or 1)) for r in report.rows), default=1)
    theory = report.column("theory_out_std")
    has_theory = bool(np.isfinite(theory).any())
    act = _readout_activation(report)
    settings = dict(depth=n, activation=act, width=widest, batch=report.batch, seed=0)
    prop = Propagation(settings, report.model_name, _columns(report, False),
                       _columns(report, True), report.act_hist, report.grad_hist,
                       report.act_range, report.grad_range,
                       theory if has_theory else None, None, float("nan"), 0, "float32")
    view = SignalView(dpi=dpi)
    fig = view.update(prop)
    view.title.set_text(f"{report.model_name} ({report.framework}): {n} steps, batch "
                        f"{report.batch}; {len(report.flags)} flag(s)")
    view.ax_g.set_xlabel("dL/d(output)")
    view.ax_g.set_title(f"gradients ÷ {fmt(report.grad_scale)}", fontsize=LABEL_SIZE, y=1.01)
    view.note_s.set_text("dashed: theory (plain stack)" if has_theory else
                         "no theory: not a plain stack")
    first = next((r for r in report.rows if r.grad_std is not None), None)
    last = report.rows[-1] if report.rows else None
    text = (f"inspect report of {report.model_name} ({report.framework}), {n} steps (the "
            f"explorer's layers), batch {report.batch}: histograms of each step's output and "
            f"of its gradient dL/d(output), their std per step on a log scale"
            + (" with the theory's output std dashed" if has_theory else "")
            + (f", and the {'dead' if act == 'relu' else 'saturated'} % per step"
               if act != "linear" else "") + ".")
    if last is not None:
        text += (f" Output std {fmt(report.rows[0].out_std)} at step 1 "
                 f"({report.rows[0].name}), {fmt(last.out_std)} at step {n} ({last.name})")
    if first is not None and last is not None:
        text += (f"; gradient std {fmt(last.grad_std)} at step {n}, {fmt(first.grad_std)} at "
                 f"step {first.index}")
    flags = ", ".join(sorted(set(report.codes))) or "none"
    describe(fig, text + f". Flags: {flags}.")
    return fig

"""The explorers' figures in words: the description (alt text) of the signal figure and of
the training figure, with their key numbers, that the static figures carry."""

from __future__ import annotations

import numpy as np

from ..explorer_settings import stack_label
from .render import fmt
from .runs import SLOTS

__all__ = ["signal_description", "training_description"]


def signal_description(r, empty):
    """The signal figure's alt text: the setting of a
    :class:`initviz.propagation.Propagation` ``r`` and its key numbers; ``empty`` is what
    the readout panel says when it has no bars."""
    s, A, G = r.settings, r.activations, r.gradients
    depth, act = s["depth"], s["activation"]

    def with_theory(measured, predicted, i):
        text = fmt(measured[i])
        return text if predicted is None else f"{text} (theory {fmt(predicted[i])})"

    last, first = depth - 1, 0

    overflow = int(np.sum((A.nonfinite > 0) | (G.nonfinite > 0)))
    if act in ("relu", "leaky_relu") and r.preview:  # dead: 0 on every input of the batch
        kind = "exact zeros"
        readout = (f"exact zeros up to {100 * np.nanmax(A.zeros):.3g} % (dead units: on the "
                   "whole batch)")
    elif act in ("relu", "leaky_relu"):
        kind = "dead units and exact zeros"
        readout = (f"dead units up to {100 * np.nanmax(A.dead):.3g} %, exact zeros up to "
                   f"{100 * np.nanmax(A.zeros):.3g} %")
    else:
        kind = "saturated units"
        readout = (f"saturated units up to {100 * np.nanmax(A.saturated):.3g} %"
                   if act != "linear" else empty.replace("\n", " "))
    inputs = (f"{r.inputs} of {s['batch']} inputs (a preview)" if r.preview
              else f"batch {s['batch']}")
    # residual stacks show the stream x and dL/dx, and the readout counts the branch's units
    residual = s.get("residual", False)
    shown, grad, noun = (("the residual stream x", "dL/dx", "Stream") if residual
                         else ("the activations", "dL/dz", "Activation"))
    if residual:
        kind, readout = "branch " + kind, "branch " + readout
    return (f"Signal explorer, {r.label}, {act}{stack_label(s)}, {depth} layers x "
            f"{s['width']}, {inputs} ({r.dtype}): histograms of {shown} and of the gradients "
            f"{grad} per layer, their std per layer on a log scale, and the % of {kind} "
            f"per layer. {noun} std {with_theory(A.std, r.predicted_act_std, first)} at "
            f"layer 1, {with_theory(A.std, r.predicted_act_std, last)} at layer {depth} "
            + (f"(signal std, across inputs: {fmt(A.signal_std[last])}); " if r.inputs != 1
               else "(no signal std from one input); ") +
            f"gradient std {with_theory(G.std, r.predicted_grad_std, last)} at layer "
            f"{depth}, {with_theory(G.std, r.predicted_grad_std, first)} at layer 1 "
            f"(median |{grad}| {fmt(G.median_abs[first])}); {readout}"
            + (f"; {overflow} layers hold inf/nan" if overflow else "") + ".")


def training_description(runs, title, two_d):
    """The training figure's alt text: each run's setting, loss and accuracy (``runs``: dict
    slot -> TrainRun or None; ``two_d``: the data has two features)."""
    parts = []
    for s in SLOTS:
        run = runs.get(s)
        if run is None or not run.loss:
            continue
        loss = np.asarray(run.loss, dtype=float)
        end = (f"diverged at epoch {run.diverged_at}" if run.diverged_at is not None
               else f"loss {fmt(loss[0])} at epoch 1 to {fmt(loss[-1])} at epoch "
                    f"{loss.size}")
        acc = f", training accuracy {run.accuracy[-1]:.3g}" if run.accuracy else ""
        parts.append(f"{s}, {run.label} ({run.config['depth']}x{run.config['width']}, "
                     f"lr {run.config['lr']:.3g}): {end}{acc}")
    what = ("the decision regions of each run over the two features" if two_d else
            "the training accuracy and the first epoch's std of dL/dW per layer")
    head = f"{title}: t" if title else "T"
    return (f"{head}raining explorer: training loss against epoch (log scale) and {what}. "
            + ("; ".join(parts) if parts else "No run trained yet") + ".")

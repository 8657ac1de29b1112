"""The report of :func:`initviz.inspect`: one :class:`Row` per step of the forward pass, the
flags, and their display as text, as an HTML table in a notebook, and as the explorer's four
panels (:meth:`Report.plot`).

The statistics are :mod:`initviz.stats`' definitions: ``out_std`` over every value of the
batch (:func:`initviz.stats.finite_moments`), ``out_signal_std`` across inputs per unit, a
unit being one coordinate of the output after the batch axis (a feature, or a channel at
one position; :func:`initviz.stats.signal_std`), the gradient's std beside its median
magnitude (:func:`initviz.stats.magnitudes`), dead units (0 for every input of the batch)
for ReLU steps and saturated values (``f'(z) < 2 %`` of ``f'(0)``) for tanh and sigmoid.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import numpy as np

from .._util import text_table
from ..stats import describe, finite_moments, magnitudes, signal_std, zeros_and_dead
from .flags import RELU_FAMILY, find_flags, fmt
from .prediction import predict_out_std
from .schemes import match_scheme

__all__ = ["Row", "Report", "build_report", "COLUMNS"]

BINS = 41  # the explorer's histogram bins


@dataclass
class Row:
    """One step of the forward pass (a leaf module or layer; a residual addition).

    Attributes:
        index: 1, 2, ... in the order the steps ran (the plot's layer axis).
        name: as the framework names it. kind: its class (or activation). category: see
            :data:`initviz.inspect.records.CATEGORIES`.
        fan_in, fan_out: of its weights, None where they do not apply.
        weight_std: std of its weights (a norm's gain), None without weights.
        scheme: the named initialization the weights match (:mod:`.schemes`), or None.
        out_std: std of the output over the batch and units (offsets count as spread).
        out_signal_std: std across the inputs, per unit, root mean square over units.
        theory_out_std: what initviz's theory predicts for out_std (plain stacks), or None.
        grad_std, grad_median_abs: std and median |value| of dL/d(output), None where the
            loss does not depend on the output.
        dead: fraction of units 0 for every input (ReLU steps), else None.
        saturated: fraction of saturated values (tanh, sigmoid), else None.
        activation: for an activation step, its name.
        skip_signal_std: for a residual addition, the signal std of its skip input.
        note: what inspect says about this step ("" if nothing).
    """

    index: int
    name: str
    kind: str
    category: str
    fan_in: int | None
    fan_out: int | None
    weight_std: float | None
    scheme: str | None
    out_std: float
    out_signal_std: float
    theory_out_std: float | None
    grad_std: float | None
    grad_median_abs: float | None
    dead: float | None
    saturated: float | None
    activation: str | None = None
    skip_signal_std: float | None = None
    note: str = ""


#: The columns of the text and HTML tables: (heading, Row attribute, format).
COLUMNS = (("#", "index", "d"), ("name", "name", "s"), ("kind", "kind", "s"),
           ("fan_in", "fan_in", "d"), ("fan_out", "fan_out", "d"), ("w std", "weight_std", "g"),
           ("scheme", "scheme", "s"), ("out std", "out_std", "g"),
           ("signal", "out_signal_std", "g"), ("theory", "theory_out_std", "g"),
           ("grad std", "grad_std", "g"), ("grad med", "grad_median_abs", "g"),
           ("dead %", "dead", "%"), ("sat %", "saturated", "%"))


def _cell(value, how):
    if value is None:
        return "-"
    if how == "s":
        return str(value)
    if how == "d":
        return str(int(value))
    if how == "%":
        return f"{100 * value:.3g}"
    return fmt(value)


@dataclass
class Report:
    """What :func:`initviz.inspect` found: ``rows``, ``flags`` and how they were measured.

    Attributes:
        rows: :class:`Row` per step. flags: :class:`~initviz.inspect.flags.Flag` list.
        framework: ``"pytorch"`` or ``"keras"``. model_name: the model's class or name.
        batch: samples in the batch. gradient: ``"loss"`` or ``"standard-normal"``.
        loss, loss_name: the loss at initialization and what it is (None without targets).
        cross_entropy: (value, C) for class targets, or None.
        input_signal_std: the input batch's signal std (None for token ids).
        notes: sentences about the pass (switched-off Dropout, unknown modules).
        act_hist, grad_hist, act_range, grad_range: per-row histograms for :meth:`plot`;
            the gradients' in units of ``grad_scale``, the last row's gradient std.
    """

    rows: list
    flags: list
    framework: str
    model_name: str
    batch: int
    gradient: str
    loss: float | None = None
    loss_name: str | None = None
    cross_entropy: tuple | None = None
    input_signal_std: float | None = None
    notes: list = field(default_factory=list)
    act_hist: np.ndarray | None = None
    grad_hist: np.ndarray | None = None
    act_range: tuple = (-3.0, 3.0)
    grad_range: tuple = (-3.0, 3.0)
    grad_scale: float = 1.0

    def row(self, name) -> Row:
        """The row named ``name``.

        Raises:
            KeyError: no such row (the message lists the names).
        """
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(f"no row named {name!r}; the rows are {[r.name for r in self.rows]}")

    def column(self, attribute) -> np.ndarray:
        """One attribute over the rows as floats (nan where None), e.g. ``"out_std"``."""
        return np.array([np.nan if getattr(r, attribute) is None else getattr(r, attribute)
                         for r in self.rows], dtype=float)

    @property
    def codes(self) -> list:
        """The flags' codes, in order (a code repeats for each layer it is raised on)."""
        return [f.code for f in self.flags]

    def headline(self) -> str:
        what = ("dL/d(output) of the loss" if self.gradient == "loss"
                else "a standard-normal dL/d(output) sent back from the output")
        text = (f"{self.model_name} ({self.framework}), batch {self.batch}, "
                f"{len(self.rows)} steps; gradients: {what}")
        if self.loss is not None:
            text += f"; {self.loss_name} at initialization {fmt(self.loss)}"
            if self.cross_entropy is not None:
                text += f" (ln {self.cross_entropy[1]} = {fmt(math.log(self.cross_entropy[1]))})"
        return text

    def table(self) -> str:
        """The rows as a fixed-width text table, numbers to 3 significant digits."""
        lines = [[h for h, _, _ in COLUMNS]]
        lines += [[_cell(getattr(r, a), how) for _, a, how in COLUMNS] for r in self.rows]
        return text_table(lines)

    def text(self) -> str:
        """Headline, table, flags (or that there are none) and notes, as text."""
        parts = [self.headline(), self.table()]
        if self.flags:
            parts.append("flags:\n" + "\n".join(f"  {f}" for f in self.flags))
        else:
            parts.append("flags: none")
        notes = self.notes + [f"{r.name}: {r.note}" for r in self.rows
                              if r.note and r.category != "residual"]
        if notes:
            parts.append("notes:\n" + "\n".join(f"  {n}" for n in notes))
        return "\n".join(parts)

    def __str__(self):
        return self.text()

    def _repr_pretty_(self, p, cycle):
        p.text(self.text())

    def _repr_html_(self):
        e = html.escape
        head = "".join(f"<th scope='col'>{e(h)}</th>" for h, _, _ in COLUMNS)
        body = "".join(
            "<tr>" + "".join(f"<td>{e(_cell(getattr(r, a), how))}</td>" for _, a, how in COLUMNS)
            + "</tr>" for r in self.rows)
        flags = ("<ul style='font-size: 90%'>" + "".join(
            f"<li><strong>{e(code)}</strong> at "
            + ", ".join(f"<code>{e(f.layer)}</code>" for f in group)
            + (f" (at <code>{e(group[0].layer)}</code>)" if len(group) > 1 else "")
            + f": {e(group[0].message)} (lesson {e(group[0].lesson)})</li>"
            for code, group in self._grouped_flags()) + "</ul>"
            if self.flags else "<p>No flags.</p>")
        notes = self.notes + [f"{r.name}: {r.note}" for r in self.rows
                              if r.note and r.category != "residual"]
        notes_html = ("<p>Notes:</p><ul>" + "".join(f"<li>{e(n)}</li>" for n in notes)
                      + "</ul>") if notes else ""
        return (f"<div class='initviz-inspect'><p>{e(self.headline())}</p>"
                f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
                f"<p>Flags:</p>{flags}{notes_html}</div>")

    def _grouped_flags(self):
        """(code, [flags]) in order: a table shows one message per code, the first layer's."""
        groups = {}
        for f in self.flags:
            groups.setdefault(f.code, []).append(f)
        return list(groups.items())

    def plot(self, dpi=None):
        """The explorer's four panels for this model: activation and gradient histograms per
        step, out_std and grad_std per step on a log axis with the theory dashed, and the
        dead (ReLU) or saturated (tanh, sigmoid) % per step. Returns the figure (a
        :class:`initviz.plots.ShownFigure`, with its description as alt text)."""
        from .plot import report_figure

        return report_figure(self) if dpi is None else report_figure(self, dpi=dpi)


def _histogram(values, lo, hi, drop_zeros):
    """Counts of the finite values in BINS equal bins on [lo, hi]; beyond go to the edges."""
    x = np.asarray(values, dtype=np.float64).reshape(-1)
    x = x[np.isfinite(x)]
    if drop_zeros:
        x = x[x != 0]
    t = np.clip((x - lo) * (BINS / (hi - lo)), 0, BINS - 1)
    return np.bincount(t.astype(np.intp), minlength=BINS)


def build_report(m) -> Report:
    """The :class:`Report` of a :class:`~initviz.inspect.records.Measurement`."""
    recs = m.records
    second = None
    in_signal = None
    if m.inputs is not None and m.inputs.size:
        second = float(np.mean(np.square(m.inputs)))
        in_signal = signal_std(m.inputs.reshape(m.inputs.shape[0], -1))
    theory = predict_out_std(recs, second)
    rows = []
    batch = int(m.output.shape[0]) if m.output.ndim else 1
    with np.errstate(all="ignore"):
        for i, (r, th) in enumerate(zip(recs, theory)):
            units = r.units
            measured = units.size > 0
            out_std = finite_moments(units)[1] if measured else math.nan
            sig = signal_std(units) if measured else math.nan
            g_std = g_med = None
            if r.grad is not None and r.grad.size:
                g_std = finite_moments(r.grad)[1]
                g_med = magnitudes(r.grad)[0]
            dead = sat = None
            if r.activation in RELU_FAMILY and measured:
                dead = zeros_and_dead(units)[1]
            if r.activation in ("tanh", "sigmoid") and r.pre is not None:
                pre = r.pre.reshape(units.shape)
                sat = describe(units, pre, r.activation).saturated
            w_std = scheme = None
            if r.weight is not None and r.weight.size:
                w_std = finite_moments(r.weight)[1]
                if r.category in ("dense", "conv"):
                    scheme = match_scheme(r.weight)
                elif r.category == "embedding":
                    scheme = match_scheme(r.weight, embedding=True)
                else:
                    scheme = match_scheme(r.weight) if r.weight.ndim >= 2 else \
                        _constant_name(r.weight)
            rows.append(Row(i + 1, r.name, r.kind, r.category, r.fan_in, r.fan_out, w_std,
                            scheme, out_std, sig, th, g_std, g_med, dead, sat, r.activation,
                            r.skip_signal_std, r.note))
    report = Report(rows, [], m.framework, m.model_name, batch, m.gradient, m.loss,
                    m.loss_name, m.cross_entropy, in_signal, list(m.notes))
    report.flags = find_flags(rows, report)
    _histograms(report, recs)
    return report


def _constant_name(v):
    v = np.asarray(v)
    if v.size and np.all(v == v.reshape(-1)[0]):
        first = v.reshape(-1)[0]
        return "zeros" if first == 0 else "ones" if first == 1 else "constant"
    return None


def _histograms(report, recs):
    """Per-row histograms on the explorer's fixed range (-3, 3): of the outputs (a vanishing
    signal shrinks to the middle column, an exploding one lights the edges), and of the
    gradients in units of the output's gradient std (``grad_scale``)."""
    g_out = next((r.grad_std for r in reversed(report.rows)
                  if r.grad_std is not None and r.grad_std > 0 and math.isfinite(r.grad_std)),
                 1.0)
    report.grad_scale = g_out
    n = len(recs)
    report.act_hist, report.grad_hist = np.zeros((n, BINS)), np.zeros((n, BINS))
    for i, r in enumerate(recs):
        if r.out.size:
            report.act_hist[i] = _histogram(r.out, *report.act_range,
                                            r.activation in RELU_FAMILY)
        if r.grad is not None and r.grad.size:
            report.grad_hist[i] = _histogram(r.grad / g_out, *report.grad_range, False)

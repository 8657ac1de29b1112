"""The flags of a report: what looks wrong at initialization, where, what was measured, what to
change, and the lesson that explains it.

Each check is one function registered with :func:`_check` (its code and lesson); the
registry :data:`CHECKS` and the list of codes :data:`CODES` are built from them. A check
reads the report's rows (see :class:`initviz.inspect.report.Row`) and the measurement's
loss, and returns the :class:`Flag` objects it raises. The thresholds, and why:

- a signal or a gradient that changes by more than a factor 10 (:data:`FACTOR`) through the
  hidden layers: from the input to the input of the output layer (signal), or back from
  there to the first weighted layer (gradient). The output layer itself is left out: a small
  output layer is good practice (lesson 09), and its loss has its own flag. A factor 10 in
  std is 6.6 halvings of the variance: 7 ReLU layers with Xavier's 1/fan_in (lesson 05),
  2.6 with PyTorch's default 1/(3 fan_in), whose ReLU layers multiply it by 1/6;
- dead ReLU units over 10 % (:data:`DEAD`): at He initialization with zero biases a unit is
  dead for a whole batch of 64 with probability about 2^-64 (its sign is a fair coin per
  input), so 10 % is a real shift of the pre-activations;
- saturated tanh/sigmoid units over 10 % (:data:`SATURATED`), initviz's definition of
  saturation (``f'(z) < 2 %`` of ``f'(0)``, :mod:`initviz.stats`);
- an initial loss more than 1 nat above ln(C) (:data:`LOSS_EXCESS`): the right class gets on
  average e = 2.7 times less probability than a uniform guess (lesson 09);
- a residual stream whose signal std grows by more than a factor 2 (:data:`RESIDUAL`) over its
  residual additions: each addition of an independent branch multiplies the variance by
  1 + Var(branch) / Var(skip) (lesson 09), so equal-size branches double it every block.

>>> CODES
('pytorch-default-init', 'glorot-with-relu', 'vanishing-signal', 'exploding-signal', \
'vanishing-gradient', 'exploding-gradient', 'dead-relu', 'saturated', 'initial-loss', \
'residual-growth')
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass


__all__ = ["Flag", "fmt", "CHECKS", "CODES", "LESSONS", "find_flags", "FACTOR", "DEAD",
           "SATURATED", "LOSS_EXCESS", "RESIDUAL"]

FACTOR = 10.0
DEAD = 0.10
SATURATED = 0.10
LOSS_EXCESS = 1.0
RESIDUAL = 2.0
RELU_FAMILY = ("relu", "leaky_relu", "relu6", "relu_variant")


def fmt(x) -> str:
    """A number to 3 significant digits, inf and nan as such ('?' for None).

    >>> fmt(0.012345), fmt(float("inf")), fmt(None)
    ('0.0123', 'inf', '?')
    """
    return "?" if x is None else f"{float(x):.3g}"


@dataclass(frozen=True)
class Flag:
    """One problem found at initialization.

    Attributes:
        code: one of :data:`CODES`. layer: the row's name it is about (the model's name for
            the loss). message: one sentence: what was measured, and what to change.
        lesson: the notebook that explains it (e.g. ``"05_he_kaiming"``).

    >>> Flag("dead-relu", "fc1.relu", "...", "03_random_initialization").code
    'dead-relu'
    """

    code: str
    layer: str
    message: str
    lesson: str

    def __str__(self):
        return f"[{self.code}] {self.layer}: {self.message} (lesson {self.lesson})"


CHECKS = []
"""The check functions, in the order their flags are listed."""


def _check(code, lesson):
    def register(fn):
        fn.code, fn.lesson = code, lesson
        CHECKS.append(fn)
        return fn
    return register


def _next_activation(rows, i):
    """The activation that follows weighted row i (through reshape steps), or None."""
    for r in rows[i + 1:]:
        if r.category == "reshape":
            continue
        return r.activation if r.category == "activation" else None
    return None


def _weighted(rows):
    return [i for i, r in enumerate(rows) if r.category in ("dense", "conv")]


def _torch_fix(rows, i, act):
    if act in RELU_FAMILY:
        return "nn.init.kaiming_normal_(weight, nonlinearity='relu')"
    if act in ("tanh", "sigmoid"):
        return f"nn.init.xavier_uniform_(weight, gain=nn.init.calculate_gain('{act}'))"
    return "nn.init.kaiming_normal_ or xavier_uniform_ for the activation that follows"


@_check("pytorch-default-init", "06_in_practice")
def _pytorch_default(rows, m):
    out = []
    for i in _weighted(rows):
        r, act = rows[i], _next_activation(rows, i)
        if r.scheme != "pytorch_default" or act is None:
            continue
        need = "2/fan_in (He)" if act in RELU_FAMILY else "1/fan_in (LeCun)"
        out.append(Flag("pytorch-default-init", r.name, (
            f"weight std {fmt(r.weight_std)}: {r.kind}'s default U(-1/sqrt(fan_in), "
            f"1/sqrt(fan_in)), variance 1/(3 fan_in), a "
            f"{'sixth' if act in RELU_FAMILY else 'third'} of the {need} the {act} after it "
            f"needs; re-initialize with {_torch_fix(rows, i, act)} and zero the bias."),
            "06_in_practice"))
    return out


@_check("glorot-with-relu", "05_he_kaiming")
def _glorot_relu(rows, m):
    out = []
    for i in _weighted(rows):
        r, act = rows[i], _next_activation(rows, i)
        if r.scheme in ("glorot_uniform", "glorot_normal") and act in RELU_FAMILY:
            keras = "he_normal" if r.scheme.endswith("normal") else "he_uniform"
            variance = (f"variance 2/(fan_in + fan_out) = 2/({r.fan_in} + {r.fan_out})"
                        if r.fan_in != r.fan_out else "variance 1/fan_in for this square layer")
            out.append(Flag("glorot-with-relu", r.name, (
                f"{r.scheme} weights (std {fmt(r.weight_std)}, {variance}) feed a {act}, which "
                f"passes half the second moment: use kernel_initializer=\"{keras}\" (Keras) or "
                f"nn.init.kaiming_normal_ (PyTorch), variance 2/fan_in."), "05_he_kaiming"))
    return out


def _signal_rows(rows):
    """The rows the signal and the gradient are judged on: the hidden layers, up to the
    input of the last weighted layer (the output layer's scale is the initial loss' concern:
    a small output layer is a good choice, lesson 09); with one weighted layer, all rows up
    to a final softmax."""
    weighted = _weighted(rows)
    if len(weighted) >= 2:
        return rows[:weighted[-1]]
    end = len(rows)
    while end and rows[end - 1].activation in ("softmax", "log_softmax"):
        end -= 1
    return rows[:end]


def _both_ways(kind):
    """Register ``judge(rows, m, vanishing)`` as two checks, ``vanishing-<kind>`` then
    ``exploding-<kind>`` (lesson 03)."""
    def register(judge):
        for vanishing in (True, False):
            way = "vanishing" if vanishing else "exploding"
            _check(f"{way}-{kind}", "03_random_initialization")(
                functools.partial(judge, vanishing=vanishing))
        return judge
    return register


def _beyond(kind, vanishing, ratio, verbs):
    """``(code, verb)`` where ``ratio`` (a measured change through the network) is below
    1/:data:`FACTOR` (vanishing) or above :data:`FACTOR` (exploding), else None."""
    if (ratio < 1 / FACTOR) if vanishing else (ratio > FACTOR):
        return f"{'vanishing' if vanishing else 'exploding'}-{kind}", verbs[not vanishing]
    return None


@_both_ways("signal")
def _signal(rows, m, vanishing):
    body = _signal_rows(rows)
    if not body:
        return []
    ref, where = m.input_signal_std, "the input"
    if ref is None or not ref > 0:
        ref, where = body[0].out_signal_std, f"{body[0].name}"
    last = body[-1]
    s = last.out_signal_std
    if not (ref > 0 and math.isfinite(ref)) or s is None or math.isnan(s):
        return []
    ratio = s / ref if math.isfinite(s) else math.inf
    hit = _beyond("signal", vanishing, ratio, ("falls", "grows"))
    if hit:
        (code, verb), n = hit, len(_weighted(body)) or 1
        per = ratio ** (1 / n) if 0 < ratio < math.inf else ratio
        return [Flag(code, last.name, (
            f"the signal std (across inputs) {verb} from {fmt(ref)} at {where} to {fmt(s)} at "
            f"{last.name} ({last.kind}; x{fmt(per)} per weighted layer over {n}): scale each "
            f"layer's weights to variance gain^2/fan_in for the activation after it (He for "
            f"ReLU, LeCun/Glorot for tanh)."), "03_random_initialization")]
    return []


@_both_ways("gradient")
def _gradient(rows, m, vanishing):
    body = _signal_rows(rows)
    measured = [r for r in body if r.grad_std is not None and not math.isnan(r.grad_std)]
    first = next((r for r in measured if r.category in ("dense", "conv", "embedding")), None)
    if first is None or not measured:
        return []
    top = measured[-1]
    g0, g1 = top.grad_std, first.grad_std
    if not g0 > 0 or not math.isfinite(g0):
        return []
    ratio = g1 / g0 if math.isfinite(g1) else math.inf
    hit = _beyond("gradient", vanishing, ratio, ("shrinks", "grows"))
    if hit:
        code, verb = hit
        return [Flag(code, first.name, (
            f"the gradient dL/d(output) {verb} from std {fmt(g0)} (median |g| "
            f"{fmt(top.grad_median_abs)}) at {top.name} to std {fmt(g1)} (median "
            f"{fmt(first.grad_median_abs)}) at {first.name}, x{fmt(ratio)}: the weights "
            f"scale the backward signal too; initialize them for the activations (He for "
            f"ReLU) so that fan * Var(W) * E[f'^2] is about 1."), "03_random_initialization")]
    return []


def _units_check(code, attr, limit, message, activations=None):
    """Register the check ``code`` (lesson 03): a flag on every row (of an activation in
    ``activations``, or any) whose fraction of units ``attr`` (``"dead"`` or ``"saturated"``)
    is above ``limit``; ``message`` is formatted with its ``percent`` and ``activation``."""
    def check(rows, m):
        return [Flag(code, r.name, message.format(percent=f"{100 * getattr(r, attr):.3g} %",
                                                  activation=r.activation),
                     "03_random_initialization")
                for r in rows if (activations is None or r.activation in activations)
                and getattr(r, attr) is not None and getattr(r, attr) > limit]
    _check(code, "03_random_initialization")(check)


_units_check("dead-relu", "dead", DEAD, (
    "{percent} of its units are 0 for every input of the batch and pass no gradient: the "
    "pre-activations sit below 0 (check the bias and the weights' mean; zero the bias, use "
    "zero-mean He weights)."), activations=RELU_FAMILY)
_units_check("saturated", "saturated", SATURATED, (
    "{percent} of its values sit on the flat ends of the {activation} (f'(z) < 2 % of "
    "f'(0)), where the gradient vanishes: shrink the weights before it to Glorot's variance "
    "2/(fan_in + fan_out)."))


@_check("initial-loss", "09_deep_networks")
def _initial_loss(rows, m):
    if m.cross_entropy is None:
        return []
    value, classes = m.cross_entropy
    base = math.log(classes)
    if not value > base + LOSS_EXCESS:
        return []
    last = rows[-1].name if rows else m.model_name
    return [Flag("initial-loss", last, (
        f"the cross-entropy at initialization is {fmt(value)}, {fmt(value - base)} nats above "
        f"ln({classes}) = {fmt(base)}, the loss of a uniform guess: the output is too large "
        f"and confidently wrong; scale the last layer's weights down (e.g. by 0.1, or to "
        f"zero) and zero its bias."), "09_deep_networks")]


@_check("residual-growth", "09_deep_networks")
def _residual(rows, m):
    adds = [i for i, r in enumerate(rows) if r.category == "residual"]
    if not adds:
        return []
    first = rows[adds[0]]
    start = first.skip_signal_std
    end = rows[adds[-1]].out_signal_std
    if start is None or not start > 0 or end is None or math.isnan(end):
        return []
    ratio = end / start if math.isfinite(end) else math.inf
    if not ratio > RESIDUAL:
        return []
    return [Flag("residual-growth", rows[adds[-1]].name, (
        f"the residual stream's signal std grows from {fmt(start)} before {first.name} to "
        f"{fmt(end)} after {len(adds)} residual addition(s) (x{fmt(ratio)}): scale each "
        f"branch's last layer down (zero-initialize its last weight or normalization gain, "
        f"as SkipInit/ReZero/Fixup do)."), "09_deep_networks")]


CODES = tuple(fn.code for fn in CHECKS)
LESSONS = {fn.code: fn.lesson for fn in CHECKS}


def find_flags(rows, report) -> list:
    """Every flag the checks raise on ``rows`` (:class:`~initviz.inspect.report.Row`) and the
    report's loss and input, in the order of :data:`CODES`."""
    flags = []
    for fn in CHECKS:
        flags.extend(fn(rows, report))
    return flags

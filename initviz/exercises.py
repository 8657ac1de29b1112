"""Exercises that answer back: check a student's answer and say what is wrong, in their terms.

In a lesson::

    from initviz import exercises

    def he_uniform(fan_in, fan_out, rng):
        ...                              # the student's code
    exercises.check("05.3", he_uniform)

prints feedback such as ``Not yet (05.3): your weights have variance 2/(fan_in + fan_out):
that is Glorot's (Xavier's); he_uniform uses 2/fan_in``. An unanswered exercise (``None``,
``...``, or a stub function that still returns None) prints the question, never an error; an
answer of the wrong type or shape, a nan, or a function that raises gets a one-line message,
not a traceback. :func:`exercise_ids` lists the exercises (``"LL.N"``: lesson, number),
:func:`question` prints one, :func:`kind` says what sort it is. Four checkers do the work:

- :func:`check_initializer`: samples the student's ``init(fan_in, fan_out, rng)`` on two
  shapes and compares mean, variance (naming the formula it matches: LeCun, Glorot, He, ...),
  bounds, and the distribution's shape (a two-sample Kolmogorov-Smirnov distance) with the
  target initializer of :mod:`initviz.initializers`;
- :func:`check_number`: a number against a value computed here (initviz or a formula, never
  typed in), with a stated tolerance and a message for each typical wrong value;
- :func:`check_function`: a student's function against a reference on several inputs, with
  a message for each typical wrong implementation;
- :func:`check_choice`: a multiple-choice letter against the key, explaining every choice.

The exercises themselves (questions, expected values, typical mistakes) are in
:mod:`initviz.exercise_bank`, loaded on first use. Checks are deterministic (the same answer
gives the same message) and silent: a warning raised inside the student's code is not shown,
its nan or inf result is reported instead.
"""

from __future__ import annotations

import copy
import math
import numbers
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import initializers

__all__ = ["Feedback", "check", "question", "kind", "exercise_ids", "check_initializer",
           "check_number", "check_function", "check_choice"]

KINDS = ("implement", "predict", "number", "choice")
"""What an exercise asks for: write a function, predict a measurement, compute a number, or
pick a letter."""


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer.

    Attributes:
        exercise: the id, ``"LL.N"``.
        correct: True, False, or None when the exercise is not answered yet.
        message: what the student reads.
    ``str(feedback)`` is ``"Correct (05.3): ..."``, ``"Not yet (05.3): ..."`` or ``"Not
    answered yet (05.3): ..."``; a notebook cell that ends with :func:`check` shows it.
    ``bool(feedback)`` is True only for a correct answer.
    """

    exercise: str
    correct: bool | None
    message: str

    def __str__(self):
        head = {True: "Correct", False: "Not yet", None: "Not answered yet"}[self.correct]
        return f"{head} ({self.exercise}): {self.message}"

    __repr__ = __str__

    def __bool__(self):
        return bool(self.correct)


def _unanswered(answer) -> bool:
    return answer is None or answer is Ellipsis


def _prompt(exercise, lead=""):
    return Feedback(exercise, None, lead + question(exercise, show=False))


_STUB = "your function returned None: fill in its body (and return the result).\n"


def _call(student, args):
    """Call the student's function on copies of ``args``: ``(value, None)`` or ``(None,
    message)``. Warnings and floating-point errors inside it are silenced (their nan/inf
    results are reported by the caller)."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return student(*copy.deepcopy(args)), None
    except Exception as err:  # the student's code: report it, don't crash
        text = str(err).strip().splitlines()
        detail = f": {text[0]}" if text else ""
        return None, f"your function raised {type(err).__name__}{detail}"


def _fmt_args(args, names=None) -> str:
    """``args`` for a message: ``(1, 0.1, [1, 2, 3, 6])`` or, with ``names``,
    ``steps=1, lr=0.1, y=[1, 2, 3, 6]``."""
    parts = []
    for a in args:
        if isinstance(a, np.ndarray):
            parts.append(f"array{a.shape}" if a.size > 4 else
                         "[" + ", ".join(f"{v:g}" for v in a.ravel()) + "]")
        elif isinstance(a, float):
            parts.append(f"{a:g}")
        else:
            parts.append(repr(a))
    if names:
        return ", ".join(f"{n}={p}" for n, p in zip(names, parts))
    return "(" + ", ".join(parts) + ")"


# ----------------------------------------------------------------------------- initializers
# Variance formulas a student's initializer may match, with what to call the scheme.
_FORMULAS = [
    ("1/fan_in", lambda i, o: 1 / i, "that is LeCun's"),
    ("2/(fan_in + fan_out)", lambda i, o: 2 / (i + o), "that is Glorot's (Xavier's)"),
    ("2/fan_in", lambda i, o: 2 / i, "that is He's (Kaiming's)"),
    ("1/fan_out", lambda i, o: 1 / o, "that is LeCun's with fan_out in place of fan_in"),
    ("2/fan_out", lambda i, o: 2 / o, "that is He's with fan_out in place of fan_in"),
    ("1/(3 fan_in)", lambda i, o: 1 / (3 * i),
     "that is Glorot & Bengio's 'standard' U[-1/sqrt(fan_in), 1/sqrt(fan_in)] (PyTorch's "
     "nn.Linear default)"),
    ("6/(fan_in + fan_out)", lambda i, o: 6 / (i + o),
     "you used the limit sqrt(6/(fan_in + fan_out)) as a standard deviation"),
    ("6/fan_in", lambda i, o: 6 / i, "you used the limit sqrt(6/fan_in) as a standard deviation"),
    ("2/(3 (fan_in + fan_out))", lambda i, o: 2 / (3 * (i + o)),
     "U[-a, a] with a = sqrt(2/(fan_in + fan_out)) gives a third of that, since a uniform's "
     "variance is a^2/3: the limit must be sqrt(3) times the std"),
    ("2/(3 fan_in)", lambda i, o: 2 / (3 * i),
     "U[-a, a] with a = sqrt(2/fan_in) gives a third of that, since a uniform's variance is "
     "a^2/3: the limit must be sqrt(3) times the std"),
    ("1/fan_in^2", lambda i, o: 1 / i ** 2,
     "you used the variance 1/fan_in as the std; the std is its square root"),
    ("4/(fan_in + fan_out)^2", lambda i, o: 4 / (i + o) ** 2,
     "you used the variance 2/(fan_in + fan_out) as the std; the std is its square root"),
    ("4/fan_in^2", lambda i, o: 4 / i ** 2,
     "you used the variance 2/fan_in as the std; the std is its square root"),
]
_SHAPES = ((250, 100), (100, 400))  # two fan ratios tell the formulas apart
_VAR_TOL = 0.06  # relative; the sample variance of 25,000+ draws is within ~1 % (6 sigma < 6 %)
_KS_TOL = 0.03   # two samples of the same law, 25,000+ draws each: KS distance ~0.01


def _sample(student, fan_in, fan_out, seed):
    """The student's weights for one shape, or an error message; ``"stub"`` if None."""
    w, err = _call(student, (fan_in, fan_out, np.random.default_rng(seed)))
    if err:
        return None, f"called as f({fan_in}, {fan_out}, rng), {err}"
    if w is None:
        return None, "stub"
    if isinstance(w, (list, tuple)):
        try:
            w = np.asarray(w, dtype=np.float64)
        except (TypeError, ValueError):
            return None, "your function must return a numpy array of numbers"
    if not isinstance(w, np.ndarray) or not (np.issubdtype(w.dtype, np.floating)
                                             or np.issubdtype(w.dtype, np.integer)):
        what = type(w).__name__ if not isinstance(w, np.ndarray) else f"an array of {w.dtype}"
        return None, (f"your function must return a numpy array (fan_in, fan_out) = "
                      f"({fan_in}, {fan_out}) of numbers; it returned {what}")
    if w.shape != (fan_in, fan_out):
        if w.shape == (fan_out, fan_in):
            return None, (f"the shape is ({fan_out}, {fan_in}), transposed (PyTorch's layout): "
                          f"weights here are (fan_in, fan_out) = ({fan_in}, {fan_out}), so "
                          f"that z = x @ W works")
        return None, (f"expected an array of shape (fan_in, fan_out) = ({fan_in}, {fan_out}), "
                      f"got shape {w.shape}")
    n_bad = int(w.size - np.count_nonzero(np.isfinite(w)))
    if n_bad:
        return None, (f"your weights contain {n_bad} nan/inf values (fan_in={fan_in}, "
                      f"fan_out={fan_out})")
    return w.astype(np.float64), None


def check_initializer(exercise: str, student: Callable, target: str) -> Feedback:
    """Check ``student(fan_in, fan_out, rng) -> ndarray (fan_in, fan_out)`` against ``target``.

    Args:
        exercise: the exercise id, for the message.
        student: the student's function; it gets a numpy Generator as ``rng``.
        target: the name of a fan-scaled initializer (``"glorot_uniform"``, ``"he_normal"``...).
    Returns:
        :class:`Feedback`: correct when, on shapes (250, 100) and (100, 400), the mean is ~0,
        the variance within 6 % of the target formula, the bounds respected (uniform and
        truncated-normal schemes), the Kolmogorov-Smirnov distance to the target's
        distribution below 0.03, and the same rng seed gives the same weights. Otherwise the
        first problem found, named (which formula the variance matches, "looks normal",
        "transposed", "clipped"...).
    """
    if _unanswered(student):
        return _prompt(exercise)
    if not callable(student):
        return Feedback(exercise, False, f"the answer must be a function f(fan_in, fan_out, rng), "
                        f"got {type(student).__name__}")
    ref = initializers.get(target)
    dist = getattr(ref, "distribution", "")
    for k, (fi, fo) in enumerate(_SHAPES):
        w, err = _sample(student, fi, fo, seed=100 + k)
        if err == "stub":
            return _prompt(exercise, _STUB)
        if err:
            return Feedback(exercise, False, err)
        problem = _initializer_problem(w, ref, target, dist, fi, fo)
        if problem:
            return Feedback(exercise, False, problem)
        w2, _ = _sample(student, fi, fo, seed=100 + k)
        if w2 is None or not np.array_equal(w, w2):
            return Feedback(exercise, False, "the same rng seed gave different weights: draw from "
                            "the rng argument (rng.uniform, rng.normal), not np.random")
    return Feedback(exercise, True, f"mean 0, variance {_formula_of(ref)}, "
                    f"{'uniform within the limit' if dist == 'uniform' else 'the right shape'}: "
                    f"this is {target}.")


def _initializer_problem(w, ref, target, dist, fi, fo):
    """The first thing wrong with the weights ``w`` (fan_in ``fi``, fan_out ``fo``), or None."""
    var, mean = float(np.var(w)), float(np.mean(w))
    target_var = ref.variance((fi, fo))
    want = next(f for f, fn, _ in _FORMULAS if abs(fn(fi, fo) / target_var - 1) < 1e-9)
    if var == 0.0:
        return ("all your weights are equal: constant weights never break the symmetry between "
                "hidden units (lesson 02)")
    std = math.sqrt(var)
    if abs(mean) > 6 * std / math.sqrt(w.size) and abs(mean) > 0.05 * std:
        return (f"your weights have mean {mean:.3g} (std {std:.3g}); an initializer draws "
                f"zero-mean weights, symmetric around 0")
    levels = np.unique(np.abs(w))
    if levels.size <= 3:
        law = "uniform" if dist == "uniform" else "normal"
        return (f"your weights take only {np.unique(w).size} different values: an initializer "
                f"draws from a continuous distribution ({law})")
    top = float(levels[-1])
    at_bound = np.count_nonzero(np.abs(w) >= top * (1 - 1e-12)) / w.size
    if at_bound > 0.005:
        return (f"{at_bound:.1%} of your weights sit exactly on +-{top:.4g}: clipping "
                f"(np.clip) piles the tails onto the bounds; "
                + ("a truncated normal redraws them instead" if dist == "truncated_normal"
                   else "draw uniformly within the limit instead"))
    if abs(var / target_var - 1) > _VAR_TOL:
        unscaled = target_var * initializers.TRUNCATED_NORMAL_STD ** 2
        if dist == "truncated_normal" and abs(var / unscaled - 1) <= _VAR_TOL:
            return (f"your variance is {var / target_var:.3f} of {want}: that is what truncating "
                    f"at 2 std does (0.8796^2 = 0.774). Keras divides the std by 0.8796 before "
                    f"truncating, so that the variance is still {want}")
        match = [(f, name) for f, fn, name in _FORMULAS if abs(var / fn(fi, fo) - 1) <= _VAR_TOL]
        if match:
            formula, name = match[0]
            return f"your weights have variance {formula}: {name}; {target} uses {want}"
        return (f"for fan_in={fi}, fan_out={fo} your weights have variance {var:.3g}; {target} "
                f"needs {want} = {target_var:.3g} (you are off by a factor {var / target_var:.3g})")
    if dist in ("uniform", "truncated_normal"):
        limit = ref.limit((fi, fo))
        if top > limit * (1 + 1e-9):
            if dist == "uniform":
                return (f"the variance is right, but some weights lie outside [-limit, limit] = "
                        f"[-{limit:.4g}, {limit:.4g}] (your largest |w| is {top:.4g}): {target} "
                        f"draws from a uniform distribution, yours looks normal")
            return (f"the variance is right, but some weights lie beyond 2 standard deviations "
                    f"of the underlying normal (|w| up to {top:.4g} > {limit:.4g}): {target} "
                    f"truncates at 2 std and rescales, as Keras does (PyTorch's normal is "
                    f"untruncated)")
    ks = _ks_distance(w.ravel(), ref((fi, fo), rng=7).ravel())
    if ks > _KS_TOL:
        shape = "uniform" if dist == "uniform" else "a normal truncated at 2 std (as Keras)"
        return (f"the variance is right but the shape of the distribution is not {shape}: "
                f"Kolmogorov-Smirnov distance {ks:.2f} (the same law gives about 0.01)")
    return None


def _formula_of(ref):
    return {("fan_in", 1.0): "1/fan_in", ("fan_avg", 1.0): "2/(fan_in + fan_out)",
            ("fan_in", 2.0): "2/fan_in"}.get((ref.mode, ref.scale), "as required")


def _ks_distance(a, b) -> float:
    """Two-sample Kolmogorov-Smirnov statistic (the largest gap between the two CDFs)."""
    a, b = np.sort(a), np.sort(b)
    grid = np.concatenate([a, b])
    cdf_a = np.searchsorted(a, grid, side="right") / a.size
    cdf_b = np.searchsorted(b, grid, side="right") / b.size
    return float(np.max(np.abs(cdf_a - cdf_b)))


# ----------------------------------------------------------------------------- numbers
def _as_number(answer):
    """``(float, None)`` or ``(None, message)`` for a number-valued answer."""
    if isinstance(answer, (bool, np.bool_)):
        return None, f"the answer must be a number, got {answer!r}"
    if isinstance(answer, str):
        try:
            float(answer)
        except ValueError:
            return None, f"the answer must be a number, got the text {answer!r}"
        return None, f"you gave the text {answer!r}: write the number without quotes"
    if isinstance(answer, (numbers.Real, np.floating, np.integer)):
        return float(answer), None
    if isinstance(answer, (complex, np.complexfloating)):
        return None, f"the answer must be a real number, got {answer!r}"
    if callable(answer):
        return None, "the answer must be a number, got a function: call it and give its result"
    if isinstance(answer, (np.ndarray, list, tuple)):
        arr = np.asarray(answer, dtype=object)
        if arr.size == 1:
            return _as_number(arr.reshape(-1)[0])
        return None, f"the answer must be one number, got {len(arr.ravel())} values"
    return None, f"the answer must be a number, got {type(answer).__name__}"


def check_number(exercise: str, answer, expected: float, *, rel_tol: float = 0.02,
                 log_tol: float | None = None, mistakes=(), explain: str = "",
                 hint: str = "") -> Feedback:
    """Check a numeric answer.

    Args:
        exercise: the exercise id.
        answer: the student's number (a Python or numpy number, or a one-element array).
        expected: the right value, computed by the caller (initviz or a formula).
        rel_tol: accepted relative error (default 2 %).
        log_tol: if given, accept ``|log10(answer / expected)| <= log_tol`` instead (for
            predictions where the order of magnitude is the lesson): 0.3 is a factor of 2.
        mistakes: ``(value, message)`` pairs for the typical wrong answers; an answer within
            the same tolerance of one gets its message (a value of 0 matches only 0).
        explain: appended to the "Correct" message (the reasoning).
        hint: appended when a wrong answer matches no known mistake.
    """
    if _unanswered(answer):
        return _prompt(exercise)
    x, err = _as_number(answer)
    if err:
        return Feedback(exercise, False, err)
    if not math.isfinite(x):
        return Feedback(exercise, False, f"the answer must be a finite number, got {x}")

    def close(a, b):
        if b == 0:
            return a == 0
        if log_tol is not None:
            return a > 0 and b > 0 and abs(math.log10(a / b)) <= log_tol
        return abs(a - b) <= rel_tol * abs(b)

    if close(x, expected):
        tail = f" {explain}" if explain else ""
        return Feedback(exercise, True, f"{x:.4g} (the computed value is {expected:.4g}).{tail}")
    for value, message in mistakes:
        if close(x, value):
            return Feedback(exercise, False, f"{x:.4g}: {message}")
    tail = f" Hint: {hint}" if hint else ""
    if log_tol is not None and x <= 0 < expected:
        return Feedback(exercise, False, f"{x:.4g}: the answer is a positive number (a std or a "
                        f"ratio of stds).{tail}")
    if log_tol is not None and x > 0 and expected > 0:
        factor = max(x, expected) / min(x, expected)
        return Feedback(exercise, False, f"{x:.4g} is too {'large' if x > expected else 'small'} "
                        f"by a factor of {factor:.3g}.{tail}")
    if x != 0 and expected != 0 and (x > 0) != (expected > 0):
        return Feedback(exercise, False, f"{x:.4g} has the wrong sign.{tail}")
    off = abs(x / expected - 1) if expected else math.inf
    return Feedback(exercise, False, f"{x:.4g} is too {'large' if x > expected else 'small'} "
                    f"(off by {off:.0%}; the tolerance is {rel_tol:.0%}).{tail}")


# ----------------------------------------------------------------------------- functions
def _as_result(value, shape):
    """The student's return value as a float array of ``shape``, or an error message."""
    if isinstance(value, (bool, np.bool_)) or isinstance(value, str):
        return None, f"returned {value!r}, not {'a number' if shape == () else 'an array'}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None, (f"returned {type(value).__name__}, not "
                      f"{'a number' if shape == () else f'an array of shape {shape}'}")
    if arr.shape != shape:
        if arr.size == 1 and shape == ():
            arr = arr.reshape(())
        elif len(shape) == 2 and arr.shape == shape[::-1] and shape[0] != shape[1]:
            return None, f"returned shape {arr.shape}, transposed: expected {shape}"
        else:
            return None, (f"returned {'a number' if arr.ndim == 0 else f'shape {arr.shape}'}, "
                          f"expected {'a number' if shape == () else f'shape {shape}'}")
    return arr, None


def check_function(exercise: str, student: Callable, reference: Callable, inputs, *,
                   rel_tol: float = 1e-6, mistakes=(), success: Callable | str = "",
                   hint: str = "", signature: str = "f(x)", names=None,
                   labels=None) -> Feedback:
    """Check a student's function against ``reference`` on ``inputs``.

    Args:
        student: the student's function.
        reference: the right function (initviz, or a formula); same arguments.
        inputs: a list of argument tuples (a non-tuple ``x`` means ``(x,)``). The student's
            function gets deep copies, so it cannot change them.
        rel_tol: relative tolerance (``np.allclose`` with ``atol`` a 1e-12 fraction of the
            largest reference value).
        mistakes: ``(wrong_function, message)`` pairs; an answer that matches one of them on
            every input gets its message.
        success: the "Correct" message, or a function of the list of the student's results
            that returns it.
        hint: appended when a wrong answer matches no known mistake.
        signature: how the function is called, for messages.
        names: the argument names, to describe an input as ``steps=1, lr=0.1``.
        labels: one description per input, instead (e.g. "the lesson's constant network").
    Returns:
        :class:`Feedback`. A function that returns None (on the first input) is "not
        answered yet".
    """
    if _unanswered(student):
        return _prompt(exercise)
    if not callable(student):
        return Feedback(exercise, False, f"the answer must be a function {signature}, "
                        f"got {type(student).__name__}")
    inputs = [x if isinstance(x, tuple) else (x,) for x in inputs]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        want = [np.asarray(reference(*x), dtype=np.float64) for x in inputs]
    where = (list(labels) if labels is not None
             else [f"for {_fmt_args(x, names)}" for x in inputs])
    got = []
    for k, (args, ref) in enumerate(zip(inputs, want)):
        value, err = _call(student, args)
        if err:
            return Feedback(exercise, False, f"{where[k]} {err}")
        if value is None:
            if k == 0:
                return _prompt(exercise, _STUB)
            return Feedback(exercise, False, f"your function returned None {where[k]}: every case "
                            f"must return a value (a missing return?)")
        arr, err = _as_result(value, ref.shape)
        if err:
            return Feedback(exercise, False, f"{where[k]} your function {err}")
        if not np.all(np.isfinite(arr)):
            return Feedback(exercise, False, f"{where[k]} your function returned nan or inf")
        got.append(arr)

    def same(a, b):
        scale = max(float(np.max(np.abs(b))) if b.size else 0.0, 1e-300)
        return a.shape == b.shape and np.allclose(a, b, rtol=rel_tol, atol=1e-12 * scale)

    if all(same(g, w) for g, w in zip(got, want)):
        return Feedback(exercise, True, success(got) if callable(success)
                        else (success or "right on every test input."))
    for wrong, message in mistakes:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            alt = [np.asarray(wrong(*x), dtype=np.float64) for x in inputs]
        if all(same(g, a) for g, a in zip(got, alt)):
            return Feedback(exercise, False, message)
    i = next(i for i, (g, w) in enumerate(zip(got, want)) if not same(g, w))
    tail = f" Hint: {hint}" if hint else ""
    if want[i].ndim == 0:
        return Feedback(exercise, False, f"{where[i]} your function gives {float(got[i]):.4g}, "
                        f"the right value is {float(want[i]):.4g}.{tail}")
    if want[i].ndim == 1 and want[i].size <= 4:
        fmt = lambda v: "(" + ", ".join(f"{x:.4g}" for x in v) + ")"  # noqa: E731
        return Feedback(exercise, False, f"{where[i]} your function gives {fmt(got[i])}, the "
                        f"right value is {fmt(want[i])}.{tail}")
    err = float(np.max(np.abs(got[i] - want[i])))
    return Feedback(exercise, False, f"{where[i]} your result differs from the right one by up to "
                    f"{err:.3g} (its largest entry is {float(np.max(np.abs(want[i]))):.3g}).{tail}")


# ----------------------------------------------------------------------------- choices
def check_choice(exercise: str, answer, key: str, why: dict) -> Feedback:
    """Check a multiple-choice answer (a letter as a string, any case, ``"b"``, ``"b)"``...)
    against ``key``; ``why`` maps every letter to the explanation shown for it."""
    if _unanswered(answer):
        return _prompt(exercise)
    letters = ", ".join(f'"{k}"' for k in sorted(why))
    if not isinstance(answer, str):
        return Feedback(exercise, False, f"answer with one of the letters {letters} (a string in "
                        f"quotes), got {answer!r}")
    letter = answer.strip().strip("().").strip().lower()
    if letter not in why:
        return Feedback(exercise, False, f"answer with one of the letters {letters}, "
                        f"got {answer!r}")
    return Feedback(exercise, letter == key, why[letter])


# ----------------------------------------------------------------------------- the bank
@dataclass(frozen=True)
class _Exercise:
    kind: str
    text: str
    checker: Callable


_BANK = None


def _exercises() -> dict:
    global _BANK
    if _BANK is None:
        from .exercise_bank import build
        _BANK = build()
    return _BANK


def _get(exercise):
    bank = _exercises()
    if not isinstance(exercise, str) or exercise not in bank:
        raise ValueError(f"unknown exercise {exercise!r}; valid ids: {', '.join(bank)}")
    return bank[exercise]


def exercise_ids(lesson=None) -> list:
    """The ids of the exercises, ``"LL.N"`` (lesson, number); only lesson ``lesson`` (an int
    or ``"05"``) if given."""
    ids = list(_exercises())
    if lesson is None:
        return ids
    prefix = f"{int(lesson):02d}."
    return [i for i in ids if i.startswith(prefix)]


def kind(exercise: str) -> str:
    """What an exercise asks for: one of :data:`KINDS`.

    Raises:
        ValueError: an unknown exercise id (the message lists the valid ones).
    """
    return _get(exercise).kind


def question(exercise: str, show: bool = True) -> str:
    """The question of an exercise (printed too when ``show``).

    Raises:
        ValueError: an unknown exercise id (the message lists the valid ones).
    """
    text = _get(exercise).text
    if show:
        print(f"Exercise {exercise}: {text}")
    return text


def check(exercise: str, answer) -> Feedback:
    """Check ``answer`` to ``exercise`` and return :class:`Feedback` (it prints as a message).

    ``None``, ``...`` and a function whose body still returns None count as not answered:
    the feedback repeats the question.

    Raises:
        ValueError: an unknown exercise id (the message lists the valid ones).
    """
    return _get(exercise).checker(answer)

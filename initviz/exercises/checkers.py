"""The generic checkers of numbers, functions and multiple choices: each compares a student's
answer with a value or function computed by the caller and returns a :class:`.Feedback` that
names the mistake (:func:`.check_initializer`, for initializers, has its own module).

A blank answer (``None``, ``...``, a function that still returns None) gives a Feedback with
``correct`` None, whose message :meth:`.Exercise.check` completes with the question.
"""

from __future__ import annotations

import math
import warnings
from typing import Callable

import numpy as np

from .. import _checks
from ._answers import STUB, as_number, as_result, call_student, describe_args, is_blank, \
    not_answered
from .feedback import Feedback

__all__ = ["check_number", "check_function", "check_choice"]


# ----------------------------------------------------------------------------- numbers
def check_number(exercise: str, answer, expected: float, *, rel_tol: float = 0.02,
                 log_tol: float | None = None, mistakes=(), explain: str = "",
                 hint: str = "", expected_is: str = "the expected value") -> Feedback:
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
        expected_is: what ``expected`` is, for the "Correct" message: a measurement ("the
            std measured in that stack") or a formula ("sqrt(1/400)").
    Raises:
        TypeError, ValueError: ``expected`` not a finite number, a tolerance not > 0.

    >>> check_number("05.1", 2.01, 2.0, mistakes=[(4.0, "that is E[z^2]")])
    Correct (05.1): 2.01 (the expected value is 2).
    >>> check_number("05.1", 4, 2.0, mistakes=[(4.0, "that is E[z^2]")])
    Not yet (05.1): 4: that is E[z^2]
    """
    expected = _checks.check_real("expected", expected)
    _checks.check_real("rel_tol", rel_tol, 0, low_open=True)
    if log_tol is not None:
        _checks.check_real("log_tol", log_tol, 0, low_open=True)
    if is_blank(answer):
        return not_answered(exercise)
    x, err = as_number(answer)
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
        return Feedback(exercise, True, f"{x:.4g} ({expected_is} is {expected:.4g}).{tail}")
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
def check_function(exercise: str, student: Callable, reference: Callable, inputs, *,
                   rel_tol: float = 1e-6, mistakes=(), success: Callable | str = "",
                   hint: str = "", signature: str = "f(x)", names=None,
                   labels=None) -> Feedback:
    """Check a student's function against ``reference`` on ``inputs``.

    Args:
        exercise: the exercise id.
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
        :class:`.Feedback`. A function that returns None (on the first input) is "not
        answered yet".
    Raises:
        TypeError, ValueError: ``rel_tol`` not a number > 0.

    >>> square = lambda a: a * a
    >>> check_function("04.1", lambda a: a ** 2, square, [0.5, 2.0], names=("a",))
    Correct (04.1): right on every test input.
    >>> check_function("04.1", lambda a: 2 * a, square, [0.5, 2.0], names=("a",))
    Not yet (04.1): for a=0.5 your function gives 1, the right value is 0.25.
    """
    _checks.check_real("rel_tol", rel_tol, 0, low_open=True)
    if is_blank(student):
        return not_answered(exercise)
    if not callable(student):
        return Feedback(exercise, False, f"the answer must be a function {signature}, "
                        f"got {type(student).__name__}")
    inputs = [x if isinstance(x, tuple) else (x,) for x in inputs]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        want = [np.asarray(reference(*x), dtype=np.float64) for x in inputs]
    where = (list(labels) if labels is not None
             else [f"for {describe_args(x, names)}" for x in inputs])
    got = []
    for k, (args, ref) in enumerate(zip(inputs, want)):
        value, err = call_student(student, args)
        if err:
            return Feedback(exercise, False, f"{where[k]} {err}")
        if value is None:
            if k == 0:
                return not_answered(exercise, STUB)
            return Feedback(exercise, False, f"your function returned None {where[k]}: every case "
                            f"must return a value (a missing return?)")
        arr, err = as_result(value, ref.shape)
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
    against ``key``; ``why`` maps every letter to the explanation shown for it.

    Raises:
        TypeError, ValueError: ``key`` not one of the letters of ``why``.

    >>> why = {"a": "Glorot uses 2/(fan_in + fan_out)", "b": "LeCun: Var(W) = 1/fan_in"}
    >>> check_choice("04.3", "B)", "b", why)
    Correct (04.3): LeCun: Var(W) = 1/fan_in
    >>> check_choice("04.3", 2, "b", why)
    Not yet (04.3): answer with one of the letters "a", "b" (a string in quotes), got 2
    """
    _checks.check_choice("key", key, tuple(why))
    if is_blank(answer):
        return not_answered(exercise)
    letters = ", ".join(f'"{k}"' for k in sorted(why))
    if not isinstance(answer, str):
        return Feedback(exercise, False, f"answer with one of the letters {letters} (a string in "
                        f"quotes), got {answer!r}")
    letter = answer.strip().strip("().").strip().lower()
    if letter not in why:
        return Feedback(exercise, False, f"answer with one of the letters {letters}, "
                        f"got {answer!r}")
    return Feedback(exercise, letter == key, why[letter])

"""Reading a student's answer safely, for the checkers: blank or not, a call that cannot crash
the notebook, a number or an array of the expected shape, or a one-line message saying why not.

Private: the checkers (:mod:`.checkers`, :mod:`.initializer_checker`) use these helpers; the
public API is :mod:`initviz.exercises`.

>>> is_blank(...), is_blank(0.0)
(True, False)
>>> call_student(lambda x: 1 / x, (0,))
(None, 'your function raised ZeroDivisionError: division by zero')
>>> as_number(np.array([0.5])), as_number("0.5")
((0.5, None), (None, "you gave the text '0.5': write the number without quotes"))
>>> as_result([[1, 2, 3]], (3, 1))
(None, 'returned shape (1, 3), transposed: expected (3, 1)')
>>> describe_args((1, 0.1, np.array([1.0, 2.0])), ("steps", "lr", "y"))
'steps=1, lr=0.1, y=[1, 2]'
"""

from __future__ import annotations

import copy
import numbers
import warnings

import numpy as np

from .feedback import Feedback

STUB = "your function returned None: fill in its body (and return the result).\n"
"""The lead of the prompt for a function whose body still returns None."""


def is_blank(answer) -> bool:
    """True for an answer not given yet: ``None`` or ``...``."""
    return answer is None or answer is Ellipsis


def not_answered(exercise: str, lead: str = "") -> Feedback:
    """The verdict on a blank answer; :meth:`.Exercise.check` appends the question to ``lead``."""
    return Feedback(exercise, None, lead)


def call_student(student, args):
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


def describe_args(args, names=None) -> str:
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


def as_number(answer):
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
            return as_number(arr.reshape(-1)[0])
        return None, f"the answer must be one number, got {len(arr.ravel())} values"
    return None, f"the answer must be a number, got {type(answer).__name__}"


def as_result(value, shape):
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

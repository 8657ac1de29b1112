"""One exercise of the bank: :class:`Exercise`, its id, kind, question and checker."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

from .. import _checks
from .checkers import check_choice
from .feedback import Feedback

__all__ = ["Exercise", "KINDS"]

KINDS = ("implement", "predict", "number", "choice")
"""What an exercise asks for: write a function, predict a measurement, compute a number, or
pick a letter."""


@dataclass(frozen=True)
class Exercise:
    """One exercise: its id ``"LL.N"`` (lesson, number), what it asks for, the question, and
    the function that checks an answer.

    Attributes:
        id: ``"LL.N"``, e.g. ``"05.3"``.
        kind: one of :data:`KINDS`.
        text: the question, as printed.
        checker: ``checker(answer) -> Feedback``; for a blank answer it returns ``correct``
            None and the lead of the prompt (often ""), which :meth:`check` completes with
            the question.
    Raises:
        TypeError, ValueError: a kind not in :data:`KINDS`.

    >>> from initviz.exercises import check_number
    >>> ex = Exercise("05.1", "number", "z ~ N(0, 4). What is E[relu(z)^2]?",
    ...               lambda answer: check_number("05.1", answer, 2.0))
    >>> ex.check(None)
    Not answered yet (05.1): z ~ N(0, 4). What is E[relu(z)^2]?
    >>> ex.check(2)
    Correct (05.1): 2 (the expected value is 2).
    """

    id: str
    kind: str
    text: str
    checker: Callable

    def __post_init__(self):
        _checks.check_choice("kind", self.kind, KINDS)

    @property
    def lesson(self) -> int:
        """The lesson number, the ``LL`` of the id.

        >>> Exercise("05.3", "implement", "he_uniform", print).lesson
        5
        """
        return int(self.id[:2])

    def check(self, answer) -> Feedback:
        """The checker's verdict on ``answer``; a blank answer's feedback shows the question."""
        feedback = self.checker(answer)
        if feedback.correct is None:
            return Feedback(self.id, None, feedback.message + self.text)
        return feedback

    @classmethod
    def choice(cls, id: str, text: str, key: str, why: dict) -> Exercise:
        """A multiple-choice exercise, checked by :func:`.check_choice`.

        >>> ex = Exercise.choice("04.3", "std = sqrt(1/fan_in) is:  a) Glorot  b) LeCun", "b",
        ...                      {"a": "Glorot uses 2/(fan_in + fan_out)", "b": "LeCun 1998"})
        >>> ex.kind, ex.check("b")
        ('choice', Correct (04.3): LeCun 1998)
        """
        _checks.check_choice("key", key, tuple(why))
        return cls(id, "choice", text, functools.partial(check_choice, id, key=key, why=why))

"""The verdict on one answer to an exercise: :class:`Feedback`."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Feedback"]


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer.

    Attributes:
        exercise: the id, ``"LL.N"``.
        correct: True, False, or None when the exercise is not answered yet.
        message: what the student reads.
    ``str(feedback)`` is ``"Correct (05.3): ..."``, ``"Not yet (05.3): ..."`` or ``"Not
    answered yet (05.3): ..."``; a notebook cell that ends with :func:`initviz.exercises.check`
    shows it. ``bool(feedback)`` is True only for a correct answer.

    >>> feedback = Feedback("05.1", False, "2 is E[relu(z)^2], not 4")
    >>> feedback
    Not yet (05.1): 2 is E[relu(z)^2], not 4
    >>> bool(feedback), bool(Feedback("05.1", None, "the question"))
    (False, False)
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

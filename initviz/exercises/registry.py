"""The bank of exercises: every :class:`.Exercise` of the lessons (all but 00 and 07), collected from the lesson
modules (each declares its own in ``EXERCISES``), and the look-ups the notebooks use.

Every expected value is computed, by initviz (its training loop, backpropagation, theory or
initializers) or by the formula the lesson derives, never typed in; so are the values of the
typical wrong answers, each with the message that explains it. Reference computations that
cost more than a few microseconds are cached.
"""

from __future__ import annotations

from .. import _checks
from . import lesson01, lesson02, lesson03, lesson04, lesson05, lesson06, lesson08, lesson09, lesson10, lesson11
from . import lesson12
from .exercise import Exercise
from .feedback import Feedback

__all__ = ["LESSONS", "BANK", "get", "check", "question", "kind", "exercise_ids"]

LESSONS = (lesson01, lesson02, lesson03, lesson04, lesson05, lesson06, lesson08, lesson09, lesson10,
           lesson11, lesson12)
"""The lesson modules; each declares its exercises in ``EXERCISES``."""


def _collect(modules) -> dict:
    """id -> Exercise from the ``EXERCISES`` of ``modules``, sorted by id."""
    bank = {}
    for module in modules:
        for exercise in module.EXERCISES:
            if exercise.id in bank:
                raise ValueError(f"exercise {exercise.id} is declared twice (again in "
                                 f"{module.__name__})")
            bank[exercise.id] = exercise
    return dict(sorted(bank.items()))


BANK = _collect(LESSONS)
"""Every exercise: id -> :class:`.Exercise`, sorted by id."""


def get(exercise: str) -> Exercise:
    """The exercise with id ``exercise``.

    Raises:
        TypeError: not a string. ValueError: an unknown id (the message lists the valid ones).

    >>> get("04.1").kind
    'implement'
    >>> get("4.1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: exercise must be one of '01.1', ..., got '4.1' (did you mean '04.1'?)
    """
    return BANK[_checks.check_choice("exercise", exercise, tuple(BANK))]


def exercise_ids(lesson=None) -> list:
    """The ids of the exercises, ``"LL.N"`` (lesson, number); only lesson ``lesson`` (an int
    or its two digits, ``"05"``) if given.

    Raises:
        TypeError, ValueError: ``lesson`` is not one of the lessons with exercises (all
            but 00 and 07).

    >>> exercise_ids(5)
    ['05.1', '05.2', '05.3', '05.4']
    >>> exercise_ids("06")
    ['06.1', '06.2', '06.3']
    """
    if lesson is None:
        return list(BANK)
    lessons = sorted({e.lesson for e in BANK.values()})
    if isinstance(lesson, str):
        lesson = int(_checks.check_choice("lesson", lesson, tuple(f"{n:02d}" for n in lessons)))
    else:
        lesson = _checks.check_int("lesson", lesson, lessons[0], lessons[-1])
        if lesson not in lessons:  # in the range, but a lesson without exercises (07)
            raise ValueError(f"lesson must be one of {', '.join(map(str, lessons))}, got {lesson}")
    return [i for i, e in BANK.items() if e.lesson == lesson]


def kind(exercise: str) -> str:
    """What an exercise asks for: one of :data:`.KINDS`.

    Raises:
        TypeError, ValueError: an unknown exercise id (the message lists the valid ones).

    >>> kind("05.3"), kind("04.3")
    ('implement', 'choice')
    """
    return get(exercise).kind


def question(exercise: str, show: bool = True) -> str:
    """The question of an exercise (printed too when ``show``).

    Raises:
        TypeError, ValueError: an unknown exercise id (the message lists the valid ones).

    >>> text = question("04.1")
    Exercise 04.1: Implement uniform_variance(a): the variance of U[-a, a].
    """
    text = get(exercise).text
    if _checks.check_bool("show", show):
        print(f"Exercise {exercise}: {text}")
    return text


def check(exercise: str, answer) -> Feedback:
    """Check ``answer`` to ``exercise`` and return :class:`.Feedback` (it prints as a message).

    ``None``, ``...`` and a function whose body still returns None count as not answered:
    the feedback repeats the question.

    Raises:
        TypeError, ValueError: an unknown exercise id (the message lists the valid ones).

    >>> check("04.3", "b")
    Correct (04.3): LeCun et al. 1998: Var(W) = 1/fan_in keeps the forward signal
    >>> check("04.1", None)
    Not answered yet (04.1): Implement uniform_variance(a): the variance of U[-a, a].
    """
    return get(exercise).check(answer)

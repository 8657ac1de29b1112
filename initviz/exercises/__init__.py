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

Checks are deterministic (the same answer gives the same message) and silent: a warning
raised inside the student's code is not shown, its nan or inf result is reported instead.

The modules, bottom up: ``feedback`` (:class:`Feedback`), ``checkers`` and
``initializer_checker`` (the generic checkers), ``exercise`` (:class:`Exercise`, one question
with its checker), ``lesson01`` ... ``lesson06`` (the exercises of each lesson, their expected
values and typical mistakes), ``registry`` (the bank collected from the lesson modules, and
the look-ups below).

>>> from initviz import exercises
>>> exercises.exercise_ids(4)
['04.1', '04.2', '04.3', '04.4']
>>> exercises.check("04.1", lambda a: a / 3)
Not yet (04.1): the variance grows with the square of a (double a, four times the variance)
"""

from .checkers import check_choice, check_function, check_number
from .exercise import KINDS, Exercise
from .feedback import Feedback
from .initializer_checker import check_initializer
from .registry import check, exercise_ids, kind, question

__all__ = ["Feedback", "Exercise", "KINDS", "check", "question", "kind", "exercise_ids",
           "check_initializer", "check_number", "check_function", "check_choice"]

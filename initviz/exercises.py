"""Exercises that answer back: check a student's answer and say what is wrong, in their terms.

In a lesson::

    from initviz import exercises
    def my_he_uniform(fan_in, fan_out, rng):
        ...                              # the student's code
    exercises.check("05.1", my_he_uniform)

prints feedback such as ``Not yet (05.1): your weights have variance 2/(fan_in + fan_out):
that is Glorot's. He uses 2/fan_in.`` An unanswered exercise (``None`` or ``...``) prints the
question again, never an error; an answer of the wrong type, a nan, or a function that raises
gets a clear message too. :func:`exercise_ids` lists the exercises, :func:`question` prints
one. Three kinds of checker do the work:

- :func:`check_initializer`: samples the student's ``init(fan_in, fan_out, rng)`` on two
  shapes and compares mean, variance (which formula it matches: LeCun, Glorot, He, ...),
  bounds and distribution (a Kolmogorov-Smirnov distance) with the target;
- :func:`check_number`: a numeric answer against a value computed here, with a stated
  tolerance and messages for the typical wrong values;
- :func:`check_choice`: a multiple-choice letter against the key, explaining each wrong choice.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import initializers

__all__ = ["Feedback", "check", "question", "exercise_ids", "check_initializer",
           "check_number", "check_choice", "check_function"]


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``correct`` and a ``message`` for the student."""

    exercise: str
    correct: bool | None  # None: not answered yet
    message: str

    def __str__(self):
        head = {True: "Correct", False: "Not yet", None: "Not answered yet"}[self.correct]
        return f"{head} ({self.exercise}): {self.message}"

    __repr__ = __str__

    def __bool__(self):
        return bool(self.correct)


def _unanswered(answer) -> bool:
    return answer is None or answer is Ellipsis


# ----------------------------------------------------------------------------- initializers
# Variance formulas a student's initializer may match, with the scheme's name.
_FORMULAS = [
    ("1/fan_in", lambda i, o: 1 / i, "LeCun's"),
    ("2/(fan_in + fan_out)", lambda i, o: 2 / (i + o), "Glorot's (Xavier's)"),
    ("2/fan_in", lambda i, o: 2 / i, "He's (Kaiming's)"),
    ("1/fan_out", lambda i, o: 1 / o, "LeCun's with fan_out"),
    ("2/fan_out", lambda i, o: 2 / o, "He's in fan_out mode"),
    ("1/(3 fan_in)", lambda i, o: 1 / (3 * i), "Glorot & Bengio's 'standard' U[-1/sqrt(fan_in), 1/sqrt(fan_in)] "
                                                "(PyTorch's nn.Linear default)"),
    ("6/(fan_in + fan_out)", lambda i, o: 6 / (i + o), "the Glorot limit squared: you used "
                                                         "sqrt(6/(fan_in + fan_out)) as a standard deviation"),
    ("6/fan_in", lambda i, o: 6 / i, "the He limit squared: you used sqrt(6/fan_in) as a standard deviation"),
    ("2/(3 (fan_in + fan_out))", lambda i, o: 2 / (3 * (i + o)), "what U[-a, a] gives with "
                                                                   "a = sqrt(2/(fan_in + fan_out)): the uniform needs a = sqrt(3) times the std"),
    ("2/(3 fan_in)", lambda i, o: 2 / (3 * i), "what U[-a, a] gives with a = sqrt(2/fan_in): "
                                                "the uniform needs a = sqrt(3) times the std"),
]
_SHAPES = ((250, 100), (100, 400))  # two shapes with different fan ratios tell the formulas apart
_VAR_TOL = 0.06  # relative; the sample variance of 25,000+ draws is within ~1 % (6 sigma < 6 %)


def _sample(student, fan_in, fan_out, seed):
    try:
        w = student(fan_in, fan_out, np.random.default_rng(seed))
    except Exception as err:  # the student's code: report, don't crash
        return None, f"your function raised {type(err).__name__}: {err}"
    if isinstance(w, (list, tuple)):
        w = np.asarray(w)
    if not isinstance(w, np.ndarray) or not np.issubdtype(w.dtype, np.number):
        return None, f"your function must return a numpy array, it returned {type(w).__name__}"
    if w.shape != (fan_in, fan_out):
        if w.shape == (fan_out, fan_in):
            return None, (f"the shape is ({fan_out}, {fan_in}), transposed: weights here are "
                          f"(fan_in, fan_out) = ({fan_in}, {fan_out}), so z = x @ W works")
        return None, f"expected shape (fan_in, fan_out) = ({fan_in}, {fan_out}), got {w.shape}"
    n_bad = int(w.size - np.count_nonzero(np.isfinite(w)))
    if n_bad:
        return None, f"your weights contain {n_bad} nan/inf values"
    return w.astype(np.float64), None


def check_initializer(exercise: str, student: Callable, target: str) -> Feedback:
    """Check ``student(fan_in, fan_out, rng) -> ndarray (fan_in, fan_out)`` against ``target``.

    Args:
        exercise: the exercise id, for the message.
        student: the student's function; it gets a numpy Generator as ``rng``.
        target: an initializer name with a fan-based variance (``"glorot_uniform"``,
            ``"he_normal"``, ...).
    Returns:
        :class:`Feedback`: correct when, on shapes (250, 100) and (100, 400), the mean is ~0,
        the variance within 6 % of the target formula, the bounds respected (uniform
        schemes) and the distribution's Kolmogorov-Smirnov distance to the target small.
    """
    if _unanswered(student):
        return Feedback(exercise, None, question(exercise, show=False))
    if not callable(student):
        return Feedback(exercise, False, f"the answer must be a function "
                        f"f(fan_in, fan_out, rng), got {type(student).__name__}")
    ref = initializers.get(target)
    problems = []
    for k, (fi, fo) in enumerate(_SHAPES):
        w, err = _sample(student, fi, fo, seed=100 + k)
        if err:
            return Feedback(exercise, False, err)
        w2, _ = _sample(student, fi, fo, seed=100 + k)
        var, mean, target_var = float(np.var(w)), float(np.mean(w)), ref.variance((fi, fo))
        std = math.sqrt(max(var, 0.0))
        if var == 0.0:
            return Feedback(exercise, False, "all your weights are equal: constant weights never break "
                            "the symmetry between hidden units (lesson 02)")
        if abs(mean) > 6 * std / math.sqrt(w.size) + 1e-12 and abs(mean) > 0.05 * std:
            problems.append(f"your weights have mean {mean:.3g}; an initializer draws zero-mean weights")
            break
        if abs(var / target_var - 1) > _VAR_TOL:
            match = [(f, name) for f, fn, name in _FORMULAS if abs(var / fn(fi, fo) - 1) <= _VAR_TOL]
            want = next(f for f, fn, _ in _FORMULAS if abs(fn(fi, fo) / target_var - 1) < 1e-9)
            if match:
                formula, name = match[0]
                problems.append(f"your weights have variance {formula}: that is {name}. "
                                f"{target} uses {want}")
            else:
                problems.append(f"for fan_in={fi}, fan_out={fo} your weights have variance "
                                f"{var:.3g}, the target is {want} = {target_var:.3g}")
            break
        uniform = getattr(ref, "distribution", "") == "uniform"
        if uniform:
            limit = ref.limit((fi, fo))
            if np.abs(w).max() > limit * (1 + 1e-9):
                problems.append(f"the variance is right but some weights lie outside "
                                f"[-limit, limit] = [-{limit:.4g}, {limit:.4g}]: {target} draws "
                                f"from a uniform distribution, yours looks normal")
                break
        if getattr(ref, "distribution", "") == "truncated_normal":
            bound = ref.limit((fi, fo))
            if np.abs(w).max() > bound * (1 + 1e-9):
                problems.append(f"the variance is right but some weights lie beyond 2 standard "
                                f"deviations of the underlying normal (|w| > {bound:.4g}): "
                                f"{target} truncates at 2 std and rescales, as Keras does")
                break
        ks = _ks_distance(w.ravel(), ref((fi, fo), rng=7).ravel())
        if ks > 0.03:  # same distribution: KS distance ~ 0.01 at these sizes
            kind = "uniform" if uniform else "normal (truncated at 2 std, as Keras)"
            problems.append(f"the variance is right but the shape of the distribution is not "
                            f"{kind} (KS distance {ks:.2f})")
            break
        if w2 is None or not np.array_equal(w, w2):
            problems.append("the same rng seed gave different weights: draw from the rng "
                            "argument (rng.normal, rng.uniform), not np.random")
            break
    if problems:
        return Feedback(exercise, False, problems[0])
    return Feedback(exercise, True, f"mean 0, variance {_formula_of(ref)}, "
                    f"the right distribution: this is {target}.")


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
def check_number(exercise: str, answer, expected: float, *, rel_tol: float = 0.02,
                 log_tol: float | None = None, mistakes=()) -> Feedback:
    """Check a numeric answer.

    Args:
        answer: the student's number.
        expected: the right value (computed by the caller, never typed in).
        rel_tol: accepted relative error (default 2 %).
        log_tol: if given, accept ``|log10(answer / expected)| <= log_tol`` instead (for
            predictions where the order of magnitude is the lesson).
        mistakes: ``(value, message)`` pairs for the typical wrong answers; an answer within
            the tolerance of one of them gets its message.
    """
    if _unanswered(answer):
        return Feedback(exercise, None, question(exercise, show=False))
    if isinstance(answer, bool) or not isinstance(answer, (numbers.Real, np.floating, np.integer)):
        return Feedback(exercise, False, f"the answer must be a number, got {answer!r}")
    x = float(answer)
    if not math.isfinite(x):
        return Feedback(exercise, False, f"the answer must be a finite number, got {x}")

    def close(a, b):
        if log_tol is not None:
            return a > 0 and b > 0 and abs(math.log10(a / b)) <= log_tol
        return abs(a - b) <= rel_tol * abs(b) + 1e-12

    if close(x, expected):
        return Feedback(exercise, True, f"{x:.4g} (the computed value is {expected:.4g}).")
    for value, message in mistakes:
        if close(x, value):
            return Feedback(exercise, False, f"{x:.4g}: {message}")
    direction = "too large" if x > expected else "too small"
    if log_tol is not None and x > 0 and expected > 0:
        return Feedback(exercise, False, f"{x:.4g} is {direction} by a factor of "
                        f"{max(x, expected) / min(x, expected):.3g}")
    return Feedback(exercise, False, f"{x:.4g} is {direction}; recheck the formula")


def check_function(exercise: str, student: Callable, reference: Callable, inputs, *,
                   rel_tol: float = 1e-6, mistakes=()) -> Feedback:
    """Check a student's ``f(x)`` against ``reference`` on ``inputs``.

    ``mistakes`` are ``(wrong_function, message)`` pairs: an answer that matches one of them on
    every input gets its message.
    """
    if _unanswered(student):
        return Feedback(exercise, None, question(exercise, show=False))
    if not callable(student):
        return Feedback(exercise, False, f"the answer must be a function, got {type(student).__name__}")
    got = []
    for x in inputs:
        try:
            v = student(x)
            v = float(v)
        except Exception as err:
            return Feedback(exercise, False, f"your function raised {type(err).__name__} for "
                            f"input {x!r}: {err}")
        if not math.isfinite(v):
            return Feedback(exercise, False, f"your function returned {v} for input {x!r}")
        got.append(v)
    want = [float(reference(x)) for x in inputs]
    if np.allclose(got, want, rtol=rel_tol, atol=0):
        return Feedback(exercise, True, "right on every test input.")
    for wrong, message in mistakes:
        if np.allclose(got, [float(wrong(x)) for x in inputs], rtol=rel_tol, atol=0):
            return Feedback(exercise, False, message)
    i = int(np.argmax(np.abs(np.asarray(got) - want)))
    return Feedback(exercise, False, f"for input {inputs[i]!r} your function gives {got[i]:.4g}, "
                    f"the right value is {want[i]:.4g}")


# ----------------------------------------------------------------------------- choices
def check_choice(exercise: str, answer, key: str, why: dict) -> Feedback:
    """Check a multiple-choice answer (a letter, any case) against ``key``; ``why`` maps
    every letter to the explanation shown for it."""
    if _unanswered(answer):
        return Feedback(exercise, None, question(exercise, show=False))
    if not isinstance(answer, str) or answer.strip().lower() not in why:
        return Feedback(exercise, False, f"answer with one of the letters "
                        f"{', '.join(sorted(why))} (as a string, e.g. \"b\"), got {answer!r}")
    letter = answer.strip().lower()
    return Feedback(exercise, letter == key, why[letter])


# ----------------------------------------------------------------------------- the bank
@dataclass(frozen=True)
class _Exercise:
    text: str
    checker: Callable


def _bank():
    # Values are computed from initviz or from formulas, never typed in.
    from .activations import LEAKY_RELU_SLOPE  # noqa: F401  (documented relation)

    def e01_2(answer):
        y = np.array([1.0, 2.0, 3.0, 6.0])
        return check_number("01.2", answer, float(y.mean()), mistakes=[
            (float(np.median(y)), "that is the median; squared error is minimised by the mean"),
            (0.0, "the output bias does get a gradient: dL/db2 = mean(2 (y_hat - y)) is not 0"),
        ])

    def e03_1(answer):
        from .mlp import MLP
        from .initializers import RandomNormal
        net = MLP([250] * 12, activation="tanh", weight_init=RandomNormal(stddev=0.01),
                  output_activation="linear", rng=0)
        X = np.random.default_rng(1).standard_normal((500, 250))
        std = float(np.std(net.trace(X).activations[9]))  # the 10th hidden layer
        one = 0.01 * math.sqrt(250)
        return check_number("03.1", answer, std, log_tol=0.3, mistakes=[
            (one, "that is the factor of ONE layer (0.01 * sqrt(250)); it multiplies at every layer"),
            (0.0, "close, but not exactly 0: each layer multiplies the std by about 0.158"),
        ])

    def e03_2(answer):
        return check_number("03.2", answer, math.sqrt(1 / 250), rel_tol=0.05, mistakes=[
            (1 / 250, "that is the variance 1/fan_in; the question asks for the standard deviation"),
            (math.sqrt(2 / 250), "that is He's std for ReLU; for tanh it is sqrt(1/fan_in)"),
        ])

    def e04_2(student):
        return check_function("04.2", student, lambda a: a * a / 3, [0.5, 1.0, 2.0, 3.0], mistakes=[
            (lambda a: a * a / 12, "a^2/12 is the variance of U[0, a] (width a); U[-a, a] has "
                                   "width 2a, so (2a)^2/12 = a^2/3"),
            (lambda a: 4 * a * a / 3, "too large by 4: (b - a)^2/12 with width 2a gives a^2/3"),
            (lambda a: a / 3, "the variance grows with the square of a"),
        ])

    def e05_2(answer):
        from .theory import gaussian_moments
        return check_number("05.2", answer, gaussian_moments("relu", 4.0)[1], mistakes=[
            (4.0, "that is E[z^2]; ReLU zeroes the negative half, which takes half of it away"),
            (1.0, "E[relu(z)^2] = Var(z)/2 = 4/2"),
            (4.0 / (2 * math.pi), "that is E[relu(z)]^2, the squared mean, not the second moment"),
        ])

    def e05_3(answer):
        gain = initializers.calculate_gain("leaky_relu", 0.2)
        return check_number("05.3", answer, gain / math.sqrt(100), rel_tol=0.01, mistakes=[
            (math.sqrt(2 / 100), "that is He's std for plain ReLU; leaky ReLU keeps (1 + s^2)/2 "
                                 "of the second moment, so divide by (1 + 0.2^2) too"),
            (2 / (1.04 * 100), "that is the variance; the question asks for the std"),
        ])

    def e06_1(answer):
        fan_in, fan_out = initializers.compute_fans((3, 3, 64, 128))
        return check_number("06.1", answer, fan_in, rel_tol=0, mistakes=[
            (64, "that is the input channels only; each output sums over the 3 x 3 receptive "
                 "field too: fan_in = 3 * 3 * 64"),
            (fan_out, "that is fan_out (3 * 3 * 128)"),
        ])

    choice = {
        "01.1": ("After 100 gradient-descent steps on the zero-initialized 2-2-1 ReLU network "
                 "(W = 0, b = 0), which parameters have changed?\n  a) all of them\n  b) only "
                 "the output weights\n  c) only the output bias\n  d) none",
                 "c", {"a": "the hidden layer's gradient is exactly 0 at every step: W2 = 0 "
                            "blocks it on the way back, and a = 0 kills dL/dW2",
                       "b": "dL/dW2 = a1^T dL/dz2, and a1 = relu(0) = 0: the output weights "
                            "never move either",
                       "c": "only dL/db2 = mean of dL/dz2 is non-zero; the bias learns the mean "
                            "of y and nothing else moves",
                       "d": "the output bias does get a gradient: dL/db2 = mean(2 (y_hat - y))"}),
        "01.3": ("A 2-2-1 network with sigmoid hidden units starts at W = 0, b = 0. The hidden "
                 "activations are:\n  a) 0\n  b) 0.5\n  c) different for each unit\n  d) 1",
                 "b", {"a": "sigmoid(0) = 1/(1 + e^0) = 0.5, not 0: that is tanh's value",
                       "b": "sigmoid(0) = 0.5; both units give 0.5 and get identical updates "
                            "(lesson 02)",
                       "c": "both units compute the same z = 0, so the same activation",
                       "d": "sigmoid only tends to 1 for large positive z; here z = 0"}),
        "02.1": ("Which of these breaks the symmetry between hidden units?\n  a) W = 0.5, b = 0"
                 "\n  b) small random W, b = 0\n  c) W = 1, b = 1\n  d) a larger learning rate",
                 "b", {"a": "every unit still computes the same z: constant weights keep them copies",
                       "b": "random weights give each unit its own z, so its own gradient; "
                            "the biases can then start at 0",
                       "c": "another constant: the units stay identical",
                       "d": "the step size scales identical gradients identically"}),
        "02.2": ("A 2-8-1 network starts with every weight 0.5 and every bias 0.5 and is trained "
                 "with gradient descent. How many different hidden units does it have after "
                 "training?\n  a) 8\n  b) 4\n  c) 1\n  d) it depends on the learning rate",
                 "c", {"a": "they were identical at the start and get identical updates",
                       "b": "nothing pairs them up: all 8 stay the same",
                       "c": "all 8 stay copies of one unit: the network is no wider than a "
                            "one-unit one",
                       "d": "any learning rate applies the same update to every copy"}),
        "03.3": ("With W = standard_normal((250, 250)) * 1.0 and tanh, why does training stall?"
                 "\n  a) the activations overflow to inf\n  b) the units saturate at +-1, where "
                 "tanh' is ~0\n  c) the gradients explode\n  d) the units die as ReLU units do",
                 "b", {"a": "tanh is bounded by 1: it cannot overflow",
                       "b": "Var(z) = 250 per layer: |z| >> 1, tanh'(z) ~ 0, gradients vanish",
                       "c": "through saturated units the gradient shrinks, it does not grow",
                       "d": "tanh units are never exactly 0-gradient, but saturated ones come close"}),
        "04.3": ("Weights with std = sqrt(1/fan_in) are:\n  a) Xavier/Glorot\n  b) LeCun\n  "
                 "c) He/Kaiming\n  d) Keras' default",
                 "b", {"a": "a common mislabel: Glorot uses 2/(fan_in + fan_out)",
                       "b": "LeCun et al. 1998: Var(W) = 1/fan_in keeps the forward signal",
                       "c": "He uses 2/fan_in, for ReLU",
                       "d": "Keras' default is glorot_uniform, 2/(fan_in + fan_out)"}),
        "06.2": ("PyTorch's nn.Linear(256, 128) initializes its weights by default with "
                 "variance:\n  a) 2/256\n  b) 1/(3 * 256)\n  c) 2/(256 + 128)\n  d) 1/256",
                 "b", {"a": "that is He's; nn.Linear's default is kaiming_uniform_(a=sqrt(5))",
                       "b": "U(-1/sqrt(256), 1/sqrt(256)) has variance (1/256)/3",
                       "c": "that is Xavier/Glorot, not PyTorch's default",
                       "d": "that is LeCun's; the uniform bound 1/sqrt(fan_in) gives a third of it"}),
    }
    bank = {k: _Exercise(text, lambda a, k=k, key=key, why=why: check_choice(k, a, key, why))
            for k, (text, key, why) in choice.items()}
    bank.update({
        "01.2": _Exercise("The zero-initialized 2-2-1 network is trained on targets y = [1, 2, "
                          "3, 6] until it converges. What value does its output take?", e01_2),
        "03.1": _Exercise("Predict: the std of the activations of the 10th hidden layer of a "
                          "tanh stack of 250-unit layers with W = standard_normal((250, 250)) * "
                          "0.01 and standard-normal inputs (the order of magnitude counts).", e03_1),
        "03.2": _Exercise("For tanh layers of width 250, which weight std keeps the signal's "
                          "scale from layer to layer?", e03_2),
        "04.1": _Exercise("Implement glorot_uniform(fan_in, fan_out, rng) -> array (fan_in, "
                          "fan_out), using rng.uniform.",
                          lambda a: check_initializer("04.1", a, "glorot_uniform")),
        "04.2": _Exercise("Implement uniform_variance(a): the variance of U[-a, a].", e04_2),
        "05.1": _Exercise("Implement he_uniform(fan_in, fan_out, rng) -> array (fan_in, "
                          "fan_out), using rng.uniform.",
                          lambda a: check_initializer("05.1", a, "he_uniform")),
        "05.2": _Exercise("z ~ N(0, 4). What is E[relu(z)^2]?", e05_2),
        "05.3": _Exercise("He normal std for leaky ReLU with negative slope 0.2 and fan_in = "
                          "100?", e05_3),
        "06.1": _Exercise("What is fan_in of a Conv2D kernel of shape (3, 3, 64, 128) "
                          "(Keras layout: kernel_h, kernel_w, in_channels, out_channels)?", e06_1),
        "04.4": _Exercise("Implement glorot_normal(fan_in, fan_out, rng) as Keras does: a "
                          "normal truncated at 2 std, rescaled so the variance is "
                          "2/(fan_in + fan_out).",
                          lambda a: check_initializer("04.4", a, "glorot_normal")),
    })
    return dict(sorted(bank.items()))


_BANK = None


def _exercises() -> dict:
    global _BANK
    if _BANK is None:
        _BANK = _bank()
    return _BANK


def _get(exercise):
    bank = _exercises()
    if exercise not in bank:
        raise ValueError(f"unknown exercise {exercise!r}; valid ids: {', '.join(bank)}")
    return bank[exercise]


def exercise_ids() -> list:
    """The ids of every exercise, "LL.N" (lesson, number)."""
    return list(_exercises())


def question(exercise: str, show: bool = True) -> str:
    """The question of an exercise (printed too when ``show``)."""
    text = _get(exercise).text
    if show:
        print(f"Exercise {exercise}: {text}")
    return text


def check(exercise: str, answer) -> Feedback:
    """Check ``answer`` to ``exercise`` and return :class:`Feedback` (it prints as a message).

    Raises:
        ValueError: an unknown exercise id (the message lists the valid ones).
    """
    return _get(exercise).checker(answer)

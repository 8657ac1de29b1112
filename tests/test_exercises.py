"""Tests of initviz.exercises: every checker against the solution, the typical wrong answers,
the unanswered states, bad input, and the lesson and solution notebooks that use them.

The solutions here are written from the formulas of the lessons (and the papers they cite),
independently of the checkers' own reference computations; the solutions notebooks hold the
same answers with their explanations.
"""

import math
import pathlib

import numpy as np
import pytest

from initviz import exercises

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent / "notebooks"
TRUNC = 0.87962566103423978  # std of N(0, 1) truncated to [-2, 2] (Keras' constant)


# ----------------------------------------------------------------------------- solutions
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def b2_after(steps, lr, y):
    b2 = 0.0
    for _ in range(steps):
        b2 -= lr * 2 * (b2 - np.mean(y))
    return b2


def grad_W1(X, y, W1, b1, W2, b2):
    n = len(X)
    A1 = sigmoid(X @ W1 + b1)
    d_yhat = 2 * (A1 @ W2 + b2 - y) / n
    d_Z1 = (d_yhat @ W2.T) * A1 * (1 - A1)
    return X.T @ d_Z1


def std_factor(scale, fan_in, activation):
    return math.sqrt(fan_in * (0.5 if activation == "relu" else 1.0)) * scale


def glorot_uniform(fan_in, fan_out, rng):
    limit = math.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def softmax_scipy(x, axis):
    from scipy.special import softmax

    return softmax(x, axis=axis)


def attention_scipy(q, k):  # Vaswani et al. 2017, eq. 1, with scipy's softmax
    return softmax_scipy(q @ k.T / math.sqrt(q.shape[-1]), axis=-1)


def keras_he_normal(fan_in, fan_out, rng):  # keras.initializers.HeNormal: truncated, rescaled
    w = rng.standard_normal((fan_in, fan_out))
    out = np.abs(w) > 2
    while out.any():
        w[out] = rng.standard_normal(np.count_nonzero(out))
        out = np.abs(w) > 2
    return math.sqrt(2 / fan_in) / TRUNC * w


def cross_entropy_logsumexp(logits, labels):  # scipy's logsumexp, an independent reduction
    from scipy.special import logsumexp

    logits = np.asarray(logits, dtype=np.float64)
    return float(np.mean(logsumexp(logits, axis=1) - logits[np.arange(len(logits)), labels]))


def glorot_normal(fan_in, fan_out, rng):
    w = rng.standard_normal((fan_in, fan_out))
    out = np.abs(w) > 2
    while out.any():
        w[out] = rng.standard_normal(np.count_nonzero(out))
        out = np.abs(w) > 2
    return math.sqrt(2 / (fan_in + fan_out)) / TRUNC * w


def he_uniform(fan_in, fan_out, rng):
    limit = math.sqrt(6 / fan_in)
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def fans(shape):
    field = math.prod(shape[:-2])
    return shape[-2] * field, shape[-1] * field


def layer_norm(x):  # lesson 09: Ba et al. 2016, eq. 4, with PyTorch's eps
    return (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + 1e-5)


def orthogonal_qr(n, rng):  # lesson 08: QR with the sign fix (Mezzadri 2007)
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def orthogonal_no_sign_fix(n, rng):
    return np.linalg.qr(rng.standard_normal((n, n)))[0]


SOLUTIONS = {
    "01.1": "c",
    "01.2": float(np.var([1, 2, 3, 6])),          # b2 -> mean(y): the loss is the variance
    "01.3": "b",
    "01.4": b2_after,
    "02.1": "b",
    "02.2": "c",
    "02.3": grad_W1,
    "02.4": 0.1 / 4,                               # lr / k
    "03.1": (math.sqrt(1000) * 0.01) ** 10,        # (sqrt(fan_in) * scale) per layer
    "03.2": math.sqrt(1 / 400),
    "03.3": "b",
    "03.4": std_factor,
    "04.2": glorot_uniform,
    "04.1": lambda a: a * a / 3,
    "04.3": "b",
    "04.4": glorot_normal,
    "05.3": he_uniform,
    "05.1": 4 / 2,                                 # E[relu(z)^2] = Var(z) / 2
    "05.2": math.sqrt(2 / ((1 + 0.5 ** 2) * 100)),
    "05.4": 0.5 ** (20 / 2),
    "06.1": fans,
    "06.2": "b",
    "06.3": (1 / 6) ** (20 / 2),
    "08.1": 0.1 / (1 - 1.5 / 2),                   # ReLU q* = sigma_b2 / (1 - sigma_w2 / 2)
    "08.2": -1 / math.log(0.9),                    # xi_c = -1 / ln(chi_c)
    "08.3": orthogonal_qr,
    "08.4": "b",
    "09.1": 2.0 ** 20,                             # Var doubles per He block
    "09.2": layer_norm,
    "09.3": "c",
    "09.4": math.log(0.05 / 0.95),                 # log-odds of the prior
    "10.1": math.sqrt(64),                         # Var(q . k) = d_k Var(q_i) Var(k_i)
    "10.2": 0.02 / math.sqrt(2 * 48),              # nanoGPT's c_proj std
    "10.3": attention_scipy,
    "10.4": 0.01 / (1024 / 64),                    # TP V table 3: Adam, hidden: lr / m
    "10.5": "b",
    "11.1": 1 / (3 * 64),                          # U(-a, a), a = 1/sqrt(fan_in): a^2 / 3
    "11.2": (1 / 3) * (1 / 2),                     # default variance x ReLU's half
    "11.3": math.log(10),                          # -ln(1/10)
    "11.4": cross_entropy_logsumexp,
    "12.1": "a",
    "12.2": 256 * (2 / (256 + 256)) * (1 / 2),     # Glorot's variance x ReLU's half
    "12.3": keras_he_normal,
}


# ----------------------------------------------------------------------------- wrong answers
def _uniform(limit_fn):
    def init(fan_in, fan_out, rng):
        a = limit_fn(fan_in, fan_out)
        return rng.uniform(-a, a, size=(fan_in, fan_out))
    return init


def _normal(std_fn):
    def init(fan_in, fan_out, rng):
        return rng.normal(0.0, std_fn(fan_in, fan_out), size=(fan_in, fan_out))
    return init


def _truncated_not_rescaled(fan_in, fan_out, rng):
    return glorot_normal(fan_in, fan_out, rng) * TRUNC


def _clipped(fan_in, fan_out, rng):
    s = math.sqrt(2 / (fan_in + fan_out)) / TRUNC
    return np.clip(rng.normal(0, s, (fan_in, fan_out)), -2 * s, 2 * s)


def _global_np_random(fan_in, fan_out, rng):
    a = math.sqrt(6 / fan_in)
    return np.random.default_rng().uniform(-a, a, size=(fan_in, fan_out))


def _grad_variant(change):
    def grad(X, y, W1, b1, W2, b2):
        n = len(X)
        A1 = sigmoid(X @ W1 + b1)
        err = A1 @ W2 + b2 - y
        d_yhat = {"sum": 2 * err, "no_two": err / n, "sign": -2 * err / n}.get(change, 2 * err / n)
        d_A1 = d_yhat @ W2.T
        d_Z1 = d_A1 if change == "no_derivative" else d_A1 * A1 * (1 - A1)
        G = X.T @ d_Z1
        return G.T if change == "transposed" else G
    return grad


def _mean(y):
    return float(np.mean(y))


def _field(s):
    return math.prod(s[:-2])


# id -> [(answer, substrings the message must contain)]: at least two typical mistakes each
WRONG = {
    "01.1": [("a", ["exactly 0 at every step"]), ("b", ["A1 = relu(0) = 0"]),
             ("d", ["does get a gradient"])],
    "01.2": [(12.5, ["loss at the start"]), (3.0, ["where the output goes"]),
             (14 / 3, ["n - 1"]), (0.0, ["cannot fit y"])],
    "01.3": [("a", ["sigmoid(0) = 1/(1 + e^0) = 0.5"]), ("c", ["same z = 0"])],
    "01.4": [(lambda t, lr, y: _mean(y) * (1 - (1 - lr) ** t), ["factor 2 is missing"]),
             (lambda t, lr, y: _mean(y), ["steps -> infinity"]),
             (lambda t, lr, y: 2 * lr * t * _mean(y), ["does not move by the same amount"]),
             (lambda t, lr, y: -_mean(y) * (1 - (1 - 2 * lr) ** t), ["sign is flipped"])],
    "02.1": [("a", ["constant weights keep them copies"]), ("d", ["step size"])],
    "02.2": [("a", ["identical updates"]), ("d", ["same update to every copy"])],
    "02.3": [(_grad_variant("sum"), ["n = 100 times too large", "MEAN"]),
             (_grad_variant("no_two"), ["half the right one"]),
             (_grad_variant("sign"), ["sign is flipped"]),
             (_grad_variant("no_derivative"), ["sigmoid's derivative is missing"]),
             (_grad_variant("transposed"), ["transposed", "column j belongs to hidden unit j"])],
    "02.4": [(0.4, ["OUTGOING weight"]), (0.1, ["output bias only"])],
    "03.1": [(math.sqrt(1000) * 0.01, ["ONE layer"]),
             ((math.sqrt(250) * 0.01) ** 10, ["lesson's width 250"]),
             (0.1 ** 10, ["VARIANCE"]), (0.01 ** 10, ["dropped the sqrt(fan_in)"]),
             (0.0, ["not 0"])],
    "03.2": [(1 / 400, ["variance 1/fan_in"]), (math.sqrt(2 / 400), ["He's std for ReLU"]),
             (0.01, ["5 times too small"])],
    "03.3": [("a", ["cannot overflow"]), ("c", ["the opposite"])],
    "03.4": [(lambda s, n, a: math.sqrt(n) * s, ["right for tanh, not for ReLU"]),
             (lambda s, n, a: math.sqrt(n / 2) * s, ["right for ReLU, not for tanh"]),
             (lambda s, n, a: n * s * s * (0.5 if a == "relu" else 1.0), ["VARIANCE"])],
    "04.2": [(_uniform(lambda i, o: math.sqrt(3 / i)),
              ["variance 1/fan_in: that is LeCun's", "glorot_uniform uses 2/(fan_in + fan_out)"]),
             (_normal(lambda i, o: math.sqrt(2 / (i + o))),
              ["outside [-limit, limit]", "looks normal"]),
             (_uniform(lambda i, o: math.sqrt(2 / (i + o))), ["a^2/3", "sqrt(3) times the std"]),
             (_uniform(lambda i, o: math.sqrt(1 / i)), ["'standard'", "nn.Linear default"])],
    "04.1": [(lambda a: a * a / 12, ["U[0, a]", "a^2/3"]), (lambda a: a / 3, ["square of a"]),
             (lambda a: a / math.sqrt(3), ["standard deviation"])],
    "04.3": [("a", ["common mislabel"]), ("c", ["He uses 2/fan_in"])],
    "04.4": [(_normal(lambda i, o: math.sqrt(2 / (i + o))),
              ["beyond 2 standard deviations", "truncates"]),
             (_truncated_not_rescaled, ["0.8796", "divides the std"]),
             (_clipped, ["np.clip", "redraws"]),
             (glorot_uniform, ["shape of the distribution", "Kolmogorov-Smirnov"])],
    "05.3": [(glorot_uniform, ["variance 2/(fan_in + fan_out): that is Glorot's",
                               "he_uniform uses 2/fan_in"]),
             (_normal(lambda i, o: math.sqrt(2 / i)), ["looks normal"]),
             (_uniform(lambda i, o: math.sqrt(2 / i)), ["sqrt(3) times the std"]),
             (_uniform(lambda i, o: math.sqrt(6 / o)), ["fan_out in place of fan_in"]),
             (_normal(lambda i, o: math.sqrt(6 / i)),
              ["limit sqrt(6/fan_in) as a standard deviation"]),
             (_global_np_random, ["same rng seed gave different weights"])],
    "05.1": [(4.0, ["E[z^2]"]), (4 / (2 * math.pi), ["square of the mean"]),
             (2 - 4 / (2 * math.pi), ["Var(relu(z))"])],
    "05.2": [(math.sqrt(2 / 100), ["plain ReLU"]), (2 / (1.25 * 100), ["variance"]),
             (math.sqrt(2 / (1.5 * 100)), ["1 + s^2, not 1 + s"])],
    "05.4": [(1.0, ["Xavier is not for every activation"]), (0.5 ** 20, ["VARIANCES"]),
             (2.0 ** 10, ["He divided by Xavier"])],
    "06.1": [(lambda s: (s[-2], s[-1]), ["channels only"]),
             (lambda s: (s[-1] * _field(s), s[-2] * _field(s)), ["swapped"]),
             (lambda s: (s[1] * math.prod(s[2:]), s[0] * math.prod(s[2:])), ["PyTorch's layout"])],
    "06.2": [("a", ["He's", "a = sqrt(5)"]), ("c", ["Xavier/Glorot"]), ("d", ["LeCun's"])],
    "06.3": [(1.0, ["not He"]), (0.5 ** 10, ["Xavier's ratio"]), ((1 / 6) ** 20, ["VARIANCES"])],
    "08.1": [(0.1 / (1 - 1.5), ["half"]), (0.1, ["bias alone"])],
    "08.2": [(-6 / math.log(0.9), ["6 xi_c"]), (1 / 0.9, ["-1/ln"])],
    "08.3": [(orthogonal_no_sign_fix, ["sign"]),
             (lambda n, rng: rng.standard_normal((n, n)), ["identity"])],
    "08.4": [("a", ["ordered"]), ("c", ["critical line"])],
    "09.1": [(2.0 ** 10, ["growth of the std"]), (21.0, ["compounds"])],
    "09.2": [(lambda x: (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5), ["axis 0"]),
             (lambda x: (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True)),
              ["eps is missing"])],
    "09.3": [("a", ["undoes the scale"]), ("b", ["undoes the scale"]), ("d", ["bias"])],
    "09.4": [(math.log(0.05), ["log p"]), (-math.log(0.05 / 0.95), ["sign is flipped"])],
    "10.1": [(64.0, ["variance of q . k"]), (1.0, ["after dividing"])],
    "10.2": [(0.02 / math.sqrt(48), ["both branches"]), (0.02 / 96, ["square root"]),
             (0.02, ["scaled down"])],
    "10.3": [(lambda q, k: softmax_scipy(q @ k.T, axis=-1), ["divide the logits by sqrt(d_k)"]),
             (lambda q, k: softmax_scipy(q @ k.T / q.shape[-1], axis=-1), ["not d_k"])],
    "10.4": [(0.01, ["standard parametrization"]), (0.0025, ["not its square root"])],
    "10.5": [("a", ["lesson 01's trap"]), ("c", ["before any training"]),
             ("d", ["whatever the rate"])],
    "11.1": [(1 / 64, ["LeCun"]), (math.sqrt(1 / 192), ["the std"])],
    "11.2": [(1 / 3, ["leaves out the ReLU"]), (math.sqrt(1 / 6), ["the std"])],
    "11.3": [(0.1, ["probability"]), (1.0, ["natural log"])],
    "11.4": [(lambda z, y: cross_entropy_logsumexp(z, y) / math.log(10), ["natural log"]),
             (lambda z, y: cross_entropy_logsumexp(z, y) * len(z), ["not the sum"])],
    "12.1": [("b", ["bias of 1"]), ("c", ["changes the model"])],
    "12.2": [(1 / 6, ["PyTorch's default"]), (math.sqrt(1 / 2), ["the std"])],
    "12.3": [(_normal(lambda i, o: math.sqrt(2 / i)), ["truncates at 2 std"]),
             (_normal(lambda i, o: math.sqrt(2 / (i + o))), ["Glorot's"])],
}

IDS = exercises.exercise_ids()


def _stub_for(exercise):
    """A function with the exercise's signature whose body was not filled in."""
    kind = exercises.kind(exercise)
    assert kind == "implement"
    return lambda *args: None


# ----------------------------------------------------------------------------- the bank
# every lesson but 00 (the first demonstration) and 07 (the playground) ends with exercises
EXERCISE_LESSONS = sorted(int(p.name[:2]) for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")
                          if int(p.name[:2]) not in (0, 7))


def test_every_lesson_but_00_and_07_has_2_to_5_exercises():
    assert sorted({int(i[:2]) for i in exercises.exercise_ids()}) == EXERCISE_LESSONS
    for lesson in EXERCISE_LESSONS:
        ids = exercises.exercise_ids(lesson)
        assert 2 <= len(ids) <= 5, (lesson, ids)
        assert ids == [f"{lesson:02d}.{k}" for k in range(1, len(ids) + 1)]
        kinds = {exercises.kind(i) for i in ids}
        # the basics (01-06) each ask for code; every lesson mixes at least two kinds
        assert ("implement" in kinds or lesson > 6) and len(kinds) >= 2, (lesson, kinds)
    assert set(IDS) == set(SOLUTIONS) == set(WRONG)
    assert all(exercises.kind(i) in exercises.KINDS for i in IDS)


@pytest.mark.parametrize("exercise", IDS)
def test_solution_is_correct(exercise, no_warnings):
    feedback = exercises.check(exercise, SOLUTIONS[exercise])
    assert feedback.correct is True, str(feedback)
    assert bool(feedback)
    assert str(feedback).startswith(f"Correct ({exercise}): ")


@pytest.mark.parametrize("exercise", IDS)
def test_typical_wrong_answers_get_their_message(exercise, no_warnings):
    assert len(WRONG[exercise]) >= 2
    for answer, parts in WRONG[exercise]:
        feedback = exercises.check(exercise, answer)
        assert feedback.correct is False, (answer, str(feedback))
        assert not feedback
        text = str(feedback)
        assert text.startswith(f"Not yet ({exercise}): ")
        for part in parts:
            assert part in text, (part, text)
        assert exercises.check(exercise, answer).message == feedback.message  # deterministic


@pytest.mark.parametrize("exercise", IDS)
def test_unanswered_prints_the_question(exercise, no_warnings):
    text = exercises.question(exercise, show=False)
    blanks = [None, ...]
    if exercises.kind(exercise) == "implement":
        blanks.append(_stub_for(exercise))
    for blank in blanks:
        feedback = exercises.check(exercise, blank)
        assert feedback.correct is None
        assert not feedback
        assert str(feedback).startswith(f"Not answered yet ({exercise}): ")
        assert text in str(feedback)
    if exercises.kind(exercise) == "implement":
        assert "your function returned None: fill in its body" in exercises.check(
            exercise, _stub_for(exercise)).message


def test_question_prints(capsys):
    text = exercises.question("05.3")
    assert capsys.readouterr().out == f"Exercise 05.3: {text}\n"
    assert "he_uniform" in text


def _lookups(exercise):
    return (lambda: exercises.check(exercise, 1.0), lambda: exercises.question(exercise),
            lambda: exercises.kind(exercise))


@pytest.mark.parametrize("bad, error", [("05.9", ValueError), ("5.1", ValueError),
                                        ("", ValueError), (5.1, TypeError), (None, TypeError)])
def test_unknown_id_lists_the_valid_ones(bad, error):
    """The argument-check rule: a wrong type is a TypeError, an unknown id a ValueError; the
    message names the argument, the value given and every valid id."""
    for call in _lookups(bad):
        with pytest.raises(error, match="exercise must be one of '01.1', '01.2', ") as err:
            call()
        assert "'06.3'" in str(err.value) and f"got {bad!r}" in str(err.value)


def test_unknown_id_suggests_the_closest():
    for call in _lookups("5.3"):
        with pytest.raises(ValueError, match=r"did you mean '05\.3'\?"):
            call()


def test_exercise_ids_by_lesson():
    assert exercises.exercise_ids("05") == exercises.exercise_ids(5)
    assert exercises.exercise_ids(np.int64(5)) == exercises.exercise_ids(5)
    assert exercises.exercise_ids(5) == ["05.1", "05.2", "05.3", "05.4"]
    assert exercises.exercise_ids() == sorted(IDS)


@pytest.mark.parametrize("bad, error, part", [
    (7, ValueError, "got 7"),
    (0, ValueError, "in [1, "),
    (5.0, TypeError, "lesson must be an int"),
    (True, TypeError, "got True"),
    ("5", ValueError, "lesson must be one of '01', '02', '03', '04', '05', '06', "),
    ("07", ValueError, "got '07'"),
])
def test_exercise_ids_of_a_lesson_without_exercises(bad, error, part):
    with pytest.raises(error) as err:
        exercises.exercise_ids(bad)
    assert part in str(err.value)


def test_question_show_must_be_a_bool(capsys):
    with pytest.raises(TypeError, match="show must be True or False, got 'yes'"):
        exercises.question("05.3", show="yes")
    assert exercises.question("05.3", show=np.bool_(False)) == exercises.question("05.3", False)
    assert capsys.readouterr().out == ""


def test_every_lesson_module_declares_its_own_exercises():
    """The registry is built from the lesson modules: each declares the exercises of its lesson
    and nothing else, and together they are the whole bank."""
    from initviz.exercises import registry

    declared = []
    for module in registry.LESSONS:
        lesson = int(module.__name__[-2:])
        ids = [e.id for e in module.EXERCISES]
        assert ids == exercises.exercise_ids(lesson), module.__name__
        declared += ids
    assert sorted(declared) == exercises.exercise_ids()


def test_exercise_and_checkers_reject_bad_arguments():
    with pytest.raises(ValueError, match="kind must be one of 'implement', .*got 'guess'"):
        exercises.Exercise("05.9", "guess", "?", print)
    with pytest.raises(ValueError, match="key must be one of 'a', 'b', got 'c'"):
        exercises.Exercise.choice("05.9", "?", "c", {"a": "no", "b": "yes"})
    with pytest.raises(ValueError, match="key must be one of 'a', 'b', got 'c'"):
        exercises.check_choice("05.9", "a", "c", {"a": "no", "b": "yes"})
    with pytest.raises(ValueError, match="rel_tol must be a finite number > 0, got 0"):
        exercises.check_number("05.9", 1.0, 1.0, rel_tol=0)
    with pytest.raises(ValueError, match="log_tol must be a finite number > 0, got -0.3"):
        exercises.check_number("05.9", 1.0, 1.0, log_tol=-0.3)
    with pytest.raises(TypeError, match="expected must be a finite number, got '2'"):
        exercises.check_number("05.9", 1.0, "2")
    with pytest.raises(ValueError, match="rel_tol must be a finite number > 0, got nan"):
        exercises.check_function("05.9", abs, abs, [1.0], rel_tol=math.nan)
    with pytest.raises(ValueError, match="'he_uniformm'"):  # initializers.get's message
        exercises.check_initializer("05.9", None, "he_uniformm")


def test_a_new_exercise_prompts_with_its_question(no_warnings):
    """An exercise built from the public parts: blank answers show its question, after the
    stub notice for a function that still returns None."""
    ex = exercises.Exercise("07.1", "implement", "Implement double(x).",
                            lambda f: exercises.check_function("07.1", f, lambda x: 2 * x,
                                                               [1.0, 3.0], names=("x",)))
    assert str(ex.check(None)) == "Not answered yet (07.1): Implement double(x)."
    assert str(ex.check(lambda x: None)) == (
        "Not answered yet (07.1): your function returned None: fill in its body (and return "
        "the result).\nImplement double(x).")
    assert str(ex.check(lambda x: x + 1)) == (
        "Not yet (07.1): for x=3 your function gives 4, the right value is 6.")
    assert ex.check(lambda x: x + x).correct is True
    assert ex.lesson == 7


def test_the_package_has_no_import_cycle():
    """Inside initviz.exercises imports run one way (checkers <- lessons <- registry <-
    __init__): a module never imports, directly or not, one that imports it."""
    import ast

    package = pathlib.Path(exercises.__file__).parent
    graph = {}
    for path in package.glob("*.py"):
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                deps |= ({node.module} if node.module else {a.name for a in node.names})
        graph[path.stem] = deps
    assert {"registry", "checkers", "feedback", "lesson01"} <= set(graph)

    def reaches(start, target, seen=()):
        return any(d == target or (d not in seen and reaches(d, target, (*seen, d)))
                   for d in graph.get(start, ()))

    assert [m for m in graph if reaches(m, m)] == []


# ----------------------------------------------------------------------------- bad input
NUMBERS = [i for i in IDS if exercises.kind(i) in ("number", "predict")]
CHOICES = [i for i in IDS if exercises.kind(i) == "choice"]
FUNCTIONS = [i for i in IDS if exercises.kind(i) == "implement"]
INITIALIZERS = ["04.2", "04.4", "05.3"]


@pytest.mark.parametrize("exercise", NUMBERS)
def test_number_bad_input(exercise, no_warnings):
    cases = [("0.5", "without quotes"), ("abc", "must be a number, got the text"),
             (True, "must be a number"), (math.nan, "finite number, got nan"),
             (math.inf, "finite number"), ([1.0, 2.0], "one number, got 2 values"),
             (lambda: 1.0, "got a function"), (1 + 2j, "real number"), ({}, "must be a number")]
    for answer, part in cases:
        feedback = exercises.check(exercise, answer)
        assert feedback.correct is False and part in feedback.message, (answer, str(feedback))
    right = SOLUTIONS[exercise]
    for same in (np.float64(right), np.array([right]), np.float32(right)):
        assert exercises.check(exercise, same).correct is True, same


def test_number_tolerance_is_stated_and_log_predictions_name_the_factor(no_warnings):
    msg = exercises.check("05.1", 3.0).message
    assert "too large" in msg and "tolerance is 2%" in msg and "Hint:" in msg
    msg = exercises.check("03.1", 1e-3).message
    assert "too large by a factor of" in msg
    assert "positive number" in exercises.check("03.1", -1e-5).message
    assert "wrong sign" in exercises.check("02.4", -0.025).message


@pytest.mark.parametrize("exercise", CHOICES)
def test_choice_bad_input(exercise):
    for answer in (3, ["b"], b"b"):
        message = exercises.check(exercise, answer).message
        assert 'answer with one of the letters "a", "b", "c", "d"' in message
    assert "got 'e'" in exercises.check(exercise, "e").message
    key = SOLUTIONS[exercise]
    for variant in (key.upper(), f" {key} ", f"{key})", f"({key})"):
        assert exercises.check(exercise, variant).correct is True


@pytest.mark.parametrize("exercise", FUNCTIONS)
def test_function_bad_input(exercise, no_warnings):
    def raises(*args):
        raise ZeroDivisionError("division by zero")

    def returns_nan(*args):
        out = np.asarray(SOLUTIONS[exercise](*args), dtype=float)
        return out * np.nan

    def warns(*args):  # the student's code warns: silenced, the nan is reported
        return np.log(-np.ones_like(np.asarray(SOLUTIONS[exercise](*args), dtype=float)))

    assert "must be a function" in exercises.check(exercise, "my answer").message
    assert "must be a function" in exercises.check(exercise, 0.5).message
    msg = exercises.check(exercise, raises).message
    assert "your function raised ZeroDivisionError: division by zero" in msg
    assert "Traceback" not in msg
    for bad in (returns_nan, warns):
        msg = exercises.check(exercise, bad).message
        assert "nan" in msg, msg
    msg = exercises.check(exercise, lambda *args: "text").message
    assert "returned" in msg and "text" in msg or "must return" in msg, msg


@pytest.mark.parametrize("exercise", INITIALIZERS)
def test_initializer_shape_and_value_problems(exercise, no_warnings):
    good = SOLUTIONS[exercise]
    cases = [
        (lambda i, o, rng: good(i, o, rng).T, "transposed (PyTorch's layout)"),
        (lambda i, o, rng: good(i, o, rng)[:, :10],
         "expected an array of shape (fan_in, fan_out) = (250, 100)"),
        (lambda i, o, rng: 0.1, "must return a numpy array"),
        (lambda i, o, rng: np.zeros((i, o)), "all your weights are equal"),
        (lambda i, o, rng: np.abs(good(i, o, rng)), "mean"),
        (lambda i, o, rng: np.sign(good(i, o, rng)) * 0.05, "only 2 different values"),
        (lambda i, o: good(i, o, None), "takes 2 positional arguments but 3 were given"),
    ]
    for student, part in cases:
        feedback = exercises.check(exercise, student)
        assert feedback.correct is False and part in feedback.message, (part, str(feedback))


def test_function_shape_messages(no_warnings):
    msg = exercises.check("02.3", lambda *a: grad_W1(*a)[:, 0]).message
    assert "returned shape (2,), expected shape (2, 2)" in msg
    assert "on the lesson's constant network" in msg
    msg = exercises.check("06.1", lambda s: fans(s)[0]).message
    assert "returned a number, expected shape (2,)" in msg
    msg = exercises.check("01.4", lambda t, lr, y: np.full(len(y), b2_after(t, lr, y))).message
    assert "returned shape (4,), expected a number" in msg
    msg = exercises.check("03.4", lambda s, n, a: math.sqrt(n) * s if a == "tanh" else None).message
    assert "returned None for scale=0.01, fan_in=250, activation='relu'" in msg
    assert exercises.check("06.1", lambda s: list(fans(s))).correct is True
    assert exercises.check("01.4", lambda t, lr, y: np.array([b2_after(t, lr, y)])).correct is True


def test_student_cannot_change_the_checkers_inputs(no_warnings):
    def mutates(X, y, W1, b1, W2, b2):
        result = grad_W1(X, y, W1, b1, W2, b2)
        W1 += 1.0
        X[:] = 0.0
        return result
    assert exercises.check("02.3", mutates).correct is True
    assert exercises.check("02.3", grad_W1).correct is True


def test_02_3_success_shows_the_equal_columns():
    msg = exercises.check("02.3", grad_W1).message
    assert "[[0.07, 0.07], [0.0067, 0.0067]]" in msg  # lesson 02's printed dL/dW1
    assert "the two columns (one per hidden unit) are equal" in msg


def test_issue_example_message():
    msg = str(exercises.check("05.3", glorot_uniform))
    assert msg == ("Not yet (05.3): your weights have variance 2/(fan_in + fan_out): that is "
                   "Glorot's (Xavier's); he_uniform uses 2/fan_in")


# ----------------------------------------------------------------------------- expected values
def test_expected_values_match_the_lessons_experiments(no_warnings):
    """The checkers' expected values agree with what the lessons' own code measures."""
    from initviz import experiments, initializers
    from initviz.symmetry import collapsed_learning_rates, make_lecture_data
    # 03.1: measure the stack the way lesson 03 does; the measurement is a right answer
    stack = experiments.deep_stack(width=1000, depth=10, activation="tanh", n_samples=20, rng=0,
                                   weight_init=initializers.RandomNormal(stddev=0.01))
    measured = float(stack.column("activations", "std")[-1])
    assert exercises.check("03.1", measured).correct is True
    # 02.3's constant case is lesson 02's data (rng = default_rng(0), first draw)
    X, y = make_lecture_data(n_samples=100, noise=0.1, target="folded",
                             rng=np.random.default_rng(0))
    G = grad_W1(X, y, *[np.full(s, 0.5) for s in [(2, 2), (2,), (2, 1), (1,)]])
    assert np.allclose(G[:, 0], G[:, 1])
    assert np.allclose(G.round(4), [[0.07, 0.07], [0.0067, 0.0067]])
    assert collapsed_learning_rates(0.1, 4)["weights"][0] == pytest.approx(SOLUTIONS["02.4"])


# ----------------------------------------------------------------------------- notebooks
def _code_outputs(path):
    """(source, stored text output) of every code cell of a notebook."""
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        text = "".join(o.get("text", "") if o.output_type == "stream"
                       else o.get("data", {}).get("text/plain", "") for o in cell.outputs)
        yield cell.source, text


@pytest.mark.parametrize("lesson", EXERCISE_LESSONS)
def test_lessons_leave_every_exercise_unanswered(lesson):
    """Each lesson has a check cell per exercise whose stored output is the prompt."""
    (path,) = NOTEBOOKS.glob(f"{lesson:02d}_*.ipynb")
    cells = list(_code_outputs(path))
    for exercise in exercises.exercise_ids(lesson):
        found = [out for src, out in cells if f'exercises.check("{exercise}"' in src]
        assert len(found) == 1, (path.name, exercise)
        assert found[0].startswith(f"Not answered yet ({exercise}): "), (exercise, found[0][:200])


@pytest.mark.parametrize("lesson", EXERCISE_LESSONS)
def test_solutions_notebooks_answer_every_exercise(lesson):
    (path,) = (NOTEBOOKS / "solutions").glob(f"{lesson:02d}_*_solutions.ipynb")
    outputs = "\n".join(out for _, out in _code_outputs(path))
    for exercise in exercises.exercise_ids(lesson):
        assert f"Correct ({exercise}): " in outputs, (path.name, exercise)
    assert "Not yet (" not in outputs and "Not answered yet (" not in outputs


def test_checks_do_not_import_plotting_or_widgets():
    import subprocess
    import sys

    code = ("import sys; from initviz import exercises as e; "
            "[e.check(i, None) for i in e.exercise_ids()]; e.check('03.1', 1e-5); "
            "e.check('02.3', lambda *a: None); e.check('05.3', lambda i, o, rng: None); "
            "print(sorted(m for m in ('sklearn', 'matplotlib', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

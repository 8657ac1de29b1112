"""The checker of a student's initializer, :func:`check_initializer`: it samples
``init(fan_in, fan_out, rng)`` on two shapes and compares mean, variance (naming the formula
it matches: LeCun, Glorot, He, ...), bounds, and the distribution's shape (a two-sample
Kolmogorov-Smirnov distance) with the target initializer of :mod:`initviz.initializers`.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from .. import initializers
from ._answers import STUB, call_student, is_blank, not_answered
from .feedback import Feedback

__all__ = ["check_initializer"]

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
     "U[-a, a] with a = sqrt(2/(fan_in + fan_out)) has variance a^2/3 = 2/(3 (fan_in + "
     "fan_out)), a third of Glorot's 2/(fan_in + fan_out): the limit must be sqrt(3) times the "
     "std, sqrt(6/(fan_in + fan_out))"),
    ("2/(3 fan_in)", lambda i, o: 2 / (3 * i),
     "U[-a, a] with a = sqrt(2/fan_in) has variance a^2/3 = 2/(3 fan_in), a third of He's "
     "2/fan_in: the limit must be sqrt(3) times the std, sqrt(6/fan_in)"),
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


def check_initializer(exercise: str, student: Callable, target: str) -> Feedback:
    """Check ``student(fan_in, fan_out, rng) -> ndarray (fan_in, fan_out)`` against ``target``.

    Args:
        exercise: the exercise id, for the message.
        student: the student's function; it gets a numpy Generator as ``rng``.
        target: the name of a fan-scaled initializer (``"glorot_uniform"``, ``"he_normal"``...).
    Returns:
        :class:`.Feedback`: correct when, on shapes (250, 100) and (100, 400), the mean is ~0,
        the variance within 6 % of the target formula, the bounds respected (uniform and
        truncated-normal schemes), the Kolmogorov-Smirnov distance to the target's
        distribution below 0.03, and the same rng seed gives the same weights. Otherwise the
        first problem found, named (which formula the variance matches, "looks normal",
        "transposed", "clipped"...).
    Raises:
        ValueError: ``target`` is not an initializer name (from :func:`initializers.get`).

    >>> def he_uniform(fan_in, fan_out, rng):
    ...     limit = np.sqrt(6 / fan_in)
    ...     return rng.uniform(-limit, limit, size=(fan_in, fan_out))
    >>> check_initializer("05.3", he_uniform, "he_uniform")
    Correct (05.3): mean 0, variance 2/fan_in, uniform within the limit: this is he_uniform.
    >>> print(check_initializer("04.2", he_uniform, "glorot_uniform").message.replace("; ", ";\\n"))
    your weights have variance 2/fan_in: that is He's (Kaiming's);
    glorot_uniform uses 2/(fan_in + fan_out)
    """
    ref = initializers.get(target)
    if is_blank(student):
        return not_answered(exercise)
    if not callable(student):
        return Feedback(exercise, False, f"the answer must be a function f(fan_in, fan_out, rng), "
                        f"got {type(student).__name__}")
    dist = getattr(ref, "distribution", "")
    for k, (fi, fo) in enumerate(_SHAPES):
        w, err = _sample(student, fi, fo, seed=100 + k)
        if err == "stub":
            return not_answered(exercise, STUB)
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


def _sample(student, fan_in, fan_out, seed):
    """The student's weights for one shape, or an error message; ``"stub"`` if None."""
    w, err = call_student(student, (fan_in, fan_out, np.random.default_rng(seed)))
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

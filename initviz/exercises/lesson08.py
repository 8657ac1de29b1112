"""The exercises of lesson 08, signal propagation: the length map's fixed point, the depth
scale xi_c, orthogonal initialization, and the phases of the edge of chaos.

>>> [exercise.id for exercise in EXERCISES]
['08.1', '08.2', '08.3', '08.4']
"""

from __future__ import annotations

import math

import numpy as np

from .. import mean_field
from ._answers import STUB, call_student, is_blank, not_answered
from .checkers import check_number
from .exercise import Exercise
from .feedback import Feedback

__all__ = ["EXERCISES"]


def _e08_1(answer):
    w2, b2 = 1.5, 0.1
    want = mean_field.fixed_point("relu", w2, b2)
    return check_number("08.1", answer, want, rel_tol=0.01,
                        expected_is="sigma_b2 / (1 - sigma_w2 / 2)", explain=(
        "The ReLU length map is q -> sigma_w2 q / 2 + sigma_b2 (a ReLU keeps half of E[z^2]); "
        "its fixed point solves q = 0.75 q + 0.1."), mistakes=[
        (b2 / (1 - w2), "a ReLU keeps only half of E[z^2]: the map is sigma_w2 q / 2 + sigma_b2"),
        (b2, "that is the bias alone; the weights add sigma_w2 q / 2 at every layer"),
        (w2 / 2 + b2, "that is one step of the map from q = 1, not its fixed point"),
    ], hint="solve q = sigma_w2 q / 2 + sigma_b2 for q.")


def _e08_2(answer):
    chi = 0.9
    want = -1 / math.log(chi)
    return check_number("08.2", answer, want, rel_tol=0.01, expected_is="-1 / ln(chi_c)",
                        explain=(
        "|c(l) - c*| shrinks by chi_c per layer, so it falls by e after -1/ln(chi_c) layers; "
        "Schoenholz et al.'s trainable depth is about 6 times that, ~57 layers."), mistakes=[
        (1 / chi, "the depth scale is -1/ln(chi_c), not 1/chi_c"),
        (-math.log(chi), "that is 1/xi_c, the decay rate per layer"),
        (6 * want, "that is 6 xi_c, the trainable depth; xi_c itself is a sixth of it"),
        (1 / (1 - chi), "close (1/(1 - chi) ~ -1/ln(chi) for chi near 1) but not the definition"),
    ], hint="solve chi_c ** l = exp(-1) for l.")


def _e08_3(student):
    """Check an orthogonal(n, rng) implementation: orthogonal, random, and Haar-distributed
    (the sign fix: without it numpy's QR gives Q[0, 0] < 0 on every draw)."""
    if is_blank(student):
        return not_answered("08.3")
    if not callable(student):
        return Feedback("08.3", False, "the answer must be a function orthogonal(n, rng)")
    rng = np.random.default_rng(8)
    q, err = call_student(student, (8, rng))
    if err:
        return Feedback("08.3", False, err)
    if q is None:
        return not_answered("08.3", STUB)
    try:
        q = np.asarray(q, dtype=float)
    except (TypeError, ValueError):
        return Feedback("08.3", False, f"orthogonal(8, rng) must return a numpy array, got "
                                       f"{q!r}")
    if q.shape != (8, 8):
        return Feedback("08.3", False, f"orthogonal(8, rng) must have shape (8, 8), got "
                                       f"{q.shape}")
    if not np.isfinite(q).all():
        return Feedback("08.3", False, f"your function returned nan/inf values "
                                       f"({int(np.size(q) - np.isfinite(q).sum())} of 64)")
    if not np.allclose(q.T @ q, np.eye(8), atol=1e-8):
        off = float(np.abs(q.T @ q - np.eye(8)).max())
        return Feedback("08.3", False, f"Q.T @ Q is not the identity (off by up to {off:.3g}): "
                                       "take the Q factor of np.linalg.qr of a Gaussian matrix")
    draws = [np.asarray(student(8, rng), dtype=float) for _ in range(300)]
    if np.allclose(draws[0], draws[1]):
        return Feedback("08.3", False, "two calls gave the same matrix: draw the Gaussian "
                                       "matrix from rng on every call")
    q00 = np.array([d[0, 0] for d in draws])
    # Haar: E[Q[0,0]] = 0, sd 1/sqrt(8), so the mean of 300 draws has sd 0.02
    if abs(q00.mean()) > 0.1:
        return Feedback("08.3", False, f"orthogonal, but not uniformly random: Q[0, 0] "
                        f"averages {q00.mean():.3g} over 300 draws (0 for a uniformly random "
                        "rotation). Multiply each column of Q by the sign of R's diagonal entry")
    return Feedback("08.3", True, "Q from the QR of a Gaussian matrix, columns multiplied by "
                    "sign(diag(R)): a uniformly random orthogonal matrix (Saxe et al. 2014; "
                    "Keras' and initviz's Orthogonal).")


_PHASE_POINT = ("tanh", 3.0, 0.05)

EXERCISES = (
    Exercise("08.1", "number",
             "A deep ReLU network with sigma_w2 = 1.5 and sigma_b2 = 0.1. What length q* do "
             "its pre-activations settle to?", _e08_1),
    Exercise("08.2", "number",
             "At some (sigma_w2, sigma_b2), chi_c = 0.9. What is the depth scale xi_c?", _e08_2),
    Exercise("08.3", "implement",
             "Implement orthogonal(n, rng) -> a uniformly random orthogonal (n, n) matrix: "
             "the QR decomposition of rng.standard_normal((n, n)), with the sign fix.",
             _e08_3),
    Exercise.choice(
        "08.4",
        "A tanh network with sigma_w2 = 3.0, sigma_b2 = 0.05 (chi_1 = "
        f"{mean_field.chi1(*_PHASE_POINT):.3g}). Two inputs that differ slightly:\n"
        "  a) become identical with depth (ordered)\n"
        "  b) move apart until their correlation reaches c* < 1 (chaotic)\n"
        "  c) keep their correlation at every depth (critical)\n"
        "  d) overflow to inf: the signal explodes",
        "b", {
            "a": "that is the ordered phase, chi_1 < 1; here chi_1 > 1",
            "b": f"chi_1 > 1: the chaotic phase; c* = "
                 f"{mean_field.correlation_fixed_point(*_PHASE_POINT):.3g}",
            "c": "only on the critical line chi_1 = 1 (sigma_w2 = 1.76 at sigma_b2 = 0.05)",
            "d": "tanh is bounded by 1: nothing overflows; chi_1 > 1 makes inputs decorrelate, "
                 "not blow up"}),
)

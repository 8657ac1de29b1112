"""Targets and the loss at initialization, in numpy: what a model's output is (logits,
probabilities or log-probabilities) and its mean cross-entropy against class labels.

A C-class classifier that knows nothing yet should say 1/C to every class: its loss is then
ln(C) (lesson 09: the output layer). :func:`cross_entropy` measures how far above that it
starts.

>>> logits = np.zeros((4, 10))
>>> round(cross_entropy(logits, np.arange(4)), 4), round(float(np.log(10)), 4)
(2.3026, 2.3026)
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["output_kind", "class_labels", "cross_entropy"]


def output_kind(output) -> str:
    """``"probabilities"`` (rows >= 0 summing to 1, a softmax), ``"log_probabilities"``
    (rows <= 0 whose exponentials sum to 1, a log-softmax) or ``"logits"``.

    >>> output_kind(np.full((2, 4), 0.25)), output_kind(np.log(np.full((2, 4), 0.25)))
    ('probabilities', 'log_probabilities')
    """
    out = np.asarray(output, dtype=np.float64)
    if out.ndim != 2 or not np.all(np.isfinite(out)):
        return "logits"
    # 1e-4: float32 softmax rows sum to 1 within ~1e-6 (C <= 1000 terms of 2^-24 each)
    if np.all(out >= 0) and np.allclose(out.sum(axis=1), 1.0, atol=1e-4):
        return "probabilities"
    if np.all(out <= 0) and np.allclose(np.exp(out).sum(axis=1), 1.0, atol=1e-4):
        return "log_probabilities"
    return "logits"


def class_labels(targets, output):
    """The targets as int64 class labels for a (batch, C) output, or None if they are not
    (float targets, another shape, labels outside 0..C-1).

    >>> class_labels(np.array([0, 2]), np.zeros((2, 3)))
    array([0, 2])
    >>> class_labels(np.array([0.5, 2.0]), np.zeros((2, 3))) is None
    True
    """
    t = np.asarray(targets)
    out = np.asarray(output)
    if out.ndim != 2 or t.shape != (out.shape[0],) or t.dtype.kind not in "iu":
        return None
    if t.size and (t.min() < 0 or t.max() >= out.shape[1]):
        return None
    return t.astype(np.int64)


def cross_entropy(output, labels) -> float:
    """Mean cross-entropy (nats) of a (batch, C) output against int labels, the output read
    as :func:`output_kind` says (logits through a log-softmax).

    Returns:
        A float (inf where a probability is 0).
    """
    out = np.asarray(output, dtype=np.float64)
    kind = output_kind(out)
    rows = np.arange(out.shape[0])
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        if kind == "probabilities":
            logp = np.log(out[rows, labels])
        elif kind == "log_probabilities":
            logp = out[rows, labels]
        else:
            top = out.max(axis=1, keepdims=True)
            lse = top[:, 0] + np.log(np.exp(out - top).sum(axis=1))
            logp = out[rows, labels] - lse
        value = float(-np.mean(logp))
    return value if not math.isnan(value) else math.inf

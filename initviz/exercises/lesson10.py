"""The exercises of lesson 10, transformers and width: the variance argument of lesson 04 in
attention logits and in GPT-2's residual stream, and muP's per-layer learning rates.

>>> [exercise.id for exercise in EXERCISES]
['10.1', '10.2', '10.3', '10.4', '10.5']
"""

from __future__ import annotations

import math

import numpy as np

from ..mlp import MLP
from ..transformer import GPT2_STD, softmax
from .checkers import check_function, check_number
from .exercise import Exercise

__all__ = ["EXERCISES", "attention_weights"]


def _e10_1(answer):
    d_k = 64
    want = math.sqrt(d_k)
    return check_number("10.1", answer, want, expected_is="sqrt(d_k)", explain=(
        "q . k sums 64 independent products of variance 1, so its variance is 64 and its std "
        "8: the softmax then sees logits 8 times larger than after dividing by sqrt(d_k)."),
        mistakes=[
            (d_k, "that is the variance of q . k; the question asks for its std"),
            (1.0, "that is the std after dividing by sqrt(d_k); without it the d_k products "
                  "add up"),
        ], hint="Var(q . k) = d_k Var(q_i) Var(k_i) for independent zero-mean coordinates.")


def _e10_2(answer):
    n_layer = 48
    want = GPT2_STD / math.sqrt(2 * n_layer)
    return check_number("10.2", answer, want, expected_is="0.02 / sqrt(2 n_layer)", explain=(
        "Each of the 48 blocks adds 2 branches to the stream: 96 residual layers, so the "
        "projections' std is 0.02 / sqrt(96) and their variances add up to one block's worth."),
        mistakes=[
            (GPT2_STD / math.sqrt(n_layer), "count both branches of a block, attention and "
                                            "MLP: 2 n_layer residual layers"),
            (GPT2_STD / (2 * n_layer), "the variance is divided by 2 n_layer, so the std by its "
                                       "square root"),
            (GPT2_STD ** 2 / (2 * n_layer), "that is the variance; the question asks for the std"),
            (GPT2_STD, "that is the std of every other weight; the projections into the stream "
                       "are scaled down"),
        ], hint="nanoGPT: std = 0.02 / sqrt(2 * n_layer).")


def attention_weights(q, k) -> np.ndarray:
    """One head's attention weights at initialization: ``softmax(q @ k.T / sqrt(d_k))`` over
    the keys (the last axis), q (T, d_k) and k (T, d_k) -> (T, T), each row summing to 1
    (Vaswani et al. 2017, eq. 1; no mask).

    >>> attention_weights(np.zeros((2, 4)), np.ones((2, 4))).tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    """
    q, k = np.asarray(q, dtype=np.float64), np.asarray(k, dtype=np.float64)
    return softmax(q @ k.T / math.sqrt(q.shape[-1]), axis=-1)


def _attention_inputs():
    rng = np.random.default_rng(10)
    return [tuple(rng.standard_normal((2, 6, d_k))) for d_k in (4, 64, 256)]


def _e10_3(answer):
    def unscaled(q, k):
        return softmax(np.asarray(q) @ np.asarray(k).T, axis=-1)

    def by_d_k(q, k):
        return softmax(np.asarray(q) @ np.asarray(k).T / q.shape[-1], axis=-1)

    def over_queries(q, k):
        return softmax(np.asarray(q) @ np.asarray(k).T / math.sqrt(q.shape[-1]), axis=0)

    return check_function("10.3", answer, attention_weights, _attention_inputs(), mistakes=[
        (unscaled, "divide the logits by sqrt(d_k) before the softmax: without it their std is "
                   "sqrt(d_k) and the softmax saturates (10.1)"),
        (by_d_k, "divide by sqrt(d_k), not d_k: Var(q . k) = d_k, so its std is sqrt(d_k)"),
        (over_queries, "the softmax runs over the keys, the last axis: each row (one query) "
                       "sums to 1"),
    ], success="right on every test input: each query's weights over the keys, with logits of "
               "std about 1 at every d_k.",
        hint="logits = q @ k.T / sqrt(d_k); then a softmax along axis=-1 (initviz.transformer."
             "softmax, or subtract each row's max, exponentiate, normalize).",
        signature="f(q, k)", labels=[f"for d_k = {d} (6 queries, 6 keys)" for d in (4, 64, 256)])


def _e10_4(answer):
    net = MLP([64, 1024, 1024, 10], parametrization="mup", base_width=64)
    want = net.learning_rates(0.01, "adam")["weights"][1]
    return check_number("10.4", answer, want, expected_is="0.01 / (1024 / 64)", explain=(
        "muP (Yang et al. 2022, table 3): a hidden layer's Adam rate is divided by the width "
        "multiplier, 1024 / 64 = 16, because Adam's steps have size ~lr whatever the width and "
        "the layer sums 16 times as many of them."), mistakes=[
            (0.01, "that is the standard parametrization: the same rate at every width, which "
                   "is why the best rate moves"),
            (0.01 / 4, "divide by the width multiplier, 16, not its square root"),
            (0.01 * 16, "Adam's hidden-layer rate shrinks with width in muP; it grows for SGD's "
                        "input layer"),
        ], hint="hidden layers: lr / (width / base_width) with Adam.")


EXERCISES = (
    Exercise("10.1", "number",
             "A head has d_k = 64; its queries and keys have independent coordinates of mean 0 "
             "and variance 1. What is the std of the logit q . k WITHOUT the 1/sqrt(d_k)?",
             _e10_1),
    Exercise("10.2", "number",
             "GPT-2 initialization: what std does a 48-block model (n_layer = 48) give the "
             "projections into the residual stream (attention's and the MLP's c_proj)?",
             _e10_2),
    Exercise("10.3", "implement",
             "Implement attention_weights(q, k) -> array (T, T): one head's attention weights, "
             "softmax(q @ k.T / sqrt(d_k)) over the keys, for q and k of shape (T, d_k).",
             _e10_3),
    Exercise("10.4", "predict",
             "muP with Adam: the best learning rate of a 64-wide MLP is 0.01. What rate does "
             "muP give a hidden (1024 x 1024) layer of the 1024-wide model (base_width 64)?",
             _e10_4),
    Exercise.choice(
        "10.5",
        "LoRA starts a fine-tuning with W + (x A) B. Which start keeps the pre-trained model "
        "AND learns?  a) A = 0, B = 0  b) A random, B = 0  c) A random, B random  "
        "d) A = 0, B = 0 with a 100x larger learning rate",
        "b", {
            "a": "both zero: dL/dA = x^T dz B^T = 0 and dL/dB = (x A)^T dz = 0, lesson 01's "
                 "trap: neither ever moves",
            "b": "B = 0 makes the product 0 (the model starts as the pre-trained one) and A "
                 "random makes dL/dB = (x A)^T dz non-zero: Hu et al. 2021's choice",
            "c": "B random changes the model before any training: it no longer starts as the "
                 "pre-trained one",
            "d": "a larger rate multiplies a zero gradient: with A = B = 0 both gradients are "
                 "exactly 0 (lesson 01), whatever the rate",
        }),
)

"""The exercises of lesson 09, deep networks that train: the residual stream's variance
2^L for He branches, layer normalization, what BatchNorm does not fix, and the output layer's prior.

>>> [exercise.id for exercise in EXERCISES]
['09.1', '09.2', '09.3', '09.4']
"""

from __future__ import annotations

import math

import numpy as np

from ..init_schemes import prior_log_odds
from ..normalization import LayerNorm
from ..residual import stream_variance_growth
from .checkers import check_function, check_number
from .exercise import Exercise

__all__ = ["EXERCISES"]


def _e09_1(answer):
    L = 20
    want = float(stream_variance_growth(L, 1.0)[-1])
    return check_number("09.1", answer, want, rel_tol=0.01, expected_is="(1 + 1^2)^20",
                        explain=(
        "Each He branch adds a signal of the stream's own variance, uncorrelated with it: "
        "Var doubles at every block, 2^20 ~ 1.05e6 (the std grows by 2^10 = 1024)."), mistakes=[
        (2.0 ** (L / 2),
         "that is the growth of the std, 2^10; the question asks for the variance"),
        (L + 1.0,
         "the variance adds up linearly only when every branch has a fixed variance (with "
         "BatchNorm in the branch); with He branches each one has the variance of the stream "
         "it reads, which has grown: the growth compounds"),
        (1.0,
         "a skip connection alone keeps the signal, but the branch adds to it: x + B(x) has "
         "Var(x) + Var(B(x))"),
        (2.0 * L,
         "the factors multiply: 2 per block, 20 blocks, 2^20"),
    ], hint="Var(x + B(x)) = Var(x) + Var(B(x)) for an uncorrelated branch, and He's branch "
            "keeps its input's variance.")


def _layer_norm_reference(x):
    return LayerNorm(x.shape[1]).forward(x)[0]


def _e09_2(student):
    rng = np.random.default_rng(9)
    inputs = [rng.normal(2.0, 3.0, (4, 6)), rng.standard_normal((3, 16)),
              np.array([[1.0, 2.0, 3.0, 4.0]])]
    return check_function(
        "09.2", student, _layer_norm_reference, inputs, rel_tol=1e-6,
        signature="layer_norm(x)", names=("x",),
        success="matches initviz's LayerNorm (gain 1, shift 0, eps 1e-5) on every input.",
        mistakes=[
            (lambda x: (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5),
             "that normalizes over the samples (axis 0): that is BatchNorm; LayerNorm "
             "normalizes each sample over its units (axis 1)"),
            (lambda x: (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True)),
             "eps is missing: divide by sqrt(var + 1e-5), as PyTorch does, so a constant row "
             "gives 0, not nan"),
            (lambda x: (x - x.mean(1, keepdims=True)) / (x.std(1, keepdims=True) + 1e-5),
             "eps goes inside the square root: sqrt(var + eps), not std + eps"),
            (lambda x: (x - x.mean(1, keepdims=True)) / np.sqrt(
                x.var(1, ddof=1, keepdims=True) + 1e-5),
             "use the biased variance (divided by n), as Ba et al. and PyTorch do, not n - 1"),
        ],
        hint="mean and var over axis=1 with keepdims=True; (x - mean) / sqrt(var + 1e-5).")


def _e09_4(answer):
    p = 0.05
    want = float(prior_log_odds(np.array([1] + [0] * 19), "sigmoid")[0])
    return check_number("09.4", answer, want, rel_tol=0.01, expected_is="log(0.05 / 0.95)",
                        explain=(
        "sigmoid(b) = 0.05 needs b = log(p / (1 - p)) = -2.944; the loss then starts at the "
        "labels' entropy, 0.199, not at ln 2 = 0.693."), mistakes=[
        (math.log(p),
         "that is log p; a sigmoid needs the log-odds log(p / (1 - p))"),
        (-want,
         "the sign is flipped: with 5 % positives the output must start near 0, so the bias "
         "is negative"),
        (p,
         "that is the probability; the bias is in logit units, sigmoid(b) = 0.05"),
        (0.0,
         "a zero bias predicts 0.5 for every sample: the loss starts at ln 2 = 0.693 instead "
         "of 0.199 and the first steps only learn the imbalance"),
    ], hint="solve sigmoid(b) = 1 / (1 + exp(-b)) = 0.05 for b.")


EXERCISES = (
    Exercise("09.1", "number",
             "A residual MLP with 20 blocks x <- x + B(x), each branch a ReLU and a dense layer "
             "with He weights (zero biases). By what factor has the variance of the residual "
             "stream grown after the 20 blocks?", _e09_1),
    Exercise("09.2", "implement",
             "Implement layer_norm(x): each row (sample) of x (n_samples, width) scaled to "
             "mean 0 and variance 1 over its units, with eps = 1e-5 (gain 1, shift 0).",
             _e09_2),
    Exercise.choice(
        "09.3",
        "A deep MLP with BatchNorm before every activation. Which start still fails to "
        "train?  a) every weight drawn with std 100 x He's  b) every weight drawn with std "
        "0.01 x He's  c) every weight the same constant 0.5  d) He's weights, every bias 10",
        "c",
        {"a": "BatchNorm undoes the scale of the layer before it: the forward pass is the same "
              "as He's (only the gradients shrink by the factor 100, so the learning rate "
              "acts 10,000 times smaller). Which start gives units that BatchNorm cannot tell "
              "apart?",
         "b": "BatchNorm undoes the scale of the layer before it (while the variance stays well "
              "above eps): the forward pass is the same as He's. Which start gives units that "
              "BatchNorm cannot tell apart?",
         "d": "BatchNorm subtracts each unit's mean over the batch, and a bias is part of that "
              "mean: the biases before a BatchNorm do nothing at all (which is why frameworks "
              "drop them). Which start gives units that BatchNorm cannot tell apart?",
 "c": "constant weights give every unit of a layer the same pre-activation; BatchNorm "
              "normalizes each unit the same way, so they stay copies, and so do their "
              "gradients: symmetry is not broken (lesson 02)."}),
    Exercise("09.4", "number",
             "A binary classifier (sigmoid output) for data with 5 % positives. What output "
             "bias makes the untrained network predict 0.05 for every sample (its weights "
             "near 0)?", _e09_4),
)

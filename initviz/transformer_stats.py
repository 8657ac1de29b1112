"""Lesson 10's measurements of a transformer at initialization, with the formulas they test.

- Attention logits: with unit-variance queries and keys, ``q . k`` sums ``d_k`` products, so
  its std is ``sqrt(d_k)``; divided by ``sqrt(d_k)`` (Vaswani et al. 2017, section 3.2.1) it
  is 1 at every ``d_k``. Large logits saturate the softmax: its rows become one-hot, their
  entropy falls towards 0 (:func:`attention_statistics`, :func:`attention_sweep`).
- The residual stream of GPT-2: each pre-LN block adds a branch whose variance does not
  depend on the stream (LayerNorm rescales the branch's input), so the variances add up,
  ``Var(x_L) = Var(x_0) + L v`` and the std grows as ``sqrt(L)``; with the projections'
  std divided by ``sqrt(2 L)`` the sum stays ``Var(x_0) + v / 2`` at every depth
  (:func:`residual_std_theory`, :func:`residual_std_by_depth`).
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import as_generator, check_bool, check_int, check_ints, check_real
from .transformer import GPT2_STD, Transformer, gelu

__all__ = ["attention_statistics", "attention_sweep", "gelu_moments", "residual_std_theory",
           "residual_std_by_depth", "ONE_HOT"]

ONE_HOT = 0.99
"""A softmax row counts as one-hot if its largest weight exceeds this."""


def attention_statistics(logits) -> dict:
    """Std of the finite logits, mean entropy of the softmax rows and their share of one-hot
    rows (largest weight > :data:`ONE_HOT`), over the rows with at least 2 keys.

    Args:
        logits: (..., T, T) with -inf where masked (a :class:`TransformerTrace`'s).
    Returns:
        dict ``logit_std``, ``entropy`` (nats, mean over rows), ``uniform_entropy`` (the
        mean of ln(number of keys): what uniform attention would give), ``one_hot``.

    >>> s = attention_statistics(np.array([[0.0, -np.inf], [0.0, 0.0]]))
    >>> round(s["entropy"], 4), s["one_hot"]          # one row of 2 keys: ln 2
    (0.6931, 0.0)
    """
    logits = np.asarray(logits, dtype=np.float64)
    keys = np.isfinite(logits).sum(axis=-1)
    rows = keys >= 2
    finite = logits[np.isfinite(logits)]
    with np.errstate(all="ignore"):
        shifted = logits - np.max(logits, axis=-1, keepdims=True)
        p = np.exp(shifted)
        p /= p.sum(axis=-1, keepdims=True)
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    entropy = -plogp.sum(axis=-1)
    return {"logit_std": float(finite.std()),
            "entropy": float(entropy[rows].mean()),
            "uniform_entropy": float(np.log(keys[rows]).mean()),
            "one_hot": float(np.mean(p.max(axis=-1)[rows] > ONE_HOT))}


def attention_sweep(d_ks, scale_logits, seq_len=32, batch=8, vocab=1000, rng=0) -> dict:
    """Attention statistics of one head against ``d_k``, at initialization.

    For each ``d_k`` a one-block :class:`Transformer` with ``d_model = d_k``, one head and
    ``init="normal"`` (std ``sqrt(1/d_k)``: unit-variance queries and keys, lesson 04) runs
    on random tokens; :func:`attention_statistics` of its logits.

    Args:
        d_ks: widths (ints >= 1). scale_logits: divide by sqrt(d_k) or not.
        seq_len, batch, vocab: the random tokens' shape and vocabulary. rng: seed.
    Returns:
        dict of arrays over ``d_ks``: ``d_k``, ``logit_std``, ``predicted_std`` (1 scaled,
        sqrt(d_k) not), ``entropy``, ``uniform_entropy``, ``one_hot``.

    >>> s = attention_sweep([16, 256], scale_logits=False, rng=0)
    >>> s["predicted_std"].tolist(), bool(s["one_hot"][1] > s["one_hot"][0])
    ([4.0, 16.0], True)
    """
    d_ks = check_ints("d_ks", d_ks, 1)
    scale_logits = check_bool("scale_logits", scale_logits)
    gen = as_generator(rng)
    out = {k: [] for k in ("logit_std", "entropy", "uniform_entropy", "one_hot")}
    for d_k in d_ks:
        net = Transformer(vocab, d_k, 1, 1, seq_len, init="normal", scale_logits=scale_logits,
                          rng=gen)
        stats = attention_statistics(net.trace(net.random_tokens(batch, rng=gen))
                                     .attention_logits[0])
        for key in out:
            out[key].append(stats[key])
    result = {key: np.array(v) for key, v in out.items()}
    result["d_k"] = np.array(d_ks)
    result["predicted_std"] = np.ones(len(d_ks)) if scale_logits else np.sqrt(d_ks)
    return result


def gelu_moments(variance) -> tuple[float, float]:
    """``E[gelu(h)]`` and ``E[gelu(h)^2]`` for h ~ N(0, variance), by 80-point Gauss-Hermite
    quadrature.

    >>> m, m2 = gelu_moments(1.0)
    >>> round(m, 3), round(m2, 3)          # exact gelu: 0.282 and 0.425
    (0.282, 0.425)
    """
    variance = check_real("variance", variance, 0)
    x, w = np.polynomial.hermite_e.hermegauss(80)
    g = gelu(math.sqrt(variance) * x)
    c = math.sqrt(2 * math.pi)
    return float(np.sum(w * g) / c), float(np.sum(w * g * g) / c)


def residual_std_theory(d_model, n_layers, seq_len, residual_scaling=True, std=GPT2_STD):
    """The predicted std of the residual stream after every block, GPT-2 init, random tokens.

    Each block adds two independent zero-mean branches to the stream (their last weights are
    fresh and zero-mean, so variances add). With LayerNorm's unit mean square and weights of
    std s (projections s_p = s / sqrt(2 L) if scaled, else s), a branch adds:

    - MLP: ``4 d s_p^2 E[gelu(h)^2]``, h ~ N(0, d s^2): exact (:func:`gelu_moments`).
    - attention: ``d s_p^2 * d s^2 * c``, the values' variance times ``c``, the variance of an
      average of the values at init, when the logits are near 0 and the weights uniform.
      ``c`` lies between the mean over positions of ``1/(i+1)`` (every position's value
      independent) and 1 (all alike): the two bounds returned.

    ``Var(x_0) = 2 s^2`` (token and position embeddings).

    Args:
        d_model, n_layers, seq_len: ints >= 1. residual_scaling: bool. std: the init std.
    Returns:
        ``(lower, upper)``: arrays of ``n_layers + 1`` stds (after the embeddings, then after
        each block).

    Scaled, the end of the stream is the same at every depth; unscaled, its variance
    grows by the same amount per block:

    >>> ends = [residual_std_theory(768, L, 1024)[1][-1] for L in (12, 48)]
    >>> bool(np.isclose(ends[0], ends[1]))
    True
    >>> v = residual_std_theory(768, 48, 1024, residual_scaling=False)[1] ** 2
    >>> bool(np.allclose(np.diff(v), v[1] - v[0]))
    True
    """
    d = check_int("d_model", d_model, 1)
    L = check_int("n_layers", n_layers, 1)
    T = check_int("seq_len", seq_len, 1)
    std = check_real("std", std, 0, low_open=True)
    sp2 = std ** 2 / (2 * L) if check_bool("residual_scaling", residual_scaling) else std ** 2
    mlp = 4 * d * sp2 * gelu_moments(d * std ** 2)[1]
    attn = d * sp2 * d * std ** 2
    independent = sum(1.0 / (i + 1) for i in range(T)) / T
    v0 = 2 * std ** 2
    blocks = np.arange(L + 1)
    return (np.sqrt(v0 + blocks * (mlp + attn * independent)),
            np.sqrt(v0 + blocks * (mlp + attn)))


def residual_std_by_depth(depths, d_model, residual_scaling, n_heads=4, seq_len=32, batch=4,
                          vocab=1000, rng=0) -> np.ndarray:
    """The measured std of the stream at the end of GPT-2-initialized models of each depth.

    Args:
        depths: numbers of blocks (ints >= 1); one model is drawn per depth (the scaling
            depends on it). d_model, n_heads, seq_len, batch, vocab: the model and the random
            tokens. residual_scaling: bool. rng: seed.
    Returns:
        array of the final stream std (over batch, positions and units) per depth.

    >>> s = residual_std_by_depth([1, 8], 64, residual_scaling=False, rng=0)
    >>> bool(s[1] > 2 * s[0])
    True
    """
    depths = check_ints("depths", depths, 1)
    gen = as_generator(rng)
    out = []
    for L in depths:
        net = Transformer(vocab, d_model, n_heads, L, seq_len, init="gpt2",
                          residual_scaling=residual_scaling, rng=gen)
        out.append(float(net.trace(net.random_tokens(batch, rng=gen)).residual[-1].std()))
    return np.array(out)

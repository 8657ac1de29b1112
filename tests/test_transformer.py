"""Tests for initviz.transformer and initviz.transformer_stats: the forward pass against an
independent loop-by-loop numpy reference and against PyTorch's functional ops (nanoGPT's
block), the GPT-2 initialization's stds, the attention logits' std against sqrt(d_k), and the
residual stream against the variance-sum formula (its pieces checked by Monte Carlo)."""

import math

import numpy as np
import pytest

from initviz import Transformer
from initviz.transformer import gelu, layer_norm
from initviz.transformer_stats import (attention_statistics, attention_sweep, gelu_moments,
                                       residual_std_by_depth, residual_std_theory)


def small(**kw):
    args = dict(vocab=30, d_model=16, n_heads=4, n_layers=2, seq_len=6, init="normal", rng=0)
    args.update(kw)
    return Transformer(**args)


def reference_forward(net, tokens):
    """The GPT-2 block written with explicit loops over heads and positions."""
    def ln(v):
        return (v - v.mean()) / math.sqrt(v.var() + 1e-5)

    def gelu_erf_free(v):
        return 0.5 * v * (1 + np.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v ** 3)))

    B, T = tokens.shape
    d, H = net.d_model, net.n_heads
    dk = d // H
    x = np.array([[net.wte[tokens[b, t]] + net.wpe[t] for t in range(T)] for b in range(B)])
    streams = [x.copy()]
    for blk in net.blocks:
        new = x.copy()
        for b in range(B):
            h = np.array([ln(x[b, t]) for t in range(T)])
            qkv = h @ blk["W_qkv"] + blk["b_qkv"]
            heads = []
            for i in range(H):
                q = qkv[:, i * dk:(i + 1) * dk]
                k = qkv[:, d + i * dk:d + (i + 1) * dk]
                v = qkv[:, 2 * d + i * dk:2 * d + (i + 1) * dk]
                out = np.zeros((T, dk))
                for t in range(T):
                    s = np.array([q[t] @ k[j] for j in range(t + 1)])
                    if net.scale_logits:
                        s = s / math.sqrt(dk)
                    w = np.exp(s - s.max())
                    w /= w.sum()
                    out[t] = sum(w[j] * v[j] for j in range(t + 1))
                heads.append(out)
            new[b] = x[b] + np.concatenate(heads, axis=1) @ blk["W_o"] + blk["b_o"]
            h2 = np.array([ln(new[b, t]) for t in range(T)])
            new[b] = new[b] + gelu_erf_free(h2 @ blk["W_fc"] + blk["b_fc"]) @ blk["W_proj"] \
                + blk["b_proj"]
        x = new
        streams.append(x.copy())
    return streams


@pytest.mark.parametrize("scale_logits", [True, False])
def test_forward_matches_a_loop_by_loop_reference(scale_logits):
    net = small(scale_logits=scale_logits)
    tokens = net.random_tokens(2, rng=1)
    trace = net.trace(tokens)
    for got, want in zip(trace.residual, reference_forward(net, tokens)):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    p = trace.attention[0]
    np.testing.assert_allclose(p.sum(axis=-1), 1.0)
    assert np.all(p[..., np.triu_indices(6, 1)[0], np.triu_indices(6, 1)[1]] == 0)
    assert np.all(np.isneginf(trace.attention_logits[0][..., 0, 1:]))


def test_forward_matches_torch_functional_nanogpt_block():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    net = small(n_layers=1)
    tokens = net.random_tokens(3, rng=2)
    got = net.trace(tokens).residual[-1]
    t = lambda a: torch.tensor(a)   # noqa: E731
    blk = net.blocks[0]
    x = t(net.wte)[t(tokens)] + t(net.wpe)[:6]
    B, T, C = x.shape
    qkv = F.layer_norm(x, (C,), eps=1e-5) @ t(blk["W_qkv"]) + t(blk["b_qkv"])
    q, k, v = (a.view(B, T, 4, 4).transpose(1, 2) for a in qkv.split(C, dim=2))
    y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    x = x + y.transpose(1, 2).reshape(B, T, C) @ t(blk["W_o"]) + t(blk["b_o"])
    h = F.gelu(F.layer_norm(x, (C,), eps=1e-5) @ t(blk["W_fc"]) + t(blk["b_fc"]),
               approximate="tanh")
    x = x + h @ t(blk["W_proj"]) + t(blk["b_proj"])
    np.testing.assert_allclose(got, x.numpy(), rtol=1e-9, atol=1e-12)


def test_gpt2_init_stds_and_the_residual_scaling():
    L = 6
    net = Transformer(500, 256, 8, L, 64, init="gpt2", rng=0)
    blk = net.blocks[0]
    for name in ("W_qkv", "W_fc"):
        assert blk[name].std() == pytest.approx(0.02, rel=0.02)
    for name in ("W_o", "W_proj"):   # nanoGPT: 0.02 / sqrt(2 * n_layer)
        assert blk[name].std() == pytest.approx(0.02 / math.sqrt(2 * L), rel=0.02)
    assert net.wte.std() == pytest.approx(0.02, rel=0.02)
    unscaled = Transformer(500, 256, 8, L, 64, init="gpt2", residual_scaling=False, rng=0)
    assert unscaled.blocks[0]["W_proj"].std() == pytest.approx(0.02, rel=0.02)
    lecun = Transformer(50, 64, 2, 1, 8, init="lecun_normal", rng=0)
    assert lecun.blocks[0]["W_fc"].std() == pytest.approx(1 / 8, rel=0.03)
    assert lecun.blocks[0]["W_proj"].std() == pytest.approx(1 / 16 / math.sqrt(2), rel=0.03)
    assert all(np.all(blk[b] == 0) for b in ("b_qkv", "b_o", "b_fc", "b_proj"))


def test_attention_logit_std_is_sqrt_dk_unscaled_and_1_scaled():
    d_ks = [4, 64, 256]
    raw = attention_sweep(d_ks, scale_logits=False, batch=8, rng=0)
    scaled = attention_sweep(d_ks, scale_logits=True, batch=8, rng=0)
    # unit-variance q and k: q . k sums d_k products of variance 1 (Vaswani et al. 2017, fn. 4)
    np.testing.assert_allclose(raw["logit_std"], np.sqrt(d_ks), rtol=0.15)
    np.testing.assert_allclose(scaled["logit_std"], 1.0, rtol=0.15)
    # without the scaling the rows saturate as d_k grows; with it they do not
    assert np.all(np.diff(raw["entropy"]) < 0) and np.all(np.diff(raw["one_hot"]) > 0)
    assert raw["one_hot"][-1] > 0.4 and np.all(scaled["one_hot"] < 0.05)
    assert np.ptp(scaled["entropy"]) < 0.3
    assert np.all(scaled["entropy"] < scaled["uniform_entropy"])


def test_attention_statistics_by_hand():
    logits = np.array([[0.0, -np.inf, -np.inf], [0.0, 10.0, -np.inf], [1.0, 1.0, 1.0]])
    s = attention_statistics(logits)
    p = np.exp([0.0, 10.0]) / np.exp([0.0, 10.0]).sum()
    h_row2 = -(p * np.log(p)).sum()
    assert s["entropy"] == pytest.approx((h_row2 + math.log(3)) / 2)
    assert s["one_hot"] == 0.5            # row 2's largest weight is 0.99995
    assert s["uniform_entropy"] == pytest.approx((math.log(2) + math.log(3)) / 2)


def test_gelu_moments_against_monte_carlo():
    rng = np.random.default_rng(0)
    for var in (0.05, 1.0, 4.0):
        h = math.sqrt(var) * rng.standard_normal(2_000_000)
        m, m2 = gelu_moments(var)
        assert m == pytest.approx(gelu(h).mean(), rel=0.01)
        assert m2 == pytest.approx(np.mean(gelu(h) ** 2), rel=0.01)


def test_one_block_increment_matches_the_mlp_term_by_monte_carlo():
    """Zero the attention branch: the stream's variance grows by 4 d s_p^2 E[gelu(h)^2]."""
    d, s = 128, 0.02
    net = Transformer(1000, d, 4, 1, 32, init="gpt2", residual_scaling=False, rng=3)
    net.blocks[0]["W_o"][:] = 0.0
    trace = net.trace(net.random_tokens(16, rng=4))
    increment = (trace.residual[1] - trace.residual[0]).var()
    assert increment == pytest.approx(4 * d * s ** 2 * gelu_moments(d * s ** 2)[1], rel=0.1)


@pytest.mark.parametrize("scaling", [False, True])
def test_residual_stream_lies_within_the_formula_bounds(scaling):
    d, L, T = 96, 24, 32
    net = Transformer(1000, d, 4, L, T, init="gpt2", residual_scaling=scaling, rng=0)
    stds = np.array([r.std() for r in net.trace(net.random_tokens(8, rng=1)).residual])
    lo, hi = residual_std_theory(d, L, T, residual_scaling=scaling)
    assert np.all(stds >= 0.95 * lo) and np.all(stds <= 1.05 * hi)


def test_unscaled_stream_grows_as_sqrt_depth_and_scaled_stays_flat():
    depths = [2, 8, 32]
    raw = residual_std_by_depth(depths, 64, residual_scaling=False, rng=0)
    flat = residual_std_by_depth(depths, 64, residual_scaling=True, rng=0)
    lo, hi = residual_std_theory(64, 32, 32, residual_scaling=False)
    for L, s in zip(depths, raw):
        assert 0.95 * lo[L] <= s <= 1.05 * hi[L]
    assert raw[-1] / raw[0] > 2.5             # sqrt(32 / 2) = 4 once the blocks dominate
    assert flat.max() / flat.min() < 1.1


@pytest.mark.parametrize("kwargs, error", [
    ({"d_model": 10, "n_heads": 3}, ValueError), ({"init": "he"}, ValueError),
    ({"n_layers": 0}, ValueError), ({"vocab": 2.0}, TypeError), ({"std": -1.0}, ValueError),
    ({"residual_scaling": 1}, TypeError),
])
def test_bad_arguments_raise(kwargs, error):
    with pytest.raises(error):
        small(**kwargs)


def test_bad_tokens_raise():
    net = small()
    with pytest.raises(TypeError, match="integers"):
        net.trace(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="seq_len"):
        net.trace(np.zeros((1, 7), dtype=int))
    with pytest.raises(ValueError, match=r"\[0, 30\)"):
        net.trace(np.full((1, 3), 30))


def test_huge_weights_overflow_silently(no_warnings):
    net = small(std=1e200)
    trace = net.trace(net.random_tokens(1, rng=0))
    logits = trace.attention_logits[0][..., np.tril_indices(6)[0], np.tril_indices(6)[1]]
    assert not np.all(np.isfinite(logits))          # q . k overflowed: reported as inf/nan
    assert np.all(np.isfinite(trace.residual[0]))   # the embeddings themselves are finite


def test_layer_norm_is_scale_free_up_to_the_float64_limit(no_warnings):
    x = np.random.default_rng(0).standard_normal((5, 32)) * 10.0
    want = (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(layer_norm(x), want, rtol=1e-12)
    # squares of 1e200 overflow; LayerNorm does not care about the scale (eps aside)
    np.testing.assert_allclose(layer_norm(x * 1e200), layer_norm(x), rtol=1e-6)

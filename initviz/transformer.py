"""A GPT-2 style transformer in numpy, forward only: its statistics at initialization.

Pre-LN blocks as in GPT-2 (Radford et al. 2019) and nanoGPT's ``model.py``: token and
position embeddings, then ``n_layers`` blocks::

    x = wte[tokens] + wpe[positions]                       the residual stream, (B, T, d)
    x = x + Attention(LN(x)) @ W_o + b_o                   causal self-attention, n_heads heads
    x = x + gelu(LN(x) @ W_fc + b_fc) @ W_proj + b_proj    the MLP, hidden width 4 d
    logits = LN(x) @ wte.T                                 the output layer, tied to wte

Attention (Vaswani et al. 2017, eq. 1): per head, ``q . k / sqrt(d_k)`` over the keys up to
the query's own position, a softmax, the weighted sum of the values. ``scale_logits=False``
drops the ``1 / sqrt(d_k)`` (lesson 10 shows what it is for). LayerNorm has gain 1 and
bias 0 at initialization, eps 1e-5; gelu is GPT-2's tanh form.

Initializations (every bias is 0):

- ``"gpt2"``: every weight and both embeddings N(0, 0.02^2) (GPT-2; nanoGPT ``_init_weights``).
- ``"normal"``: the same with another std (``std``, default sqrt(1/d_model)).
- ``"lecun_normal"``: every weight N(0, 1/fan_in) (lesson 04); embeddings N(0, 1).

``residual_scaling=True`` divides the std of the two projections into the stream (``W_o``
and ``W_proj``, nanoGPT's ``c_proj``) by ``sqrt(2 n_layers)``: nanoGPT draws them with std
``0.02 / sqrt(2 * n_layer)``, "per GPT-2 paper" (Radford et al. 2019, section 2.3: "scale the
weights of residual layers at initialization by a factor of 1/sqrt(N) where N is the number
of residual layers"; 2 per block).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._checks import as_generator, check_bool, check_choice, check_int, check_real

__all__ = ["Transformer", "TransformerTrace", "INITS", "gelu", "layer_norm", "softmax"]

INITS = ("gpt2", "normal", "lecun_normal")
GPT2_STD = 0.02
LN_EPS = 1e-5


def gelu(x):
    """GPT-2's gelu, ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`` (Hendrycks &
    Gimpel 2016, eq. 2's tanh approximation).

    >>> float(gelu(np.array(1.0)))
    0.8411919906082768
    """
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def layer_norm(x, eps=LN_EPS):
    """LayerNorm over the last axis with gain 1 and bias 0 (as at initialization): mean 0 and
    mean square ``var / (var + eps)`` per token.

    >>> layer_norm(np.array([[1.0, 3.0], [1e200, 3e200]])).round(4).tolist()
    [[-1.0, 1.0], [-1.0, 1.0]]
    """
    d = x - x.mean(axis=-1, keepdims=True)
    # rescale tokens whose squares would overflow (|x| > 1e154): exact, LN is scale-free
    big = np.max(np.abs(d), axis=-1, keepdims=True)
    scale = np.where(big > 1e100, big, 1.0)
    u = d / scale
    with np.errstate(under="ignore"):  # eps / scale^2 underflows to 0 for huge tokens: fine
        return u / np.sqrt(np.mean(u * u, axis=-1, keepdims=True) + (eps / scale) / scale)


def softmax(logits, axis=-1):
    """A softmax that takes -inf (masked) logits: they get probability 0.

    >>> softmax(np.array([0.0, 0.0, -np.inf])).tolist()
    [0.5, 0.5, 0.0]
    """
    shifted = logits - np.max(logits, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


@dataclass
class TransformerTrace:
    """What one forward pass computed.

    Attributes:
        tokens: (B, T) ints.
        residual: ``n_layers + 1`` arrays (B, T, d_model): the stream after the embeddings
            (index 0) and after every block (index l after block l).
        attention_logits: per block, (B, n_heads, T, T): the softmax's input, ``q . k``
            (divided by sqrt(d_k) if the model scales), -inf above the diagonal (masked).
        attention: per block, the attention weights (B, n_heads, T, T), rows summing to 1.
        logits: (B, T, vocab), the output layer's.
    """

    tokens: np.ndarray
    residual: list
    attention_logits: list
    attention: list
    logits: np.ndarray


class Transformer:
    """A GPT-2 layout transformer (the module's equations) with numpy weights.

    Args:
        vocab: vocabulary size. d_model: width of the stream. n_heads: heads per block
            (``d_k = d_model / n_heads``). n_layers: blocks. seq_len: longest sequence (the
            number of position embeddings). All ints >= 1; d_model divisible by n_heads.
        init: ``"gpt2"``, ``"normal"`` or ``"lecun_normal"`` (the module's list).
        residual_scaling: divide the std of ``W_o`` and ``W_proj`` by ``sqrt(2 n_layers)``.
        scale_logits: divide the attention logits by ``sqrt(d_k)`` (True, as every
            transformer does; False shows why).
        std: the std of ``init="normal"`` (finite, > 0; default sqrt(1/d_model)).
        rng: None, an int seed or a Generator.
    Attributes:
        wte (vocab, d), wpe (seq_len, d), and ``blocks``: one dict per block with ``W_qkv``
        (d, 3d), ``W_o`` (d, d), ``W_fc`` (d, 4d), ``W_proj`` (4d, d) and their biases.
    Raises:
        TypeError, ValueError: a size that is not an int >= 1, d_model not divisible by
            n_heads, an unknown init, a bad std.

    >>> net = Transformer(vocab=50, d_model=64, n_heads=4, n_layers=2, seq_len=16, rng=0)
    >>> t = net.trace(np.zeros((3, 16), dtype=int))
    >>> len(t.residual), t.attention_logits[0].shape, t.logits.shape
    (3, (3, 4, 16, 16), (3, 16, 50))
    >>> round(float(net.blocks[0]["W_proj"].std() * math.sqrt(2 * 2)), 3)   # 0.02 / sqrt(4)
    0.02
    """

    def __init__(self, vocab, d_model, n_heads, n_layers, seq_len, init="gpt2",
                 residual_scaling=True, scale_logits=True, std=None, rng=None):
        self.vocab = check_int("vocab", vocab, 1)
        self.d_model = check_int("d_model", d_model, 1)
        self.n_heads = check_int("n_heads", n_heads, 1)
        self.n_layers = check_int("n_layers", n_layers, 1)
        self.seq_len = check_int("seq_len", seq_len, 1)
        if d_model % n_heads:
            raise ValueError(f"d_model ({d_model}) must be divisible by n_heads ({n_heads})")
        self.init = check_choice("init", init, INITS)
        self.residual_scaling = check_bool("residual_scaling", residual_scaling)
        self.scale_logits = check_bool("scale_logits", scale_logits)
        if std is not None:
            std = check_real("std", std, 0, low_open=True)
        self.std = std
        gen = as_generator(rng)
        d = self.d_model
        res = 1.0 / math.sqrt(2 * self.n_layers) if self.residual_scaling else 1.0

        def draw(shape, residual=False):
            if init == "gpt2":
                s = GPT2_STD
            elif init == "normal":
                s = std if std is not None else math.sqrt(1.0 / d)
            else:
                s = math.sqrt(1.0 / shape[0])
            return gen.normal(0.0, s * (res if residual else 1.0), size=shape)

        emb_std = 1.0 if init == "lecun_normal" else None
        self.wte = gen.normal(0.0, emb_std, (vocab, d)) if emb_std else draw((vocab, d))
        self.wpe = gen.normal(0.0, emb_std, (seq_len, d)) if emb_std else draw((seq_len, d))
        self.blocks = []
        for _ in range(self.n_layers):
            self.blocks.append({
                "W_qkv": draw((d, 3 * d)), "b_qkv": np.zeros(3 * d),
                "W_o": draw((d, d), residual=True), "b_o": np.zeros(d),
                "W_fc": draw((d, 4 * d)), "b_fc": np.zeros(4 * d),
                "W_proj": draw((4 * d, d), residual=True), "b_proj": np.zeros(d),
            })

    @property
    def d_k(self) -> int:
        """The width of one head's queries and keys, ``d_model / n_heads``."""
        return self.d_model // self.n_heads

    def __repr__(self):
        return (f"Transformer(vocab={self.vocab}, d_model={self.d_model}, "
                f"n_heads={self.n_heads}, n_layers={self.n_layers}, seq_len={self.seq_len}, "
                f"init={self.init!r}, residual_scaling={self.residual_scaling}, "
                f"scale_logits={self.scale_logits})")

    def _attention(self, h, block):
        B, T, d = h.shape
        H, dk = self.n_heads, self.d_k
        qkv = h @ block["W_qkv"] + block["b_qkv"]
        q, k, v = (qkv[..., i * d:(i + 1) * d].reshape(B, T, H, dk).transpose(0, 2, 1, 3)
                   for i in range(3))
        logits = q @ k.transpose(0, 1, 3, 2)
        if self.scale_logits:
            logits = logits / math.sqrt(dk)
        logits = np.where(np.triu(np.ones((T, T), dtype=bool), 1), -np.inf, logits)
        p = softmax(logits)
        y = (p @ v).transpose(0, 2, 1, 3).reshape(B, T, d)
        return y @ block["W_o"] + block["b_o"], logits, p

    def trace(self, tokens) -> TransformerTrace:
        """Run the model on ``tokens`` and keep the stream after every block.

        Args:
            tokens: ints in [0, vocab), shape (B, T) with 1 <= T <= seq_len.
        Returns:
            :class:`TransformerTrace`. Overflow gives inf/nan in it, never a warning.
        Raises:
            TypeError: tokens that are not integers. ValueError: a bad shape or a token
                out of range.
        """
        tokens = np.asarray(tokens)
        if tokens.dtype.kind not in "iu":
            raise TypeError(f"tokens must be integers, got dtype {tokens.dtype}")
        if tokens.ndim != 2 or not 1 <= tokens.shape[1] <= self.seq_len:
            raise ValueError(f"tokens must have shape (batch, T) with 1 <= T <= seq_len "
                             f"({self.seq_len}), got {tokens.shape}")
        if tokens.size and (tokens.min() < 0 or tokens.max() >= self.vocab):
            raise ValueError(f"tokens must lie in [0, {self.vocab}), got values in "
                             f"[{tokens.min()}, {tokens.max()}]")
        T = tokens.shape[1]
        with np.errstate(all="ignore"):
            x = self.wte[tokens] + self.wpe[:T]
            residual, all_logits, all_p = [x], [], []
            for block in self.blocks:
                out, logits, p = self._attention(layer_norm(x), block)
                x = x + out
                hidden = gelu(layer_norm(x) @ block["W_fc"] + block["b_fc"])
                x = x + hidden @ block["W_proj"] + block["b_proj"]
                residual.append(x)
                all_logits.append(logits)
                all_p.append(p)
            out_logits = layer_norm(x) @ self.wte.T
        return TransformerTrace(tokens, residual, all_logits, all_p, out_logits)

    def random_tokens(self, batch, rng=None, T=None) -> np.ndarray:
        """Tokens drawn uniformly from the vocabulary, shape (batch, T or seq_len).

        >>> Transformer(10, 8, 2, 1, 4, rng=0).random_tokens(2, rng=0).shape
        (2, 4)
        """
        T = self.seq_len if T is None else check_int("T", T, 1, self.seq_len)
        return as_generator(rng).integers(0, self.vocab, size=(check_int("batch", batch, 1), T))

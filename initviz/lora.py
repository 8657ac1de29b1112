"""A LoRA adapter on a frozen dense layer: lesson 01's zero, used on purpose.

Hu et al. 2021 ("LoRA: Low-Rank Adaptation of Large Language Models", section 4.1) fine-tune
a pre-trained weight ``W`` by adding a trainable low-rank product; in our (fan_in, fan_out)
convention::

    z = x @ W + b + (alpha / r) * (x @ A) @ B      A: (fan_in, r), B: (r, fan_out)

"We use a random Gaussian initialization for A and zero for B, so dW = BA is zero at the
beginning of training": the adapted model starts as the pre-trained one, exactly. The zero
does not block learning (lesson 01's trap) because A is random: ``dL/dB = (alpha/r) (x A)^T
dL/dz`` is not zero. ``dL/dA = (alpha/r) x^T dL/dz B^T`` is zero at the first step and
becomes non-zero as soon as B has moved. Here A is N(0, 1/fan_in).
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import as_generator, check_array, check_bool, check_int, check_real

__all__ = ["LoRA"]


class LoRA:
    """A rank-``rank`` adapter on the frozen layer ``(W, b)`` (the module's equation).

    Args:
        W: the pre-trained weights (fan_in, fan_out); b: its bias (fan_out,) or None.
        rank: r, an int in [1, min(fan_in, fan_out)]. alpha: the scale's numerator (> 0,
            default r: scale 1). zero_B: start B at 0 (LoRA) or draw it like A (to compare).
        rng: None, an int seed or a Generator (draws A, and B if not zero).
    Raises:
        TypeError, ValueError: W not 2-D real, a bad rank or alpha.

    >>> W = np.arange(6.0).reshape(3, 2)
    >>> lora = LoRA(W, rank=1, rng=0)
    >>> x = np.ones((1, 3))
    >>> bool(np.array_equal(lora.forward(x), x @ W))      # B = 0: the pre-trained layer
    True
    """

    def __init__(self, W, rank, alpha=None, b=None, zero_B=True, rng=None):
        self.W = check_array("W", W)
        if self.W.ndim != 2:
            raise ValueError(f"W must be 2-D (fan_in, fan_out), got shape {self.W.shape}")
        fan_in, fan_out = self.W.shape
        self.rank = check_int("rank", rank, 1, min(fan_in, fan_out))
        self.alpha = float(self.rank) if alpha is None else check_real("alpha", alpha, 0,
                                                                      low_open=True)
        self.b = np.zeros(fan_out) if b is None else check_array("b", b)
        gen = as_generator(rng)
        std = math.sqrt(1.0 / fan_in)
        self.A = gen.normal(0.0, std, (fan_in, self.rank))
        self.B = (np.zeros((self.rank, fan_out)) if check_bool("zero_B", zero_B)
                  else gen.normal(0.0, std, (self.rank, fan_out)))

    @property
    def scale(self) -> float:
        """alpha / r."""
        return self.alpha / self.rank

    def forward(self, x) -> np.ndarray:
        """z for inputs x (n, fan_in): shape (n, fan_out)."""
        x = check_array("x", x)
        return x @ self.W + self.b + self.scale * (x @ self.A) @ self.B

    def gradients(self, x, dz) -> tuple[np.ndarray, np.ndarray]:
        """``(dL/dA, dL/dB)`` given ``dz = dL/dz`` (n, fan_out); W and b are frozen.

        >>> lora = LoRA(np.eye(2), rank=1, rng=0)
        >>> dA, dB = lora.gradients(np.ones((1, 2)), np.ones((1, 2)))
        >>> bool(np.all(dA == 0)), bool(np.any(dB != 0))    # B = 0: only B moves at first
        (True, True)
        """
        x, dz = check_array("x", x), check_array("dz", dz)
        return self.scale * x.T @ (dz @ self.B.T), self.scale * (x @ self.A).T @ dz

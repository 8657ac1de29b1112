"""Tests for initviz.lora: the adapter starts as the frozen layer (B = 0, Hu et al. 2021),
its gradients against central finite differences, and argument checks."""

import numpy as np
import pytest

from initviz.lora import LoRA


def loss(lora, x, target):
    return 0.5 * np.sum((lora.forward(x) - target) ** 2)


@pytest.mark.parametrize("zero_B", [True, False])
def test_gradients_match_central_finite_differences(zero_B):
    rng = np.random.default_rng(0)
    W = rng.standard_normal((5, 4))
    lora = LoRA(W, rank=2, alpha=4.0, zero_B=zero_B, rng=1)
    x, target = rng.standard_normal((3, 5)), rng.standard_normal((3, 4))
    dA, dB = lora.gradients(x, lora.forward(x) - target)
    for P, G in ((lora.A, dA), (lora.B, dB)):
        num = np.zeros_like(P)
        for idx in np.ndindex(P.shape):
            old = P[idx]
            P[idx] = old + 1e-6
            up = loss(lora, x, target)
            P[idx] = old - 1e-6
            down = loss(lora, x, target)
            P[idx] = old
            num[idx] = (up - down) / 2e-6
        np.testing.assert_allclose(G, num, rtol=1e-6, atol=1e-8)


def test_b_zero_starts_as_the_pretrained_layer_and_still_learns():
    rng = np.random.default_rng(2)
    W, b = rng.standard_normal((6, 3)), rng.standard_normal(3)
    x = rng.standard_normal((10, 6))
    lora = LoRA(W, rank=2, b=b, rng=3)
    np.testing.assert_array_equal(lora.forward(x), x @ W + b)
    dA, dB = lora.gradients(x, np.ones((10, 3)))
    assert np.all(dA == 0) and np.abs(dB).max() > 0       # lesson 01's zero, but A is random
    lora.B -= 0.1 * dB
    assert np.abs(lora.forward(x) - (x @ W + b)).max() > 0
    both = LoRA(W, rank=2, b=b, zero_B=False, rng=3)
    assert np.abs(both.forward(x) - (x @ W + b)).max() > 0.1
    assert LoRA(np.zeros((400, 300)), rank=50, rng=0).A.std() == pytest.approx(1 / 20, rel=0.02)


@pytest.mark.parametrize("kwargs, error", [({"rank": 0}, ValueError), ({"rank": 4}, ValueError),
                                           ({"rank": 1.5}, TypeError),
                                           ({"rank": 1, "alpha": 0.0}, ValueError)])
def test_bad_arguments_raise(kwargs, error):
    with pytest.raises(error):
        LoRA(np.ones((3, 3)), **kwargs)

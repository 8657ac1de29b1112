"""LayerNorm and BatchNorm (initviz.normalization): forward against their papers' formulas,
backward against central finite differences, scale invariance, running statistics."""

import numpy as np
import pytest

from initviz.normalization import EPS, MOMENTUM, BatchNorm, LayerNorm
from gradcheck import numerical_gradient


def make(layer, seed=0):
    rng = np.random.default_rng(seed)
    norm = layer(5)
    norm.gain = rng.normal(1.0, 0.3, 5)
    norm.shift = rng.normal(0.0, 0.3, 5)
    x = rng.normal(0.5, 2.0, (7, 5))
    c = rng.standard_normal((7, 5))   # L = sum(c * y): dL/dy = c
    return norm, x, c


@pytest.mark.parametrize("layer, training", [(LayerNorm, True), (BatchNorm, True),
                                             (BatchNorm, False)])
def test_backward_matches_central_finite_differences(layer, training):
    norm, x, c = make(layer)
    if not training:
        norm.running_mean = np.linspace(-1, 1, 5)
        norm.running_var = np.linspace(0.5, 3, 5)

    def loss():
        saved = (norm.running_mean.copy(), norm.running_var.copy()) if layer is BatchNorm else None
        y, _ = norm.forward(x, training)
        if saved:
            norm.running_mean, norm.running_var = saved
        return float(np.sum(c * y))

    _, cache = norm.forward(x, training)
    dx, dgain, dshift = norm.backward(c, cache)
    np.testing.assert_allclose(dx, numerical_gradient(loss, x), rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(dgain, numerical_gradient(loss, norm.gain), rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(dshift, numerical_gradient(loss, norm.shift), rtol=1e-5,
                               atol=1e-8)


def test_forward_is_the_papers_formula():
    norm, x, _ = make(LayerNorm)
    y, _ = norm.forward(x)
    want = (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + EPS)
    np.testing.assert_allclose(y, want * norm.gain + norm.shift)
    bn, x, _ = make(BatchNorm)
    y, _ = bn.forward(x)
    want = (x - x.mean(0)) / np.sqrt(x.var(0) + EPS)
    np.testing.assert_allclose(y, want * bn.gain + bn.shift)


@pytest.mark.parametrize("layer", [LayerNorm, BatchNorm])
def test_output_does_not_depend_on_the_input_scale(layer):
    x = np.random.default_rng(1).standard_normal((64, 32))
    outs = [layer(32).forward(c * x)[0] for c in (1.0, 100.0, 1e4)]
    np.testing.assert_allclose(outs[1], outs[0], atol=1e-4)
    np.testing.assert_allclose(outs[2], outs[0], atol=1e-4)


def test_batchnorm_running_statistics_follow_pytorch_momentum():
    bn = BatchNorm(3)
    rng = np.random.default_rng(2)
    mean, var = np.zeros(3), np.ones(3)
    for _ in range(5):
        x = rng.normal(3.0, 2.0, (10, 3))
        bn.forward(x)
        mean = (1 - MOMENTUM) * mean + MOMENTUM * x.mean(0)
        var = (1 - MOMENTUM) * var + MOMENTUM * x.var(0, ddof=1)
    np.testing.assert_allclose(bn.running_mean, mean)
    np.testing.assert_allclose(bn.running_var, var)
    x = rng.standard_normal((4, 3))
    y, _ = bn.forward(x, training=False)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + EPS))


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="width"):
        LayerNorm(0)
    with pytest.raises(ValueError, match=r"\(n_samples, 4\)"):
        LayerNorm(4).forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match="at least 2 samples"):
        BatchNorm(4).forward(np.ones((1, 4)))
    with pytest.raises(TypeError, match="training"):
        BatchNorm(4).forward(np.ones((3, 4)), training="yes")

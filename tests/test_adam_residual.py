"""initviz.train(..., optimizer="adam") on a ResidualMLP: every parameter (dense weights and
biases, normalization gains and shifts, learned branch scales) takes Kingma & Ba's (2015)
Algorithm 1 steps, written out here independently, at the rate apply_gradients gives it."""

import numpy as np
import pytest

from initviz import ResidualMLP, train


def adam_reference(p0, grads, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """Algorithm 1 of Kingma & Ba 2015, elementwise, one gradient array per step."""
    p, m, v = p0.copy(), np.zeros_like(p0), np.zeros_like(p0)
    for t, g in enumerate(grads, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        p = p - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return p


def flat(net):
    """Every parameter of the network, in a fixed order, with the dense layer whose weight
    rate it takes (the convention of ResidualMLP.apply_gradients)."""
    m = net.branch_layers
    out = [(f"W{i}", W, i) for i, W in enumerate(net.weights)]
    out += [(f"b{i}", b, None) for i, b in enumerate(net.biases)]
    for i, n in enumerate(net.norms):
        out += [(f"gain{i}", n.gain, i + 1), (f"shift{i}", n.shift, i + 1)]
    out += [(f"scale{k}", net.scales[k:k + 1], (k + 1) * m) for k in range(net.n_blocks)]
    return out


def grads_flat(grads, net):
    g = list(grads.weights) + list(grads.biases)
    for i in range(len(net.norms)):
        g += [grads.gains[i], grads.shifts[i]]
    return g + [np.asarray(grads.scales[k:k + 1]) for k in range(net.n_blocks)]


@pytest.mark.parametrize("norm", ["batch", "layer"])
def test_adam_steps_every_parameter_of_a_residual_mlp(norm):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((16, 3))
    y = rng.integers(0, 4, 16)
    net = ResidualMLP(3, 5, 3, 4, activation="tanh", branch_layers=2, norm=norm,
                      branch_scale=0.5, learn_scale=True, output_activation="softmax", rng=0)
    n = net.n_layers
    w_rates = [0.01 * (1 + i) for i in range(n)]   # distinct per layer: checks the mapping
    b_rates = [0.003] * n
    ref = net.copy()
    g1 = grads_flat(ref.copy().loss_and_gradients(X, y)[1], ref)
    # the parameters after one step (Algorithm 1 at t = 1), and the gradients there
    params0 = flat(ref)
    rates = [w_rates[i] if i is not None else 0.003 for _, _, i in params0]
    after = ref.copy()
    for (_, p, _), g, lr in zip(flat(after), g1, rates):
        p[...] = adam_reference(p, [g], lr)
    g2 = grads_flat(after.copy().loss_and_gradients(X, y)[1], after)

    train(net, X, y, epochs=2, lr={"weights": w_rates, "biases": b_rates}, optimizer="adam")
    for (name, p0, _), (_, p, _), a, b, lr in zip(params0, flat(net), g1, g2, rates):
        np.testing.assert_allclose(p, adam_reference(p0, [a, b], lr), rtol=1e-10,
                                   atol=1e-13, err_msg=name)
        assert not np.array_equal(p, p0), f"{name} did not move"


def test_a_fixed_branch_scale_stays_fixed_under_adam():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((12, 3)), rng.standard_normal((12, 2))
    net = ResidualMLP(3, 4, 2, 2, norm="layer", branch_scale=0.3, rng=0)
    h = train(net, X, y, epochs=3, lr=0.01, optimizer="adam")
    assert h.loss[-1] < h.loss[0]
    np.testing.assert_array_equal(net.scales, [0.3, 0.3])
    assert not np.allclose(net.norms[0].gain, 1.0)  # the gains train

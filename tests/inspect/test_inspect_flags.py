"""Every flag of initviz.inspect fires on a PyTorch model made to trigger it and stays silent
on a well-initialized one; each flag names its layer, what was measured, the fix and its
lesson. Skipped, saying so, where PyTorch is not installed."""

from __future__ import annotations

import math

import numpy as np
import pytest

import initviz
from initviz.inspect import CODES

torch = pytest.importorskip("torch", reason="PyTorch not installed: pip install initviz[torch]")
nn = torch.nn

X = np.random.default_rng(0).standard_normal((256, 64)).astype(np.float32)
Y = np.random.default_rng(1).integers(0, 10, 256)


def _stack(depth=4, width=128, act=nn.ReLU, init="he", scale=1.0, out_scale=0.1, bias=0.0,
           seed=0):
    torch.manual_seed(seed)
    sizes = [64] + [width] * (depth - 1) + [10]
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = nn.Linear(a, b)
        if init == "he":
            nn.init.kaiming_normal_(lin.weight, nonlinearity="relu")
        elif init == "lecun":
            nn.init.normal_(lin.weight, std=1 / math.sqrt(a))
        elif init == "xavier":
            nn.init.xavier_uniform_(lin.weight)
        if init != "default":
            nn.init.constant_(lin.bias, bias)
        with torch.no_grad():
            lin.weight.mul_(scale if i < len(sizes) - 2 else out_scale)
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(act())
    return nn.Sequential(*layers)


class Residual(nn.Module):
    def __init__(self, width, zero_last):
        super().__init__()
        self.branch = nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, width))
        for lin in (self.branch[0], self.branch[2]):
            nn.init.kaiming_normal_(lin.weight, nonlinearity="relu")
            nn.init.zeros_(lin.bias)
        if zero_last:  # SkipInit / Fixup: the branch starts as 0, the block as the identity
            nn.init.zeros_(self.branch[2].weight)

    def forward(self, x):
        return x + self.branch(x)


def _residual(zero_last):
    torch.manual_seed(0)
    return nn.Sequential(*[Residual(64, zero_last) for _ in range(4)])


def _codes(model, targets=Y):
    report = initviz.inspect(model, X, targets, rng=0)
    return report, set(report.codes)


def test_a_well_initialized_network_raises_no_flag():
    report, codes = _codes(_stack())
    assert codes == set(), str(report)
    tanh = _stack(act=nn.Tanh, init="lecun")
    assert _codes(tanh)[1] == set()
    assert _codes(_residual(zero_last=True), None)[1] == set()


def test_pytorch_default_init_on_every_hidden_default_layer():
    report, codes = _codes(_stack(init="default"))
    flagged = [f.layer for f in report.flags if f.code == "pytorch-default-init"]
    assert flagged == ["0", "2", "4"]  # the hidden Linear layers, not the output layer
    f = next(f for f in report.flags if f.code == "pytorch-default-init")
    assert "kaiming_normal_" in f.message and f.lesson == "06_in_practice"


def test_glorot_with_relu():
    report, codes = _codes(_stack(init="xavier"))
    assert "glorot-with-relu" in codes
    assert "pytorch-default-init" not in codes
    assert "glorot-with-relu" not in _codes(_stack(init="xavier", act=nn.Tanh))[1]


def test_vanishing_signal_and_gradient_with_small_weights():
    report, codes = _codes(_stack(depth=6, scale=0.3), None)
    assert {"vanishing-signal", "vanishing-gradient"} <= codes
    assert not codes & {"exploding-signal", "exploding-gradient"}


def test_exploding_signal_and_gradient_with_large_weights():
    report, codes = _codes(_stack(depth=6, scale=2.5, out_scale=1.0), None)
    assert {"exploding-signal", "exploding-gradient"} <= codes
    f = next(f for f in report.flags if f.code == "exploding-signal")
    # judged at the output layer's input
    assert f.layer == report.rows[-2].name and "signal std" in f.message


def test_signal_is_judged_on_the_signal_not_on_offsets():
    # a large constant bias in every layer: the layer std grows, the signal does not
    model = _stack(act=nn.Tanh, init="lecun", bias=0.0)
    with torch.no_grad():
        model[-1].bias.fill_(100.0)  # the output sits at 100: an offset, not a signal
    report, codes = _codes(model, None)
    assert report.rows[-1].out_std < 1 and "exploding-signal" not in codes
    with torch.no_grad():
        model[-1].bias.copy_(torch.linspace(-500, 500, 10))  # per-unit offsets
    report, codes = _codes(model, None)
    assert report.rows[-1].out_std > 100  # the layer std counts the offsets ...
    assert "exploding-signal" not in codes  # ... the flag does not


def test_dead_relu():
    report, codes = _codes(_stack(bias=-3.0))
    assert "dead-relu" in codes
    f = next(f for f in report.flags if f.code == "dead-relu")
    assert report.row(f.layer).dead > 0.1


def test_saturated():
    report, codes = _codes(_stack(act=nn.Tanh, init="lecun", scale=4.0))
    assert "saturated" in codes


def test_initial_loss_needs_targets_and_a_loss_far_above_ln_c():
    report, codes = _codes(_stack(out_scale=20.0))
    assert "initial-loss" in codes
    value, classes = report.cross_entropy
    assert classes == 10 and value > math.log(10) + 1
    assert "initial-loss" not in _codes(_stack(out_scale=20.0), None)[1]


def test_residual_growth():
    report, codes = _codes(_residual(zero_last=False), None)
    assert "residual-growth" in codes
    assert sum(r.category == "residual" for r in report.rows) == 4


def test_every_code_is_tested_and_every_flag_has_its_fields():
    report, _ = _codes(_stack(init="default"))
    for f in report.flags:
        assert f.code in CODES and f.layer and f.message.endswith(".") and f.lesson
    assert len(CODES) == 10

"""initviz.inspect on PyTorch models: every row's statistics against values measured here with
PyTorch's own module hooks (forward hooks and ``register_full_backward_hook``, a different
mechanism from the ``torch.autograd.grad`` inspect uses), the layer kinds, and the model left
exactly as it was. Skipped, saying so, where PyTorch is not installed."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

import initviz

torch = pytest.importorskip("torch", reason="PyTorch not installed: pip install initviz[torch]")
nn = torch.nn

RNG = np.random.default_rng(0)
X = RNG.standard_normal((128, 32)).astype(np.float32)
Y = RNG.integers(0, 10, 128)


def _mlp(seed=0, widths=(32, 64, 64, 10), act=nn.ReLU):
    torch.manual_seed(seed)
    layers = []
    for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(widths) - 2:
            layers.append(act())
    return nn.Sequential(*layers)


def _independent(model, x, targets=None, out_grad=None, loss_fn=None):
    """Every leaf module's output and dL/d(output), with forward hooks and full backward
    hooks, and loss.backward(): name -> (output, grad)."""
    outs, grads, hooks = {}, {}, []
    for name, m in model.named_modules():
        if list(m.children()):
            continue
        hooks.append(m.register_forward_hook(
            lambda mod, i, o, name=name: outs.__setitem__(name, o.detach().double().numpy())))
        hooks.append(m.register_full_backward_hook(
            lambda mod, gi, go, name=name: grads.__setitem__(name, go[0].double().numpy())))
    out = model(torch.as_tensor(x).requires_grad_(torch.as_tensor(x).is_floating_point()))
    if targets is None:
        (out * torch.as_tensor(out_grad, dtype=out.dtype)).sum().backward()
    else:
        (loss_fn or nn.functional.cross_entropy)(out, torch.as_tensor(targets)).backward()
    for h in hooks:
        h.remove()
    model.zero_grad(set_to_none=True)
    return {k: (outs[k], grads.get(k)) for k in outs}


def test_out_std_and_grad_std_match_backward_hooks_with_targets():
    model = _mlp()
    report = initviz.inspect(model, X, Y)
    ref = _independent(_mlp(), X, Y)
    assert [r.name for r in report.rows] == list(ref)
    for row in report.rows:
        out, grad = ref[row.name]
        assert row.out_std == pytest.approx(out.std(), rel=1e-5)
        assert row.out_signal_std == pytest.approx(
            math.sqrt(np.mean(out.reshape(len(out), -1).var(axis=0))), rel=1e-5)
        assert row.grad_std == pytest.approx(grad.std(), rel=1e-4)
        assert row.grad_median_abs == pytest.approx(np.median(np.abs(grad)), rel=1e-4, abs=1e-12)
    assert report.loss == pytest.approx(
        float(nn.functional.cross_entropy(_mlp()(torch.as_tensor(X)), torch.as_tensor(Y))
              .detach()),
        rel=1e-6)


def test_without_targets_the_gradient_is_standard_normal_at_the_output():
    model = _mlp(act=nn.Tanh)
    report = initviz.inspect(model, X, rng=5)
    g = np.random.default_rng(5).standard_normal((128, 10))
    ref = _independent(_mlp(act=nn.Tanh), X, out_grad=g)
    assert report.gradient == "standard-normal"
    for row in report.rows:
        assert row.grad_std == pytest.approx(ref[row.name][1].std(), rel=1e-4)
    assert report.rows[-1].grad_std == pytest.approx(g.astype(np.float32).std(), rel=1e-5)


def test_dead_and_saturated_fractions_are_measured_on_the_activation_outputs():
    model = _mlp(act=nn.Tanh)
    with torch.no_grad():
        model[0].weight.mul_(20.0)  # saturates the first tanh
    report = initviz.inspect(model, X, rng=0)
    row = report.row("1")
    pre = model[0](torch.as_tensor(X)).detach().double().numpy()
    # tanh'(z) = 1 - tanh(z)^2 < 0.02 (2 % of tanh'(0) = 1)
    assert row.saturated == pytest.approx(np.mean(1 - np.tanh(pre) ** 2 < 0.02))
    relu = _mlp()
    with torch.no_grad():
        relu[0].bias.fill_(-100.0)  # every unit of the first ReLU off for every input
    r2 = initviz.inspect(relu, X, rng=0).row("1")
    assert r2.dead == 1.0 and r2.saturated is None


def test_the_model_is_unchanged_parameters_buffers_mode_grads_and_random_state():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, 64), nn.BatchNorm1d(64), nn.ReLU(inplace=True),
                          nn.Dropout(0.5), nn.Linear(64, 10))
    model.train()
    model[4].eval()  # a mixed mode must come back as it was too
    model(torch.as_tensor(X)).sum().backward()  # grads that must survive
    state = {k: v.clone() for k, v in model.state_dict().items()}
    grads = [p.grad.clone() for p in model.parameters()]
    modes = [m.training for m in model.modules()]
    torch.manual_seed(123)
    report = initviz.inspect(model, X, Y)
    after_rng = torch.rand(3)
    torch.manual_seed(123)
    assert torch.equal(after_rng, torch.rand(3))  # inspect drew nothing from torch's RNG
    for k, v in model.state_dict().items():
        assert torch.equal(v, state[k]), k  # running_mean, running_var, num_batches_tracked
    assert all(torch.equal(p.grad, g) for p, g in zip(model.parameters(), grads))
    assert [m.training for m in model.modules()] == modes
    assert model[2].inplace is True
    assert any("Dropout" in n for n in report.notes)


def test_layer_kinds_conv_embedding_norms_nested_residual_and_unknown():
    class Residual(nn.Module):
        def __init__(self):
            super().__init__()
            self.f = nn.Sequential(nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 16))

        def forward(self, x):
            return x + self.f(x)

    class Mystery(nn.Module):  # a leaf inspect does not know
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.ones(16))

        def forward(self, x):
            return x * self.scale

    torch.manual_seed(0)
    seq = nn.Sequential(nn.Embedding(50, 16), nn.LayerNorm(16),
                        nn.Sequential(Residual(), Mystery()), nn.GELU())
    ids = np.random.default_rng(1).integers(0, 50, (8, 5))
    report = initviz.inspect(seq, ids, rng=0)
    kinds = {r.name: (r.kind, r.category) for r in report.rows}
    assert kinds["0"] == ("Embedding", "embedding")
    assert report.row("0").scheme == "pytorch_default"  # nn.Embedding's N(0, 1)
    assert kinds["1"] == ("LayerNorm", "norm") and report.row("1").scheme == "ones"
    assert kinds["2.0.f.0"][1] == "dense" and kinds["2.0.f.1"][1] == "activation"
    assert kinds["2.0"][1] == "residual"
    assert kinds["2.1"] == ("Mystery", "other") and "not a layer inspect knows" in \
        report.row("2.1").note
    assert "Mystery" in report.text()
    assert all(r.theory_out_std is None for r in report.rows)  # not a plain stack

    conv = nn.Sequential(nn.Conv1d(3, 8, 5), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 12, 4))
    r1 = initviz.inspect(conv, RNG.standard_normal((64, 3, 16)).astype(np.float32), rng=0)
    c = r1.row("0")
    assert (c.fan_in, c.fan_out, c.scheme) == (3 * 5, 8 * 5, "pytorch_default")
    assert r1.row("2").category == "reshape"
    assert all(r.theory_out_std is not None for r in r1.rows)

    conv2 = nn.Sequential(nn.Conv2d(1, 8, 3), nn.BatchNorm2d(8), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8 * 9, 3))
    r2 = initviz.inspect(conv2, RNG.standard_normal((32, 1, 8, 8)).astype(np.float32), rng=0)
    assert [r.category for r in r2.rows] == ["conv", "norm", "activation", "pool", "reshape",
                                             "dense"]
    assert r2.row("0").fan_in == 9 and r2.row("0").fan_out == 72
    # BatchNorm on batch statistics: its output has std 1 per channel
    assert r2.row("1").out_std == pytest.approx(1.0, abs=0.01)


def test_theory_beside_the_measurement_in_a_plain_he_stack():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                          nn.Linear(512, 10))
    for m in model:
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            nn.init.zeros_(m.bias)
    x = np.random.default_rng(2).standard_normal((512, 256)).astype(np.float32)
    report = initviz.inspect(model, x, rng=0)
    for row in report.rows:
        # a finite network scatters around the wide limit by ~sqrt(2 / width) per layer
        assert row.theory_out_std == pytest.approx(row.out_std, rel=0.1)
    assert report.row("0").theory_out_std == pytest.approx(math.sqrt(2 * np.mean(x ** 2)),
                                                          rel=0.05)
    # the last layer (512 -> 10): He's 2/512 and Glorot's 2/522 are the same to the test
    assert [r.scheme for r in report.rows if r.category == "dense"][:2] == ["he_normal"] * 2


@pytest.mark.parametrize("fn,kwargs,name", [
    ("kaiming_normal_", {"nonlinearity": "relu"}, "he_normal"),
    ("kaiming_uniform_", {"nonlinearity": "relu"}, "he_uniform"),
    ("xavier_uniform_", {}, "glorot_uniform"),
    ("xavier_normal_", {}, "glorot_normal"),
    (None, {}, "pytorch_default"),
])
def test_schemes_are_named_from_torch_nn_init(fn, kwargs, name):
    torch.manual_seed(3)
    layer = nn.Linear(300, 100)
    if fn:
        getattr(nn.init, fn)(layer.weight, **kwargs)
    report = initviz.inspect(nn.Sequential(layer), RNG.standard_normal((16, 300)), rng=0)
    assert report.rows[0].scheme == name


def test_report_displays_as_text_html_and_the_explorer_panels():
    report = initviz.inspect(_mlp(), X, Y)
    text = str(report)
    assert "pytorch_default" in text and "flags:" in text
    html = report._repr_html_()
    assert html.count("<tr>") == len(report.rows) + 1 and "pytorch-default-init" in html
    fig = report.plot()
    assert len(fig.axes) == 5  # the explorer's four panels and its colour bar
    assert "Flags:" in fig.description and "pytorch-default-init" in fig.description


def test_inputs_as_tensors_and_a_custom_loss():
    model = _mlp()
    y = torch.as_tensor(RNG.standard_normal((128, 10)), dtype=torch.float32)
    report = initviz.inspect(model, torch.as_tensor(X), y,
                             loss=lambda o, t: ((o - t) ** 2).sum())
    ref = _independent(_mlp(), X, y, loss_fn=lambda o, t: ((o - t) ** 2).sum())
    assert report.rows[-1].grad_std == pytest.approx(ref["4"][1].std(), rel=1e-5)


def test_import_initviz_loads_neither_torch_nor_keras_and_inspect_is_lazy():
    code = ("import sys, initviz\n"
            "assert 'initviz.inspect' not in sys.modules\n"
            "f = initviz.inspect\n"
            "print(sorted(m for m in ('torch', 'keras', 'matplotlib') if m in sys.modules),"
            " callable(f))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[] True"


def test_a_model_of_neither_framework_gets_a_clear_error_and_the_install_hint(monkeypatch):
    with pytest.raises(TypeError, match="torch.nn.Module or a Keras 3 model, got list"):
        initviz.inspect([1, 2], X)
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(TypeError, match=r'pip install "initviz\[torch\]"'):
        initviz.inspect(object(), X)


def test_require_returns_the_frameworks_or_one_line_with_the_install_hint(monkeypatch):
    from initviz.inspect import MissingFramework, require

    assert require("torch") == (torch,)
    import importlib

    real = importlib.import_module

    def no_keras(name, *args):
        if name == "keras":
            raise ImportError("No module named 'keras'")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", no_keras)
    with pytest.raises(MissingFramework) as err:
        require("torch", "keras")
    lines = err.value._render_traceback_()
    assert len(lines) == 1 and 'pip install "initviz[keras]"' in lines[0]
    with pytest.raises(ValueError, match="name must be 'torch' or 'keras', got 'jax'"):
        require("jax")


def test_the_report_figure_is_readable_at_its_shown_size():
    """The size rule of initviz.plots (tests/test_figure_readability.py's checks)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "test_figure_readability.py"
    spec = importlib.util.spec_from_file_location("figure_readability", path)
    checks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(checks)
    fig = initviz.inspect(_mlp(), X, Y).plot()
    assert checks.problems(fig) == []

"""Tests of initviz.propagation (the streamed signal statistics) and initviz.widgets.

Reference values come from the core, computed independently: the MLP's own forward and
backward pass (initviz.mlp), initviz.stats.describe and initviz.theory, and from the
initializers' formulas (He: std sqrt(2 / fan_in); Var(U[-a, a]) = a^2 / 3).
"""

import inspect
import io
import math
import subprocess
import sys
import threading
import time
import tracemalloc

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from initviz import MLP, propagation, propagation_blocks, stats, weight_bank
from initviz.propagation import (ACTIVATION_CHOICES, CUSTOM, DTYPES, INIT_CHOICES,
                                 propagate, resolve_initializer)

widgets = pytest.importorskip("initviz.widgets")
from initviz.widgets import signal as signal_module  # noqa: E402 - after the importorskip
from initviz.widgets import std_panel  # noqa: E402


def _reference(weight_init, scale, activation, depth, width, batch, seed):
    """The same network and signals through the core MLP: stats per layer (all layers but
    the last, whose MLP activation is linear, for the forward; all for the gradients)."""
    init, _ = resolve_initializer(weight_init, scale)
    net = MLP([width] * (depth + 1), activation=activation, weight_init="zeros")
    for i in range(depth):
        net.weights[i] = np.asarray(init((width, width), rng=np.random.default_rng([seed, i])))
    X = weight_bank.input_batch(batch, width, seed)
    dz = weight_bank.output_gradient(batch, width, seed)
    trace = net.trace(X)
    grads = net.backward(trace, dz)
    acts = [stats.describe(a, z, activation)
            for a, z in zip(trace.activations[:-1], trace.pre_activations[:-1])]
    return acts, [stats.describe(g) for g in grads.pre_activations]


# ------------------------------------------------------------------ propagation vs the core
@pytest.mark.parametrize("activation", ACTIVATION_CHOICES)
@pytest.mark.parametrize("weight_init,scale", [
    ("random_normal", 0.05), ("he_uniform", 1.3), ("orthogonal", 1.0), ("glorot_normal", 1.0),
    (CUSTOM, 0.2), ("random_uniform", 0.1), ("variance_scaling", 2.0), ("ones", 1.0),
    ("zeros", 1.0)])
@pytest.mark.parametrize("work_bytes", [64 * 2**20, 20_000])  # kept vs recomputed segments
def test_float64_statistics_match_the_core_mlp(activation, weight_init, scale, work_bytes):
    depth, width, batch, seed = 6, 24, 30, 3
    r = propagate(weight_init, scale, activation, depth, width, batch, seed, dtype="float64",
                  work_bytes=work_bytes)
    assert r.dtype == "float64"
    acts, grads = _reference(weight_init, scale, activation, depth, width, batch, seed)
    fields = ["mean", "std", "signal_std", "saturated", "nonfinite"]
    if activation in ("relu", "leaky_relu"):
        fields += ["zeros", "dead"]
    for i in range(depth - 1):
        for f in fields:
            assert getattr(r.activations, f)[i] == pytest.approx(
                getattr(acts[i], f), rel=1e-9, abs=1e-13), (i, f)
    for i in range(depth):
        for f in ("mean", "std", "nonfinite", "median_abs", "near_zero"):
            assert getattr(r.gradients, f)[i] == pytest.approx(
                getattr(grads[i], f), rel=1e-8, abs=1e-13), (i, f)


def test_checkpointed_backward_equals_the_stored_one():
    kw = dict(weight_init="he_normal", scale=1.0, activation="tanh", depth=12, width=40,
              batch=50, seed=1, dtype="float64")
    kept = propagate(**kw)
    redone = propagate(**kw, work_bytes=30_000)
    assert kept.n_checkpoints == 0 and redone.n_checkpoints > 2
    np.testing.assert_array_equal(kept.gradients.std, redone.gradients.std)
    np.testing.assert_array_equal(kept.grad_hist, redone.grad_hist)


def test_float32_agrees_with_float64_where_float32_holds_the_signal():
    kw = dict(weight_init="random_normal", scale=0.05, activation="tanh", depth=10, width=64,
              batch=64, seed=0)
    a, b = propagate(**kw, dtype="float32"), propagate(**kw, dtype="float64")
    assert a.dtype == "float32"
    np.testing.assert_allclose(a.activations.std, b.activations.std, rtol=1e-4)
    np.testing.assert_allclose(a.gradients.std, b.gradients.std, rtol=1e-4)


def test_auto_precision_switches_to_float64_outside_float32s_comfort():
    assert propagate("he_normal", 1.0, "relu", 10, 64, 64, dtype="auto").dtype == "float32"
    # ReLU, std 100: the theory grows by 100 * sqrt(64 / 2) per layer, past 1e20 by layer 10
    big = propagate("random_normal", 100.0, "relu", 10, 64, 64, dtype="auto")
    assert big.dtype == "float64" and np.all(np.isfinite(big.activations.std))
    # constant weights: no theory, so float64
    assert propagate("ones", 1.0, "linear", 3, 8, 8).dtype == "float64"


def test_unit_draws_are_the_initializers_own_draws():
    width, seed = 16, 5
    for name in INIT_CHOICES:
        init, _ = resolve_initializer(name, 0.7)
        for layer in (0, 3):
            factor, unit = weight_bank.unit_weights(init, width, seed, layer)
            W = factor * unit
            ref = init((width, width), rng=np.random.default_rng([seed, layer]))
            np.testing.assert_allclose(W, ref, rtol=1e-12, atol=1e-15, err_msg=name)


def test_scale_meaning_follows_the_formulas():
    n = 100
    shape = (n, n)
    he, label = resolve_initializer("he_normal", 1.0)
    assert he.std(shape) == pytest.approx(math.sqrt(2 / n)) and label == "he_normal"
    he2, _ = resolve_initializer("kaiming_normal", 1.5)  # alias, gain 1.5
    assert he2.std(shape) == pytest.approx(1.5 * math.sqrt(2 / n))
    uni, _ = resolve_initializer("random_uniform", 0.3)  # std 0.3: limit 0.3 sqrt(3)
    assert uni.maxval == pytest.approx(0.3 * math.sqrt(3)) and uni.std(shape) == pytest.approx(0.3)
    orth, _ = resolve_initializer("orthogonal", 2.0)
    assert orth.gain == 2.0
    assert resolve_initializer(CUSTOM, 0.01)[0].std(shape) == 0.01
    assert resolve_initializer("constant", 0.5)[0].value == 0.5
    assert propagation.scale_meaning("zeros") == "unused"


def test_theory_is_drawn_from_initviz_theory():
    r = propagate("glorot_uniform", 1.0, "tanh", 5, 64, 16, dtype="float64")
    from initviz import theory

    pred = theory.predict_variances([64] * 6, [1 / 64] * 5, ["tanh"] * 4,
                                    output_activation="tanh", method="mean_field")
    np.testing.assert_allclose(r.predicted_act_std, pred.activation_std)
    np.testing.assert_allclose(r.predicted_grad_std, pred.gradient_std)


def test_he_keeps_a_wide_relu_signal_as_theory_says():
    r = propagate("he_normal", 1.0, "relu", 8, 512, 256, dtype="float64")
    np.testing.assert_allclose(r.activations.std, r.predicted_act_std, rtol=0.1)
    np.testing.assert_allclose(r.gradients.std, r.predicted_grad_std, rtol=0.1)


@pytest.mark.parametrize("bad,match", [
    (dict(weight_init="xavier_nromal"), "xavier_normal"),
    (dict(activation="gelu"), "activation must be one of 'linear', 'relu'.*got 'gelu'"),
    (dict(depth=0), "depth"),
    (dict(scale=0.0), "scale"),
    (dict(scale=math.inf), "scale"),
    (dict(dtype="float16"), "dtype"),
])
def test_bad_settings_name_the_value_and_the_choices(bad, match):
    kw = dict(weight_init="random_normal", scale=0.01, activation="tanh", depth=2, width=4,
              batch=4, seed=0)
    with pytest.raises(ValueError, match=match):
        propagate(**{**kw, **bad})
    with pytest.raises(ValueError, match=match):
        widgets.signal_figure(**{**kw, **bad})


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_streams_tanh_is_numpys_to_one_unit_in_the_last_place(dtype):
    """propagation sums tanh's series where every |z| <= 1/8; numpy's tanh is the reference."""
    rng = np.random.default_rng(1)
    for magnitude in [1e-40, 1e-30, 1e-12, 1e-6, 1e-3, 0.05, 0.125, 0.5, 3.0]:
        z = (rng.uniform(-1, 1, 4096) * magnitude).astype(dtype)
        expected = np.tanh(z)
        got = propagation_blocks._tanh(z)
        assert got.dtype == dtype
        assert np.all(np.abs(got - expected) <= np.spacing(np.abs(expected))), magnitude
    z = np.array([0.01, np.nan, 0.02], dtype)
    assert np.array_equal(propagation_blocks._tanh(z), np.tanh(z), equal_nan=True)


def test_a_shared_bank_changes_no_result():
    """Cached weights in both precisions and cached first and last products give what a fresh
    bank gives, through changes of scale, seed, batch, preview size, depth and precision."""
    bank = propagation.WeightBank(cache_bytes=64 * 2**20, both_precisions=True)
    settings = [dict(scale=0.05), dict(scale=0.2), dict(scale=0.2, seed=1),
                dict(scale=0.2, batch=48), dict(scale=0.2, inputs=8), dict(scale=0.2, depth=3),
                dict(scale=0.2, dtype="float64"), dict(scale=0.2, dtype="float32"),
                dict(scale=0.2, weight_init="he_uniform")]
    for change in settings:
        kw = dict(dict(weight_init="random_normal", activation="tanh", depth=4, width=32,
                       batch=64), **change)
        shared, fresh = propagate(**kw, bank=bank), propagate(**kw)
        assert shared.dtype == fresh.dtype
        for name in ("activations", "gradients"):
            for field, col in vars(getattr(shared, name)).items():
                assert np.array_equal(col, getattr(getattr(fresh, name), field),
                                      equal_nan=True), (change, name, field)
        assert np.array_equal(shared.act_hist, fresh.act_hist)
        assert np.array_equal(shared.grad_hist, fresh.grad_hist)


def test_the_bank_rounds_float64_draws_to_float32_without_drawing_again():
    bank = propagation.WeightBank(both_precisions=True)
    w64 = bank.unit("untruncated_normal", 16, seed=0, layer=2)
    w32 = bank.unit("untruncated_normal", 16, seed=0, layer=2, dtype=np.float32)
    assert bank.made == 1 and w32.dtype == np.float32
    assert np.array_equal(w32, w64.astype(np.float32))
    single = propagation.WeightBank()  # one precision: a float32 request after float64 rounds
    single.unit("uniform", 16, seed=0, layer=0)
    he_uniform = propagation.resolve_initializer("he_uniform", 1.0)[0]
    assert np.array_equal(single.unit("uniform", 16, seed=0, layer=0, dtype=np.float32),
                          weight_bank.unit_weights(he_uniform, 16, 0, 0)[1].astype(np.float32))
    assert single.made == 1


def test_the_bank_rounds_a_cached_float64_batch_instead_of_drawing_it_again():
    bank = propagation.WeightBank()
    for get, draw in ((bank.inputs, weight_bank.input_batch),
                      (bank.output_gradient, weight_bank.output_gradient)):
        made = bank.made
        x64 = get(32, 8, 3)
        x32 = get(32, 8, 3, np.float32)
        assert bank.made == made + 1 and x32.dtype == np.float32
        assert np.array_equal(x32, draw(32, 8, 3, np.float32))  # what a fresh draw gives
        assert np.array_equal(x32, x64.astype(np.float32))
        assert get(32, 8, 3, np.float32) is x32 and not x32.flags.writeable


def test_import_initviz_does_not_import_the_widgets():
    code = ("import sys, initviz, initviz.propagation; "
            "bad = [m for m in ('matplotlib', 'ipywidgets', 'initviz.widgets') "
            "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


# ------------------------------------------------------------------ memory
def test_memory_stays_bounded_on_a_deep_wide_network():
    """50 x 512, batch 256, float64: storing every z and a would take 2 * 50 * 1 MiB * 8 =
    100 MiB, plus 100 MiB of weights; the streamed pass stays near its budgets."""
    bank = propagation.WeightBank(cache_bytes=8 * 2**20)
    tracemalloc.start()
    try:
        r = propagate("he_normal", 1.0, "tanh", 50, 512, 256, dtype="float64", bank=bank,
                      work_bytes=16 * 2**20)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    full_trace = 2 * 50 * 256 * 512 * 8
    assert r.n_checkpoints > 0
    assert peak < 0.5 * full_trace, peak / 2**20
    assert peak < 8 * 2**20 + 16 * 2**20 + 24 * 2**20, peak / 2**20  # cache + work + ~12 arrays


# ------------------------------------------------------------------ robustness
def _finite_limits(fig):
    for ax in fig.axes:
        for lim in (ax.get_xlim(), ax.get_ylim()):
            if not all(math.isfinite(v) for v in lim):
                return False
    return True


@pytest.mark.parametrize("activation", ["linear", "relu"])
def test_overflow_is_marked_not_raised(activation):
    """float32, std 100, depth 50: past ~3e38 the layers overflow to inf/nan."""
    fig = widgets.signal_figure("random_normal", 100.0, activation, 50, 64, 32, dtype="float32")
    assert _finite_limits(fig)
    texts = " ".join(t.get_text() for t in fig.texts)
    assert "inf/nan in" in texts
    fig.savefig(io.BytesIO(), format="png")


@pytest.mark.slow  # make test-fast skips it
def test_underflow_and_float64_extremes_draw():
    for dtype in ("float32", "float64"):
        for act in ("tanh", "relu", "sigmoid"):
            fig = widgets.signal_figure("random_normal", 1e-3, act, 50, 8, 16, dtype=dtype)
            assert _finite_limits(fig)
            fig.savefig(io.BytesIO(), format="png")
    r = propagate("random_normal", 1e-3, "linear", 50, 2, 16, dtype="float64")
    assert np.all(r.activations.std > 0)  # 1e-140-ish, resolved without underflow
    r = propagate("random_normal", 1e10, "linear", 50, 64, 16, dtype="float64")
    assert r.activations.nonfinite[-1] > 0  # float64 overflows too, far enough


@pytest.fixture(scope="module")
def explorer():
    return widgets.SignalExplorer(depth=3, width=16, batch=16, threaded=False)


@pytest.mark.slow  # make test-fast skips it
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_setting_gives_a_figure_with_finite_limits(explorer, data):
    width = data.draw(st.one_of(st.integers(2, 48), st.integers(2, 48),
                                st.sampled_from([256, 1024])), label="width")
    s = dict(
        weight_init=data.draw(st.sampled_from(INIT_CHOICES), label="weight_init"),
        scale=10.0 ** data.draw(st.floats(-3, 2), label="log10 scale"),
        activation=data.draw(st.sampled_from(ACTIVATION_CHOICES), label="activation"),
        depth=data.draw(st.integers(1, 50) if width <= 48 else st.integers(1, 4), label="depth"),
        width=width,
        batch=data.draw(st.sampled_from([16, 32]) if width <= 48 else st.just(16), label="batch"),
        seed=data.draw(st.integers(0, 3), label="seed"),
        dtype=data.draw(st.sampled_from(DTYPES), label="dtype"),
        residual=data.draw(st.booleans(), label="residual"),
        branch_scale=10.0 ** data.draw(st.floats(-2, 1), label="log10 branch_scale"),
        norm=data.draw(st.sampled_from(propagation.NORM_CHOICES), label="norm"),
    )
    fig = explorer.update(**s)
    assert _finite_limits(fig)
    assert explorer.frame_settings == s
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------ coalescing
def _burst(ex, values):
    """Hold the first render while the other values arrive, as a fast drag does."""
    gate, entered = threading.Event(), threading.Event()
    real = signal_module.propagate

    def held(*args, **kwargs):
        entered.set()
        gate.wait(10)
        return real(*args, **kwargs)

    signal_module.propagate = held
    try:
        ex.controls["scale"].value = values[0]
        assert entered.wait(10)
        for v in values[1:]:
            ex.controls["scale"].value = v
        gate.set()
        assert ex.coalescer.wait(30)
    finally:
        signal_module.propagate = real


@pytest.mark.parametrize("slow", [False, True])
def test_a_burst_of_slider_changes_costs_at_most_two_frames_and_ends_on_the_last(
        slow, monkeypatch):
    ex = widgets.SignalExplorer(depth=6, width=64, batch=64)  # threaded, as in a notebook
    # Which policy applies depends on the expected frame time, which a busy machine inflates:
    # pin it, so the test checks each policy and not the machine's load.
    monkeypatch.setattr(signal_module, "SLOW_FRAME", 0.0 if slow else math.inf)
    monkeypatch.setattr(signal_module, "FIRST_FRAME", math.inf)  # whole batches, no previews
    values = list(np.logspace(-1.5, 0, 30))  # the first differs from the default 0.01
    frames_before = len(ex.frame_times)
    _burst(ex, values)
    c = ex.coalescer
    assert c.started == 2  # the first value (in progress when the burst came) and the last
    assert (c.finished, c.cancelled) == ((1, 1) if slow else (2, 0))
    assert len(ex.frame_times) - frames_before == c.finished  # redraws
    assert ex.frame_settings["scale"] == values[-1]
    assert ex.view.result.settings["scale"] == values[-1]
    fresh = propagate(**ex.settings())
    np.testing.assert_array_equal(ex.view.result.activations.std, fresh.activations.std)
    assert ex.image.value == ex.view.render()  # the frame on screen is that result's


def test_coalescer_renders_only_the_latest_value():
    seen = []
    gate, entered = threading.Event(), threading.Event()

    def render(value, cancel):
        if value == 0:
            entered.set()
            gate.wait(10)
        seen.append(value)

    c = widgets.Coalescer(render)
    c.submit(0)
    assert entered.wait(10)  # the first render is under way before the burst
    for v in range(1, 50):
        c.submit(v)
    gate.set()
    assert c.wait(10)
    assert seen == [0, 49]


# ------------------------------------------------------------------ explorers
def test_signal_explorer_api(explorer):
    ex = widgets.signal_explorer(activation="tanh", weight_init="random_normal", scale=0.01,
                                 depth=10, width=250)
    assert isinstance(ex, widgets.SignalExplorer)
    assert ex.image.value[:4] == b"\x89PNG"
    assert ex.settings()["width"] == 250
    fig = ex.figure()
    assert "random_normal std 0.01, tanh, 10 layers x 250" in fig.texts[0].get_text()
    ex.controls["weight_init"].value = "zeros"
    assert ex.controls["scale"].disabled
    with pytest.raises(TypeError, match="unknown settings"):
        explorer.update(colour="red")


def test_static_figure_reflects_the_settings():
    fig = widgets.signal_figure(activation="relu", weight_init="he_normal", scale=1.0, depth=5,
                                width=32, batch=32)
    assert fig.get_size_inches().tolist() == [9.0, 4.0] and fig.dpi == 192
    titles = [ax.get_title() for ax in fig.axes]
    assert "dead % (zero %)" in titles
    assert "he_normal, relu, 5 layers x 32" in fig.description


def test_static_figures_show_themselves_without_the_inline_backend():
    """A notebook shows an object with _repr_png_ as an image (IPython's display protocol;
    initviz.plots registers it for ShownFigure ahead of the inline backend's formatter); the
    PNG is 9 x 4 in at dpi 192, i.e. 1728 x 768 pixels, shown at 864 x 384 CSS px, with the
    figure's description as alt text."""
    from PIL import Image

    figs = [widgets.signal_figure(depth=3, width=16, batch=16),
            widgets.training_figure("moons", runs={"A": dict(epochs=2, width=8)})]
    for fig in figs:
        png, metadata = fig._repr_png_()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert Image.open(io.BytesIO(png)).size == (1728, 768)
        assert metadata == {"width": 864, "height": 384, "alt": fig.description}
    # the live view is blitted and drawn only by render(): it keeps a plain Figure
    assert not hasattr(widgets.SignalView(blit=True).fig, "_repr_png_")


def test_training_figure_compares_two_runs():
    fig = widgets.training_figure("moons", runs={
        "A": dict(weight_init="random_normal", scale=0.01, activation="tanh", epochs=30),
        "B": dict(weight_init="glorot_uniform", activation="tanh", epochs=30)})
    header = " ".join(t.get_text() for t in fig.texts)  # the runs, above the panels
    assert "A (solid): random_normal std 0.01, tanh" in header
    assert "B (dashed): glorot_uniform, tanh" in header
    assert "A, random_normal std 0.01, tanh (3x32, lr 0.5): loss" in fig.description
    assert _finite_limits(fig)
    with pytest.raises(ValueError, match="dataset"):
        widgets.training_figure("mnist")
    with pytest.raises(TypeError, match="unknown run settings"):
        widgets.training_figure("moons", runs={"A": dict(momentum=0.9)})


def test_training_explorer_trains_stops_and_marks_divergence():
    ex = widgets.training_explorer("moons")
    ex.train(slot="A", wait=True, epochs=30)
    a = ex.runs["A"]
    assert a.epoch == 30 and ex.progress.value == 30 and "done" in ex.status.value
    ex.train(slot="B", wait=True, weight_init="random_normal", scale=100.0, activation="relu",
             epochs=30)
    b = ex.runs["B"]
    assert b.diverged_at is not None and "diverged" in ex.status.value
    ex.train(slot="B", epochs=100_000)  # long: stop it
    time.sleep(0.3)
    ex.stop(wait=True)
    assert ex.runs["B"].stopped and ex.runs["B"].epoch < 100_000
    assert not ex.controls["train"].disabled
    assert _finite_limits(ex.figure())


def test_training_explorer_on_digits_shows_accuracy_and_gradients():
    fig = widgets.training_figure("digits", runs={"A": dict(epochs=3, width=16)})
    titles = [ax.get_title() for ax in fig.axes]
    assert "training accuracy" in titles and "std of dL/dW, epoch 1" in titles


def test_blitted_frames_are_palette_pngs_close_to_the_drawn_pixels():
    """The live view encodes blits as 8-bit palette PNGs on the colours of the last full
    draw (render.encode_png); what the browser shows stays within ~1/255 of what was drawn,
    over a drag that changes the data but not the background."""
    from PIL import Image

    view = widgets.SignalView(blit=True)
    errors = []
    for scale in (0.01, 0.03, 0.1, 0.3, 1.0):
        view.update(propagate("random_normal", scale, "tanh", 6, 32, 64, 0))
        shown = np.asarray(Image.open(io.BytesIO(view.render())).convert("RGB"), dtype=float)
        drawn = np.asarray(view.fig.canvas.buffer_rgba())[:, :, :3].astype(float)
        errors.append(np.abs(shown - drawn).mean())
    assert view.blits >= 3  # most frames were blits, mapped to the first frame's palette
    assert max(errors) < 2.0, errors


# ------------------------------------------------------------------ signal std, previews
def _numpy_passes(weight_init, scale, activation, depth, width, batch, seed, inputs=None):
    """The explorer's network in a few lines of numpy, independently of initviz's passes:
    the activations of every layer and dL/dz of layer 1 for the first `inputs` inputs."""
    f, df = {"sigmoid": (lambda z: 1 / (1 + np.exp(-z)),
                         lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
             "tanh": (np.tanh, lambda z: 1 / np.cosh(z) ** 2)}[activation]
    init, _ = resolve_initializer(weight_init, scale)
    Ws = [init((width, width), rng=np.random.default_rng([seed, i])) for i in range(depth)]
    n = batch if inputs is None else inputs
    a = weight_bank.input_batch(batch, width, seed)[:n]
    acts, zs = [], []
    for W in Ws:
        z = a @ W
        a = f(z)
        zs.append(z)
        acts.append(a)
    g = weight_bank.output_gradient(batch, width, seed)[:n]
    for i in range(depth - 1, 0, -1):
        g = (g @ Ws[i].T) * df(zs[i - 1])
    return acts, g


def _signal_std(a):
    """Std across inputs of each unit, root mean square over the units."""
    return math.sqrt(np.mean(np.var(a, axis=0)))


def test_readout_and_std_panel_show_the_signal_std_and_the_gradient_median():
    """Lesson 03's sigmoid stack at std 0.01: the layer std stays ~0.02 (fixed offsets)
    while the signal std collapses; the readout gives both, the std panel draws the signal
    std as its own series where it differs, and the readout gives the median |dL/dz|."""
    s = dict(weight_init="random_normal", scale=0.01, activation="sigmoid", depth=6,
             width=64, batch=128, seed=2, dtype="float64")
    acts, g1 = _numpy_passes(**{k: v for k, v in s.items() if k != "dtype"})
    signal = [_signal_std(a) for a in acts]
    layer = [float(np.std(a)) for a in acts]
    assert signal[-1] < 1e-6 * layer[-1]  # the setting shows what it should
    ex = widgets.SignalExplorer(**s, threaded=False)
    status = ex.status.value
    assert f"signal std {signal[-1]:.3g}" in status
    assert f"median |dL/dz| {np.median(np.abs(g1)):.3g}" in status
    drawn_x, drawn_y = ex.view.std.sig_a.get_data()
    shown = np.isfinite(drawn_x)
    assert not shown[0] and shown[1:].all()  # layer 1: the signal is the layer std
    np.testing.assert_allclose(np.asarray(drawn_x)[shown], signal[1:], rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(drawn_y)[shown], np.arange(2, 7))
    assert all(a.get_visible() for a in ex.view.std.key_signal)  # its key entry, with it
    assert ex.view.std.key_signal[1].get_text() == "their signal std"
    np.testing.assert_allclose(ex.view.std.std_a.get_data()[0], layer, rtol=1e-9)
    fig = ex.figure()
    assert f"signal std, across inputs: {signal[-1]:.3g}" in fig.description
    # tanh, He: the units carry no offsets, the signal std is the layer std: no series
    ex.update(activation="tanh", weight_init="he_normal", scale=1.0)
    assert not np.isfinite(ex.view.std.sig_a.get_data()[0]).any()
    assert not any(a.get_visible() for a in ex.view.std.key_signal)


def test_a_preview_is_exact_for_its_inputs_and_says_so():
    s = dict(weight_init="random_normal", scale=0.3, activation="tanh", depth=5, width=32,
             batch=256, seed=1)
    acts, g1 = _numpy_passes(**s, inputs=16)
    r = propagate(**s, dtype="float64", inputs=16)
    assert r.preview and r.inputs == 16
    np.testing.assert_allclose(r.activations.signal_std, [_signal_std(a) for a in acts],
                               rtol=1e-9)
    np.testing.assert_allclose(r.activations.std, [np.std(a) for a in acts], rtol=1e-9)
    assert r.gradients.std[0] == pytest.approx(np.std(g1), rel=1e-9)
    assert r.gradients.median_abs[0] == pytest.approx(np.median(np.abs(g1)), rel=1e-9)
    assert not propagate(**s, inputs=256).preview
    with pytest.raises(ValueError, match="inputs"):
        propagate(**s, inputs=257)
    view = widgets.SignalView(blit=True)
    view.update(r)
    assert view.title.get_text().startswith("preview: 16 of 256 inputs")
    static = widgets.SignalView().update(r)
    assert "16 of 256 inputs (a preview)" in static.description
    assert "preview: 16 of 256 inputs" in static.texts[0].get_text()


def test_a_small_preview_draws_no_signal_std_where_only_sampling_makes_the_gap():
    """tanh He units carry no offsets: over 4 inputs a unit's population std is on average
    sqrt(3/4) = 0.87 of its spread, a 13 % gap that is sampling, not signal lost; the panel
    draws the signal std only where it differs from that, as the sigmoid's offsets do."""
    tanh = dict(weight_init="he_normal", scale=1.0, activation="tanh", depth=6, width=256,
                batch=1024, seed=0)
    r = propagate(**tanh, inputs=4)
    ratio = r.activations.signal_std / r.activations.std
    assert np.all(np.abs(ratio - math.sqrt(3 / 4)) < 0.05), ratio  # the sampling gap
    assert np.all(ratio < 1 - std_panel.SIGNAL_GAP)  # beyond the gap alone
    view = widgets.SignalView(blit=True)
    view.update(r)
    assert not view.std.sig_a.get_visible()
    sigmoid = dict(tanh, weight_init="random_normal", scale=0.01, activation="sigmoid")
    view.update(propagate(**sigmoid, dtype="float64", inputs=4))  # offsets: it shows
    assert view.std.sig_a.get_visible()


def test_a_slow_setting_is_previewed_while_dragged_then_refined(monkeypatch):
    """When the whole batch does not fit in FIRST_FRAME (forced here), a drag shows
    previews on the first inputs; once no value has come for `quiet` seconds the last
    value is drawn on the whole batch."""
    ex = widgets.SignalExplorer(depth=4, width=32, batch=256)  # threaded, as in a notebook
    monkeypatch.setattr(signal_module, "FIRST_FRAME", 0.0)  # nothing fits: preview
    ex.coalescer.quiet = 1.0  # a drag: values come faster than that
    n0 = len(ex.frame_profile)
    values = [0.02, 0.03, 0.05, 0.08]
    for v in values:
        ex.controls["scale"].value = v
    assert ex.coalescer.wait(60)
    frames = ex.frame_profile[n0:]
    assert frames[0]["inputs"] == 1 and frames[-1]["inputs"] == 256  # 1: nothing fits
    assert all(f["inputs"] == 1 for f in frames[:-1])
    assert ex.coalescer.refined == 1
    assert ex.frame_settings["scale"] == values[-1] and ex.frame_inputs == 256
    assert "preview" not in ex.status.value
    whole = propagate(**ex.settings())
    np.testing.assert_array_equal(ex.view.result.activations.std, whole.activations.std)


def test_the_preview_size_follows_the_measured_costs():
    """At 50 x 1024 the weight reads alone take ~85 ms of a preview (float32): the inputs
    that fit in the rest of FIRST_FRAME's share, a power of 2 from MIN_PREVIEW up, or else
    one input (matrix-vector products read the weights about twice as fast)."""
    ex = widgets.SignalExplorer(depth=2, width=8, batch=16, threaded=False)
    big = dict(ex.settings(), depth=50, width=1024, batch=1024, dtype="float32")
    ex._view_seconds = 0.01
    fixed = signal_module._fixed_seconds(big, "float32")
    assert fixed == pytest.approx(50 * (4e-4 + 1.3e-9 * 1024 ** 2))
    per_input = signal_module._units(big, 1)
    room = signal_module._PREVIEW_MARGIN * signal_module.FIRST_FRAME - 0.012 - fixed
    for inputs_that_fit, expected in ((10.0, 8), (4.5, 4), (3.9, 1), (1e6, None)):
        ex._unit_seconds = {"float32": (room / (inputs_that_fit * per_input), False)}
        assert ex._preview_inputs(big) == expected, inputs_that_fit
    ex._unit_seconds = {"float32": (room / (3.0 * per_input), False)}
    assert ex._preview_inputs(dict(big, norm="batch")) == 2  # BatchNorm needs two


def test_a_one_input_preview_leaves_the_signal_std_and_dead_units_to_the_batch():
    s = dict(weight_init="he_normal", scale=1.0, activation="relu", depth=4, width=64,
             batch=256, seed=0)
    r = propagate(**s, inputs=1)
    assert r.preview and r.inputs == 1 and np.isnan(r.activations.signal_std).all()
    assert np.isfinite(r.activations.std).all() and np.isfinite(r.gradients.std).all()
    view = widgets.SignalView(blit=True)
    view.update(r)
    assert view.title_r.get_text() == "zero %" and "whole batch" in view.note_r.get_text()
    assert not view.std.sig_a.get_visible()
    static = widgets.SignalView().update(r)
    assert "no signal std from one input" in static.description
    assert "dead units: on the whole batch" in static.description
    status = widgets.SignalExplorer._status_text(r, 0.05)
    assert "no signal std from one input" in status and "dead units" not in status
    assert "exact zeros up to" in status


def test_a_new_value_cancels_the_refine():
    done, gate = [], threading.Event()

    def render(value, cancel):
        done.append(("preview", value))
        return True

    def refine(value, cancel):
        gate.set()
        for _ in range(200):  # a long refine, checking between "layers"
            if cancel():
                raise propagation.Cancelled
            time.sleep(0.005)
        done.append(("whole", value))

    c = widgets.Coalescer(render, refine=refine, quiet=0.05)
    c.submit(1)
    assert gate.wait(10)  # the refine of 1 is under way
    c.submit(2)
    assert c.wait(20)
    assert done == [("preview", 1), ("preview", 2), ("whole", 2)]
    assert c.cancelled == 1 and c.refined == 1


def test_without_threads_the_explorer_draws_at_once_on_the_whole_batch(monkeypatch):
    """Pyodide (JupyterLite) has no threads: threading.Thread.start raises RuntimeError.
    The explorer then draws in the caller, synchronously, on the whole batch."""
    def no_threads(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", no_threads)
    monkeypatch.setattr(signal_module, "FIRST_FRAME", 0.0)  # a thread would preview
    ex = widgets.SignalExplorer(depth=3, width=16, batch=64)
    ex.controls["scale"].value = 0.5
    assert not ex.coalescer.threaded
    assert ex.frame_settings["scale"] == 0.5 and ex.frame_inputs == 64  # drawn already
    ex.controls["depth"].value = 5
    assert ex.view.result.settings["depth"] == 5 and not ex.view.result.preview
    assert ex.coalescer.wait(0)


def test_an_older_preview_is_never_refined_over_a_newer_frame():
    """A preview (render returns True) and, during its quiet period, a value drawn whole
    at once (False): nothing is refined, so the older value never replaces the newer
    frame."""
    done, refined, previewed = [], [], threading.Event()

    def render(value, cancel):
        done.append(value)
        previewed.set()
        return value == 1  # 1 is a preview, 2 is whole

    # a long quiet period, so 2 surely comes within it; a refine of 1 still pending would
    # keep the coalescer busy until it ran, 2 s later, within wait(10)
    c = widgets.Coalescer(render, refine=lambda v, cancel: refined.append(v), quiet=2.0)
    c.submit(1)
    assert previewed.wait(10)
    c.submit(2)
    assert c.wait(10)
    assert done == [1, 2] and refined == []


def test_a_blitted_frame_after_depth_changes_equals_a_fresh_draw():
    """A depth drag redraws only the layer labels over the cached layers: the frame must
    show what a fresh view shows for the same result (no label of an earlier depth left)."""
    from PIL import Image

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)

    dragged = widgets.SignalView(blit=True)
    for depth in (10, 37, 5):
        r = propagate("he_normal", 1.0, "relu", depth, 32, 32)
        dragged.update(r)
        shown = pixels(dragged.render())
    assert dragged.full_draws == 1
    fresh = widgets.SignalView(blit=True)
    fresh.update(r)
    diff = np.abs(shown - pixels(fresh.render())).max(axis=2)
    assert np.mean(diff > 80) < 1e-4, np.argwhere(diff > 80)[:5]


def test_blitted_frames_after_any_change_equal_a_fresh_draw():
    """The live view redraws a changed tick label or word only in its own pixels (over
    the background there, with what else is drawn there): after scale, activation, init and
    depth changes, no word or tick of an earlier frame is left and none is missing."""
    from PIL import Image

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)

    dragged = widgets.SignalView(blit=True)
    steps = [("random_normal", s, "tanh", 6) for s in (0.01, 0.1, 1.0, 10.0, 0.003)] + [
        ("random_normal", 0.3, a, 6) for a in ("relu", "linear", "sigmoid", "leaky_relu")] + [
        ("ones", 0.3, "tanh", 6), ("he_normal", 1.0, "relu", 9), ("glorot_normal", 1.0,
                                                                   "tanh", 3)]
    for init, scale, act, depth in steps:
        r = propagate(init, scale, act, depth, 32, 64, 0)
        dragged.update(r)
        shown = pixels(dragged.render())
        fresh = widgets.SignalView(blit=True)
        fresh.std._lim = dragged.std._lim  # the limits a drag keeps (see StdPanel._limits)
        fresh.update(r)
        diff = np.abs(shown - pixels(fresh.render())).max(axis=2)
        assert np.mean(diff > 80) < 1e-4, (init, scale, act, np.argwhere(diff > 80)[:5])
    assert dragged.full_draws == 1 and dragged.blits == len(steps) - 1


@pytest.mark.parametrize("depth", [1, 10, 37])
@pytest.mark.parametrize("dpi", [100, 150, 192])
def test_histogram_images_are_drawn_as_imshow_draws_them(depth, dpi):
    """render.PixelImage repeats the cells by index: the pixels of matplotlib's own
    nearest-neighbour resampling (an AxesImage from imshow) of the same RGBA rows."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = np.random.default_rng(depth).integers(0, 256, (depth, 41, 4), dtype=np.uint8)
    rows[..., 3] = 255
    drawn = []
    for pixel_image in (False, True):
        fig = Figure(figsize=(9, 4), dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.07, 0.25, 0.17, 0.5))
        extent = (-1.0, 1.0, depth + 0.5, 0.5)
        if pixel_image:
            ax.add_image(widgets.render.PixelImage(ax, interpolation="nearest",
                                                   extent=extent)).set_data(rows)
        else:
            ax.imshow(rows, aspect="auto", interpolation="nearest", extent=extent)
        ax.set_xlim(-1, 1)
        ax.set_ylim(depth + 0.5, 0.5)
        fig.canvas.draw()
        drawn.append(np.asarray(fig.canvas.buffer_rgba()).copy())
    np.testing.assert_array_equal(drawn[0], drawn[1])


# ------------------------------------------------------------------ residual and norm controls
def test_residual_and_norm_controls(explorer):
    c = explorer.controls
    for name in ("residual", "branch_scale", "norm"):
        assert name in c and name in explorer.settings()
    explorer.update(residual=False, norm="none")  # (the fixture is shared: set, not assume)
    assert c["residual"].value is False and c["norm"].value == "none"
    assert c["branch_scale"].disabled  # used only by residual blocks
    for fn in (widgets.signal_explorer, widgets.SignalExplorer, widgets.signal_figure):
        defaults = {k: p.default for k, p in inspect.signature(fn).parameters.items()
                    if k in widgets.SIGNAL_DEFAULTS}
        assert defaults == widgets.SIGNAL_DEFAULTS, fn  # one set of defaults, everywhere
    assert widgets.SIGNAL_DEFAULTS["residual"] is False  # defaults: the plain stack
    assert widgets.SIGNAL_DEFAULTS["norm"] == "none"
    fig = explorer.update(residual=True, norm="layer", activation="relu",
                          weight_init="he_normal", scale=1.0, branch_scale=1.0)
    assert not c["branch_scale"].disabled
    titles = [ax.get_title() for ax in fig.axes]
    assert "residual stream" in titles and "branch dead % (zero %)" in titles
    assert explorer.frame_settings["norm"] == "layer"
    assert "residual (branch scale 1), LayerNorm" in explorer.status.value
    assert "stream std" in explorer.status.value
    assert "LayerNorm" in repr(explorer)
    explorer.update(norm="none", branch_scale=0.5)  # He ReLU branches: a theory line
    assert "(theory " in explorer.status.value
    explorer.update(residual=False, norm="batch")
    assert c["branch_scale"].disabled
    assert "activations" in [ax.get_title() for ax in explorer.view.fig.axes]
    explorer.update(norm="none", branch_scale=1.0, activation="tanh",
                    weight_init="random_normal", scale=0.01)  # the fixture's settings again


@pytest.mark.parametrize("bad, error, match", [
    (dict(residual="on"), TypeError, "residual must be True or False"),
    (dict(norm="group"), ValueError, "norm must be one of 'none', 'layer', 'batch'"),
    (dict(branch_scale=0.0), ValueError, "branch_scale"),
    (dict(branch_scale="1"), TypeError, "branch_scale"),
])
def test_bad_residual_or_norm_settings_raise_and_change_nothing(explorer, bad, error, match):
    before = explorer.settings()
    with pytest.raises(error, match=match):
        explorer.update(**bad)
    assert explorer.settings() == before


def test_static_figure_with_residual_and_norm_says_so():
    fig = widgets.signal_figure("he_normal", 1.0, "relu", depth=6, width=32, batch=32,
                                residual=True, branch_scale=0.5, norm="batch")
    assert "residual (branch scale 0.5), BatchNorm" in fig.description
    assert "histograms of the residual stream x and of the gradients dL/dx" in fig.description
    fig = widgets.signal_figure("he_normal", 1.0, "relu", depth=6, width=32, batch=32,
                                residual=True, branch_scale=0.5)
    assert "(theory " in fig.description  # stream_variance_growth

"""Lesson 08 beyond the mean-field maps: Jacobians (finite differences), orthogonal weights,
Saxe's and Pennington's trends, the trainability experiment (a reduced rerun of
scripts/lesson08_experiments.py against its stored result), the figures, the live phase
diagram and the exercises."""

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest

from initviz import exercises, mean_field
from initviz.deep_linear import epochs_to_loss
from initviz.jacobians import input_output_jacobian, singular_values, spread
from initviz.random_networks import random_network
from initviz.trainability import TrainabilityGrid, trainability_grid, trainable_depth

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "notebooks" / "data"


def _readability():
    spec = importlib.util.spec_from_file_location(
        "figure_readability", Path(__file__).with_name("test_figure_readability.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.problems


# ----------------------------------------------------------------------------- Jacobians
@pytest.mark.parametrize("act", ["tanh", "relu", "sigmoid", "linear"])
def test_jacobian_against_central_finite_differences(act):
    net = random_network(act, 1.7, 0.1, depth=4, width=7, rng=3)
    x = np.random.default_rng(4).standard_normal(7)
    J = input_output_jacobian(net, x)
    h = 1e-6
    fd = np.column_stack([
        (net.trace((x + h * e)[None]).pre_activations[-1][0]
         - net.trace((x - h * e)[None]).pre_activations[-1][0]) / (2 * h) for e in np.eye(7)])
    assert J == pytest.approx(fd, abs=1e-7)


def test_orthogonal_linear_network_is_an_isometry():
    net = random_network("linear", 1.0, 0.0, depth=16, width=32, weights="orthogonal", rng=0)
    s = singular_values(net, np.random.default_rng(0).standard_normal((2, 32)))
    assert s == pytest.approx(np.ones_like(s), abs=1e-10)
    assert spread(s) == pytest.approx((1.0, 1.0))


def _spread(act, w2, b2, weights, depth, width=64, seeds=2):
    q = mean_field.fixed_point(act, w2, b2)
    q = q if 0 < q < math.inf else 1.0
    s = [singular_values(random_network(act, w2, b2, depth, width, weights=weights, rng=seed),
                         np.random.default_rng(seed).standard_normal((1, width)) * math.sqrt(q))
         for seed in range(seeds)]
    return spread(np.concatenate(s, axis=None))[1]


def test_pennington_dynamical_isometry_trend():
    # orthogonal tanh at its critical point (small q*) stays near-isometric with depth;
    # Gaussian weights, and ReLU with orthogonal weights, spread out
    w2, b2 = mean_field.critical_sigma_w2("tanh", 1e-4), 1e-4
    orth = [_spread("tanh", w2, b2, "orthogonal", d) for d in (4, 32)]
    gauss = [_spread("tanh", w2, b2, "gaussian", d) for d in (4, 32)]
    relu_orth = _spread("relu", 2.0, 0.0, "orthogonal", 32)
    assert orth[1] < 2.0
    assert gauss[1] > 1.5 * gauss[0] and gauss[1] > 2 * orth[1]
    assert relu_orth > 2 * orth[1]


def test_stored_jacobians_show_the_same_trend():
    jac = json.loads((DATA / "lesson08_jacobians.json").read_text())
    cfg = jac["configs"]
    for name in ("linear, gaussian", "relu, gaussian", "tanh, gaussian"):
        assert cfg[name]["max_over_rms"][-1] > 2 * cfg[name]["max_over_rms"][0]
    assert max(cfg["linear, orthogonal"]["max_over_rms"]) == pytest.approx(1.0, abs=1e-3)
    assert cfg["tanh, orthogonal"]["max_over_rms"][-1] < cfg["tanh, gaussian"]["max_over_rms"][-1] / 3


# ----------------------------------------------------------------------------- Saxe
@pytest.mark.slow
def test_saxe_orthogonal_training_time_does_not_blow_up_with_depth():
    rng = lambda d: np.random.default_rng([0, d, 0])  # noqa: E731
    orth = {d: epochs_to_loss(d, "orthogonal", max_epochs=1500, rng=rng(d)) for d in (2, 8)}
    gauss8 = epochs_to_loss(8, "gaussian", max_epochs=1500, rng=rng(8))
    assert orth[2] is not None and orth[8] is not None
    assert orth[8] < 4 * orth[2]
    assert gauss8 is None or gauss8 > 2 * orth[8]


def test_stored_saxe_result():
    saxe = json.loads((DATA / "lesson08_saxe.json").read_text())
    cap = saxe["max_epochs"]
    med = {w: [np.median([cap if v is None else v for v in r]) for r in runs]
           for w, runs in saxe["epochs"].items()}
    assert all(v < cap for v in med["orthogonal"])
    assert med["orthogonal"][-1] < 8 * med["orthogonal"][0]       # 32x deeper
    assert med["gaussian"][-1] >= 3 * med["orthogonal"][-1]


# ----------------------------------------------------------------------------- trainability
def test_stored_trainability_agrees_with_six_xi_c_in_kind():
    grid = TrainabilityGrid.from_dict(json.loads((DATA / "lesson08_trainability.json").read_text()))
    deepest = trainable_depth(grid)
    crit = int(np.argmax(grid.six_xi_c))
    assert deepest[crit] == deepest.max()                          # widest at the edge
    ratio = deepest / grid.six_xi_c
    assert np.all(ratio <= 1.5)                                     # nothing trains far beyond 6 xi_c
    assert np.all(ratio[grid.six_xi_c < 60] >= 0.3)                 # within a factor ~3 below


@pytest.mark.slow
def test_reduced_trainability_rerun_agrees_with_the_stored_one():
    grid = trainability_grid([0.8, 1.76, 4.0], [6, 36], epochs=4, rng=0)
    acc = grid.accuracy
    assert acc[:, 0].min() > 0.4                                    # shallow: all train
    assert acc[1, 1] > acc[0, 1] + 0.2 and acc[1, 1] > acc[2, 1] + 0.2   # deep: only critical
    stored = TrainabilityGrid.from_dict(
        json.loads((DATA / "lesson08_trainability.json").read_text()))
    i = [list(np.round(stored.sigma_w2s, 2)).index(w) for w in (1.76,)]
    assert stored.accuracy[i[0], list(stored.depths).index(36)] > 0.5


# ----------------------------------------------------------------------------- width study
def _script():
    spec = importlib.util.spec_from_file_location(
        "lesson08_experiments", ROOT / "scripts" / "lesson08_experiments.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_stored_width_study_agrees_with_the_theory_in_every_phase():
    # Poole et al. 2016 (Figure 2): finite networks follow the maps. The stored means over
    # networks must sit within 3 standard errors (+0.005) of the theory at every width, in
    # the chaotic phase too, and the stored theory is recomputed here from the maps.
    study = json.loads((DATA / "lesson08_width.json").read_text())
    assert set(study["phases"]) == {"ordered", "critical", "chaotic"}
    for name, phase in study["phases"].items():
        _, c_t = mean_field.trajectory("tanh", phase["sigma_w2"], study["sigma_b2"],
                                       study["depth"], q0=1.0, c0=study["c0"])
        chi1 = mean_field.chi1("tanh", phase["sigma_w2"], study["sigma_b2"])
        assert {"ordered": chi1 < 0.9, "critical": abs(chi1 - 1) < 1e-5,
                "chaotic": chi1 > 1.1}[name]
        for row in phase["rows"]:
            assert row["theory"] == pytest.approx(c_t[-1], abs=1e-5)
            assert abs(row["mean"] - row["theory"]) <= 3 * row["sem"] + 0.005, (name, row)
    # the spread between networks is what shrinks with width (~1 / sqrt(width))
    for name in ("critical", "chaotic"):
        std = [r["std"] for r in study["phases"][name]["rows"]]
        assert std[-1] < std[0] / 1.8


def test_reduced_width_rerun_matches_the_theory_in_the_chaotic_phase():
    result = _script().width(widths={256: 12}, phases={"chaotic": 3.0})
    row = result["phases"]["chaotic"]["rows"][0]
    assert row["networks"] == 12 and row["theory"] == pytest.approx(0.2963, abs=1e-3)
    assert abs(row["mean"] - row["theory"]) <= 3 * row["sem"] + 0.005


# ----------------------------------------------------------------------------- figures
def _figures():
    from initviz.plots import signal_propagation as sp
    from initviz.widgets.phase_diagram import phase_figure

    jac = json.loads((DATA / "lesson08_jacobians.json").read_text())
    grid = TrainabilityGrid.from_dict(json.loads((DATA / "lesson08_trainability.json").read_text()))
    return {
        "phase": lambda: sp.plot_phase_diagram({"He": ("relu", 2.0, 0.0)}, title="phases"),
        "cmap": lambda: sp.plot_correlation_map("tanh", 3.0, 0.05, title="chaotic"),
        "sv": lambda: sp.plot_singular_values(
            {k: v["singular_values"] for k, v in jac["configs"].items()}, title="depth 128"),
        "time": lambda: sp.plot_training_time([2, 4], {"a": [[5, None], [6, 7]]}, 10, title="t"),
        "grid": lambda: sp.plot_trainability(grid, title="grid"),
        "explorer tanh": lambda: phase_figure("tanh", 3.0, 0.05),
        "explorer relu overflow": lambda: phase_figure("relu", 4.0, 1.0),
        "explorer sigmoid": lambda: phase_figure("sigmoid", 2.0, 0.5),
    }


@pytest.mark.parametrize("name", sorted(["phase", "cmap", "sv", "time", "grid", "explorer tanh",
                                         "explorer relu overflow", "explorer sigmoid"]))
def test_lesson08_figures_are_readable_and_described(name):
    fig = _figures()[name]()
    assert _readability()(fig) == []
    assert len(fig.description) > 40


def test_live_phase_diagram_updates_and_rejects_bad_settings():
    from initviz.widgets.phase_diagram import PhaseExplorer, phase_explorer

    ex = PhaseExplorer(threaded=False)
    first = ex.image.value
    ex.update(sigma_w2=3.0)
    assert ex.image.value != first and "chaotic" in ex.fig.description
    ex.update(activation="relu", sigma_w2=2.0, sigma_b2=0.0)
    assert "critical" in ex.fig.description
    with pytest.raises(ValueError, match="activation"):
        ex.update(activation="gelu")
    with pytest.raises(TypeError, match="unknown settings"):
        ex.update(depth=3)
    with pytest.raises(ValueError, match="sigma_w2"):
        phase_explorer("tanh", 0.0, 0.1)


def test_live_phase_diagram_blits_what_a_full_draw_shows():
    # the live view redraws only its data over a cached background (a palette PNG); the
    # frame must match a figure drawn in full at the same settings (mean error ~1/255)
    import io

    from PIL import Image

    from initviz.widgets.phase_diagram import PhaseExplorer, PhaseView
    from initviz.widgets.render import LIVE_DPI

    ex = PhaseExplorer(threaded=False)
    ex.update(sigma_w2=3.0)
    ex.update(activation="sigmoid", sigma_b2=0.5)
    assert ex.view.full_draws == 1 and ex.view.blits == 2
    full = PhaseView(LIVE_DPI)
    full.update("sigmoid", 3.0, 0.5)
    a, b = (np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)
            for png in (ex.image.value, full.render()))
    assert a.shape == b.shape and np.abs(a - b).mean() < 2.0
    assert "σ_w² ≥ 10" in ex.view.off_plane.get_text()   # sigmoid's line: off the plane


# ----------------------------------------------------------------------------- exercises
def test_lesson08_exercises_accept_the_answers_and_name_the_mistakes():
    assert exercises.check("08.1", 0.4).correct
    assert "half" in exercises.check("08.1", -0.2).message
    assert exercises.check("08.2", -1 / math.log(0.9)).correct
    assert "6 xi_c" in exercises.check("08.2", -6 / math.log(0.9)).message

    def good(n, rng):
        q, r = np.linalg.qr(rng.standard_normal((n, n)))
        return q * np.sign(np.diag(r))

    def no_sign_fix(n, rng):
        return np.linalg.qr(rng.standard_normal((n, n)))[0]

    assert exercises.check("08.3", good).correct
    assert "sign" in exercises.check("08.3", no_sign_fix).message
    assert not exercises.check("08.3", lambda n, rng: rng.standard_normal((n, n))).correct
    assert exercises.check("08.3", None).correct is None
    assert exercises.check("08.4", "b").correct
    assert not exercises.check("08.4", "a").correct

"""Lesson 10's figures (initviz/plots/scaling.py) against the size rule of
tests/test_figure_readability.py (text >= 10 pt, >= 150 effective dpi, labelled axes, no
overlaps) and with a description that carries their key numbers."""

import math

import numpy as np
import pytest

from initviz.plots import scaling
from initviz.transformer_stats import attention_sweep, residual_std_theory
from initviz.width import CoordCheck, LRTransfer

def _load_readability_checks():
    """tests/test_figure_readability.py's checks (importlib mode: load it by path)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).with_name("test_figure_readability.py")
    spec = importlib.util.spec_from_file_location("_figure_readability", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.problems


problems = _load_readability_checks()


def _coord(p, grow):
    widths = [64, 128, 256]
    l1 = [[[1.0, 1.0, 1.0]] * 3, [[1.0, 1.0 * g, 1.0 * g * g] for g in (1, grow, grow ** 2)]]
    return CoordCheck(p, widths, 0.01, ["hidden 1", "hidden 2", "output"], l1)


def _sweep(p, shift):
    lrs = [1e-4, 1e-3, 1e-2, 1e-1]
    loss = [[2.0, 1.0, 0.5, math.nan], [1.5, 0.4 if shift else 0.8, 0.3 if not shift else 2.0,
                                        math.nan]]
    return LRTransfer(p, [64, 256], lrs, 1, 64, loss)


FIGURES = {
    "attention": lambda: scaling.plot_attention_vs_dk(
        attention_sweep([4, 16, 64], True), attention_sweep([4, 16, 64], False),
        title="one head at initialization"),
    "residual": lambda: scaling.plot_residual_stream(
        {"no scaling": np.sqrt(np.arange(1, 10)) * 0.1,
         "scaled": np.full(9, 0.1)},
        {"no scaling": residual_std_theory(64, 8, 16, False),
         "scaled": residual_std_theory(64, 8, 16, True)},
        depths=[1, 2, 4, 8], finals={"no scaling": [0.1, 0.14, 0.2, 0.28],
                                     "scaled": [0.1] * 4}, title="GPT-2 init"),
    "residual (one panel)": lambda: scaling.plot_residual_stream(
        {"a": [1.0, 1.4]}, {"a": ([1.0, 1.3], [1.0, 1.5])}),
    "coord": lambda: scaling.plot_coord_check(_coord("standard", 2.0), _coord("mup", 1.0),
                                              title="coordinate check"),
    "lr": lambda: scaling.plot_lr_transfer(_sweep("standard", True), _sweep("mup", False),
                                           title="learning-rate transfer"),
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_lesson10_figures_are_readable_and_described(name):
    fig = FIGURES[name]()
    assert problems(fig) == []
    assert fig.description and any(ch.isdigit() for ch in fig.description)


def test_every_lesson10_figure_function_is_checked():
    assert {f.__name__ for f in (scaling.plot_attention_vs_dk, scaling.plot_residual_stream,
                                 scaling.plot_coord_check, scaling.plot_lr_transfer)} \
        == set(scaling.__all__)


def test_descriptions_quote_the_measured_numbers():
    fig = FIGURES["lr"]()
    assert "best rate from 0.01 at width 64 to 0.001 at width 256" in fig.description
    fig = FIGURES["coord"]()
    assert "hidden 2 x4, output x16" in fig.description and "output x1." in fig.description

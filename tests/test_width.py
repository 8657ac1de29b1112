"""Tests for initviz.width (lesson 10): the coordinate check's trend (grows with width in SP,
flat in muP: Yang et al. 2022, figure 5's check), learning-rate transfer in a reduced run of
scripts/lesson10_width.py agreeing in kind with the stored result the notebook reads."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from initviz import datasets
from initviz.width import CoordCheck, LRTransfer, coord_check, load_results, save_results

ROOT = Path(__file__).resolve().parents[1]
STORED = ROOT / "notebooks" / "data" / "lesson10_width.json"


@pytest.fixture(scope="module")
def digits():
    return datasets.load_digits()


def test_coord_check_grows_with_width_in_sp_and_stays_flat_in_mup(digits):
    X, y = digits
    sp = coord_check(X, y, [64, 512], "standard", steps=3, seeds=(0,))
    mup = coord_check(X, y, [64, 512], "mup", steps=3, seeds=(0,))
    # at initialization both are He-initialized: every layer's size is width-independent
    np.testing.assert_allclose(sp.at_step(0)[:, :2], mup.at_step(0)[:, :2])
    assert np.all(np.abs(np.log(sp.growth(0)[:2])) < 0.15)
    # after 3 Adam steps: SP's hidden-2 and output layers grew with width (Adam's ~lr steps
    # add up over n inputs); muP's did not
    assert sp.growth()[1] > 1.5 and sp.growth()[2] > 3
    assert np.all(mup.growth() < 1.3)
    # the first layer's fan_in is the data's 64 pixels in both: no growth
    assert abs(math.log(sp.growth()[0])) < 0.2


@pytest.mark.slow
def test_the_reduced_run_agrees_in_kind_with_the_stored_result(tmp_path):
    import runpy

    script = runpy.run_path(str(ROOT / "scripts" / "lesson10_width.py"))
    out = tmp_path / "quick.json"
    script["main"](["--quick", "--out", str(out)])
    quick, stored = load_results(out), load_results(STORED)
    for results in (quick, stored):
        sp, mup = results["lr_standard"], results["lr_mup"]
        # SP: the best rate falls with width; muP: it stays within a factor of 10^0.5
        assert sp.best_lrs()[-1] < sp.best_lrs()[0]
        assert abs(math.log10(mup.best_lrs()[-1] / mup.best_lrs()[0])) <= 0.5 + 1e-9
        assert results["coord_standard"].growth()[-1] > 3
        assert results["coord_mup"].growth()[-1] < 1.3
    assert stored["coord_standard"].widths[-1] == 2048


def test_save_and_load_round_trip_with_nan(tmp_path):
    c = CoordCheck("mup", [8, 16], 0.01, ["hidden 1", "output"], [[[1.0, 2.0], [1.5, 2.5]]])
    r = LRTransfer("standard", [8], [0.1, 1.0], 2, 16, [[0.5, math.nan]])
    save_results(tmp_path / "r.json", coord=c, sweep=r)
    assert json.loads((tmp_path / "r.json").read_text())["sweep"]["loss"] == [[0.5, None]]
    back = load_results(tmp_path / "r.json")
    assert back["coord"] == c
    assert back["sweep"].loss[0][0] == 0.5 and math.isnan(back["sweep"].loss[0][1])
    assert back["sweep"].best_lrs().tolist() == [0.1]


def test_bad_arguments_raise(digits):
    X, y = digits
    with pytest.raises(ValueError, match="parametrization"):
        coord_check(X, y, [8], "ntk")
    with pytest.raises(ValueError, match="lr"):
        coord_check(X, y, [8], "mup", lr=0.0)

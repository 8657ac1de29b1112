"""Lesson 09's training experiment: the reduced rerun of scripts/lesson09_deep_training.py
agrees in kind with the stored full run the notebook reads."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STORED = ROOT / "notebooks" / "data" / "lesson09_deep_training.json"


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("lesson09") / "quick.json"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "lesson09_deep_training.py"),
                    "--quick", "--out", str(out)], check=True, capture_output=True)
    return json.loads(out.read_text())


@pytest.mark.slow
@pytest.mark.parametrize("which", ["quick", "stored"])
def test_results_agree_in_kind(which, quick):
    r = quick if which == "quick" else json.loads(STORED.read_text())
    res, plain = r["residual"], r["plain"]
    assert set(res) == {"He, scale 1", "1/sqrt(L) scale", "SkipInit/ReZero", "Fixup",
                        "zero last layer", "BatchNorm", "BatchNorm, last gain 0", "LayerNorm"}
    L = r["settings"]["n_blocks"]
    # He branches double the stream per block: 2^L up to the sampling noise of one network
    assert math.log2(res["He, scale 1"]["stream_growth"]) == pytest.approx(L, abs=0.15 * L)
    assert res["He, scale 1"]["diverged_at"] == 0
    assert res["1/sqrt(L) scale"]["stream_growth"] < 2 * math.e
    # Fixup's zero output layer: the loss at initialization is ln 10 exactly
    assert res["Fixup"]["initial_loss"] == pytest.approx(math.log(10), abs=1e-9)
    for name in ("1/sqrt(L) scale", "SkipInit/ReZero", "Fixup", "zero last layer",
                 "LayerNorm"):
        assert res[name]["diverged_at"] is None
        assert res[name]["loss"][-1] < 0.7 * math.log(10), name
    # identity starts: every block the identity, the stream unchanged
    for name in ("SkipInit/ReZero", "zero last layer", "BatchNorm, last gain 0"):
        assert res[name]["stream_growth"] == pytest.approx(1.0)
    # plain deep ReLU net: Xavier stalls at ln 10 (lesson 05); LSUV scales every layer to 1
    assert abs(plain["Xavier"]["loss"][-1] - math.log(10)) < 0.01
    assert max(plain["LSUV"]["lsuv_iterations"]) <= 10

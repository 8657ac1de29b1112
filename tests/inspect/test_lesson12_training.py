"""Lesson 12's training comparison: the reduced rerun of scripts/lesson12_keras_training.py
agrees in kind with the stored full run the notebook reads, and the notebook shows the model
and the training lines the script runs."""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "lesson12_keras_training.py"
STORED = ROOT / "notebooks" / "data" / "lesson12_keras_training.json"
NOTEBOOK = ROOT / "notebooks" / "12_your_own_keras_network.ipynb"


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    if importlib.util.find_spec("keras") is None or importlib.util.find_spec("torch") is None:
        pytest.skip("Keras and PyTorch are not installed")
    out = tmp_path_factory.mktemp("lesson12") / "quick.json"
    subprocess.run([sys.executable, str(SCRIPT), "--quick", "--out", str(out)], check=True,
                   capture_output=True)
    return json.loads(out.read_text())


@pytest.mark.slow
@pytest.mark.parametrize("which", ["quick", "stored"])
def test_results_agree_in_kind(which, request):
    r = request.getfixturevalue("quick") if which == "quick" else json.loads(STORED.read_text())
    epochs = r["settings"]["epochs"]
    runs = r["runs"]
    assert set(runs) == {"glorot_uniform", "he_normal"}
    for run in runs.values():
        assert len(run["loss"]) == len(run["test_accuracy"]) == epochs
        assert all(b < a for a, b in zip(run["loss"], run["loss"][1:]))  # SGD makes progress
        assert run["loss"][0] < math.log(10) + 0.1  # a start near ln 10, no divergence
        assert run["test_accuracy"][-1] > 0.5  # far above chance (0.1)
    # He keeps the second moment through the ReLU layers, glorot_uniform halves it per layer
    # (lesson 12): the fixed model's loss is below the default's at every epoch
    assert all(h < g for g, h in zip(runs["glorot_uniform"]["loss"], runs["he_normal"]["loss"]))


def _notebook_code():
    nbformat = pytest.importorskip("nbformat")
    return [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells]


def test_the_notebook_shows_what_the_script_runs():
    script = {line.strip() for line in SCRIPT.read_text().splitlines()}
    sources = _notebook_code()
    make = next(s for s in sources if s.startswith("def make_keras("))
    body = []
    for line in make.splitlines()[1:]:
        if line and not line.startswith(" "):
            break  # the end of the function
        body.append(line.strip())
    assert all(line in script for line in body if line), "make_keras differs from the script's"
    small = next(s for s in sources if s.startswith("small = "))
    assert '"truncated_normal",' in small and "seed=SEED)" in small
    shown = next(s for s in sources if s.startswith("## Train both with `fit`"))
    code = shown.split("```python\n")[1].split("```")[0]
    assert all(line.strip() in script for line in code.splitlines() if line.strip())
    assert any("lesson12_keras_training.json" in s for s in sources)

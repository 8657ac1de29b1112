"""Lessons 11 (PyTorch) and 12 (Keras) and their solutions notebooks, as stored: every exercise
unanswered in the lesson and answered correctly in the solutions, the frameworks loaded through
``initviz.inspect.require`` (a student without them gets one line, not a traceback; it sets
KERAS_BACKEND=torch itself), no error output, slide metadata on every cell, and the claims the
text makes about the stored numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from initviz import exercises

nbformat = pytest.importorskip("nbformat")
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
LESSONS = {
    11: dict(lesson=NOTEBOOKS / "11_your_own_network.ipynb",
             solutions=NOTEBOOKS / "solutions" / "11_your_own_network_solutions.ipynb",
             require='require("torch")', default="report = ", fixed="report_fixed = ",
             flag="[pytorch-default-init]", vanishing=True, ratio=(1 / 6) ** 0.5),
    12: dict(lesson=NOTEBOOKS / "12_your_own_keras_network.ipynb",
             solutions=NOTEBOOKS / "solutions" / "12_your_own_keras_network_solutions.ipynb",
             require='require("torch", "keras")', default="k_report = ",
             fixed="k_fixed_report = ", flag="[glorot-with-relu]", vanishing=False,
             ratio=(1 / 2) ** 0.5),
}
NOTEBOOK_PATHS = [(n, kind) for n in LESSONS for kind in ("lesson", "solutions")]


def _cells(path):
    """(source, stored text output, output types) of every code cell."""
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            text = "".join(o.get("text", "") if o.output_type == "stream"
                           else o.get("data", {}).get("text/plain", "") for o in cell.outputs)
            yield cell.source, text, {o.output_type for o in cell.outputs}


@pytest.mark.parametrize("number", LESSONS)
def test_lesson_leaves_every_exercise_unanswered(number):
    cells = list(_cells(LESSONS[number]["lesson"]))
    for exercise in exercises.exercise_ids(number):
        found = [out for src, out, _ in cells if f'exercises.check("{exercise}"' in src]
        assert len(found) == 1 and found[0].startswith(f"Not answered yet ({exercise}): ")


@pytest.mark.parametrize("number", LESSONS)
def test_solutions_answer_every_exercise(number):
    outputs = "\n".join(out for _, out, _ in _cells(LESSONS[number]["solutions"]))
    for exercise in exercises.exercise_ids(number):
        assert f"Correct ({exercise}): " in outputs
    assert "Not yet (" not in outputs and "Not answered yet (" not in outputs


@pytest.mark.parametrize("number, kind", NOTEBOOK_PATHS,
                         ids=[f"{n}-{kind}" for n, kind in NOTEBOOK_PATHS])
def test_frameworks_come_through_require_and_nothing_failed(number, kind):
    path = LESSONS[number][kind]
    cells = list(_cells(path))
    assert LESSONS[number]["require"] in cells[0][0]
    assert not any("import torch" in src or "import keras" in src or "environ" in src
                   for src, _, _ in cells)
    assert all("error" not in kinds for _, _, kinds in cells)
    for cell in nbformat.read(path, as_version=4).cells:
        assert "slide_type" in cell.metadata.get("slideshow", {})


@pytest.mark.parametrize("number", LESSONS)
def test_the_stored_reports_say_what_the_text_says(number):
    spec = LESSONS[number]
    text = {src.split("\n")[0]: out for src, out, _ in _cells(spec["lesson"])}
    default = next(out for src, out in text.items() if src.startswith(spec["default"]))
    fixed = next(out for src, out in text.items() if src.startswith(spec["fixed"]))
    assert default.count(spec["flag"]) == 3
    assert ("[vanishing-signal]" in default) == spec["vanishing"]
    assert "flags: none" in fixed and "he_normal" in fixed
    ratios = next(out for src, out in text.items() if src.startswith("relus = "))
    values = [float(v) for v in re.search(r"ratios: (.*)\n", ratios).group(1).split()]
    # PyTorch's default: sqrt(1/6) = 0.408 per layer; Keras' glorot_uniform: sqrt(1/2) = 0.707
    assert all(abs(v - spec["ratio"]) < 0.05 for v in values)

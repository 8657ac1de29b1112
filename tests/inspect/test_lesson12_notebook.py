"""Lesson 12 (Keras) and its solutions notebook, as stored: every exercise unanswered in the
lesson and answered correctly in the solutions, Keras loaded through ``initviz.inspect.require``
(which sets KERAS_BACKEND=torch itself; a student without Keras gets one line, not a traceback),
no error output, slide metadata on every cell, and the claims the text makes about the stored
numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from initviz import exercises

nbformat = pytest.importorskip("nbformat")
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
LESSON = NOTEBOOKS / "12_your_own_keras_network.ipynb"
SOLUTIONS = NOTEBOOKS / "solutions" / "12_your_own_keras_network_solutions.ipynb"


def _cells(path):
    """(source, stored text output, output types) of every code cell."""
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            text = "".join(o.get("text", "") if o.output_type == "stream"
                           else o.get("data", {}).get("text/plain", "") for o in cell.outputs)
            yield cell.source, text, {o.output_type for o in cell.outputs}


def test_lesson_leaves_every_exercise_unanswered():
    cells = list(_cells(LESSON))
    for exercise in exercises.exercise_ids(12):
        found = [out for src, out, _ in cells if f'exercises.check("{exercise}"' in src]
        assert len(found) == 1 and found[0].startswith(f"Not answered yet ({exercise}): ")


def test_solutions_answer_every_exercise():
    outputs = "\n".join(out for _, out, _ in _cells(SOLUTIONS))
    for exercise in exercises.exercise_ids(12):
        assert f"Correct ({exercise}): " in outputs
    assert "Not yet (" not in outputs and "Not answered yet (" not in outputs


@pytest.mark.parametrize("path", [LESSON, SOLUTIONS], ids=["lesson", "solutions"])
def test_keras_comes_through_require_and_nothing_failed(path):
    cells = list(_cells(path))
    assert 'require("torch", "keras")' in cells[0][0]
    assert not any("import torch" in src or "import keras" in src or "environ" in src
                   for src, _, _ in cells)
    assert all("error" not in kinds for _, _, kinds in cells)
    for cell in nbformat.read(path, as_version=4).cells:
        assert "slide_type" in cell.metadata.get("slideshow", {})


def test_the_stored_reports_say_what_the_text_says():
    text = {src.split("\n")[0]: out for src, out, _ in _cells(LESSON)}
    default = next(out for src, out in text.items() if src.startswith("k_report = "))
    fixed = next(out for src, out in text.items() if src.startswith("k_fixed_report = "))
    assert default.count("[glorot-with-relu]") == 3 and "[vanishing-signal]" not in default
    assert "flags: none" in fixed and "he_normal" in fixed
    ratios = next(out for src, out in text.items() if src.startswith("relus = "))
    values = [float(v) for v in re.search(r"ratios: (.*)\n", ratios).group(1).split()]
    assert all(abs(v - (1 / 2) ** 0.5) < 0.05 for v in values)  # sqrt(1/2) = 0.707

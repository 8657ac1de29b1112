"""Lesson 09's notebooks: every exercise left unanswered in the lesson, answered correctly in
its solutions notebook; the stored training results the lesson reads are the script's."""

import json
from pathlib import Path

import pytest

from initviz import exercises

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _code_outputs(path):
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            yield cell.source, "".join(
                o.get("text", "") if o.output_type == "stream"
                else o.get("data", {}).get("text/plain", "") for o in cell.outputs)


def test_lesson_leaves_every_exercise_unanswered():
    cells = list(_code_outputs(NOTEBOOKS / "09_deep_networks.ipynb"))
    for exercise in exercises.exercise_ids(9):
        found = [out for src, out in cells if f'exercises.check("{exercise}"' in src]
        assert len(found) == 1, exercise
        assert f"Not answered yet ({exercise}): " in found[0], found[0][:200]


def test_solutions_answer_every_exercise():
    path = NOTEBOOKS / "solutions" / "09_deep_networks_solutions.ipynb"
    outputs = "\n".join(out for _, out in _code_outputs(path))
    for exercise in exercises.exercise_ids(9):
        assert f"Correct ({exercise}): " in outputs, exercise
    assert "Not yet (" not in outputs and "Not answered yet (" not in outputs


def test_every_cell_has_slide_metadata_and_the_lesson_reads_the_stored_results():
    nbformat = pytest.importorskip("nbformat")
    for path in (NOTEBOOKS / "09_deep_networks.ipynb",
                 NOTEBOOKS / "solutions" / "09_deep_networks_solutions.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            assert cell.metadata["slideshow"]["slide_type"] in ("slide", "subslide", "fragment")
    stored = json.loads((NOTEBOOKS / "data" / "lesson09_deep_training.json").read_text())
    assert stored["settings"]["n_blocks"] == 50
    source = "".join(c.source for c in nbformat.read(NOTEBOOKS / "09_deep_networks.ipynb", 4).cells)
    assert "data/lesson09_deep_training.json" in source

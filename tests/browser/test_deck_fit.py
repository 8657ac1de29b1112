"""Every slide of every offline deck fits a 16:9 projector (1280 x 720).

Each deck (`make slides`, built once per session) is opened at 1280 x 720 and every slide is
shown with all its fragments (slide_fit.js, run by pagecheck.py): its content may not be
taller or wider than the deck, no element may reach past the bottom or right edge of the
screen, and no box may cut its content (a scrolled slide, code clipped by its editor, a table
in a scroll area). The deck's own fitting (scripts/templates/initviz_slides/fit.js) has run
first: wide code and tables shrink a little, figures get shorter together.

A slide that still does not fit holds too much for one slide: the failure names it by its
address in the deck (#/h/v, as in the deck's URL), its notebook cells (index and id) and the
first cell that ends below the screen; a `subslide` break belongs at or before it. Screenshots of those slides and of each deck's fullest slide
are in test-artifacts/browser/deck-fit/, with every measurement in <lesson>.json.
"""

from __future__ import annotations

import json

import pytest

import labdriver as ld
import pagecheck as pc

LESSONS = ld.lessons()
pytestmark = pytest.mark.skipif(not LESSONS, reason="no notebooks/NN_*.ipynb yet")


def _where(slide: dict, cells: dict[str, int], height: int) -> str:
    """The slide's cells as notebook index (id), and the first one that ends below the deck."""
    text = "cells " + ", ".join(f"{cells.get(c['id'], '?')} ({c['id']})" for c in slide["cells"])
    over = next((c for c in slide["cells"] if c["top"] + c["height"] > height), None)
    if over is not None:
        text += f"; cell {cells.get(over['id'], '?')} ({over['id']}) ends below the screen"
    return text


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem[:2] for p in LESSONS])
def test_every_slide_fits_a_16_9_screen(lesson, deck_reports, artifacts):
    name = f"{lesson.stem}.slides.html"
    report = deck_reports[name]
    assert "error" not in report, f"{name}: the check failed:\n{report['error']}"
    fit = report["fit"]
    (artifacts / "deck-fit" / f"{lesson.stem}.json").write_text(json.dumps(fit, indent=1))
    assert (fit["width"], fit["height"]) == (1280, 720), \
        f"{name} is laid out at {fit['width']} x {fit['height']}, not 1280 x 720"
    assert fit["slides"], f"{name}: no slides"
    cells = pc.cell_indices(lesson)
    failures = [
        f"{lesson.name} slide #/{s['h']}/{s['v']} \"{s['title']}\": " + "; ".join(s["problems"])
        + ". " + _where(s, cells, fit["height"])
        for s in fit["slides"] if s["problems"]]
    assert not failures, (
        f"{len(failures)} of {len(fit['slides'])} slides do not fit 1280 x 720 (a slide that "
        "holds too much needs a subslide break in the notebook, at or before the cell "
        "named):\n" + "\n".join(failures))

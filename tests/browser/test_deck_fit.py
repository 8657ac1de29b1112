"""Every slide of every offline deck fits a 16:9 projector (1280 x 720).

Each deck (`make slides`, built once per session) is opened at 1280 x 720 and every slide is
shown with all its fragments (slide_fit.js, run by pagecheck.py): its content may not be
taller or wider than the deck, no element may reach past the bottom or right edge of the
screen, and no box may cut its content (a scrolled slide, code clipped by its editor, a table
in a scroll area). The deck's own fitting (scripts/templates/initviz_slides/fit.js) has run
first: wide code and tables shrink a little, figures get shorter together.

A slide that still does not fit holds too much for one slide: the failure names it by its
address in the deck (#/h/v, as in the deck's URL), its notebook cells (index and id) and the
first cell that ends below the screen; a `subslide` break belongs at or before it.
Screenshots of those slides and of each deck's fullest slide are in
test-artifacts/browser/deck-fit/, with every measurement in <lesson>.json.

The one-lecture deck (one_lecture.slides.html, the guide's 50-minute route, built by the same
`make slides`) is checked the same way; its cells are named by lesson and index.
"""

from __future__ import annotations

import json
import sys

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


def _check_deck(name: str, report: dict, cells: dict, artifacts, stem: str) -> None:
    assert "error" not in report, f"{name}: the check failed:\n{report['error']}"
    fit = report["fit"]
    (artifacts / "deck-fit" / f"{stem}.json").write_text(json.dumps(fit, indent=1))
    assert (fit["width"], fit["height"]) == (1280, 720), \
        f"{name} is laid out at {fit['width']} x {fit['height']}, not 1280 x 720"
    assert fit["slides"], f"{name}: no slides"
    failures = [
        f"{name} slide #/{s['h']}/{s['v']} \"{s['title']}\": " + "; ".join(s["problems"])
        + ". " + _where(s, cells, fit["height"])
        for s in fit["slides"] if s["problems"]]
    assert not failures, (
        f"{len(failures)} of {len(fit['slides'])} slides do not fit 1280 x 720 (a slide that "
        "holds too much needs a subslide break in the notebook, at or before the cell "
        "named):\n" + "\n".join(failures))


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem[:2] for p in LESSONS])
def test_every_slide_fits_a_16_9_screen(lesson, deck_reports, artifacts):
    name = f"{lesson.stem}.slides.html"
    _check_deck(name, deck_reports[name], pc.cell_indices(lesson), artifacts, lesson.stem)


def test_one_lecture_deck_fits_a_16_9_screen(decks, deck_reports, artifacts):
    if not (ld.NOTEBOOK_DIR / "TEACHING.md").exists():
        pytest.skip(f"no TEACHING.md (the one-lecture route) in {ld.NOTEBOOK_DIR}")
    name = "one_lecture.slides.html"
    assert name in [d.name for d in decks], \
        f"`make slides` did not build {name} (scripts/build_slides.py, build_one_lecture)"
    cells = {cid: f"{lesson.stem[:2]}/{i}" for lesson in LESSONS
             for cid, i in pc.cell_indices(lesson).items()}
    report = deck_reports[name]
    _check_deck(name, report, cells, artifacts, "one_lecture")
    slides = report["fit"]["slides"]
    # the title slide (the timing of every part), then one column per part of the route
    assert slides[0]["title"] == "Weight initialization in one lecture"
    parts = [s for s in slides if s["v"] == 0][1:]
    assert parts and all(" min · " in s["title"] for s in parts), [s["title"] for s in parts]


def _build_slides():
    if str(ld.SCRIPTS) not in sys.path:
        sys.path.insert(0, str(ld.SCRIPTS))
    import build_slides

    return build_slides


def test_one_lecture_route_names_sections_of_the_stored_notebooks(tmp_path):
    """Every heading the guide's route quotes is a section of its lesson; a renamed one stops
    the build with its name (no browser needed)."""
    guide = ld.NOTEBOOK_DIR / "TEACHING.md"
    if not guide.exists():
        pytest.skip(f"no TEACHING.md in {ld.NOTEBOOK_DIR}")
    bs = _build_slides()
    parts = bs.read_route(guide)
    lessons = {p.name[:2]: p for p in LESSONS}
    nb = bs.one_lecture_notebook(parts, lessons)
    ids = [c.get("id") for c in nb.cells]
    stored = {cid for lesson in LESSONS for cid in pc.cell_indices(lesson)}
    assert sum(i in stored for i in ids) == len(ids) - 1 - len(parts)  # title + one per part
    broken = tmp_path / "TEACHING.md"
    text = guide.read_text(encoding="utf-8")
    assert f'"{parts[0].sections[0]}"' in text
    broken.write_text(text.replace(f'"{parts[0].sections[0]}"', '"A heading nobody wrote"', 1),
                      encoding="utf-8")
    with pytest.raises(bs.RouteError, match="A heading nobody wrote"):
        bs.one_lecture_notebook(bs.read_route(broken), lessons)

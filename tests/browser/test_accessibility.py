"""axe-core finds no serious or critical accessibility violation on any built page or deck.

axe-core (npm, pinned in package.json; installed by `npm ci`) runs inside Chromium on every
static page of `make html` and every deck of `make slides` (both built once per session), the
two index pages and the one-lecture deck included (pagecheck.py). A deck is checked with all
its slides laid out one below the other and every fragment shown (all_slides.js): a hidden
slide would be skipped.
Every rule is on; minor and moderate findings are saved in test-artifacts/browser/axe/ but do
not fail.

A failure lists each violation as page, rule, impact, target (CSS selector) and axe's
summary. Where the usual causes live: colours and link styles in
scripts/templates/initviz_shared/readable.css (pages and decks) and
scripts/templates/initviz_slides/deck.css (decks); figure descriptions (image-alt) in the
notebooks' output metadata, which nbconvert writes as each image's alt text.
"""

from __future__ import annotations

import pytest

import labdriver as ld
import pagecheck as pc

LESSONS = ld.lessons()
pytestmark = pytest.mark.skipif(not LESSONS, reason="no notebooks/NN_*.ipynb yet")
STEMS = [p.stem for p in LESSONS] + ["index"]
IDS = [s[:2] if s != "index" else "index" for s in STEMS]


def _assert_clean(name: str, report: dict) -> None:
    failures = pc.axe_failures(name, report)
    assert not failures, (f"{len(failures)} serious or critical axe-core finding(s):\n"
                          + "\n".join(failures))


@pytest.mark.parametrize("stem", STEMS, ids=IDS)
def test_static_page_passes_axe(stem, page_reports):
    _assert_clean(f"html/{stem}.html", page_reports[f"{stem}.html"])


@pytest.mark.parametrize("stem", STEMS + ["one_lecture"], ids=IDS + ["one_lecture"])
def test_deck_passes_axe(stem, deck_reports):
    file = "index.html" if stem == "index" else f"{stem}.slides.html"
    if file not in deck_reports and stem == "one_lecture":
        pytest.skip("no one-lecture deck in this build (no TEACHING.md beside the lessons); "
                    "test_deck_fit.py says why")
    report = deck_reports[file]
    if file != "index.html" and "error" not in report:
        assert report["slides_shown"] > 1, f"{file}: no slides were laid out for axe"
    _assert_clean(f"slides/{file}", report)

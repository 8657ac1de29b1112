"""Static decks and static HTML pages, built as `make slides` / `make html` do, open offline.

Each deck (scripts/build_slides.py) is opened from disk (file://) in Chromium whose resolver
knows no host but localhost: reveal.js must initialise, the arrow key must advance the slide,
MathJax must typeset the formulas, and no file may be asked of the internet or be missing.
The HTML export (scripts/export_html.py) likewise: the index links every lesson, every figure
loads, formulas are typeset. A screenshot per deck and per page goes to
test-artifacts/browser/offline/.
"""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import pytest

import labdriver as ld

LESSONS = ld.lessons()
pytestmark = pytest.mark.skipif(not LESSONS, reason="no notebooks/NN_*.ipynb yet")


def _has_math(stem: str) -> bool:
    path = ld.NOTEBOOK_DIR / f"{stem}.ipynb"
    if not path.exists():  # the one-lecture deck: cells of 00-06, some with formulas
        return True
    nb = json.loads(path.read_text())
    return any(c["cell_type"] == "markdown" and "$" in "".join(c["source"]) for c in nb["cells"])


def _mathjax_done(page, timeout_ms=30_000) -> int:
    """Wait for MathJax 2's queue to finish (the deck queues a re-render on each slide
    change, a moment after the key press); return the number of typeset formulas."""
    idle = ("() => window.MathJax && MathJax.Hub && MathJax.Hub.queue && "
            "MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0")
    page.wait_for_timeout(500)
    page.wait_for_function(idle, timeout=timeout_ms)
    page.wait_for_timeout(500)
    page.wait_for_function(idle, timeout=timeout_ms)
    n_math, n_typeset = page.evaluate(
        "() => [document.querySelectorAll('script[type^=\"math/tex\"]').length,"
        " document.querySelectorAll('.MathJax_CHTML').length]")
    # Each formula must be typeset exactly once (a re-render that raced the first typeset
    # leaves formulas as doubled previews: fewer typeset than there are formulas).
    assert n_typeset == n_math, f"{n_typeset} of {n_math} formulas typeset"
    return n_typeset


def _cancelled(failure: str) -> bool:
    """A load the browser cancelled (net::ERR_ABORTED) of a local file that exists: not a
    missing file. MathJax 2 drops a web-font fetch when it moves on (seen once in three
    clean-clone CI runs: two fonts of page 00, both present in _assets/)."""
    url, _, reason = failure.partition(" (")
    if "ERR_ABORTED" not in reason or not url.startswith("file://"):
        return False
    return Path(urllib.parse.unquote(urllib.parse.urlparse(url).path)).is_file()


def _assert_offline_clean(page, what):
    assert not page.outside_requests, f"{what} asked the internet for: {page.outside_requests}"
    failed = [f for f in page.failed_requests if "favicon" not in f and not _cancelled(f)]
    assert not failed, f"{what}: files failed to load: {failed}"
    errors = [m for m in page.console_log if m.startswith("pageerror")]
    assert not errors, f"{what}: script errors: {errors}"


def test_decks_start_and_advance_offline(decks, page, artifacts):
    folder = artifacts / "offline"
    folder.mkdir(parents=True, exist_ok=True)
    # a deck per lesson, and the one-lecture deck of the guide's route (built where the guide is)
    names = [d.name for d in decks if d.name != "one_lecture.slides.html"]
    assert names == [f"{p.stem}.slides.html" for p in LESSONS]
    index = decks[0].parent / "index.html"
    assert index.exists()
    for deck in decks:
        stem = deck.name.removesuffix(".slides.html")
        page.goto(deck.as_uri())
        page.wait_for_selector(".reveal.ready", timeout=30_000)  # Reveal.initialize() ran
        n_slides = page.locator(".reveal .slides > section").count()
        assert n_slides >= 2, f"{deck.name}: {n_slides} slides"
        start = page.evaluate("location.hash")
        page.locator(".reveal").click(position={"x": 5, "y": 5})  # keyboard focus on the deck
        page.keyboard.press("ArrowRight")
        page.wait_for_function("(h) => location.hash !== h", arg=start, timeout=10_000)
        assert page.evaluate("location.hash") != start, f"{deck.name}: ArrowRight did nothing"
        if _has_math(stem):
            assert _mathjax_done(page) > 0, f"{deck.name}: MathJax typeset no formula"
        page.screenshot(path=str(folder / f"{stem}.slide2.png"))
        _assert_local_links_resolve(page, deck)
        _assert_offline_clean(page, deck.name)


def _assert_local_links_resolve(page, html_page):
    """Every relative link of an exported page points at a file that was exported too."""
    hrefs = page.locator("a[href]").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    local = [h.split("#")[0] for h in hrefs
             if h and not h.startswith(("#", "http:", "https:", "mailto:"))]
    missing = sorted({h for h in local if h and not (html_page.parent / h).exists()})
    assert not missing, f"{html_page.name}: links to files that are not exported: {missing}"


def test_static_html_offline(pages, page, artifacts):
    folder = artifacts / "offline"
    folder.mkdir(parents=True, exist_ok=True)
    index = pages[0].parent / "index.html"
    page.goto(index.as_uri())
    links = page.locator("ol a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert links == [p.name for p in pages]
    page.screenshot(path=str(folder / "html-index.png"))
    for html_page in pages:
        stem = html_page.stem
        page.goto(html_page.as_uri())
        page.wait_for_load_state("load")
        images = page.locator(".jp-OutputArea-output img")
        broken = images.evaluate_all(
            "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length")
        assert broken == 0, f"{html_page.name}: {broken} figure(s) did not load"
        assert page.locator(".jp-Cell").count() > 0
        assert page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count() == 0
        _assert_local_links_resolve(page, html_page)
        if _has_math(stem):
            assert _mathjax_done(page) > 0, f"{html_page.name}: MathJax typeset no formula"
        page.screenshot(path=str(folder / f"{stem}.html.png"))
        _assert_offline_clean(page, html_page.name)

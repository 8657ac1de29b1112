"""Live slides inside JupyterLab: the kernel runs and the explorers' sliders stay live.

The extension is jupyterlab-slideshow (the presentation mode formerly called jupyterlab-deck):
it turns the open notebook into slides from the same `slideshow` metadata that nbconvert
uses, inside JupyterLab itself, so widgets render exactly as in the notebook. (jupyterlab-rise
0.43.1, the latest, opens its own page whose widget manager fails to load with JupyterLab 4.6:
sliders show as text; see docs/CLASSROOM.md.)

The test opens the playground (or the first lesson with an explorer), runs it, starts the
slideshow from the toolbar button, advances with the space bar until a slide shows an
explorer, moves its first slider with the keyboard and checks that the figure changed, then
advances once more. Screenshots go to test-artifacts/browser/live-slides/.

jupyterlab-slideshow 0.3.4 skips cells whose slide_type is "-", so the lessons' code cells
are "fragment"s: each appears on the next key press, after the text that sets it up.
"""

from __future__ import annotations

import importlib.util
import json

import pytest

import labdriver as ld


def _slide_types(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [c.get("metadata", {}).get("slideshow", {}).get("slide_type") for c in nb["cells"]]


def _deck_notebook():
    """The playground if there is one, else the first lesson with a stored widget view."""
    lessons = ld.lessons()
    ordered = [p for p in lessons if p.stem.endswith("playground")] + lessons
    for path in ordered:
        if ld.stored_widget_count(path):
            return path
    return None


NOTEBOOK = _deck_notebook()


def _onscreen(page) -> list[str]:
    return page.evaluate(
        "() => [...document.querySelectorAll('.jp-deck-mod-onscreen')]"
        ".map(e => (e.innerText || '').trim().slice(0, 40).replace(/\\n/g, ' '))")


@pytest.mark.skipif(NOTEBOOK is None, reason="no lesson with a live explorer yet")
def test_live_slideshow_keeps_sliders_live(lab, page, artifacts):
    if importlib.util.find_spec("jupyterlab_slideshow") is None:
        ld.skip_or_fail("jupyterlab-slideshow is not installed (pip install jupyterlab-slideshow)")
    dashes = _slide_types(NOTEBOOK).count("-")
    assert not dashes, (f"{NOTEBOOK.name} has {dashes} cell(s) with slide_type '-', which "
                        "jupyterlab-slideshow 0.3.4 does not show: code cells are 'fragment'")
    folder = artifacts / "live-slides"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        ld.open_notebook(page, lab, NOTEBOOK.name)
        ld.run_all_cells(page)
        panel = page.locator(ld.ACTIVE_NB)
        panel.locator(".jp-Cell").first.click()  # start from the title slide
        page.keyboard.press("Escape")
        panel.locator('.jp-Toolbar [data-command="deck:toggle"]').first.click()
        page.wait_for_selector(".jp-deck-mod-onscreen", timeout=30_000)
        page.screenshot(path=str(folder / "title-slide.png"))

        n_cells = len(_slide_types(NOTEBOOK))
        explorer = None
        for _ in range(n_cells):
            areas = ld.explorers(page, scope=".jp-deck-mod-onscreen")
            if areas:
                explorer = areas[0]
                break
            before = _onscreen(page)
            page.keyboard.press("Space")
            ld.wait_until(lambda: _onscreen(page) != before, 5.0)
        assert explorer is not None, "no slide showed a live explorer"

        page.screenshot(path=str(folder / "explorer-slide-before.png"))
        failures = ld.exercise_explorer(page, explorer, folder, "slide-explorer", max_sliders=1)
        page.screenshot(path=str(folder / "explorer-slide-after.png"))
        assert not failures, "\n".join(failures)
        problems = ld.output_problems(page) + ld.unrendered_widgets(page)
        assert not problems, "\n".join(problems)

        before = _onscreen(page)
        page.keyboard.press("Escape")  # leave the slider; the deck keeps the keys
        page.keyboard.press("Space")
        assert ld.wait_until(lambda: _onscreen(page) != before, 10.0), \
            "the space bar did not advance the slideshow"
    finally:
        # The deck's "active" flag is a user setting: stop it so other tests see a notebook.
        page.evaluate("() => window.jupyterapp && window.jupyterapp.commands.hasCommand('deck:stop')"
                      " && window.jupyterapp.commands.execute('deck:stop')")
        lab.shutdown_kernels()

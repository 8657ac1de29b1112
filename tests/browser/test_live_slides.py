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

No live slide may run off the screen either. At 1280 x 720 (a common projector) every slide
of the playground (run, so its explorers are live) and of every other lesson (with its stored
outputs) is shown step by step, fragments included, through the deck's own commands (down,
else forward: subslides and fragments, then the next slide). At each step every element of
the cells on screen must lie inside the window, and no box in them may hide content behind a
scroll bar. A failure names the lesson, the step and the notebook cells on screen (a
`subslide` break belongs at or before the first of them). Screenshots of the failing steps
and of each lesson's fullest one: test-artifacts/browser/live-slides/fit-<lesson>-*.png.
"""

from __future__ import annotations

import importlib.util
import json

import pytest

import labdriver as ld

PROJECTOR = {"width": 1280, "height": 720}

# The slide on screen, measured: the indices of the cells the deck shows (all fragments so far),
# and what does not fit. Hidden on purpose and skipped: MathJax's assistive MathML (a clipped
# copy of each formula for screen readers), the cell toolbar, collapsers. A box "hides" content
# when it scrolls more than 8 px (a scroll bar the audience cannot use).
MEASURE_JS = """() => {
  const W = innerWidth, H = innerHeight, SLACK = 8;
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const cells = [...panel.querySelectorAll('.jp-Cell')];
  const SKIP = 'mjx-assistive-mml, mjx-assistive-mml *, .MJX_Assistive_MathML, ' +
               '.MJX_Assistive_MathML *, script, style, .jp-cell-toolbar, .jp-cell-toolbar *, ' +
               '.jp-Collapser, .jp-Collapser *';
  const label = el =>
      el.tagName.toLowerCase() + [...el.classList].slice(0, 2).map(c => '.' + c).join('');
  const onscreen = cells.filter(c => c.classList.contains('jp-deck-mod-onscreen'));
  const shown = onscreen.filter(c => c.classList.contains('jp-deck-mod-visible'));
  const state = onscreen.map(c => cells.indexOf(c) + (shown.includes(c) ? 'v' : 'h')).join(',');
  const problems = [];
  let top = Infinity, bottom = -Infinity;
  for (const cell of shown) {
    const r = cell.getBoundingClientRect();
    top = Math.min(top, r.top); bottom = Math.max(bottom, r.bottom);
    let off = null;
    for (const el of [cell, ...cell.querySelectorAll('*')]) {
      if (el.matches(SKIP)) continue;
      const e = el.getBoundingClientRect();
      if (!e.width || !e.height) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden' || cs.display === 'none') continue;
      if (!off && (e.bottom > H + 1 || e.top < -1 || e.right > W + 1 || e.left < -1))
        off = `${label(el)} of cell ${cells.indexOf(cell)} reaches ` +
              `(${Math.round(e.left)}, ${Math.round(e.top)})-(${Math.round(e.right)}, ` +
              `${Math.round(e.bottom)}), off the ${W} x ${H} screen`;
      const scrolls = v => v === 'auto' || v === 'scroll';
      if (scrolls(cs.overflowX) && el.scrollWidth > el.clientWidth + SLACK)
        problems.push(`${label(el)} of cell ${cells.indexOf(cell)} hides ` +
                      `${el.scrollWidth - el.clientWidth} px at the right`);
      if (scrolls(cs.overflowY) && el.scrollHeight > el.clientHeight + SLACK)
        problems.push(`${label(el)} of cell ${cells.indexOf(cell)} hides ` +
                      `${el.scrollHeight - el.clientHeight} px at the bottom`);
    }
    if (off) problems.push(off);
  }
  if (shown.length && bottom - top > H + 1)
    problems.push(`the slide is ${Math.round(bottom - top)} px tall, the screen ${H} px`);
  return {state, cells: shown.map(c => cells.indexOf(c)), height: Math.round(bottom - top),
          problems: [...new Set(problems)].slice(0, 4)};
}"""

# One step through the deck with its own command, as the space bar does (jupyterlab-slideshow
# binds Space to deck:go down, else forward: the next fragment, subslide or slide). False at
# the end of the deck.
ADVANCE_JS = """async () => {
  const app = window.jupyterapp;
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const state = () => [...panel.querySelectorAll('.jp-Cell')].map(c =>
      (c.classList.contains('jp-deck-mod-onscreen') ? 'o' : '-') +
      (c.classList.contains('jp-deck-mod-visible') ? 'v' : '-')).join('');
  const settle = () => new Promise(done => requestAnimationFrame(() =>
      requestAnimationFrame(() => setTimeout(done, 30))));
  const before = state();
  await app.commands.execute('deck:go', {direction: 'down', alternate: 'forward'});
  for (let i = 0; i < 20 && state() === before; i++) await settle();
  if (state() === before) return false;
  await settle();
  return true;
}"""


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


def _start_deck(page) -> None:
    """Start the slideshow of the open notebook from its first cell."""
    panel = page.locator(ld.ACTIVE_NB)
    panel.locator(".jp-Cell").first.click()  # start from the title slide
    page.keyboard.press("Escape")
    panel.locator('.jp-Toolbar [data-command="deck:toggle"]').first.click()
    page.wait_for_selector(".jp-deck-mod-onscreen", timeout=30_000)


def _stop_deck(page) -> None:
    # The deck's "active" flag is a user setting: stop it so other tests see a notebook.
    page.evaluate("() => window.jupyterapp && window.jupyterapp.commands.hasCommand('deck:stop')"
                  " && window.jupyterapp.commands.execute('deck:stop')")


def _walk_slides(page, notebook, folder) -> tuple[int, list[str]]:
    """Show every step of the running slideshow; (steps, failures). Screenshots of the steps
    that do not fit and of the fullest one go to ``folder``."""
    stem = notebook.stem[:2]
    for old in folder.glob(f"fit-{stem}-*.png"):
        old.unlink()
    failures, steps, fullest = [], 0, 0
    n_cells = len(_slide_types(notebook))
    page.wait_for_timeout(500)  # the first slide's layout
    for steps in range(1, 3 * n_cells + 2):
        m = page.evaluate(MEASURE_JS)
        if m["problems"]:
            page.screenshot(path=str(folder / f"fit-{stem}-step{steps:03d}-too-big.png"))
            failures.append(f"{notebook.name} step {steps} (cells {m['cells']}): "
                            + "; ".join(m["problems"]))
        elif m["height"] > fullest:
            fullest = m["height"]
            page.screenshot(path=str(folder / f"fit-{stem}-fullest.png"))
        if not page.evaluate(ADVANCE_JS):
            break
    return steps, failures


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
        _start_deck(page)
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

        # Every slide of the run playground, live explorers included, fits the projector.
        _stop_deck(page)
        page.set_viewport_size(PROJECTOR)
        _start_deck(page)
        steps, failures = _walk_slides(page, NOTEBOOK, folder)
        assert steps > 1, "the slideshow did not advance"
        assert not failures, (f"{len(failures)} live slide step(s) of {NOTEBOOK.name} run off "
                              "the 1280 x 720 screen:\n" + "\n".join(failures))
    finally:
        _stop_deck(page)
        lab.shutdown_kernels()


OTHERS = [p for p in ld.lessons() if p != NOTEBOOK]


@pytest.mark.parametrize("lesson", OTHERS, ids=[p.stem[:2] for p in OTHERS])
def test_live_slides_fit_the_screen(lesson, lab, page, artifacts):
    """Each other lesson as live slides, with its stored outputs (not run), at 1280 x 720."""
    if importlib.util.find_spec("jupyterlab_slideshow") is None:
        ld.skip_or_fail("jupyterlab-slideshow is not installed (pip install jupyterlab-slideshow)")
    folder = artifacts / "live-slides"
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PROJECTOR)
    try:
        ld.open_notebook(page, lab, lesson.name)
        _start_deck(page)
        steps, failures = _walk_slides(page, lesson, folder)
        assert steps > 1, "the slideshow did not advance"
        assert not failures, (f"{len(failures)} live slide step(s) of {lesson.name} run off "
                              "the 1280 x 720 screen (a slide that holds too much needs a "
                              "subslide break at or before the cells named):\n"
                              + "\n".join(failures))
    finally:
        _stop_deck(page)
        lab.shutdown_kernels()

"""Every lesson with a widget, run in JupyterLab in Chromium: no error, every widget rendered,
explorers live.

For each `notebooks/NN_*.ipynb` whose stored outputs hold a widget view (one JupyterLab server
for the session, on a copy):
open it (`?reset`), wait for the kernel ("| Idle" in the status bar), Run > Run All Cells,
wait until every code cell has an execution count and the kernel is idle again, then assert
that no output is an error or stderr and that every widget output rendered a view (no
"IntSlider(...)" text, no "Error displaying widget").

Explorers (a widget output with sliders and a figure, e.g. `initviz.widgets` in notebook 07):
each slider is moved with the keyboard (focus its handle, ArrowRight; ArrowLeft at the
maximum) and the figure must change; then every toggle group, drop-down and check box is set
to another value (the signal explorer's residual and norm, the precision, the initializer...)
and the figure or the explorer's text must change, and a slider that a choice enabled (the
branch scale) is moved too; the choices once per kind of explorer (the same set of choice
labels) in a run, in the first lesson that shows it: each choice costs a redraw and two
screenshots (~3 s; moving them in every lesson took 117 s for the playground alone). An explorer whose figure is redrawn by an action button
(the green "train" button of the training explorer) gets that button pressed after the move.
Screenshots before and after each move go to test-artifacts/browser/<notebook>/.
"""

from __future__ import annotations

import re
import time

import pytest

import labdriver as ld

# Only a browser can show a widget; a lesson without one is re-executed by nbval in the same
# kernel and shown in JupyterLab by the live-slide test (test_live_slides.py), so running it here
# too would add about 15 s a lesson (seven lessons: 101 s measured) and check nothing new.
LESSONS = [p for p in ld.lessons() if ld.stored_widget_count(p)]
_CHOICES_MOVED: set = set()  # the kinds of explorer whose choices were moved in this run


def _screenshot_problem(page, problem: str, path) -> None:
    """Screenshot the cell a problem message names ("cell N: ..."), else the page."""
    m = re.match(r"cell (\d+):", problem)
    cells = page.locator(f"{ld.ACTIVE_NB} .jp-Cell")
    if m and int(m.group(1)) <= cells.count():
        cells.nth(int(m.group(1)) - 1).screenshot(path=str(path))
    else:
        page.screenshot(path=str(path))


@pytest.mark.skipif(not LESSONS, reason="no notebooks/NN_*.ipynb yet")
@pytest.mark.parametrize("notebook", LESSONS, ids=[p.stem for p in LESSONS])
def test_notebook_runs_in_jupyterlab(notebook, lab, page, artifacts):
    t0 = time.monotonic()
    folder = artifacts / notebook.stem
    folder.mkdir(parents=True, exist_ok=True)
    try:
        ld.open_notebook(page, lab, notebook.name)
        open_s = time.monotonic() - t0
        ld.run_all_cells(page)
        run_s = time.monotonic() - t0 - open_s

        problems = ld.output_problems(page) + ld.unrendered_widgets(page)
        n_widgets = ld.widget_outputs(page).count()
        expected = ld.stored_widget_count(notebook)
        if n_widgets < expected:
            problems.append(f"{expected} widget view(s) in the stored notebook, "
                            f"{n_widgets} rendered after Run All")
        if problems:
            _screenshot_problem(page, problems[0], folder / "failure.png")
        assert not problems, f"{notebook.name}: " + "\n".join(problems)

        failures = []
        found = ld.explorers(page)
        for k, area in enumerate(found):
            kind = tuple(ld.choice_label(*c) for c in ld.choice_controls(area))
            failures += ld.exercise_explorer(page, area, folder, f"explorer{k + 1}",
                                             choices=kind not in _CHOICES_MOVED)
            _CHOICES_MOVED.add(kind)
        problems = ld.output_problems(page) + ld.unrendered_widgets(page)  # after the moves too
        assert not problems, f"{notebook.name} after slider moves: " + "\n".join(problems)
        assert not failures, f"{notebook.name}: " + "\n".join(failures)
        (folder / "timing.txt").write_text(
            f"open: {open_s:.1f} s; run all: {run_s:.1f} s; widgets: {n_widgets}; explorers: {len(found)}; "
            f"total: {time.monotonic() - t0:.1f} s\n")
    finally:
        lab.shutdown_kernels()

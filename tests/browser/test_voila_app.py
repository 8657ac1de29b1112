"""The playground as a stand-alone app: `voila notebooks/07_playground.ipynb` (`make app`).

Voila is started on 127.0.0.1 (random port) on a copy of the playground; Chromium loads the
page, every output must render (widgets included, no error), and a slider of each explorer is
moved with the keyboard: the figure must change. Screenshots go to
test-artifacts/browser/voila/.
"""

from __future__ import annotations

import importlib.util

import pytest

import labdriver as ld

PLAYGROUND = sorted(ld.NOTEBOOK_DIR.glob("[0-9][0-9]_playground.ipynb"))


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    if not PLAYGROUND:
        pytest.skip("no notebooks/NN_playground.ipynb")
    if importlib.util.find_spec("voila") is None:
        ld.skip_or_fail("voila is not installed (pip install voila)")
    server = ld.start_voila(tmp_path_factory.mktemp("voila"), PLAYGROUND[-1])
    yield server
    server.stop()


def test_playground_runs_as_voila_app(voila, page, artifacts):
    folder = artifacts / "voila"
    folder.mkdir(parents=True, exist_ok=True)
    page.goto(voila.url(""), wait_until="domcontentloaded")
    # Voila renders cell by cell; done when its spinner is gone and a slider exists.
    page.wait_for_selector(".widget-slider .noUi-handle", timeout=180_000)
    page.wait_for_function(
        "() => !document.querySelector('#loading, .voila-spinner, #rendering_text')"
        " || getComputedStyle(document.querySelector('#loading, .voila-spinner, "
        "#rendering_text')).display === 'none'", timeout=180_000)
    page.screenshot(path=str(folder / "app.png"))

    problems = ld.output_problems(page, scope="body")
    expected = ld.stored_widget_count(PLAYGROUND[-1])
    rendered = ld.widget_outputs(page, scope="body").evaluate_all(
        "els => els.filter(e => e.querySelector('[class*=\"widget-\"]')).length")
    if rendered < expected:
        problems.append(f"{expected} widget view(s) in the stored notebook, {rendered} rendered")
    assert not problems, "Voila app: " + "\n".join(problems)
    code = page.locator(".jp-CodeCell .jp-InputArea-editor, .jp-CodeCell .highlight")
    visible = code.evaluate_all("els => els.filter(e => e.offsetParent !== null).length")
    assert visible == 0, f"Voila shows {visible} code cell(s) (strip_sources should hide them)"

    found = ld.explorers(page, scope="body")
    assert found, "no explorer (widget output with a slider and a figure) in the app"
    failures = []
    for k, area in enumerate(found):
        failures += ld.exercise_explorer(page, area, folder, f"explorer{k + 1}", max_sliders=1)
    assert not failures, "Voila app: " + "\n".join(failures)
    problems = ld.output_problems(page, scope="body")
    assert not problems, "Voila app after slider moves: " + "\n".join(problems)

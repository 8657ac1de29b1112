"""Checks of the built pages and decks (`make html`, `make slides`) in Chromium.

Every deck is opened at 1280 x 720 and every slide measured (slide_fit.js); then all its
slides are laid out at once (all_slides.js) and axe-core checks them; every static page and
both index pages are checked by axe-core too. Each file is opened once, and the work runs
once per session (fixtures `deck_reports` and `page_reports` in conftest.py); the tests then
only read the reports.
"""

from __future__ import annotations

import json
import re
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent

MATHJAX_IDLE = ("() => !window.MathJax || (MathJax.Hub && MathJax.Hub.queue && "
                "MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0)")

# The deck size a 16:9 projector shows without scaling (scripts/build_slides.py).
PROJECTOR = {"width": 1280, "height": 720}

# axe-core impacts that fail a test (minor and moderate findings are saved, not failed).
FAILING_IMPACTS = ("serious", "critical")

AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations', 'incomplete']});
  const nodes = v => v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary || '',
      keys: n.any.concat(n.all).map(c => (c.data && c.data.messageKey) || '')}));
  return {
    violations: r.violations.map(v => ({rule: v.id, impact: v.impact, help: v.help,
                                        nodes: nodes(v).map(n => [n.target, n.summary])})),
    covered: r.incomplete.filter(v => v.id === 'color-contrast').flatMap(nodes)
               .filter(n => n.keys.includes('bgOverlap')).map(n => n.target),
  };
}"""


def _function(name: str) -> str:
    """The function that the JavaScript file ``name`` (beside this one) holds."""
    return "(" + (HERE / name).read_text(encoding="utf-8") + ")"


def open_built(page, path: Path) -> None:
    """Open a built page or deck from disk and wait until it is laid out and typeset."""
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    if is_deck(path):
        page.wait_for_selector(".reveal.ready", timeout=30_000)
    page.wait_for_function(MATHJAX_IDLE, timeout=60_000)
    page.evaluate("() => document.fonts.ready.then(() => true)")


def is_deck(path: Path) -> bool:
    return path.name.endswith(".slides.html")


def check_file(page, path: Path, axe_source: str, shots: Path | None) -> dict:
    """Open ``path`` at 1280 x 720; for a deck, measure every slide (report["fit"], see
    slide_fit.js), screenshot the slides that do not fit and the fullest one, then lay all
    slides out (all_slides.js); then run axe-core (report["axe"])."""
    report = {}
    page.set_viewport_size(PROJECTOR)
    open_built(page, path)
    if is_deck(path):
        report["fit"] = page.evaluate(f"{_function('slide_fit.js')}()")
        if shots is not None:
            _screenshots(page, path, report["fit"]["slides"], shots)
        report["slides_shown"] = page.evaluate(f"{_function('all_slides.js')}()")
    page.add_script_tag(content=axe_source)
    report["axe"] = page.evaluate(AXE_RUN)
    return report


def _screenshots(page, path: Path, slides: list[dict], folder: Path) -> None:
    """The slides that do not fit, and the fullest one, as the audience sees them."""
    fullest = max(slides, key=lambda s: s["height"], default=None)
    for slide in slides:
        if slide["problems"] or slide is fullest:
            tag = "too-big" if slide["problems"] else "fullest"
            page.evaluate(f"Reveal.slide({slide['h']}, {slide['v']}, Number.MAX_SAFE_INTEGER)")
            page.wait_for_function(MATHJAX_IDLE)
            page.wait_for_timeout(100)
            page.screenshot(path=str(folder / f"{path.name[:2]}-{slide['h']}-{slide['v']}-{tag}.png"))


def check_files(context, paths: list[Path], axe_source: str, shots: Path | None = None) -> dict:
    """check_file for each path, on one tab: {file name: report}; the decks' screenshots go
    to ``shots`` (emptied first). A file whose check raised gets report["error"] (the
    traceback), so its own tests fail with it and the other files are still checked. (Two
    tabs side by side were slower here, not faster: Chromium's own threads already keep the
    second core busy.)"""
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
        for old in shots.glob("*.png"):
            old.unlink()
    page, reports = context.new_page(), {}
    try:
        for path in paths:
            try:
                reports[path.name] = check_file(page, path, axe_source, shots)
            except Exception:  # noqa: BLE001 - reported to the file's own tests
                reports[path.name] = {"error": traceback.format_exc(limit=4)}
    finally:
        page.close()
    return reports


def axe_failures(name: str, report: dict, limit: int = 12) -> list[str]:
    """One line per serious or critical node: page, rule, impact, target, axe's summary;
    plus a line if axe could not see some text (the check itself would be blind)."""
    if "error" in report:
        return [f"{name}: the check failed:\n{report['error']}"]
    lines = []
    for v in report["axe"]["violations"]:
        if v["impact"] not in FAILING_IMPACTS:
            continue
        for target, summary in v["nodes"][:limit]:
            why = re.sub(r"\s+", " ", summary.replace("Fix any of the following:", "")).strip()
            lines.append(f"{name}: {v['rule']} ({v['impact']}) at {target}: {why[:220]}")
        if len(v["nodes"]) > limit:
            lines.append(f"{name}: {v['rule']}: ... and {len(v['nodes']) - limit} more node(s)")
    covered = report["axe"]["covered"]
    if covered:
        lines.append(f"{name}: axe could not judge the contrast of {len(covered)} element(s) "
                     f"covered by another element (the page was not laid out for the check), "
                     f"e.g. {covered[:3]}")
    return lines


def save_axe(folder: Path, kind: str, reports: dict) -> None:
    """Every finding, minor ones included, as <kind>-<file>.json."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, report in reports.items():
        if "axe" in report:
            (folder / f"{kind}-{name}.json").write_text(json.dumps(report["axe"], indent=1))


def cell_indices(notebook: Path) -> dict[str, int]:
    """Cell id -> index in the stored notebook (the decks name cells by id)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return {c.get("id", ""): i for i, c in enumerate(cells)}

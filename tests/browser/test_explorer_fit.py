"""Lesson 03's signal explorer fits a 1280 x 720 JupyterLab (a common projector) without
horizontal scrolling, and its screenshot is the README's picture.

Lesson 03 (notebooks/03_random_initialization.ipynb) is opened in JupyterLab in Chromium at
a 1280 x 720 viewport and run (Run All Cells); then, for the explorer's widget output:
nothing under it reaches past its right edge, neither it nor its output area nor the
notebook panel scrolls horizontally (scrollWidth <= clientWidth), and the figure (an
<img>) is no wider than its container. The explorer's screenshot goes to
test-artifacts/browser/explorer-fit/explorer.png; with INITVIZ_UPDATE_SCREENSHOT=1 it also
replaces docs/explorer.png (the README's picture, whose alt text describes this setting:
10 tanh layers of 250 units, weights standard_normal * 0.01).
"""

from __future__ import annotations

import os
import shutil

import labdriver as ld

LESSON = "03_random_initialization.ipynb"
VIEWPORT = {"width": 1280, "height": 720}

# For the explorer's output element: the overflow of it and of its scrolling ancestors, and
# of every element under it (its right edge against the output's right edge).
MEASURE = """(area) => {
  const out = [];
  const box = area.getBoundingClientRect();
  const scrollers = [['widget output', area],
                     ['output area', area.closest('.jp-OutputArea')],
                     ['cell', area.closest('.jp-Cell')],
                     ['notebook', area.closest('.jp-Notebook')],
                     ['notebook panel', area.closest('.jp-NotebookPanel')]];
  for (const el of area.closest('.jp-NotebookPanel').querySelectorAll(
           '.jp-WindowedPanel-outer, .jp-NotebookPanel-notebook')) {
    scrollers.push(['notebook scroller ' + el.className.split(' ')[0], el]);
  }
  for (const [name, el] of scrollers) {
    if (!el) { out.push(name + ': missing'); continue; }
    if (el.scrollWidth > el.clientWidth) {
      out.push(`${name}: scrollWidth ${el.scrollWidth} > clientWidth ${el.clientWidth}`);
    }
  }
  for (const el of area.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > box.right + 0.5) {
      out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ends at ` +
               `${r.right.toFixed(1)} px, past the output's right edge ${box.right.toFixed(1)}`);
    }
  }
  const img = area.querySelector('img');
  if (!img) { out.push('no figure (img)'); }
  else {
    const parent = img.parentElement.getBoundingClientRect();
    const r = img.getBoundingClientRect();
    if (r.width > parent.width + 0.5) {
      out.push(`the figure is ${r.width} px wide in a ${parent.width} px container`);
    }
    if (!img.complete || img.naturalWidth === 0) out.push('the figure did not load');
  }
  return {problems: out, width: box.width, img: img ? img.getBoundingClientRect().width : 0};
}"""


def test_lesson_03_explorer_fits_1280x720(lab, page, artifacts):
    folder = artifacts / "explorer-fit"
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(VIEWPORT)
    try:
        ld.open_notebook(page, lab, LESSON)
        ld.run_all_cells(page)
        problems = ld.output_problems(page) + ld.unrendered_widgets(page)
        assert not problems, "\n".join(problems)
        found = ld.explorers(page)
        assert found, "lesson 03 shows no explorer (a widget with a slider and a figure)"
        area = found[0]
        area.scroll_into_view_if_needed()
        ld.settle_figure(area)
        page.wait_for_timeout(500)  # layout settled after the last frame
        report = area.evaluate(MEASURE)
        shot = folder / "explorer.png"
        area.screenshot(path=str(shot))
        (folder / "measure.txt").write_text(
            f"viewport {VIEWPORT}; explorer output {report['width']:.0f} px wide, figure "
            f"{report['img']:.0f} px\n" + "\n".join(report["problems"]) + "\n")
        assert not report["problems"], "\n".join(report["problems"])
        assert report["img"] > 0.8 * report["width"]  # shown at its size, not squeezed
        if os.environ.get("INITVIZ_UPDATE_SCREENSHOT") == "1":
            shutil.copyfile(shot, ld.REPO / "docs" / "explorer.png")
    finally:
        lab.shutdown_kernels()

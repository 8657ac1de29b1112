#!/usr/bin/env python
"""Export the whole series to static HTML pages for reading without a kernel (`make html`).

    python scripts/export_html.py                     # notebooks/NN_*.ipynb -> build/html/
    python scripts/export_html.py --execute           # re-run each lesson first (in the build only)
    python scripts/export_html.py --out DIR NB.ipynb  # chosen lessons, another folder

One page per lesson (nbconvert's JupyterLab look, figures embedded as data URIs, formulas by a
local MathJax 2.7) plus ``index.html`` listing the lessons with their goals. No file is loaded
from the internet: require.js and MathJax are copied into ``_assets/`` (from node_modules/,
see package.json). Live explorers need a kernel, so they become a short note; the static
figure stored after each explorer stays. Needs `npm ci` once (`make assets`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from nbconvert import HTMLExporter

sys.path.insert(0, str(Path(__file__).resolve().parent))
import offline  # noqa: E402


def make_exporter() -> HTMLExporter:
    return HTMLExporter(
        **offline.template_options("initviz_html"),
        require_js_url=offline.URLS["require_js_url"],
        mathjax_url=offline.URLS["mathjax_url"],
        embed_images=True,  # markdown images too, not only the outputs
    )


def execute(nb, path: Path, timeout: int = 600) -> None:
    from nbconvert.preprocessors import ExecutePreprocessor

    ExecutePreprocessor(timeout=timeout, kernel_name="python3").preprocess(
        nb, {"metadata": {"path": str(path.parent)}})


def build(notebooks, out_dir: Path, run: bool = False, quiet: bool = False) -> list[Path]:
    return offline.export_lessons(
        notebooks, out_dir, make_exporter(), ".html", "initviz: why weight initialization matters",
        "The lessons as static pages, outputs included: read them without Python. To run "
        "the code and drag the sliders, open the notebooks in JupyterLab (<code>make lab</code>).",
        prepare=execute if run else None, quiet=quiet)


if __name__ == "__main__":
    sys.exit(offline.cli(sys.argv[1:], __doc__, offline.REPO / "build" / "html", build,
                         with_execute=True))

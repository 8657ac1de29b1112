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

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

sys.path.insert(0, str(Path(__file__).resolve().parent))
import offline  # noqa: E402


def make_exporter() -> HTMLExporter:
    return HTMLExporter(
        template_name="initviz_html",
        extra_template_basedirs=[str(offline.TEMPLATES)],
        require_js_url=offline.URLS["require_js_url"],
        mathjax_url=offline.URLS["mathjax_url"],
        embed_images=True,  # markdown images too, not only the outputs
    )


def execute(nb, path: Path, timeout: int = 600) -> None:
    from nbconvert.preprocessors import ExecutePreprocessor

    ExecutePreprocessor(timeout=timeout, kernel_name="python3").preprocess(
        nb, {"metadata": {"path": str(path.parent)}})


def build(notebooks, out_dir: Path, run: bool = False, quiet: bool = False) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    offline.copy_assets(out_dir)
    exporter = make_exporter()
    entries, written = [], []
    for path in notebooks:
        t0 = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        if run:
            execute(nb, path)
        offline.fix_text_underscores(nb)  # MathJax 2 shows "\_" inside \text{} literally
        title, goal = offline.lesson_info(nb, path)
        n_widgets = offline.strip_widgets(nb)
        body, _ = exporter.from_notebook_node(
            nb, resources={"metadata": {"name": title, "path": str(path.parent)}})
        target = out_dir / f"{path.stem}.html"
        target.write_text(body, encoding="utf-8")
        written.append(target)
        entries.append((target.name, title, goal))
        if not quiet:
            print(f"{target}  ({len(body) / 1e6:.2f} MB, {n_widgets} live widget(s) as notes, "
                  f"{time.perf_counter() - t0:.1f} s)")
    index = offline.write_index(
        out_dir, "initviz: why weight initialization matters",
        "The lessons as static pages, outputs included: read them without Python. To run "
        "the code and drag the sliders, open the notebooks in JupyterLab (<code>make lab</code>).",
        entries)
    if not quiet:
        print(index)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="lessons (default: notebooks/NN_*.ipynb)")
    parser.add_argument("--out", type=Path, default=offline.REPO / "build" / "html",
                        help="output folder (default: build/html)")
    parser.add_argument("--execute", action="store_true",
                        help="run each lesson before exporting (the stored notebooks are not changed)")
    args = parser.parse_args(argv)
    notebooks = offline.lessons(args.notebooks)
    if not notebooks:
        print("no lessons found", file=sys.stderr)
        return 1
    try:
        build(notebooks, args.out, run=args.execute)
    except offline.MissingAssets as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Build a reveal.js slide deck per lesson that works with no internet (`make slides`).

    python scripts/build_slides.py                    # every notebooks/NN_*.ipynb -> build/slides/
    python scripts/build_slides.py --out DIR NB.ipynb # chosen lessons, another folder

This is ``jupyter nbconvert --to slides`` with reveal.js 4.0.2, require.js, jQuery and MathJax
2.7 loaded from ``_assets/`` next to the decks (copied from node_modules/, see package.json)
instead of CDNs, plus ``index.html`` listing the decks. Open ``build/slides/index.html``;
arrow keys or space advance, ``s`` opens the speaker notes, ``Esc`` the overview. The stored
outputs are shown as they are (nothing is executed); live explorers become a short note, the
static figure after each one stays. Needs `npm ci` once (`make assets`).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter

sys.path.insert(0, str(Path(__file__).resolve().parent))
import offline  # noqa: E402


def make_exporter() -> SlidesExporter:
    exporter = SlidesExporter(
        template_name="initviz_slides",
        extra_template_basedirs=[str(offline.TEMPLATES)],
        reveal_url_prefix=offline.URLS["reveal_url_prefix"],
        require_js_url=offline.URLS["require_js_url"],
        jquery_url=offline.URLS["jquery_url"],
        mathjax_url=offline.URLS["mathjax_url"],
        reveal_scroll=True,  # a slide taller than the screen scrolls instead of being cut
        reveal_number="c/t",
        reveal_transition="none",  # fast on an old projector laptop
        reveal_theme="white",  # fonts ship with reveal.js ("simple" imports Google Fonts)
        reveal_width="1200",  # room for a code line of ~90 characters; scaled to the screen
        reveal_height="800",
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    return exporter


def build(notebooks, out_dir: Path, quiet: bool = False) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    offline.copy_assets(out_dir)
    exporter = make_exporter()
    entries, written = [], []
    for path in notebooks:
        t0 = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        offline.fix_text_underscores(nb)  # MathJax 2 shows "\_" inside \text{} literally
        title, goal = offline.lesson_info(nb, path)
        n_widgets = offline.strip_widgets(nb)
        body, _ = exporter.from_notebook_node(
            nb, resources={"metadata": {"name": title, "path": str(path.parent)}})
        target = out_dir / f"{path.stem}.slides.html"
        target.write_text(body, encoding="utf-8")
        written.append(target)
        entries.append((target.name, title, goal))
        if not quiet:
            print(f"{target}  ({len(body) / 1e6:.2f} MB, {n_widgets} live widget(s) as notes, "
                  f"{time.perf_counter() - t0:.1f} s)")
    index = offline.write_index(
        out_dir, "initviz: slide decks",
        "One deck per lesson. Arrow keys or space: next slide; <kbd>s</kbd>: speaker notes; "
        "<kbd>Esc</kbd>: overview. For live sliders, present inside JupyterLab instead "
        "(docs/CLASSROOM.md).", entries)
    if not quiet:
        print(index)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="lessons (default: notebooks/NN_*.ipynb)")
    parser.add_argument("--out", type=Path, default=offline.REPO / "build" / "slides",
                        help="output folder (default: build/slides)")
    args = parser.parse_args(argv)
    notebooks = offline.lessons(args.notebooks)
    if not notebooks:
        print("no lessons found", file=sys.stderr)
        return 1
    try:
        build(notebooks, args.out)
    except offline.MissingAssets as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

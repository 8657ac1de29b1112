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

import sys
from pathlib import Path

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
    return offline.export_lessons(
        notebooks, out_dir, make_exporter(), ".slides.html", "initviz: slide decks",
        "One deck per lesson. Arrow keys or space: next slide; <kbd>s</kbd>: speaker notes; "
        "<kbd>Esc</kbd>: overview. For live sliders, present inside JupyterLab instead "
        "(docs/CLASSROOM.md).", quiet=quiet)


if __name__ == "__main__":
    sys.exit(offline.cli(sys.argv[1:], __doc__, offline.REPO / "build" / "slides", build))

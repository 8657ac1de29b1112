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

The decks are 16:9, 1280 x 720: a slide that holds a little too much gets slightly smaller
code, tables and figures (templates/initviz_slides/fit.js); one that holds far too much needs
a subslide break in its notebook, and tests/browser/test_deck_fit.py names it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from nbconvert import SlidesExporter

sys.path.insert(0, str(Path(__file__).resolve().parent))
import offline  # noqa: E402


DECK_WIDTH, DECK_HEIGHT = 1280, 720


def make_exporter() -> SlidesExporter:
    exporter = SlidesExporter(
        **offline.template_options("initviz_slides"),
        reveal_url_prefix=offline.URLS["reveal_url_prefix"],
        require_js_url=offline.URLS["require_js_url"],
        jquery_url=offline.URLS["jquery_url"],
        mathjax_url=offline.URLS["mathjax_url"],
        reveal_number="c/t",
        reveal_transition="none",  # fast on an old projector laptop
        reveal_theme="white",  # fonts ship with reveal.js ("simple" imports Google Fonts)
        # 16:9 in deck pixels, one per screen pixel on a 1280 x 720 projector; reveal.js
        # scales the deck to any other screen. A slide that is too tall or wide is fitted
        # (templates/initviz_slides/fit.js), and scrolls only as a last resort.
        reveal_width=str(DECK_WIDTH),
        reveal_height=str(DECK_HEIGHT),
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

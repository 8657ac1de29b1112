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

One more deck, ``one_lecture.slides.html``: the teacher's guide's 50-minute route (the table
under "## One lecture" in notebooks/TEACHING.md, read at build time, so the route is written
once). Each row names a lesson and, in double quotes, the headings of its sections to show;
a section is its heading's cell and the cells after it up to the next heading. The deck opens
with the timing of every part; each part starts with a slide that gives its minutes, credits
its lesson and says the point to land, followed by that lesson's cells with their stored
outputs. A quoted heading that no longer exists stops the build and names it.
"""

from __future__ import annotations

import copy
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
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


INTRO = ("One deck per lesson, and the series in one 50-minute lecture. Arrow keys or space: "
         "next slide; <kbd>s</kbd>: speaker notes; <kbd>Esc</kbd>: overview. For live sliders, "
         "present inside JupyterLab instead (docs/CLASSROOM.md).")

# ---------------------------------------------------------------- the one-lecture deck

ONE_LECTURE = "one_lecture"
GUIDE = "TEACHING.md"                      # beside the lessons
ROUTE_HEADING = "## One lecture"           # the guide's section whose first table is the route
_QUOTED = re.compile(r'"([^"]+)"')
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


class RouteError(ValueError):
    """The guide's route names a lesson or a heading that the notebooks do not have."""


@dataclass
class Part:
    """One row of the route: ``minutes`` ("0-5"), the lesson's number ("00"), the quoted
    section headings, the row's "sections to show" text and the point to land (markdown)."""

    minutes: str
    lesson: str
    sections: list
    shown: str
    point: str
    title: str = ""  # the lesson's title and a markdown link to it, filled in by the builder
    link: str = ""


def read_route(guide: Path) -> list[Part]:
    """The rows of the first table under ``## One lecture`` in the teacher's guide.

    Columns: minutes | notebook | sections to show | the point to land. Raises RouteError if
    the section or its table is missing or a row quotes no heading."""
    lines = guide.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(ROUTE_HEADING)), None)
    if start is None:
        raise RouteError(f"{guide}: no section starting with {ROUTE_HEADING!r}")
    rows = []
    for line in lines[start + 1:]:
        if line.startswith("## "):
            break
        if line.startswith("|"):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif rows:
            break
    parts = []
    for row in rows[2:]:  # the header and the |---| line
        if len(row) != 4:
            raise RouteError(f"{guide}: a route row needs 4 columns, got {row}")
        minutes, lesson, shown, point = row
        sections = _QUOTED.findall(shown)
        if not re.fullmatch(r"\d\d", lesson) or not sections:
            raise RouteError(f"{guide}: route row {row}: the notebook is a two-digit number and "
                             'the sections are quoted headings ("...")')
        parts.append(Part(minutes, lesson, sections, shown, point))
    if not parts:
        raise RouteError(f"{guide}: no route table under {ROUTE_HEADING!r}")
    return parts


def _headings(cell) -> list[str]:
    if cell.cell_type != "markdown":
        return []
    return [m.group(2) for m in map(_HEADING.match, cell.source.splitlines()) if m]


def section_cells(nb, name: str, where: str) -> list[int]:
    """Indices of the section headed ``name``: its heading's cell and the cells after it up to
    the next heading. ``name`` is a heading's text, or the part of one before a colon ("Too
    small" for "Too small: the signal vanishes")."""
    found = [i for i, c in enumerate(nb.cells) if name in _headings(c)]
    if not found:
        found = [i for i, c in enumerate(nb.cells)
                 if any(h.startswith(name + ":") for h in _headings(c))]
    if len(found) != 1:
        raise RouteError(f'{where}: the route\'s section "{name}" matches {len(found)} '
                         "headings (notebooks/TEACHING.md's one-lecture table names each "
                         "section by its heading)")
    end = found[0] + 1
    while end < len(nb.cells) and not _headings(nb.cells[end]):
        end += 1
    return list(range(found[0], end))


def _slide_type(cell, kind: str) -> None:
    cell.setdefault("metadata", {}).setdefault("slideshow", {})["slide_type"] = kind


def one_lecture_notebook(parts: list[Part], lessons: dict) -> "nbformat.NotebookNode":
    """The route as one notebook (in memory only): a title slide with the timing of every
    part, then per part a slide that credits its lesson, then the lesson's cells with their
    stored outputs. ``lessons``: number ("00") -> notebook path."""
    cells, nbs = [], {}
    table = ["| minutes | from the lesson | sections |", "|---|---|---|"]
    for part in parts:
        if part.lesson not in lessons:
            raise RouteError(f"the route names lesson {part.lesson}, which is not among "
                             f"{sorted(lessons)}")
        path = lessons[part.lesson]
        nb = nbs.setdefault(path, nbformat.read(path, as_version=4))
        title = offline.lesson_info(nb, path)[0]
        part.title, part.link = title, f"[{title}]({path.name})"
        table.append(f"| {part.minutes} | {part.link} | "
                     + " · ".join(part.sections) + " |")
    total = parts[-1].minutes.split("-")[-1]
    cells.append(nbformat.v4.new_markdown_cell(
        "# Weight initialization in one lecture\n\n"
        f"The initviz series in {total} minutes: sections of the lessons, with their stored "
        "outputs, in the order of the teacher's guide (`notebooks/TEACHING.md`, \"One "
        "lecture\"). Each part starts with its minutes and its lesson.\n\n" + "\n".join(table),
        metadata={"slideshow": {"slide_type": "slide"}}))
    for part in parts:
        path = lessons[part.lesson]
        nb = nbs[path]
        cells.append(nbformat.v4.new_markdown_cell(
            f"## {part.minutes} min · {part.title}\n\n"
            f"From the lesson {part.link}: {part.shown}.\n\n"
            f"**The point to land:** {part.point}.",
            metadata={"slideshow": {"slide_type": "slide"}}))
        for name in part.sections:
            for k, i in enumerate(section_cells(nb, name, path.name)):
                cell = copy.deepcopy(nb.cells[i])
                kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
                if k == 0 or kind == "slide":  # under the part's slide, one column per part
                    _slide_type(cell, "subslide")
                cells.append(cell)
    first = nbs[lessons[parts[0].lesson]]
    return nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(first.metadata))


def build_one_lecture(notebooks, out_dir: Path, exporter, quiet: bool = False) -> Path | None:
    """Write ``out_dir/one_lecture.slides.html`` from the guide beside the lessons; None (with
    a note) when there is no guide or the lessons built are not all the route needs."""
    notebooks = [Path(p) for p in notebooks]
    guide = notebooks[0].parent / GUIDE if notebooks else None
    if guide is None or not guide.exists():
        if not quiet:
            print(f"no {GUIDE} beside the lessons: no one-lecture deck")
        return None
    parts = read_route(guide)
    lessons = {p.name[:2]: p for p in notebooks}
    missing = sorted({p.lesson for p in parts} - set(lessons))
    if missing:
        if not quiet:
            print(f"one-lecture deck not built: lessons {', '.join(missing)} are not in this build")
        return None
    nb = one_lecture_notebook(parts, lessons)
    offline.fix_text_underscores(nb)
    offline.relink(nb, ".slides.html")
    n_widgets = offline.strip_widgets(nb)
    title = "Weight initialization in one lecture"
    body, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": title, "path": str(notebooks[0].parent)}})
    target = out_dir / f"{ONE_LECTURE}.slides.html"
    target.write_text(body, encoding="utf-8")
    if not quiet:
        print(f"{target}  ({len(body) / 1e6:.2f} MB, {len(parts)} parts from "
              f"{len({p.lesson for p in parts})} lessons, {n_widgets} live widget(s) as notes)")
    return target


def build(notebooks, out_dir: Path, quiet: bool = False) -> list[Path]:
    exporter = make_exporter()
    written = offline.export_lessons(notebooks, out_dir, exporter, ".slides.html",
                                     "initviz: slide decks", INTRO, quiet=quiet)
    deck = build_one_lecture(notebooks, out_dir, exporter, quiet=quiet)
    if deck is not None:
        written.append(deck)
        entries = []
        for path in notebooks:  # the index again, with the one-lecture deck last
            nb = nbformat.read(path, as_version=4)
            offline.fix_text_underscores(nb)
            title, goal = offline.lesson_info(nb, Path(path))
            entries.append((f"{Path(path).stem}.slides.html", title, goal))
        entries.append((deck.name, "Weight initialization in one lecture",
                        "The series in 50 minutes: the teacher's guide's route through the "
                        "lessons, with the timing of each part."))
        offline.write_index(out_dir, "initviz: slide decks", INTRO, entries)
    return written


if __name__ == "__main__":
    sys.exit(offline.cli(sys.argv[1:], __doc__, offline.REPO / "build" / "slides", build))

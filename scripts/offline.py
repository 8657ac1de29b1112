"""Shared code of build_slides.py and export_html.py: offline pages of the lessons.

nbconvert's slides and HTML pages load reveal.js (unpkg), require.js, jQuery and MathJax
(cdnjs) from the internet; in a classroom on a network the teacher does not control, or with
none, a deck then never starts. Here every page points at local copies in an ``_assets/``
folder next to it, copied from ``node_modules/`` (``npm ci`` installs the pinned versions of
package.json). The output folder is self-contained: copy it to a USB stick and open
``index.html`` in any browser, or serve it with ``python -m http.server``.

Widget outputs (the live explorers) need a kernel: in the static pages they are replaced by a
short note; every lesson keeps a static figure of the same settings right after the explorer.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
LESSON_GLOB = "[0-9][0-9]_*.ipynb"
TEMPLATES = Path(__file__).resolve().parent / "templates"
# Files both templates include (templates/initviz_shared/: figure descriptions as alt text,
# colours that pass WCAG AA).
SHARED_TEMPLATES = TEMPLATES / "initviz_shared"
NODE_MODULES = Path(os.environ.get("INITVIZ_NODE_MODULES", REPO / "node_modules"))

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = (
    '<div class="initviz-live-note" style="border:1px dashed #999;padding:0.5em 1em;'
    'color:#555;font-style:italic">Live explorer: it runs in JupyterLab (<code>make lab</code>) '
    "or as an app (<code>make app</code>). The figure below shows the same settings.</div>"
)

# What each page needs, relative to node_modules/ -> relative to _assets/.
# (source, destination, glob of files to skip)
ASSETS = [
    ("reveal.js/dist", "reveal.js/dist", ("*.map", "*.esm.js")),
    ("reveal.js/plugin/notes", "reveal.js/plugin/notes", ("*.esm.js",)),
    ("reveal.js/LICENSE", "reveal.js/LICENSE", ()),
    ("requirejs/require.js", "require.js", ()),
    ("jquery/dist/jquery.min.js", "jquery.min.js", ()),
    ("jquery/LICENSE.txt", "jquery.LICENSE.txt", ()),
    # MathJax 2.7 (the configuration nbconvert's templates write is MathJax 2's): the loader,
    # the TeX-AMS_CHTML-full configuration, the TeX input and CommonHTML output with its TeX
    # web fonts; not the other outputs, fonts or the unpacked sources (73 MB -> ~6 MB).
    ("mathjax/MathJax.js", "mathjax/MathJax.js", ()),
    ("mathjax/LICENSE", "mathjax/LICENSE", ()),
    ("mathjax/config/TeX-AMS_CHTML-full.js", "mathjax/config/TeX-AMS_CHTML-full.js", ()),
    ("mathjax/config/Safe.js", "mathjax/config/Safe.js", ()),
    ("mathjax/extensions", "mathjax/extensions", ()),
    ("mathjax/jax/input/TeX", "mathjax/jax/input/TeX", ()),
    ("mathjax/jax/output/CommonHTML", "mathjax/jax/output/CommonHTML", ()),
    ("mathjax/jax/element", "mathjax/jax/element", ()),
    ("mathjax/fonts/HTML-CSS/TeX/woff", "mathjax/fonts/HTML-CSS/TeX/woff", ()),
    ("mathjax/localization/en", "mathjax/localization/en", ()),
]

# URLs as written into the pages (relative to the page, so the folder can move).
URLS = {
    "reveal_url_prefix": "_assets/reveal.js",
    "require_js_url": "_assets/require.js",
    "jquery_url": "_assets/jquery.min.js",
    "mathjax_url": "_assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
}


def template_options(name: str) -> dict:
    """The exporter arguments that select our template ``name`` (initviz_html or
    initviz_slides) and let it include the shared files."""
    return {"template_name": name, "extra_template_basedirs": [str(TEMPLATES)],
            "extra_template_paths": [str(SHARED_TEMPLATES)]}


class MissingAssets(RuntimeError):
    pass


def check_assets() -> None:
    missing = [src for src, _, _ in ASSETS if not (NODE_MODULES / src).exists()]
    if missing:
        raise MissingAssets(
            f"the offline JavaScript is not installed ({', '.join(missing[:3])} missing in "
            f"{NODE_MODULES}). Run `npm ci` in {REPO} once (needs Node.js and npm; `make "
            "assets` does it), then build again.")


def copy_assets(out_dir: Path) -> Path:
    """Copy reveal.js, require.js, jQuery and MathJax into ``out_dir/_assets``."""
    check_assets()
    dest_root = out_dir / "_assets"
    for src, dest, skip in ASSETS:
        s, d = NODE_MODULES / src, dest_root / dest
        d.parent.mkdir(parents=True, exist_ok=True)
        if s.is_dir():
            shutil.copytree(s, d, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*skip))
        else:
            shutil.copy2(s, d)
    return dest_root


def lessons(paths=None) -> list[Path]:
    """The lessons to build: the given paths, else notebooks/NN_*.ipynb."""
    if paths:
        return [Path(p).resolve() for p in paths]
    return sorted(NOTEBOOKS.glob(LESSON_GLOB))


def strip_widgets(nb) -> int:
    """Replace every widget view by a note and drop the saved widget state (its renderer
    would load from a CDN). Returns the number of outputs replaced."""
    n = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for i, out in enumerate(cell.get("outputs", [])):
            if WIDGET_MIME in out.get("data", {}):
                cell.outputs[i] = nbformat.v4.new_output(
                    "display_data", data={"text/html": WIDGET_NOTE, "text/plain": "(live explorer)"})
                n += 1
    nb.metadata.pop("widgets", None)
    return n


_LESSON_LINK = re.compile(r"\]\((\d\d_[\w-]+)\.ipynb([#)])")
_OTHER_LINK = re.compile(r"\[([^\]]+)\]\(((?:\.\./)?(?:solutions/)?[\w./-]+\.(?:ipynb|md))\)")


def relink(nb, suffix: str) -> int:
    """Point markdown links between lessons at the exported files (``NN_name<suffix>``); links
    to files that are not exported (solutions, TEACHING.md) become plain text that names the
    file in the repository. Returns the number of links changed."""
    n = 0
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        src, k1 = _LESSON_LINK.subn(lambda m: f"]({m.group(1)}{suffix}{m.group(2)}", cell.source)
        src, k2 = _OTHER_LINK.subn(
            lambda m: f"{m.group(1)} (`notebooks/{m.group(2).lstrip('./')}` in the repository)", src)
        cell.source, n = src, n + k1 + k2
    return n


_TEXT_ARG = re.compile(r"\\text\{([^{}]*)\}")


def fix_text_underscores(nb) -> int:
    r"""Write ``\text{fan\_in}`` as ``\text{fan_in}`` in the markdown cells.

    JupyterLab's MathJax 3 shows both as "fan_in"; the MathJax 2.7 of nbconvert's pages keeps
    the backslash of ``\_`` inside ``\text{}`` ("fan\_in"), while a bare ``_`` there is an
    underscore in both. Returns the number of replacements."""
    count = 0

    def fix(m):
        nonlocal count
        count += m.group(1).count("\\_")
        return "\\text{" + m.group(1).replace("\\_", "_") + "}"

    for cell in nb.cells:
        if cell.cell_type == "markdown" and "\\text{" in cell.source:
            cell.source = _TEXT_ARG.sub(fix, cell.source)
    return count


def lesson_info(nb, path: Path) -> tuple[str, str]:
    """(title, goal as HTML) from the lesson's first markdown cell: its "# " heading and the
    paragraph after it (a leading "Goal:" dropped)."""
    title, goal_lines = path.stem.replace("_", " "), []
    first = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    if first is not None:
        lines = first.source.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("# "):
                title = line[2:].strip()
                rest = lines[i + 1:]
                break
        else:
            rest = lines
        for line in rest:
            if line.strip():
                goal_lines.append(line.strip())
            elif goal_lines:
                break
    goal = re.sub(r"^(\*\*|__)?Goal:?(\*\*|__)?:?\s*", "", " ".join(goal_lines))
    if goal:
        from nbconvert.filters import markdown2html

        goal = markdown2html(goal).strip()
        goal = re.sub(r"^<p>|</p>$", "", goal)
    return title, goal


def write_index(out_dir: Path, heading: str, intro: str, entries: list[tuple[str, str, str]]) -> Path:
    """A plain index page: entries are (href, title, goal as HTML). Formulas in the goals are
    typeset by the local MathJax in _assets/ (the page works without it too)."""
    items = "\n".join(
        f'  <li><a href="{html.escape(href)}">{html.escape(title)}</a>'
        + (f"<br><span class=goal>{goal}</span>" if goal else "") + "</li>"
        for href, title, goal in entries)
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(heading)}</title>
<style>
  body {{ font-family: system-ui, sans-serif; max-width: 50em; margin: 2em auto; padding: 0 1em;
         line-height: 1.5; color: #222; }}
  li {{ margin: 0.7em 0; }}
  a {{ font-weight: 600; }}
  .goal {{ color: #555; }}
  footer {{ margin-top: 3em; color: #595959; font-size: 0.9em; }}  /* 7:1; #777 was 4.5:1 */
</style>
<script type="text/x-mathjax-config">
MathJax.Hub.Config({{ tex2jax: {{ inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]], processEscapes: true }},
                     messageStyle: "none" }});
</script>
<script src="{URLS["mathjax_url"]}"></script>
</head>
<body>
<main>
<h1>{html.escape(heading)}</h1>
<p>{intro}</p>
<ol>
{items}
</ol>
</main>
<footer>Built from the initviz notebooks; works offline (no file is loaded from the
internet).</footer>
</body>
</html>
"""
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def export_lessons(notebooks, out_dir: Path, exporter, suffix: str, heading: str, intro: str,
                   prepare=None, quiet: bool = False) -> list[Path]:
    """Export each lesson with ``exporter`` to ``out_dir/<stem><suffix>`` for offline reading.

    Copies the assets, rewrites what MathJax 2 cannot show, replaces live widgets by a note,
    and writes ``index.html`` (``heading``, ``intro`` and one entry per lesson).
    ``prepare(nb, path)``, if given, runs on each notebook first (e.g. to execute it).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    copy_assets(out_dir)
    entries, written = [], []
    for path in notebooks:
        t0 = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        if prepare is not None:
            prepare(nb, path)
        fix_text_underscores(nb)  # MathJax 2 shows "\_" inside \text{} literally
        relink(nb, suffix)
        title, goal = lesson_info(nb, path)
        n_widgets = strip_widgets(nb)
        body, _ = exporter.from_notebook_node(
            nb, resources={"metadata": {"name": title, "path": str(path.parent)}})
        target = out_dir / f"{path.stem}{suffix}"
        target.write_text(body, encoding="utf-8")
        written.append(target)
        entries.append((target.name, title, goal))
        if not quiet:
            print(f"{target}  ({len(body) / 1e6:.2f} MB, {n_widgets} live widget(s) as notes, "
                  f"{time.perf_counter() - t0:.1f} s)")
    index = write_index(out_dir, heading, intro, entries)
    if not quiet:
        print(index)
    return written


def cli(argv, doc: str, default_out: Path, build, with_execute: bool = False) -> int:
    """The command line both build scripts share: lessons (default all), --out [, --execute]."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="lessons (default: notebooks/NN_*.ipynb)")
    parser.add_argument("--out", type=Path, default=default_out,
                        help=f"output folder (default: {default_out.relative_to(REPO)})")
    if with_execute:
        parser.add_argument("--execute", action="store_true", help="run each lesson before "
                            "exporting (the stored notebooks are not changed)")
    args = parser.parse_args(argv)
    notebooks = lessons(args.notebooks)
    if not notebooks:
        print("no lessons found", file=sys.stderr)
        return 1
    try:
        build(notebooks, args.out, **({"run": args.execute} if with_execute else {}))
    except MissingAssets as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0

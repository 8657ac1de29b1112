"""Helpers for the real-browser tests: servers on 127.0.0.1 and JupyterLab page actions.

Used by the tests in this folder (see conftest.py for the fixtures). Nothing here talks to any
address but 127.0.0.1; every server runs on a temporary copy of the notebooks, with its own
settings, workspaces and runtime folders, and is stopped by the fixture that started it.

Measured on this project's 2-core machine:
wait for the status bar's "| Idle" (the toolbar indicator reads idle before the kernel has
started), open notebooks with ``?reset`` (old tabs would come back), serve a copy (autosave
would overwrite stored outputs), turn the news toast off in user settings.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
NOTEBOOK_DIR = Path(os.environ.get("INITVIZ_NOTEBOOKS", REPO / "notebooks")).resolve()
ARTIFACTS = Path(os.environ.get("INITVIZ_ARTIFACTS", REPO / "test-artifacts" / "browser"))
LESSON_GLOB = "[0-9][0-9]_*.ipynb"
SCRIPTS = REPO / "scripts"
NODE_MODULES = Path(os.environ.get("INITVIZ_NODE_MODULES", REPO / "node_modules"))


def lessons() -> list[Path]:
    return sorted(NOTEBOOK_DIR.glob(LESSON_GLOB))


def chromium_path() -> str | None:
    env = os.environ.get("INITVIZ_CHROMIUM")
    if env:
        return env if os.access(env, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


def required() -> bool:
    """CI sets INITVIZ_REQUIRE_BROWSER=1: what would be skipped must fail instead."""
    return os.environ.get("INITVIZ_REQUIRE_BROWSER", "") not in ("", "0")


def skip_or_fail(reason: str):
    import pytest

    if required():
        pytest.fail(f"INITVIZ_REQUIRE_BROWSER is set, but {reason}", pytrace=False)
    pytest.skip(reason)


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("Python playwright is not installed (pip install playwright; "
                "never `playwright install`: the tests use Debian's chromium)")
    if chromium_path() is None:
        return "Chromium not found at /usr/bin/chromium (apt-get install chromium)"
    return None


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

# Text that JupyterLab / ipywidgets show when a widget view could not be made.
WIDGET_FAILURE_TEXTS = (
    "Error displaying widget",
    "Failed to load model class",
    "Failed to create view",
    "Could not create a view",
    "Could not create a model",
    "Open Browser Console for more detailed log",
    "Loading widget...",
    "Click to show javascript error.",
)

# A widget's text/plain fallback, shown when no widget manager rendered it:
# "IntSlider(value=3)", "VBox(children=(...))", "interactive(children=...)",
# "SignalExplorer(children=...)".
WIDGET_REPR_RE = r"^\s*[A-Za-z_][A-Za-z0-9_]*\((children|value|description|options|layout)="


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def venv_bin(name: str) -> str:
    """The console script `name` next to this Python (the project's .venv), else on PATH."""
    here = Path(sys.executable).parent / name
    if here.exists():
        return str(here)
    found = shutil.which(name)
    return found or str(here)


def copy_notebooks(src: Path, dest: Path, pattern: str = "[0-9][0-9]_*.ipynb") -> list[Path]:
    """Copy notebooks/ (lessons and whatever they read beside them) to a scratch folder."""
    shutil.copytree(src, dest, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".*", "__pycache__", "*.pyc"))
    return sorted(dest.glob(pattern))


def write_lab_settings(settings_dir: Path) -> None:
    """User settings: no news/update toast, render every cell (off-screen ones too)."""
    files = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
            {"windowingMode": "none"},
        # Nothing should write to the scratch copy behind the test's back.
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings":
            {"autosave": False},
    }
    for rel, value in files.items():
        path = settings_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))


def kernel_env() -> dict:
    """Environment for servers and their kernels.

    MPLBACKEND is dropped: `make test` sets Agg for the package tests, and a kernel that
    inherits it would show "<Figure ...>" text instead of the inline figures. One BLAS thread:
    the browser takes the other core (2 BLAS threads were 2-2.5x slower then).
    """
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("MKL_NUM_THREADS", "1")
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


class Server:
    """A Jupyter server process (JupyterLab or Voila) on 127.0.0.1 with a random token."""

    def __init__(self, argv: list[str], root: Path, port: int, token: str | None,
                 env: dict, ready_path: str | None, log_name: str = "server.log"):
        self.root, self.port, self.token = root, port, token
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = root / log_name
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(argv, cwd=root, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self._wait_ready(ready_path)

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def _wait_ready(self, path: str | None, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if path is None:  # TCP only: a GET would make Voila start a kernel
                    with socket.create_connection(("127.0.0.1", self.port), timeout=5):
                        return
                with urllib.request.urlopen(self.url(path), timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"server not ready after {timeout:.0f} s:\n{self.log_tail()}")
            time.sleep(0.25)

    def url(self, path: str, **query) -> str:
        q = "&".join(f"{k}={v}" if v is not None else k for k, v in query.items())
        if self.token:
            q = f"{q}&token={self.token}" if q else f"token={self.token}"
        return f"{self.base}/{path.lstrip('/')}" + (f"?{q}" if q else "")

    def api(self, method: str, path: str):
        req = urllib.request.Request(self.url(path), method=method)
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Delete every session and kernel (between notebooks)."""
        try:
            for s in self.api("GET", "api/sessions") or []:
                self.api("DELETE", f"api/sessions/{s['id']}")
            for k in self.api("GET", "api/kernels") or []:
                self.api("DELETE", f"api/kernels/{k['id']}")
        except OSError:
            pass

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def start_lab(workdir: Path, notebook_dir: Path, extra_args: list[str] = ()) -> Server:
    """JupyterLab 4 on a copy of `notebook_dir` inside `workdir`."""
    nb_copy = workdir / "notebooks"
    copy_notebooks(notebook_dir, nb_copy)
    settings = workdir / "lab-settings"
    write_lab_settings(settings)
    env = kernel_env()
    env.update(
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(workdir / "lab-workspaces"),
        JUPYTER_RUNTIME_DIR=str(workdir / "runtime"),
        IPYTHONDIR=str(workdir / "ipython"),
    )
    port, token = free_port(), secrets.token_hex(16)
    argv = [
        venv_bin("jupyter-lab"), "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={nb_copy}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--ServerApp.terminals_enabled=False",
        # window.jupyterapp: the test reads each cell's output model (which outputs are
        # widget views) to check that each one rendered as a widget.
        "--LabApp.expose_app_in_browser=True",
        *extra_args,
    ]
    server = Server(argv, workdir, port, token, env, "api/status")
    server.notebook_dir = nb_copy
    return server


def start_voila(workdir: Path, notebook: Path) -> Server:
    """Voila serving one notebook (a copy), as `make app` does but on a random port."""
    app_dir = workdir / "app"
    copy_notebooks(notebook.parent, app_dir)
    env = kernel_env()
    env.update(JUPYTER_RUNTIME_DIR=str(workdir / "runtime"), IPYTHONDIR=str(workdir / "ipython"))
    port = free_port()
    argv = [
        venv_bin("voila"), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0", str(app_dir / notebook.name),
    ]
    # Voila serves the notebook at "/" with no token; each GET of "/" starts a kernel, so
    # readiness is probed on the TCP port only.
    return Server(argv, workdir, port, None, env, None, log_name="voila.log")


# ---------------------------------------------------------------------------- page helpers

ACTIVE_NB = ".jp-NotebookPanel:not(.lm-mod-hidden)"

JS_STATUS = "() => [...document.querySelectorAll('.jp-StatusBar-Widget')]" \
            ".map(e => e.textContent).join(' ')"


def wait_kernel_idle(page, timeout_ms: int = 120_000) -> None:
    """Wait for the status bar's "(ipykernel) | Idle" (kernel started and idle)."""
    page.wait_for_function(
        "() => /\\| Idle/.test([...document.querySelectorAll('.jp-StatusBar-Widget')]"
        ".map(e => e.textContent).join(' '))",
        timeout=timeout_ms, polling=250)


def open_notebook(page, lab: Server, name: str, timeout_ms: int = 120_000) -> None:
    page.goto(lab.url(f"lab/tree/{name}", reset=None), wait_until="domcontentloaded")
    page.wait_for_selector(f"{ACTIVE_NB} .jp-Cell", timeout=timeout_ms)
    wait_kernel_idle(page, timeout_ms)


def run_all_cells(page, timeout_ms: int = 600_000) -> None:
    """Run > Run All Cells from the menu bar, then wait until every code cell has run.

    "Done" = every code cell's prompt shows an execution count (no "[*]" or "[ ]") and the
    status bar reads Idle.
    """
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_function(
        """(sel) => {
          const nb = document.querySelector(sel);
          if (!nb) return false;
          const prompts = [...nb.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
            .map(e => e.textContent.trim());
          const status = [...document.querySelectorAll('.jp-StatusBar-Widget')]
            .map(e => e.textContent).join(' ');
          return prompts.length > 0 && prompts.every(t => /^\\[\\d+\\]:?$/.test(t))
                 && /\\| Idle/.test(status);
        }""",
        arg=ACTIVE_NB, timeout=timeout_ms, polling=500)


def output_problems(page, scope: str = ACTIVE_NB) -> list[str]:
    """Errors, stderr and unrendered widgets in the outputs under `scope`, as messages."""
    return page.evaluate(
        """([scope, widgetMime, failures, reprRe]) => {
          const root = document.querySelector(scope) || document.body;
          const problems = [];
          const re = new RegExp(reprRe, 'm');
          const cellOf = (el) => {
            const cell = el.closest('.jp-Cell');
            if (!cell) return '?';
            const cells = [...root.querySelectorAll('.jp-Cell')];
            return String(cells.indexOf(cell) + 1);
          };
          const clip = (s) => s.replace(/\\s+/g, ' ').trim().slice(0, 300);
          for (const out of root.querySelectorAll('.jp-OutputArea-output')) {
            const mime = out.getAttribute('data-mime-type') || '';
            const text = out.innerText || '';
            if (mime === 'application/vnd.jupyter.stderr') {
              problems.push(`cell ${cellOf(out)}: error/stderr output: ${clip(text)}`);
            } else if (!mime) {
              // ipywidgets' renderer is a panel without a data-mime-type; a real view holds
              // at least one ".widget-*" element (slider, box, image, button...).
              if (!out.querySelector('[class*="widget-"]:not(.widget-error)')) {
                problems.push(`cell ${cellOf(out)}: widget view did not render: ${clip(text)}`);
              }
            } else if (mime === 'text/plain' && re.test(text)) {
              problems.push(`cell ${cellOf(out)}: widget shown as text (no view): ${clip(text)}`);
            }
            for (const f of failures) {
              if (text.includes(f)) {
                problems.push(`cell ${cellOf(out)}: "${f}": ${clip(text)}`);
                break;
              }
            }
          }
          // ipywidgets' ErrorWidgetView (a view class that failed to load or render), also
          // when nested inside a box that did render.
          for (const err of root.querySelectorAll('.jupyter-widgets-error-widget')) {
            problems.push(`cell ${cellOf(err)}: widget failed to render (ErrorWidgetView)`);
          }
          for (const err of root.querySelectorAll('.jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]')) {
            problems.push(`cell ${cellOf(err)}: error: ${clip(err.innerText)}`);
          }
          return problems;
        }""",
        [scope, WIDGET_MIME, list(WIDGET_FAILURE_TEXTS), WIDGET_REPR_RE])


def unrendered_widgets(page) -> list[str]:
    """Widget outputs of the active notebook's model that did not render as a widget view.

    Reads the output model of every code cell through ``window.jupyterapp`` (JupyterLab runs
    with ``expose_app_in_browser``): each output carrying the widget-view MIME type must show
    as an ipywidgets view (a panel with ``.widget-*`` elements), not as its text/plain
    fallback ("IntSlider(...)", a custom repr) nor as an error view."""
    return page.evaluate(
        """(widgetMime) => {
          const app = window.jupyterapp;
          if (!app) return ['window.jupyterapp missing: start JupyterLab with expose_app_in_browser'];
          const panel = app.shell.currentWidget;
          if (!panel || !panel.content || !panel.content.widgets) return ['no active notebook'];
          const problems = [];
          panel.content.widgets.forEach((cell, i) => {
            if (cell.model.type !== 'code') return;
            const outputs = cell.model.outputs;
            const rendered = cell.node.querySelectorAll('.jp-OutputArea-child > .jp-OutputArea-output');
            for (let j = 0; j < outputs.length; j++) {
              const data = outputs.get(j).data || {};
              if (!(widgetMime in data)) continue;
              const el = rendered[j];
              const text = el ? (el.innerText || '').replace(/\\s+/g, ' ').slice(0, 200) : '(no element)';
              if (!el || el.getAttribute('data-mime-type')
                  || !el.querySelector('[class*="widget-"]')
                  || el.querySelector('.jupyter-widgets-error-widget')) {
                problems.push(`cell ${i + 1}: widget output ${j + 1} did not render as a widget: ${text}`);
              }
            }
          });
          return problems;
        }""", WIDGET_MIME)


def stored_widget_count(notebook: Path) -> int:
    """How many widget views the stored (executed) notebook shows."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    return sum(WIDGET_MIME in out.get("data", {})
               for cell in nb["cells"] if cell["cell_type"] == "code"
               for out in cell.get("outputs", []))


def widget_outputs(page, scope: str = ACTIVE_NB):
    """Widget views: in JupyterLab 4 the ipywidgets renderer's output has no data-mime-type
    (every other renderer sets one)."""
    return page.locator(f"{scope} .jp-OutputArea-output:not([data-mime-type])")


def figure_signature(locator) -> list[str]:
    """What the figures of a widget area show now: img sources (blob/data URLs change on every
    new frame), canvas pixels (ipympl), inline SVG."""
    return locator.evaluate(
        """(root) => {
          const sig = [];
          for (const img of root.querySelectorAll('img')) sig.push('img:' + img.src);
          for (const c of root.querySelectorAll('canvas')) {
            try { sig.push('canvas:' + c.toDataURL()); } catch (e) { sig.push('canvas:?'); }
          }
          for (const s of root.querySelectorAll('svg')) {
            if (s.closest('.widget-slider, .noUi-target, button')) continue;
            sig.push('svg:' + s.outerHTML.length + ':' + s.outerHTML.slice(-2000));
          }
          return sig;
        }""")


def slider_handles(locator):
    return locator.locator(".widget-slider .noUi-handle")


def slider_label(handle) -> str:
    return handle.evaluate(
        """(h) => {
          const box = h.closest('.widget-slider');
          const label = box && box.querySelector('.widget-label');
          return (label && label.textContent.trim()) || (h.getAttribute('aria-label') || 'slider');
        }""")


def slider_readout(handle) -> str:
    return handle.evaluate(
        """(h) => {
          const box = h.closest('.widget-slider');
          const r = box && box.querySelector('.widget-readout');
          return r ? (r.value !== undefined && r.tagName === 'INPUT' ? r.value : r.textContent).trim()
                   : (h.getAttribute('aria-valuenow') || '');
        }""")


def slider_disabled(handle) -> bool:
    return handle.evaluate(
        """(h) => {
          const t = h.closest('.noUi-target');
          return !!(t && (t.hasAttribute('disabled') || t.closest('[disabled]')));
        }""")


def wait_until(predicate, timeout_s: float, interval_s: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout_s
    while True:
        if predicate():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(interval_s)


def settle_figure(area, timeout_s: float = 60.0, quiet_s: float = 1.0) -> list[str]:
    """Wait until the figures in `area` stop changing for `quiet_s` (frames can arrive late:
    the explorers coalesce redraws on a background thread)."""
    last = figure_signature(area)
    stable_since = time.monotonic()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = figure_signature(area)
        if now != last:
            last, stable_since = now, time.monotonic()
        elif time.monotonic() - stable_since >= quiet_s:
            break
    return last


def move_slider(page, handle) -> tuple[str, str]:
    """Focus a slider handle and press ArrowRight (ArrowLeft if it sits at its maximum).

    Returns (readout before, readout after)."""
    before = slider_readout(handle)
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.keyboard.press("ArrowRight")
    changed = wait_until(lambda: slider_readout(handle) != before, 3.0)
    if not changed:
        handle.focus()
        page.keyboard.press("ArrowLeft")
        wait_until(lambda: slider_readout(handle) != before, 3.0)
    return before, slider_readout(handle)


# ------------------------------------------------------------------------- explorers

# A slider move must show a new frame within this time (the explorers render in ~0.1-1 s;
# the machine is shared, so the bound is loose).
FIGURE_TIMEOUT_S = 60.0


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "slider"


def explorers(page, scope: str = ACTIVE_NB):
    """Widget outputs that hold at least one slider and one figure."""
    found = []
    areas = widget_outputs(page, scope)
    for i in range(areas.count()):
        area = areas.nth(i)
        if slider_handles(area).count() and figure_signature(area):
            found.append(area)
    return found


def area_text(area) -> str:
    """The widget area's visible text (status lines, readouts, labels)."""
    return area.evaluate("(root) => root.innerText")


def choice_controls(area):
    """The explorer's choice controls: (kind, locator) for each group of toggle buttons
    (ipywidgets ToggleButtons), each drop-down (Dropdown) and each check box (Checkbox)."""
    found = []
    groups = area.locator(".widget-toggle-buttons")
    for i in range(groups.count()):
        found.append(("toggle", groups.nth(i)))
    selects = area.locator(".widget-dropdown select")
    for i in range(selects.count()):
        found.append(("dropdown", selects.nth(i)))
    boxes = area.locator(".widget-checkbox input[type=checkbox]")
    for i in range(boxes.count()):
        found.append(("checkbox", boxes.nth(i)))
    return found


def choice_label(kind, control) -> str:
    return control.evaluate(
        """(el) => {
          const box = el.closest('.widget-toggle-buttons, .widget-dropdown, .widget-checkbox')
                      || el;
          // (a check box has an indent label, empty but for a zero-width space, before the
          // one with its description)
          const text = (l) => l.textContent.replace(/\u200b/g, '').trim();
          const named = [...box.querySelectorAll('.widget-label, label')].find(text);
          return (named && text(named)) || 'choice';
        }""")


def move_choice(kind, control) -> tuple[str, str] | None:
    """Pick another option of a toggle group (the first unselected, enabled button) or a
    drop-down (the next option), or flip a check box. Returns (old, new), or None if nothing
    can be picked."""
    if kind == "toggle":
        buttons = control.locator("button")
        old = control.locator("button.mod-active").first
        old_text = old.inner_text().strip() if old.count() else ""
        for k in range(buttons.count()):
            b = buttons.nth(k)
            if "mod-active" in (b.get_attribute("class") or "") or b.is_disabled():
                continue
            b.scroll_into_view_if_needed()
            b.click()
            return old_text, b.inner_text().strip()
        return None
    if control.is_disabled():
        return None
    if kind == "checkbox":
        old = control.is_checked()
        control.scroll_into_view_if_needed()
        control.click()
        return str(old), str(not old)
    values = control.evaluate("(s) => [...s.options].map(o => o.textContent.trim())")
    index = control.evaluate("(s) => s.selectedIndex")
    if len(values) < 2:
        return None
    new = (index + 1) % len(values)
    control.scroll_into_view_if_needed()
    control.select_option(index=new)
    return values[index], values[new]


def action_button(area):
    """The explorer's primary action (button_style="success", e.g. "train"), if any."""
    buttons = area.locator("button.mod-success:not([disabled])")
    return buttons.first if buttons.count() else None


def exercise_explorer(page, area, folder, tag, max_sliders: int | None = None,
                      choices: bool | None = None) -> list[str]:
    """Move every slider of one explorer (or the first `max_sliders`) with the keyboard and
    check that the figure changed; then (``choices``) pick another option of every toggle
    group and drop-down and check that the figure or the explorer's text changed (a choice
    such as the precision can leave the pixels alone and change the status line), and move
    the sliders a choice enabled (the signal explorer's branch scale, once residual is on).
    Screenshots before/after each move go to `folder`.

    An explorer with an action button (button_style="success", e.g. the training explorer's
    "train") redraws on that button, so it is pressed after each move. Returns failure
    messages (empty: all good). ``choices`` None: only when every slider is moved
    (``max_sliders`` None)."""
    if choices is None:
        choices = max_sliders is None
    failures = []
    button = action_button(area)
    quiet = 1.0 if button is not None else 0.5  # training streams frames; renders do not
    area.scroll_into_view_if_needed()
    if button is not None:  # first frame of a button-driven explorer
        before = figure_signature(area)
        button.click()
        wait_until(lambda: figure_signature(area) != before, FIGURE_TIMEOUT_S)
    before_sig = settle_figure(area, quiet_s=quiet)
    handles = slider_handles(area)
    n = handles.count() if max_sliders is None else min(max_sliders, handles.count())
    skipped = []
    for j in range(n):
        handle = handles.nth(j)
        label = slider_label(handle)
        if slider_disabled(handle) or not handle.is_visible():
            skipped.append(j)
            continue
        before_sig, more = _move_one_slider(page, area, handle, label, button, folder,
                                            f"{tag}-{j + 1:02d}-{_slug(label)}", before_sig,
                                            quiet, tag)
        failures += more
    if not choices:
        return failures
    for k, (kind, control) in enumerate(choice_controls(area)):
        label = choice_label(kind, control)
        name = f"{tag}-choice{k + 1:02d}-{_slug(label)}"
        text_before = area_text(area)
        area.screenshot(path=str(folder / f"{name}-before.png"))
        moved = move_choice(kind, control)
        if moved is None:
            continue
        if button is not None:
            button.click()
        changed = wait_until(lambda: figure_signature(area) != before_sig
                             or area_text(area) != text_before, FIGURE_TIMEOUT_S)
        before_sig = settle_figure(area, quiet_s=quiet)
        area.screenshot(path=str(folder / f"{name}-after.png"))
        if not changed:
            failures.append(f"{tag} {kind} {label!r} set {moved[0]} -> {moved[1]} but neither "
                            f"the figure nor the text changed within {FIGURE_TIMEOUT_S:.0f} s")
    for j in skipped:  # sliders a choice enabled
        handle = handles.nth(j)
        if slider_disabled(handle) or not handle.is_visible():
            continue
        label = slider_label(handle)
        before_sig, more = _move_one_slider(page, area, handle, label, button, folder,
                                            f"{tag}-{j + 1:02d}-{_slug(label)}-enabled",
                                            before_sig, quiet, tag)
        failures += more
    return failures


def _move_one_slider(page, area, handle, label, button, folder, name, before_sig, quiet, tag):
    """Move one slider and check the figure changed: (the new signature, failures)."""
    area.screenshot(path=str(folder / f"{name}-before.png"))
    old, new = move_slider(page, handle)
    if old == new:
        return before_sig, [f"{tag} slider {label!r}: the keyboard did not change its value "
                            f"({old})"]
    if button is not None:
        button.click()
    changed = wait_until(lambda: figure_signature(area) != before_sig, FIGURE_TIMEOUT_S)
    before_sig = settle_figure(area, quiet_s=quiet)
    area.screenshot(path=str(folder / f"{name}-after.png"))
    if not changed:
        return before_sig, [f"{tag} slider {label!r} moved {old} -> {new} but the figure did "
                            f"not change within {FIGURE_TIMEOUT_S:.0f} s"]
    return before_sig, []

"""The JupyterLite site (`make lite`) in Chromium with no internet: lesson 00 opens, the
Pyodide kernel starts from the site's own files, an ipywidgets slider renders and its value
reaches the kernel, initviz's wheel installs, and the only requests that try to leave the
machine are the five pinned compiled wheels on Pyodide's CDN (numpy, matplotlib, pillow,
kiwisolver, contourpy), which no registry here serves: so the lesson's own cells, which need
numpy, cannot run in this test.

The site is the one tests/test_lite.py builds (once per session). It is served on 127.0.0.1
by a small threaded server that counts the bytes it sends; Chromium runs with service
workers on (JupyterLite's kernel needs them), every name but localhost unresolvable, and a
route that aborts and records each request to another host (page, worker or service worker).
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import os
import threading
import time
from pathlib import Path

import pytest

from labdriver import CHROMIUM_ARGS, chromium_path

def lite_site(tmp_path_factory) -> Path:
    """tests/test_lite.py's site (built once per session; skipped or failed as it says)."""
    path = Path(__file__).resolve().parents[1] / "test_lite.py"
    spec = importlib.util.spec_from_file_location("initviz_lite_site_tests", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.lite_site(tmp_path_factory)

LESSON = "00_why_initialization_matters.ipynb"
KERNEL_TIMEOUT_MS = 240_000  # measured 20-65 s here (65 s with both cores busy)


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site; adds the size of every file body it sends to ``server.sent``."""

    def copyfile(self, source, outputfile):
        self.server.sent += os.fstat(source.fileno()).st_size
        super().copyfile(source, outputfile)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    site = lite_site(tmp_path_factory)
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_CountingHandler, directory=str(site)))
    httpd.sent = 0
    httpd.site = site
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _outside(url: str) -> bool:
    if not url.startswith(("http:", "https:", "ws:", "wss:")):
        return False
    return url.split("/")[2].rsplit(":", 1)[0] not in ("127.0.0.1", "localhost", "[::1]")


@pytest.fixture(scope="module")
def lite_page(server, playwright_driver, tmp_path_factory, artifacts):
    """Lesson 00 open in JupyterLite's JupyterLab, its kernel idle; ``page.timings``."""
    pw = playwright_driver
    context = pw.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("lite-profile")),
        executable_path=chromium_path(),
        headless=True,
        args=[*CHROMIUM_ARGS,
              "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"],
        viewport={"width": 1400, "height": 1000},
        service_workers="allow",  # JupyterLite's kernel hangs without its service worker
    )
    context.set_default_timeout(60_000)
    outside: list[str] = []

    def route(r):
        if _outside(r.request.url):
            outside.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    context.route("**/*", route)
    page = context.pages[0] if context.pages else context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.outside_requests = outside
    start = time.perf_counter()
    page.goto(f"http://127.0.0.1:{server.server_port}/lab/index.html?path={LESSON}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=KERNEL_TIMEOUT_MS)
    shown = time.perf_counter() - start
    page.locator(".jp-StatusBar-Widget", has_text="Python (Pyodide) | Idle").wait_for(
        timeout=KERNEL_TIMEOUT_MS)
    page.timings = {"lesson_shown_s": shown, "kernel_idle_s": time.perf_counter() - start,
                    "site_bytes_to_idle": server.sent}
    yield page
    (artifacts / "lite.console.txt").write_text("\n".join(
        console + [f"outside request (blocked): {u}" for u in outside]) + "\n")
    (artifacts / "lite.timings.json").write_text(json.dumps(page.timings, indent=1) + "\n")
    context.close()


def run_new_cell(page, code: str):
    """Insert a cell above the first one, run ``code`` in it; return the cell's locator."""
    first = page.locator(".jp-NotebookPanel .jp-Cell").first
    first.locator(".jp-InputPrompt").click()
    page.keyboard.press("Escape")
    page.keyboard.press("a")
    cell = page.locator(".jp-NotebookPanel .jp-Cell").first
    cell.locator(".cm-content").click()
    page.keyboard.insert_text(code)
    page.keyboard.press("Shift+Enter")
    cell.locator(".jp-InputPrompt", has_text="[").filter(has_not_text="[*]").filter(
        has_not_text="[ ]").wait_for(timeout=KERNEL_TIMEOUT_MS)
    return cell


def test_lesson_opens_and_the_kernel_starts_offline(lite_page, artifacts):
    page = lite_page
    assert page.locator(".jp-NotebookPanel h1").first.inner_text().strip()
    page.screenshot(path=str(artifacts / "lite-lesson00.png"))
    assert page.outside_requests == []  # the kernel came entirely from the site


def test_a_slider_renders_and_reaches_the_kernel(lite_page, artifacts):
    page = lite_page
    cell = run_new_cell(page, 'import ipywidgets as w; s = w.IntSlider(value=3, min=0, '
                              'max=10, description="n"); display(s)')
    readout = cell.locator(".widget-readout")
    readout.wait_for()
    assert readout.inner_text().strip() == "3"
    cell.locator(".widget-slider .noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert readout.inner_text().strip() == "5"
    out = run_new_cell(page, 'print("slider value in the kernel:", s.value)')
    out.locator(".jp-OutputArea-output", has_text="slider value in the kernel: 5").wait_for()
    page.screenshot(path=str(artifacts / "lite-slider.png"))


def test_lesson_loads_initviz_from_the_site_and_only_the_pinned_wheels_from_the_cdn(
        lite_page, server, artifacts):
    page = lite_page
    before = server.sent
    # the lesson's setup: `import initviz` makes Pyodide load initviz's wheel and its
    # dependencies; the compiled ones are requested from the CDN and blocked here
    run_new_cell(page, "import initviz")
    cdn = json.loads((server.site / "cdn-wheels.json").read_text())
    assert sorted(page.outside_requests) == sorted(url for url, _ in cdn.values())
    page.timings["site_bytes_for_import_initviz"] = server.sent - before
    # initviz itself was installed: its metadata, its data, and its thread policy, which
    # runs as it does in the lesson (initviz/_util.py needs no numpy)
    cell = run_new_cell(page, "\n".join([
        "import importlib.metadata as md, importlib.util",
        "files = {f.name: f for f in md.files('initviz')}",
        "spec = importlib.util.spec_from_file_location('initviz_util', files['_util.py'].locate())",
        "u = importlib.util.module_from_spec(spec); spec.loader.exec_module(u)",
        "with u.blas_threads(16, 32): pass",
        "print('initviz', md.version('initviz'), files['digits.npz'].locate().stat().st_size,"
        " type(u._controller()).__name__)",
    ]))
    digits = (Path(__file__).resolve().parents[2] / "initviz" / "data" / "digits.npz")
    text = cell.locator(".jp-OutputArea-output").last.inner_text()
    # _util's browser path: no threadpoolctl controller (and so no warning from it)
    assert f"initviz 0.1.0 {digits.stat().st_size} NoneType" in text, text
    assert "Warning" not in text, text
    page.screenshot(path=str(artifacts / "lite-initviz.png"))
    assert sorted(page.outside_requests) == sorted(url for url, _ in cdn.values())

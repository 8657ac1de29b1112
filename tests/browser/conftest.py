"""Fixtures for the real-browser tests (JupyterLab, live slides, Voila, offline pages).

Everything runs on 127.0.0.1 and drives Debian's Chromium (/usr/bin/chromium) through Python
Playwright; `playwright install` is never used. When Chromium or Playwright is missing the
tests here are skipped with the reason, so `make test` on a laptop without them still runs the
rest. CI installs both (see .ci/run), so there they run.

Environment overrides:
  INITVIZ_CHROMIUM   Chromium executable (default /usr/bin/chromium, else `chromium` on PATH)
  INITVIZ_NOTEBOOKS  folder of the lessons to test (default <repo>/notebooks)
  INITVIZ_ARTIFACTS  where screenshots and logs go (default <repo>/test-artifacts/browser)
  INITVIZ_REQUIRE_BROWSER=1  fail instead of skip when Chromium, Playwright, Voila or the
                     offline JavaScript (npm ci) is missing: CI sets it, so a missing install
                     step cannot pass as a skip
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # labdriver

from labdriver import (  # noqa: E402
    ARTIFACTS,
    CHROMIUM_ARGS,
    LESSON_GLOB,
    NODE_MODULES,
    NOTEBOOK_DIR,
    SCRIPTS,
    chromium_path,
    lessons,
    missing_browser,
    required,
    skip_or_fail,
)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives a real Chromium (skipped when Chromium/Playwright is missing)")


def pytest_collection_modifyitems(config, items):
    reason = missing_browser()
    mine = [i for i in items if HERE in Path(str(i.fspath)).resolve().parents]
    if reason and mine and required():
        raise pytest.UsageError(f"INITVIZ_REQUIRE_BROWSER is set, but {reason}")
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))


def _outside(url: str) -> bool:
    """A request that would leave this machine (blocked by the resolver rule)."""
    if not url.startswith(("http:", "https:", "ws:", "wss:")):
        return False
    host = url.split("/")[2].rsplit(":", 1)[0]
    return host not in ("127.0.0.1", "localhost", "[::1]")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright driver for the session: its sync API refuses a second one started in the
    same process while the first runs (the JupyterLite tests launch their own Chromium)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser_context(playwright_driver, tmp_path_factory):
    """One Chromium for the session, on a fresh profile directory."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    pw = playwright_driver
    context = pw.chromium.launch_persistent_context(
        str(profile),
        executable_path=chromium_path(),
        headless=True,
        # No name but localhost resolves: the pages must work with no internet, as in
        # a classroom on a network the teacher does not control.
        args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"],
        viewport={"width": 1400, "height": 1000},
        device_scale_factor=1,
        accept_downloads=False,
        service_workers="block",
    )
    context.set_default_timeout(60_000)
    for page in context.pages:  # the persistent context opens a blank tab
        page.close()
    yield context
    context.close()


@pytest.fixture
def page(browser_context, request, artifacts):
    """A fresh tab; console errors are written to the artifacts folder."""
    pg = browser_context.new_page()
    console: list[str] = []
    pg.on("console", lambda m: console.append(f"{m.type}: {m.text}")
          if m.type in ("error", "warning") else None)
    pg.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    outside: list[str] = []
    pg.on("request", lambda r: outside.append(r.url) if _outside(r.url) else None)
    failed: list[str] = []
    pg.on("requestfailed", lambda r: failed.append(f"{r.url[:200]} ({r.failure})"))
    pg.console_log = console
    pg.outside_requests = outside
    pg.failed_requests = failed
    yield pg
    name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
    if console or outside:
        text = "\n".join(console + [f"outside request (blocked): {u}" for u in outside])
        (artifacts / f"{name}.console.txt").write_text(text + "\n")
    pg.close()


def _offline_module():
    """scripts/offline.py (the build scripts' shared code), importable with its neighbours."""
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))
    import offline

    return offline


@pytest.fixture(scope="session")
def assets_ready():
    offline = _offline_module()
    try:
        offline.check_assets()
    except offline.MissingAssets as err:
        skip_or_fail(str(err))


@pytest.fixture(scope="session")
def decks(assets_ready, tmp_path_factory) -> list[Path]:
    """The offline decks of every lesson, built once per session as `make slides` does."""
    import build_slides

    if not lessons():
        pytest.skip(f"no lessons matching {LESSON_GLOB} in {NOTEBOOK_DIR}")
    return build_slides.build(lessons(), tmp_path_factory.mktemp("slides"), quiet=True)


@pytest.fixture(scope="session")
def pages(assets_ready, tmp_path_factory) -> list[Path]:
    """The static HTML pages of every lesson, built once per session as `make html` does."""
    import export_html

    if not lessons():
        pytest.skip(f"no lessons matching {LESSON_GLOB} in {NOTEBOOK_DIR}")
    return export_html.build(lessons(), tmp_path_factory.mktemp("html"), quiet=True)


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script (npm, package.json), to inject into a page."""
    path = NODE_MODULES / "axe-core" / "axe.min.js"
    if not path.exists():
        skip_or_fail(f"axe-core is not installed ({path} missing): run `npm ci` (make assets)")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def deck_reports(decks, browser_context, axe_source, artifacts) -> dict:
    """Each deck measured slide by slide at 1280 x 720, then checked by axe-core (and the
    decks' index page by axe-core): {file name: report}, see pagecheck.py."""
    import pagecheck

    files = [*decks, decks[0].parent / "index.html"]
    reports = pagecheck.check_files(browser_context, files, axe_source, artifacts / "deck-fit")
    pagecheck.save_axe(artifacts / "axe", "slides", reports)
    return reports


@pytest.fixture(scope="session")
def page_reports(pages, browser_context, axe_source, artifacts) -> dict:
    """Each static page and their index checked by axe-core: {file name: report}."""
    import pagecheck

    files = [*pages, pages[0].parent / "index.html"]
    reports = pagecheck.check_files(browser_context, files, axe_source)
    pagecheck.save_axe(artifacts / "axe", "html", reports)
    return reports


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """JupyterLab on a temporary copy of notebooks/ (one server for the session)."""
    from labdriver import start_lab

    if not lessons():
        pytest.skip(f"no lessons matching {LESSON_GLOB} in {NOTEBOOK_DIR}")
    server = start_lab(tmp_path_factory.mktemp("lab"), NOTEBOOK_DIR)
    yield server
    server.shutdown_kernels()
    server.stop()

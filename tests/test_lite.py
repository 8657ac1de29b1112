"""The JupyterLite site (`make lite`, scripts/build_lite.py): built once per test session into
a temporary folder, then checked file by file. Its behaviour in Chromium is checked by
tests/browser/test_lite.py on the same build.

Skipped, saying why, where the build tools are missing (npm's pyodide, the lite environment
that `make lite` installs); with INITVIZ_REQUIRE_BROWSER=1 (CI) they fail instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import build_lite  # noqa: E402

pytestmark = pytest.mark.slow  # builds the site (~40 s): `make test` runs it, test-fast not


def lite_site(tmp_path_factory) -> Path:
    """The site, built once per session (shared with tests/browser/test_lite.py)."""
    try:
        build_lite.pyodide_version()
    except build_lite.MissingTools as err:
        if os.environ.get("INITVIZ_REQUIRE_BROWSER", "") not in ("", "0"):
            pytest.fail(f"INITVIZ_REQUIRE_BROWSER is set, but {err}", pytrace=False)
        pytest.skip(f"JupyterLite site not built: {err}")
    return build_lite.build_once(tmp_path_factory.getbasetemp() / "lite-site")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    return lite_site(tmp_path_factory)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def npm_lock() -> dict:
    return json.loads((build_lite.PYODIDE_NPM / "pyodide-lock.json").read_text())["packages"]


def site_lock(site) -> dict:
    return json.loads((site / "static" / "pyodide" / "pyodide-lock.json").read_text())["packages"]


def test_site_holds_the_whole_series(site):
    lessons = sorted(p.name for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    solutions = sorted(p.name for p in (REPO / "notebooks" / "solutions").glob("*.ipynb"))
    assert lessons and solutions
    assert sorted(p.name for p in (site / "files").glob("*.ipynb")) == lessons
    assert sorted(p.name for p in (site / "files" / "solutions").glob("*.ipynb")) == solutions
    for name in lessons:  # the stored outputs come along: the site shows them before a run
        assert sha256(site / "files" / name) == sha256(REPO / "notebooks" / name)
    assert (site / "files" / "TEACHING.md").read_text() == (
        REPO / "notebooks" / "TEACHING.md").read_text()
    for path in (REPO / "notebooks" / "data").glob("*"):  # results that lessons read
        assert sha256(site / "files" / "data" / path.name) == sha256(path)


def test_kernel_uses_the_npm_pyodide_core_served_by_the_site(site):
    config = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.mjs"
    assert kernel["disablePyPIFallback"] is True  # no silent trips to PyPI from a lesson
    npm_version = json.loads((build_lite.PYODIDE_NPM / "package.json").read_text())["version"]
    assert npm_version == build_lite.pyodide_version()  # the kernel's pinned Pyodide
    for name in build_lite.CORE_FILES:
        assert sha256(site / "static" / "pyodide" / name) == sha256(build_lite.PYODIDE_NPM / name)


def test_compiled_wheels_come_from_the_cdn_pinned_by_pyodides_sha256(site):
    lock, npm = site_lock(site), npm_lock()
    cdn = f"https://cdn.jsdelivr.net/pyodide/v{build_lite.pyodide_version()}/full/"
    needed = build_lite._closure(lock, build_lite.KERNEL_ROOTS + build_lite.LESSON_ROOTS)
    remote = {k for k in needed if lock[k]["file_name"].startswith("https:")}
    assert remote == {"numpy", "matplotlib", "pillow", "kiwisolver", "contourpy"}
    for key in remote:
        assert lock[key]["file_name"] == cdn + npm[key]["file_name"]
        assert lock[key]["sha256"] == npm[key]["sha256"]
        assert "-cp314-" in lock[key]["file_name"]  # compiled for Pyodide, not on PyPI
    # every other package of the distribution stays loadable from the CDN, also pinned
    for key, pkg in npm.items():
        if key not in needed:
            assert lock[key]["file_name"] == cdn + pkg["file_name"]
            assert lock[key]["sha256"] == pkg["sha256"]
    listed = json.loads((site / "cdn-wheels.json").read_text())
    assert {k: tuple(v) for k, v in listed.items()} == {
        k: (lock[k]["file_name"], lock[k]["sha256"]) for k in remote}


def test_pure_python_wheels_are_served_by_the_site_pinned(site):
    lock, npm = site_lock(site), npm_lock()
    pins = build_lite._wheel_pins(REPO / "lite" / "wheels.txt")
    local = {k: p for k, p in lock.items() if not p["file_name"].startswith("https:")}
    for key, pkg in local.items():
        wheel = site / "static" / "pyodide" / pkg["file_name"]
        assert pkg["file_name"].endswith("-none-any.whl")
        assert sha256(wheel) == pkg["sha256"]
        if key in npm:  # Pyodide's version of it, from PyPI
            assert pkg["version"] == npm[key]["version"] == pins[build_lite._norm(key)]
    assert {"initviz", "ipywidgets", "comm", "micropip", "ipython", "threadpoolctl"} <= set(local)
    assert lock["initviz"]["imports"] == ["initviz"]  # `import initviz` in a cell loads it


def test_initviz_wheel_is_the_checkout_with_its_data(site):
    wheel = site / "static" / "pyodide" / site_lock(site)["initviz"]["file_name"]
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for path in (REPO / "initviz").rglob("*.py"):
            name = path.relative_to(REPO).as_posix()
            assert zf.read(name) == path.read_bytes(), name
        for name in ("initviz/data/digits.npz", "initviz/data/README.md"):
            assert zf.read(name) == (REPO / name).read_bytes()
    assert not any("__pycache__" in n for n in names)

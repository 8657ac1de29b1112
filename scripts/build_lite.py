"""Build the series as a static JupyterLite site (`make lite`): build/lite/, always from scratch.

The site runs every lesson in the browser on the Pyodide kernel (Python compiled to
WebAssembly); serve the folder with any static web server (`python -m http.server -d
build/lite`) or publish it as GitHub Pages (.github/workflows/pages.yml). What it holds:

- the lessons, their solutions, the teacher's guide and the stored results the lessons read
  (notebooks/, laid out as there);
- the Pyodide core from npm (`pyodide`, package.json), the version jupyterlite-pyodide-kernel
  pins, served by the site (static/pyodide/);
- initviz as a wheel built from this checkout, and every pure-Python wheel the kernel and the
  lessons load, from PyPI, pinned by version and hash (lite/wheels.txt);
- a pyodide-lock.json rewritten from the npm one, so that `import initviz` (or numpy,
  ipywidgets...) in a cell loads what it needs: the wheels above from the site, and the
  compiled wheels that only Pyodide's CDN has (numpy, matplotlib, pillow, kiwisolver,
  contourpy, and any other package of the Pyodide distribution a student imports) from
  the CDN by absolute URL, checked by the browser against the sha256 of Pyodide's own lock
  file (pyodide passes it to fetch as subresource integrity).

jupyterlite-pyodide-kernel's own `[lock]` add-on does this rewriting but needs Python >= 3.12
(this machine and Debian 12 have 3.11), and would fetch the pure-Python wheels from the CDN;
the rewrite here is a few lines of JSON.

The build tools live in their own environment (.venv/lite, lite/requirements.txt): `jupyter
lite build` bundles every JupyterLab extension of its environment, and this one has only the
kernel and the ipywidgets front end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
LITE = REPO / "lite"
OUTPUT = REPO / "build" / "lite"
NODE_MODULES = Path(os.environ.get("INITVIZ_NODE_MODULES", REPO / "node_modules"))
PYODIDE_NPM = NODE_MODULES / "pyodide"
LITE_VENV = Path(os.environ.get("INITVIZ_LITE_VENV", REPO / ".venv" / "lite"))

#: the Pyodide core files the site serves (not the source maps, typings, consoles, README)
CORE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
#: what the kernel loads from the lock as it starts (jupyterlite-pyodide-kernel 0.8.6,
#: packages/pyodide-kernel/src/worker.ts: micropip, then ipykernel, comm, pyodide-kernel,
#: jedi, ipython) and what the lessons import
KERNEL_ROOTS = ("micropip", "ipython", "jedi", "comm")
LESSON_ROOTS = ("initviz", "ipywidgets", "threadpoolctl")
#: the compiled wheels that exist only on Pyodide's CDN; the site loads exactly these from it
CDN_ONLY = ("contourpy", "kiwisolver", "matplotlib", "numpy", "pillow")
#: lock entries added for wheels the Pyodide distribution lacks: their dependencies inside the
#: lock (what their code imports at run time; ipywidgets never imports widgetsnbextension or
#: jupyterlab_widgets, which are front ends)
EXTRA_DEPENDS = {
    "initviz": ["numpy", "matplotlib", "ipywidgets", "threadpoolctl"],
    "ipywidgets": ["comm", "ipython", "traitlets"],
    "comm": [],
}


class MissingTools(RuntimeError):
    """The build tools are not installed (the message says which and how)."""


def _norm(name: str) -> str:
    """A distribution name as PEP 503 normalizes it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(cmd, quiet, cwd=REPO):
    subprocess.run([str(c) for c in cmd], check=True, cwd=cwd,
                   stdout=subprocess.DEVNULL if quiet else None)


def jupyter() -> Path:
    return LITE_VENV / "bin" / "jupyter"


def pyodide_version() -> str:
    """The npm core's version, checked against the one jupyterlite-pyodide-kernel pins."""
    for path, how in [(PYODIDE_NPM / "package.json", "run `npm ci` (make assets)"),
                      (jupyter(), "run `make lite` (it installs lite/requirements.txt)")]:
        if not path.exists():
            raise MissingTools(f"{path} is missing: {how}")
    npm = json.loads((PYODIDE_NPM / "package.json").read_text())["version"]
    pinned = subprocess.run(
        [LITE_VENV / "bin" / "python", "-c",
         "from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION as v; print(v)"],
        check=True, capture_output=True, text=True).stdout.strip()
    if npm != pinned:
        raise MissingTools(f"npm pyodide is {npm}, but jupyterlite-pyodide-kernel pins "
                           f"{pinned}: set package.json's pyodide to {pinned} and run npm ci")
    return npm


def _wheel_pins(path: Path) -> dict[str, str]:
    """{normalized name: version} of a pip requirements file of `name==version` lines."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split()[0].split("==")
            pins[_norm(name)] = version
    return pins


def _imports(wheel: Path) -> list[str]:
    """The top-level importable names in a wheel (packages and modules at its root)."""
    names = set()
    with zipfile.ZipFile(wheel) as zf:
        for item in zf.namelist():
            top = item.split("/")[0]
            if top.endswith((".dist-info", ".data")):
                continue
            if "/" in item or top.endswith(".py"):
                names.add(top.removesuffix(".py"))
    return sorted(names)


def _closure(packages: dict, roots) -> set[str]:
    """The lock keys of ``roots`` and everything they depend on."""
    keys = {_norm(k): k for k in packages}
    seen, stack = set(), list(roots)
    while stack:
        key = keys[_norm(stack.pop())]
        if key not in seen:
            seen.add(key)
            stack.extend(packages[key]["depends"])
    return seen


def write_lock(npm_lock: Path, wheels: dict[str, Path], dest: Path, version: str) -> dict:
    """Pyodide's lock file with ``wheels`` ({normalized name: local wheel}) served by the
    site and every other package loaded from the CDN by absolute URL; returns a summary."""
    lock = json.loads(npm_lock.read_text())
    packages = lock["packages"]
    for name, depends in EXTRA_DEPENDS.items():
        wheel = wheels[name]
        packages[name] = {
            "name": name, "version": wheel.name.split("-")[1], "file_name": wheel.name,
            "install_dir": "site", "sha256": _sha256(wheel), "package_type": "package",
            "imports": _imports(wheel), "depends": depends, "unvendored_tests": False,
        }
    needed = _closure(packages, KERNEL_ROOTS + LESSON_ROOTS)
    cdn = f"https://cdn.jsdelivr.net/pyodide/v{version}/full/"
    local, remote = [], []
    for key, pkg in packages.items():
        wheel = wheels.get(_norm(key))
        if key in needed and wheel is not None:
            if key not in EXTRA_DEPENDS and wheel.name.split("-")[1] != pkg["version"]:
                raise ValueError(f"lite/wheels.txt pins {wheel.name}, Pyodide's lock "
                                 f"{pkg['name']} {pkg['version']}: make them agree")
            pkg["file_name"], pkg["sha256"] = wheel.name, _sha256(wheel)
            local.append(key)
        else:
            pkg["file_name"] = cdn + pkg["file_name"]  # sha256: Pyodide's, unchanged
            if key in needed:
                remote.append(key)
    if sorted(remote) != sorted(CDN_ONLY):
        raise ValueError(f"the kernel and lessons would load {sorted(remote)} from the CDN, "
                         f"expected {list(CDN_ONLY)}: add the pure-Python ones to "
                         "lite/wheels.txt")
    dest.write_text(json.dumps(lock, separators=(",", ":")))
    return {"local": sorted(local), "cdn": {k: (packages[k]["file_name"], packages[k]["sha256"])
                                            for k in sorted(remote)}}


def build(output: Path = OUTPUT, quiet: bool = False) -> Path:
    """Build the site into ``output`` (deleted first); return ``output``.

    Raises MissingTools if npm's pyodide or the lite tools are not installed.
    """
    version = pyodide_version()
    output = Path(output)
    work = output.with_name(output.name + "-work")
    for path in (output, work):
        shutil.rmtree(path, ignore_errors=True)  # always from scratch
    start = time.perf_counter()

    # the lite dir: config, content, the Pyodide core and the wheels
    work.mkdir(parents=True)
    for name in ("jupyter-lite.json", "jupyter_lite_config.json"):
        shutil.copy2(LITE / name, work / name)
    content = work / "content"
    (content / "solutions").mkdir(parents=True)
    for nb in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        shutil.copy2(nb, content / nb.name)
    for nb in sorted((NOTEBOOKS / "solutions").glob("*.ipynb")):
        shutil.copy2(nb, content / "solutions" / nb.name)
    shutil.copy2(NOTEBOOKS / "TEACHING.md", content / "TEACHING.md")
    if (NOTEBOOKS / "data").is_dir():  # the stored results that lessons read (data/*.json)
        shutil.copytree(NOTEBOOKS / "data", content / "data")

    core = work / "static" / "pyodide"
    core.mkdir(parents=True)
    for name in CORE_FILES:
        shutil.copy2(PYODIDE_NPM / name, core / name)
    downloads = work / "wheels"
    _run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
          "--only-binary=:all:", "--python-version", "3.14", "--platform", "any",
          "--abi", "none", "--implementation", "py", "--require-hashes",
          "-r", LITE / "wheels.txt", "-d", downloads], quiet)
    # initviz's wheel, built from a copy of the package's files (setuptools would leave
    # build/lib and an egg-info in the checkout)
    source = work / "initviz-source"
    shutil.copytree(REPO / "initviz", source / "initviz",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", downloads, source],
         quiet)
    wheels = {}
    for wheel in sorted(downloads.glob("*.whl")):
        wheels[_norm(wheel.name.split("-")[0])] = shutil.copy2(wheel, core / wheel.name)
    missing = set(_wheel_pins(LITE / "wheels.txt")) - set(wheels)
    if missing:
        raise ValueError(f"pip did not download {sorted(missing)}")
    summary = write_lock(PYODIDE_NPM / "pyodide-lock.json", {k: Path(v) for k, v in
                         wheels.items()}, core / "pyodide-lock.json", version)

    # run in the work folder: jupyter lite keeps its task database (.jupyterlite.doit.db) in
    # the current directory, and a stale one there skips tasks (the merge of our
    # jupyter-lite.json, the local Pyodide core) as "up to date"
    _run([jupyter(), "lite", "build", "--lite-dir", work, "--output-dir", output,
          "--contents", content], quiet, cwd=work)
    settings = json.loads((output / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = settings["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    if (kernel.get("pyodideUrl") != "./static/pyodide/pyodide.mjs"
            or kernel.get("disablePyPIFallback") is not True):
        raise RuntimeError(f"the site's kernel settings lost lite/jupyter-lite.json's: {kernel}")
    (output / "cdn-wheels.json").write_text(json.dumps(summary["cdn"], indent=1) + "\n")
    shutil.rmtree(work)
    if not quiet:
        size = sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
        print(f"JupyterLite site in {output}: "
              f"{size / 1e6:.1f} MB, {time.perf_counter() - start:.0f} s; "
              f"from the CDN on first use: {', '.join(summary['cdn'])}")
    return output


def build_once(output: Path) -> Path:
    """``build(output)`` unless a finished build is already there (the tests' shared site)."""
    done = Path(output) / ".initviz-build-complete"
    if not done.exists():
        build(output, quiet=True)
        done.touch()
    return Path(output)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="default: build/lite")
    args = parser.parse_args(argv)
    try:
        build(args.output)
    except MissingTools as err:
        sys.exit(f"build_lite: {err}")


if __name__ == "__main__":
    main()

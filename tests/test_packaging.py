"""The project's files agree with each other: environment.yml and pyproject.toml name the same
packages, and the README's test command is the one CI runs."""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_packages():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"])
    reqs += meta["optional-dependencies"]["dev"]  # the parity extra (torch, keras) is pip-only
    return {_name(r) for r in reqs}


def _environment_packages():
    names, in_dependencies = set(), False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if re.match(r"^\S", line):  # a top-level key: name, channels, dependencies
            in_dependencies = line.startswith("dependencies:")
            continue
        m = re.match(r"^\s+-\s+([A-Za-z0-9_.\-]+)", line)
        if in_dependencies and m:
            names.add(_name(m.group(1)))
    return names - {"python", "pip"}


def test_environment_yml_names_the_same_packages_as_pyproject():
    assert _environment_packages() == _pyproject_packages()


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    assert re.search(r"^\s*make test\b", ci, re.M), ".ci/run must call `make test`"


def test_every_runtime_dependency_is_imported_by_the_package():
    # A runtime dependency the package never imports is a download for every student (Binder,
    # a hub, pip) that nothing uses; a test tool belongs in the dev extra.
    import ast
    import importlib.metadata

    imported = set()
    for path in (ROOT / "initviz").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    # the distributions that provide those modules (installed here: the runtime ones are)
    provided = importlib.metadata.packages_distributions()
    used = {_name(dist) for module in imported for dist in provided.get(module, ())}
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r) for r in meta["dependencies"]}
    assert runtime, "pyproject.toml lists no runtime dependencies"
    assert runtime <= used, f"runtime dependencies initviz never imports: {runtime - used}"


def test_import_initviz_does_not_import_sklearn_matplotlib_or_widgets():
    import subprocess

    code = ("import sys, initviz; "
            "print(sorted(m for m in ('sklearn', 'matplotlib', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

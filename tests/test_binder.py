"""Binder and JupyterHub: the image repo2docker builds (as mybinder.org does) has the runtime
packages, JupyterLab and initviz itself, and none of the test tools.

There is no Docker engine here: `repo2docker --no-build` prints the Dockerfile it would build
(the "build script") and stops, which is enough to see which files it picked and what it runs.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml  # PyYAML, installed with JupyterLab (jupyter_server -> jupyter_events)
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

# From the dev extra, what a student's JupyterLab needs: the server, the kernel, and the deck
# button the README's "How to teach" promises for live slides. Everything else in the dev and
# parity extras is a test, build or comparison tool that the image must not carry.
JUPYTER = {"jupyterlab", "ipykernel", "jupyterlab-slideshow"}


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _requirements(reqs):
    """{canonical name: specifier} of a list of PEP 508 requirement strings."""
    return {canonicalize_name(r.name): r.specifier for r in map(Requirement, reqs)}


def _runtime():
    return _requirements(_pyproject()["project"]["dependencies"])


def _tool_names():
    extras = _pyproject()["project"]["optional-dependencies"]
    tools = _requirements(extras["dev"]) | _requirements(extras["parity"])
    return set(tools) - set(_runtime()) - JUPYTER


def _conda_environment(path):
    """(python pin or None, {canonical name: specifier}) of a conda environment file."""
    deps = yaml.safe_load(path.read_text())["dependencies"]
    assert all(isinstance(d, str) for d in deps), f"{path.name}: conda packages only"
    python, specs = None, {}
    for dep in deps:
        name = re.match(r"[A-Za-z0-9_.\-]+", dep).group(0)
        if name == "python":
            python = dep[len(name):]
        elif name != "pip":
            specs[canonicalize_name(name)] = SpecifierSet(dep[len(name):])
    return python, specs


# -- binder/environment.yml against pyproject.toml (no repo2docker needed) --------------------

def test_binder_environment_is_the_runtime_packages_and_jupyterlab_with_pyprojects_versions():
    _, binder = _conda_environment(BINDER / "environment.yml")
    runtime = _runtime()
    dev = _requirements(_pyproject()["project"]["optional-dependencies"]["dev"])
    allowed = runtime | {name: dev[name] for name in JUPYTER}
    # postBuild installs initviz with --no-deps: every runtime package must come from here
    assert set(runtime) <= set(binder), sorted(set(runtime) - set(binder))
    assert set(binder) <= set(allowed), f"not runtime nor JupyterLab: {set(binder) - set(allowed)}"
    assert JUPYTER <= set(binder)
    for name, spec in binder.items():
        assert spec == allowed[name], f"{name}: binder {spec}, pyproject.toml {allowed[name]}"


def test_binder_pins_python_with_an_equals_sign_that_pyproject_allows():
    python, _ = _conda_environment(BINDER / "environment.yml")
    # repo2docker reads the version only from `=X.Y` (`>=3.10` gives its default, with a warning)
    assert python and re.fullmatch(r"=\d+\.\d+", python), f"python{python}: pin it as python=X.Y"
    assert SpecifierSet(_pyproject()["project"]["requires-python"]).contains(python[1:] + ".0")


# -- what repo2docker generates ------------------------------------------------------------

@pytest.fixture(scope="module")
def build():
    """repo2docker's Dockerfile for this checkout, and its log."""
    pytest.importorskip("repo2docker", reason="jupyter-repo2docker is not installed (dev extra)")
    cmd = [sys.executable, "-m", "repo2docker", "--no-build", "--debug", "--no-run", str(ROOT)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "FROM " in out.stdout, f"no Dockerfile printed:\n{out.stdout}\n{out.stderr}"
    return out.stdout, out.stderr


def _repo_files_copied_for_the_build(dockerfile):
    """The repository files the Dockerfile copies in before installing (`COPY src/<path>`)."""
    return re.findall(r"^COPY\s.*?\bsrc/(\S+)\s", dockerfile, re.M)


def _post_build_scripts(dockerfile):
    return re.findall(r"^RUN \./(\S+)\s*$", dockerfile, re.M)


def test_repo2docker_builds_the_environment_from_binder(build):
    dockerfile, log = build
    env_files = re.findall(r'env update .*--file "([^"]+)"', dockerfile)
    assert env_files == ["binder/environment.yml"], env_files  # not the root environment.yml
    assert _repo_files_copied_for_the_build(dockerfile) == ["binder/environment.yml"]
    python, specs = _conda_environment(ROOT / env_files[0])
    assert f"Building conda environment for python{python}" in log
    assert set(_runtime()) | {"jupyterlab", "ipykernel"} <= set(specs)


def test_repo2docker_runs_the_postbuild_that_installs_initviz(build):
    dockerfile, _ = build
    assert _post_build_scripts(dockerfile) == ["binder/postBuild"], "initviz would not be installed"
    # It runs after the whole repository is copied in (COPY src/ is the checkout).
    assert dockerfile.index("COPY --chown=0:0 src/ ") < dockerfile.index("RUN ./binder/postBuild")
    script = (ROOT / "binder/postBuild").read_text()
    commands = [line.split("#")[0].strip() for line in script.splitlines()]
    installs = [c for c in commands if re.search(r"\bpip install\b", c)]
    assert installs, "binder/postBuild installs nothing"
    # The repository root itself, not editable (the image must not depend on the checkout).
    editable = re.compile(r"\s(-e|--editable)\s")
    assert any(c.endswith(" .") and not editable.search(c) for c in installs), installs


def test_repo2docker_installs_no_test_tools(build):
    dockerfile, _ = build
    tools = _tool_names()
    # scikit-learn only checks initviz.datasets (tests/test_datasets.py): a test tool too
    assert {"pytest", "nbval", "hypothesis", "playwright", "scipy", "scikit-learn", "torch"} <= tools
    scripts = [dockerfile]
    scripts += [(ROOT / p).read_text() for p in _repo_files_copied_for_the_build(dockerfile)]
    scripts += [(ROOT / p).read_text() for p in _post_build_scripts(dockerfile)]
    text = "\n".join(scripts).lower()
    found = sorted(t for t in tools if re.search(rf"(?<![\w-]){re.escape(t)}(?![\w-])", text))
    assert not found, f"the Binder image would install test tools: {found}"


# -- README links ---------------------------------------------------------------------------

def test_readme_binder_and_nbgitpuller_links_open_files_that_exist():
    readme = (ROOT / "README.md").read_text()
    binder = re.findall(r"mybinder\.org/v2/gh/[^)\s]*?urlpath=lab/tree/([^)\s&]+)", readme)
    puller = re.findall(r"git-pull\?[^)\s]*?urlpath=lab/tree/[^/\s]+/([^)\s&]+)", readme)
    assert binder and puller, "README: a Binder link and an nbgitpuller link"
    for path in binder + puller:
        assert (ROOT / path).exists(), f"README links to {path}, which does not exist"

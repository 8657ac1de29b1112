"""The package's layers run one way (initviz/__init__.py's docstring): nothing below the
drawing layer imports matplotlib, ipywidgets or a deep-learning framework, so the math
imports fast and runs anywhere (a script, a test, Pyodide)."""

import json
import pkgutil
import subprocess
import sys

import initviz

# the top layer: modules that draw or drive a framework
TOP = ("initviz.plots", "initviz.widgets", "initviz.inspect")
FORBIDDEN = ("matplotlib", "ipywidgets", "torch", "keras", "tensorflow", "sklearn")


def _modules_below_plotting():
    names = [m.name for m in pkgutil.walk_packages(initviz.__path__, "initviz.")]
    return sorted(n for n in names if not n.startswith(TOP))


def test_the_walk_finds_the_core_modules():
    below = _modules_below_plotting()
    for core in ("initviz.initializers", "initviz.activations", "initviz.mlp",
                 "initviz.training", "initviz.stats", "initviz.theory",
                 "initviz.propagation", "initviz.exercises"):
        assert core in below


def test_modules_below_plotting_load_no_drawing_or_framework_library():
    below = _modules_below_plotting()
    code = (
        "import importlib, json, sys\n"
        f"for name in {below!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded == [], f"imported below the plotting layer: {loaded}"


def test_the_drawing_layer_does_load_matplotlib():
    # the check above can fail: importing a plotting module in the same way loads matplotlib
    code = ("import sys, initviz.plots\n"
            "print('matplotlib' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "True"

"""The package's browser (Pyodide) code paths, run in CPython: JupyterLite's kernel has no
threadpoolctl that can find a BLAS, no scikit-learn and no threads. Modules made unimportable
through ``sys.modules`` (None there makes ``import`` raise ImportError), as in Pyodide."""

import sys

import numpy as np
import pytest

from initviz import MLP, _util, datasets, training
from initviz.experiments import deep_stack


@pytest.fixture
def no_threadpoolctl(monkeypatch):
    """threadpoolctl and scikit-learn unimportable; the controller cache emptied before and
    restored after (so other tests get the real controller back)."""
    for name in [m for m in sys.modules if m.split(".")[0] in ("threadpoolctl", "sklearn")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setattr(_util, "_CONTROLLER", [])
    with pytest.raises(ImportError):
        import threadpoolctl  # noqa: F401
    return monkeypatch


def test_without_threadpoolctl_the_thread_policy_is_a_no_op(no_threadpoolctl):
    assert _util._controller() is None
    for width, batch in [(8, 8), (16, None), (512, 256), (1024, None)]:
        with _util.blas_threads(width, batch):
            a = np.arange(6.0).reshape(2, 3)
            np.testing.assert_array_equal(a @ a.T, [[5.0, 14.0], [14.0, 50.0]])
    with _util.single_thread():
        pass


def test_in_pyodide_threadpoolctl_is_not_used(monkeypatch):
    # sys.platform is "emscripten" under Pyodide; threadpoolctl is installed there (a
    # dependency) but has no BLAS pool to limit and warns as it scans the libraries
    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.setattr(_util, "_CONTROLLER", [])
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # an import would raise
    assert _util._controller() is None
    with _util.blas_threads(16, 32), _util.single_thread():
        pass


def test_package_paths_run_without_threadpoolctl_or_sklearn(no_threadpoolctl):
    # What a lesson runs in the browser: a data set, training, a deep stack (all take
    # blas_threads) -- the same numbers as with threadpoolctl, which only sets thread counts.
    X, y = datasets.load("moons", seed=0)

    def run():
        net = MLP([2, 16, 16, 1], activation="tanh", output_activation="sigmoid", rng=0)
        loss = training.train(net, X, y, epochs=20, lr=0.5).loss
        stack = deep_stack(width=32, depth=4, n_samples=16, rng=0)
        return np.array(loss), stack

    loss_browser, stack_browser = run()
    no_threadpoolctl.undo()
    _util._CONTROLLER.clear()
    loss, stack = run()
    np.testing.assert_allclose(loss_browser, loss, rtol=1e-12)
    for a, b in zip(stack_browser.activations, stack.activations):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_with_threadpoolctl_small_work_runs_on_one_blas_thread():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    _util._CONTROLLER.clear()
    with _util.blas_threads(16, 32):
        blas = [e for e in threadpoolctl.threadpool_info() if e["user_api"] == "blas"]
        assert blas and all(e["num_threads"] == 1 for e in blas)

"""The residual-stream explorer (initviz.widgets.residual): its controls redraw the figure and
the readout with the numbers of stream_statistics, computed here independently."""

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from initviz import ResidualMLP  # noqa: E402
from initviz.residual import stream_variance_growth  # noqa: E402
from initviz.widgets.residual import residual_explorer, residual_figure  # noqa: E402


def measured_growth(n_blocks, scale, norm, zero_last, width, seed):
    net = ResidualMLP(32, width, n_blocks, 1, branch_layers=2, branch_scale=scale,
                      zero_last=zero_last, norm=None if norm == "none" else norm, rng=seed)
    X = np.random.default_rng(seed + 1).standard_normal((256, 32))
    s = net.trace(X).stream
    return s[-1].var() / s[0].var()


@pytest.mark.parametrize("threaded", [False, True])
def test_moving_the_controls_redraws_with_the_stream_statistics(threaded):
    ex = residual_explorer(n_blocks=3, width=32, threaded=threaded)
    assert ex.coalescer.wait(30)
    first = ex.image.value
    ex.controls["branch_scale"].value = 0.25
    ex.controls["n_blocks"].value = 6
    assert ex.coalescer.wait(30)
    assert ex.image.value != first and ex.image.value[:4] == b"\x89PNG"
    want = measured_growth(6, 0.25, "none", False, 32, 0)
    assert f"Var(x_6)/Var(x_0) = {want:.3g}" in ex.readout.value
    assert f"= {stream_variance_growth(6, 0.25)[-1]:.3g})" in ex.readout.value
    ex.controls["norm"].value = "batch"
    ex.controls["zero_last"].value = True
    assert ex.coalescer.wait(30)
    assert "Var(x_6)/Var(x_0) = 1 " in ex.readout.value and "no formula line" in ex.readout.value


def test_static_figure_describes_the_same_settings():
    fig = residual_figure(n_blocks=5, branch_scale=1.0, width=64)
    want = measured_growth(5, 1.0, "none", False, 64, 0)
    assert f"to {want:.3g} at block k 5 (theory {2.0 ** 5:.3g})" in fig.description


def test_bad_settings_raise_clear_errors():
    with pytest.raises(ValueError, match="norm must be one of 'none', 'layer', 'batch'"):
        residual_figure(norm="group")
    with pytest.raises(ValueError, match="n_blocks"):
        residual_explorer(n_blocks=0)

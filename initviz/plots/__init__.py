"""Figure functions: each takes plain arrays (or a result of :mod:`initviz.experiments` or
:mod:`initviz.comparison`) and returns a matplotlib Figure.

One file per kind of figure:

- :mod:`.figure`: :func:`new_figure`, :class:`ShownFigure`, :func:`describe`, the size rule
  (:data:`DPI`, :data:`CSS_DPI`, :data:`MIN_FONT` and the font sizes), :data:`PALETTE`,
  :data:`MARKERS`, :data:`LINESTYLES`, and the notes and edge marks that stand in for values
  a plot cannot draw.
- :mod:`.lines`: :func:`plot_layer_std`, :func:`plot_loss_curves`, :func:`plot_scale_sweep`,
  :func:`legend_outside`.
- :mod:`.histograms`: :func:`plot_layer_histograms`.
- :mod:`.decision_boundary`: :func:`plot_decision_boundary`, :func:`plot_decision_boundaries`.
- :mod:`.heatmaps`: :func:`plot_weight_heatmap`, :func:`plot_grid`.
- :mod:`.scaling` (lesson 10): :func:`plot_attention_vs_dk`, :func:`plot_residual_stream`,
  :func:`plot_coord_check`, :func:`plot_lr_transfer`.
- :mod:`.signal_propagation` (lesson 08): :func:`plot_phase_diagram`,
  :func:`plot_correlation_map`, :func:`plot_singular_values`, :func:`plot_training_time`,
  :func:`plot_trainability`.

Figures are built with ``matplotlib.figure.Figure``, not pyplot, so nothing is left in
pyplot's state and a notebook shows a figure once when it is the cell's last expression.
Layouts are fixed (``subplots_adjust``), with no layout engine to re-run on every draw.

Figures are drawn for the size they are shown at (see :mod:`.figure`): shown at their size in
inches, rendered at 192 dpi, no text under 10 pt. Every figure carries a description of what
it shows with its key numbers (``fig.description``), which a notebook stores as the image's
alt text.

Deep networks overflow, so every function accepts inf and nan: it leaves them out of what it
draws, keeps the axis limits finite, and writes a note on the panel saying what is missing.

>>> from initviz import plots
>>> fig = plots.plot_loss_curves({"a": [1.0, 0.5]}); len(fig.axes)
1
"""

from .decision_boundary import plot_decision_boundaries, plot_decision_boundary
from .figure import (CSS_DPI, DPI, LABEL_SIZE, LINESTYLES, MARKERS, MIN_FONT, NOTE_COLOR, PALETTE,
                     TEXT_SIZE, TITLE_SIZE, ShownFigure, describe, new_figure)
from .heatmaps import plot_grid, plot_weight_heatmap
from .histograms import plot_layer_histograms
from .lines import legend_outside, plot_layer_std, plot_loss_curves, plot_scale_sweep
from .scaling import (plot_attention_vs_dk, plot_coord_check, plot_lr_transfer,
                      plot_residual_stream)
from .signal_propagation import (plot_correlation_map, plot_phase_diagram, plot_singular_values,
                                 plot_trainability, plot_training_time)

__all__ = [
    "DPI",
    "CSS_DPI",
    "MIN_FONT",
    "TEXT_SIZE",
    "LABEL_SIZE",
    "TITLE_SIZE",
    "PALETTE",
    "MARKERS",
    "LINESTYLES",
    "NOTE_COLOR",
    "new_figure",
    "ShownFigure",
    "describe",
    "plot_layer_histograms",
    "plot_layer_std",
    "plot_loss_curves",
    "plot_scale_sweep",
    "legend_outside",
    "plot_decision_boundary",
    "plot_decision_boundaries",
    "plot_weight_heatmap",
    "plot_grid",
    "plot_attention_vs_dk",
    "plot_residual_stream",
    "plot_coord_check",
    "plot_lr_transfer",
    "plot_phase_diagram",
    "plot_correlation_map",
    "plot_singular_values",
    "plot_training_time",
    "plot_trainability",
]

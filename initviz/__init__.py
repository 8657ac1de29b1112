"""initviz: neural-network weight initialization, computed and shown.

The teaching core is plain numpy: :mod:`initviz.initializers` (Keras names), the
:class:`MLP` with its backpropagation, :func:`train`, per-layer :mod:`initviz.stats` and the
:mod:`initviz.theory` of signal variance. :mod:`initviz.datasets` and :mod:`initviz.plots`
sit on top; plots and widgets are imported only when used, so ``import initviz`` stays fast.
"""

from . import activations, initializers, stats, theory
from .mlp import MLP, Gradients, Trace
from .stats import describe, format_table, network_stats, signal_propagation
from .theory import predict_for, predict_variances
from .training import History, Run, compare, train

__version__ = "0.1.0"

__all__ = [
    "MLP",
    "Trace",
    "Gradients",
    "History",
    "train",
    "compare",
    "Run",
    "initializers",
    "activations",
    "stats",
    "theory",
    "describe",
    "network_stats",
    "signal_propagation",
    "format_table",
    "predict_variances",
    "predict_for",
]

"""initviz: neural-network weight initialization, computed and shown.

The layers run one way; a module imports only from the layers below it (checked by
``tests/test_layering.py``: nothing below the top layer loads matplotlib, ipywidgets, torch
or keras, so the math imports fast and runs in a script, a test or Pyodide):

====================  ===========================================================================
layer                 modules (one concept each)
====================  ===========================================================================
top: drawing          ``plots/`` (lesson figures), ``widgets/`` (live explorers)
lessons               ``experiments`` (deep stacks, scale sweeps), ``comparison`` (initializer x
                      activation grids), ``symmetry`` (lessons 01-02), ``exercises/`` (checked
                      exercises), ``propagation`` (the explorer's streamed statistics) with
                      ``weight_bank`` and ``explorer_settings``, ``datasets``
measurement, theory   ``mlp`` (network, backprop), ``training`` (gradient descent), ``stats``
                      (per-layer statistics), ``theory`` (predicted variances)
bottom                ``initializers`` (Keras names) with ``fans`` (fans and gains),
                      ``activations``; ``_checks`` (argument checks), ``_util`` (BLAS threads)
====================  ===========================================================================

``import initviz`` loads the numerical core; plots and widgets load when first imported.

>>> import initviz
>>> net = initviz.MLP([250, 250, 1], activation="tanh", weight_init="glorot_uniform", rng=0)
>>> net.weights[0].shape
(250, 250)
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

"""initviz: neural-network weight initialization, computed and shown.

The layers run one way; a module imports only from the layers below it (checked by
``tests/test_layering.py``: nothing below the top layer loads matplotlib, ipywidgets, torch
or keras, so the math imports fast and runs in a script, a test or Pyodide):

====================  ===========================================================================
layer                 modules (one concept each)
====================  ===========================================================================
top: drawing          ``plots/`` (lesson figures), ``widgets/`` (live explorers)
top: frameworks       ``inspect/`` (a PyTorch or Keras model at initialization, lesson 11)
lessons               ``experiments`` (deep stacks, scale sweeps), ``comparison`` (initializer x
                      activation grids), ``symmetry`` (lessons 01-02), ``exercises/`` (checked
                      exercises), ``propagation`` (the explorer's streamed statistics) with
                      ``propagation_result``, ``propagation_blocks``, ``weight_bank`` and
                      ``explorer_settings``, ``datasets``; lesson 10:
                      ``transformer_stats`` (attention, residual stream), ``width`` (coordinate
                      check, learning-rate transfer), ``lora``; lesson 09:
                      ``residual_experiments`` (deep residual starts, stream statistics)
                      lesson 08: ``deep_linear`` (Saxe's training time), ``trainability``
                      (sigma_w2 x depth grid)
measurement, theory   ``mlp`` (network, backprop), ``training`` (gradient descent), ``stats``
                      (per-layer statistics), ``theory`` (predicted variances), ``optimizers``
                      (SGD, Adam), ``mup`` (width scaling), ``transformer`` (GPT-2 forward
                      pass), ``residual`` (residual network) with ``normalization``
                      (LayerNorm, BatchNorm) and ``init_schemes`` (Fixup, LSUV, output-layer
                      init)
                      lesson 08: ``mean_field`` (length and correlation maps, chi_1, depth
                      scales; the maps in ``mean_field_maps``), ``random_networks`` (networks at (sigma_w2, sigma_b2), measured
                      q and c), ``jacobians`` (input-output Jacobian, singular values)
bottom                ``initializers`` (Keras names) with ``fans`` (fans and gains),
                      ``activations``; ``_checks`` (argument checks), ``_util`` (BLAS threads, number format)
====================  ===========================================================================

``import initviz`` loads the numerical core; plots and widgets load when first imported,
``initviz.inspect`` when first used (it never imports torch or keras itself).

>>> import initviz
>>> net = initviz.MLP([250, 250, 1], activation="tanh", weight_init="glorot_uniform", rng=0)
>>> net.weights[0].shape
(250, 250)
"""

from . import activations, initializers, stats, theory
from .mlp import MLP, Gradients, Trace
from .residual import ResidualMLP
from .stats import describe, format_table, network_stats, signal_propagation
from .theory import predict_for, predict_variances
from .transformer import Transformer
from .training import History, Run, compare, train
from ._util import one_blas_thread  # a lesson's setup cell: BLAS on one thread

__version__ = "0.1.0"

__all__ = [
    "MLP",
    "Transformer",
    "ResidualMLP",
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
    "one_blas_thread",
]


def __getattr__(name):
    # initviz.inspect(model, inputs) (lesson 11), the top layer: loaded on first use only
    if name == "inspect":
        import importlib

        return importlib.import_module(".inspect", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

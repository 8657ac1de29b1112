"""``initviz.inspect(model, inputs)``: your own PyTorch or Keras network at initialization,
layer by layer, forward and backward, beside the theory, with what looks wrong and the lesson
that explains it (lesson 11).

One forward and one backward pass on a batch, measured with the framework's own hooks, the
model left exactly as it was (parameters, buffers, training mode, gradients). For every step
of the pass (each leaf module or layer, in the order they run, and each residual addition the
pass shows) the report gives its fans, weight std, the named scheme its weights match
(:mod:`.schemes`: ``"pytorch_default"``, ``"he_normal"``, ``"glorot_uniform"``, ...), the
output's std and its signal std (as :mod:`initviz.stats` defines them), the theory's std for
a plain stack (:mod:`.prediction`), the gradient's std and median, and the dead or saturated
fraction of activations; then the flags (:mod:`.flags`).

The package, one concept per file: :mod:`.records` (what a backend hands over),
:mod:`.torch_backend` and :mod:`.keras_backend` (the passes), :mod:`.targets` (loss at
initialization), :mod:`.schemes`, :mod:`.prediction`, :mod:`.flags`, :mod:`.report` (rows,
text and HTML), :mod:`.plot` (the explorer's four panels).

PyTorch and Keras are optional (``pip install "initviz[torch]"`` or ``"initviz[keras]"``):
this package imports neither; a model of one was made with it. Keras runs on its torch
backend (``KERAS_BACKEND=torch``, set before Keras is first imported).

The module itself is callable: ``initviz.inspect(model, inputs)`` is
``initviz.inspect.inspect(model, inputs)``.

>>> import initviz
>>> initviz.inspect(object(), [[1.0]])
Traceback (most recent call last):
TypeError: model must be a torch.nn.Module or a Keras 3 model, got object
"""

from __future__ import annotations

import sys
import types

from .._checks import as_generator
from .flags import CODES, Flag
from .report import Report, Row, build_report

__all__ = ["inspect", "Report", "Row", "Flag", "CODES", "INSTALL_HINT", "require",
           "MissingFramework"]

#: What to install, said where PyTorch or Keras is missing.
INSTALL_HINT = ('pip install "initviz[torch]" (PyTorch, CPU build on Linux: add '
                '--extra-index-url https://download.pytorch.org/whl/cpu) or '
                'pip install "initviz[keras]" (Keras 3, run with KERAS_BACKEND=torch)')


class MissingFramework(ImportError):
    """PyTorch or Keras is not installed. In a notebook it shows as one line, the install
    hint, not as a traceback (IPython's ``_render_traceback_``), and stops "Run all" there."""

    def _render_traceback_(self):
        return [str(self)]


def require(*names):
    """Import the frameworks a lesson needs (``"torch"``, ``"keras"``) and return them;
    Keras on its torch backend (``KERAS_BACKEND=torch`` is set unless already set).

    Raises:
        MissingFramework: one is not installed (its message is the install hint).
        ValueError: a name other than "torch" or "keras".

    >>> require("jax")
    Traceback (most recent call last):
    ValueError: name must be 'torch' or 'keras', got 'jax'
    """
    import importlib
    import os

    modules = []
    for name in names:
        if name not in ("torch", "keras"):
            raise ValueError(f"name must be 'torch' or 'keras', got {name!r}")
        if name == "keras":
            os.environ.setdefault("KERAS_BACKEND", "torch")
        try:
            modules.append(importlib.import_module(name))
        except ImportError:
            raise MissingFramework(f"This lesson runs {name}, which is not installed: "
                                   f"{INSTALL_HINT}. The stored outputs show what it "
                                   "prints.") from None
    return tuple(modules)


def _missing():
    import importlib.util

    return [name for name in ("torch", "keras") if importlib.util.find_spec(name) is None]


def inspect(model, inputs, targets=None, *, loss=None, rng=None) -> Report:
    """Measure a PyTorch or Keras model at initialization, layer by layer.

    Args:
        model: a ``torch.nn.Module`` or a Keras 3 model (on the torch backend).
        inputs: one batch, a numpy array or the framework's tensor, batch first (float
            features or images; int token ids for an embedding).
        targets: None, or the batch's targets (int class labels, or float targets).
        loss: with targets, ``loss(output, targets)`` (PyTorch) or a Keras loss
            (``loss(y_true, y_pred)``) returning a scalar; None: the compiled Keras loss,
            else cross-entropy for class labels and mean squared error otherwise. Without
            targets the gradient sent back is standard normal at the output (as lesson 03).
        rng: None, an int seed or a numpy Generator, for that standard-normal gradient.
    Returns:
        :class:`Report`: ``rows`` (:class:`Row`), ``flags`` (:class:`Flag`), ``plot()``;
        shown as an HTML table in a notebook and as text by ``print``.
    Raises:
        TypeError: ``model`` is neither (the message says what to install if PyTorch or
            Keras is missing); the model does not return a tensor.
        RuntimeError: Keras runs on another backend than torch.
    References:
        PyTorch ``register_forward_hook`` and ``torch.autograd.grad``; the statistics of
        :mod:`initviz.stats`, the theory of :mod:`initviz.theory`.
    """
    gen = as_generator(rng)
    from .keras_backend import is_keras_model
    from .torch_backend import is_torch_module

    if is_keras_model(model):
        from .keras_backend import measure
    elif is_torch_module(model):
        from .torch_backend import measure
    else:
        missing = _missing()
        hint = f" ({', '.join(missing)} not installed: {INSTALL_HINT})" if missing else ""
        raise TypeError(f"model must be a torch.nn.Module or a Keras 3 model, got "
                        f"{type(model).__name__}{hint}")
    return build_report(measure(model, inputs, targets, loss, gen))


class _CallableModule(types.ModuleType):
    """This module, callable: ``initviz.inspect(model, inputs)`` (the package keeps its
    name; the function has the same one)."""

    def __call__(self, model, inputs, targets=None, *, loss=None, rng=None) -> Report:
        return inspect(model, inputs, targets, loss=loss, rng=rng)


sys.modules[__name__].__class__ = _CallableModule

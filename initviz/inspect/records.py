"""What a framework backend hands over: one :class:`Record` per step of the forward pass, in
numpy and in initviz's terms, and the :class:`Measurement` of one call. The backends
(:mod:`.torch_backend`, :mod:`.keras_backend`) fill them; :mod:`.report` turns them into rows.

>>> r = Record("fc", "Linear", "dense", out=np.zeros((2, 3)), fan_in=4, fan_out=3)
>>> r.units.shape
(2, 3)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Record", "Measurement", "CATEGORIES", "ACTIVATIONS_WITH_THEORY"]

#: What a step is: a weighted layer (``dense``, ``conv``, ``embedding``), a normalization
#: (``norm``), a pointwise ``activation``, a step that only moves values (``reshape``:
#: Flatten, Identity, Dropout switched off), a pooling, a ``residual`` addition, or
#: ``other`` (a module inspect does not know: measured, never matched to theory).
CATEGORIES = ("dense", "conv", "embedding", "norm", "activation", "reshape", "pool",
              "residual", "other")

#: Activations whose Gaussian moments :func:`initviz.theory.gaussian_moments` knows.
ACTIVATIONS_WITH_THEORY = ("linear", "relu", "leaky_relu", "tanh", "sigmoid")


@dataclass
class Record:
    """One step of the forward pass, measured.

    Attributes:
        name: as the framework names it (``named_modules()`` path, Keras ``layer.name``;
            ``"dense_1/relu"`` for a Keras layer's own activation).
        kind: the framework's class name (``"Linear"``, ``"Conv2D"``) or the activation.
        category: one of :data:`CATEGORIES`.
        out: the step's output, numpy, batch first.
        grad: dL/d(output), same shape, or None where the loss does not depend on it.
        fan_in, fan_out: of the weights (None where they do not apply).
        weight: the weights in initviz's layout, ``(fan_in, fan_out)`` or
            ``(*kernel, in, out)``; an embedding table ``(num, dim)``; a norm's gain; or None.
        bias: the bias (or a norm's shift), or None.
        activation: for an activation: its name (``"relu"``, ``"tanh"``, ...).
        slope: a leaky ReLU's negative slope.
        pre: for an activation: its input (the pre-activation z), for saturation.
        chain: its input is the previous step's output (or the model's input, for the
            first): the steps form a plain stack up to here.
        branch_ratio: for a residual addition: Var(branch) / Var(skip).
        skip_signal_std: for a residual addition: the signal std of its skip input.
        note: what the report should say about this step ("" for nothing).
    """

    name: str
    kind: str
    category: str
    out: np.ndarray
    grad: np.ndarray | None = None
    fan_in: int | None = None
    fan_out: int | None = None
    weight: np.ndarray | None = None
    bias: np.ndarray | None = None
    activation: str | None = None
    slope: float | None = None
    pre: np.ndarray | None = None
    chain: bool = True
    branch_ratio: float | None = None
    skip_signal_std: float | None = None
    note: str = ""

    @property
    def units(self) -> np.ndarray:
        """The output as (batch, units): every coordinate after the batch axis is a unit."""
        return self.out.reshape(self.out.shape[0], -1) if self.out.ndim > 1 else \
            self.out.reshape(-1, 1)


@dataclass
class Measurement:
    """What a backend measured in one forward and backward pass.

    Attributes:
        framework: ``"pytorch"`` or ``"keras"``.
        model_name: the model's class name (or Keras name).
        records: the :class:`Record` of every step, in the order they ran.
        inputs: the batch as numpy (None for integer token ids: no signal std).
        output: the model's output, numpy.
        loss: the loss at initialization (None without targets).
        loss_name: what ``loss`` is (e.g. ``"cross-entropy"``).
        cross_entropy: with integer class targets and a (batch, C) output, the mean
            cross-entropy of the output read as logits or probabilities, and C.
        gradient: ``"loss"`` or ``"standard-normal"``: what was sent back.
        notes: sentences about the whole call (modes switched, modules not seen).
    """

    framework: str
    model_name: str
    records: list
    inputs: np.ndarray | None
    output: np.ndarray
    loss: float | None = None
    loss_name: str | None = None
    cross_entropy: tuple | None = None
    gradient: str = "standard-normal"
    notes: list = field(default_factory=list)

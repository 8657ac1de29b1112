"""A residual MLP with pre-activation blocks, optional normalization, and its backpropagation.

The network (He et al. 2016, "Identity mappings in deep residual networks", the
pre-activation order of their Figure 4e, with dense layers for convolutions)::

    x[0]   = X @ W_in + b_in                                  input projection, no activation
    x[k+1] = x[k] + scale[k] * B_k(x[k])                      block k = 0 .. n_blocks - 1
    B_k(h) = dense(f(norm(... dense(f(norm(h))) ...)))        branch_layers x (norm, f, dense)
    z_out  = x[n_blocks] @ W_out + b_out                      output layer (with its loss)

``x`` is the residual stream, ``(n_samples, width)`` all along. With zero biases and He
branches each block adds a branch of the stream's own variance, so without normalization
``Var(x[k]) = (1 + scale^2)^k Var(x[0])`` (:func:`stream_variance_growth`).

Dense layers are numbered like the MLP's: layer 0 the input projection, then the branch
layers block by block (block k, layer j is ``1 + k * branch_layers + j``), the output layer
last; ``weights[i]`` has shape (fan_in, fan_out). The trace keeps the MLP's relation
``z[i] = activations[i-1] @ W[i] + b[i]``: ``activations[i]`` is what dense layer ``i + 1``
receives (``f(norm(...))`` inside the blocks, the stream itself before the output layer),
so ``dL/dW[i] = activations[i-1].T @ dL/dz[i]`` as in :mod:`initviz.mlp`.

Backpropagation through a block (``g = dL/dx[k+1]``)::

    dL/dx[k] = g + (dL/dh through the branch, with dL/d(branch output) = scale[k] g)
    dL/dscale[k] = sum(g * branch output)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import initializers
from ._checks import check_bool, check_choice, check_int, check_real
from .activations import OUTPUT_ACTIVATIONS, get_activation
from .mlp import MLP, Gradients, Trace, check_data
from .normalization import BatchNorm, LayerNorm

__all__ = ["ResidualMLP", "ResidualTrace", "ResidualGradients", "NORMS",
           "stream_variance_growth"]

NORMS = (None, "layer", "batch")
"""The ``norm`` choices: none, LayerNorm, BatchNorm (:mod:`initviz.normalization`)."""


def stream_variance_growth(n_blocks, branch_scale=1.0):
    """Predicted ``Var(x[k]) / Var(x[0])`` for k = 0 .. n_blocks: ``(1 + branch_scale^2)^k``.

    Holds at initialization for branches that keep the variance of their input (He weights
    for ReLU, zero biases, no normalization) and branch outputs uncorrelated with the stream
    (true for random weights drawn independently of it).

    Args:
        n_blocks: an int >= 0. branch_scale: a real number.
    Returns:
        ndarray of n_blocks + 1 floats (inf where it overflows).

    >>> stream_variance_growth(3)                    # He branches: it doubles per block
    array([1., 2., 4., 8.])
    >>> float(stream_variance_growth(50, 50 ** -0.5)[-1])   # (1 + 1/L)^L -> e
    2.691588029073608
    """
    n = check_int("n_blocks", n_blocks, 0)
    s = check_real("branch_scale", branch_scale)
    with np.errstate(over="ignore"):
        return (1.0 + s * s) ** np.arange(n + 1, dtype=np.float64)


@dataclass
class ResidualTrace(Trace):
    """A forward pass of :class:`ResidualMLP`: the MLP's :class:`~initviz.mlp.Trace`
    (``inputs``, ``pre_activations`` z[i] of every dense layer, ``activations[i]`` = the input
    of dense layer i+1, the last the network output) and the residual stream.

    Attributes:
        stream: ``n_blocks + 1`` arrays (n_samples, width): x[0] after the input projection,
            then x[k+1] after each block.
        branches: the output of each block's branch, before its scale (n_blocks arrays).
        training: whether BatchNorm used batch statistics.

    >>> t = ResidualMLP(3, 8, 2, 1, rng=0).trace(np.ones((5, 3)))
    >>> len(t.stream), t.stream[0].shape, t.output.shape
    (3, (5, 8), (5, 1))
    """

    stream: list = field(default_factory=list)
    branches: list = field(default_factory=list)
    training: bool = True
    _normed: list = field(default_factory=list, repr=False)   # norm output per branch layer
    _caches: list = field(default_factory=list, repr=False)   # norm cache per branch layer


@dataclass
class ResidualGradients(Gradients):
    """Gradients of :class:`ResidualMLP`: the MLP's :class:`~initviz.mlp.Gradients` (lists
    indexed by dense layer) and those of the other parameters.

    Attributes:
        gains, shifts: dL/dgain and dL/dshift of every normalization (one per branch layer;
            empty without normalization).
        scales: dL/dscale, one per block (n_blocks,).
        stream: dL/dx[k] for k = 0 .. n_blocks, the gradient along the residual stream.
    """

    gains: list = field(default_factory=list)
    shifts: list = field(default_factory=list)
    scales: np.ndarray = None
    stream: list = field(default_factory=list)


class ResidualMLP(MLP):
    """A residual MLP: input projection, ``n_blocks`` pre-activation residual blocks,
    output layer (see the module docstring for the equations).

    Args:
        n_in, width, n_blocks, n_out: inputs, stream width, blocks (ints; n_blocks >= 0),
            outputs.
        activation: the hidden activation (as :class:`initviz.MLP`'s).
        weight_init: an initializer name or callable for every dense layer (He et al. 2016
            use ``he_normal``). Biases start at zero.
        branch_layers: dense layers per branch, m >= 1 (He et al.'s basic block: 2).
        branch_scale: the branch multiplier at initialization, a real number: 1 for a plain
            ResNet, ``1/sqrt(n_blocks)`` to keep the stream O(1), 0 for SkipInit (De & Smith
            2020) and ReZero (Bachlechner et al. 2020).
        learn_scale: if True, each block's scale is a parameter trained with the rest (ReZero's
            alpha, SkipInit's multiplier); otherwise a constant.
        zero_last: if True, the last dense layer of every branch starts at zero (Fixup's and
            SkipInit's identity start: every block is the identity at initialization).
        norm: None, ``"layer"`` (LayerNorm) or ``"batch"`` (BatchNorm) before each activation
            of a branch (:mod:`initviz.normalization`), gains 1 and shifts 0.
        last_gain: the starting gain of the last normalization of every branch: 1, or 0 as
            Goyal et al. (2017) zero the last BatchNorm gain of each block (a real number).
        output_activation: ``"linear"``, ``"sigmoid"`` or ``"softmax"`` with its loss, as MLP.
        rng: None, an int seed or a Generator; draws the dense layers in order.
    Attributes:
        weights, biases: as MLP's, ``n_blocks * branch_layers + 2`` dense layers.
        norms: one :class:`~initviz.normalization.LayerNorm`/``BatchNorm`` per branch layer
            (empty without normalization). scales: (n_blocks,) the branch multipliers.
        layer_sizes: ``[n_in, width, ..., width, n_out]``, the dense layers' sizes (what
            :func:`initviz.train` reads). training: BatchNorm's mode (:meth:`eval`).
    Raises:
        TypeError, ValueError: a bad size, activation, initializer, norm or scale.

    >>> net = ResidualMLP(64, 32, n_blocks=4, n_out=10, branch_layers=2, zero_last=True,
    ...                   output_activation="softmax", rng=0)
    >>> net.n_layers, len(net.trace(np.ones((3, 64))).stream)   # 1 + 4 * 2 + 1 dense layers
    (10, 5)
    """

    def __init__(self, n_in, width, n_blocks, n_out, activation="relu", weight_init="he_normal",
                 branch_layers=1, branch_scale=1.0, zero_last=False, norm=None,
                 output_activation="linear", rng=None, *, learn_scale=False, last_gain=1.0):
        if isinstance(activation, (list, tuple)):
            raise TypeError(f"activation must be one activation for every branch, got a "
                            f"{type(activation).__name__}: {activation!r}")
        self.n_in = check_int("n_in", n_in, 1)
        self.width = check_int("width", width, 1)
        self.n_blocks = check_int("n_blocks", n_blocks, 0)
        self.n_out = check_int("n_out", n_out, 1)
        self.branch_layers = check_int("branch_layers", branch_layers, 1)
        self.learn_scale = check_bool("learn_scale", learn_scale)
        self.zero_last = check_bool("zero_last", zero_last)
        if norm is not None:
            check_choice("norm", norm, ("layer", "batch"))
        self.norm = norm
        m = self.branch_layers
        n_dense = self.n_blocks * m + 2
        super().__init__([self.n_in] + [self.width] * (n_dense - 1) + [self.n_out],
                         activation=activation, weight_init=weight_init, bias_init="zeros",
                         output_activation=output_activation, rng=rng)
        self.scales = np.full(self.n_blocks, check_real("branch_scale", branch_scale))
        if self.zero_last:
            for k in range(self.n_blocks):
                self.weights[(k + 1) * m][...] = 0.0
        gain = check_real("last_gain", last_gain)
        layer = {"layer": LayerNorm, "batch": BatchNorm}.get(norm)
        self.norms = [] if layer is None else [
            layer(self.width, gain=gain if j == m - 1 else 1.0)
            for _ in range(self.n_blocks) for j in range(m)]
        self.training = True

    # ---------------------------------------------------------------- description
    def __repr__(self):
        return (f"ResidualMLP({self.n_in}, {self.width}, n_blocks={self.n_blocks}, "
                f"n_out={self.n_out}, branch_layers={self.branch_layers}, norm={self.norm!r}, "
                f"output_activation={self.output_activation!r}, params={self.n_params})")

    @property
    def n_params(self) -> int:
        return (super().n_params + sum(n.gain.size + n.shift.size for n in self.norms)
                + (self.scales.size if self.learn_scale else 0))

    def branch_layer(self, block: int, j: int) -> int:
        """The dense-layer index of layer ``j`` of block ``block``'s branch.

        >>> ResidualMLP(2, 4, 3, 1, branch_layers=2, rng=0).branch_layer(1, 1)
        4
        """
        check_int("block", block, 0, self.n_blocks - 1)
        check_int("j", j, 0, self.branch_layers - 1)
        return 1 + block * self.branch_layers + j

    def copy(self) -> "ResidualMLP":
        """An independent copy (arrays, normalizations and scales copied)."""
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.weights = [W.copy() for W in self.weights]
        new.biases = [b.copy() for b in self.biases]
        new.norms = [n.copy() for n in self.norms]
        new.scales = self.scales.copy()
        return new

    def eval(self) -> "ResidualMLP":
        """Evaluation mode: BatchNorm uses its running statistics. Returns the network."""
        self.training = False
        return self

    def train(self) -> "ResidualMLP":
        """Training mode (the default): BatchNorm uses the batch's statistics and updates its
        running ones. Returns the network."""
        self.training = True
        return self

    # ---------------------------------------------------------------- forward
    def trace(self, X, training=None) -> ResidualTrace:
        """The forward pass, every layer kept (see :class:`ResidualTrace`).

        Args:
            X: (n_samples, n_in), finite. training: None (the network's mode, ``training``),
                True or False: BatchNorm's batch or running statistics. In training, BatchNorm
                updates its running statistics, as PyTorch's does.
        Raises:
            ValueError, TypeError: bad X (see :func:`initviz.mlp.check_data`); a training
            batch of 1 sample with BatchNorm.
        """
        X = check_data(X, self.n_in)
        training = self.training if training is None else check_bool("training", training)
        f = self.hidden_activations[0]
        m = self.branch_layers
        W, b = self.weights, self.biases
        zs, acts, normed, caches, branches = [], [], [], [], []
        with np.errstate(all="ignore"):
            x = X @ W[0] + b[0]
            stream = [x]
            zs.append(x)
            for k in range(self.n_blocks):
                h = x
                for j in range(m):
                    i = 1 + k * m + j
                    if self.norms:
                        u, cache = self.norms[i - 1].forward(h, training)
                    else:
                        u, cache = h, None
                    a = f.f(u)
                    acts.append(a)
                    normed.append(u)
                    caches.append(cache)
                    h = a @ W[i] + b[i]
                    zs.append(h)
                branches.append(h)
                x = x + self.scales[k] * h
                stream.append(x)
            acts.append(x)
            z = x @ W[-1] + b[-1]
            zs.append(z)
            acts.append(self._output(z))
        return ResidualTrace(X, zs, acts, stream=stream, branches=branches, training=training,
                             _normed=normed, _caches=caches)

    # ---------------------------------------------------------------- backward
    def backward(self, trace: ResidualTrace, output_grad) -> ResidualGradients:
        """Backpropagate ``output_grad`` = dL/dz of the output layer through ``trace``.

        Returns:
            :class:`ResidualGradients`: every dense layer's dL/dW, dL/db, dL/dz (as the MLP's),
            dL/dactivations, dL/dX, and the normalizations', scales' and stream's gradients.
        Raises:
            ValueError: output_grad of the wrong shape.
        """
        delta = np.asarray(output_grad, dtype=np.float64)
        if delta.shape != trace.pre_activations[-1].shape:
            raise ValueError(f"output_grad has shape {delta.shape}, expected "
                             f"{trace.pre_activations[-1].shape}")
        L, m, f = self.n_layers, self.branch_layers, self.hidden_activations[0]
        W, A = self.weights, trace.activations
        gW, gb, gz, ga = [None] * L, [None] * L, [None] * L, [None] * L
        n_norm = len(self.norms)
        g_gain, g_shift = [None] * n_norm, [None] * n_norm
        g_scale = np.zeros(self.n_blocks)
        g_stream = [None] * (self.n_blocks + 1)
        with np.errstate(all="ignore"):
            ga[-1] = gz[-1] = delta
            gW[-1], gb[-1] = A[-2].T @ delta, delta.sum(axis=0)
            g = delta @ W[-1].T
            ga[-2] = g
            g_stream[-1] = g
            for k in range(self.n_blocks - 1, -1, -1):
                g_scale[k] = float(np.sum(g * trace.branches[k]))
                dh = self.scales[k] * g
                for j in range(m - 1, -1, -1):
                    i = 1 + k * m + j
                    gz[i], gW[i], gb[i] = dh, A[i - 1].T @ dh, dh.sum(axis=0)
                    da = dh @ W[i].T
                    ga[i - 1] = da
                    du = da * f.df(trace._normed[i - 1])
                    if self.norms:
                        du, g_gain[i - 1], g_shift[i - 1] = self.norms[i - 1].backward(
                            du, trace._caches[i - 1])
                    dh = du
                g = g + dh
                g_stream[k] = g
            gz[0], gW[0], gb[0] = g, trace.inputs.T @ g, g.sum(axis=0)
            d_inputs = g @ W[0].T
        return ResidualGradients(gW, gb, gz, ga, d_inputs, trace, gains=g_gain,
                                 shifts=g_shift, scales=g_scale, stream=g_stream)

    def apply_gradients(self, grads: ResidualGradients, lr, bias_lr=None) -> None:
        """One gradient-descent step in place on every parameter.

        Dense layer i takes rate ``lr[i]`` (``bias_lr[i]`` for its bias), as MLP's; the
        normalization before dense layer i, and the scale of the block whose branch ends
        with dense layer i (when ``learn_scale``), take the weight rate of layer i.

        >>> net = ResidualMLP(1, 1, 1, 1, weight_init="ones", branch_scale=0.0,
        ...                   learn_scale=True)
        >>> _, g = net.loss_and_gradients(np.array([[1.0]]), np.array([[0.0]]))
        >>> net.apply_gradients(g, 0.25)  # dL/dscale = 2 z * 1 * relu(1) = 2, scale = -0.5
        >>> float(net.scales[0])
        -0.5
        """
        super().apply_gradients(grads, lr, bias_lr)
        n = self.n_layers
        rates = list(lr) if np.ndim(lr) else [lr] * n
        with np.errstate(all="ignore"):
            for i, norm in enumerate(self.norms):
                norm.gain -= rates[i + 1] * grads.gains[i]
                norm.shift -= rates[i + 1] * grads.shifts[i]
            if self.learn_scale:
                m = self.branch_layers
                for k in range(self.n_blocks):
                    self.scales[k] -= rates[(k + 1) * m] * grads.scales[k]

"""A multilayer perceptron of plain numpy arrays, with its forward pass and backpropagation.

Layer ``i`` (0-based; "layer i+1" in the lessons) computes::

    z[i] = a[i-1] @ W[i] + b[i]      pre-activation, shape (n_samples, fan_out)
    a[i] = f(z[i])                   activation, f the hidden activation (or the output's)

with ``a[-1] = X``, ``W[i]`` of shape (fan_in, fan_out) and ``b[i]`` of shape (fan_out,).
The output activation comes with its loss, as in every framework:

=================  ===============================================  =======================
output activation  loss (mean over samples)                         dL/dz at the output
=================  ===============================================  =======================
linear             mean squared error, mean over samples and units  2 (y_hat - y) / (n k)
sigmoid            binary cross-entropy, mean over samples, units   (sigmoid(z) - y) / (n k)
softmax            categorical cross-entropy, from the logits       (softmax(z) - onehot) / n
=================  ===============================================  =======================

Backpropagation (the chain rule, layer by layer, from the output back)::

    dL/dW[i] = a[i-1].T @ dL/dz[i]          dL/db[i] = sum over samples of dL/dz[i]
    dL/da[i-1] = dL/dz[i] @ W[i].T          dL/dz[i-1] = dL/da[i-1] * f'(z[i-1])

Width scaling (lesson 10): ``parametrization="mup"`` with a ``base_width`` is muP (Yang et al.
2022, table 3): the output layer's init variance and every layer's learning rate scale with
width (:mod:`initviz.mup` has the table; :meth:`MLP.learning_rates` gives the rates).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import initializers, mup
from ._checks import check_choice, check_data, check_int, check_ints
from .activations import OUTPUT_ACTIVATIONS, get_activation

__all__ = ["MLP", "Trace", "Gradients", "check_data", "PARAMETRIZATIONS"]

PARAMETRIZATIONS = ("standard", "mup")


@dataclass
class Trace:
    """Everything one forward pass computed.

    Attributes:
        inputs: X, shape (n_samples, layer_sizes[0]).
        pre_activations: ``z[i]`` for every layer i, shape (n_samples, layer_sizes[i+1]).
        activations: ``a[i] = f(z[i])`` for every layer, the last being the network output
            (after the output activation: probabilities for sigmoid/softmax).

    >>> t = MLP([3, 4, 2], rng=0).trace(np.ones((5, 3)))
    >>> [z.shape for z in t.pre_activations], t.output.shape
    ([(5, 4), (5, 2)], (5, 2))
    """

    inputs: np.ndarray
    pre_activations: list
    activations: list

    @property
    def output(self) -> np.ndarray:
        return self.activations[-1]


@dataclass
class Gradients:
    """Gradients of the loss from one backward pass; lists are indexed by layer like the trace.

    Attributes:
        weights: dL/dW[i], shaped like ``W[i]``.
        biases: dL/db[i], shaped like ``b[i]``.
        pre_activations: dL/dz[i], shape (n_samples, layer_sizes[i+1]): the back-propagated
            gradient the lessons plot (Glorot & Bengio's "back-propagated gradients").
        activations: dL/da[i] for every hidden layer; for the output layer, whose activation is
            fused with its loss, this is dL/dz of the output (the same thing for a linear output).
        inputs: dL/dX, shape (n_samples, layer_sizes[0]).
        trace: the forward pass the gradients were computed from.

    >>> _, g = MLP([3, 4, 1], rng=0).loss_and_gradients(np.ones((5, 3)), np.zeros((5, 1)))
    >>> [w.shape for w in g.weights], g.inputs.shape
    ([(3, 4), (4, 1)], (5, 3))
    """

    weights: list
    biases: list
    pre_activations: list
    activations: list
    inputs: np.ndarray
    trace: Trace = field(repr=False, default=None)


def _resolve_init(init, what):
    if isinstance(init, str) or callable(init):
        return initializers.get(init)
    raise TypeError(
        f"{what} must be an initializer name ({', '.join(initializers.names())}) "
        f"or a callable init(shape, rng, dtype), got {init!r}"
    )


class MLP:
    """A fully connected network ``layer_sizes[0] -> ... -> layer_sizes[-1]``.

    Args:
        layer_sizes: widths, input first, e.g. ``[2, 16, 16, 1]`` (at least 2 entries,
            positive ints).
        activation: hidden activation, one of ``linear, relu, leaky_relu, tanh, sigmoid``, or
            a list with one per hidden layer.
        weight_init: an initializer name or callable (see :func:`initviz.initializers.get`),
            or a list with one per layer. Keras' default is ``glorot_uniform``.
        bias_init: the same for the biases (default ``"zeros"``, as in Keras); drawn with
            shape (fan_out,).
        output_activation: ``"linear"`` (MSE), ``"sigmoid"`` (binary cross-entropy) or
            ``"softmax"`` (cross-entropy); default linear.
        rng: None, an int seed or a numpy Generator; draws the weights, layer by layer.
        parametrization: ``"standard"`` (default) or ``"mup"`` (:mod:`initviz.mup`; the
            draws are the same, the output layer's weights are then divided by
            ``sqrt(m)``); see :meth:`learning_rates` for the per-layer rates.
        base_width: the hidden width of the base model muP scales from (an int >= 1,
            required with ``"mup"``, ignored otherwise).
    Attributes:
        weights: list of arrays, ``weights[i]`` of shape (layer_sizes[i], layer_sizes[i+1]).
        biases: list of arrays, ``biases[i]`` of shape (layer_sizes[i+1],).
    Raises:
        ValueError: fewer than 2 layer sizes, a non-positive size, an unknown activation or
            output activation, a list of the wrong length; TypeError: a non-int size or a bad
            initializer.

    >>> net = MLP([2, 16, 1], activation="tanh", weight_init="glorot_uniform", rng=0)
    >>> net.weights[0].shape, net.n_params          # 2*16 + 16 + 16*1 + 1
    ((2, 16), 65)
    >>> float(np.abs(net.weights[0]).max()) <= (6 / (2 + 16)) ** 0.5   # Glorot's limit
    True
    """

    def __init__(self, layer_sizes, activation="relu", weight_init="glorot_uniform",
                 bias_init="zeros", output_activation="linear", rng=None,
                 parametrization="standard", base_width=None):
        sizes = check_ints("layer_sizes", layer_sizes, 1, min_length=2)
        self.parametrization = check_choice("parametrization", parametrization,
                                            PARAMETRIZATIONS)
        if parametrization == "mup":
            if base_width is None:
                raise ValueError("parametrization='mup' needs base_width, the hidden width "
                                 "of the base model (an int >= 1)")
            base_width = check_int("base_width", base_width, 1)
        self.base_width = base_width if parametrization == "mup" else None
        self.layer_sizes = sizes
        n_layers = len(sizes) - 1

        acts = activation if isinstance(activation, (list, tuple)) else [activation] * (n_layers - 1)
        if len(acts) != n_layers - 1:
            raise ValueError(f"activation list needs {n_layers - 1} entries (one per hidden "
                             f"layer), got {len(acts)}")
        self.hidden_activations = [get_activation(a) for a in acts]
        check_choice("output_activation", output_activation, OUTPUT_ACTIVATIONS)
        if output_activation == "softmax" and self.layer_sizes[-1] < 2:
            raise ValueError("a softmax output needs at least 2 output units")
        self.output_activation = output_activation

        def per_layer(init, what):
            items = init if isinstance(init, (list, tuple)) else [init] * n_layers
            if len(items) != n_layers:
                raise ValueError(f"{what} list needs {n_layers} entries, got {len(items)}")
            return [_resolve_init(i, what) for i in items]

        self.weight_inits = per_layer(weight_init, "weight_init")
        self.bias_inits = per_layer(bias_init, "bias_init")
        gen = initializers.as_generator(rng)
        self.weights, self.biases = [], []
        for i in range(n_layers):
            shape = (self.layer_sizes[i], self.layer_sizes[i + 1])
            self.weights.append(np.asarray(self.weight_inits[i](shape, rng=gen), dtype=np.float64))
            self.biases.append(np.asarray(self.bias_inits[i]((shape[1],), rng=gen), dtype=np.float64))
        if self.parametrization == "mup" and n_layers > 1:
            self.weights[-1] /= np.sqrt(self.width_multipliers[-1][0])

    # ---------------------------------------------------------------- width scaling
    @property
    def width_multipliers(self) -> list:
        """Per layer, ``(m_fan_in, m_fan_out)``: a hidden dimension over ``base_width``, 1.0
        for the data's input and output dimensions and in the standard parametrization.

        >>> MLP([8, 256, 256, 10], parametrization="mup", base_width=64).width_multipliers
        [(1.0, 4.0), (4.0, 4.0), (4.0, 1.0)]
        """
        return mup.width_multipliers(self.layer_sizes, self.base_width)

    def learning_rates(self, lr, optimizer="sgd") -> dict:
        """The per-layer learning rates for :func:`initviz.train` that a base rate ``lr``
        stands for: ``lr`` everywhere in the standard parametrization; muP's table
        (:mod:`initviz.mup`, Yang et al. 2022, table 3) in muP.

        Args:
            lr: the base learning rate (finite, > 0). optimizer: ``"sgd"`` or ``"adam"``.
        Returns:
            ``{"weights": [one rate per layer], "biases": [...]}``.
        Raises:
            TypeError, ValueError: lr not a finite number > 0, an unknown optimizer.

        >>> net = MLP([8, 256, 256, 10], parametrization="mup", base_width=64)
        >>> net.learning_rates(0.01, "adam")["weights"]    # input, hidden / 4, output / 4
        [0.01, 0.0025, 0.0025]
        >>> net.learning_rates(0.01, "sgd")                # doctest: +NORMALIZE_WHITESPACE
        {'weights': [0.04, 0.01, 0.0025], 'biases': [0.04, 0.04, 0.01]}
        """
        return mup.learning_rates(self.width_multipliers, lr, optimizer)

    # ---------------------------------------------------------------- description
    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + the output layer)."""
        return len(self.weights)

    @property
    def n_params(self) -> int:
        return sum(W.size + b.size for W, b in zip(self.weights, self.biases))

    @property
    def activation_names(self) -> list:
        """The activation of every layer, the output's last."""
        return [a.name for a in self.hidden_activations] + [self.output_activation]

    @property
    def is_classifier(self) -> bool:
        return self.output_activation in ("sigmoid", "softmax")

    def __repr__(self):
        hidden = sorted({a.name for a in self.hidden_activations}) or ["-"]
        extra = (f", parametrization='mup', base_width={self.base_width}"
                 if self.parametrization == "mup" else "")
        return (f"MLP({self.layer_sizes}, activation={'/'.join(hidden)}, "
                f"output_activation={self.output_activation!r}, params={self.n_params}{extra})")

    def copy(self) -> "MLP":
        """An independent copy (arrays copied), e.g. to train two copies side by side."""
        new = object.__new__(MLP)
        new.__dict__.update(self.__dict__)
        new.weights = [W.copy() for W in self.weights]
        new.biases = [b.copy() for b in self.biases]
        return new

    # ---------------------------------------------------------------- forward
    def trace(self, X) -> Trace:
        """Run the forward pass and keep every layer's pre-activations and activations.

        Args:
            X: inputs, shape (n_samples, layer_sizes[0]), finite.
        Returns:
            A :class:`Trace`. Values that overflow become inf/nan in it, silently: the
            statistics and plots report them.
        Raises:
            ValueError, TypeError: see :func:`check_data`.
        """
        X = check_data(X, self.layer_sizes[0])
        zs, acts = [], []
        a = X
        with np.errstate(all="ignore"):
            for i, (W, b) in enumerate(zip(self.weights, self.biases)):
                z = a @ W + b
                if i < self.n_layers - 1:
                    a = self.hidden_activations[i].f(z)
                else:
                    a = self._output(z)
                zs.append(z)
                acts.append(a)
        return Trace(X, zs, acts)

    def forward(self, X, record: bool = False):
        """The network's output for X, shape (n_samples, layer_sizes[-1]).

        With ``record=True`` return the whole :class:`Trace` instead (every layer's
        pre-activations and activations), the same as :meth:`trace`.
        """
        t = self.trace(X)
        return t if record else t.output

    __call__ = forward

    def _output(self, z):
        if self.output_activation == "linear":
            return z
        if self.output_activation == "sigmoid":
            return get_activation("sigmoid").f(z)
        shifted = z - np.max(z, axis=1, keepdims=True)
        e = np.exp(shifted)
        return e / e.sum(axis=1, keepdims=True)

    # ---------------------------------------------------------------- loss
    def _targets(self, y, n):
        y = np.asarray(y)
        k = self.layer_sizes[-1]
        if y.shape[0] != n:
            raise ValueError(f"y has {y.shape[0]} samples but X has {n}")
        if self.output_activation == "softmax":
            if y.ndim == 1:
                if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= k:
                    raise ValueError(f"softmax targets must be integer labels in 0..{k - 1}, "
                                     f"got values in [{y.min()}, {y.max()}]")
                onehot = np.zeros((n, k))
                onehot[np.arange(n), y] = 1.0
                return onehot
            y = check_data(y, k, name="y")
            return y
        y = y.reshape(n, -1) if y.ndim == 1 else y
        y = check_data(y, k, name="y")
        if self.output_activation == "sigmoid" and ((y < 0) | (y > 1)).any():
            raise ValueError("sigmoid (binary cross-entropy) targets must lie in [0, 1]")
        return y

    def _loss_and_delta(self, z, y, output=None):
        """Loss and dL/dz at the output, from the logits z (stable for any finite z).

        ``output`` is the output activation of z if the forward pass already computed it."""
        n = z.shape[0]
        if output is None:
            output = self._output(z)
        with np.errstate(all="ignore"):
            if self.output_activation == "linear":
                diff = z - y
                return float(np.mean(diff**2)), 2.0 * diff / diff.size
            if self.output_activation == "sigmoid":
                # BCE = softplus(z) - y z, written to be exact for large |z|
                loss = np.mean(np.logaddexp(0.0, z) - y * z)
                return float(loss), (output - y) / z.size
            shifted = z - np.max(z, axis=1, keepdims=True)
            logsumexp = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            loss = np.mean(np.sum(y * (logsumexp - shifted), axis=1))
            return float(loss), (output - y) / n

    def loss(self, X, y) -> float:
        """The mean loss of the network on (X, y) (see the module's table)."""
        t = self.trace(X)
        return self._loss_and_delta(t.pre_activations[-1], self._targets(y, t.inputs.shape[0]))[0]

    # ---------------------------------------------------------------- backward
    def backward(self, trace: Trace, output_grad) -> Gradients:
        """Backpropagate ``output_grad`` = dL/dz of the output layer through ``trace``.

        Args:
            trace: a forward pass of this network (:meth:`trace`).
            output_grad: dL/dz[-1], shape (n_samples, layer_sizes[-1]). Any array works, e.g.
                a random one to watch how a gradient signal propagates backwards.
        Returns:
            :class:`Gradients`.
        """
        delta = np.asarray(output_grad, dtype=np.float64)
        if delta.shape != trace.pre_activations[-1].shape:
            raise ValueError(f"output_grad has shape {delta.shape}, expected "
                             f"{trace.pre_activations[-1].shape}")
        L = self.n_layers
        gW, gb, gz, ga = [None] * L, [None] * L, [None] * L, [None] * L
        ga[-1] = delta
        with np.errstate(all="ignore"):
            for i in range(L - 1, -1, -1):
                gz[i] = delta
                a_prev = trace.activations[i - 1] if i > 0 else trace.inputs
                gW[i] = a_prev.T @ delta
                gb[i] = delta.sum(axis=0)
                da_prev = delta @ self.weights[i].T
                if i > 0:
                    ga[i - 1] = da_prev
                    delta = da_prev * self.hidden_activations[i - 1].df(trace.pre_activations[i - 1])
                else:
                    d_inputs = da_prev
        return Gradients(gW, gb, gz, ga, d_inputs, trace)

    def loss_and_gradients(self, X, y):
        """Forward pass, loss and backpropagation in one call.

        Args:
            X: (n_samples, layer_sizes[0]). y: targets: (n_samples,) or (n_samples, k) for a
                linear or sigmoid output; integer labels (n_samples,) or one-hot for softmax.
        Returns:
            ``(loss, grads)``: the mean loss (float) and :class:`Gradients` (with ``.trace``).
        Raises:
            ValueError: bad shapes, nan/inf in X or y, labels out of range.
        """
        t = self.trace(X)
        loss, delta = self._loss_and_delta(t.pre_activations[-1], self._targets(y, t.inputs.shape[0]),
                                           t.output)
        return loss, self.backward(t, delta)

    def apply_gradients(self, grads: Gradients, lr, bias_lr=None) -> None:
        """One gradient-descent step in place: ``W -= lr * dL/dW``, ``b -= bias_lr * dL/db``.

        Args:
            grads: :class:`Gradients` of this network.
            lr: the learning rate, a number, or a sequence with one rate per layer.
            bias_lr: the biases' rates in the same form; default the weights' ``lr``.
        The rates are used as given (:func:`initviz.train` checks them); an update that
        overflows gives inf/nan weights, never a warning.

        >>> net = MLP([1, 1], weight_init="ones", output_activation="linear")
        >>> _, g = net.loss_and_gradients(np.array([[1.0]]), np.array([[0.0]]))
        >>> net.apply_gradients(g, 0.25)   # dL/dW = 2 (1 - 0) = 2, so W = 1 - 0.25 * 2
        >>> float(net.weights[0][0, 0])
        0.5
        """
        n = self.n_layers
        w_rates = list(lr) if np.ndim(lr) else [lr] * n
        b_rates = w_rates if bias_lr is None else (
            list(bias_lr) if np.ndim(bias_lr) else [bias_lr] * n)
        with np.errstate(all="ignore"):
            for W, b, gW, gB, rw, rb in zip(self.weights, self.biases, grads.weights,
                                            grads.biases, w_rates, b_rates):
                W -= rw * gW
                b -= rb * gB

    # ---------------------------------------------------------------- predictions
    def predict(self, X) -> np.ndarray:
        """Class labels (n_samples,) for a classifier; the output itself for regression."""
        out = self.forward(X)
        if self.output_activation == "sigmoid":
            return (out[:, 0] > 0.5).astype(np.int64) if out.shape[1] == 1 else (out > 0.5).astype(np.int64)
        if self.output_activation == "softmax":
            return np.argmax(out, axis=1)
        return out

    def accuracy(self, X, y) -> float:
        """Fraction of samples classified correctly (classifiers only)."""
        if not self.is_classifier:
            raise ValueError("accuracy needs a sigmoid or softmax output; this network regresses")
        y = np.asarray(y)
        if self.output_activation == "softmax" and y.ndim == 2:
            y = np.argmax(y, axis=1)
        pred = self.predict(X)
        return float(np.mean(pred == y.reshape(pred.shape)))

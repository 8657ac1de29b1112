"""Keras 3: one forward and one backward pass through a model, every layer measured in numpy,
the model left as it was. Runs on Keras' torch backend (``KERAS_BACKEND=torch``, set before
Keras is first imported); the gradients are PyTorch's autograd on the tensors Keras makes.

Each leaf layer's ``call`` is wrapped for the pass (an instance attribute over the class's
method, removed afterwards) to record its input and output; a layer with its own
``activation`` (``Dense(64, activation="relu")``) has that wrapped too, so that the report
shows its pre-activation z and its activation a as two rows, ``dense`` and
``dense/relu``, as PyTorch's ``Linear`` and ``ReLU`` are. Around the pass every variable is
copied and put back (BatchNormalization's moving statistics change in a training pass),
Dropout layers get rate 0 for the pass (a note says so), and the model is called with
``training=True``: normalization on batch statistics, as the first training step sees it.
Kernels are already in initviz's layout, ``(fan_in, fan_out)`` and ``(*kernel, in, out)``.
"""

from __future__ import annotations

import math

import numpy as np

from ..stats import signal_std
from .records import Measurement, Record
from .targets import class_labels, cross_entropy, output_kind

__all__ = ["measure", "is_keras_model"]


def is_keras_model(model) -> bool:
    """True for a Keras 3 layer or model. Never imports keras: a Keras model was made with it."""
    return any(c.__module__.startswith("keras.") for c in type(model).__mro__)


_ACTIVATION_LAYERS = {"ReLU": "relu", "LeakyReLU": "leaky_relu", "Softmax": "softmax",
                      "ELU": "elu", "PReLU": "prelu"}
_NORMS = ("BatchNormalization", "LayerNormalization", "GroupNormalization",
          "UnitNormalization", "RMSNormalization")
_RESHAPE = ("Flatten", "Reshape", "Dropout", "SpatialDropout1D", "SpatialDropout2D",
            "Identity", "Activation:linear")


def _np(value):
    import keras

    return np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64).copy()


def _activation_name(fn):
    return getattr(fn, "__name__", type(fn).__name__).lower()


def _describe_layer(layer):
    """(category, kind, fan_in, fan_out, weight, bias, activation, slope, note)."""
    kind = type(layer).__name__
    bias = _np(layer.bias) if getattr(layer, "bias", None) is not None else None
    if kind in ("Dense", "EinsumDense") and getattr(layer, "kernel", None) is not None \
            and len(layer.kernel.shape) == 2:
        w = _np(layer.kernel)
        return "dense", kind, w.shape[0], w.shape[1], w, bias, None, None, ""
    if kind in ("Conv1D", "Conv2D", "Conv3D"):
        w = _np(layer.kernel)  # (*kernel, in / groups, out)
        receptive = int(np.prod(w.shape[:-2]))
        return ("conv", kind, w.shape[-2] * receptive, w.shape[-1] * receptive, w, bias, None,
                None, "")
    if kind == "Embedding":
        w = _np(layer.embeddings)
        return "embedding", kind, None, w.shape[1], w, None, None, None, ""
    if kind in _NORMS:
        gamma = getattr(layer, "gamma", None)
        beta = getattr(layer, "beta", None)
        return ("norm", kind, None, None, None if gamma is None else _np(gamma),
                None if beta is None else _np(beta), None, None, "")
    if kind == "Activation":
        name = _activation_name(layer.activation)
        if name == "linear":
            return "reshape", kind, None, None, None, None, None, None, ""
        return "activation", name, None, None, None, None, name, None, ""
    if kind in _ACTIVATION_LAYERS:
        slope = float(layer.negative_slope) if kind == "LeakyReLU" else None
        if kind == "ReLU" and (layer.negative_slope or layer.threshold or
                               layer.max_value is not None):
            return "activation", kind, None, None, None, None, "relu_variant", None, ""
        return "activation", kind, None, None, None, None, _ACTIVATION_LAYERS[kind], slope, ""
    if kind in _RESHAPE:
        return "reshape", kind, None, None, None, None, None, None, ""
    if "Pooling" in kind:
        return "pool", kind, None, None, None, None, None, None, ""
    if kind == "Add":
        return "residual", kind, None, None, None, None, None, None, "x + branch(x)"
    note = f"{kind} is not a layer inspect knows: its output is measured, not matched to theory"
    return "other", kind, None, None, None, None, None, None, note


def _leaves(model):
    out = []
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if type(layer).__name__ == "InputLayer":
            continue
        if not layer._flatten_layers(include_self=False, recursive=False):
            out.append(layer)
    return out


def _default_loss(model, output, targets):
    """(loss function, name): the compiled model's loss, else sparse cross-entropy for
    class labels (from logits unless the output is a softmax), else mean squared error."""
    import keras

    if getattr(model, "compiled", False) and getattr(model, "loss", None) is not None:
        fn = keras.losses.get(model.loss)
        return fn, getattr(fn, "name", None) or getattr(fn, "__name__", str(model.loss))
    out = _np(output)
    if class_labels(np.asarray(targets), out) is not None:
        logits = output_kind(out) == "logits"
        return (keras.losses.SparseCategoricalCrossentropy(from_logits=logits),
                "cross-entropy" if logits else "cross-entropy (softmax output)")
    return keras.losses.MeanSquaredError(), "mean squared error"


def measure(model, inputs, targets=None, loss=None, gen=None) -> Measurement:
    """One forward and backward pass of a Keras model on ``inputs`` (see the module
    docstring); arguments as :func:`initviz.inspect.torch_backend.measure`, ``loss`` a Keras
    loss or ``loss(y_true, y_pred)``.

    Raises:
        RuntimeError: Keras runs on another backend than torch.
    """
    import keras
    import torch

    if keras.backend.backend() != "torch":
        raise RuntimeError(
            f"initviz.inspect measures Keras models on the torch backend; this Keras runs on "
            f"{keras.backend.backend()!r}. Set the environment variable KERAS_BACKEND=torch "
            "before Keras is first imported (e.g. os.environ['KERAS_BACKEND'] = 'torch').")
    leaves = _leaves(model)
    saved = [(v, keras.ops.convert_to_numpy(v)) for v in model.variables]
    events = []  # (layer, name, kind-override, input, output)
    patched, rates, notes = [], [], []
    try:
        for layer in leaves:
            _wrap(layer, events, patched)
            if type(layer).__name__.endswith("Dropout") and getattr(layer, "rate", 0):
                rates.append((layer, layer.rate))
                layer.rate = 0.0
        if rates:
            notes.append(f"{len(rates)} Dropout layer(s) switched off for the pass: the "
                         "statistics are those of the network without the noise")
        dtype = model.variables[0].dtype if model.variables else "float32"
        x = np.asarray(inputs)
        x_t = keras.ops.convert_to_tensor(x.astype(dtype) if x.dtype.kind == "f" else x)
        with torch.random.fork_rng(devices=[]), torch.enable_grad():
            out = model(x_t, training=True)
            if isinstance(out, (list, tuple)):
                out = out[0]
            # every output, and each own activation's input z (its layer's row)
            made = [o for *_, o in events] + [e[3] for e in events if e[2] is not None]
            tensors = [o for o in made if isinstance(o, torch.Tensor) and o.requires_grad]
            if targets is None:
                seed = torch.as_tensor(gen.standard_normal(tuple(out.shape)), dtype=out.dtype)
                root, value, loss_name, kind = out, None, None, "standard-normal"
            else:
                fn, loss_name = (loss, getattr(loss, "name", None) or
                                 getattr(loss, "__name__", type(loss).__name__)) \
                    if loss is not None else _default_loss(model, out, targets)
                root = fn(keras.ops.convert_to_tensor(np.asarray(targets)), out)
                seed = torch.ones_like(root)
                value, kind = float(root.detach()), "loss"
            grads = (torch.autograd.grad([root], tensors, grad_outputs=[seed],
                                         allow_unused=True)
                     if tensors and root.requires_grad else [None] * len(tensors))
        grad_of = {id(o): g for o, g in zip(tensors, grads)}
        records = _records(events, grad_of, x_t)
        output = _np(out)
    finally:
        for layer, attr, original in reversed(patched):
            if original is None:
                if attr in layer.__dict__:
                    object.__delattr__(layer, attr)
            else:
                object.__setattr__(layer, attr, original)
        for layer, rate in rates:
            layer.rate = rate
        for v, kept in saved:
            v.assign(kept)
    ce = None
    if targets is not None:
        labels = class_labels(np.asarray(targets), output)
        if labels is not None:
            ce = (cross_entropy(output, labels), output.shape[1])
    inputs_np = np.asarray(x, dtype=np.float64) if x.dtype.kind == "f" else None
    return Measurement("keras", model.name, records, inputs_np, output, value, loss_name, ce,
                       kind, notes)


def _wrap(layer, events, patched):
    """Record ``layer``'s input and output (and its own activation's) in ``events``."""
    call = layer.call

    def recording_call(*args, **kwargs):
        out = call(*args, **kwargs)
        events.append((layer, layer.name, None, args[0] if args else None, out))
        return out

    patched.append((layer, "call", None))
    object.__setattr__(layer, "call", recording_call)
    act = getattr(layer, "activation", None)
    if act is not None and type(layer).__name__ != "Activation" \
            and _activation_name(act) != "linear":
        name = _activation_name(act)

        def recording_activation(z):
            a = act(z)
            events.append((layer, f"{layer.name}/{name}", name, z, a))
            return a

        patched.append((layer, "activation", act))
        object.__setattr__(layer, "activation", recording_activation)


def _records(events, grad_of, x):
    """Records in the order the layers finished; a layer's own activation (recorded first,
    inside its call) goes after the layer's pre-activation row."""
    import torch

    records, pending = [], {}
    prev_out = x
    order = []
    for layer, name, act, inp, out in events:
        if act is not None:
            pending[id(layer)] = (name, act, inp, out)
            continue
        order.append((layer, name, inp, out))
        if id(layer) in pending:
            order.append(pending.pop(id(layer)) + (layer,))
    for item in order:
        if len(item) == 5:  # a layer's own activation: its z and a
            name, act, z, a, layer = item
            g = grad_of.get(id(a))
            slope = float(getattr(layer, "negative_slope", 0.01)) if act == "leaky_relu" else None
            records.append(Record(name, act, "activation", _np(a), None if g is None else _np(g),
                                  activation=act, slope=slope, pre=_np(z), chain=True))
            prev_out = a
            continue
        layer, name, inp, out = item
        if not isinstance(out, torch.Tensor):
            records.append(Record(name, type(layer).__name__, "other", np.zeros((1, 0)),
                                  chain=False, note="returned no tensor: not measured"))
            continue
        category, kind, fi, fo, w, b, act, slope, note = _describe_layer(layer)
        own = getattr(layer, "activation", None)
        if own is not None and type(layer).__name__ != "Activation" \
                and _activation_name(own) != "linear":
            z = _find_preactivation(events, layer)
            out_used, g = z, grad_of.get(id(z))
        else:
            out_used, g = out, grad_of.get(id(out))
        inputs = inp if isinstance(inp, (list, tuple)) else [inp]
        chain = any(i is prev_out for i in inputs) and len(inputs) == 1
        ratio = skip_std = None
        if category == "residual" and len(inputs) == 2:
            # the skip is the input that comes from earlier in the pass
            first = min(inputs, key=lambda t: _position(events, t))
            skip, branch = _np(first), _np(inputs[1] if first is inputs[0] else inputs[0])
            var = float(np.var(skip))
            ratio = float(np.var(branch)) / var if var > 0 else math.inf
            skip_std = signal_std(skip.reshape(skip.shape[0], -1))
            chain = False
        pre = _np(inp) if category == "activation" and isinstance(inp, torch.Tensor) else None
        records.append(Record(name, kind, category, _np(out_used),
                              None if g is None else _np(g), fi, fo, w, b, act, slope, pre,
                              chain=chain, branch_ratio=ratio, skip_signal_std=skip_std,
                              note=note))
        prev_out = out_used
    return records


def _position(events, tensor):
    """Where ``tensor`` was made in the pass (-1: the model's input)."""
    for k, (*_, out) in enumerate(events):
        if out is tensor:
            return k
    return -1


def _find_preactivation(events, layer):
    for lay, name, act, inp, out in events:
        if lay is layer and act is not None:
            return inp
    return None

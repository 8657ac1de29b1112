"""PyTorch: one forward and one backward pass through a ``torch.nn.Module`` with hooks,
measured in numpy, the model left exactly as it was.

Forward hooks (``register_forward_hook``) on every module record each output in the order
the modules finish; ``torch.autograd.grad`` then takes the gradient of the loss with respect
to all of them at once, without touching any parameter's ``.grad``. Around the pass:

- parameters and buffers are copied and put back (BatchNorm's running statistics and
  ``num_batches_tracked`` change in a training-mode pass), every module's ``training`` flag
  and every ``inplace`` flag is restored, and the global random state is forked
  (``torch.random.fork_rng``), so a later ``torch.manual_seed`` sequence is unchanged;
- the model runs in the mode it is in (normalization on batch statistics in training mode,
  as the first step of training sees it), except Dropout, switched off so that the
  statistics are not noise (a report note says so); in-place activations run out of place,
  so the pre-activation keeps its own value and gradient.

Weights are handed over in initviz's layout: ``nn.Linear``'s (fan_out, fan_in) transposed to
(fan_in, fan_out); a convolution's (out, in / groups, *kernel) to (*kernel, in / groups,
out), whose fans are then PyTorch's (``torch.nn.init._calculate_fan_in_and_fan_out``).
"""

from __future__ import annotations

import math

import numpy as np

from ..stats import signal_std
from .records import Measurement, Record
from .targets import class_labels, cross_entropy, output_kind

__all__ = ["measure", "is_torch_module"]


def is_torch_module(model) -> bool:
    """True for a ``torch.nn.Module`` that is not a Keras model (Keras 3 layers on the torch
    backend are modules too). Never imports torch: a model of torch was made with it."""
    import sys

    torch = sys.modules.get("torch")
    if torch is None or not isinstance(model, torch.nn.Module):
        return False
    return not any(c.__module__.startswith("keras") for c in type(model).__mro__)


_ACTIVATIONS = {"ReLU": "relu", "LeakyReLU": "leaky_relu", "Tanh": "tanh", "Sigmoid": "sigmoid",
                "Identity": "linear", "GELU": "gelu", "SiLU": "silu", "ELU": "elu",
                "SELU": "selu", "Softplus": "softplus", "Mish": "mish", "ReLU6": "relu6",
                "Hardtanh": "hardtanh", "Softmax": "softmax", "LogSoftmax": "log_softmax",
                "PReLU": "prelu"}
_DROPOUTS = ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout")
_RESHAPE = ("Flatten", "Unflatten") + _DROPOUTS
_NORMS = ("BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LayerNorm", "GroupNorm",
          "InstanceNorm1d", "InstanceNorm2d", "RMSNorm")


def _numpy(t):
    return t.detach().cpu().double().numpy().copy()


def _first_tensor(value, torch):
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, (tuple, list)):
        for v in value:
            if isinstance(v, torch.Tensor):
                return v
    return None


def _describe_module(name, module, torch):
    """(category, kind, fan_in, fan_out, weight, bias, activation, slope, note) of a leaf."""
    nn = torch.nn
    kind = type(module).__name__
    w = getattr(module, "weight", None)
    b = getattr(module, "bias", None)
    bias = _numpy(b) if isinstance(b, torch.Tensor) else None
    if type(module) is nn.Linear:
        weight = _numpy(w).T
        return "dense", kind, weight.shape[0], weight.shape[1], weight, bias, None, None, ""
    if type(module) in (nn.Conv1d, nn.Conv2d, nn.Conv3d):
        raw = _numpy(w)  # (out, in / groups, *kernel)
        weight = np.moveaxis(raw, (0, 1), (-1, -2))  # (*kernel, in / groups, out)
        receptive = int(np.prod(raw.shape[2:]))
        return ("conv", kind, raw.shape[1] * receptive, raw.shape[0] * receptive, weight, bias,
                None, None, "")
    if type(module) is nn.Embedding:
        return "embedding", kind, None, module.embedding_dim, _numpy(w), None, None, None, ""
    if kind in _NORMS:
        gain = _numpy(w) if isinstance(w, torch.Tensor) else None
        return "norm", kind, None, None, gain, bias, None, None, ""
    if kind in _ACTIVATIONS and not list(module.parameters()):
        slope = float(module.negative_slope) if kind == "LeakyReLU" else None
        return "activation", kind, None, None, None, None, _ACTIVATIONS[kind], slope, ""
    if kind in _RESHAPE:
        return "reshape", kind, None, None, None, None, None, None, ""
    if "Pool" in kind:
        return "pool", kind, None, None, None, None, None, None, ""
    note = f"{kind} is not a layer inspect knows: its output is measured, not matched to theory"
    return "other", kind, None, None, None, None, None, None, note


class _State:
    """Everything a pass could change, copied before and put back after."""

    def __init__(self, model, torch):
        self.torch = torch
        self.model = model
        with torch.no_grad():
            self.tensors = [(t, t.detach().clone()) for t in
                            list(model.parameters()) + list(model.buffers())]
        self.grads = [(p, None if p.grad is None else p.grad.detach().clone())
                      for p in model.parameters()]
        self.modes = [(m, m.training) for m in model.modules()]
        self.inplace = [(m, m.inplace) for m in model.modules()
                        if isinstance(getattr(m, "inplace", None), bool)]

    def restore(self):
        with self.torch.no_grad():
            for t, saved in self.tensors:
                t.copy_(saved)
        for p, g in self.grads:
            p.grad = g
        for m, mode in self.modes:
            m.training = mode
        for m, flag in self.inplace:
            m.inplace = flag


def _default_loss(output, targets, torch):
    """(loss function, its name) for targets without a ``loss``: cross-entropy for class
    labels (on logits, or on log-probabilities after a softmax), else mean squared error."""
    F = torch.nn.functional
    labels = class_labels(targets.detach().cpu().numpy(), _numpy(output)) \
        if output.dim() == 2 else None
    if labels is not None:
        kind = output_kind(_numpy(output))
        if kind == "probabilities":
            return (lambda o, t: F.nll_loss(torch.log(o), t)), "cross-entropy (softmax output)"
        if kind == "log_probabilities":
            return F.nll_loss, "cross-entropy (log-softmax output)"
        return F.cross_entropy, "cross-entropy"
    return (lambda o, t: F.mse_loss(o, t.to(o.dtype).reshape(o.shape))), "mean squared error"


def measure(model, inputs, targets=None, loss=None, gen=None) -> Measurement:
    """One forward and backward pass of ``model`` on ``inputs``, every module measured.

    Args:
        model: a ``torch.nn.Module``. inputs: a numpy array or tensor (a batch).
        targets: None (a standard-normal gradient is sent back from the output, drawn from
            ``gen``) or the targets (numpy or tensor). loss: ``loss(output, targets)`` ->
            scalar tensor, or None for the default (cross-entropy for class labels, else
            mean squared error).
        gen: a numpy Generator.
    Returns:
        :class:`Measurement`; the model's parameters, buffers, grads and modes unchanged.
    """
    import torch

    params = list(model.parameters())
    dtype = next((p.dtype for p in params if p.is_floating_point()), torch.get_default_dtype())
    x = torch.as_tensor(inputs)
    if x.is_floating_point():
        x = x.to(dtype)
    names = {m: n for n, m in model.named_modules()}
    leaves = {m for m in names if not list(m.children())}
    events = []  # (module, input tensor, output tensor), in the order modules finished
    state = _State(model, torch)
    notes = []
    hooks = []
    try:
        for m, _ in state.inplace:
            m.inplace = False
        dropouts = [m for m in model.modules() if type(m).__name__ in _DROPOUTS and m.training]
        for m in dropouts:
            m.training = False
        if dropouts:
            notes.append(f"{len(dropouts)} Dropout module(s) switched off for the pass: "
                         "the statistics are those of the network without the noise")

        def hook(module, args, output):
            events.append((module, _first_tensor(args, torch), _first_tensor(output, torch)))

        hooks = [m.register_forward_hook(hook) for m in names]
        with torch.random.fork_rng(devices=[]), torch.enable_grad():
            out = _first_tensor(model(x), torch)
            if out is None:
                raise TypeError(f"the model returned {type(out).__name__}, not a tensor")
            tensors = [o for _, _, o in events if o is not None and o.requires_grad]
            if targets is None:
                g = torch.as_tensor(gen.standard_normal(tuple(out.shape)), dtype=out.dtype)
                value, loss_name, kind = None, None, "standard-normal"
                # d sum(out * g) / d out is g exactly (1.0 * g): the same backward pass as
                # grad_outputs=[g], from a scalar root; autograd.grad with grad_outputs
                # imports torch.fx's symbolic shapes and sympy on first use (0.4-0.7 s here)
                root = (out * g).sum()
            else:
                t = torch.as_tensor(targets)
                fn, loss_name = (loss, getattr(loss, "__name__", type(loss).__name__)) \
                    if loss is not None else _default_loss(out, t, torch)
                root = fn(out, t)
                value, kind = float(root.detach()), "loss"
            if tensors and root.requires_grad:
                grads = torch.autograd.grad(root, tensors, allow_unused=True)
            else:
                grads = [None] * len(tensors)
        grad_of = {id(o): g for o, g in zip(tensors, grads)}
        records = _records(events, names, leaves, grad_of, x, torch)
        output = _numpy(out)
    finally:
        for h in hooks:
            h.remove()
        state.restore()
    ce = None
    if targets is not None:
        labels = class_labels(np.asarray(torch.as_tensor(targets).cpu()), output)
        if labels is not None:
            ce = (cross_entropy(output, labels), output.shape[1])
    inputs_np = _numpy(x) if x.is_floating_point() else None
    return Measurement("pytorch", type(model).__name__, records, inputs_np, output, value,
                       loss_name, ce, kind, notes)


def _records(events, names, leaves, grad_of, x, torch):
    """The :class:`Record` of every leaf module call, and of every container whose forward
    computes something of its own (a residual addition ``x + f(x)``, or an unknown step)."""
    records, counts = [], {}
    leaf_outputs = {}  # id(tensor) -> index of the record it is the output of
    prev_out = x
    for module, inp, out in events:
        name = names[module] or type(module).__name__
        if out is None:
            if module in leaves:
                records.append(Record(name, type(module).__name__, "other", np.zeros((1, 0)),
                                      note="returned no tensor: not measured", chain=False))
            continue
        if module not in leaves:
            if id(out) in leaf_outputs or not records:
                continue  # a container that hands on its last child's output
            records.append(_container(name, module, inp, out, records, grad_of, torch))
            leaf_outputs[id(out)] = len(records) - 1
            prev_out = out
            continue
        counts[name] = counts.get(name, 0) + 1
        if counts[name] > 1:  # a module called twice (shared): one row per call
            name = f"{name}#{counts[name]}"
        category, kind, fi, fo, w, b, act, slope, note = _describe_module(name, module, torch)
        pre = _numpy(inp) if category == "activation" and inp is not None else None
        g = grad_of.get(id(out))
        records.append(Record(name, kind, category, _numpy(out),
                              None if g is None else _numpy(g), fi, fo, w, b, act, slope, pre,
                              chain=_same_values(inp, prev_out), note=note))
        leaf_outputs[id(out)] = len(records) - 1
        prev_out = out
    return records


def _same_values(a, b) -> bool:
    """a is b, or a view of the same memory with the same number of values (a flatten)."""
    if a is b:
        return True
    if a is None or b is None:
        return False
    return a.data_ptr() == b.data_ptr() and a.numel() == b.numel()


def _container(name, module, inp, out, records, grad_of, torch):
    """A record for a container whose output is not a child's: a residual addition when the
    output is its input plus its last child's output, else an unknown step."""
    g = grad_of.get(id(out))
    grad = None if g is None else _numpy(g)
    y = _numpy(out)
    branch = records[-1].out
    if inp is not None and tuple(inp.shape) == y.shape == branch.shape:
        skip = _numpy(inp)
        scale = float(np.abs(y).max()) if y.size else 0.0
        if np.allclose(y, skip + branch, rtol=1e-4, atol=1e-5 * max(scale, 1e-30)):
            var_skip = float(np.var(skip))
            ratio = float(np.var(branch)) / var_skip if var_skip > 0 else math.inf
            return Record(name, f"residual add ({type(module).__name__})", "residual", y, grad,
                          chain=False, branch_ratio=ratio,
                          skip_signal_std=signal_std(skip.reshape(skip.shape[0], -1)),
                          note="x + branch(x)")
    return Record(name, type(module).__name__, "other", y, grad, chain=False,
                  note=f"{type(module).__name__} computes in its own forward, beyond its "
                       "child modules: measured as one step, not matched to theory")

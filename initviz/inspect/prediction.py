"""The theory beside the measurement: the out_std initviz's theory predicts for each step of a
plain stack (dense or convolution layers and pointwise activations, each fed the previous
step's output), from the weights the layers actually hold.

A weighted step ``z = a @ W + b`` gets ``Var(z) = fan_in * E[W^2] * E[a^2] + E[b^2]`` (LeCun
et al. 1998; He et al. 2015, eq. 7, with the biases' spread across units added as in Poole et
al. 2016's sigma_b^2); an activation step gets ``E[f(z)]`` and ``E[f(z)^2]`` for
``z ~ N(0, Var(z))`` from :func:`initviz.theory.gaussian_moments` (mean field), hence its
std ``sqrt(E[f^2] - E[f]^2)``; Flatten and a switched-off Dropout pass the moments on. The
prediction starts from the batch's own ``E[x^2]`` and stops at the first step it does not
cover (a normalization, an embedding, pooling, a residual addition, softmax, an unknown
module, a layer fed by something other than the previous step): from there on it is None.
Convolutions are treated as their interior positions (every window full); zero padding
lowers the measured std at the borders.

>>> from initviz.inspect.records import Record
>>> w = np.resize([0.1, -0.1], (100, 1))                # fan_in 100, E[W^2] = 0.01
>>> recs = [Record("fc", "Linear", "dense", np.zeros((1, 1)), fan_in=100, fan_out=1, weight=w),
...         Record("act", "ReLU", "activation", np.zeros((1, 1)), activation="relu")]
>>> [round(v, 6) for v in predict_out_std(recs, input_second_moment=2.0)]  # Var(z) = 2
[1.414214, 0.825645]

(the ReLU's std^2 is E[z^2] / 2 - E[relu(z)]^2 = 2 / 2 - 2 / (2 pi) = 1 - 1 / pi)
"""

from __future__ import annotations

import math

import numpy as np

from ..activations import LEAKY_RELU_SLOPE
from ..theory import gaussian_moments
from .records import ACTIVATIONS_WITH_THEORY

__all__ = ["predict_out_std"]

# The weights' mean must be small beside their spread for the zero-mean theory to apply:
# |mean| below 10 % of the rms (for fan_in >= 16 a mean that size adds at most ~1 % of the
# variance of z for zero-mean inputs).
_MEAN_TOLERANCE = 0.1


def predict_out_std(records, input_second_moment) -> list:
    """Predicted std of each record's output, None where the theory does not apply.

    Args:
        records: :class:`~initviz.inspect.records.Record` list, in the order they ran.
        input_second_moment: E[x^2] of the model's input batch (None: no prediction at all,
            e.g. token ids).
    Returns:
        A list of floats or None, one per record.
    """
    out = [None] * len(records)
    if input_second_moment is None or not math.isfinite(input_second_moment):
        return out
    second, q = float(input_second_moment), None
    for i, r in enumerate(records):
        if not r.chain:
            break
        if r.category in ("dense", "conv"):
            w = np.asarray(r.weight, dtype=np.float64)
            w2 = float(np.mean(w * w))
            if w2 > 0 and abs(float(np.mean(w))) > _MEAN_TOLERANCE * math.sqrt(w2):
                break
            b = np.zeros(1) if r.bias is None else np.asarray(r.bias, dtype=np.float64)
            q = r.fan_in * w2 * second + float(np.mean(b * b))  # E[z^2]
            second = q
            out[i] = math.sqrt(max(q - float(np.mean(b)) ** 2, 0.0))
        elif r.category == "activation":
            if r.activation not in ACTIVATIONS_WITH_THEORY or q is None:
                break
            if r.activation == "leaky_relu" and r.slope is not None \
                    and not math.isclose(r.slope, LEAKY_RELU_SLOPE):
                e1 = (1 - r.slope) * math.sqrt(q / (2 * math.pi))
                e2 = (1 + r.slope ** 2) * q / 2
            else:
                e1, e2, _ = gaussian_moments(r.activation, q)
            second = e2
            q = None  # the next step must be a weighted layer
            out[i] = math.sqrt(max(e2 - e1 * e1, 0.0))
        elif r.category == "reshape":  # Flatten, Identity: the same values
            out[i] = out[i - 1] if i > 0 else None
        else:
            break
    return out

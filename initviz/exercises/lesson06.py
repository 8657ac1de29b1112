"""The exercises of lesson 06, in practice: the fans of convolution kernels (Keras' layout) and
PyTorch's nn.Linear default, a sixth of He's variance.

>>> [exercise.id for exercise in EXERCISES]
['06.1', '06.2', '06.3']
"""

from __future__ import annotations

import math

from .. import initializers
from .checkers import check_function
from .exercise import Exercise
from .lesson05 import check_ratio_to_he, relu_std_ratio

__all__ = ["EXERCISES"]

# PyTorch's nn.Linear default, U(-1/sqrt(fan_in), 1/sqrt(fan_in)): Glorot & Bengio's "standard"
# initialization, variance 1/(3 fan_in)
_PYTORCH_LINEAR = initializers.get("variance_scaling", scale=1 / 3, mode="fan_in",
                                   distribution="uniform")


def _field(s):
    return math.prod(s[:-2])


def _e06_1(student):
    inputs = [((250, 100),), ((3, 3, 64, 128),), ((5, 5, 3, 32),), ((1, 1, 256, 64),),
              ((3, 16, 32),)]
    return check_function(
        "06.1", student, initializers.compute_fans, inputs, signature="fans(shape)",
        names=("shape",),
        success="fan_in = receptive field x in_channels, fan_out = receptive field x "
                "out_channels, for dense, Conv1D and Conv2D kernels, as "
                "initializers.compute_fans.",
        mistakes=[
            (lambda s: (s[-2], s[-1]),
             "you counted the channels only: each output of a convolution sums over the "
             "kernel's receptive field too, fan_in = kh * kw * in_channels"),
            (lambda s: (s[-1] * _field(s), s[-2] * _field(s)),
             "fan_in and fan_out are swapped: in Keras' layout (..., in, out) the input "
             "channels come second to last"),
            (lambda s: (s[1] * math.prod(s[2:]), s[0] * math.prod(s[2:])),
             "you read the shape in PyTorch's layout (out, in, kh, kw); here it is Keras' "
             "(kh, kw, in, out)"),
            (lambda s: (math.prod(s), math.prod(s)),
             "the product of all dimensions is the number of weights, not the fan: fan_in "
             "leaves out the output channels"),
        ],
        hint="a Keras kernel is (*kernel_size, in_channels, out_channels); a dense one is "
             "(fan_in, fan_out).")


def _e06_3(answer):
    depth, width = 20, 256
    return check_ratio_to_he("06.3", answer, _PYTORCH_LINEAR, "the default", "(1/6)^20",
                             depth=depth, width=width, explain=(
        "nn.Linear's variance 1/(3 fan_in) is a sixth of He's: Var(z) falls by 1/6 per layer "
        "relative to He, (1/6)^(20/2) in std."), mistakes=[
        (1.0,
         "PyTorch's default is not He: kaiming_uniform_ with a = sqrt(5) gives variance "
         "1/(3 fan_in), a sixth of He's 2/fan_in"),
        (relu_std_ratio("glorot_uniform", depth, width),
         "that is Xavier's ratio, (1/2)^10; nn.Linear's default is smaller still, a third of "
         "LeCun's variance"),
        ((1 / 3) ** (depth / 2),
         "1/3 per layer is the default's loss against LeCun in a linear network; against He "
         "in a ReLU network it is 1/6"),
    ], hint="per layer, Var(z) is multiplied by (1/2) n Var(W): compare Var(W) = 1/(3n) with "
            "2/n.")


EXERCISES = (
    Exercise("06.1", "implement",
             "Implement fans(shape) -> (fan_in, fan_out) for a Keras kernel: (fan_in, fan_out) "
             "for a dense layer, (*kernel_size, in_channels, out_channels) for a convolution "
             "(e.g. (3, 3, 64, 128) for Conv2D, (3, 16, 32) for Conv1D).", _e06_1),
    Exercise.choice(
        "06.2",
        "PyTorch's nn.Linear(512, 128) initializes its weights by default with variance:\n  "
        "a) 2/512\n  b) 1/(3 * 512)\n  c) 2/(512 + 128)\n  d) 1/512",
        "b", {
            "a": "that is He's; nn.Linear's default calls kaiming_uniform_ but with a = sqrt(5), "
                 "gain sqrt(1/3)",
            "b": "U(-1/sqrt(512), 1/sqrt(512)) has variance (1/512)/3: Glorot & Bengio's "
                 "'standard' init",
            "c": "that is Xavier/Glorot, not PyTorch's default",
            "d": "that is LeCun's; the uniform bound 1/sqrt(fan_in) gives a third of it"}),
    Exercise("06.3", "predict",
             "Predict: 20 ReLU layers of 256 units, standard-normal inputs, every layer "
             "initialized as PyTorch's nn.Linear default, U(-1/sqrt(fan_in), 1/sqrt(fan_in)). "
             "Divide the std of z at layer 20 by the same std with He initialization. What is "
             "the ratio? Predict it from the per-layer factors (a factor of 2 either way "
             "counts).", _e06_3),
)

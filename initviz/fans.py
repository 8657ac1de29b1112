"""Fans and gains: how many connections meet at a weight tensor's units, and PyTorch's gains.

In Keras' layout a dense kernel has shape ``(fan_in, fan_out)`` and a convolution kernel
``(*kernel_size, in_channels, out_channels)``: each output unit sums ``fan_in`` weighted inputs
and each input feeds ``fan_out`` outputs. The fan-based initializers
(:class:`initviz.initializers.VarianceScaling`) set the weights' variance to ``scale / fan``;
:func:`calculate_gain` is the factor an activation asks for on the standard deviation. Both
functions are re-exported by :mod:`initviz.initializers`.

>>> compute_fans((3, 3, 16, 32))  # a 3x3 convolution, 16 -> 32 channels: 9*16 and 9*32
(144, 288)
>>> round(calculate_gain("relu") ** 2, 12)  # He's factor 2 on the variance
2.0
"""

from __future__ import annotations

import math
import numbers

from ._checks import check_choice, check_ints, check_real

__all__ = ["check_shape", "compute_fans", "calculate_gain", "NONLINEARITIES"]

# PyTorch's table (``torch.nn.init.calculate_gain``) for the names whose gain has no parameter.
_FIXED_GAINS = {
    **dict.fromkeys(("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                     "conv_transpose2d", "conv_transpose3d", "sigmoid"), 1.0),
    "tanh": 5.0 / 3.0,
    "relu": math.sqrt(2.0),
    "selu": 3.0 / 4.0,
}
#: The names :func:`calculate_gain` accepts.
NONLINEARITIES = (*_FIXED_GAINS, "leaky_relu")
# leaky_relu's negative slope when ``param`` is None: PyTorch's default.
_DEFAULT_SLOPE = 0.01


def check_shape(shape, min_dims: int = 0) -> tuple[int, ...]:
    """Return ``shape`` as a tuple of Python ints, each at least 1.

    Args:
        shape: a sequence of positive integers (numpy integers too), or one integer ``n``,
            read as ``(n,)``.
        min_dims: the fewest dimensions allowed.
    Returns:
        ``tuple[int, ...]``.
    Raises:
        TypeError: not a sequence of integers (``2.0``, ``True`` and ``"34"`` are not).
        ValueError: a dimension below 1, or fewer than ``min_dims`` dimensions.

    >>> import numpy as np
    >>> check_shape((np.int64(250), 100))
    (250, 100)
    >>> check_shape((3, 0))
    Traceback (most recent call last):
    ValueError: shape[1] must be an int >= 1, got 0
    """
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (shape,)
    return tuple(check_ints("shape", shape, 1, min_length=min_dims))


def compute_fans(shape) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` of a weight tensor in Keras' layout.

    Args:
        shape: ``(n,)`` (both fans ``n``), ``(fan_in, fan_out)`` for a dense kernel, or
            ``(*kernel_size, in_channels, out_channels)`` for a convolution kernel, whose fans
            are the channels times the receptive field size ``prod(kernel_size)``.
    Returns:
        ``(fan_in, fan_out)`` as Python ints.
    Raises:
        TypeError, ValueError: ``shape`` is not a non-empty sequence of positive integers
        (see :func:`check_shape`).
    References:
        ``keras.src.initializers.random_initializers.compute_fans``. PyTorch's
        ``torch.nn.init._calculate_fan_in_and_fan_out`` gives the same numbers for its
        transposed layout ``(out, in, *kernel_size)``.

    >>> compute_fans((250, 100))
    (250, 100)
    >>> compute_fans((5, 8, 4))  # a width-5 1-d convolution, 8 -> 4 channels
    (40, 20)
    """
    dims = check_shape(shape, min_dims=1)
    if len(dims) == 1:
        return dims[0], dims[0]
    receptive_field = math.prod(dims[:-2])
    return dims[-2] * receptive_field, dims[-1] * receptive_field


def calculate_gain(nonlinearity: str, param=None) -> float:
    """Return the recommended gain for a nonlinearity, as PyTorch's ``nn.init.calculate_gain``.

    ==============  ===========================
    nonlinearity    gain
    ==============  ===========================
    linear, conv*   1
    sigmoid         1
    tanh            5/3
    relu            sqrt(2)
    leaky_relu      sqrt(2 / (1 + slope**2))
    selu            3/4
    ==============  ===========================

    The gain multiplies a standard deviation: He normal is ``gain("relu") / sqrt(fan_in)``.

    Args:
        nonlinearity: one of :data:`NONLINEARITIES`, the names above.
        param: the negative slope for ``leaky_relu`` (default 0.01, PyTorch's); ignored
            otherwise.
    Returns:
        The gain, a float > 0.
    Raises:
        TypeError: ``nonlinearity`` not a string, or a ``param`` that is not a real number
            (PyTorch raises ValueError there; we follow initviz's rule, TypeError for a type).
        ValueError: an unknown name, or a ``param`` that is inf or nan.
    References:
        ``torch.nn.init.calculate_gain``; He et al. 2015, "Delving Deep into Rectifiers",
        eq. 15, for leaky_relu (relu is its slope 0).

    >>> round(calculate_gain("leaky_relu", 0.2), 6)  # sqrt(2 / 1.04)
    1.38675
    >>> calculate_gain("tanh")
    1.6666666666666667
    """
    check_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    if nonlinearity != "leaky_relu":
        return _FIXED_GAINS[nonlinearity]
    slope = _DEFAULT_SLOPE if param is None else check_real("param", param)
    return math.sqrt(2.0 / (1.0 + slope**2))

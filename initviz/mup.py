"""muP, the maximal update parametrization (Yang et al. 2022, "Tensor Programs V", table 3),
for the MLP (``initviz.MLP(..., parametrization="mup", base_width=...)``).

Relative to a base model whose hidden widths are ``base_width``, a layer's fan_in and fan_out
are ``m`` times the base's (``m = width / base_width``; 1 for the data's input and output
dimensions, which do not grow). Per layer:

==================  ================  =====================  =====================
layer               init variance     SGD learning rate      Adam learning rate
==================  ================  =====================  =====================
input (d -> n)      weight_init's     lr * m_fan_out         lr
hidden (n -> n)     weight_init's     lr * m_out / m_in      lr / m_fan_in
output (n -> k)     weight_init's/m   lr / m_fan_in          lr / m_fan_in
biases              bias_init's       lr * m_fan_out         lr
==================  ================  =====================  =====================

(The paper's table, with every fan divided by its base value so that muP at ``m = 1`` is the
standard parametrization.) The weights are stored as used, with no separate multipliers: the
mup package's ``MuReadout`` (output multiplied by 1/m, init variance 1/base fan_in) with
``MuAdam``/``MuSGD`` is the same network and the same updates written another way
(tests/test_mlp.py checks the two against each other under Adam).
"""

from __future__ import annotations

from ._checks import check_choice, check_real

__all__ = ["width_multipliers", "learning_rates"]


def width_multipliers(layer_sizes, base_width) -> list:
    """Per layer, ``(m_fan_in, m_fan_out)``: a hidden width over ``base_width``, 1.0 for the
    data's input and output dimensions; all 1.0 if ``base_width`` is None (the standard
    parametrization).

    >>> width_multipliers([8, 256, 256, 10], 64)
    [(1.0, 4.0), (4.0, 4.0), (4.0, 1.0)]
    """
    L = len(layer_sizes) - 1
    if base_width is None:
        return [(1.0, 1.0)] * L
    return [(layer_sizes[i] / base_width if i > 0 else 1.0,
             layer_sizes[i + 1] / base_width if i < L - 1 else 1.0) for i in range(L)]


def learning_rates(multipliers, lr, optimizer="sgd") -> dict:
    """The per-layer rates the table gives a base rate ``lr``, for :func:`initviz.train`.

    Args:
        multipliers: :func:`width_multipliers`. lr: finite, > 0. optimizer: "sgd" or "adam".
    Returns:
        ``{"weights": [one rate per layer], "biases": [...]}``.
    Raises:
        TypeError, ValueError: lr not a finite number > 0, an unknown optimizer.

    >>> learning_rates([(1.0, 4.0), (4.0, 4.0), (4.0, 1.0)], 0.01, "adam")["weights"]
    [0.01, 0.0025, 0.0025]
    """
    lr = check_real("lr", lr, 0, low_open=True)
    check_choice("optimizer", optimizer, ("sgd", "adam"))
    weights, biases = [], []
    for m_in, m_out in multipliers:
        if optimizer == "adam":
            weights.append(lr / m_in)
            biases.append(lr)
        else:
            weights.append(lr * m_out / m_in)
            biases.append(lr * m_out)
    return {"weights": weights, "biases": biases}

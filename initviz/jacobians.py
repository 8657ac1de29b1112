"""The input-output Jacobian of a network at initialization, and its singular values.

Back-propagation multiplies one Jacobian per layer: for ``z[l] = a[l-1] @ W[l] + b[l]`` and
``a[l] = f(z[l])``, the Jacobian of the last pre-activation with respect to the input is the
product (in the row-vector layout of :mod:`initviz.mlp`)::

    d z[L] / d x  =  W[1] D[1] W[2] D[2] ... D[L-1] W[L],     D[l] = diag(f'(z[l]))

and a gradient reaching the input is the output gradient times its transpose. A vanishing or
exploding gradient is a product of many random matrices whose singular values spread out
with depth. Pennington, Schoenholz & Ganguli (2017) showed that orthogonal weights with tanh
near the edge of chaos keep all singular values near 1 ("dynamical isometry"), which Gaussian
weights and ReLU cannot.

>>> from initviz.random_networks import random_network
>>> net = random_network("linear", 1.0, 0.0, depth=3, width=8, weights="orthogonal", rng=0)
>>> np.allclose(singular_values(net, np.zeros((1, 8)))[0], 1.0)   # a product of rotations
True
"""

from __future__ import annotations

import numpy as np

from ._checks import check_data
from .mlp import MLP

__all__ = ["input_output_jacobian", "singular_values", "spread"]


def input_output_jacobian(net: MLP, x) -> np.ndarray:
    """The Jacobian ``d z_L / d x`` of the network's last pre-activation (its output before
    the output activation) at one input ``x``.

    Args:
        net: an :class:`initviz.MLP`. x: one input, shape (n_in,) or (1, n_in).
    Returns:
        array (n_out, n_in): entry (i, j) is ``d z_L[i] / d x[j]``.
    Raises:
        ValueError, TypeError: a bad x (see :func:`initviz.mlp.check_data`).

    >>> net = MLP([2, 3, 1], activation="tanh", rng=0)
    >>> input_output_jacobian(net, np.array([0.5, -1.0])).shape
    (1, 2)
    """
    x = check_data(np.reshape(x, (1, -1)), net.layer_sizes[0], name="x")
    trace = net.trace(x)
    jt = np.eye(net.layer_sizes[0])  # d z / d x, transposed: (n_in, n_units)
    with np.errstate(all="ignore"):
        for i, W in enumerate(net.weights):
            jt = jt @ W
            if i < net.n_layers - 1:
                jt = jt * net.hidden_activations[i].df(trace.pre_activations[i][0])[None, :]
    return jt.T


def singular_values(net: MLP, X) -> np.ndarray:
    """The singular values of the input-output Jacobian at each input (row) of ``X``.

    Args:
        net: an :class:`initviz.MLP`. X: inputs, shape (n_inputs, n_in).
    Returns:
        array (n_inputs, min(n_in, n_out)), each row sorted from the largest down; nan rows
        where the Jacobian overflowed.

    >>> from initviz.random_networks import random_network
    >>> net = random_network("relu", 2.0, 0.0, depth=2, width=4, rng=0)
    >>> singular_values(net, np.ones((3, 4))).shape
    (3, 4)
    """
    X = check_data(X, net.layer_sizes[0])
    out = []
    for x in X:
        J = input_output_jacobian(net, x)
        if np.isfinite(J).all():
            out.append(np.linalg.svd(J, compute_uv=False))
        else:
            out.append(np.full(min(J.shape), np.nan))
    return np.array(out)


def spread(values) -> tuple[float, float]:
    """``(mean of s**2, largest s / root mean square of s)`` of singular values ``s``.

    The mean of ``s**2`` is the factor by which the squared norm of a random gradient grows
    through the network (``chi_1**L`` in mean-field theory). The second number is how far
    the singular values spread out: 1 for an isometry (all equal), up to ``sqrt(n)`` when
    one direction of n carries everything. (Ratios of low percentiles are no use here: a
    ReLU network's Jacobian has exact zeros, and Gaussian square matrices values near 0.)
    nan if nothing is finite.

    >>> spread(np.array([1.0, 1.0, 1.0, 1.0])), spread(np.array([2.0, 0.0, 0.0, 0.0]))
    ((1.0, 1.0), (1.0, 2.0))
    """
    s = np.asarray(values, dtype=float).ravel()
    s = s[np.isfinite(s)]
    if s.size == 0:
        return float("nan"), float("nan")
    ms = float(np.mean(s * s))
    return ms, float(s.max() / np.sqrt(ms)) if ms > 0 else float("nan")

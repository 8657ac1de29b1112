"""Random networks at a point (sigma_w2, sigma_b2) of the phase diagram, and the length and
correlation they give two inputs, measured layer by layer.

The mean-field theory of :mod:`initviz.mean_field` describes infinitely wide networks with
``W ~ N(0, sigma_w2 / fan_in)`` and ``b ~ N(0, sigma_b2)``. :func:`random_network` builds
a finite one (an :class:`initviz.MLP`, every layer ``width`` wide, Gaussian or orthogonal
weights of that variance) and :func:`measure_pair` sends two inputs of length ``q0`` and
correlation ``c0`` through it and measures, at every layer, the length
``q = mean(z**2)`` of their pre-activations and their correlation
``c = z1 . z2 / (|z1| |z2|)`` (Poole et al. 2016, Figure 2), beside the theory's
:func:`initviz.mean_field.trajectory`.

>>> net = random_network("tanh", 1.5, 0.05, depth=3, width=64, rng=0)
>>> net.layer_sizes, round(float(net.weights[0].var() * 64), 1)
([64, 64, 64, 64], 1.5)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import mean_field
from ._checks import as_generator, check_choice, check_int, check_real
from ._util import single_thread
from .base_initializers import Orthogonal, RandomNormal, Zeros
from .mlp import MLP
from .variance_scaling import VarianceScaling

__all__ = ["WEIGHTS", "random_network", "pair_of_inputs", "PairMeasurement", "measure_pair",
           "PairBank"]

#: The weight laws: ``"gaussian"`` N(0, sigma_w2 / fan_in); ``"orthogonal"`` sqrt(sigma_w2)
#: times a random orthogonal matrix (Saxe et al. 2014), the same variance on square layers.
WEIGHTS = ("gaussian", "orthogonal")


def random_network(activation, sigma_w2, sigma_b2, depth, width, *, weights="gaussian",
                   n_in=None, rng=None) -> MLP:
    """An MLP of ``depth`` layers of ``width`` units at (sigma_w2, sigma_b2).

    Layers 1 to ``depth - 1`` apply ``activation``; the last is linear, so that
    ``trace(X).pre_activations[l]`` are the pre-activations z of layers 1 to ``depth``, all
    of the same law (the theory's ``q(l)``).

    Args:
        activation: a hidden activation name. sigma_w2: weight variance times fan_in (> 0).
        sigma_b2: bias variance (>= 0; 0 gives zero biases). depth: layers (>= 1).
        width: units per layer (>= 1). weights: ``"gaussian"`` (untruncated normal, as in
            the papers) or ``"orthogonal"``. n_in: input width (default ``width``).
        rng: None, an int seed or a Generator (draws every weight and bias).
    Returns:
        :class:`initviz.MLP` with ``layer_sizes = [n_in] + [width] * depth``.
    Raises:
        TypeError, ValueError: a bad argument (named in the message).
    """
    sigma_w2 = check_real("sigma_w2", sigma_w2, 0, low_open=True)
    sigma_b2 = check_real("sigma_b2", sigma_b2, 0)
    depth = check_int("depth", depth, 1)
    width = check_int("width", width, 1)
    n_in = width if n_in is None else check_int("n_in", n_in, 1)
    check_choice("weights", weights, WEIGHTS)
    if weights == "gaussian":
        w_init = VarianceScaling(sigma_w2, "fan_in", "untruncated_normal")
    else:
        w_init = Orthogonal(math.sqrt(sigma_w2))
        if n_in != width:
            raise ValueError(f"orthogonal weights need n_in == width (a square first layer "
                             f"has variance sigma_w2 / fan_in), got n_in={n_in}, width={width}")
    b_init = RandomNormal(0.0, math.sqrt(sigma_b2)) if sigma_b2 > 0 else Zeros()
    sizes = [n_in] + [width] * depth
    acts = [activation] * (depth - 1)
    return MLP(sizes, activation=acts, weight_init=w_init, bias_init=b_init,
               output_activation="linear", rng=as_generator(rng))


def pair_of_inputs(n, q0=1.0, c0=0.5, rng=None) -> np.ndarray:
    """Two inputs of ``n`` features with mean square exactly ``q0`` and cosine exactly ``c0``.

    Returns:
        array (2, n).
    Raises:
        ValueError: ``n < 2``, ``q0 <= 0`` or ``c0`` outside [-1, 1].

    >>> x = pair_of_inputs(100, 2.0, 0.3, rng=0)
    >>> [round(float(v), 12) for v in ((x[0] ** 2).mean(), x[0] @ x[1] / (x[0] @ x[0]))]
    [2.0, 0.3]
    """
    n = check_int("n", n, 2)
    q0 = check_real("q0", q0, 0, low_open=True)
    c0 = check_real("c0", c0, -1.0, 1.0)
    g = as_generator(rng).standard_normal((n, 2))
    basis, _ = np.linalg.qr(g)  # two orthonormal directions
    e1, e2 = basis[:, 0], basis[:, 1]
    scale = math.sqrt(q0 * n)
    return scale * np.stack([e1, c0 * e1 + math.sqrt(1 - c0 * c0) * e2])


@dataclass
class PairMeasurement:
    """Length and correlation of two inputs through a random network, layer by layer.

    Attributes (arrays, layer 1 first; over ``seeds`` networks: mean and std):
        q, q_std: the mean of q(l) over the two inputs and the networks, and its std.
        c, c_std: the correlation c(l) and its std over the networks.
        q_theory, c_theory: :func:`initviz.mean_field.trajectory`.
    """

    q: np.ndarray
    q_std: np.ndarray
    c: np.ndarray
    c_std: np.ndarray
    q_theory: np.ndarray
    c_theory: np.ndarray


def measure_pair(activation, sigma_w2, sigma_b2, depth, width=512, *, q0=1.0, c0=0.5,
                 weights="gaussian", seeds=1, rng=None) -> PairMeasurement:
    """Send two inputs (length ``q0``, correlation ``c0``) through ``seeds`` random networks
    and measure q(l) and c(l) at every layer, beside the mean-field theory.

    Args:
        as :func:`random_network`; q0, c0: the inputs' mean square and cosine; seeds: how
        many networks (drawn one after the other from ``rng``).
    Returns:
        :class:`PairMeasurement`. A layer that overflowed has inf/nan, never an error.

    >>> m = measure_pair("relu", 2.0, 0.0, depth=4, width=1024, c0=0.0, rng=0)
    >>> round(float(m.c_theory[1]), 4), bool(abs(m.c[1] - m.c_theory[1]) < 0.05)  # 1 / pi
    (0.3183, True)
    """
    seeds = check_int("seeds", seeds, 1)
    gen = as_generator(rng)
    qs, cs = [], []
    with np.errstate(all="ignore"):
        for _ in range(seeds):
            net = random_network(activation, sigma_w2, sigma_b2, depth, width,
                                 weights=weights, rng=gen)
            x = pair_of_inputs(width, q0, c0, rng=gen)
            zs = net.trace(x).pre_activations
            qs.append([float(np.mean(z * z)) for z in zs])
            cs.append([float(z[0] @ z[1] / math.sqrt((z[0] @ z[0]) * (z[1] @ z[1])))
                       for z in zs])
    q_t, c_t = mean_field.trajectory(activation, sigma_w2, sigma_b2, depth, q0=q0, c0=c0)
    qs, cs = np.array(qs), np.array(cs)
    return PairMeasurement(qs.mean(axis=0), qs.std(axis=0), cs.mean(axis=0), cs.std(axis=0),
                           q_t, c_t)


class PairBank:
    """Standard-normal weights, biases and a pair of inputs drawn once, so that the length
    and correlation of the pair can be measured at any (sigma_w2, sigma_b2) by rescaling
    them (an explorer's slider moves redraw nothing random: ~10 ms at 20 x 512).

    Args:
        depth, width: the network's shape. q0, c0: the inputs' mean square and cosine.
        rng: seed or Generator. Weights are stored as float32 (the correlation needs no
            more).

    >>> bank = PairBank(depth=3, width=256, c0=0.0, rng=0)
    >>> q, c = bank.measure("relu", 2.0, 0.0)
    >>> q.shape, round(float(c[1]), 1)          # the arc-cosine map: 1 / pi at layer 2
    ((3,), 0.3)
    """

    def __init__(self, depth=20, width=512, q0=1.0, c0=0.5, rng=None):
        self.depth, self.width = check_int("depth", depth, 1), check_int("width", width, 2)
        gen = as_generator(rng)
        self.W = gen.standard_normal((self.depth, self.width, self.width), dtype=np.float32)
        self.b = gen.standard_normal((self.depth, self.width), dtype=np.float32)
        self.x = pair_of_inputs(self.width, q0, c0, rng=gen).astype(np.float32)
        self.q0, self.c0 = q0, c0

    def measure(self, activation, sigma_w2, sigma_b2):
        """``(q, c)``: arrays of the measured length and correlation at layers 1 to depth."""
        from .activations import get_activation

        sigma_w2 = check_real("sigma_w2", sigma_w2, 0, low_open=True)
        sigma_b2 = check_real("sigma_b2", sigma_b2, 0)
        f = get_activation(activation).f
        sw, sb = math.sqrt(sigma_w2 / self.width), math.sqrt(sigma_b2)
        a, qs, cs = self.x, [], []
        # one BLAS thread: 2 x 512 products are too small to share (initviz._util)
        with np.errstate(all="ignore"), single_thread():
            for layer in range(self.depth):
                z = (a @ self.W[layer]) * np.float32(sw) + np.float32(sb) * self.b[layer]
                z64 = z.astype(np.float64)
                n1, n2 = z64[0] @ z64[0], z64[1] @ z64[1]
                qs.append((n1 + n2) / (2 * self.width))
                cs.append(z64[0] @ z64[1] / math.sqrt(n1 * n2) if n1 * n2 > 0 else math.nan)
                a = f(z)
        return np.array(qs), np.array(cs)

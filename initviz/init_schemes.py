"""Initialization schemes that act on a built network, in place: Fixup for residual networks,
LSUV (data-dependent), and the output layer's bias at the classes' prior.

==================  ==========================================================  ================
function            what it sets                                                source
==================  ==========================================================  ================
:func:`fixup`       branch layers scaled by ``L^(-1/(2m-2))``, the last layer   Zhang, Dauphin &
                    of every branch and the output layer at zero                Ma 2019, sec. 3
:func:`lsuv`        orthonormal weights, then each layer rescaled until its     Mishkin & Matas
                    output variance on a batch is 1                             2016, Alg. 1
:func:`init_output` output bias at the prior log-odds, output weights scaled    Karpathy 2019,
                    (the loss at initialization is then the labels' entropy,    "A recipe for
                    ``ln C`` for C balanced classes)                            training ..."
==================  ==========================================================  ================
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import initializers
from ._checks import check_choice, check_int, check_real

__all__ = ["fixup", "lsuv", "LSUVResult", "prior_log_odds", "prior_loss", "init_output"]


def fixup(net):
    """Fixup initialization of a :class:`initviz.ResidualMLP`, in place (Zhang, Dauphin & Ma
    2019, "Fixup initialization", section 3, rules 1-2).

    The weights the network was built with (He's, for the paper's "standard method") are
    kept, except: the non-last dense layers of every branch are multiplied by
    ``L^(-1/(2m-2))`` (L = n_blocks, m = branch_layers); the last dense layer of every branch
    and the output layer are set to zero; the biases to zero. Every block is the identity at
    initialization, and after the first steps each branch changes the output by O(1/L), so
    the L branches together by O(1). With m = 1 there is no layer to rescale: only the
    zeros are set. (The paper's scalar multipliers are the network's ``scales``; train them
    with ``learn_scale=True``.)

    Args:
        net: a :class:`initviz.ResidualMLP`.
    Returns:
        ``net``.
    Raises:
        TypeError: net is not a ResidualMLP.

    >>> from initviz import ResidualMLP
    >>> net = ResidualMLP(4, 8, n_blocks=16, n_out=2, branch_layers=2, rng=0)
    >>> w = net.weights[1].copy()
    >>> _ = fixup(net)
    >>> float(net.weights[1][0, 0] / w[0, 0]), float(np.abs(net.weights[2]).max())  # 16^(-1/2)
    (0.25, 0.0)
    """
    if not hasattr(net, "branch_layer"):  # duck-typed: a ResidualMLP
        raise TypeError(f"fixup needs a ResidualMLP, got {type(net).__name__}")
    L, m = net.n_blocks, net.branch_layers
    factor = L ** (-1.0 / (2 * m - 2)) if m > 1 else 1.0
    for k in range(L):
        for j in range(m):
            i = net.branch_layer(k, j)
            net.weights[i] *= factor if j < m - 1 else 0.0
    net.weights[-1][...] = 0.0
    for b in net.biases:
        b[...] = 0.0
    return net


@dataclass
class LSUVResult:
    """What :func:`lsuv` did.

    Attributes:
        variances: per rescaled layer, the variance of its output z measured before each
            rescaling and after the last (the first entry is the orthonormal start's).
        layers: the indices of the dense layers it rescaled.
        skipped: dense layers whose output had zero variance (a zero layer): left alone.
    """

    variances: list
    layers: list
    skipped: list

    @property
    def iterations(self) -> list:
        """Rescalings per layer (0 if the orthonormal start was already within tolerance)."""
        return [len(v) - 1 for v in self.variances]

    @property
    def final_variances(self) -> np.ndarray:
        return np.array([v[-1] for v in self.variances])


def lsuv(net, X, target_variance=1.0, tol=0.1, max_iter=10, orthonormal=True,
         include_output=False, rng=None) -> LSUVResult:
    """Layer-sequential unit-variance initialization, in place (Mishkin & Matas 2016,
    "All you need is a good init", Algorithm 1).

    Start every dense layer from an orthonormal matrix (Saxe et al. 2014), then, layer by
    layer from the input, forward the batch X and divide the layer's weights by
    ``sqrt(Var(z) / target_variance)`` until ``|Var(z) - target_variance| < tol`` or
    ``max_iter`` rescalings (the paper's Tvar = 1, Tol_var = 0.1). z is the dense layer's
    output, before its activation (or, in a residual network, before the stream).

    Args:
        net: an :class:`initviz.MLP` or :class:`initviz.ResidualMLP`.
        X: a batch of inputs (n_samples, n_features).
        target_variance, tol: > 0. max_iter: an int >= 1.
        orthonormal: redraw the weights orthonormal first (the paper's step 1); False keeps
            the network's weights and only rescales them.
        include_output: also rescale the output layer (the paper does; the default leaves it
            to :func:`init_output`, whose small logits start the loss at about ln C).
        rng: None, an int seed or a Generator for the orthonormal draws.
    Returns:
        :class:`LSUVResult`.
    Raises:
        TypeError, ValueError: bad arguments or X.

    >>> from initviz import MLP
    >>> net = MLP([16, 32, 32, 32, 1], activation="tanh", rng=0)
    >>> r = lsuv(net, np.random.default_rng(1).standard_normal((256, 16)), rng=2)
    >>> bool(np.all(np.abs(r.final_variances - 1) < 0.1)), r.layers
    (True, [0, 1, 2])
    """
    target = check_real("target_variance", target_variance, 0, low_open=True)
    tol = check_real("tol", tol, 0, low_open=True)
    max_iter = check_int("max_iter", max_iter, 1)
    gen = initializers.as_generator(rng)
    n_layers = net.n_layers
    layers = list(range(n_layers if include_output else n_layers - 1))
    if orthonormal:
        ortho = initializers.get("orthogonal")
        for i in layers:
            net.weights[i][...] = ortho(net.weights[i].shape, rng=gen)
    variances, done, skipped = [], [], []
    for i in layers:
        history = []
        for _ in range(max_iter + 1):
            with np.errstate(all="ignore"):
                v = float(np.var(net.trace(X).pre_activations[i]))
            history.append(v)
            if not math.isfinite(v) or v == 0.0 or abs(v - target) < tol or \
                    len(history) > max_iter:
                break
            net.weights[i] *= math.sqrt(target / v)
        if history[-1] == 0.0:
            skipped.append(i)
            continue
        variances.append(history)
        done.append(i)
    return LSUVResult(variances, done, skipped)


def _label_frequencies(y, output_activation, n_classes):
    y = np.asarray(y)
    if output_activation == "softmax":
        if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer) or y.size == 0:
            raise ValueError("softmax priors need integer labels of shape (n_samples,)")
        k = int(y.max()) + 1 if n_classes is None else check_int("n_classes", n_classes, 2)
        if y.min() < 0 or y.max() >= k:
            raise ValueError(f"labels must lie in 0..{k - 1}, got [{y.min()}, {y.max()}]")
        p = np.bincount(y, minlength=k) / y.size
    else:
        y = y.reshape(len(y), -1).astype(np.float64)
        if ((y != 0) & (y != 1)).any():
            raise ValueError("sigmoid priors need 0/1 targets")
        p = y.mean(axis=0)
    if ((p == 0) | (p == 1)).any():
        raise ValueError(f"every class must occur and not be the only one; label frequencies "
                         f"{np.round(p, 4).tolist()}")
    return p


def prior_log_odds(y, output_activation="softmax", n_classes=None) -> np.ndarray:
    """The output bias that makes an output of zero-weight logits predict the label
    frequencies: ``log p_c`` for a softmax (centred: softmax ignores a constant), the
    log-odds ``log(p / (1 - p))`` per unit for a sigmoid.

    Args:
        y: integer labels (n_samples,) for a softmax; 0/1 targets (n_samples,) or
            (n_samples, k) for a sigmoid.
        output_activation: ``"softmax"`` or ``"sigmoid"``.
        n_classes: the number of classes for a softmax (default: the largest label + 1).
    Returns:
        ndarray (n_classes,) or (k,).
    Raises:
        ValueError: a class that never occurs (its log-odds is -inf), bad labels.

    >>> np.round(prior_log_odds(np.array([1, 0, 0, 0]), "sigmoid"), 4)   # log(1/3)
    array([-1.0986])
    """
    check_choice("output_activation", output_activation, ("softmax", "sigmoid"))
    p = _label_frequencies(y, output_activation, n_classes)
    if output_activation == "sigmoid":
        return np.log(p) - np.log1p(-p)
    logp = np.log(p)
    return logp - logp.mean()


def prior_loss(y, output_activation="softmax", n_classes=None) -> float:
    """The loss of predicting the label frequencies for every sample: their entropy
    (cross-entropy; for a sigmoid the mean binary entropy over units). ``ln C`` for C
    balanced classes: the loss a well-initialized classifier starts at.

    >>> round(prior_loss(np.arange(10)), 4), round(float(np.log(10)), 4)
    (2.3026, 2.3026)
    """
    check_choice("output_activation", output_activation, ("softmax", "sigmoid"))
    p = _label_frequencies(y, output_activation, n_classes)
    if output_activation == "sigmoid":
        return float(np.mean(-p * np.log(p) - (1 - p) * np.log1p(-p)))
    return float(-np.sum(p * np.log(p)))


def init_output(net, y, weight_scale=0.0):
    """Initialize a classifier's output layer in place: its weights multiplied by
    ``weight_scale``, its bias set to :func:`prior_log_odds` of ``y``.

    With ``weight_scale=0`` the network predicts the label frequencies for every input, so
    its loss at initialization is :func:`prior_loss` (ln C for C balanced classes); a small
    scale keeps it close while the logits still depend on the input.

    Args:
        net: an :class:`initviz.MLP` or ``ResidualMLP`` with a sigmoid or softmax output.
        y: the training labels. weight_scale: a real number >= 0.
    Returns:
        ``net``.
    Raises:
        ValueError: a regression network, bad labels.

    >>> from initviz import MLP
    >>> net = init_output(MLP([2, 4, 1], output_activation="sigmoid", rng=0),
    ...                   np.array([0, 0, 0, 1]))
    >>> round(net.loss(np.ones((4, 2)), np.array([0, 0, 0, 1])), 4)   # H(1/4) = 0.5623
    0.5623
    """
    if not net.is_classifier:
        raise ValueError("init_output needs a sigmoid or softmax output; this network regresses")
    scale = check_real("weight_scale", weight_scale, 0)
    bias = prior_log_odds(y, net.output_activation,
                          net.layer_sizes[-1] if net.output_activation == "softmax" else None)
    if bias.shape != net.biases[-1].shape:
        raise ValueError(f"y has {bias.size} classes/units, the output layer "
                         f"{net.biases[-1].size}")
    net.weights[-1] *= scale
    net.biases[-1][...] = bias
    return net

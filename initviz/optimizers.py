"""The update rules :func:`initviz.train` can use: plain gradient descent and Adam.

Both update a list of parameter arrays in place, each at its own learning rate (muP gives
every layer its own: :meth:`initviz.MLP.learning_rates`)::

    SGD:   p -= lr * g
    Adam:  m = beta1 m + (1 - beta1) g             v = beta2 v + (1 - beta2) g^2
           m_hat = m / (1 - beta1^t)               v_hat = v / (1 - beta2^t)
           p -= lr * m_hat / (sqrt(v_hat) + eps)

Adam is Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", Algorithm 1, with
PyTorch's defaults (``torch.optim.Adam``: beta1 0.9, beta2 0.999, eps 1e-8 added to
sqrt(v_hat)). Its step has about the same size, ``lr``, whatever the gradient's size: the
reason muP scales Adam's learning rates with width differently from SGD's (Yang et al. 2022,
table 3).
"""

from __future__ import annotations

import numpy as np

from ._checks import check_choice, check_real

__all__ = ["SGD", "Adam", "OPTIMIZERS", "make_optimizer"]


class SGD:
    """Plain gradient descent: ``p -= lr * g`` for every parameter.

    >>> p = [np.array([1.0, 2.0])]
    >>> SGD().step(p, [np.array([0.5, -1.0])], [0.1])
    >>> p[0].tolist()
    [0.95, 2.1]
    """

    name = "sgd"

    def step(self, params, grads, rates) -> None:
        """Update ``params`` in place.

        Args:
            params: list of arrays; grads: their gradients (same shapes); rates: one
                learning rate per parameter.
        An update that overflows gives inf/nan, never a warning.
        """
        with np.errstate(all="ignore"):
            for p, g, lr in zip(params, grads, rates):
                p -= lr * g


class Adam:
    """Adam (Kingma & Ba 2015, Algorithm 1), PyTorch's ``torch.optim.Adam`` without weight decay.

    Args:
        beta1, beta2: decay rates of the first and second moment estimates, in [0, 1).
        eps: added to ``sqrt(v_hat)`` (> 0).
    Attributes:
        t: the number of steps taken. m, v: the moment estimates, one array per parameter.
    Raises:
        TypeError, ValueError: a beta outside [0, 1), an eps not > 0.

    The first step moves every coordinate by ``lr * g / (|g| + eps)``, about ``lr`` in size
    whatever the gradient's scale:

    >>> p = [np.array([1.0, 1.0])]
    >>> Adam().step(p, [np.array([1e-3, -50.0])], [0.1])
    >>> np.round(p[0], 6).tolist()
    [0.900001, 1.1]
    """

    name = "adam"

    def __init__(self, beta1=0.9, beta2=0.999, eps=1e-8):
        self.beta1 = check_real("beta1", beta1, 0, 1, high_open=True)
        self.beta2 = check_real("beta2", beta2, 0, 1, high_open=True)
        self.eps = check_real("eps", eps, 0, low_open=True)
        self.t = 0
        self.m, self.v = None, None

    def step(self, params, grads, rates) -> None:
        """One Adam step on ``params`` in place (see :class:`SGD` for the arguments)."""
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.t += 1
        c1 = 1.0 - self.beta1 ** self.t
        c2 = 1.0 - self.beta2 ** self.t
        with np.errstate(all="ignore"):
            for p, g, m, v, lr in zip(params, grads, self.m, self.v, rates):
                m *= self.beta1
                m += (1.0 - self.beta1) * g
                v *= self.beta2
                v += (1.0 - self.beta2) * g * g
                p -= lr * (m / c1) / (np.sqrt(v / c2) + self.eps)


OPTIMIZERS = {"sgd": SGD, "adam": Adam}
"""name -> optimizer class."""


def make_optimizer(name):
    """A fresh optimizer by name: ``"sgd"`` or ``"adam"`` (default settings).

    Raises:
        TypeError: not a string. ValueError: an unknown name (the message lists the valid ones).

    >>> make_optimizer("adam").beta2
    0.999
    """
    return OPTIMIZERS[check_choice("optimizer", name, tuple(OPTIMIZERS))]()

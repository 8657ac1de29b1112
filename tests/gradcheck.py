"""Central finite differences, the independent check of every backward pass in the tests
(test_mlp, test_residual, test_normalization)."""

import numpy as np


def numerical_gradient(f, P, h=1e-6):
    """Central differences of the scalar f() with respect to every entry of P (in place)."""
    G = np.zeros_like(P)
    for idx in np.ndindex(P.shape):
        old = P[idx]
        P[idx] = old + h
        fp = f()
        P[idx] = old - h
        fm = f()
        P[idx] = old
        G[idx] = (fp - fm) / (2 * h)
    return G

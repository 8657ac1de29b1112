"""Unit-variance weight draws kept across explorer frames, and the explorer's input batches.

A layer's weights are ``factor * U``, with ``U`` a unit-variance draw of the initializer's
distribution from ``numpy.random.default_rng([seed, layer])`` and ``factor`` its std
(:func:`unit_weights`): what the initializer itself draws from that generator, up to
rounding. Moving the explorer's scale slider then only rescales cached draws (drawing a
20 x 256 network's normal weights costs ~12 ms a frame otherwise). The input batch X and the
injected output gradient dL/dz are standard normal, from their own generator streams
(:func:`input_batch`, :func:`output_gradient`).
"""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np

from . import initializers

__all__ = ["WeightBank", "unit_weights", "factor_and_family", "input_batch", "output_gradient", "INPUT_STREAM",
           "OUTPUT_STREAM"]

#: Generator stream ids of X and of the injected dL/dz (layer i's weights use stream i).
INPUT_STREAM, OUTPUT_STREAM = 1_000_001, 1_000_002


def unit_weights(init, width, seed, layer):
    """Layer ``layer``'s weights (width, width) from ``init``, as ``(factor, unit)``.

    ``factor * unit`` equals ``init((width, width), rng=np.random.default_rng([seed,
    layer]))`` up to rounding, and ``unit`` has variance 1 (all ones for constant weights).

    Args:
        init: an initializer object of :mod:`initviz.initializers` with zero-mean weights
            (a constant is allowed).
        width: fan_in = fan_out; seed: int >= 0; layer: 0-based layer index.
    Returns:
        ``(factor, unit)``: a float and a float64 array (width, width).
    Raises:
        ValueError: an initializer with non-zero mean or an asymmetric range; TypeError:
            an initializer with no ``distribution``.

    >>> he = initializers.get("he_uniform")
    >>> factor, unit = unit_weights(he, 64, seed=0, layer=3)
    >>> bool(np.allclose(factor * unit, he((64, 64), rng=np.random.default_rng([0, 3]))))
    True
    """
    factor, family = factor_and_family(init, width)
    return factor, _draw_unit(family, width, seed, layer)


def input_batch(batch, width, seed, dtype=np.float64):
    """The explorer's standard-normal input X, (batch, width), for ``seed``.

    >>> input_batch(2, 3, seed=0).shape
    (2, 3)
    """
    return _generator(seed, INPUT_STREAM).standard_normal((batch, width)).astype(dtype,
                                                                                  copy=False)


def output_gradient(batch, width, seed, dtype=np.float64):
    """The explorer's standard-normal dL/dz injected at the last layer, (batch, width).

    >>> bool(np.all(output_gradient(2, 3, seed=0) != input_batch(2, 3, seed=0)))
    True
    """
    return _generator(seed, OUTPUT_STREAM).standard_normal((batch, width)).astype(dtype,
                                                                                   copy=False)


def factor_and_family(init, width):
    """``(factor, family)`` of ``init`` on a (width, width) layer: the std (or the constant)
    its unit draw is multiplied by, and the distribution of that draw (``"constant"``,
    ``"untruncated_normal"``, ``"truncated_normal"``, ``"uniform"``, ``"orthogonal"``).

    Raises:
        ValueError, TypeError: as :func:`unit_weights`.

    >>> factor_and_family(initializers.get("he_normal"), 50)
    (0.2, 'truncated_normal')
    """
    family = getattr(init, "distribution", None)
    if family is None:
        raise TypeError(f"no unit draw for {init!r}: it has no distribution")
    if isinstance(init, initializers.RandomNormal) and init.mean != 0.0:
        raise ValueError(f"the explorer needs zero-mean weights; {init!r} has mean {init.mean}")
    if isinstance(init, initializers.RandomUniform) and init.minval != -init.maxval:
        raise ValueError(f"the explorer needs a symmetric range; got {init!r}")
    if family == "constant":
        return float(init.value), family
    return float(init.std((width, width))), family


def _generator(seed, stream):
    return np.random.default_rng([int(seed), int(stream)])


def _draw_unit(family, width, seed, layer):
    """Layer ``layer``'s unit-variance weights (width, width) of a distribution family."""
    shape = (width, width)
    if family == "constant":
        return np.ones(shape)
    gen = _generator(seed, layer)
    if family == "orthogonal":
        return initializers.get("orthogonal")(shape, rng=gen) * math.sqrt(width)
    # VarianceScaling(scale=n, mode="fan_in") on a square kernel has variance n / n = 1.
    unit = initializers.get("variance_scaling", scale=float(width), mode="fan_in",
                            distribution=family)
    return unit(shape, rng=gen)


class WeightBank:
    """A bounded cache of unit weight draws and of the input / output-gradient batches.

    Entries are keyed by (family, width, seed) and evicted least recently used first; a
    layer that does not fit in ``cache_bytes`` is not cached (it is drawn when used).
    float32 weights are the float64 draws rounded: a float32 request finds a cached float64
    draw and rounds it (1.1 ms for 1024 x 1024, against 35 ms to draw normal weights and 7 ms
    uniform ones, measured here), and with ``both_precisions`` every draw keeps both
    precisions, so switching precision never redraws (the explorer's "auto" switches as the
    scale slider moves; a 50 x 1024 network took 1.6 s of CPU to redraw in float32).

    Args:
        cache_bytes: the most bytes of arrays kept (default 64 MiB: every layer of a
            32 x 512 network, the first 8 layers of a 1024-wide one).
        both_precisions: keep the float32 and the float64 version of every unit draw.
    Attributes:
        nbytes: bytes held; made: arrays drawn so far (cache misses that drew random
            numbers; roundings of a cached draw are not counted).

    >>> bank = WeightBank()
    >>> w = bank.unit("uniform", 8, seed=0, layer=0)
    >>> w is bank.unit("uniform", 8, seed=0, layer=0), bank.made
    (True, 1)
    >>> bank.unit("uniform", 8, seed=0, layer=0, dtype=np.float32).dtype, bank.made
    (dtype('float32'), 1)
    """

    def __init__(self, cache_bytes=64 * 2**20, both_precisions=False):
        self.cache_bytes = int(cache_bytes)
        self.both_precisions = bool(both_precisions)
        self._store = OrderedDict()  # key -> array
        self.nbytes = 0
        self.made = 0
        #: bytes for cached products (:meth:`product`): 24 MiB holds the two products of
        #: a 1024-wide layer on a batch of 1024 in both precisions
        self.product_bytes = 24 * 2**20
        self._products = OrderedDict()

    def _get(self, key, make, drawn=True):
        arr = self._store.get(key)
        if arr is not None:
            self._store.move_to_end(key)
            return arr
        arr = make()
        self.made += drawn
        self._put(key, arr)
        return arr

    def _put(self, key, arr):
        arr.setflags(write=False)
        if arr.nbytes <= self.cache_bytes:
            while self.nbytes + arr.nbytes > self.cache_bytes and self._store:
                self.nbytes -= self._store.popitem(last=False)[1].nbytes
            self._store[key] = arr
            self.nbytes += arr.nbytes

    def unit(self, family, width, seed, layer, dtype=np.float64):
        """Unit weights of one layer (read-only array, cached when it fits). float32
        weights are the float64 draws rounded, so both precisions see the same network."""
        dtype = np.dtype(dtype)
        key = ("W", family, width, seed, layer)
        arr = self._store.get(key + (dtype.str,))
        if arr is not None:
            self._store.move_to_end(key + (dtype.str,))
            return arr
        f64 = self._store.get(key + ("<f8",))
        if f64 is None:
            f64 = _draw_unit(family, width, seed, layer)
            self.made += 1
            if self.both_precisions or dtype == np.float64:
                self._put(key + ("<f8",), f64)
        if dtype == np.float64:
            if self.both_precisions:
                self._put(key + ("<f4",), f64.astype(np.float32))
                if key + ("<f8",) in self._store:  # the float64 draw was asked for: newest
                    self._store.move_to_end(key + ("<f8",))
            return f64
        arr = f64.astype(dtype)
        self._put(key + (dtype.str,), arr)
        return arr

    def product(self, key, make):
        """A cached product (read-only), e.g. the first layer's ``X @ U``, which does not
        change when only the scale moves; ``key`` names its inputs. Products have their own
        budget (:attr:`product_bytes`, least recently used out first), so they never push
        weights out."""
        arr = self._products.get(key)
        if arr is not None:
            self._products.move_to_end(key)
            return arr
        arr = make()
        arr.setflags(write=False)
        if arr.nbytes <= self.product_bytes:
            while sum(p.nbytes for p in self._products.values()) + arr.nbytes > \
                    self.product_bytes:
                self._products.popitem(last=False)
            self._products[key] = arr
        return arr

    def inputs(self, batch, width, seed, dtype=np.float64):
        """:func:`input_batch`, cached (read-only)."""
        return self._batch("X", input_batch, batch, width, seed, dtype)

    def output_gradient(self, batch, width, seed, dtype=np.float64):
        """:func:`output_gradient`, cached (read-only)."""
        return self._batch("G", output_gradient, batch, width, seed, dtype)

    def _batch(self, name, draw, batch, width, seed, dtype):
        """A standard-normal batch, cached; another precision rounds the cached float64 draw
        (the same values: both functions draw float64 and round), 1 ms instead of the 20 ms
        of drawing 1024 x 1024 normals again (measured here: the first float32 preview of a
        drag at 50 x 1024 after a float64 frame drew X and dL/dz anew, ~40 ms)."""
        dtype = np.dtype(dtype)
        key = (name, batch, width, seed)
        f64 = self._store.get(key + ("<f8",))
        if f64 is not None and dtype != np.float64:
            return self._get(key + (dtype.str,), lambda: f64.astype(dtype), drawn=False)
        return self._get(key + (dtype.str,), lambda: draw(batch, width, seed, dtype))

    def clear(self):
        self._store.clear()
        self._products.clear()
        self.nbytes = 0

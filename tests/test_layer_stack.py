"""The stacked per-layer statistics give what the single-array functions give, layer by
layer, including layers with inf/nan, exact zeros, huge or tiny values and fixed offsets."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from initviz import layer_stack, stats
from initviz.propagation_result import histogram_counts


def _stack(dtype, n=8, w=64, seed=0):
    rng = np.random.default_rng(seed)
    layers = [
        rng.standard_normal((n, w)),                      # a plain signal
        0.5 + 1e-5 * rng.standard_normal((n, w)),         # sigmoid units: offsets, small signal
        rng.standard_normal(w) + 1e-3 * rng.standard_normal((n, w)),  # per-unit offsets
        np.maximum(rng.standard_normal((n, w)), 0),       # ReLU: exact zeros
        np.zeros((n, w)),                                 # nothing at all
        1e30 * rng.standard_normal((n, w)),               # squares overflow in float32
        1e-25 * rng.standard_normal((n, w)),              # squares underflow in float32
        np.where(rng.random((n, w)) < 0.1, np.inf, rng.standard_normal((n, w))),
        np.full((n, w), np.nan),
        1e-4 * rng.standard_cauchy((n, w)),               # heavy tails
    ]
    return np.stack(layers).astype(dtype)


def _close(a, b, rtol):
    a, b = np.asarray(a, float), np.asarray(b, float)
    assert a.shape == b.shape
    both_nan = np.isnan(a) & np.isnan(b)
    assert np.all(both_nan | np.isclose(a, b, rtol=rtol, atol=0)), (a, b)


@pytest.mark.parametrize("n", [1, 8])  # one input (a preview): no signal std
@pytest.mark.parametrize("dtype,rtol", [(np.float32, 2e-5), (np.float64, 1e-11)])
def test_stack_moments_are_the_single_array_ones(dtype, rtol, n):
    S = _stack(dtype, n=n)
    got = layer_stack.stack_moments(S)
    want = np.array([stats.moments_and_signal_std(layer) for layer in S]).T
    for g, w in zip(got, want):
        _close(g, w, rtol)
    # and the fused single-array form is the two separate functions
    sep = np.array([(*stats.finite_moments(layer), stats.signal_std(layer)) for layer in S]).T
    for g, w in zip(got, sep):
        _close(g, w, 100 * rtol)  # the separate ones round a small signal worse (float32)
    assert got[2].dtype.kind == "i"
    assert np.isnan(got[3]).all() == (n == 1)


@pytest.mark.parametrize("dtype,rtol", [(np.float32, 2e-5), (np.float64, 1e-11)])
def test_stack_gradient_moments_are_finite_moments(dtype, rtol):
    S = _stack(dtype)
    got = layer_stack.stack_gradient_moments(S)
    want = np.array([stats.finite_moments(layer) for layer in S]).T
    for g, w in zip(got, want):
        _close(g, w, rtol)


@pytest.mark.parametrize("drop_zeros", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stack_histograms_are_the_single_array_counts(dtype, drop_zeros):
    S = _stack(dtype)
    got = layer_stack.stack_histograms(S, -1.0, 3.0, 41, drop_zeros)
    want = np.array([histogram_counts(layer.reshape(-1), -1.0, 3.0, 41, drop_zeros)
                     for layer in S])
    assert np.array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("w", [63, 64])  # an odd and an even number of values a layer
def test_stack_magnitudes_are_the_single_array_ones(dtype, w):
    S = _stack(dtype, n=1, w=w)
    got = layer_stack.stack_magnitudes(S)
    want = np.array([stats.magnitudes(layer) for layer in S]).T
    for g, ref in zip(got, want):
        _close(g, ref, 1e-7)
    # the medians are numpy's, independently
    finite = [np.abs(layer[np.isfinite(layer)]) for layer in S]
    _close(got[0], [np.median(f) if f.size else np.nan for f in finite], 1e-7)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 6), w=st.integers(1, 9),
       scale=st.sampled_from([1e-30, 1e-3, 1.0, 1e20]))
def test_stacked_equals_single_on_random_shapes(seed, n, w, scale):
    rng = np.random.default_rng(seed)
    S = (scale * rng.standard_normal((3, n, w)) + rng.integers(-1, 2, (3, 1, w))).astype(
        np.float32)
    got = layer_stack.stack_moments(S)
    ref = np.array([stats.moments_and_signal_std(x) for x in S]).T
    for g, r in zip(got[1:], ref[1:]):
        _close(g, r, 1e-4)
    # a mean that cancels (values 1e20, mean 1e16) keeps only its error relative to the std:
    # float32 sums in another order differ by ~1e-7 of the values, not of the mean
    assert np.all(np.abs(got[0] - ref[0]) <= 1e-4 * (np.abs(ref[0]) + ref[1])), (got, ref)
    assert np.array_equal(layer_stack.stack_histograms(S, -3.0, 3.0, 7, True),
                          [histogram_counts(x.reshape(-1), -3.0, 3.0, 7, True) for x in S])

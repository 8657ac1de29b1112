"""Tests for initviz.initializers.

Every expected value comes from a formula written out here (the papers, Keras 3's
``keras.initializers`` and PyTorch's ``torch.nn.init``), from scipy's exact distributions, or
from the sampling distribution of a statistic; none is pasted from initviz's own output.

Tolerances for sample moments: for ``n`` iid draws the sample mean has standard deviation
``sigma / sqrt(n)`` and the sample variance about ``sqrt((mu4 - sigma^4) / n)``, with ``mu4``
the fourth central moment of the target (``mu4 = (excess_kurtosis + 3) sigma^4``). We allow
6 of those standard deviations (a false alarm about once in 10^9 per check) with fixed seeds,
so the suite is deterministic and still catches a wrong variance of a few percent on the big
shapes. The Kolmogorov-Smirnov test (as PyTorch's own tests of ``nn.init`` do) compares the whole
distribution against the exact scipy target with p > 1e-4.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import stats

from initviz import initializers as ini

# Keras divides the std by this so a normal truncated at 2 std keeps the target variance.
TRUNC_STD = 0.87962566103423978
SIGMAS = 6.0
KS_ALPHA = 1e-4

SHAPES = [(250, 100), (100, 250), (64, 64), (3, 3, 16, 32), (5, 8, 4)]


# --------------------------------------------------------------------------------------------
# references, written from the Keras / PyTorch sources
# --------------------------------------------------------------------------------------------
def keras_fans(shape):
    """keras.src.initializers.random_initializers.compute_fans."""
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive_field_size = math.prod(shape[:-2])
    return shape[-2] * receptive_field_size, shape[-1] * receptive_field_size


def torch_fans(torch_shape):
    """torch.nn.init._calculate_fan_in_and_fan_out, for PyTorch's (out, in, *kernel) layout."""
    dimensions = len(torch_shape)
    if dimensions < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    num_input_fmaps = torch_shape[1]
    num_output_fmaps = torch_shape[0]
    receptive_field_size = 1
    if dimensions > 2:
        for s in torch_shape[2:]:
            receptive_field_size *= s
    return num_input_fmaps * receptive_field_size, num_output_fmaps * receptive_field_size


def keras_to_torch_layout(shape):
    """Keras kernel (*kernel, in, out) -> PyTorch weight (out, in, *kernel)."""
    return (shape[-1], shape[-2], *shape[:-2])


def variance_scaling_target(scale, mode, distribution, shape):
    """The exact distribution of one weight of keras.initializers.VarianceScaling."""
    fan_in, fan_out = keras_fans(shape)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[mode]
    var = scale / max(1.0, n)
    if distribution == "uniform":
        limit = math.sqrt(3.0 * var)
        return stats.uniform(loc=-limit, scale=2 * limit)
    if distribution == "truncated_normal":
        # keras: stddev = sqrt(scale) / .8796...; random.truncated_normal cuts at 2 stddev.
        return stats.truncnorm(-2.0, 2.0, scale=math.sqrt(var) / TRUNC_STD)
    return stats.norm(scale=math.sqrt(var))


# (scale, mode, distribution) of the named Keras classes LecunNormal, ..., HeUniform.
KERAS_NAMED = {
    "lecun_normal": (1.0, "fan_in", "truncated_normal"),
    "lecun_uniform": (1.0, "fan_in", "uniform"),
    "glorot_normal": (1.0, "fan_avg", "truncated_normal"),
    "glorot_uniform": (1.0, "fan_avg", "uniform"),
    "he_normal": (2.0, "fan_in", "truncated_normal"),
    "he_uniform": (2.0, "fan_in", "uniform"),
}


def random_cases():
    """(id, initializer name, kwargs, target(shape) -> scipy distribution)."""
    cases = [
        ("random_normal-default", "random_normal", {}, lambda s: stats.norm(0.0, 0.05)),
        ("random_normal-mean", "random_normal", {"mean": 0.1, "stddev": 0.3},
         lambda s: stats.norm(0.1, 0.3)),
        ("random_normal-lecture", "random_normal", {"stddev": 0.01},
         lambda s: stats.norm(0.0, 0.01)),
        ("random_uniform-default", "random_uniform", {}, lambda s: stats.uniform(-0.05, 0.1)),
        ("random_uniform-shifted", "random_uniform", {"minval": -0.2, "maxval": 0.6},
         lambda s: stats.uniform(-0.2, 0.8)),
        ("variance_scaling-default", "variance_scaling", {},
         lambda s: variance_scaling_target(1.0, "fan_in", "truncated_normal", s)),
    ]
    for mode in ("fan_in", "fan_out", "fan_avg"):
        for dist in ("truncated_normal", "untruncated_normal", "uniform"):
            cases.append((f"variance_scaling-{mode}-{dist}", "variance_scaling",
                          {"scale": 1.7, "mode": mode, "distribution": dist},
                          lambda s, m=mode, d=dist: variance_scaling_target(1.7, m, d, s)))
    for name, args in KERAS_NAMED.items():
        cases.append((name, name, {}, lambda s, a=args: variance_scaling_target(*a, s)))
    return cases


RANDOM_CASES = random_cases()


def test_every_random_name_is_covered_by_the_distribution_tests():
    covered = {c[1] for c in RANDOM_CASES}
    deterministic = {"zeros", "ones", "constant", "orthogonal"}  # tested exactly below
    assert set(ini.names()) == covered | deterministic


# --------------------------------------------------------------------------------------------
# distributions: moments, KS test, bounds
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("case", RANDOM_CASES, ids=[c[0] for c in RANDOM_CASES])
def test_sample_moments_and_ks_match_the_exact_target_distribution(case, shape):
    _, name, kwargs, target_of = case
    target = target_of(shape)
    init = ini.get(name, **kwargs)
    seed = 1234 + SHAPES.index(shape)
    w = init(shape, rng=seed)
    assert w.shape == shape and w.dtype == np.float64

    x = w.ravel()
    n = x.size
    mu, var = float(target.mean()), float(target.var())
    excess_kurtosis = float(target.stats(moments="k"))
    sd_of_mean = math.sqrt(var / n)
    sd_of_var = math.sqrt((excess_kurtosis + 2.0) * var**2 / n)  # (mu4 - sigma^4) / n
    assert abs(x.mean() - mu) < SIGMAS * sd_of_mean
    assert abs(x.var() - var) < SIGMAS * sd_of_var

    # the initializer's own formula equals the target's variance exactly
    assert init.variance(shape) == pytest.approx(var, rel=1e-12)
    assert init.std(shape) == pytest.approx(math.sqrt(var), rel=1e-12)

    p = stats.kstest(x, target.cdf).pvalue
    assert p > KS_ALPHA, f"KS test rejects {name}{kwargs} on {shape}: p={p:.2e}"

    lo, hi = target.support()
    assert lo <= x.min() and x.max() <= hi


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", ["lecun_uniform", "glorot_uniform", "he_uniform"])
def test_uniform_draws_lie_in_plus_minus_limit_and_fill_it(name, shape):
    scale, mode, _ = KERAS_NAMED[name]
    fan_in, fan_out = keras_fans(shape)
    n = {"fan_in": fan_in, "fan_avg": (fan_in + fan_out) / 2}[mode]
    limit = math.sqrt(3.0 * scale / n)
    init = ini.get(name)
    assert init.limit(shape) == pytest.approx(limit, rel=1e-12)
    w = init(shape, rng=7)
    assert np.all(np.abs(w) <= limit)
    if w.size >= 1000:  # the extremes are reached: not a narrower uniform
        assert w.max() > 0.99 * limit and w.min() < -0.99 * limit


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", ["lecun_normal", "glorot_normal", "he_normal"])
def test_truncated_normal_is_cut_at_two_std_of_the_unrescaled_normal(name, shape):
    init = ini.get(name)
    bound = 2.0 * init.std(shape) / TRUNC_STD
    assert init.limit(shape) == pytest.approx(bound, rel=1e-12)
    w = init(shape, rng=11)
    assert np.all(np.abs(w) <= bound)
    if w.size >= 1000:  # some draws land near the cut: it is not cut lower
        assert np.abs(w).max() > 0.95 * bound


def test_truncated_normal_constant_is_the_std_of_a_standard_normal_cut_at_two():
    assert TRUNC_STD == pytest.approx(stats.truncnorm(-2, 2).std(), rel=1e-15, abs=0)
    assert ini.TRUNCATED_NORMAL_STD == pytest.approx(stats.truncnorm(-2, 2).std(), rel=1e-15)


def test_untruncated_normal_limit_is_infinite():
    assert ini.get("variance_scaling", distribution="untruncated_normal").limit((4, 5)) == math.inf


def test_ks_test_has_the_power_to_see_a_ten_percent_wrong_std():
    # Guards the KS tests above against being vacuous: at n = 25000 a 10 % error is caught.
    shape = (250, 100)
    w = ini.get("he_normal")(shape, rng=0).ravel()
    wrong = stats.truncnorm(-2, 2, scale=1.1 * math.sqrt(2 / 250) / TRUNC_STD)
    assert stats.kstest(w, wrong.cdf).pvalue < 1e-6
    untruncated = stats.norm(scale=math.sqrt(2 / 250))  # PyTorch's kaiming_normal_
    assert stats.kstest(w, untruncated.cdf).pvalue < 1e-6


# --------------------------------------------------------------------------------------------
# the papers' variances for fan_in = 250, fan_out = 100, against Keras' stated bounds
# --------------------------------------------------------------------------------------------
FAN_IN, FAN_OUT = 250, 100
# The variance each paper asks of one weight:
#   LeCun et al. 1998, "Efficient BackProp", sec. 4.6: std = m**(-1/2) for m inputs;
#   Glorot & Bengio 2010, eq. 12: Var[W] = 2 / (n_j + n_{j+1});
#   He et al. 2015, eq. 10: n_l Var[w_l] / 2 = 1.
PAPER_VARIANCE = {"lecun": 1 / FAN_IN, "glorot": 2 / (FAN_IN + FAN_OUT), "he": 2 / FAN_IN}
# The bounds as the docstrings of keras.initializers.LecunUniform, GlorotUniform (Glorot &
# Bengio's eq. 16) and HeUniform state them.
KERAS_LIMIT = {"lecun": math.sqrt(3 / FAN_IN), "glorot": math.sqrt(6 / (FAN_IN + FAN_OUT)),
               "he": math.sqrt(6 / FAN_IN)}


def many_draws(init, seeds=4):
    """100,000 weights: ``seeds`` tensors of shape (FAN_IN, FAN_OUT)."""
    return np.concatenate([init((FAN_IN, FAN_OUT), rng=s).ravel() for s in range(seeds)])


@pytest.mark.parametrize("family", sorted(PAPER_VARIANCE))
def test_uniform_scheme_on_keras_limit_has_the_papers_variance(family):
    limit, target = KERAS_LIMIT[family], PAPER_VARIANCE[family]
    # scipy integrates the variance of U[-limit, limit]: Keras' bound and the paper's variance
    # agree without the limit**2 / 3 that initviz uses.
    assert stats.uniform(-limit, 2 * limit).var() == pytest.approx(target, rel=1e-12)
    init = ini.get(f"{family}_uniform")
    assert init.limit((FAN_IN, FAN_OUT)) == pytest.approx(limit, rel=1e-12)
    w = many_draws(init)
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.999 * limit  # no draw that far out: p = 0.999**100000 ~ 4e-44
    # sd of a sample variance of n uniforms: target * sqrt(0.8 / n) (excess kurtosis -1.2)
    assert abs(w.var() - target) < SIGMAS * target * math.sqrt(0.8 / w.size)


@pytest.mark.parametrize("family", sorted(PAPER_VARIANCE))
def test_truncated_normal_scheme_with_keras_stddev_has_the_papers_variance(family):
    target = PAPER_VARIANCE[family]
    # Keras' VarianceScaling: stddev = sqrt(scale / n) / .87962566103423978, cut at 2 stddev.
    keras_stddev = math.sqrt(target) / 0.87962566103423978
    law = stats.truncnorm(-2.0, 2.0, scale=keras_stddev)
    assert law.var() == pytest.approx(target, rel=1e-9)  # scipy checks Keras' constant
    init = ini.get(f"{family}_normal")
    assert init.std((FAN_IN, FAN_OUT)) == pytest.approx(math.sqrt(target), rel=1e-12)
    assert init.limit((FAN_IN, FAN_OUT)) == pytest.approx(2 * keras_stddev, rel=1e-12)
    w = many_draws(init)
    assert np.abs(w).max() <= 2 * keras_stddev
    sd_of_var = target * math.sqrt((float(law.stats(moments="k")) + 2.0) / w.size)
    assert abs(w.var() - target) < SIGMAS * sd_of_var
    assert stats.kstest(w, law.cdf).pvalue > KS_ALPHA


def test_glorot_bengio_standard_init_is_variance_scaling_one_third_uniform():
    # U[-1/sqrt(n), 1/sqrt(n)], PyTorch's nn.Linear default: Var = 1 / (3 fan_in).
    init = ini.get("variance_scaling", scale=1 / 3, mode="fan_in", distribution="uniform")
    assert init.limit((250, 100)) == pytest.approx(1 / math.sqrt(250), rel=1e-12)
    assert init.variance((250, 100)) == pytest.approx(1 / (3 * 250), rel=1e-12)


# --------------------------------------------------------------------------------------------
# orthogonal, constants
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(64, 64), (250, 100), (100, 250), (3, 3, 16, 32),
                                   (2, 2, 4, 64), (5, 8, 4)], ids=str)
@pytest.mark.parametrize("gain", [1.0, 0.5, math.sqrt(2)])
def test_orthogonal_is_gain_times_semi_orthogonal(shape, gain):
    w = ini.get("orthogonal", gain=gain)(shape, rng=3)
    assert w.shape == shape
    q = w.reshape(-1, shape[-1])  # Keras flattens to (prod(shape[:-1]), shape[-1])
    rows, cols = q.shape
    gram = q.T @ q if rows >= cols else q @ q.T
    np.testing.assert_allclose(gram, gain**2 * np.eye(min(rows, cols)), atol=1e-12)
    # Its mean square is then gain^2 min(r, c) / (r c) = gain^2 / max(r, c).
    assert np.mean(q**2) == pytest.approx(gain**2 / max(rows, cols), rel=1e-12)
    assert ini.get("orthogonal", gain=gain).variance(shape) == pytest.approx(
        gain**2 / max(rows, cols), rel=1e-12)


def test_orthogonal_module_function_and_seed_reproducibility():
    a = ini.orthogonal((8, 8), rng=5, gain=2.0)
    b = ini.get("orthogonal", gain=2.0)((8, 8), rng=5)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a.T @ a, 4 * np.eye(8), atol=1e-12)


def test_orthogonal_rejects_one_dimensional_shape():
    with pytest.raises(ValueError, match="at least 2"):
        ini.get("orthogonal")((5,), rng=0)


@pytest.mark.parametrize("shape", [(3,), (4, 5), (2, 3, 4, 5)], ids=str)
def test_zeros_ones_constant_are_exact(shape):
    np.testing.assert_array_equal(ini.get("zeros")(shape), np.zeros(shape))
    np.testing.assert_array_equal(ini.get("ones")(shape), np.ones(shape))
    np.testing.assert_array_equal(ini.get("constant", value=0.5)(shape), np.full(shape, 0.5))
    np.testing.assert_array_equal(ini.get("constant", value=-3)(shape), np.full(shape, -3.0))
    np.testing.assert_array_equal(ini.zeros(shape, rng=1), np.zeros(shape))
    np.testing.assert_array_equal(ini.ones(shape, rng=1), np.ones(shape))
    assert ini.get("constant", value=0.5).variance(shape) == 0.0


# --------------------------------------------------------------------------------------------
# fans and gains
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape,expected", [
    ((250, 100), (250, 100)),
    ((7,), (7, 7)),
    ((3, 3, 16, 32), (144, 288)),
    ((5, 8, 4), (40, 20)),
    ((2, 3, 4, 5, 6), (120, 144)),
], ids=str)
def test_compute_fans_counts_the_weights_meeting_at_one_unit(shape, expected):
    assert ini.compute_fans(shape) == expected  # worked by hand
    if len(shape) >= 2:
        # fan_in: the weights feeding one output unit (output channel 0); fan_out: the weights
        # leaving one input unit (input channel 0). Counted, not multiplied out.
        kernel = np.zeros(shape)
        assert ini.compute_fans(shape) == (kernel[..., 0].size, kernel[..., 0, :].size)


@pytest.mark.parametrize("shape", [(250, 100), (3, 3, 16, 32), (5, 8, 4), (1, 1, 1, 1)], ids=str)
def test_compute_fans_matches_pytorch_on_the_transposed_layout(shape):
    assert ini.compute_fans(shape) == torch_fans(keras_to_torch_layout(shape))


def test_pytorch_linear_weight_fans_are_size1_in_size0_out():
    # nn.Linear(in_features=250, out_features=100).weight has shape (100, 250).
    assert torch_fans((100, 250)) == (250, 100) == ini.compute_fans((250, 100))


@st.composite
def shapes(draw, min_dims=1, max_dims=4, max_size=2**15):
    """1-4 dims of 1..64, with the total size bounded so draws stay cheap."""
    ndim = draw(st.integers(min_dims, max_dims))
    dims, size = [], 1
    for _ in range(ndim):
        d = draw(st.integers(1, max(1, min(64, max_size // size))))
        dims.append(d)
        size *= d
    return tuple(dims)


@settings(max_examples=200, deadline=None)
@given(shape=st.lists(st.integers(1, 64), min_size=1, max_size=4).map(tuple))
def test_compute_fans_property_positive_and_equal_to_keras_and_pytorch(shape):
    fan_in, fan_out = ini.compute_fans(shape)
    assert type(fan_in) is int and type(fan_out) is int
    assert fan_in >= 1 and fan_out >= 1
    assert (fan_in, fan_out) == keras_fans(shape)
    if len(shape) >= 2:
        assert (fan_in, fan_out) == torch_fans(keras_to_torch_layout(shape))
        kernel = np.empty(shape, dtype=np.int8)
        assert (fan_in, fan_out) == (kernel[..., 0].size, kernel[..., 0, :].size)


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(ini.names(aliases=True)), shape=shapes(),
       dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2**32 - 1))
def test_every_initializer_returns_finite_array_of_shape_and_dtype(name, shape, dtype, seed):
    init = ini.get(name)
    if name == "orthogonal" and len(shape) < 2:
        with pytest.raises(ValueError):
            init(shape, rng=seed, dtype=dtype)
        return
    w = init(shape, rng=seed, dtype=dtype)
    assert w.shape == shape
    assert w.dtype == np.dtype(dtype)
    assert np.all(np.isfinite(w))


def test_calculate_gain_matches_pytorch_table():
    expected = {
        "linear": 1.0, "conv1d": 1.0, "conv2d": 1.0, "conv3d": 1.0, "sigmoid": 1.0,
        "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0),
        "leaky_relu": math.sqrt(2.0 / (1 + 0.01**2)), "selu": 3.0 / 4.0,
    }
    for name, gain in expected.items():
        assert ini.calculate_gain(name) == pytest.approx(gain, rel=1e-15), name
    assert ini.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04), rel=1e-15)
    assert ini.calculate_gain("leaky_relu", 0) == pytest.approx(math.sqrt(2.0), rel=1e-15)
    assert ini.calculate_gain("leaky_relu", math.sqrt(5)) == pytest.approx(math.sqrt(1 / 3),
                                                                            rel=1e-15)


def test_he_std_is_relu_gain_over_sqrt_fan_in():
    assert ini.get("he_normal").std((250, 100)) == pytest.approx(
        ini.calculate_gain("relu") / math.sqrt(250), rel=1e-15)


def test_calculate_gain_rejects_unknown_name_and_bad_param():
    with pytest.raises(ValueError) as exc:
        ini.calculate_gain("gelu")
    assert "'gelu'" in str(exc.value)
    assert all(name in str(exc.value) for name in ("relu", "tanh", "leaky_relu", "selu"))
    with pytest.raises(TypeError, match="nonlinearity"):
        ini.calculate_gain(None)
    with pytest.raises(TypeError, match="'0.1'"):  # a wrong type (PyTorch: ValueError)
        ini.calculate_gain("leaky_relu", "0.1")
    with pytest.raises(ValueError, match="nan"):
        ini.calculate_gain("leaky_relu", math.nan)
    assert ini.calculate_gain("leaky_relu", np.float32(0.5)) == pytest.approx(
        math.sqrt(2 / 1.25), rel=1e-7)


# --------------------------------------------------------------------------------------------
# names, aliases, seeding, dtype
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("alias,name", [("xavier_normal", "glorot_normal"),
                                        ("xavier_uniform", "glorot_uniform"),
                                        ("kaiming_normal", "he_normal"),
                                        ("kaiming_uniform", "he_uniform")])
def test_aliases_give_equal_initializers_and_equal_draws(alias, name):
    assert ini.get(alias) == ini.get(name)
    np.testing.assert_array_equal(ini.get(alias)((30, 20), rng=4), ini.get(name)((30, 20), rng=4))
    assert alias in ini.names(aliases=True) and alias not in ini.names()


@pytest.mark.parametrize("name", sorted(KERAS_NAMED))
def test_module_functions_equal_get(name):
    np.testing.assert_array_equal(getattr(ini, name)((12, 7), rng=9), ini.get(name)((12, 7), rng=9))


@pytest.mark.parametrize("name", ["random_normal", "random_uniform", "glorot_uniform", "he_normal",
                                  "variance_scaling", "orthogonal"])
def test_same_int_seed_gives_identical_arrays_and_other_seed_differs(name):
    init = ini.get(name)
    np.testing.assert_array_equal(init((20, 30), rng=42), init((20, 30), rng=42))
    assert not np.array_equal(init((20, 30), rng=42), init((20, 30), rng=43))


@pytest.mark.parametrize("name", ["random_normal", "glorot_uniform", "he_normal", "orthogonal"])
def test_generator_continues_its_stream(name):
    init = ini.get(name)
    g1 = np.random.default_rng(0)
    first, second = init((10, 10), rng=g1), init((10, 10), rng=g1)
    assert not np.array_equal(first, second)
    g2 = np.random.default_rng(0)
    np.testing.assert_array_equal(init((10, 10), rng=g2), first)
    np.testing.assert_array_equal(init((10, 10), rng=g2), second)
    # an int seed starts a fresh stream: the same as the generator's first draw
    np.testing.assert_array_equal(init((10, 10), rng=0), first)


def test_as_generator_returns_the_same_generator_object():
    g = np.random.default_rng(1)
    assert ini.as_generator(g) is g
    assert isinstance(ini.as_generator(None), np.random.Generator)


@pytest.mark.parametrize("dtype", [np.float32, "float32", np.float16])
def test_dtype_is_returned_when_asked(dtype):
    w = ini.get("he_normal")((16, 8), rng=0, dtype=dtype)
    assert w.dtype == np.dtype(dtype)
    w64 = ini.get("he_normal")((16, 8), rng=0)
    assert w64.dtype == np.float64
    np.testing.assert_array_equal(w, w64.astype(dtype))


def test_integer_dtype_is_rejected():
    with pytest.raises(ValueError, match="int32"):
        ini.get("he_normal")((3, 3), dtype=np.int32)


# --------------------------------------------------------------------------------------------
# the registry: built from the classes
# --------------------------------------------------------------------------------------------
# Keras' class for each named scheme (keras.initializers.LecunNormal, ...).
KERAS_CLASS = {"lecun_normal": "LecunNormal", "lecun_uniform": "LecunUniform",
               "glorot_normal": "GlorotNormal", "glorot_uniform": "GlorotUniform",
               "he_normal": "HeNormal", "he_uniform": "HeUniform"}


def initializer_classes():
    return [v for v in vars(ini).values()
            if isinstance(v, type) and issubclass(v, ini.Initializer) and v is not ini.Initializer]


def test_every_class_is_listed_with_its_name_function_and_all_entry():
    classes = initializer_classes()
    assert sorted(cls.name for cls in classes) == sorted(ini.names())
    assert len(ini.names()) == len(set(ini.names())) == 13
    for cls in classes:
        assert type(ini.get(cls.name)) is cls
        assert cls.__name__ in ini.__all__ and cls.name in ini.__all__
        np.testing.assert_array_equal(getattr(ini, cls.name)((6, 5), rng=3), cls()((6, 5), rng=3))
    assert set(ini.__all__) <= set(vars(ini))


@pytest.mark.parametrize("name", sorted(KERAS_NAMED))
def test_named_schemes_are_keras_classes_specialising_variance_scaling(name):
    cls = getattr(ini, KERAS_CLASS[name])
    assert issubclass(cls, ini.VarianceScaling) and cls.name == name
    init = cls()
    assert (init.scale, init.mode, init.distribution) == KERAS_NAMED[name]
    assert init == ini.VarianceScaling(*KERAS_NAMED[name])
    assert repr(init) == f"{name}()" and init.get_config() == {}
    assert ini.SCHEMES[name] == KERAS_NAMED[name]
    assert ini.SCHEMES == KERAS_NAMED


def test_module_functions_take_their_class_arguments():
    np.testing.assert_array_equal(ini.constant((2, 2), value=0.5), np.full((2, 2), 0.5))
    np.testing.assert_array_equal(ini.random_normal((3, 4), 0, np.float64, 1.0, 0.01),
                                  ini.RandomNormal(1.0, 0.01)((3, 4), rng=0))
    np.testing.assert_array_equal(
        ini.variance_scaling((9, 4), rng=1, scale=2.0, distribution="untruncated_normal"),
        ini.VarianceScaling(2.0, distribution="untruncated_normal")((9, 4), rng=1))
    with pytest.raises(TypeError):
        ini.he_normal((3, 3), None, np.float64, 2.0)  # he_normal fixes its arguments


# What one weight's law is, per name: the family the widgets draw a unit tensor from.
EXPECTED_DISTRIBUTION = {"zeros": "constant", "ones": "constant", "constant": "constant",
                         "random_normal": "untruncated_normal", "random_uniform": "uniform",
                         "variance_scaling": "truncated_normal", "orthogonal": "orthogonal",
                         **{name: args[2] for name, args in KERAS_NAMED.items()}}
# Each family scaled to variance 1: scipy's law of init(shape) / init.std(shape).
UNIT_LAW = {"untruncated_normal": stats.norm(),
            "uniform": stats.uniform(-math.sqrt(3), 2 * math.sqrt(3)),
            "truncated_normal": stats.truncnorm(-2, 2, scale=1 / TRUNC_STD)}


@pytest.mark.parametrize("name", sorted(EXPECTED_DISTRIBUTION))
def test_distribution_attribute_names_the_law_of_the_draws(name):
    init = ini.get(name)
    assert init.distribution == EXPECTED_DISTRIBUTION[name]
    assert set(EXPECTED_DISTRIBUTION) == set(ini.names())
    if init.distribution in UNIT_LAW:  # draw, divide by std(shape): the family's unit law
        w = init((FAN_IN, FAN_OUT), rng=21) - getattr(init, "mean", 0.0)
        unit = (w / init.std((FAN_IN, FAN_OUT))).ravel()
        assert stats.kstest(unit, UNIT_LAW[init.distribution].cdf).pvalue > KS_ALPHA
    if init.distribution == "constant":
        assert init.std((4, 5)) == 0.0 and np.ptp(init((4, 5))) == 0.0


def test_distribution_of_variance_scaling_is_its_argument():
    for dist in ("truncated_normal", "untruncated_normal", "uniform"):
        assert ini.VarianceScaling(distribution=dist).distribution == dist


# --------------------------------------------------------------------------------------------
# equality and hashing: equal initializers draw the same law, and hash alike
# --------------------------------------------------------------------------------------------
def equality_cases():
    """Every registry entry and alias, their VarianceScaling twins, and numeric variants."""
    out = [ini.get(name) for name in ini.names(aliases=True)]
    out += [ini.VarianceScaling(*args) for args in KERAS_NAMED.values()]
    out += [ini.VarianceScaling(int(scale), mode, dist)
            for scale, mode, dist in KERAS_NAMED.values()]
    out += [ini.VarianceScaling(np.float64(2.0)), ini.VarianceScaling(2, "fan_avg"),
            ini.Constant(0), ini.Constant(-0.0), ini.Constant(np.float32(1.0)), ini.Constant(2),
            ini.RandomNormal(0, 0.05), ini.RandomNormal(stddev=1), ini.RandomUniform(-1, 1),
            ini.Orthogonal(np.int64(1)), ini.Orthogonal(2.0)]
    return out


def test_equal_implies_equal_hash_over_the_registry_and_its_twins():
    cases = equality_cases()
    pairs = 0
    for a in cases:
        for b in cases:
            if a == b:
                assert b == a
                assert hash(a) == hash(b), (a, b)
                pairs += a is not b
    assert pairs > 40  # the check ran over real pairs, not only a == a
    assert ini.get("he_normal") == ini.VarianceScaling(2, "fan_in", "truncated_normal")
    assert hash(ini.get("he_normal")) == hash(ini.VarianceScaling(2, "fan_in", "truncated_normal"))
    assert ini.get("zeros") == ini.Constant(0.0) and ini.get("ones") == ini.Constant(1)
    # Distinct laws: the 13 names hold 11 (constant() is zeros(), and variance_scaling()'s
    # defaults are lecun_normal's), plus the 5 new ones among the numeric variants.
    assert ini.get("constant") == ini.get("zeros")
    assert ini.get("variance_scaling") == ini.get("lecun_normal")
    assert len(set(cases)) == 11 + 5
    assert ini.get("he_normal") != ini.get("he_uniform") != ini.get("glorot_uniform")
    assert ini.get("zeros") != 0 and ini.get("he_normal") != "he_normal"


NUMBERS = st.sampled_from([0, 0.0, -0.0, 1, 1.0, np.float32(1.0), 2, np.float64(2.0), 0.5])
POSITIVE = st.sampled_from([1, 1.0, np.float32(1.0), 2, np.float64(2.0), 0.5])
INITIALIZERS = st.one_of(
    st.sampled_from([ini.get(name) for name in ini.names(aliases=True)]),
    st.builds(ini.Constant, NUMBERS),
    st.builds(ini.RandomNormal, NUMBERS, POSITIVE),
    st.builds(ini.RandomUniform, st.sampled_from([-1, -1.0, 0]), POSITIVE),
    st.builds(ini.VarianceScaling, POSITIVE, st.sampled_from(["fan_in", "fan_out", "fan_avg"]),
              st.sampled_from(["truncated_normal", "untruncated_normal", "uniform"])),
    st.builds(ini.Orthogonal, POSITIVE),
)


@settings(max_examples=300, deadline=None)
@given(a=INITIALIZERS, b=INITIALIZERS)
def test_equal_initializers_hash_alike_and_draw_the_same_weights(a, b):
    assert (a == b) == (b == a)
    if a == b:
        assert hash(a) == hash(b)
        np.testing.assert_array_equal(a((5, 4), rng=0), b((5, 4), rng=0))
        assert {a: 1}[b] == 1


@pytest.mark.parametrize("init", equality_cases(), ids=repr)
def test_get_config_rebuilds_an_equal_initializer_and_repr_shows_it(init):
    config = init.get_config()
    assert type(init)(**config) == init
    assert repr(init) == f"{init.name}({', '.join(f'{k}={v!r}' for k, v in config.items())})"


def test_repr_of_common_initializers():
    assert repr(ini.get("kaiming_normal")) == "he_normal()"
    assert repr(ini.get("random_normal", stddev=0.01)) == "random_normal(mean=0.0, stddev=0.01)"
    assert repr(ini.VarianceScaling(2)) == (
        "variance_scaling(scale=2.0, mode='fan_in', distribution='truncated_normal')")


# --------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------
def test_misspelled_name_error_names_it_suggests_and_lists_all():
    with pytest.raises(ValueError) as exc:
        ini.get("glorot_unifrom")
    msg = str(exc.value)
    assert "glorot_unifrom" in msg
    assert "did you mean 'glorot_uniform'" in msg
    for name in ini.names(aliases=True):
        assert name in msg


def test_get_passes_a_callable_through_unchanged():
    def my_init(shape, rng=None, dtype=np.float64):
        return np.zeros(shape, dtype)

    assert ini.get(my_init) is my_init
    he = ini.get("he_normal")
    assert ini.get(he) is he


def test_get_rejects_non_string_non_callable_and_kwargs_with_callable():
    with pytest.raises(TypeError, match="42"):
        ini.get(42)
    with pytest.raises(TypeError):
        ini.get(lambda s: s, scale=2.0)


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (-1, 3), (4, -2, 3), 0, -5], ids=str)
def test_zero_or_negative_dims_raise_value_error(shape):
    for name in ("he_normal", "zeros", "random_uniform", "orthogonal"):
        with pytest.raises(ValueError):
            ini.get(name)(shape)
    with pytest.raises(ValueError):
        ini.compute_fans(shape)


@pytest.mark.parametrize("shape", [(2.0, 3), (True, 3), (3, False), ("3", 4), None, 2.5, "34"],
                         ids=repr)
def test_non_int_or_bool_dims_raise_type_error(shape):
    with pytest.raises(TypeError):
        ini.get("he_normal")(shape)


def test_numpy_integer_dims_are_accepted():
    w = ini.get("he_normal")((np.int64(3), np.int32(4)), rng=0)
    assert w.shape == (3, 4)


@pytest.mark.parametrize("name,kwargs", [("he_normal", {"scale": 2.0}),
                                         ("random_normal", {"std": 1.0}),
                                         ("zeros", {"value": 1.0}),
                                         ("orthogonal", {"scale": 1.0})])
def test_unknown_kwargs_raise_type_error(name, kwargs):
    with pytest.raises(TypeError):
        ini.get(name, **kwargs)


@pytest.mark.parametrize("stddev,shown", [(math.nan, "nan"), (math.inf, "inf"), (-1.0, "-1")])
def test_bad_stddev_raises_value_error_naming_it(stddev, shown):
    with pytest.raises(ValueError, match="stddev") as exc:
        ini.get("random_normal", stddev=stddev)
    assert shown in str(exc.value)


@pytest.mark.parametrize("scale", [0.0, -1.0, math.nan, math.inf, np.float32(-2.0)])
def test_non_positive_or_nonfinite_scale_raises_value_error(scale):
    with pytest.raises(ValueError, match="scale") as exc:
        ini.get("variance_scaling", scale=scale)
    assert f"got {float(scale)}" in str(exc.value)


@pytest.mark.parametrize("gain", [0.0, -1.0, math.nan])
def test_non_positive_orthogonal_gain_raises_value_error(gain):
    with pytest.raises(ValueError, match="gain"):
        ini.get("orthogonal", gain=gain)


@pytest.mark.parametrize("minval,maxval", [(0.1, 0.1), (0.5, -0.5)])
def test_minval_not_below_maxval_raises_value_error_naming_both(minval, maxval):
    with pytest.raises(ValueError) as exc:
        ini.get("random_uniform", minval=minval, maxval=maxval)
    assert str(minval) in str(exc.value) and str(maxval) in str(exc.value)


def test_bad_mode_or_distribution_raises_value_error_naming_value_and_choices():
    with pytest.raises(ValueError, match="'fan_sum'") as exc:
        ini.get("variance_scaling", mode="fan_sum")
    assert all(m in str(exc.value) for m in ("fan_in", "fan_out", "fan_avg"))
    with pytest.raises(ValueError, match="'normal'") as exc:
        ini.get("variance_scaling", distribution="normal")
    assert all(d in str(exc.value) for d in ("truncated_normal", "untruncated_normal", "uniform"))


def test_non_number_argument_raises_type_error():
    with pytest.raises(TypeError, match="stddev"):
        ini.get("random_normal", stddev="0.1")
    with pytest.raises(TypeError, match="value"):
        ini.get("constant", value=True)
    with pytest.raises(TypeError, match="mode"):
        ini.get("variance_scaling", mode=1)
    with pytest.raises(TypeError, match="dtype"):
        ini.get("zeros")((2, 2), dtype="not a dtype")


def test_numpy_scalar_arguments_are_accepted():
    assert ini.get("random_normal", stddev=np.float32(0.5)).stddev == 0.5
    assert ini.get("variance_scaling", scale=np.int64(2)) == ini.get("he_normal")
    assert ini.get("orthogonal", gain=np.float64(2.0)).gain == 2.0


@pytest.mark.parametrize("rng", [1.5, "0", True, np.random.RandomState(0), [1, 2]], ids=repr)
def test_rng_of_bad_type_raises_type_error(rng):
    with pytest.raises(TypeError, match="rng"):
        ini.get("he_normal")((3, 3), rng=rng)


def test_negative_seed_raises_value_error():
    with pytest.raises(ValueError, match="-1"):
        ini.get("he_normal")((3, 3), rng=-1)

"""Tests for initviz.initializers.

Every expected value comes from a formula written out here (Keras 3's
``keras/src/initializers/random_initializers.py`` and PyTorch's ``torch/nn/init.py``), from
scipy's exact distributions, or from the sampling distribution of a statistic; none is pasted
from initviz's own output.

Tolerances for sample moments: for ``n`` iid draws the sample mean has standard deviation
``sigma / sqrt(n)`` and the sample variance about ``sqrt((mu4 - sigma^4) / n)``, with ``mu4``
the fourth central moment of the target (``mu4 = (excess_kurtosis + 3) sigma^4``). We allow
6 of those standard deviations (a false alarm about once in 10^9 per check) with fixed seeds,
so the suite is deterministic and still catches a wrong variance of a few percent on the big
shapes. The Kolmogorov-Smirnov test (as in PyTorch's test/nn/test_init.py) compares the whole
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
# the reference numbers for fan_in = 250, fan_out = 100
# --------------------------------------------------------------------------------------------
def test_named_schemes_match_hand_computed_std_and_limit_for_250_by_100():
    shape, fan_in, fan_out = (250, 100), 250, 100
    by_hand = {
        ("glorot_uniform", "limit"): math.sqrt(6 / (fan_in + fan_out)),
        ("glorot_normal", "std"): math.sqrt(2 / (fan_in + fan_out)),
        ("he_normal", "std"): math.sqrt(2 / fan_in),
        ("he_uniform", "limit"): math.sqrt(6 / fan_in),
        ("lecun_normal", "std"): math.sqrt(1 / fan_in),
        ("lecun_uniform", "limit"): math.sqrt(3 / fan_in),
    }
    published = {  # the test vectors, to 8 significant digits
        ("glorot_uniform", "limit"): 0.13093073,
        ("glorot_normal", "std"): 0.075592895,
        ("he_normal", "std"): 0.089442719,
        ("he_uniform", "limit"): 0.15491933,
        ("lecun_normal", "std"): 0.063245553,
        ("lecun_uniform", "limit"): 0.10954451,
    }
    for (name, what), value in by_hand.items():
        assert value == pytest.approx(published[(name, what)], rel=1e-7)
        got = getattr(ini.get(name), what)(shape)
        assert got == pytest.approx(value, rel=1e-12), name
        assert got == pytest.approx(published[(name, what)], rel=1e-7), name


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
def test_compute_fans_matches_keras_definition(shape, expected):
    assert keras_fans(shape) == expected  # the reference itself, on hand-worked cases
    assert ini.compute_fans(shape) == expected


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
    with pytest.raises(ValueError, match="'gelu'.*relu"):
        ini.calculate_gain("gelu")
    with pytest.raises(ValueError):
        ini.calculate_gain("leaky_relu", "0.1")
    with pytest.raises(ValueError):
        ini.calculate_gain("leaky_relu", math.nan)


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
# bad input
# --------------------------------------------------------------------------------------------
def test_misspelled_name_error_names_it_suggests_and_lists_all():
    with pytest.raises(ValueError) as exc:
        ini.get("glorot_unifrom")
    msg = str(exc.value)
    assert "glorot_unifrom" in msg
    assert "Did you mean 'glorot_uniform'" in msg
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


@pytest.mark.parametrize("scale", [0.0, -1.0, math.nan, math.inf])
def test_non_positive_or_nonfinite_scale_raises_value_error(scale):
    with pytest.raises(ValueError, match="scale") as exc:
        ini.get("variance_scaling", scale=scale)
    assert str(float(scale)) in str(exc.value)


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


@pytest.mark.parametrize("rng", [1.5, "0", True, np.random.RandomState(0), [1, 2]], ids=repr)
def test_rng_of_bad_type_raises_type_error(rng):
    with pytest.raises(TypeError, match="rng"):
        ini.get("he_normal")((3, 3), rng=rng)


def test_negative_seed_raises_value_error():
    with pytest.raises(ValueError, match="-1"):
        ini.get("he_normal")((3, 3), rng=-1)

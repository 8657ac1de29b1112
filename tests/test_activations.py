"""Tests for initviz.activations: values against textbook formulas, derivatives against
central finite differences, the saturation rule, and behaviour at +-1e308, +-inf and nan."""

import math

import numpy as np
import pytest
from scipy import integrate, stats

from initviz.activations import ACTIVATIONS, get_activation

NAMES = ["linear", "relu", "leaky_relu", "tanh", "sigmoid"]
GRID = np.linspace(-8.0, 8.0, 3201)
H = 1e-6  # central-difference step: truncation ~H^2 f''', rounding ~1e-16 / H


def reference(name, z):
    """Textbook definitions, written independently of initviz."""
    z = np.asarray(z, dtype=float)
    return {
        "linear": lambda: z,
        "relu": lambda: np.where(z > 0, z, 0.0),
        "leaky_relu": lambda: np.where(z > 0, z, 0.01 * z),
        "tanh": lambda: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)),
        "sigmoid": lambda: 1.0 / (1.0 + np.exp(-z)),
    }[name]()


def test_the_hidden_activation_names():
    assert sorted(ACTIVATIONS) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_values_match_textbook_formulas(name):
    np.testing.assert_allclose(get_activation(name).f(GRID), reference(name, GRID),
                               rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_derivative_matches_central_finite_difference(name):
    act = get_activation(name)
    z = GRID
    if name in ("relu", "leaky_relu"):  # the kink at 0 has no derivative
        z = z[np.abs(z) > 1e-3]
    fd = (act.f(z + H) - act.f(z - H)) / (2 * H)
    np.testing.assert_allclose(act.df(z), fd, rtol=1e-6, atol=1e-9)


def test_relu_derivative_at_zero_is_zero_like_pytorch_and_keras():
    assert get_activation("relu").df(np.array([0.0]))[0] == 0.0
    assert get_activation("leaky_relu").df(np.array([0.0]))[0] == 0.01


# torch.nn.init.calculate_gain's table (its docstring): tanh 5/3 and sigmoid 1 are conventions.
PYTORCH_GAIN = {"linear": 1.0, "relu": math.sqrt(2.0), "leaky_relu": math.sqrt(2 / (1 + 0.01**2)),
                "tanh": 5.0 / 3.0, "sigmoid": 1.0}


@pytest.mark.parametrize("name", NAMES)
def test_gain_equals_pytorch_table(name):
    assert get_activation(name).gain == pytest.approx(PYTORCH_GAIN[name], rel=1e-15)


@pytest.mark.parametrize("name", ["linear", "relu", "leaky_relu"])
def test_gain_keeps_the_second_moment_for_the_piecewise_linear_activations(name):
    # He et al. 2015, eqs. 10 and 15: gain**2 = 1 / E[f(z)**2] for z ~ N(0, 1), by quadrature.
    f = get_activation(name).f
    second_moment, _ = integrate.quad(lambda z: float(f(z)) ** 2 * stats.norm.pdf(z),
                                      -np.inf, np.inf)
    assert get_activation(name).gain ** 2 == pytest.approx(1 / second_moment, rel=1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_shape_is_preserved_for_scalars_and_nd_arrays(name):
    act = get_activation(name)
    x = np.linspace(-2, 2, 24).reshape(2, 3, 4)
    assert act.f(x).shape == x.shape and act.df(x).shape == x.shape
    assert np.shape(act.f(0.5)) == () and np.shape(act.df(0.5)) == ()


# --------------------------------------------------------------------------------------------
# saturation
# --------------------------------------------------------------------------------------------
TANH_EDGE = math.atanh(math.sqrt(0.98))  # 1 - tanh(z)^2 = 0.02


def test_tanh_saturated_iff_one_minus_tanh_squared_below_two_percent():
    z = np.concatenate([GRID, [TANH_EDGE + 1e-6, TANH_EDGE - 1e-6, -TANH_EDGE - 1e-6]])
    expected = 1.0 - np.tanh(z) ** 2 < 0.02
    np.testing.assert_array_equal(get_activation("tanh").saturated(z), expected)
    assert expected.any() and not expected.all()


def test_sigmoid_saturated_iff_derivative_below_two_percent_of_its_peak():
    s = reference("sigmoid", GRID)
    expected = s * (1 - s) < 0.02 * 0.25  # sigmoid'(0) = 1/4
    np.testing.assert_array_equal(get_activation("sigmoid").saturated(GRID), expected)
    assert expected.any() and not expected.all()


@pytest.mark.parametrize("name", ["linear", "relu", "leaky_relu"])
def test_non_saturating_activations_are_never_saturated(name):
    z = np.array([-np.inf, -1e308, -50.0, 0.0, 50.0, 1e308, np.inf, np.nan])
    assert not get_activation(name).saturated(z).any()


def test_saturated_at_infinity_and_not_at_nan(no_warnings):
    for name in ("tanh", "sigmoid"):
        mask = get_activation(name).saturated(np.array([-np.inf, np.inf, np.nan, 0.0]))
        np.testing.assert_array_equal(mask, [True, True, False, False])


# --------------------------------------------------------------------------------------------
# extremes: no warnings, exact limits
# --------------------------------------------------------------------------------------------
EXTREMES = np.array([-np.inf, -1e308, 1e308, np.inf])
EXPECTED_F = {
    "linear": EXTREMES,
    "relu": [0.0, 0.0, 1e308, np.inf],
    "leaky_relu": [-np.inf, -1e306, 1e308, np.inf],
    "tanh": [-1.0, -1.0, 1.0, 1.0],
    "sigmoid": [0.0, 0.0, 1.0, 1.0],
}
EXPECTED_DF = {
    "linear": [1.0, 1.0, 1.0, 1.0],
    "relu": [0.0, 0.0, 1.0, 1.0],
    "leaky_relu": [0.01, 0.01, 1.0, 1.0],
    "tanh": [0.0, 0.0, 0.0, 0.0],
    "sigmoid": [0.0, 0.0, 0.0, 0.0],
}


@pytest.mark.parametrize("name", NAMES)
def test_extreme_inputs_give_exact_limits_without_warnings(name, no_warnings):
    act = get_activation(name)
    np.testing.assert_array_equal(act.f(EXTREMES), EXPECTED_F[name])
    np.testing.assert_array_equal(act.df(EXTREMES), EXPECTED_DF[name])


@pytest.mark.parametrize("name", NAMES)
def test_nan_stays_nan_without_warnings(name, no_warnings):
    act = get_activation(name)
    out = act.f(np.array([np.nan, 1.0]))
    assert np.isnan(out[0]) and out[1] == pytest.approx(float(reference(name, 1.0)))
    d = act.df(np.array([np.nan]))[0]
    if name == "linear":
        assert d == 1.0  # the identity's derivative is 1 everywhere
    else:  # undefined at nan: an overflowed pass must not back-propagate exact zeros
        assert np.isnan(d)


def test_sigmoid_is_symmetric_and_accurate_far_in_the_tails():
    # sigmoid(-z) = 1 - sigmoid(z); at z = -30 the value is exp(-30) to 1e-13 relative.
    sig = get_activation("sigmoid").f
    z = np.linspace(-20, 20, 81)
    np.testing.assert_allclose(sig(-z), 1 - sig(z), atol=1e-15)
    assert sig(np.array(-30.0)) == pytest.approx(math.exp(-30) / (1 + math.exp(-30)), rel=1e-6)


# --------------------------------------------------------------------------------------------
# lookup
# --------------------------------------------------------------------------------------------
def test_get_activation_is_case_insensitive_and_passes_activations_through():
    relu = get_activation("relu")
    assert get_activation("ReLU") is relu
    assert get_activation(relu) is relu
    assert relu(np.array([-1.0, 2.0])).tolist() == [0.0, 2.0]


@pytest.mark.parametrize("bad,error", [("gelu", ValueError), ("softmax", ValueError),
                                       ("", ValueError), (None, TypeError), (3, TypeError)])
def test_bad_activation_raises_naming_it_and_listing_choices(bad, error):
    # an unknown name is a ValueError; not a name at all (None, 3) is a TypeError
    with pytest.raises(error) as exc:
        get_activation(bad)
    msg = str(exc.value)
    assert repr(bad) in msg
    for name in NAMES:
        assert name in msg

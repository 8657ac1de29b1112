"""Tests for initviz.datasets: shapes, standardization, seeding, and clear errors."""

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from initviz import datasets

TOY_SETS = {
    "moons": datasets.make_moons,
    "circles": datasets.make_circles,
    "spiral": datasets.make_spiral,
}


def assert_standardized(X):
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(X.std(axis=0), 1.0, atol=1e-12)


# ----------------------------------------------------------------------------- toy sets


@pytest.mark.parametrize("name", TOY_SETS)
@pytest.mark.parametrize("n_samples", [7, 200])
def test_toy_shapes_dtypes_and_standardization(name, n_samples):
    X, y = TOY_SETS[name](n_samples=n_samples, rng=0)
    assert X.shape == (n_samples, 2) and X.dtype == np.float64
    assert y.shape == (n_samples,) and y.dtype == np.int64
    assert_standardized(X)


@pytest.mark.parametrize("name", ["moons", "circles"])
def test_binary_sets_have_both_labels(name):
    _, y = TOY_SETS[name](rng=1)
    assert set(np.unique(y)) == {0, 1}


def test_moons_match_sklearn_with_the_drawn_random_state():
    from sklearn.datasets import make_moons

    seed = int(np.random.default_rng(5).integers(2**31 - 1))
    raw, y_ref = make_moons(n_samples=50, noise=0.3, random_state=seed)
    X, y = datasets.make_moons(n_samples=50, noise=0.3, rng=5)
    np.testing.assert_allclose(X, (raw - raw.mean(0)) / raw.std(0), atol=1e-12)
    np.testing.assert_array_equal(y, y_ref)


@pytest.mark.parametrize("maker", ["make_moons", "make_circles"])
@pytest.mark.parametrize("n_samples, noise, seed", [(1, 0.0, 0), (2, 0.1, 1), (7, 0.3, 2),
                                                     (200, 0.2, 0), (301, 1.5, 9)])
def test_moons_and_circles_equal_sklearn(maker, n_samples, noise, seed):
    # Our numpy port of scikit-learn's generators (no sklearn in the browser) must give its
    # arrays exactly, fed the random_state our rng draws.
    import sklearn.datasets

    random_state = int(np.random.default_rng(seed).integers(2**31 - 1))
    kwargs = {"factor": 0.3} if maker == "make_circles" else {}  # sklearn's default is 0.8
    raw, y_ref = getattr(sklearn.datasets, maker)(n_samples=n_samples, noise=noise,
                                                  random_state=random_state, **kwargs)
    X, y = getattr(datasets, maker)(n_samples=n_samples, noise=noise, rng=seed, **kwargs)
    np.testing.assert_array_equal(y, y_ref)
    np.testing.assert_array_equal(X, datasets.standardize(raw))  # bit for bit


def test_circles_inner_circle_is_smaller_by_factor():
    # Without noise every point lies on a circle of radius 1 (label 0) or `factor` (label 1),
    # both centered at the origin, which standardization keeps (the mean is 0).
    X, y = datasets.make_circles(n_samples=200, noise=0.0, factor=0.3, rng=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 1] / radius[y == 0].mean(), 0.3, rtol=1e-12)


@pytest.mark.parametrize("n_samples, n_classes", [(300, 3), (301, 3), (10, 4), (5, 5)])
def test_spiral_splits_samples_evenly(n_samples, n_classes):
    _, y = datasets.make_spiral(n_samples=n_samples, n_classes=n_classes, rng=0)
    counts = np.bincount(y, minlength=n_classes)
    assert counts.sum() == n_samples and len(counts) == n_classes
    assert counts.max() - counts.min() <= 1
    assert set(np.unique(y)) == set(range(n_classes))


def test_spiral_without_noise_depends_on_seed_only_through_row_order():
    X1, y1 = datasets.make_spiral(n_samples=90, noise=0.0, rng=1)
    X2, y2 = datasets.make_spiral(n_samples=90, noise=0.0, rng=2)
    rows1 = np.column_stack([X1, y1])
    rows2 = np.column_stack([X2, y2])
    assert not np.array_equal(rows1, rows2)  # shuffled differently
    # Same rows up to the rounding of the mean, which is summed in a different order.
    np.testing.assert_allclose(rows1[np.lexsort(rows1.T)], rows2[np.lexsort(rows2.T)],
                               atol=1e-12)


@pytest.mark.parametrize("name", TOY_SETS)
def test_same_seed_same_data_and_different_seed_different_data(name):
    make = TOY_SETS[name]
    X1, y1 = make(rng=42)
    X2, y2 = make(rng=42)
    X3, _ = make(rng=43)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", TOY_SETS)
def test_generator_is_accepted_and_advanced(name):
    gen = np.random.default_rng(0)
    X1, _ = TOY_SETS[name](rng=gen)
    X2, _ = TOY_SETS[name](rng=gen)
    assert not np.array_equal(X1, X2)
    X3, _ = TOY_SETS[name](rng=np.random.default_rng(0))
    np.testing.assert_array_equal(X1, X3)


# ----------------------------------------------------------------------------- digits


def test_digits_shape_classes_and_standardization():
    from sklearn.datasets import load_digits

    raw = load_digits().data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        X, y = datasets.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    np.testing.assert_array_equal(np.unique(y), np.arange(10))
    assert np.isfinite(X).all()
    constant = raw.std(axis=0) == 0
    assert constant.any()  # the corner pixels are blank in every image
    np.testing.assert_array_equal(X[:, constant], 0.0)
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(X[:, ~constant].std(axis=0), 1.0, atol=1e-12)


def test_digits_raw_gray_levels():
    from sklearn.datasets import load_digits

    X, y = datasets.load_digits(standardize=False)
    np.testing.assert_array_equal(X, load_digits().data)
    np.testing.assert_array_equal(y, load_digits().target)
    assert X.min() == 0 and X.max() == 16


def test_shipped_digits_equal_sklearn_load_digits():
    # initviz/data/digits.npz is a copy of scikit-learn's digits (initviz/data/README.md)
    from sklearn.datasets import load_digits

    ref = load_digits()
    with np.load(Path(datasets.__file__).parent / "data" / "digits.npz") as data:
        np.testing.assert_array_equal(data["images"], ref.images)
        np.testing.assert_array_equal(data["target"], ref.target)
        assert data["images"].dtype == np.uint8 and data["target"].dtype == np.uint8


def test_every_loader_works_without_sklearn(monkeypatch):
    # As in the browser (Pyodide), where scikit-learn is not installed: None in sys.modules
    # makes `import sklearn` raise ImportError.
    for name in [m for m in sys.modules if m == "sklearn" or m.startswith("sklearn.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(ImportError):
        import sklearn  # noqa: F401
    for name in datasets.NAMES:
        X, y = datasets.load(name, seed=3)
        assert np.isfinite(X).all() and len(X) == len(y) >= 200
    assert datasets.load_digits(standardize=False)[0].max() == 16


# ----------------------------------------------------------------------------- standardize


def test_standardize_constant_columns_become_zero_without_warning():
    X = np.column_stack([np.arange(5.0), np.full(5, 0.1), np.zeros(5)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Z = datasets.standardize(X)
    np.testing.assert_array_equal(Z[:, 1:], 0.0)
    np.testing.assert_allclose(Z[:, 0], (X[:, 0] - 2.0) / np.sqrt(2.0), atol=1e-12)


def test_standardize_returns_a_new_float_array():
    X = np.array([[1, 2], [3, 5], [4, 4]])
    Z = datasets.standardize(X)
    assert Z.dtype == np.float64 and Z is not X
    np.testing.assert_array_equal(X, [[1, 2], [3, 5], [4, 4]])


@settings(max_examples=50, deadline=None)
@given(arrays(np.int64, st.tuples(st.integers(1, 20), st.integers(1, 5)),
              elements=st.integers(-1000, 1000)))
def test_standardize_property(X):
    Z = datasets.standardize(X)
    constant = X.max(axis=0) == X.min(axis=0)
    np.testing.assert_array_equal(Z[:, constant], 0.0)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z[:, ~constant].std(axis=0), 1.0, atol=1e-12)


# ----------------------------------------------------------------------------- split


def test_train_test_split_partitions_rows_and_keeps_pairs():
    n = 200
    X = np.column_stack([np.arange(n), np.arange(n) ** 2]).astype(float)
    y = np.arange(n) * 10
    X_tr, X_te, y_tr, y_te = datasets.train_test_split(X, y, test_fraction=0.25, rng=0)
    assert X_te.shape == (50, 2) and X_tr.shape == (150, 2)
    assert y_te.shape == (50,) and y_tr.shape == (150,)
    ids = np.concatenate([X_tr[:, 0], X_te[:, 0]])
    np.testing.assert_array_equal(np.sort(ids), np.arange(n))
    np.testing.assert_array_equal(y_tr, X_tr[:, 0] * 10)
    np.testing.assert_array_equal(y_te, X_te[:, 0] * 10)
    assert not np.array_equal(X_tr[:, 0], np.arange(150))  # shuffled


def test_train_test_split_is_seeded():
    X, y = datasets.make_moons(rng=0)
    a = datasets.train_test_split(X, y, rng=3)
    b = datasets.train_test_split(X, y, rng=3)
    c = datasets.train_test_split(X, y, rng=4)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[1], c[1])


@pytest.mark.parametrize("fraction, n_test", [(0.01, 1), (0.99, 3)])
def test_train_test_split_keeps_both_parts_non_empty(fraction, n_test):
    X = np.arange(8.0).reshape(4, 2)
    _, X_te, _, _ = datasets.train_test_split(X, np.arange(4), test_fraction=fraction, rng=0)
    assert len(X_te) == n_test


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: datasets.make_moons(n_samples=0), ValueError, "n_samples.*0"),
        (lambda: datasets.make_moons(n_samples=2.5), TypeError, "n_samples.*2.5"),
        (lambda: datasets.make_moons(n_samples=True), TypeError, "n_samples.*True"),
        (lambda: datasets.make_moons(noise=-0.1), ValueError, r"noise.*-0\.1"),
        (lambda: datasets.make_moons(noise=float("nan")), ValueError, "noise.*nan"),
        (lambda: datasets.make_circles(noise=float("inf")), ValueError, "noise.*inf"),
        (lambda: datasets.make_circles(noise="a"), TypeError, "noise.*'a'"),
        (lambda: datasets.make_circles(factor=0), ValueError, r"factor.*\(0\.0, 1\.0\).*0"),
        (lambda: datasets.make_circles(factor=1.0), ValueError, "factor.*1.0"),
        (lambda: datasets.make_spiral(n_classes=1), ValueError, "n_classes.*1"),
        (lambda: datasets.make_spiral(n_samples=2, n_classes=3), ValueError,
         "n_samples.*>= 3.*2"),
        (lambda: datasets.make_spiral(rng=True), TypeError, "rng.*True"),
        (lambda: datasets.make_moons(rng="seed"), TypeError, "rng.*'seed'"),
        (lambda: datasets.make_moons(rng=1.5), TypeError, "rng.*1.5"),
        (lambda: datasets.make_moons(rng=-1), ValueError, "rng.*-1"),
        (lambda: datasets.load_digits(standardize="yes"), TypeError, "standardize.*'yes'"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize(
    "X, error, match",
    [
        (np.array([[1.0, np.nan], [np.inf, 0.0], [2.0, 3.0]]), ValueError, "2 non-finite"),
        (np.arange(4.0), ValueError, r"shape \(4,\)"),
        (np.zeros((0, 3)), ValueError, r"shape \(0, 3\)"),
        (np.array([["a", "b"]]), TypeError, "dtype <U1"),
        ([[1.0, 2.0], [3.0]], ValueError, "X is not a rectangular array"),
    ],
)
def test_standardize_rejects_bad_X(X, error, match):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(error, match=match):
            datasets.standardize(X)


@pytest.mark.parametrize(
    "X, y, kwargs, match",
    [
        (np.zeros((5, 2)), np.zeros(4), {}, r"one entry per row of X \(5\).*\(4,\)"),
        (np.zeros((5, 2)), np.zeros(5), {"test_fraction": 0.0}, "test_fraction.*0.0"),
        (np.zeros((5, 2)), np.zeros(5), {"test_fraction": 1.0}, "test_fraction.*1.0"),
        (np.zeros((5, 2)), np.zeros(5), {"test_fraction": float("nan")}, "test_fraction.*nan"),
        (np.zeros((1, 2)), np.zeros(1), {}, "at least 2 rows.*1"),
        (np.full((3, 2), np.inf), np.zeros(3), {}, "6 non-finite"),
    ],
)
def test_train_test_split_rejects_bad_input(X, y, kwargs, match):
    with pytest.raises(ValueError, match=match):
        datasets.train_test_split(X, y, **kwargs)


# ----------------------------------------------------------------------------- imports


def test_importing_datasets_does_not_import_sklearn():
    code = "import sys, initviz.datasets; print('sklearn' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1], check=True)
    assert result.stdout.strip() == "False"


def test_datasets_module_imports_neither_sklearn_nor_matplotlib():
    code = (
        "import sys, initviz.datasets\n"
        "print(sorted({'sklearn', 'matplotlib'} & set(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"

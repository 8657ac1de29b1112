"""Small data sets for the notebooks: three toy 2-D problems and scikit-learn's digits.

Every loader returns ``(X, y)`` with ``X`` float64 of shape (n_samples, n_features),
standardized per feature (mean 0, std 1), and ``y`` int64 class labels 0..k-1.

Randomness comes only from the ``rng`` argument: None (fresh entropy), an int seed, or a
``numpy.random.Generator``. The same seed always gives the same arrays.

No loader needs scikit-learn, so the package runs in the browser (Pyodide), where
scikit-learn and SciPy would cost about 20 MB of downloads, and imports fast (``import
sklearn.datasets`` costs about 0.9 s): the digits ship with the package
(``initviz/data/digits.npz``, source and licence in ``initviz/data/README.md``), and moons and
circles are scikit-learn's algorithms written out in numpy, drawing from the same
``numpy.random.RandomState`` stream, so they return scikit-learn's arrays exactly
(``tests/test_datasets.py`` compares them).
"""

from importlib import resources

import numpy as np

from ._checks import as_generator, check_array, check_bool, check_choice, check_int, check_real

__all__ = [
    "make_moons",
    "make_circles",
    "make_spiral",
    "load_digits",
    "standardize",
    "train_test_split",
    "NAMES",
    "load",
]

#: The data sets :func:`load` knows by name (the training explorer's choices).
NAMES = ("moons", "circles", "spiral", "digits")


# ----------------------------------------------------------------------------- checks


def _sklearn_seed(gen):
    """Draw a random_state for scikit-learn from our generator, so seeds carry over."""
    return int(gen.integers(2**31 - 1))


def _shuffle_and_add_noise(X, y, noise, seed):
    """scikit-learn's ending of make_moons and make_circles (sklearn/datasets/
    _samples_generator.py, 1.2-1.9): shuffle the rows with ``RandomState(seed).shuffle`` of
    ``arange(n)`` (``sklearn.utils.shuffle``), then add ``normal(scale=noise)`` noise drawn
    from the same stream."""
    state = np.random.RandomState(seed)
    order = np.arange(len(X))
    state.shuffle(order)
    X, y = X[order], y[order]
    return X + state.normal(scale=noise, size=X.shape), y


def _check_X(X):
    """Return X as a finite float64 matrix of shape (n_samples, n_features), n >= 1."""
    arr = check_array("X", X)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(
            f"X must be a non-empty 2-D array (n_samples, n_features), got shape {arr.shape}"
        )
    n_bad = arr.size - np.count_nonzero(np.isfinite(arr))
    if n_bad:
        raise ValueError(f"X contains {n_bad} non-finite values (inf or nan) of {arr.size}")
    return arr


def _standardize(X):
    """Center and scale each column of a finite float64 matrix; constant columns become 0."""
    centered = X - X.mean(axis=0)
    std = centered.std(axis=0)
    # A constant column is detected exactly (max == min): its mean can carry a rounding
    # error, so testing std == 0 after centering would not be reliable.
    constant = X.max(axis=0) == X.min(axis=0)
    out = np.zeros_like(centered)
    np.divide(centered, std, out=out, where=~constant)
    return out


# ----------------------------------------------------------------------------- data sets


def make_moons(n_samples=200, noise=0.2, rng=None):
    """Two interleaving half circles (scikit-learn's make_moons), standardized.

    Args:
        n_samples: total number of points, an int >= 1 (split evenly between the moons).
        noise: std of the Gaussian noise added to each coordinate before standardizing,
            in units of the moon radius (1); finite and >= 0.
        rng: None, an int seed or a numpy.random.Generator.
    Returns:
        X: float64 array (n_samples, 2), mean 0 and std 1 per feature.
        y: int64 array (n_samples,), labels in {0, 1}.
    Raises:
        TypeError: if n_samples is not an int, noise not a number, or rng of a wrong type.
        ValueError: if n_samples < 1 or noise is negative or not finite.
    """
    n_samples = check_int("n_samples", n_samples, 1)
    noise = check_real("noise", noise, 0.0)
    seed = _sklearn_seed(as_generator(rng))
    n_out = n_samples // 2  # the upper moon; the lower one gets the extra point
    n_in = n_samples - n_out
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    X = np.column_stack([np.append(np.cos(t_out), 1 - np.cos(t_in)),
                         np.append(np.sin(t_out), 1 - np.sin(t_in) - 0.5)])
    y = np.append(np.zeros(n_out, np.int64), np.ones(n_in, np.int64))
    X, y = _shuffle_and_add_noise(X, y, noise, seed)
    return _standardize(X), y


def make_circles(n_samples=200, noise=0.1, factor=0.5, rng=None):
    """A small circle inside a large one (scikit-learn's make_circles), standardized.

    Args:
        n_samples: total number of points, an int >= 1 (split evenly between the circles).
        noise: std of the Gaussian noise added to each coordinate before standardizing,
            in units of the outer radius (1); finite and >= 0.
        factor: inner radius / outer radius, strictly between 0 and 1.
        rng: None, an int seed or a numpy.random.Generator.
    Returns:
        X: float64 array (n_samples, 2), mean 0 and std 1 per feature.
        y: int64 array (n_samples,), 0 for the outer circle, 1 for the inner one.
    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if n_samples < 1, noise is negative or not finite, or factor is not
            in (0, 1).
    """
    n_samples = check_int("n_samples", n_samples, 1)
    noise = check_real("noise", noise, 0.0)
    factor = check_real("factor", factor, 0.0, 1.0, low_open=True, high_open=True)
    seed = _sklearn_seed(as_generator(rng))
    n_out = n_samples // 2  # the outer circle; the inner one gets the extra point
    n_in = n_samples - n_out
    # endpoint=False: the first point of a circle is not repeated as its last
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.column_stack([np.append(np.cos(t_out), np.cos(t_in) * factor),
                         np.append(np.sin(t_out), np.sin(t_in) * factor)])
    y = np.append(np.zeros(n_out, np.int64), np.ones(n_in, np.int64))
    X, y = _shuffle_and_add_noise(X, y, noise, seed)
    return _standardize(X), y


def make_spiral(n_samples=300, n_classes=3, noise=0.2, rng=None):
    """Interleaved spiral arms, one per class (the CS231n example), standardized.

    Arm j has radii evenly spaced from 0 to 1 and angles evenly spaced over
    [4j, 4(j + 1)] radians plus Gaussian noise. The first ``n_samples % n_classes``
    arms get one extra point. Rows are shuffled, so the classes are not in blocks.

    Args:
        n_samples: total number of points, an int >= n_classes.
        n_classes: number of arms (classes), an int >= 2.
        noise: std of the noise added to each angle, in radians; finite and >= 0.
        rng: None, an int seed or a numpy.random.Generator.
    Returns:
        X: float64 array (n_samples, 2), mean 0 and std 1 per feature.
        y: int64 array (n_samples,), labels 0..n_classes-1.
    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if n_classes < 2, n_samples < n_classes, or noise is negative or not
            finite.
    References:
        CS231n, "Putting it together: minimal neural network case study".
    """
    n_classes = check_int("n_classes", n_classes, 2)
    n_samples = check_int("n_samples", n_samples, n_classes)
    noise = check_real("noise", noise, 0.0)
    gen = as_generator(rng)

    X_parts, y_parts = [], []
    for j in range(n_classes):
        n = n_samples // n_classes + (j < n_samples % n_classes)
        radius = np.linspace(0.0, 1.0, n)
        angle = np.linspace(4.0 * j, 4.0 * (j + 1), n) + noise * gen.standard_normal(n)
        X_parts.append(np.column_stack([radius * np.sin(angle), radius * np.cos(angle)]))
        y_parts.append(np.full(n, j, dtype=np.int64))
    order = gen.permutation(n_samples)
    X = np.concatenate(X_parts)[order]
    y = np.concatenate(y_parts)[order]
    return _standardize(X), y


def load_digits(standardize=True):
    """scikit-learn's bundled 8x8 handwritten digits (1797 images), from the copy shipped in
    ``initviz/data/digits.npz`` (the UCI optdigits test set; source and licence in
    ``initviz/data/README.md``): no download, no scikit-learn.

    Args:
        standardize: if True, scale each pixel column to mean 0 and std 1; the pixels that
            are 0 in every image (constant columns) become 0. If False, return the raw
            gray levels 0..16.
    Returns:
        X: float64 array (1797, 64), one flattened 8x8 image per row.
        y: int64 array (1797,), the digit 0..9.
    Raises:
        TypeError: if standardize is not a bool.

    >>> X, y = load_digits(standardize=False)
    >>> X.shape, int(X.max()), np.bincount(y)[:3].tolist()
    ((1797, 64), 16, [178, 182, 177])
    """
    standardize = check_bool("standardize", standardize)
    with resources.files(__package__).joinpath("data", "digits.npz").open("rb") as file:
        with np.load(file) as data:
            X = data["images"].reshape(-1, 64).astype(np.float64)
            y = data["target"].astype(np.int64)
    if standardize:
        X = _standardize(X)
    return X, y


# ----------------------------------------------------------------------------- helpers


def standardize(X):
    """Return a copy of X with each column centered to mean 0 and scaled to std 1.

    Columns whose values are all equal (std 0) become all 0 instead of nan.

    Args:
        X: array-like (n_samples, n_features) of finite real numbers, n_samples >= 1.
    Returns:
        float64 array of the same shape (a new array; X is not modified).
    Raises:
        TypeError: if X does not hold real numbers.
        ValueError: if X is not a non-empty 2-D array, or contains inf or nan (the message
            says how many).
    """
    return _standardize(_check_X(X))


def train_test_split(X, y, test_fraction=0.25, rng=None):
    """Shuffle the rows of (X, y) and split them into a training and a test part.

    The test part has ``round(test_fraction * n_samples)`` rows, but at least 1, and the
    training part at least 1.

    Args:
        X: array-like (n_samples, n_features) of finite real numbers, n_samples >= 2.
        y: array-like whose first dimension is n_samples (labels or targets).
        test_fraction: fraction of rows that go to the test part, strictly in (0, 1).
        rng: None, an int seed or a numpy.random.Generator.
    Returns:
        X_train: float64 array (n_train, n_features).
        X_test: float64 array (n_test, n_features).
        y_train: array (n_train, ...), the dtype of y.
        y_test: array (n_test, ...), the dtype of y.
    Raises:
        TypeError: if X does not hold real numbers or an argument has the wrong type.
        ValueError: if X is not 2-D, has fewer than 2 rows or non-finite values, if len(y)
            differs from len(X), or if test_fraction is not in (0, 1).
    """
    X = _check_X(X)
    y = np.asarray(y)
    if y.ndim == 0 or y.shape[0] != X.shape[0]:
        raise ValueError(
            f"y must have one entry per row of X ({X.shape[0]}), got shape {y.shape}"
        )
    test_fraction = check_real("test_fraction", test_fraction, 0.0, 1.0, low_open=True, high_open=True)
    n = X.shape[0]
    if n < 2:
        raise ValueError(f"X needs at least 2 rows to split, got {n}")
    n_test = min(max(round(test_fraction * n), 1), n - 1)
    order = as_generator(rng).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def load(name, seed=0):
    """One of the lessons' data sets by name, with the lessons' settings.

    Args:
        name: one of :data:`NAMES`: ``"moons"`` (200 samples, noise 0.2), ``"circles"`` (200,
            noise 0.1, factor 0.5), ``"spiral"`` (300, 3 classes, noise 0.2) or ``"digits"``.
        seed: the rng of the generated sets (digits are fixed).
    Returns:
        ``(X, y)``, standardized, as the loaders above return them.
    Raises:
        TypeError: name not a str. ValueError: an unknown name (the message lists them).

    >>> X, y = load("spiral")
    >>> X.shape, int(y.max()) + 1
    ((300, 2), 3)
    """
    name = check_choice("name", name, NAMES)
    if name == "moons":
        return make_moons(200, noise=0.2, rng=seed)
    if name == "circles":
        return make_circles(200, noise=0.1, factor=0.5, rng=seed)
    if name == "spiral":
        return make_spiral(300, n_classes=3, noise=0.2, rng=seed)
    return load_digits()

"""Checks of the array, label and title arguments of the figure functions.

Scalar arguments (bins, resolution...) are checked by :mod:`initviz._checks`; these are the
checks it has no form for. Like it: TypeError for a wrong type, ValueError for a bad value,
and a message that names the argument and what it got.
"""

from .._checks import check_array as as_real_array


def as_series(name, values):
    """Return a non-empty 1-D float64 array (one value per layer or epoch)."""
    arr = as_real_array(name, values)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence, got shape {arr.shape}")
    return arr


def as_named_series(name, data):
    """Return {label: 1-D array}; a bare sequence becomes {None: array}."""
    if isinstance(data, dict):
        if not data:
            raise ValueError(f"{name} is an empty dict; give at least one series")
        return {key: as_series(f"{name}[{key!r}]", v) for key, v in data.items()}
    return {None: as_series(name, data)}


def check_labels(name, labels, n, what):
    """Check that labels is a sequence of n items (one per `what`)."""
    if isinstance(labels, str) or not hasattr(labels, "__len__") or len(labels) != n:
        raise ValueError(f"{name} must be a list of {n} labels (one per {what}), "
                         f"got {labels!r}")


def check_title(title):
    """Check that a figure title is a str or None."""
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None, got {title!r}")

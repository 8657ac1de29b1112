"""Shared fixtures for the initviz test suite."""

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # gradcheck, shared by the tests


@pytest.fixture
def no_warnings():
    """Fail the test on ANY warning and on any unguarded floating-point error.

    pytest's config already turns RuntimeWarning into an error; this is stricter: every
    warning category is an error, and numpy's floating-point errors raise
    FloatingPointError unless the code under test wraps them in its own ``np.errstate``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            yield


@pytest.fixture(scope="session", autouse=True)
def single_blas_thread():
    """Run the suite with one BLAS thread.

    The test arrays are small; on this 2-core machine shared with other processes, OpenBLAS
    threads contend (measured on a 2-core machine: 2-2.5x slower; a 250 x 100 QR took 30-180 ms with 2 threads
    vs ~1 ms with 1). Results do not depend on the thread count beyond rounding.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield

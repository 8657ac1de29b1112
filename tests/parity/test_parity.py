"""Parity with the real libraries: initviz's initializers against PyTorch's ``nn.init`` and
Keras 3's ``keras.initializers``, sampled side by side.

Optional: ``make parity`` installs torch (the CPU wheel, 2.13.0) and keras and runs this file.
Where a library is missing its tests are skipped, saying so. PyTorch stores a dense weight as
(fan_out, fan_in) and a conv weight as (out, in, *kernel); initviz and Keras as (fan_in,
fan_out) and (*kernel, in, out), so PyTorch samples are transposed before comparing.

Each comparison checks the variance formula (exactly, from each library's own numbers), the
bounds, and a two-sample Kolmogorov-Smirnov test on 40,000+ draws from each side with fixed
seeds (deterministic; p > 1e-3 rejects only a real difference in distribution).
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

from initviz import initializers as I

scipy_stats = pytest.importorskip("scipy.stats")

# Keras' torch backend converts tensors the numpy-1 way; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SHAPE = (400, 200)  # (fan_in, fan_out): 80,000 draws
CONV = (3, 3, 16, 32)  # (kh, kw, in, out)
P_MIN = 1e-3


def _ks(a, b):
    return scipy_stats.ks_2samp(np.ravel(a), np.ravel(b)).pvalue


# ------------------------------------------------------------------------------- PyTorch
def _torch():
    try:
        import torch as t
    except ImportError:
        pytest.skip("PyTorch not installed: `make parity` installs torch==2.13.0 (CPU wheel)")
    t.manual_seed(1234)
    return t


def _torch_dense(fn, **kwargs):
    t = _torch()
    w = t.empty(SHAPE[1], SHAPE[0], dtype=t.float64)  # (fan_out, fan_in)
    fn(t)(w, **kwargs)
    return w.numpy().T  # -> (fan_in, fan_out)


TORCH_CASES = {
    # name: (torch init function, kwargs, initviz initializer)
    "xavier_uniform_": (lambda t: t.nn.init.xavier_uniform_, {}, I.get("glorot_uniform")),
    "xavier_normal_": (lambda t: t.nn.init.xavier_normal_, {},
                       I.get("variance_scaling", scale=1.0, mode="fan_avg",
                             distribution="untruncated_normal")),
    "kaiming_uniform_ relu": (lambda t: t.nn.init.kaiming_uniform_, {"nonlinearity": "relu"},
                              I.get("he_uniform")),
    "kaiming_normal_ relu": (lambda t: t.nn.init.kaiming_normal_, {"nonlinearity": "relu"},
                             I.get("variance_scaling", scale=2.0, mode="fan_in",
                                   distribution="untruncated_normal")),
    "kaiming_normal_ fan_out": (lambda t: t.nn.init.kaiming_normal_,
                                {"nonlinearity": "relu", "mode": "fan_out"},
                                I.get("variance_scaling", scale=2.0, mode="fan_out",
                                      distribution="untruncated_normal")),
    # nn.Linear's default: kaiming_uniform_(a=sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
    # Glorot & Bengio's "standard" initialization, variance 1 / (3 fan_in).
    "nn.Linear default": (lambda t: t.nn.init.kaiming_uniform_, {"a": math.sqrt(5)},
                          I.get("variance_scaling", scale=1.0 / 3.0, mode="fan_in",
                                distribution="uniform")),
    "orthogonal_": (lambda t: t.nn.init.orthogonal_, {}, I.get("orthogonal")),
}


@pytest.mark.parametrize("case", list(TORCH_CASES))
def test_torch_init_matches_initviz_distribution(case):
    fn, kwargs, ours_init = TORCH_CASES[case]
    theirs = _torch_dense(fn, **kwargs)
    ours = ours_init(SHAPE, rng=99)
    assert theirs.shape == ours.shape == SHAPE
    # variance: both samples against the formula (sampling error of the variance ~ 1 % here)
    target = ours_init.variance(SHAPE)
    assert np.var(theirs) == pytest.approx(target, rel=0.03)
    assert np.var(ours) == pytest.approx(target, rel=0.03)
    if getattr(ours_init, "distribution", None) == "uniform":
        limit = ours_init.limit(SHAPE)
        assert np.abs(theirs).max() <= limit and np.abs(ours).max() <= limit
        assert np.abs(theirs).max() > 0.99 * limit
    assert _ks(theirs, ours) > P_MIN


def test_torch_nn_linear_default_bound_is_one_over_sqrt_fan_in():
    t = _torch()
    layer = t.nn.Linear(SHAPE[0], SHAPE[1]).double()
    w = layer.weight.detach().numpy()
    assert np.abs(w).max() <= 1 / math.sqrt(SHAPE[0])
    assert I.get("variance_scaling", scale=1 / 3, mode="fan_in",
                 distribution="uniform").limit(SHAPE) == pytest.approx(1 / math.sqrt(SHAPE[0]))


@pytest.mark.parametrize("name,param", [("linear", None), ("conv2d", None), ("sigmoid", None),
                                        ("tanh", None), ("relu", None), ("leaky_relu", None),
                                        ("leaky_relu", 0.2), ("leaky_relu", math.sqrt(5)),
                                        ("selu", None)])
def test_calculate_gain_equals_torch(name, param):
    t = _torch()
    assert I.calculate_gain(name, param) == pytest.approx(t.nn.init.calculate_gain(name, param),
                                                          rel=1e-12)


@pytest.mark.parametrize("shape", [(250, 100), (7, 3), (3, 3, 16, 32), (5, 4, 8), (2, 3, 3, 4, 6)])
def test_fans_equal_torch_on_transposed_layout(shape):
    t = _torch()
    # Keras/initviz (*kernel, in, out) -> PyTorch (out, in, *kernel)
    torch_shape = (shape[-1], shape[-2]) + tuple(shape[:-2])
    fan_in, fan_out = t.nn.init._calculate_fan_in_and_fan_out(t.empty(torch_shape))
    assert I.compute_fans(shape) == (fan_in, fan_out)


def test_torch_conv_kaiming_uniform_matches_he_uniform():
    t = _torch()
    w = t.empty(CONV[3], CONV[2], CONV[0], CONV[1], dtype=t.float64)
    t.nn.init.kaiming_uniform_(w, nonlinearity="relu")
    theirs = w.numpy().transpose(2, 3, 1, 0)  # -> (kh, kw, in, out)
    ours = I.get("he_uniform")(CONV, rng=3)
    assert I.get("he_uniform").limit(CONV) == pytest.approx(math.sqrt(6 / (3 * 3 * 16)))
    assert np.abs(theirs).max() <= I.get("he_uniform").limit(CONV)
    assert _ks(theirs, ours) > P_MIN


# ------------------------------------------------------------------------------- Keras 3
def _keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    try:
        import keras
    except ImportError:
        pytest.skip("Keras not installed: `make parity` installs keras (run on the torch backend)")
    except Exception as err:  # a backend that cannot load
        pytest.skip(f"Keras could not load its backend: {err}")
    return keras


KERAS_SHARED = ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
                "lecun_normal", "random_normal", "random_uniform", "orthogonal"]


@pytest.mark.parametrize("name", KERAS_SHARED)
@pytest.mark.parametrize("shape", [SHAPE, CONV])
def test_keras_initializer_matches_initviz(name, shape):
    keras = _keras()
    keras_init = type(keras.initializers.get(name))(seed=7)  # the same class, seeded
    theirs = np.asarray(keras.ops.convert_to_numpy(keras_init(shape, dtype="float64")))
    ours_init = I.get(name)
    ours = ours_init(shape, rng=5)
    assert theirs.shape == ours.shape == shape
    target = ours_init.variance(shape)
    # sampling error of a variance from >= 4,608 draws: < 5 %; 15 % is > 3 sigma for the conv case
    assert np.var(theirs) == pytest.approx(target, rel=0.15 if shape == CONV else 0.03)
    if name.endswith("_normal") and name != "random_normal":
        bound = ours_init.limit(shape)
        assert np.abs(theirs).max() <= bound * (1 + 1e-9)
        assert np.abs(ours).max() <= bound * (1 + 1e-9)
    if name.endswith("_uniform") and name != "random_uniform":
        assert np.abs(theirs).max() <= ours_init.limit(shape) * (1 + 1e-9)
    assert _ks(theirs, ours) > P_MIN


@pytest.mark.parametrize("shape", [(250, 100), (9,), (3, 3, 16, 32), (5, 4, 8)])
def test_compute_fans_equals_keras(shape):
    _keras()
    from keras.src.initializers.random_initializers import compute_fans

    assert I.compute_fans(shape) == tuple(int(f) for f in compute_fans(shape))

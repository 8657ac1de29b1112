"""The signal explorer's settings: which initializer a choice and a slider value stand for.

The explorer (:mod:`initviz.widgets`) and :func:`initviz.propagation.propagate` offer every
initializer of :mod:`initviz.initializers` plus "custom scale" (the lecture's
``rng.standard_normal(shape) * scale``), and one log slider whose meaning depends on the
choice: a std, a gain (1 = as published) or a constant (:func:`scale_meaning`).
:func:`resolve_initializer` turns a choice and a slider value into an initializer object;
:func:`check_settings` validates a whole setting without computing anything.
"""

from __future__ import annotations

import math

from . import initializers
from ._checks import check_bool, check_choice, check_int, check_real
from .activations import get_activation
from .propagation_blocks import NORM_CHOICES

__all__ = ["CUSTOM", "INIT_CHOICES", "ACTIVATION_CHOICES", "DTYPES", "AUTO_FLOAT32_RANGE",
           "NORM_CHOICES", "BRANCH_SCALE_MAX", "scale_meaning", "resolve_initializer",
           "check_settings", "stack_label"]

#: The explorer's "custom scale" choice: the lecture's ``rng.standard_normal(shape) * scale``.
CUSTOM = "custom scale"
#: Every initializer name of :mod:`initviz.initializers`, then ``"custom scale"``.
INIT_CHOICES = tuple(initializers.names()) + (CUSTOM,)
ACTIVATION_CHOICES = ("linear", "relu", "leaky_relu", "tanh", "sigmoid")
#: Precisions of :func:`propagate`.
DTYPES = ("auto", "float32", "float64")
#: "auto" computes in float32 when theory keeps every layer's std within this range.
AUTO_FLOAT32_RANGE = (1e-20, 1e20)
#: The largest branch scale accepted (the explorer's slider ends at 10).
BRANCH_SCALE_MAX = 100.0


def scale_meaning(weight_init) -> str:
    """What the explorer's scale slider sets for this initializer (a short label)."""
    if weight_init in ("zeros", "ones"):
        return "unused"
    if weight_init == "constant":
        return "value"
    if weight_init in ("random_normal", "random_uniform", CUSTOM):
        return "std"
    return "gain"


def resolve_initializer(weight_init, scale):
    """The initializer the explorer uses for a choice and a slider value.

    ==================================  ==============================================
    choice                              weights
    ==================================  ==============================================
    ``"custom scale"``                  ``rng.standard_normal(shape) * scale`` (lecture)
    ``random_normal``                   ``RandomNormal(stddev=scale)``
    ``random_uniform``                  ``RandomUniform(-sqrt(3) scale, sqrt(3) scale)``: std
    ``constant``                        ``Constant(value=scale)``
    ``zeros``, ``ones``                 as named (scale unused)
    ``variance_scaling``                ``VarianceScaling(scale=scale**2)``: gain ``scale``
    ``lecun_*, glorot_*, he_*``         the scheme with its std times ``scale`` (gain; 1 = as
                                        published): ``VarianceScaling(scale=s0 * scale**2)``
    ``orthogonal``                      ``Orthogonal(gain=scale)``
    ==================================  ==============================================

    Args:
        weight_init: one of :data:`INIT_CHOICES` (aliases such as ``xavier_normal`` work).
        scale: the slider value, finite and > 0.
    Returns:
        ``(initializer, label)``: an initializer object from :mod:`initviz.initializers`
        and a short description such as ``"he_normal x 1.5"``.
    Raises:
        ValueError: unknown name (listing the valid ones) or a bad scale; TypeError: wrong type.
    """
    scale = check_real("scale", scale, 0, low_open=True)
    if not isinstance(weight_init, str):
        raise TypeError(f"weight_init must be a name, one of {', '.join(INIT_CHOICES)}; "
                        f"got {weight_init!r}")
    name = weight_init.lower()
    if name == CUSTOM:
        return initializers.get("random_normal", stddev=scale), f"normal * {scale:.3g}"
    init = initializers.get(name)  # validates the name (with a did-you-mean message)
    name = init.name  # aliases (xavier_*, kaiming_*) resolve to the canonical name
    if name in ("zeros", "ones"):
        return init, name
    if name == "constant":
        return initializers.get("constant", value=scale), f"constant {scale:.3g}"
    if name == "random_normal":
        return initializers.get("random_normal", stddev=scale), f"random_normal std {scale:.3g}"
    if name == "random_uniform":
        lim = math.sqrt(3.0) * scale
        return (initializers.get("random_uniform", minval=-lim, maxval=lim),
                f"random_uniform std {scale:.3g}")
    if name == "orthogonal":
        return initializers.get("orthogonal", gain=scale), f"orthogonal gain {scale:.3g}"
    if name == "variance_scaling":
        return (initializers.get("variance_scaling", scale=scale * scale),
                f"variance_scaling gain {scale:.3g}")
    # a named VarianceScaling scheme (LeCun, Glorot, He): the gain multiplies its variance
    init = initializers.get("variance_scaling", scale=init.scale * scale * scale,
                            mode=init.mode, distribution=init.distribution)
    return init, (name if scale == 1.0 else f"{name} x {scale:.3g}")


def check_settings(weight_init, scale, activation, depth, width, batch, seed,
                   dtype="auto", residual=False, branch_scale=1.0, norm="none") -> dict:
    """Validate explorer settings without computing anything; returns them normalized
    (without dtype).

    Args: as :func:`initviz.propagation.propagate`; ``residual`` a bool, ``branch_scale`` a
        real number in [0, :data:`BRANCH_SCALE_MAX`] (checked when residual is off too),
        ``norm`` one of :data:`NORM_CHOICES` ("batch" needs a batch of at least 2).
    Raises:
        ValueError, TypeError: naming the bad value and the valid range or choices.

    >>> check_settings("he_normal", 1.0, "relu", 10, 64, 128, 0, residual=True,
    ...                norm="layer")["norm"]
    'layer'
    """
    resolve_initializer(weight_init, scale)
    check_choice("dtype", dtype, DTYPES)
    act = get_activation(check_choice("activation", activation, ACTIVATION_CHOICES))
    st = dict(weight_init=weight_init, scale=float(scale), activation=act.name,
              depth=check_int("depth", depth, 1, 1000),
              width=check_int("width", width, 1, 8192),
              batch=check_int("batch", batch, 1, 65536),
              seed=check_int("seed", seed, 0, 2**63 - 1),
              residual=check_bool("residual", residual),
              branch_scale=check_real("branch_scale", branch_scale, 0, BRANCH_SCALE_MAX),
              norm=check_choice("norm", norm, NORM_CHOICES))
    if st["norm"] == "batch" and st["batch"] < 2:
        raise ValueError(f"norm 'batch' (BatchNorm over the batch) needs a batch of at least 2, "
                         f"got batch {st['batch']}; choose norm 'none' or 'layer'")
    return st


def stack_label(settings) -> str:
    """The stack in words for titles and status lines: ``", residual (branch scale 0.5),
    LayerNorm"``; ``""`` for the plain stack without normalization.

    >>> stack_label(dict(residual=True, branch_scale=0.5, norm="layer"))
    ', residual (branch scale 0.5), LayerNorm'
    """
    parts = [f"residual (branch scale {settings['branch_scale']:.3g})"] if settings.get(
        "residual") else []
    parts += [{"layer": "LayerNorm", "batch": "BatchNorm"}.get(settings.get("norm"), "")]
    return "".join(", " + p for p in parts if p)

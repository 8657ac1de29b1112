"""Controls the explorers share."""

from __future__ import annotations

import math

import ipywidgets as W

__all__ = ["log_slider"]


def log_slider(value, description, low=1e-3, high=1e2):
    """A FloatLogSlider from ``low`` to ``high`` (widened to hold ``value``), live updates."""
    # step=None: any value. With a step the front end snaps the initial value to the grid
    # and sends it back (0.5 became 0.501), which costs a frame and shows a wrong number.
    low, high = min(low, value), max(high, value)
    return W.FloatLogSlider(value=value, base=10, min=math.log10(low), max=math.log10(high),
                            step=None, description=description, readout_format=".3g",
                            continuous_update=True, style={"description_width": "70px"},
                            layout=W.Layout(width="330px"))

"""Live explorers for the lectures: drag a slider, watch the signal vanish or explode.

Two explorers, each an ipywidgets box to display in a notebook, each with a static twin
that returns a matplotlib Figure for the same settings (for saved notebooks, static pages
and front ends without the widget extension):

===============================================  =============================================
live (an ipywidgets VBox)                        static (a matplotlib Figure, 9 x 4 in)
===============================================  =============================================
``signal_explorer(weight_init, scale,            ``signal_figure(...)``, same arguments, or
activation, depth, width, batch, seed, dtype,    ``explorer.figure()``
residual, branch_scale, norm)``
``training_explorer(dataset, runs, seed)``       ``training_figure(dataset, runs, seed)``, or
                                                 ``explorer.figure()``
===============================================  =============================================

The static figures show themselves as PNG images when they are a cell's last expression,
without ``%matplotlib inline`` (:class:`initviz.plots.ShownFigure`): rendered at 192 dpi,
shown at their size in inches (864 x 384 CSS px), with a description of what they show and
their key numbers as alt text. Both views follow :mod:`initviz.plots`' size rule (text of
10 pt and up at the shown size); the live image is shown at the same size, rendered at
150 dpi (``render.LIVE_DPI``). For example, notebook 03's "too
small" network::

    from initviz import widgets
    ex = widgets.signal_explorer(activation="tanh", weight_init="random_normal",
                                 scale=0.01, depth=10, width=250)
    ex            # cell 1: the live explorer; mark it # NBVAL_IGNORE_OUTPUT
    ex.figure()   # cell 2: the static figure of the same settings

**Signal explorer.** Controls: initializer (every name of :mod:`initviz.initializers`, plus
"custom scale", the lecture's ``standard_normal(shape) * scale``), a log slider for the
weight scale, 1e-3 to 1e2 (a std, a gain or a constant, as its label says; see
:func:`initviz.propagation.resolve_initializer`), activation, depth (1-50), width (2-1024),
batch (16-1024), precision (auto, float32, float64), seed and a "resample" button; residual
(off/on: pre-activation residual blocks, the panels then show the stream x and dL/dx), its
branch scale (0.01-10, disabled while residual is off) and norm (none, layer, batch: see
:mod:`initviz.propagation_blocks`). One
figure of four linked panels sharing the layer axis: activation histograms and
back-propagated gradient (dL/dz) histograms, each ONE image (layers x bins); the per-layer
std of both with the mean-field prediction (:func:`initviz.theory.predict_variances`)
dashed beside it, and the activations' signal std (std across inputs per unit,
:func:`initviz.stats.signal_std`) dotted where it differs from the layer std (sigmoid at std
0.01: layer std 0.02, signal std ~1e-14); the saturated % (tanh, sigmoid) or dead and zero
% (ReLU) per layer. The readout under the figure gives the last layer's layer std and
signal std, and layer 1's gradient std and median |dL/dz| (a heavy-tailed gradient's
typical size). Overflowed layers are marked (a red row, an x on the edge), never an error.
The numbers come from :func:`initviz.propagation.propagate`.

**Training explorer.** Pick data set (moons, circles, spiral, digits), initializer, scale,
activation, layers, width, epochs and learning rate, press "train": the loss curve and the
decision boundary (2-D data; for digits the accuracy and the first epoch's per-layer std of
dL/dW) redraw about 25 times while it trains in a worker thread, with a progress bar and a
"stop" button (seen within ~50 ms). Runs go to slot A or B and are drawn side by side.
``runs={"A": {...}, "B": {...}}`` trains them when the explorer is built.

**Where each part lives.** ``signal.py`` the signal explorer, ``signal_view.py`` its figure
(``std_panel.py`` its std panel, ``blit.py`` its blitted frames); ``training.py`` the
training explorer, ``training_view.py`` its figure, ``runs.py`` its runs (no drawing:
settings, network, :func:`initviz.train` with a per-epoch callback); ``descriptions.py``
both figures in words (alt text); ``coalescer.py`` the redraw policy below; ``render.py``
PNG frames, sizes and shared looks; ``controls.py`` shared controls. The numbers come from
:mod:`initviz.propagation`.

**Speed** (``benchmarks/bench_explorer.py``). A change costs compute + draw + PNG encode.
The figure is built once and only its data change: two images of RGBA rows copied to the
panel's pixels (``render.PixelImage``, no resampling) instead of hundreds of histogram bars,
lines and step patches, coloured in numpy; fixed axes positions (no layout engine, no tight
bounding box); plain-text tick labels (no mathtext); a key of lines and texts instead of a
legend box. Frames are blitted: the axes, labels and key are drawn once into a cached
background (the one full draw) and each frame draws only the ~20 data artists over it; the
ticks and words that follow the data (the layer axis, the histograms' and the std axis' tick
labels, the readout's words) are drawn into a second cached layer, each group of ticks or
words redrawn only in its own pixels when it changes, and a text shown before in the same
place copied back from its pixels (``blit.Blitter``). The Agg buffer is PNG-encoded by
Pillow as an 8-bit palette image on the colours of the full draw (6.3 ms against 25 ms for
RGB at 1350 x 600 px) and set on an ``ipywidgets.Image``. The compute streams layer by layer
in bounded memory and runs in float32 where that holds the signal
(:mod:`initviz.propagation`); the explorer's weight cache (:data:`signal.CACHE_BYTES`) holds
every layer of the largest setting.

**Previews while dragging.** A frame should be on screen within :data:`FIRST_FRAME`
(150 ms) of a slider's move at every setting. Where the whole batch would take longer
(50 x 1024 with batch 1024: seconds), the frame is computed on the first inputs of the
batch that fit (a power of 2, from the compute and drawing times measured so far; exact
for those inputs) and labelled "preview: 16 of 1024 inputs" on the figure and in the
readout; once no new value has come for :data:`coalescer.QUIET` (0.25 s, the drag
stopped: ipywidgets only sends values) the whole batch is drawn, abandoned between layers
if the slider moves again. Without threads (Pyodide in JupyterLite, where
``threading.Thread.start`` raises) every change is drawn at once on the whole batch, in
the kernel's own thread.

**Why dragging never queues a backlog.** A slider with ``continuous_update=True`` sends
one message per intermediate value and the kernel handles them one after another, so a
redraw per value leaves the view running behind the hand. ``continuous_update=False``
would avoid that but also lose the point of the demo, watching the signal change during the
drag. So the controls stay live and changes are coalesced (:class:`Coalescer`): a control
change only stores the latest settings and wakes one worker thread (microseconds on the
kernel's main thread, which keeps reading messages); the worker draws whatever is latest
when it is free, and every value that arrived meanwhile but the last is dropped. A drag
therefore shows a frame every ~50 ms, each at most one frame behind the hand, and after
the last change the view settles once the frame in progress and one more are drawn: a
burst of N changes costs a couple of frames, not N (measured in a kernel fed the front
end's messages: a 0.6 s drag of 30 values at 50 Hz showed 13 frames, the last 0.11 s after
the last value; 30 values at once showed 3 frames). A frame expected to take longer than
:data:`SLOW_FRAME` (0.25 s; e.g. 50 x 1024) is instead abandoned between layers as soon as
a newer value arrives, so the last value is drawn next (abandoning fast frames too would
starve the view: measured in a kernel, a 50 Hz drag then showed no frame until it ended).
ipywidgets documents updating widgets from a thread (its messages go out through
ipykernel's thread-safe IOPub). The first frame is drawn synchronously when an explorer is
built, so a notebook executed top to bottom stores a finished image.
"""

from ..plots import ShownFigure
from .coalescer import Coalescer
from .phase_diagram import PhaseExplorer, phase_explorer, phase_figure
from .render import render_png
from .runs import TRAIN_DEFAULTS, TrainRun
from .signal import (FIRST_FRAME, SIGNAL_DEFAULTS, SIGNAL_LIMITS, SLOW_FRAME, SignalExplorer,
                     signal_explorer)
from .signal_view import SignalView, signal_figure
from .training import TrainingExplorer, training_explorer
from .training_view import TrainingView, training_figure

__all__ = [
    "signal_explorer",
    "signal_figure",
    "training_explorer",
    "training_figure",
    "phase_explorer",
    "phase_figure",
    "PhaseExplorer",
    "SignalExplorer",
    "TrainingExplorer",
    "SignalView",
    "TrainingView",
    "TrainRun",
    "Coalescer",
    "render_png",
    "ShownFigure",
    "SIGNAL_DEFAULTS",
    "SIGNAL_LIMITS",
    "SLOW_FRAME",
    "FIRST_FRAME",
    "TRAIN_DEFAULTS",
]

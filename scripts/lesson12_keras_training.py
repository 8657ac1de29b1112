"""Lesson 12's training comparison, too slow for the notebook's 15 s (importing Keras takes
most of them): the lesson's Keras MLP on the bundled digits, trained with Keras' own ``fit``
from its default ``glorot_uniform`` and from the fix (``he_normal``, a small output layer).
Written to notebooks/data/lesson12_keras_training.json, which
notebooks/12_your_own_keras_network.ipynb reads; tests/inspect/test_lesson12_training.py
reruns a reduced version and checks it agrees in kind.

Usage:  KERAS_BACKEND=torch python scripts/lesson12_keras_training.py [--out PATH] [--quick]
(``initviz.inspect.require`` sets KERAS_BACKEND=torch when it is not set.)
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from initviz import datasets
from initviz.inspect import require

OUT = Path(__file__).resolve().parents[1] / "notebooks" / "data" / "lesson12_keras_training.json"

# The full run takes ~12 s of CPU here, most of it importing Keras. SGD, the same settings for
# both starts (neither gets its own tuning); the quick run of the tests has fewer epochs.
FULL = dict(epochs=5, lr=0.02, batch_size=64)
QUICK = dict(epochs=2, lr=0.02, batch_size=64)
SEED = 0


def make_keras(keras, init="glorot_uniform", out_init="glorot_uniform"):
    """The lesson's MLP: 64 -> 3 x Dense(256, relu) -> Dense(10), seeded as in the notebook."""
    keras.utils.set_random_seed(SEED)
    return keras.Sequential([keras.Input((64,))]
                            + [keras.layers.Dense(256, activation="relu",
                                                  kernel_initializer=init) for _ in range(3)]
                            + [keras.layers.Dense(10, kernel_initializer=out_init)])


def run(settings) -> dict:
    """JSON-ready: {"settings", "versions", "runs": {start: {"loss", "test_accuracy"}}}, one
    value per epoch: the training loss ``fit`` reports (the mean over the epoch's
    minibatches) and the accuracy on the held-out quarter after the epoch."""
    torch, keras = require("torch", "keras")
    torch.set_num_threads(1)  # one thread: the same numbers on every run
    X, y = datasets.load_digits()
    X_train, X_test, y_train, y_test = datasets.train_test_split(X, y, test_fraction=0.25,
                                                                 rng=SEED)
    X_train, X_test = X_train.astype(np.float32), X_test.astype(np.float32)
    small = keras.initializers.VarianceScaling(0.01 * 2.0, "fan_in", "truncated_normal",
                                               seed=SEED)  # He x 0.1, as in the notebook
    starts = {"glorot_uniform": make_keras(keras),
              "he_normal": make_keras(keras, "he_normal", small)}
    out = {"settings": settings, "versions": {"keras": keras.__version__,
                                              "torch": torch.__version__}, "runs": {}}
    for name, model in starts.items():
        model.compile(optimizer=keras.optimizers.SGD(settings["lr"]),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
        keras.utils.set_random_seed(SEED + 1)  # the same minibatch order for both models
        history = model.fit(X_train, y_train, epochs=settings["epochs"],
                            batch_size=settings["batch_size"],
                            validation_data=(X_test, y_test), verbose=0).history
        out["runs"][name] = {"loss": [float(v) for v in history["loss"]],
                             "test_accuracy": [float(v) for v in history["val_accuracy"]]}
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--quick", action="store_true", help="the reduced run of the tests")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    results = run(QUICK if args.quick else FULL)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    for name, r in results["runs"].items():
        print(f"{name}: loss per epoch {[round(v, 3) for v in r['loss']]}, "
              f"test accuracy {[round(v, 3) for v in r['test_accuracy']]}")
    print(f"wrote {args.out} in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()

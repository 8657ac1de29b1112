"""Training speed of initviz's numpy MLP, beside the same networks in PyTorch if installed.

Two workloads (issue 2's targets):
- two moons, 2-16-16-1 tanh/sigmoid-output network, 1000 full-batch gradient-descent steps;
- digits (scikit-learn's bundled set), 64-128-128-10 relu/softmax network, 50 epochs of
  minibatch SGD with batch 64.

Each workload runs ``--repeats`` times per library, alternating, in this one process; the
script prints the median wall time of each and the ratio torch / initviz (> 1: initviz is
faster). PyTorch runs with 2 threads (the machine's cores); initviz with its own policy
(one BLAS thread below width 512). Usage::

    python benchmarks/bench_training.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import initviz
from initviz import datasets


def _initviz_run(X, y, sizes, activation, output, epochs, lr, batch_size):
    net = initviz.MLP(sizes, activation=activation, weight_init="glorot_uniform",
                      output_activation=output, rng=0)
    t0 = time.perf_counter()
    hist = initviz.train(net, X, y, epochs, lr, batch_size=batch_size, rng=1)
    return time.perf_counter() - t0, hist.final_loss


def _torch_run(torch, X, y, sizes, activation, output, epochs, lr, batch_size):
    torch.manual_seed(0)
    act = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}[activation]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(act())
    model = torch.nn.Sequential(*layers).double()
    for m in model:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight)
            torch.nn.init.zeros_(m.bias)
    Xt = torch.from_numpy(X)
    if output == "sigmoid":
        yt = torch.from_numpy(y.astype(np.float64)).reshape(-1, 1)
        loss_fn = torch.nn.BCEWithLogitsLoss()
    else:
        yt = torch.from_numpy(y)
        loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    gen = np.random.default_rng(1)
    n = len(X)
    t0 = time.perf_counter()
    for _ in range(epochs):
        if batch_size is None:
            batches = [slice(None)]
        else:
            perm = torch.from_numpy(gen.permutation(n))
            batches = [perm[i:i + batch_size] for i in range(0, n, batch_size)]
        for idx in batches:
            opt.zero_grad()
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
    return time.perf_counter() - t0, float(loss.detach())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    try:
        import torch

        torch.set_num_threads(2)
    except ImportError:
        torch = None

    Xm, ym = datasets.make_moons(200, noise=0.2, rng=0)
    Xd, yd = datasets.load_digits()
    workloads = {
        "moons 2-16-16-1, 1000 full-batch steps": (Xm, ym, [2, 16, 16, 1], "tanh", "sigmoid", 1000, 0.5, None),
        "digits 64-128-128-10, 50 epochs, batch 64": (Xd, yd, [64, 128, 128, 10], "relu", "softmax", 50, 0.05, 64),
    }
    print(f"initviz {initviz.__version__}, numpy {np.__version__}, "
          f"torch {torch.__version__ if torch else 'not installed'}; {args.repeats} repeats, medians")
    for name, w in workloads.items():
        ours, theirs = [], []
        for _ in range(args.repeats):
            ours.append(_initviz_run(*w)[0])
            if torch is not None:
                theirs.append(_torch_run(torch, *w)[0])
        med = statistics.median(ours)
        line = f"{name}: initviz {med * 1000:.0f} ms"
        if theirs:
            tmed = statistics.median(theirs)
            line += f", torch {tmed * 1000:.0f} ms, torch/initviz = {tmed / med:.2f}x"
        print(line)


if __name__ == "__main__":
    main()

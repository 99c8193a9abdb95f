"""Time one training epoch of LeNet-5 in digitnet and in PyTorch (CPU), each in its own process.

    .venv/bin/python benchmarks/lenet5_vs_torch.py                 # 1 and 2 threads, 1 round
    .venv/bin/python benchmarks/lenet5_vs_torch.py --threads 1 --rounds 3 --images 20000

Both train the same network (the ``lenet5`` preset: conv 6@5x5 pad 2, tanh, avg-pool, conv 16@5x5,
tanh, avg-pool, dense 120, 84, 10) with SGD + momentum on the same MNIST images, same batch size and
learning rate. digitnet runs through its real ``Trainer`` (what ``digitnet train`` does); PyTorch runs
the usual zero_grad/forward/backward/step loop. Each library gets a fresh process with its thread
count fixed through the environment, and the libraries alternate round by round, so a busy machine
slows both alike. Needs PyTorch: ``.venv/bin/pip install torch==2.13.0`` (the CPU wheel).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import _common


def data(n_images: int):
    X, y, _, _ = _common.load_data()
    return X[:n_images], y[:n_images]


def run_digitnet(n_images: int, threads: int) -> dict:
    from digitnet.presets import get_preset

    x, y = data(n_images)
    recipe = get_preset("lenet5").with_overrides(epochs=1)
    net = recipe.build(seed=0)
    trainer = recipe.trainer(net, seed=0, progress=False, log=lambda msg: None)
    history = trainer.fit(x, y)
    row = history.epochs[0]
    return {"seconds": row["seconds"], "train_accuracy": row["accuracy"]}


def run_torch(n_images: int, threads: int) -> dict:
    import numpy as np
    import torch
    from torch import nn

    from digitnet.presets import get_preset
    from impl_torch import train_step

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    recipe = get_preset("lenet5")
    x, y = data(n_images)
    x, y = torch.from_numpy(x.reshape(-1, 1, 28, 28)), torch.from_numpy(y)
    net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.Tanh(), nn.AvgPool2d(2),
                        nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2), nn.Flatten(),
                        nn.Linear(400, 120), nn.Tanh(), nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10))
    optimizer = torch.optim.SGD(net.parameters(), lr=recipe.lr, momentum=recipe.momentum)
    loss_fn = nn.CrossEntropyLoss()
    order = torch.from_numpy(np.random.default_rng(0).permutation(len(x)))
    bs, correct = recipe.batch_size, 0
    started = time.perf_counter()
    for i in range(0, len(x), bs):
        idx = order[i:i + bs]
        xb, yb = x[idx], y[idx]
        _, out = train_step(net, optimizer, loss_fn, xb, yb)
        correct += int((out.argmax(1) == yb).sum())
    return {"seconds": time.perf_counter() - started, "train_accuracy": correct / len(x)}


def child(library: str, n_images: int, threads: int) -> dict:
    """Run one library's epoch in a new Python process with ``threads`` BLAS/OpenMP threads."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads))
    out = subprocess.run([sys.executable, __file__, "--worker", library, "--images", str(n_images),
                          "--threads", str(threads)], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"the {library} run failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--images", type=int, default=55000, help="training images per epoch (default 55,000)")
    p.add_argument("--threads", default="1,2", help="comma-separated thread counts (default 1,2)")
    p.add_argument("--rounds", type=int, default=1, help="epochs per library and thread count (default 1)")
    p.add_argument("--worker", choices=["digitnet", "torch"], help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        run = run_digitnet if args.worker == "digitnet" else run_torch
        print(json.dumps(run(args.images, int(args.threads))))
        return 0
    try:
        import torch  # noqa: F401  (only to fail early with a clear message)
    except ImportError:
        raise SystemExit("PyTorch is not installed: .venv/bin/pip install torch==2.13.0") from None
    from digitnet.presets import get_preset

    print(f"LeNet-5, one epoch of {args.images:,} MNIST images, batch {get_preset('lenet5').batch_size}; load average {os.getloadavg()[0]:.2f} "
          f"on {os.cpu_count()} cores")
    print(f"{'threads':>7}  {'digitnet s/epoch':>16}  {'torch s/epoch':>13}  {'ratio':>6}  {'train acc (d / t)':>18}")
    for threads in (int(t) for t in args.threads.split(",")):
        times = {"digitnet": [], "torch": []}
        acc = {}
        for _ in range(args.rounds):
            for library in times:
                result = child(library, args.images, threads)
                times[library].append(result["seconds"])
                acc[library] = result["train_accuracy"]
        d, t = statistics.median(times["digitnet"]), statistics.median(times["torch"])
        print(f"{threads:>7}  {d:>16.1f}  {t:>13.1f}  {d / t:>5.2f}x  {acc['digitnet']:>8.2%} / {acc['torch']:.2%}",
              flush=True)
    print(f"load average at the end: {os.getloadavg()[0]:.2f} (other processes slow both libraries alike)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

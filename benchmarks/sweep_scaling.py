"""How much a Dask cluster speeds up many trainings: the same 8-trial sweep serially and on a local
cluster, in one run, and on paper what N machines would give for the CNN ladder.

    python benchmarks/sweep_scaling.py                        # 8 trials of 'mlp-512' for 1 epoch on MNIST
    python benchmarks/sweep_scaling.py --train-images 20000   # a quicker check that it works
    python benchmarks/sweep_scaling.py --ladder-json reproduce/reproduce.json --machines 1,2,3,5,9

1. **Measured.** One grid of 8 trials (4 learning rates x 2 batch sizes of the ``mlp-512`` MLP, one
   epoch each) is run by ``digitnet.scale.sweep.run_sweep``:
   serially in this process (``digitnet sweep --serial``: one trial after the other) with NumPy's
   default BLAS threads, again with one BLAS thread (with threadpoolctl), then on a ``LocalCluster``
   of ``--workers`` processes (one per core by default, one BLAS thread each). All read MNIST the way
   ``digitnet`` does ($DIGITNET_DATA or the cache), and their wall times include that. The speed-up
   is the faster serial run's time over the cluster's; the cluster's start-up is reported apart (it is
   paid once per command). The one-thread serial sweep does the same arithmetic as the workers, so
   its trials must have the same validation losses bit for bit, or the comparison means nothing; the
   script checks that. (With more BLAS threads a matrix product may sum in another order, and the
   losses can differ in their last digits.)
2. **On paper.** The ladder is 9 independent runs (7 rungs, ``best`` three times). With W workers the
   ladder takes at least its longest run, and at least the total divided by W; the script schedules
   the runs longest first onto W workers (the order ``digitnet reproduce --scheduler`` submits them in
   does not matter to Dask, which starts whichever is queued) and prints the time for clusters of N
   machines, with one run per machine and with one per core (``--cores-per-machine``, 2), which is
   only as good as the sweep's per-trial times say runs side by side on one machine are. The run times
   come from ``--ladder-json`` (the reproduce.json a ladder run writes) or ``--ladder-models`` (the
   saved models' training times); without either, from the training times in docs/cnn.md's ladder table
   (2026-12-02, one thread a run, two runs on 2 cores), which the output says.
"""

from __future__ import annotations

import argparse
import heapq
import json
import sys
import tempfile
import time
from pathlib import Path

#: training minutes per run of the ladder as docs/cnn.md's table gives them (2026-12-02), used only
#: when no measured ladder is given; ``best`` runs three times
DOCUMENTED_MINUTES = {"lenet5": 2.7, "ch6-conv1": 5.5, "ch6-conv2": 6.5, "ch6-relu": 6.2, "ch6-expanded": 6.1,
                      "ch6-dropout": 21.2, "best": 22.5}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--workers", type=int, help="worker processes of the local cluster (default: one per core)")
    p.add_argument("--epochs", type=int, default=1, help="epochs per trial (default 1)")
    p.add_argument("--train-images", type=int,
                   help="train on the first N training images only (5,000 of them for validation; default: all)")
    p.add_argument("--machines", default="1,2,3,5,9", help="cluster sizes for the ladder on paper")
    p.add_argument("--cores-per-machine", type=int, default=2)
    p.add_argument("--ladder-json", type=Path, help="reproduce.json of a ladder run: its measured run times")
    p.add_argument("--ladder-models", type=Path, help="a ladder's models folder: the training times they record")
    p.add_argument("--json", type=Path, help="also write the figures here")
    args = p.parse_args(argv)
    held_out = the_sweep(args.epochs).base.val_size
    if args.train_images is not None and args.train_images <= held_out:
        p.error(f"--train-images must be more than {held_out:,} ({held_out:,} of them are kept for validation), "
                f"got {args.train_images:,}")
    return args


def the_sweep(epochs: int):
    from digitnet.presets import get_preset
    from digitnet.scale.sweep import Search, Space

    base = get_preset("mlp-512").with_overrides(epochs=epochs)
    return Search(base, Space.parse([["lr", "0.02", "0.05", "0.1", "0.2"], ["batch_size", "64", "128"]]))


def timed_sweep(search, pool) -> tuple[float, dict, float]:
    """Wall seconds of the sweep on ``pool``, each trial's validation loss by key, and the mean training
    seconds of a trial (what the trials themselves measured, without loading, testing or scheduling)."""
    from digitnet.scale.sweep import run_sweep

    with tempfile.TemporaryDirectory(prefix="digitnet-bench-sweep-") as out:
        started = time.perf_counter()
        result = run_sweep(search, out, pool)
        seconds = time.perf_counter() - started
    if result.failed:
        raise SystemExit(f"{len(result.failed)} trials failed: {result.failed[0].error}")
    losses = {r.key: r.metrics["val_loss"] for r in result.rows}
    return seconds, losses, sum(r.metrics["train_seconds"] for r in result.rows) / len(result.rows)


def one_blas_thread():
    """A context in which NumPy's BLAS uses one thread, as each worker does."""
    from threadpoolctl import threadpool_limits  # a dependency of digitnet's (train/environment.py)

    return threadpool_limits(1)


def blas_threads() -> str:
    """NumPy's BLAS and its threads now, as a model file records them (``digitnet.train.environment``)."""
    from digitnet.train.environment import environment

    found = environment()
    return f"{found['blas'] or 'unknown BLAS'}, threads: {found['blas_threads'] or 'unknown'}"


def measure(args) -> dict:
    from digitnet.scale.cluster import local_workers, open_client
    from digitnet.scale.trial import _LOADED, DataSpec, TrialPool

    search = the_sweep(args.epochs)
    n = len(search.trials())
    workers = local_workers(args.workers)
    data = DataSpec(n_train=args.train_images, n_test=10000) if args.train_images else DataSpec()
    print(f"sweep: {n} trials of {search.base.label} (lr x batch size) on "
          f"{f'the first {args.train_images:,}' if args.train_images else 'all 60,000'} training images", flush=True)
    serial, per_trial = {}, {}
    _LOADED.clear()  # every run pays for reading the data once, as a command does
    serial["default threads"], losses, per_trial["default threads"] = timed_sweep(search, TrialPool(None, data))
    print(f"  serially in this process ({blas_threads()}): {serial['default threads']:.1f} s", flush=True)
    _LOADED.clear()
    with one_blas_thread():
        serial["one thread"], losses, per_trial["one thread"] = timed_sweep(search, TrialPool(None, data))
    print(f"  serially in this process, one BLAS thread (as each worker): {serial['one thread']:.1f} s", flush=True)
    started = time.perf_counter()
    with open_client(workers=workers) as client:
        client.wait_for_workers(workers)
        startup = time.perf_counter() - started
        parallel, parallel_losses, per_trial["cluster"] = timed_sweep(search, TrialPool(client, data))
    best_serial = min(serial.values())
    print(f"  on LocalCluster({workers}), one BLAS thread per worker: {parallel:.1f} s "
          f"(+ {startup:.1f} s to start the cluster)")
    print(f"  speed-up against the faster serial run: {best_serial / parallel:.2f}x "
          f"({best_serial / (parallel + startup):.2f}x counting the start-up)")
    alone = min(v for k, v in per_trial.items() if k != "cluster")
    print(f"  one trial's training took {alone:.2f} s on average serially and {per_trial['cluster']:.2f} s on the "
          f"cluster ({per_trial['cluster'] / alone:.2f}x): above 1, the {workers} workers slowed each other "
          "(cores shared with other work, or memory bandwidth); at 1 the speed-up is the workers' number")
    same = losses == parallel_losses  # the same arithmetic (one BLAS thread) must give the same models, bit for bit
    print(f"  the same validation losses trial by trial as the one-thread serial run: {'yes' if same else 'NO'}")
    if not same:
        raise SystemExit("the serial and parallel sweeps disagree: the comparison is void")
    return {"trials": n, "workers": workers, "train_images": args.train_images,
            "serial_seconds": {k: round(v, 2) for k, v in serial.items()}, "cluster_seconds": round(parallel, 2),
            "cluster_startup_seconds": round(startup, 2), "speedup": round(best_serial / parallel, 3),
            "train_seconds_per_trial": {k: round(v, 3) for k, v in per_trial.items()},
            "serial_blas": blas_threads()}


def ladder_runs(args) -> tuple[list[tuple[str, float]], str]:
    """(run name, training seconds) for each of the ladder's runs, and where the times came from."""
    if args.ladder_json:
        table = json.loads(args.ladder_json.read_text())
        runs = [(f"{r['key']} s{run['seed']}", float(run["train_seconds"])) for r in table["results"]
                if r["key"] in DOCUMENTED_MINUTES for run in r["metrics"].get("runs", [])]
        return runs, f"measured, {args.ladder_json}"
    if args.ladder_models:
        from digitnet.io import load_model

        runs = []
        for path in sorted(args.ladder_models.glob("*-s*.npz")):
            seconds = load_model(path).metrics.get("train_seconds")
            if seconds is not None:
                runs.append((path.stem, float(seconds)))
        return runs, f"the models in {args.ladder_models}"
    runs = [(f"{name} s{seed}", minutes * 60) for name, minutes in DOCUMENTED_MINUTES.items()
            for seed in range(3 if name == "best" else 1)]
    return runs, "the training times in docs/cnn.md's ladder table (2026-12-02, one thread a run, two runs on 2 cores)"


def makespan(seconds: list[float], workers: int) -> float:
    """Wall time of independent runs on ``workers`` workers, longest first onto the first free worker."""
    free = [0.0] * workers
    for s in sorted(seconds, reverse=True):
        heapq.heappush(free, heapq.heappop(free) + s)
    return max(free)


def on_paper(args) -> dict:
    runs, source = ladder_runs(args)
    if not runs:
        raise SystemExit("no ladder runs found")
    seconds = [s for _, s in runs]
    total = sum(seconds)
    print(f"\nthe CNN ladder on paper: {len(runs)} runs, {total / 60:.0f} min of training one after the other "
          f"(from {source}); the longest run, {max(seconds) / 60:.1f} min, is the floor")
    cores = args.cores_per_machine
    print(f"| machines | one run per machine | speed-up | one run per core ({cores} per machine) | speed-up |\n"
          "|---:|---:|---:|---:|---:|")
    rows = []
    for n in (int(m) for m in args.machines.split(",")):
        alone, packed = makespan(seconds, n), makespan(seconds, n * cores)
        rows.append({"machines": n, "one_per_machine_minutes": round(alone / 60, 1),
                     "one_per_core_minutes": round(packed / 60, 1)})
        print(f"| {n} | {alone / 60:.1f} min | {total / alone:.1f}x | {packed / 60:.1f} min | {total / packed:.1f}x |")
    print("(each run taking the time it took alone; 'one run per core' holds only where runs on the same machine "
          "do not slow each other, which the sweep above measures; data loading and the scheduler's overhead, "
          "seconds per run, left out)")
    return {"source": source, "runs": dict(runs), "serial_minutes": round(total / 60, 1), "clusters": rows}


def main(argv=None) -> int:
    args = parse_args(argv)
    figures = {"sweep": measure(args), "ladder": on_paper(args)}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":  # Dask's worker processes import this file again: nothing may run then
    sys.exit(main())

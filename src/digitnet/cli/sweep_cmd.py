"""``digitnet sweep``: a grid or random search over a recipe's settings, on a Dask cluster.

The search itself is :mod:`digitnet.scale.sweep`; this module turns options into a
:class:`~digitnet.scale.sweep.Search`, opens the cluster and prints the table.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from digitnet.cli import common


def add_parser(sub) -> None:
    p = sub.add_parser("sweep", help="search hyper-parameters: many training runs on a Dask cluster",
                       description=(
        "Train the preset once per combination of the values given with --param (a grid), or at --random N "
        "points drawn from them and from --uniform/--log-uniform ranges, once per --seeds. Trials run on a "
        "Dask cluster (a local one by default), are ranked by validation accuracy (never by test accuracy), "
        "and are kept in --out: running the same command again resumes, training only what is missing. "
        "Other recipe options (--epochs 3 ...) are fixed for every trial."),
        epilog="example: digitnet sweep --model mlp-512 --epochs 3 --param lr 0.02 0.05 0.1 --param batch_size 64 128")
    p.add_argument("--model", metavar="PRESET", help=common.MODEL_HELP)
    search = p.add_argument_group("search")
    search.add_argument("--param", nargs="+", action="append", default=[], metavar="NAME VALUE",
                        help="a setting and the values to try, e.g. --param lr 0.01 0.1 (repeat for more settings; "
                             "layer sizes as 784x100x10)")
    search.add_argument("--uniform", nargs=3, action="append", default=[], metavar=("NAME", "LOW", "HIGH"),
                        help="random search: draw the setting uniformly from LOW..HIGH (whole-number settings rounded)")
    search.add_argument("--log-uniform", nargs=3, action="append", default=[], metavar=("NAME", "LOW", "HIGH"),
                        help="random search: draw the setting log-uniformly from LOW..HIGH (learning rates)")
    search.add_argument("--random", type=common.positive_int, metavar="N",
                        help="random search of N trials instead of the full grid")
    search.add_argument("--search-seed", type=common.seed, default=0,
                        help="seed of the random search's draws (default 0)")
    search.add_argument("--seeds", type=common.seed, nargs="+", default=[0], metavar="SEED",
                        help="training seeds: each point is trained once per seed (default: 0)")
    search.add_argument("--retry-failed", action="store_true",
                        help="also run again the trials recorded as failed (by default only crashed ones are)")
    p.add_argument("--out", metavar="DIR", help="the sweep's folder: trials, results.md/.json, best.npz "
                   "(default: sweeps/PRESET)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--quiet", action="store_true", help="print only the table")
    common.add_recipe_args(p)
    common.add_cluster_args(p, default="local")
    common.add_data_args(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    from digitnet.io.atomic import check_writable
    from digitnet.scale.report import pct
    from digitnet.scale.sweep import DataSpec, Search, Space, read_records, run_sweep

    base = common.recipe_from_args(args)
    space = Space.parse(args.param, args.uniform, args.log_uniform)
    search = Search(base, space, tuple(dict.fromkeys(args.seeds)), args.random, args.search_seed)
    trials = search.trials()  # every mistake in the search is found before a cluster starts: counted first
    out = Path(args.out or f"sweeps/{base.name}")
    check_writable(out / "sweep.json", "--out")
    # damaged records too; the trials' keys depend on the data as open_pool's DataSpec describes them
    records = read_records(search, out, DataSpec(args.data), args.retry_failed)
    progress = not (args.no_progress or args.quiet) and sys.stderr.isatty()
    say = (lambda message: None) if args.quiet else (lambda message: tqdm.write(message, file=sys.stderr))
    command = "digitnet sweep " + shlex.join(sys.argv[2:]) if sys.argv[1:2] == ["sweep"] else ""
    with common.open_pool(args) as pool:
        if pool.parallel:
            say(f"{len(trials)} trials on the Dask cluster at {pool.client.scheduler.address} "
                f"({len(pool.client.scheduler_info()['workers'])} workers)")
        result = run_sweep(search, out, pool, retry_failed=args.retry_failed, progress=progress, log=say,
                           command=command, records=records)
    print((out / "results.md").read_text(), end="")
    best = result.best
    if best is not None:
        m = best.metrics
        print(f"\nbest by validation: {best.label}, seed {best.seed}: validation {pct(m.get('val_accuracy'))}, "
              f"test {pct(m.get('test_accuracy'))}; saved {result.best_model}")
    if result.failed:
        print(f"{len(result.failed)} trial{'s' if len(result.failed) != 1 else ''} failed (see the table); "
              "running the command again retries those that crashed", file=sys.stderr)
    return 1 if result.failed else 0

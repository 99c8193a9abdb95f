"""``digitnet reproduce``: run the tutorials, baselines and CNN ladder, print and save the comparison table.

Every digitnet figure in the table is measured by the run; the published figures are constants with
their sources (``digitnet.tutorials``). ``--quick`` runs everything with far fewer epochs and steps,
to check that it all works (the test suite uses it); its figures are labelled as not comparable.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from digitnet.cli import common


def add_parser(sub) -> None:
    from digitnet.tutorials.runner import GROUPS, RUNNERS

    p = sub.add_parser("reproduce", help="run the tutorials and baselines and print the reproduction table",
                       description="Run every tutorial preset and baseline (or those named with --only), compare "
                                   "each with its published figure, print the table as Markdown and write it as "
                                   "Markdown and JSON. The tutorials take minutes (--quick: under two); the CNN "
                                   "ladder (--only ladder) a couple of hours, and saves its models to resume; "
                                   "with --scheduler its rungs and seeds train side by side on a Dask cluster.")
    p.add_argument("--quick", action="store_true", help="far fewer epochs/steps, to check everything runs "
                   "(figures labelled as not comparable)")
    p.add_argument("--only", metavar="NAMES", type=lambda s: [n.strip() for n in s.split(",") if n.strip()],
                   help=f"comma-separated names or groups ({', '.join(GROUPS)}; default: tutorials) "
                        f"from: {', '.join(RUNNERS)}")
    p.add_argument("--out", metavar="DIR", default="reproduce",
                   help="where reproduce.md and reproduce.json go (default: reproduce)")
    p.add_argument("--models", metavar="DIR", help="where the ladder's trained models are saved and "
                   "reused when the recipe and seed match (default: OUT/models; not used with --quick)")
    p.add_argument("--plots", metavar="DIR", help="where the pictures go (default: OUT/plots)")
    p.add_argument("--no-plots", action="store_true", help="draw no pictures")
    p.add_argument("--seed", type=common.seed, default=0, help="random seed (default 0)")
    p.add_argument("--quiet", action="store_true", help="no progress lines, only the table")
    common.add_data_args(p)
    common.add_cluster_args(p, default="serial")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from digitnet.errors import DigitnetError
    from digitnet.tutorials.runner import GROUPS, WITHOUT_MNIST, check_names, reproduce
    from digitnet.tutorials.table import markdown_table, write_table

    names = check_names(args.only)
    models = Path(args.models or Path(args.out) / "models")
    if not args.quick and set(names) & set(GROUPS["ladder"]):
        try:  # find out now, not after the first rung has trained for twenty minutes
            models.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise DigitnetError(f"cannot write models to {models} ({err.strerror}); "
                                "choose another --models DIR") from None
    data = None if set(names) <= WITHOUT_MNIST else common.load_data(args)
    plots = None if args.no_plots else Path(args.plots or Path(args.out) / "plots")
    log = (lambda msg: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    started = time.perf_counter()
    ladder = data is not None and set(names) & set(GROUPS["ladder"])
    with common.open_pool(args, data) if ladder and common.wants_cluster(args) else contextlib.nullcontext() as pool:
        if pool is not None:
            log(f"the CNN ladder trains on the Dask cluster at {pool.client.scheduler.address} "
                f"({len(pool.client.scheduler_info()['workers'])} workers)")
        results = reproduce(data, names, quick=args.quick, seed=args.seed, plots=plots, log=log,
                            models=models, pool=pool)
    total = time.perf_counter() - started
    command = "digitnet reproduce" + (" --quick" if args.quick else "") + \
        (f" --only {','.join(args.only)}" if args.only else "") + \
        (f" --models {args.models}" if args.models else "") + (f" --seed {args.seed}" if args.seed else "") + \
        (" --scheduler" + (f" {args.scheduler}" if args.scheduler != "local" else "")
         if ladder and args.scheduler else "")
    info = {"created": datetime.now(timezone.utc).isoformat(timespec="seconds"), "quick": args.quick,
            "seed": args.seed, "cores": os.cpu_count(), "machine": platform.machine(),
            "python": platform.python_version(), "dataset": getattr(data, "name", None),
            "cluster": bool(ladder) and common.wants_cluster(args)}
    md, js = write_table(results, args.out, command, total, info)
    print(markdown_table(results, command, total))
    log(f"wrote {md} and {js}" + (f"; pictures in {plots}" if plots else ""))
    return 0

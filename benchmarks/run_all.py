"""Run every benchmark in turn and print one report (the figures of docs/performance.md).

    python benchmarks/run_all.py                 # everything (about 3.5 minutes on a 2-core machine)
    python benchmarks/run_all.py --quick         # fewer rounds: a first look
    python benchmarks/run_all.py --only epoch,inference

Needs MNIST (``--data DIR`` or ``$DIGITNET_DATA``, else the usual cache or download) and, for the
comparisons, the optional libraries: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = {
    "epoch": ["epoch.py"],
    "cnn_epoch": ["cnn_epoch.py"],
    "inference": ["inference.py"],
    "nielsen": ["nielsen.py"],
    "time_to_98": ["time_to_98.py"],
    "memory": ["memory.py"],
}
QUICK = {"epoch": ["--rounds", "3"], "cnn_epoch": ["--rounds", "1", "--images", "1280"],
         "inference": ["--rounds", "3", "--single", "200"], "nielsen": ["--rounds", "1"],
         "time_to_98": ["--rounds", "1"]}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    p.add_argument("--quick", action="store_true", help="fewer rounds")
    p.add_argument("--data", metavar="DIR",
                   help="folder with the MNIST files (default: $DIGITNET_DATA, cache, download)")
    args = p.parse_args(argv)
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = set(names) - set(BENCHMARKS)
    if unknown:
        p.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    env = dict(os.environ)
    if args.data:
        env["DIGITNET_DATA"] = str(Path(args.data).resolve())
    failed = []
    started = time.perf_counter()
    for name in names:
        command = [sys.executable, str(HERE / BENCHMARKS[name][0]), *(QUICK.get(name, []) if args.quick else [])]
        print(f"\n######## {name}: {' '.join(Path(c).name if c.endswith('.py') else c for c in command[1:])}",
              flush=True)
        if subprocess.run(command, env=env).returncode != 0:
            failed.append(name)
    print(f"\nall benchmarks: {time.perf_counter() - started:.0f}s"
          + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

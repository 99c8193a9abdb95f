"""``digitnet bench``: run the speed benchmarks of a source checkout against PyTorch and scikit-learn.

The benchmark scripts live in ``benchmarks/`` next to ``src/`` (they import PyTorch, which digitnet itself
never does), so this command works from a clone installed with ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from digitnet.errors import DigitnetError

NAMES = ("epoch", "cnn_epoch", "inference", "nielsen", "time_to_98", "memory")


def add_parser(sub) -> None:
    p = sub.add_parser("bench", help="measure training and inference speed (source checkout)", description=(
        "Time digitnet's training epoch, inference, Nielsen's network and time to 98% accuracy against PyTorch, "
        "scikit-learn and the matrix products alone, and its peak memory. Prints medians and min-max over "
        "several rounds and same-round ratios. Needs the optional libraries: pip install -e '.[bench]'."))
    p.add_argument("--only", metavar="NAMES", help=f"comma-separated subset of: {', '.join(NAMES)}")
    p.add_argument("--quick", action="store_true", help="fewer rounds, for a first look")
    p.add_argument("--data", metavar="DIR", help="folder with the four MNIST files (default: $DIGITNET_DATA, "
                   "then the user cache, then download)")
    p.set_defaults(run=run)


def benchmarks_folder() -> Path | None:
    """``benchmarks/`` of the checkout this package was installed from (src/digitnet -> repository)."""
    folder = Path(__file__).resolve().parents[3] / "benchmarks"
    return folder if (folder / "run_all.py").is_file() else None


def run(args: argparse.Namespace) -> int:
    folder = benchmarks_folder()
    if folder is None:
        raise DigitnetError("the benchmarks are part of the source checkout, not of the installed package; "
                            "clone the repository and run: pip install -e '.[bench]' && digitnet bench")
    if args.only:
        unknown = sorted(set(args.only.split(",")) - set(NAMES))
        if unknown:
            raise DigitnetError(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    command = [sys.executable, str(folder / "run_all.py")]
    command += ["--only", args.only] if args.only else []
    command += ["--quick"] if args.quick else []
    command += ["--data", args.data] if args.data else []
    return subprocess.call(command)

"""Peak memory of ``digitnet train`` on all of MNIST (the default model unless told otherwise).

    python benchmarks/memory.py                      # digitnet train, default preset
    python benchmarks/memory.py -- --epochs 2        # anything after -- goes to digitnet train

Runs the real command in a child process and reads the child's peak resident set size from the
operating system (``getrusage``), the figure ``/usr/bin/time -v`` calls "Maximum resident set size".
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIMIT_MB = 500


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("train_args", nargs="*", help="extra arguments for digitnet train (after --)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "digitnet", "train", "--no-progress", "--out", str(Path(tmp) / "m.npz"),
                   *args.train_args]
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - started
    if result.returncode != 0:
        print(result.stdout + result.stderr)
        return result.returncode
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kilobytes on Linux
    last = result.stdout.strip().splitlines()[-1]
    print(f"\n== peak memory of: digitnet train {' '.join(args.train_args)} ==")
    print(f"{last}")
    print(f"peak resident memory {peak_mb:.0f} MB "
          f"(target < {LIMIT_MB} MB: {'met' if peak_mb < LIMIT_MB else 'MISSED'}); "
          f"{seconds:.1f}s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Train the model that ships inside the package: the ``default`` preset from seed 0 on MNIST.

    .venv/bin/python scripts/make_packaged_model.py          # writes src/digitnet/models/default.npz
    make packaged-model                                       # the same

The file is the model ``digitnet predict``, ``serve``, ``evaluate`` and ``info`` use when no model is
named. It is an ordinary model file (recipe, seed, history, test figures), so ``digitnet info`` shows
how it was made and ``scripts/check_saved_models.py src/digitnet/models/default.npz`` checks that the
current code still trains it to the last bit.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from digitnet.data import load_mnist
from digitnet.presets import get_preset
from digitnet.train import run

TARGET = Path(__file__).resolve().parents[1] / "src" / "digitnet" / "models" / "default.npz"
MAX_BYTES = 2**20  # the bound: the packaged model stays under 1 MB


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TARGET, help=f"where to write it (default {TARGET})")
    args = parser.parse_args(argv)
    trained = run(get_preset("default"), load_mnist(), seed=0, log=print)
    path = trained.save(args.out)
    size = path.stat().st_size
    print(f"{path}: {size / 1e3:.0f} kB, test accuracy {trained.metrics['test_accuracy']:.2%}, "
          f"{trained.metrics['train_seconds']:.0f} s of training")
    if size > MAX_BYTES:
        print(f"error: the packaged model must stay under {MAX_BYTES:,} bytes", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Do saved models still come out of the current code? Retrain each one's first epoch and compare.

    .venv/bin/python scripts/check_saved_models.py models/ladder          # every .npz in the folder
    .venv/bin/python scripts/check_saved_models.py models/ladder/lenet5-s0.npz

The figures in the README come from saved models (``digitnet reproduce --models DIR`` reads them back),
but a fresh checkout trains them again. This retrains the first epoch of each file's own recipe and
seed, on the same data split, and compares the loss and validation loss with the history saved in the
file: equal to the last bit means the current code takes the same path, so a full retraining gives the
saved figure. A difference means the code changed the arithmetic since the model was trained, and the
model's figure must be trained again before it is quoted. Models made by ``digitnet train`` or by the
CNN rows of ``digitnet reproduce`` save their recipe, seed and history and can be checked (about a
minute each for the CNN presets on two cores); other files are skipped with a note.

Bit for bit needs the same BLAS thread count as the training run: OpenBLAS splits some products
differently with one thread than with two, and the sums come out in another order. Models trained on
a Dask cluster (``reproduce --scheduler``, ``sweep``, ``train --committee``: one-thread workers) are
checked with ``OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 python scripts/check_saved_models.py ...``.
(On 2026-12-02 four of the ladder's rungs, trained on one-thread workers, differed at two threads in
the fifth significant digit of the first epoch's loss and were the same at one.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from digitnet.data import load_mnist
from digitnet.errors import DigitnetError
from digitnet.io import load_model
from digitnet.presets import Recipe
from digitnet.train import run


def stop_after_first_epoch(trainer, row) -> None:
    raise KeyboardInterrupt  # the trainer keeps the finished epoch's row and returns


def check(path: Path, ds) -> bool | None:
    """True or False as the first epoch matches; None (with a note) for a file this cannot check."""
    meta = load_model(path).metadata
    if not {"recipe", "seed", "history"} <= meta.keys() or not meta["history"].get("epochs"):
        print(f"{path}: skipped, it saves no recipe, seed and history (made by 'digitnet train' or reproduce?)")
        return None
    if (meta.get("dataset") or {}).get("checksum") not in (None, ds.checksum):
        print(f"{path}: skipped, it was trained on other data than the MNIST found here")
        return None
    split = (meta.get("dataset") or {}).get("validation_from", "last")
    if split not in ("last", "random"):
        print(f"{path}: skipped, its validation images were given by its tutorial, not split off the training set")
        return None
    try:
        recipe = Recipe.from_dict(meta["recipe"])
    except DigitnetError as err:
        print(f"{path}: skipped, its recipe is not one this version reads ({err})")
        return None
    if recipe.protocol:
        print(f"{path}: skipped, its tutorial follows its own protocol, not the trainer's epochs")
        return None
    trained = run(recipe, ds, meta["seed"], validation=split,
                  callbacks=(stop_after_first_epoch,))
    new, saved = trained.history.epochs[0], meta["history"]["epochs"][0]
    same = all(new.get(k) == saved.get(k) for k in ("loss", "val_loss"))  # no val_loss without validation
    print(f"{path}: epoch 1 loss {new['loss']!r}, val_loss {new.get('val_loss')!r}; saved {saved['loss']!r}, "
          f"{saved.get('val_loss')!r}: {'same' if same else 'DIFFERENT: train it again'}", flush=True)
    return same


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="model files or folders of them")
    args = parser.parse_args(argv)
    files = [f for p in args.paths for f in (sorted(p.glob("*.npz")) if p.is_dir() else [p])]
    ds = load_mnist(progress=False)
    results = [r for r in (check(f, ds) for f in files) if r is not None]
    print(f"{sum(results)} of {len(results)} checked reproduce their first epoch bit for bit")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

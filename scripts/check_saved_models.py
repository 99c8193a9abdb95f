"""Do saved models still come out of the current code? Retrain each one's first epoch and compare.

    .venv/bin/python scripts/check_saved_models.py models/ladder          # every .npz in the folder
    .venv/bin/python scripts/check_saved_models.py models/ladder/lenet5-s0.npz

The figures in the README come from saved models (``digitnet reproduce --models DIR`` reads them back),
but a fresh checkout trains them again. This retrains the first epoch of each file's own recipe and
seed, on the same data split, and compares the loss and validation loss with the history saved in the
file: equal to the last bit means the current code takes the same path, so a full retraining gives the
saved figure. A difference on a machine like the one it was trained on means the code changed the
arithmetic since, and the model's figure must be trained again before it is quoted. Models made by
``digitnet train`` or by the CNN rows of ``digitnet reproduce`` save their recipe, seed and history and
can be checked (about a minute each for the CNN presets on two cores); other files are skipped with a
note.

Bit for bit needs the same arithmetic as the training run, which the code alone does not fix: OpenBLAS
chooses its kernels by the processor (SkylakeX, Haswell, Zen...) and splits some products differently
with one thread than with two, so the sums come out in another order; and the drawn training pictures
may depend on the versions of NumPy, Pillow and matplotlib. Model files record these (their
``environment``: ``digitnet info`` shows it), and when a first epoch differs this says which of them
differ here, or that the file does not say: then the check cannot tell a change of code from a change
of machine (exit status 2), and only a difference where everything recorded is the same says the code
changed (exit status 1). Models trained on a Dask cluster (``reproduce --scheduler``, ``sweep``,
``train --committee``: one-thread workers) are checked with ``OPENBLAS_NUM_THREADS=1
OMP_NUM_THREADS=1 python scripts/check_saved_models.py ...``; ``OPENBLAS_CORETYPE=Haswell`` (say) picks
OpenBLAS's kernels. (On 2026-12-02 four of the ladder's rungs, trained on one-thread workers, differed
at two threads in the fifth significant digit of the first epoch's loss and were the same at one. On
2026-12-07 the packaged model, trained on another machine, differed on an AMD EPYC with OpenBLAS's
SkylakeX kernels and with its Haswell kernels, with no change to the code's arithmetic.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from digitnet.data import load_mnist
from digitnet.errors import DigitnetError
from digitnet.io import load_model
from digitnet.io.metadata import environment_differences
from digitnet.presets import Recipe
from digitnet.train import run
from digitnet.train.environment import environment

SAME, DIFFERENT, CANNOT_TELL = "same", "different", "cannot tell"


def stop_after_first_epoch(trainer, row) -> None:
    raise KeyboardInterrupt  # the trainer keeps the finished epoch's row and returns


def check(path: Path, ds) -> str | None:
    """SAME, DIFFERENT (where everything the file records about its machine is as here: the code
    changed) or CANNOT_TELL (it differs, but so does the machine, or the file does not say); None (with
    a note) for a file this cannot check."""
    meta = load_model(path).metadata
    if not {"recipe", "seed", "history"} <= meta.keys() or not meta["history"].get("epochs"):
        print(f"{path}: skipped, it saves no recipe, seed and history (made by 'digitnet train' or reproduce?)")
        return None
    if meta.get("harness"):
        print(f"{path}: skipped, a research harness changed how it was trained ({str(meta['harness'])[:200]})")
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
    changed = None if same else environment_differences(meta, environment())
    if same:
        verdict, said = SAME, "same"
    elif changed == []:
        verdict, said = DIFFERENT, "DIFFERENT, on a machine like the one it was trained on: the code changed " \
                                   "its arithmetic; train it again"
    elif changed is None:
        verdict, said = CANNOT_TELL, "different, but the file does not say what it was trained with (made " \
                                     "before files recorded it), so this cannot tell the code from the machine"
    else:
        verdict, said = CANNOT_TELL, f"different, but it was trained elsewhere ({'; '.join(changed)}), so this " \
                                     "cannot tell the code from the machine"
    print(f"{path}: epoch 1 loss {new['loss']!r}, val_loss {new.get('val_loss')!r}; saved {saved['loss']!r}, "
          f"{saved.get('val_loss')!r}: {said}", flush=True)
    return verdict


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="model files or folders of them")
    args = parser.parse_args(argv)
    files = [f for p in args.paths for f in (sorted(p.glob("*.npz")) if p.is_dir() else [p])]
    ds = load_mnist(progress=False)
    results = [r for r in (check(f, ds) for f in files) if r is not None]
    print(f"{results.count(SAME)} of {len(results)} checked reproduce their first epoch bit for bit"
          + (f"; {results.count(CANNOT_TELL)} differ, on another machine or one not recorded (cannot tell)"
             if CANNOT_TELL in results else ""))
    return 1 if DIFFERENT in results else 2 if CANNOT_TELL in results else 0


if __name__ == "__main__":
    sys.exit(main())

"""Does the code still train every preset to the last bit? Short runs, one SHA-256 each.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python scripts/fingerprint_presets.py > before.txt
    ... change the code ...
    OPENBLAS_NUM_THREADS=1 .venv/bin/python scripts/fingerprint_presets.py | diff before.txt -

For every preset that trains by epochs, a few recipes made from command-line options (the way
``digitnet train --layers ... --activation ...`` makes them) and three estimators, train one epoch
from seed 0 on a fixed slice of MNIST (the first 2,000 training images, 1,000 for the two slowest
presets; 200 of them held out for validation; the first 500 test images) and print a SHA-256 of the
final weights, of the loss history (training and validation loss, accuracies, learning rate, by their
exact bits) and of the test predictions. A refactor that keeps results bit for bit prints the same
lines before and after; any difference in the arithmetic or in the order random numbers are drawn in
changes a hash.

Seconds are left out of the history (they change every run), and so is the recipe's text, which is
allowed to change. Compare runs on the same kind of machine: the same BLAS kernels and thread count (see
scripts/check_saved_models.py).
The data come from ``load_mnist()`` ($DIGITNET_DATA, the cache, or a download).
"""

from __future__ import annotations

import argparse
import hashlib
import struct
import sys
import warnings

import numpy as np

from digitnet.data import load_mnist
from digitnet.presets import PRESETS, get_preset
from digitnet.train import run

N_TRAIN, N_SLOW, N_VAL, N_TEST = 2000, 1000, 200, 500
#: the presets whose epochs are slowest on two cores: trained on N_SLOW images instead of N_TRAIN
SLOW = {"ch6-dropout", "best"}
#: recipes made from command-line options, as ``digitnet train OPTIONS`` makes them
FROM_OPTIONS = {
    "cli: --layers 784,100,10 --activation sigmoid --init lecun --dropout 0.2":
        ["--layers", "784,100,10", "--activation", "sigmoid", "--init", "lecun", "--dropout", "0.2"],
    "cli: --layers 784,64,32,10 --activation tanh --lr 0.2":
        ["--layers", "784,64,32,10", "--activation", "tanh", "--lr", "0.2"],
    "cli: --model nielsen-ch1 --layers 784,10": ["--model", "nielsen-ch1", "--layers", "784,10"],
    "cli: --model ch6-relu --optimizer adam --lr 0.001 --schedule step":
        ["--model", "ch6-relu", "--optimizer", "adam", "--lr", "0.001", "--schedule", "step"],
    "cli: --model lenet5 --loss quadratic": ["--model", "lenet5", "--loss", "quadratic"],
    "cli: --loss binary_cross_entropy --dropout 0.5": ["--loss", "binary_cross_entropy", "--dropout", "0.5"],
    "cli: --model mlp --loss quadratic --init glorot": ["--model", "mlp", "--loss", "quadratic", "--init", "glorot"],
    "cli: --model momentum-100 --label-smoothing 0.1 --weight-average 0.99":
        ["--model", "momentum-100", "--label-smoothing", "0.1", "--weight-average", "0.99"],
}
#: estimators, as ``DigitClassifier(**params).fit`` trains them (``partial`` adds two ``partial_fit`` epochs)
ESTIMATORS = {
    "estimator: DigitClassifier(hidden=(64,), epochs=1)": dict(hidden=(64,), epochs=1),
    "estimator: DigitClassifier(model='ch6-relu', epochs=1, validation_fraction=0.1)":
        dict(model="ch6-relu", epochs=1, validation_fraction=0.1),
    "estimator: DigitClassifier(activation='tanh', dropout=0.1, epochs=1) + partial":
        dict(activation="tanh", dropout=0.1, epochs=1),
}


def digest(*arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str((a.dtype.str, a.shape)).encode())
        h.update(a.tobytes())
    return h.hexdigest()[:16]


def history_digest(history) -> str:
    h = hashlib.sha256()
    for row in history.epochs:
        for key in ("epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr"):
            value = row.get(key)
            h.update(key.encode() + (b"-" if value is None else struct.pack("<d", float(value))))
    h.update(str((history.best_epoch, history.stopped_early, history.interrupted)).encode())
    return h.hexdigest()[:16]


def recipe_from_options(argv: list[str]):
    from digitnet.cli import build_parser
    from digitnet.cli.common import recipe_from_args

    return recipe_from_args(build_parser().parse_args(["train", *argv]))


def fingerprint(label: str, recipe, ds) -> str:
    n = N_SLOW if recipe.name in SLOW else N_TRAIN
    data = ds.head(n, N_TEST)
    recipe = recipe.with_overrides(epochs=1, val_size=N_VAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trained = run(recipe, data, seed=0, keep_probabilities=True, if_nothing_learned="note")
    weights = trained.network.get_weights()
    classes, probabilities = trained.test_predictions
    return (f"{label:<80} n={n} weights {digest(*(weights[k] for k in sorted(weights)))} "
            f"history {history_digest(trained.history)} test {digest(classes, probabilities)} "
            f"loss {trained.history.epochs[-1]['loss']!r}")


def fingerprint_estimator(label: str, params: dict, ds) -> str:
    from digitnet.estimator import DigitClassifier

    X, y = ds.train_images[:N_TRAIN], ds.train_labels[:N_TRAIN]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = DigitClassifier(**params).fit(X, y)
        if label.endswith("partial"):
            clf.partial_fit(X[:500], y[:500]).partial_fit(X[500:1000], y[500:1000])
    weights = clf.network_.get_weights()
    proba = clf.predict_proba(ds.test_images[:N_TEST])
    return (f"{label:<80} n={N_TRAIN} weights {digest(*(weights[k] for k in sorted(weights)))} "
            f"history {history_digest(clf.history_)} test {digest(proba)} loss {clf.history_.epochs[-1]['loss']!r}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="presets or option sets to run (default: all)")
    args = parser.parse_args(argv)
    ds = load_mnist(progress=False)
    jobs = [(name, recipe) for name, recipe in PRESETS.items() if not recipe.protocol]
    jobs += [(label, None) for label in FROM_OPTIONS]
    for label, recipe in jobs:
        if args.names and label not in args.names and label.split(" ")[0] not in args.names:
            continue
        recipe = recipe if recipe is not None else recipe_from_options(FROM_OPTIONS[label])
        print(fingerprint(label, recipe if label in FROM_OPTIONS else get_preset(label), ds), flush=True)
    for label, params in ESTIMATORS.items():
        if not args.names or label in args.names or "estimator:" in args.names:
            print(fingerprint_estimator(label, params, ds), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

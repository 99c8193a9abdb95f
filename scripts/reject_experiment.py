"""Train the default recipe with a reject option, through today's pieces, and save the model.

    .venv/bin/python scripts/reject_experiment.py --out runs/reject/oe6k_w1_fd_pen.npz    # the proposal
    .venv/bin/python scripts/reject_experiment.py --method none --out runs/reject/plain.npz
    .venv/bin/python scripts/reject_experiment.py --method class --out runs/reject/class.npz

What it does, in the order a wired-in ``digitnet train`` would (docs/reject.md):

1. build the ``default`` preset's network and split MNIST as ``digitnet.train.run`` does (the last
   5,000 training images for validation);
2. draw ``--negatives`` training negatives (``digitnet.negatives.make_negatives``, seeded by the run's
   seed) and add them to the training images with the label -1 (``uniform``: outlier exposure towards
   the uniform distribution, ``digitnet.reject.OutlierExposure`` with ``--weight``) or 10 (``class``:
   an eleventh output, "not a digit", trained by the plain cross-entropy); ``none`` trains as today;
3. train with the recipe's own trainer (augmentation, schedule, weight average, best epoch kept);
4. fit the reject rule on the validation digits' logits (``RejectRule.fit``: temperature, then the
   threshold that accepts ``--accept`` of them) and keep it in the model file's description under
   ``"reject"``, beside the usual recipe, seed, metrics and history.

``benchmarks/reject.py MODEL`` then measures it. The printed times are those of this machine at this
moment; on a shared machine they are indicative only.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from digitnet.data import load_mnist, validation_split
from digitnet.io import save_model
from digitnet.negatives import SHARES, make_negatives
from digitnet.negatives.font_digits import make_font_digits
from digitnet.nn.losses import SoftmaxCrossEntropy
from digitnet.presets import get_preset
from digitnet.reject import NOT_A_DIGIT, OutlierExposure, RejectRule
from digitnet.train import build_network, build_trainer
from digitnet.train.runner import describe

METHODS = ("uniform", "class", "none")


def logits(network, x, batch: int = 2000) -> np.ndarray:
    x = network.as_input(x)
    return np.concatenate([network.forward(x[i:i + batch]) for i in range(0, len(x), batch)])


def train(method: str = "uniform", negatives: int = 6000, weight: float = 1.0, seed: int = 0, epochs: int | None = None,
          accept: float = 0.997, score: str = "energy", shares: dict | None = None, font_digits: int = 1000, data=None,
          log=print):
    """Train the default recipe with ``negatives`` negatives (and ``font_digits`` digits drawn from the
    negatives' fonts); return (network, metadata)."""
    if method not in METHODS:
        raise SystemExit(f"unknown method {method!r}; choose {', '.join(METHODS)}")
    started = time.perf_counter()
    recipe = get_preset("default").with_overrides(epochs=epochs)
    data = data or load_mnist(progress=False)
    if method == "class":
        recipe = recipe.for_data(784, 11)  # the last dense layer gets an eleventh unit: "not a digit"
    network = build_network(recipe, seed)
    x, y = network.as_input(data.train_images), np.asarray(data.train_labels, dtype=np.int64)
    x_train, y_train, x_val, y_val = validation_split(x, y, size=recipe.val_size)
    made = time.perf_counter()
    neg = make_negatives(negatives if method != "none" else 0, seed=seed, shares=shares)
    if font_digits:
        images, labels = make_font_digits(font_digits, seed=seed)
        x_train, y_train = np.concatenate([x_train, network.as_input(images)]), np.concatenate([y_train, labels])
    negative_seconds = time.perf_counter() - made
    if len(neg):
        x_train = np.concatenate([x_train, network.as_input(neg.images)])
        y_train = np.concatenate([y_train, np.full(len(neg), NOT_A_DIGIT if method == "uniform" else 10)])
    if method == "uniform":
        network.loss = OutlierExposure(weight)
    log(f"{method}: {len(x_train):,} training images ({len(neg):,} negatives: {neg.kind_counts()}, {font_digits:,} "
        f"font digits, drawn in "
        f"{negative_seconds:.1f} s), {len(x_val):,} for validation")
    trainer = build_trainer(recipe, network, seed, progress=False, log=log)
    history = trainer.fit(x_train, y_train, x_val, y_val)
    network.loss = SoftmaxCrossEntropy(recipe.label_smoothing)  # what the model file records and reloads
    z_val = logits(network, x_val)
    z_test = logits(network, data.test_images)
    digit_logits = z_val[:, :10]
    rule = RejectRule.fit(digit_logits, y_val, score=score, accept=accept)
    total = time.perf_counter() - started
    metrics = {"test_accuracy": float(np.mean(z_test[:, :10].argmax(1) == data.test_labels)),
               "val_accuracy": history.best and history.best.get("val_accuracy"),
               "best_epoch": history.best_epoch, "epochs_run": len(history.epochs),
               "train_seconds": round(history.train_seconds, 3)}
    metadata = describe(recipe, seed, data, history, metrics, n_train=len(x_train), n_val=len(x_val),
                        split="last", class_names=[str(k) for k in range(10)] + (["not a digit"] if method == "class"
                                                                                  else []))
    metadata["reject"] = rule.to_dict()
    metadata["reject_training"] = {"method": method, "negatives": len(neg), "weight": weight,
                                   "font_digits": font_digits, "shares": shares or SHARES,
                                   "negative_seconds": round(negative_seconds, 2), "total_seconds": round(total, 2)}
    return network, metadata


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", choices=METHODS, default="uniform")
    parser.add_argument("--negatives", type=int, default=6000, help="training negatives (default 6000)")
    parser.add_argument("--weight", type=float, default=1.0, help="outlier-exposure weight (default 1.0)")
    parser.add_argument("--accept", type=float, default=0.997, help="share of validation digits the threshold accepts")
    parser.add_argument("--score", default="energy", help="energy, max_probability or max_logit")
    parser.add_argument("--shares", help="kinds of negatives, e.g. glyph=0.5,scribble=0.3,blob=0.1,raw=0.1")
    parser.add_argument("--font-digits", type=int, default=1000, help="digits drawn from the negatives' fonts, "
                        "trained on as digits (default 1000)")
    parser.add_argument("--epochs", type=int, help="override the recipe's 4 epochs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    shares = None
    if args.shares:
        shares = {k: float(v) for k, v in (item.split("=") for item in args.shares.split(","))}
    network, metadata = train(args.method, args.negatives, args.weight, args.seed, args.epochs, args.accept,
                              args.score, shares, args.font_digits)
    path = save_model(network, args.out, metadata)
    m, r = metadata["metrics"], metadata["reject_training"]
    print(f"{path}: test accuracy {m['test_accuracy']:.2%}; {m['train_seconds']:.1f} s of training, "
          f"{r['negative_seconds']:.1f} s drawing negatives, {r['total_seconds']:.1f} s in all; "
          f"reject rule {metadata['reject']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

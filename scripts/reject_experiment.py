"""Train the default recipe with a reject option, through today's pieces, and save the model.

    .venv/bin/python scripts/reject_experiment.py --out runs/reject/final_s0.npz     # the recommended recipe
    .venv/bin/python scripts/reject_experiment.py --font-digits 1000 --pen-digits 0 \
        --shares glyph=0.3,pen=0.2,scribble=0.25,blob=0.1,raw=0.15 --out runs/reject/first.npz   # the first proposal
    .venv/bin/python scripts/reject_experiment.py --method none --out runs/reject/plain.npz
    .venv/bin/python scripts/reject_experiment.py --method class --out runs/reject/class.npz
    .venv/bin/python scripts/reject_experiment.py --fashion-negatives 6000 --widths 32,64,256 \
        --out runs/reject/wide.npz                # the wired default's pictures, every layer twice as wide

What it does, in the order a wired-in ``digitnet train`` would (docs/reject.md):

1. build the ``default`` preset's network and split MNIST as ``digitnet.train.run`` does (the last
   5,000 training images for validation);
2. draw ``--negatives`` training negatives (``digitnet.negatives.make_negatives``, seeded by the run's
   seed) and add them to the training images with the label -1 (``uniform``: outlier exposure towards
   the uniform distribution, ``digitnet.reject.OutlierExposure`` with ``--weight``) or 10 (``class``:
   an eleventh output, "not a digit", trained by the plain cross-entropy); ``none`` trains as today;
   add ``--font-digits`` digits drawn from the negatives' fonts and ``--pen-digits`` digits written by
   the pen that writes the pen letters, both trained on as digits;
3. train with the recipe's own trainer (augmentation, schedule, weight average, best epoch kept);
4. fit the reject rule on the validation digits' logits (``RejectRule.fit``: temperature, then the
   threshold that accepts ``--accept`` of them) and keep it in the model file's description under
   ``"reject"``, beside the usual recipe, seed, metrics and history.

``--cache DIR`` keeps the drawn images in DIR (named by what was asked and a digest of the code of
``digitnet.negatives``), so a second run with the same settings does not draw them again; the time a
run spent drawing is printed either way. ``benchmarks/reject.py MODEL`` then measures the model. The
printed times are those of this machine at this moment; on a shared machine they are indicative only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

from digitnet.data import load_mnist, validation_split
from digitnet.data.fashion import fashion_images
from digitnet.io import save_model
from digitnet.negatives import SHARES, Negatives, make_negatives
from digitnet.negatives.font_digits import make_font_digits
from digitnet.negatives.pen_digits import make_pen_digits
from digitnet.presets import get_preset
from digitnet.reject import NOT_A_DIGIT, OutlierExposure, RejectRule
from digitnet.reject.eleventh_class import last_dense
from digitnet.train import build_network, build_trainer
from digitnet.train.runner import describe

METHODS = ("uniform", "class", "none")


def logits(network, x, batch: int = 2000) -> np.ndarray:
    x = network.as_input(x)
    return np.concatenate([network.forward(x[i:i + batch]) for i in range(0, len(x), batch)])


def code_digest() -> str:
    """A digest of the negatives' code: a cached drawing is reused only by the code that drew it."""
    folder = Path(__file__).resolve().parents[1] / "src" / "digitnet" / "negatives"
    h = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def drawn(what: str, make, cache: Path | None, **settings) -> tuple[np.ndarray, np.ndarray, float]:
    """(images, labels, seconds spent drawing now) of ``make(**settings)``, from ``cache`` when it has them."""
    path = None
    if cache is not None:
        key = hashlib.sha256(json.dumps([what, settings, code_digest()], sort_keys=True).encode()).hexdigest()[:16]
        path = cache / f"{what}-{key}.npz"
        if path.is_file():
            with np.load(path) as f:
                return f["images"], f["labels"], 0.0
    started = time.perf_counter()
    images, labels = make(**settings)
    seconds = time.perf_counter() - started
    if path is not None:
        cache.mkdir(parents=True, exist_ok=True)
        np.savez(path, images=images, labels=labels)
    return images, labels, seconds


def _negatives(count, seed, shares):
    neg = make_negatives(count, seed=seed, shares=shares)
    return neg.images, neg.kinds


def train(method: str = "uniform", negatives: int = 6000, weight: float = 1.0, seed: int = 0, epochs: int | None = None,
          accept: float = 0.997, score: str = "energy", shares: dict | None = None, font_digits: int = 3000,
          pen_digits: int = 3000, label_smoothing: float | None = None, mnist: int | None = None,
          cache: Path | None = None, data=None, log=print, fashion: int = 0, widths: tuple | None = None):
    """Train the default recipe with ``negatives`` negatives, ``font_digits`` digits drawn from the
    negatives' fonts and ``pen_digits`` written by their pen (``mnist``: only the first so many MNIST
    training images), and ``fashion`` of Fashion-MNIST's training pictures as negatives; ``widths``
    (first convolution's filters, second's, hidden units) widens or narrows the default's network.
    Return (network, metadata)."""
    if method not in METHODS:
        raise SystemExit(f"unknown method {method!r}; choose {', '.join(METHODS)}")
    started = time.perf_counter()
    # the drawn pictures are this script's own; Fashion-MNIST's are the wired default's (data/fashion.py);
    # the recipe it records says what it trains on, and no energy margins (its loss is its own, below)
    trains_negatives = method != "none"
    recipe = get_preset("default").with_overrides(epochs=epochs, label_smoothing=label_smoothing,
                                                  negatives=negatives if trains_negatives else 0,
                                                  fashion_negatives=fashion if trains_negatives else 0,
                                                  font_digits=font_digits, pen_digits=pen_digits, energy_weight=0,
                                                  negatives_as="uniform",  # its methods are its own (below)
                                                  layers=widened(widths) if widths else None)
    data = data or load_mnist(progress=False)
    if method == "class":
        recipe = recipe.for_data(784, 11)  # the last dense layer gets an eleventh unit: "not a digit"
    network = build_network(recipe, seed)
    x, y = network.as_input(data.train_images), np.asarray(data.train_labels, dtype=np.int64)
    x_train, y_train, x_val, y_val = validation_split(x, y, size=recipe.val_size)
    if mnist is not None:
        x_train, y_train = x_train[:mnist], y_train[:mnist]
    n_mnist = len(x_train)
    seconds, kinds = 0.0, {}
    parts_x, parts_y = [x_train], [y_train]
    if recipe.negatives:
        images, names, s = drawn("negatives", _negatives, cache, count=negatives, seed=seed, shares=shares)
        seconds += s
        kinds = Negatives(images, names).kind_counts()
        parts_x.append(network.as_input(images))
        parts_y.append(np.full(len(images), NOT_A_DIGIT if method == "uniform" else 10))
    if recipe.fashion_negatives:
        parts_x.append(network.as_input(fashion_images(fashion, seed)))
        parts_y.append(np.full(fashion, NOT_A_DIGIT if method == "uniform" else 10))
    for name, count, make in (("font_digits", font_digits, make_font_digits), ("pen_digits", pen_digits,
                                                                               make_pen_digits)):
        if count:
            images, labels, s = drawn(name, make, cache, count=count, seed=seed)
            seconds += s
            parts_x.append(network.as_input(images))
            parts_y.append(labels.astype(np.int64))
    x_train, y_train = np.concatenate(parts_x), np.concatenate(parts_y)
    log(f"{method}: {len(x_train):,} training images ({n_mnist:,} MNIST, {recipe.negatives:,} "
        f"negatives {kinds}, {recipe.fashion_negatives:,} Fashion-MNIST, {font_digits:,} font digits, "
        f"{pen_digits:,} pen digits; drawn in {seconds:.1f} s), "
        f"{len(x_val):,} for validation")
    # outlier exposure at this script's weight (the recipe's own is 1.0); "none" and "class" train on the plain loss
    loss = OutlierExposure(weight, recipe.label_smoothing) if method == "uniform" else network.loss
    trainer = build_trainer(recipe, network, seed, progress=False, log=log, loss=loss)
    history = trainer.fit(x_train, y_train, x_val, y_val)
    z_val = logits(network, x_val)
    z_test = logits(network, data.test_images)
    rule = RejectRule.fit(z_val[:, :10], y_val, score=score, accept=accept)
    total = time.perf_counter() - started
    metrics = {"test_accuracy": float(np.mean(z_test[:, :10].argmax(1) == data.test_labels)),
               "val_accuracy": history.best and history.best.get("val_accuracy"),
               "best_epoch": history.best_epoch, "epochs_run": len(history.epochs),
               "train_seconds": round(history.train_seconds, 3)}
    metadata = describe(recipe, seed, data, history, metrics, n_train=len(x_train), n_val=len(x_val),
                        split="last", class_names=[str(k) for k in range(10)] + (["not a digit"] if method == "class"
                                                                                  else []))
    metadata["reject"] = rule.to_dict()
    metadata["reject_training"] = {"method": method, "negatives": recipe.negatives,
                                   "weight": weight, "fashion": recipe.fashion_negatives,
                                   "widths": list(widths) if widths else None, "font_digits": font_digits,
                                   "pen_digits": pen_digits,
                                   "mnist": n_mnist, "shares": shares or SHARES, "negative_seconds": round(seconds, 2),
                                   "total_seconds": round(total, 2)}
    return network, metadata


def widened(widths: tuple) -> tuple:
    """The default preset's layers with other widths: its convolutions' filters and its hidden dense
    layer's units, in order (C1, C2, HIDDEN); the output layer keeps its ten."""
    default, sizes = get_preset("default").layers, iter(widths)
    output = last_dense(default)
    return tuple({**spec, "filters": next(sizes)} if spec["type"] == "conv2d" else
                 {**spec, "units": next(sizes)} if spec["type"] == "dense" and i != output else spec
                 for i, spec in enumerate(default))


def parse_widths(text: str | None) -> tuple | None:
    if not text:
        return None
    try:
        widths = tuple(int(w) for w in text.split(","))
    except ValueError:
        widths = ()
    if len(widths) != 3 or min(widths) < 1:
        raise SystemExit("error: --widths takes three positive whole numbers C1,C2,HIDDEN (e.g. 16,32,128), "
                         f"got {text!r}")
    return widths


def parse_shares(text: str | None) -> dict | None:
    if not text:
        return None
    return {k: float(v) for k, v in (item.split("=") for item in text.split(","))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", choices=METHODS, default="uniform")
    parser.add_argument("--negatives", type=int, default=6000, help="training negatives (default 6000)")
    parser.add_argument("--weight", type=float, default=1.0, help="outlier-exposure weight (default 1.0)")
    parser.add_argument("--accept", type=float, default=0.997, help="share of validation digits the threshold accepts")
    parser.add_argument("--score", default="energy", help="energy, max_probability or max_logit")
    parser.add_argument("--shares", help="kinds of negatives, e.g. glyph=0.5,scribble=0.3,blob=0.1,raw=0.1")
    parser.add_argument("--font-digits", type=int, default=3000, help="digits drawn from the negatives' fonts, "
                        "trained on as digits (default 3000)")
    parser.add_argument("--pen-digits", type=int, default=3000, help="digits written by the negatives' pen, trained on "
                        "as digits (default 3000)")
    parser.add_argument("--label-smoothing", type=float, help="override the recipe's label smoothing")
    parser.add_argument("--mnist", type=int, help="train on only the first so many MNIST training images")
    parser.add_argument("--epochs", type=int, help="override the recipe's epochs (3)")
    parser.add_argument("--fashion-negatives", type=int, default=0, help="Fashion-MNIST training pictures as "
                        "negatives, as the wired default takes (default 0: only this script's drawn pictures)")
    parser.add_argument("--widths", help="the network's widths C1,C2,HIDDEN (the default's are 16,32,128)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, help="keep drawn images here and reuse them")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    network, metadata = train(args.method, args.negatives, args.weight, args.seed, args.epochs, args.accept,
                              args.score, parse_shares(args.shares), args.font_digits, args.pen_digits,
                              args.label_smoothing, args.mnist, args.cache, fashion=args.fashion_negatives,
                              widths=parse_widths(args.widths))
    path = save_model(network, args.out, metadata)
    m, r = metadata["metrics"], metadata["reject_training"]
    print(f"{path}: test accuracy {m['test_accuracy']:.2%}; {m['train_seconds']:.1f} s of training, "
          f"{r['negative_seconds']:.1f} s drawing, {r['total_seconds']:.1f} s in all; "
          f"reject rule {metadata['reject']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

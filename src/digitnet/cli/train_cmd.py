"""``digitnet train``: train a model on MNIST, report its test accuracy and save it."""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from digitnet.cli import common
from digitnet.errors import DigitnetError
from digitnet.nn.initializers import INITIALIZERS
from digitnet.nn.layers import ACTIVATIONS
from digitnet.nn.losses import LOSSES
from digitnet.nn.optimizers import OPTIMIZERS
from digitnet.nn.schedulers import SCHEDULES
from digitnet.presets import PRESETS, get_preset


def add_parser(sub) -> None:
    p = sub.add_parser("train", help="train a model and save it", description=(
        "Train a network on MNIST, print per-epoch progress and the final test accuracy, and save the model. "
        "Options override the chosen preset's settings."))
    p.add_argument("--model", default="default", metavar="PRESET",
                   help=f"named recipe to start from: {', '.join(PRESETS)} (default: default)")
    p.add_argument("--out", metavar="PATH", help="where to save the model (default: models/PRESET.npz)")
    p.add_argument("--plots", metavar="DIR", help="also draw learning curves, the confusion heat map, the worst "
                   "mistakes, sample digits and first-layer weights into DIR")
    arch = p.add_argument_group("architecture")
    arch.add_argument("--layers", type=common.layer_sizes, metavar="SIZES", help="layer sizes, e.g. 784,256,10")
    arch.add_argument("--activation", choices=sorted(ACTIVATIONS), help="hidden-layer activation")
    arch.add_argument("--loss", choices=sorted(LOSSES), help="cost function")
    arch.add_argument("--init", choices=sorted(INITIALIZERS), help="weight initialisation")
    arch.add_argument("--augment", metavar="SPEC", help="augmentation, e.g. shift:2 ('none' to switch it off)")
    arch.add_argument("--dropout", type=common.fraction, metavar="RATE", help="dropout after each hidden layer")
    opt = p.add_argument_group("optimisation")
    opt.add_argument("--optimizer", choices=list(OPTIMIZERS))
    opt.add_argument("--lr", type=common.positive_float, help="learning rate")
    opt.add_argument("--momentum", type=common.fraction, help="momentum coefficient (momentum, nesterov)")
    opt.add_argument("--weight-decay", "--l2", dest="weight_decay", type=common.non_negative_float, metavar="WD",
                     help="L2 penalty WD/2*||W||^2 per sample (Nielsen's lambda=5 over 50,000 images is 1e-4)")
    opt.add_argument("--schedule", choices=SCHEDULES, help="learning-rate schedule")
    opt.add_argument("--epochs", type=common.positive_int)
    opt.add_argument("--batch-size", type=common.positive_int)
    opt.add_argument("--val-size", type=common.non_negative_int, metavar="N",
                     help="hold out the last N training images for validation (0: none)")
    opt.add_argument("--patience", type=common.positive_int, metavar="EPOCHS",
                     help="stop when the validation loss has not improved for this many epochs")
    p.add_argument("--seed", type=int, default=0, help="random seed: the same seed gives the same model (default 0)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument("--quiet", action="store_true", help="print only the final result")
    common.add_data_args(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from digitnet.data import to_float, validation_split
    from digitnet.io import save_model

    preset = get_preset(args.model)
    mlp_only = [f"--{name}" for name in ("layers", "activation", "init", "dropout") if getattr(args, name) is not None]
    if mlp_only and not all(isinstance(size, int) for size in preset.layers):
        raise DigitnetError(f"preset {preset.name!r} is described layer by layer, and {', '.join(mlp_only)} would "
                            "replace it with an MLP under its name; these options are for the MLP presets "
                            "(e.g. --model default)")
    recipe = preset.with_overrides(
        layers=args.layers, activation=args.activation, loss=args.loss, init=args.init, dropout=args.dropout,
        optimizer=args.optimizer, lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay,
        schedule=args.schedule, epochs=args.epochs, batch_size=args.batch_size, val_size=args.val_size,
        patience=args.patience,
        augment=None if args.augment is None else ("" if args.augment == "none" else args.augment))
    if recipe.extra.get("protocol"):
        raise DigitnetError(f"preset {recipe.name!r} follows its tutorial's own protocol ({recipe.extra['protocol']}); "
                            f"run it with 'digitnet reproduce --only {recipe.name}'")
    out = Path(args.out or f"models/{recipe.name}.npz")
    ds = common.load_data(args)
    say = (lambda msg: None) if args.quiet else print
    images = to_float(ds.train_images)
    x_train, y_train, x_val, y_val = validation_split(images, ds.train_labels, size=recipe.val_size)
    network = recipe.build(seed=args.seed)
    say(f"training {recipe.name!r} on {len(x_train):,} images ({len(x_val):,} for validation) from {ds.source}")
    say(network.summary())
    trainer = recipe.trainer(network, seed=args.seed, progress=not (args.no_progress or args.quiet),
                             log=lambda msg: say(msg) if not args.quiet else None)
    history = trainer.fit(x_train, y_train, x_val, y_val)
    if not history.epochs:
        raise DigitnetError("training was interrupted before the first epoch finished; nothing was saved")
    started = time.perf_counter()
    # one pass over the test set gives the accuracy and, with --plots, every picture
    predictions = network.predict_with_proba(to_float(ds.test_images), proba=bool(args.plots))
    test_accuracy = float(np.mean(predictions[0] == ds.test_labels))
    best = history.best or history.epochs[-1]
    metrics = {"test_accuracy": test_accuracy, "val_accuracy": best.get("val_accuracy"),
               "val_loss": best.get("val_loss"), "best_epoch": history.best_epoch,
               "epochs_run": len(history.epochs), "train_seconds": round(history.train_seconds, 3),
               "test_seconds": round(time.perf_counter() - started, 3)}
    save_model(network, out, {
        "recipe": recipe.to_dict(), "seed": args.seed, "metrics": metrics, "history": history.to_dict(),
        "dataset": {"name": ds.name, "checksum": ds.checksum, "train": len(x_train), "validation": len(x_val),
                    "test": len(ds.test_labels)},
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    })
    note = " (interrupted)" if history.interrupted else " (stopped early)" if history.stopped_early else ""
    kept = f", weights of epoch {history.best_epoch} kept" if history.best_epoch and len(x_val) else ""
    epochs = f"{len(history.epochs)} epoch{'' if len(history.epochs) == 1 else 's'}"
    print(f"test accuracy {test_accuracy:.2%} after {epochs}{note}{kept}; "
          f"{history.train_seconds:.1f}s of training; saved {out}")
    if args.plots:
        from digitnet.plots import save_model_plots

        drawn = save_model_plots(network, ds.test_images, ds.test_labels, args.plots, history, name=recipe.name,
                                 predictions=predictions)
        print(f"pictures: {', '.join(str(p) for p in drawn.values())}")
    return 130 if history.interrupted else 0

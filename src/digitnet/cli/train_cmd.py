"""``digitnet train``: train a model, report its test accuracy and save it.

The training run itself is :func:`digitnet.train.run`; this module only turns options into a recipe
and prints.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from digitnet.cli import common
from digitnet.errors import DigitnetError


def add_parser(sub) -> None:
    p = sub.add_parser("train", help="train a model and save it", description=(
        "Train a network, print per-epoch progress and the final test accuracy, and save the model. "
        "Options override the chosen preset's settings, and the saved description says which."))
    p.add_argument("--model", metavar="PRESET", help=common.MODEL_HELP)
    p.add_argument("--out", metavar="PATH", help="where to save the model (default: models/PRESET.npz); a run "
                   "stopped with Ctrl-C saves beside an existing file (PATH.interrupted.npz) instead of over it")
    p.add_argument("--plots", metavar="DIR", help="also draw learning curves, the confusion heat map, the worst "
                   "mistakes, sample images and first-layer weights into DIR")
    common.add_recipe_args(p)
    p.add_argument("--seed", type=common.seed, default=0, help="random seed: the same seed gives the same model "
                   "on the same kind of machine (`digitnet info` shows what it was trained with; default 0)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument("--quiet", action="store_true", help="print only the final result")
    p.add_argument("--committee", type=common.positive_int, metavar="N",
                   help="train N networks (seeds SEED, SEED+1, ...) side by side on a Dask cluster and save them "
                        "as one model that averages their probabilities (docs/scale-out.md)")
    p.add_argument("--members", type=Path, metavar="DIR",
                   help="with --committee: keep each member in DIR as it ends, as PRESET-sSEED.npz (a preset with "
                        "changed settings: PRESET-DIGEST-sSEED.npz), and reuse those already there (the names "
                        "digitnet reproduce --models gives the CNN ladder's models); a file there of another "
                        "recipe is neither reused nor replaced")
    common.add_data_args(p)
    common.add_cluster_args(p, default="local")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from digitnet.io.atomic import check_writable, save_or_rescue
    from digitnet.train import run as train

    recipe = common.recipe_from_args(args)
    default = f"models/{recipe.name}{f'-committee{args.committee}' if args.committee else ''}.npz"
    out = check_writable(args.out or default, "--out")  # before the epochs, not after
    if args.plots:
        check_writable(Path(args.plots) / "learning_curves.png", "--plots")
    if args.committee is not None or args.members is not None:
        check_committee(args, recipe)
    ds = common.load_data(args)
    if args.plots and not len(ds.test_labels):  # found now, not after the epochs
        raise DigitnetError(f"--plots draws the model on the test images, and the data set '{ds.name}' has none")
    if args.committee is not None:
        return run_committee(args, recipe, ds, out)
    say = (lambda msg: None) if args.quiet else print
    trained = train(recipe, ds, args.seed, log=say, progress=not (args.no_progress or args.quiet),
                    keep_probabilities=bool(args.plots))
    history, metrics = trained.history, trained.metrics
    saved = out
    if history.interrupted and out.exists():  # a stopped run never replaces a finished model
        saved = out.with_name(f"{out.stem}.interrupted{out.suffix}")
    save_or_rescue(trained.save, saved)  # a full disk: kept in the temporary folder, and said so
    note = " (interrupted)" if history.interrupted else " (stopped early)" if history.stopped_early else ""
    kept = f", weights of epoch {history.best_epoch} kept" if history.best_epoch and recipe.val_size else ""
    epochs = f"{len(history.epochs)} epoch{'' if len(history.epochs) == 1 else 's'}"
    accuracy = (f"test accuracy {metrics['test_accuracy']:.2%}" if metrics["test_accuracy"] is not None
                else "no test images")
    print(f"{accuracy} after {epochs}{note}{kept}; {history.train_seconds:.1f}s of training; saved {saved}"
          + (f" ({out} is left as it was)" if saved != out else ""))
    if "reject" in trained.metadata:
        print(reject_line(trained.metadata["reject"], metrics))
    if args.plots:
        from digitnet.plots import save_model_plots

        decision = trained.test_decision  # the run's own, for a model with a reject rule
        if decision is None and len(ds.test_labels):
            decision = trained.model.decide(ds.test_images)
        drawn = save_model_plots(trained.network, ds.test_images, ds.test_labels, args.plots, history,
                                 name=recipe.name, predictions=trained.test_predictions, decision=decision)
        print(f"pictures: {', '.join(str(p) for p in drawn.values())}")
    return 130 if history.interrupted else 0


def reject_line(rule: dict, metrics: dict) -> str:
    """The fitted reject rule and what it does on the test images, in one line."""
    text = (f"reject rule: {rule['score'].replace('_', ' ')} score below {rule['threshold']:.3f} is not a digit, "
            f"temperature {rule['temperature']:.3f}" if "temperature" in rule else
            f"reject rule: mean {rule['score'].replace('_', ' ')} score below {rule['threshold']:.3f} is not a digit")
    if metrics.get("test_refused") is not None:
        accuracy = metrics.get("test_accuracy_accepted")
        text += (f"; refuses {metrics['test_refused']:.2%} of the test images, accuracy on the others "
                 + (f"{accuracy:.2%}" if accuracy is not None else "-"))
    if metrics.get("test_ece_before") is not None:
        text += f"; calibration error {metrics['test_ece_before']:.2%} before, {metrics['test_ece_after']:.2%} after"
    return text


def check_committee(args: argparse.Namespace, recipe) -> None:
    """--committee N and --members DIR, checked before the data are loaded and anything is trained: each
    member's file can be written in DIR (a folder, not a file; no folder where a member goes)."""
    from digitnet.io.atomic import check_writable
    from digitnet.scale.members import member_file

    if args.committee is None:
        raise DigitnetError("--members keeps the members of a committee; give --committee N too")
    if args.committee < 2:
        raise DigitnetError(f"--committee needs at least 2 networks, got {args.committee}")
    for seed in range(args.seed, args.seed + args.committee) if args.members is not None else ():
        check_writable(member_file(args.members, recipe, seed), "--members")


def run_committee(args: argparse.Namespace, recipe, ds, out: Path) -> int:
    """``--committee N``: the members trained as trials on the cluster, then saved as one model file."""
    import contextlib

    from digitnet.io.atomic import save_or_rescue
    from digitnet.scale.committee import mean_and_spread, read_members, train_committee

    say = (lambda msg: None) if args.quiet else print
    seeds = range(args.seed, args.seed + args.committee)
    kept = read_members(recipe, seeds, args.members, ds, say)  # a file of another run there: refused now
    # every member read back: no cluster to start (and stop) for nothing
    opened = common.open_pool(args, data=ds) if len(kept) < args.committee else contextlib.nullcontext()
    with opened as pool:
        trained = train_committee(recipe, pool, seeds, ds, log=say, members_folder=args.members, kept=kept)
    save_or_rescue(trained.save, out, "the committee")
    metrics = trained.metrics
    if metrics["test_accuracy"] is None:
        accuracy = "no test images"
    else:
        mean, spread = mean_and_spread(metrics["members_test_accuracy"])
        accuracy = f"test accuracy {metrics['test_accuracy']:.2%} (members {mean:.2%} ± {spread:.2%})"
    print(f"committee of {args.committee} x {recipe.label}: {accuracy}; {metrics['train_seconds']:.0f}s of training "
          f"in all; saved {out}")
    if args.plots:
        from digitnet.plots import save_model_plots

        drawn = save_model_plots(trained.committee, ds.test_images, ds.test_labels, args.plots, None,
                                 name=f"{recipe.name} committee of {args.committee}")
        print(f"pictures: {', '.join(str(p) for p in drawn.values())}")
    return 0

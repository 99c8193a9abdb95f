"""``digitnet info MODEL``: what a saved model is, how it was trained and how well it did."""

from __future__ import annotations

import argparse

from digitnet.cli import common


def add_parser(sub) -> None:
    p = sub.add_parser("info", help="describe a saved model", description="Describe a saved model file.")
    common.add_model_arg(p)
    p.add_argument("--json", action="store_true", help="print the whole description as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from digitnet.io import load_model
    from digitnet.io.metadata import summary

    args.model = common.model_path(args.model, quiet=getattr(args, 'json', False))
    network = load_model(args.model)
    meta = network.metadata
    if args.json:
        shown = {k: v for k, v in meta.items() if k != "history"}
        if isinstance(shown.get("members"), list):  # a committee: each member without its epoch-by-epoch history
            shown["members"] = [{k: v for k, v in m.items() if k != "history"} if isinstance(m, dict) else m
                                for m in shown["members"]]
        common.print_json(shown | {"parameters": network.n_parameters})
        return 0
    about = summary(meta)
    print(f"{args.model}: digitnet model (format {meta['format_version']}, digitnet {about['digitnet_version']})")
    if about["created"]:
        print(f"created {about['created']}")
    if about["label"]:
        print(f"recipe {about['label']}" + (f", seed {about['seed']}" if about["seed"] is not None else ""))
    if about["description"]:
        print(f"  {about['description']}")
    members = getattr(network, "members", None)
    if members is not None:
        seeds = [m.metadata.get("seed") for m in members]
        accuracies = [(m.metadata.get("metrics") or {}).get("test_accuracy") for m in members]
        shown = ", ".join(f"seed {s}: {a:.2%}" if isinstance(a, float) else f"seed {s}"
                          for s, a in zip(seeds, accuracies))
        print(f"committee of {len(members)} networks, probabilities averaged ({shown})")
    if about["dataset"]:
        counts = ", ".join(f"{about[k]:,} {k}" for k in ("train", "validation") if about[k] is not None)
        checksum = f" (sha256 {about['checksum'][:12]}...)" if about["checksum"] else ""
        print(f"data: {about['dataset']}{checksum}" + (f", {counts} images" if counts else ""))
    if about["classes"]:
        print(f"classes: {', '.join(about['classes'])}")
    acc = about["test_accuracy"]
    print(f"test accuracy {acc:.2%}" if acc is not None else "test accuracy unknown", end="")
    if about["epochs_run"] is not None:
        print(f" (best epoch {about['best_epoch']} of {about['epochs_run']}, {about['train_seconds']}s of training)",
              end="")
    print("\n")
    print(network.summary())
    return 0

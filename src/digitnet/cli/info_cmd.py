"""``digitnet info MODEL``: what a saved model is, how it was trained and how well it did."""

from __future__ import annotations

import argparse

from digitnet.cli import common


def add_parser(sub) -> None:
    p = sub.add_parser("info", help="describe a saved model", description="Describe a saved model file.")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("--json", action="store_true", help="print the whole description as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from digitnet.io import load_model

    network = load_model(args.model)
    meta = network.metadata
    if args.json:
        common.print_json({k: v for k, v in meta.items() if k != "history"} | {"parameters": network.n_parameters})
        return 0
    recipe, metrics, data = meta.get("recipe", {}), meta.get("metrics", {}), meta.get("dataset", {})
    print(f"{args.model}: digitnet model (format {meta['format_version']}, digitnet {meta.get('digitnet_version')})")
    if meta.get("created"):
        print(f"created {meta['created']}")
    if recipe:
        print(f"recipe {recipe.get('name')!r}: {recipe.get('description') or ''}".rstrip(": "))
        keys = ("optimizer", "lr", "momentum", "weight_decay", "schedule", "epochs", "batch_size", "dropout", "augment")
        print("  " + ", ".join(f"{k}={recipe[k]}" for k in keys if k in recipe) + f", seed={meta.get('seed')}")
    if data:
        print(f"data: {data.get('name')} (sha256 {str(data.get('checksum'))[:12]}...), {data.get('train'):,} training "
              f"/ {data.get('validation'):,} validation images")
    if metrics:
        acc = metrics.get("test_accuracy")
        print(f"test accuracy {acc:.2%}" if acc is not None else "test accuracy unknown",
              f"(best epoch {metrics.get('best_epoch')} of {metrics.get('epochs_run')}, "
              f"{metrics.get('train_seconds')}s of training)")
    print()
    print(network.summary())
    return 0

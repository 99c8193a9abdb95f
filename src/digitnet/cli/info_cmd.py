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
    from digitnet.io.metadata import environment_text

    args.model = common.model_path(args.model, quiet=getattr(args, 'json', False))
    model = load_model(args.model)
    meta, network = model.metadata, model.network
    if args.json:
        shown = {k: v for k, v in meta.items() if k != "history"}
        if model.members:  # a committee: each member without its epoch-by-epoch history
            shown["members"] = [{k: v for k, v in m.metadata.items() if k != "history"} for m in model.members]
        common.print_json(shown | {"parameters": network.n_parameters})
        return 0
    print(f"{args.model}: digitnet model (format {meta['format_version']}, digitnet {meta.get('digitnet_version')})")
    if meta.get("created"):
        print(f"created {meta['created']}")
    if model.label:
        print(f"recipe {model.label}" + (f", seed {model.seed}" if model.seed is not None else ""))
    if model.recipe.get("description"):
        print(f"  {model.recipe['description']}")
    if model.members:
        shown = ", ".join(f"seed {m.seed}: {m.test_accuracy:.2%}" if m.test_accuracy is not None else f"seed {m.seed}"
                          for m in model.members)
        print(f"committee of {len(model.members)} networks, probabilities averaged ({shown})")
    data = model.dataset
    if data.get("name"):
        counts = ", ".join(f"{data[k]:,} {k}" for k in ("train", "validation") if data.get(k) is not None)
        checksum = f" (sha256 {data['checksum'][:12]}...)" if data.get("checksum") else ""
        print(f"data: {data['name']}{checksum}" + (f", {counts} images" if counts else ""))
    if model.classes:
        print(f"classes: {', '.join(model.classes)}")
    acc, metrics = model.test_accuracy, model.metrics
    print(f"test accuracy {acc:.2%}" if acc is not None else "test accuracy unknown", end="")
    if metrics.get("epochs_run") is not None:
        print(f" (best epoch {metrics.get('best_epoch')} of {metrics['epochs_run']}, "
              f"{metrics.get('train_seconds')}s of training)", end="")
    print()
    trained_with = environment_text(meta)
    if trained_with:  # a seed repeats a model bit for bit only where these are the same
        print(f"trained with {trained_with}")
    print(rule_text(model))
    print()
    print(network.summary())
    return 0


def rule_text(model) -> str:
    """What the model's reject rule is, in words: its score, threshold and temperature, or that it has none."""
    from digitnet.reject import CommitteeRule

    rule, metrics = model.reject, model.metrics
    if rule is None:
        return "reject rule: none (every picture gets a digit)"
    accept = f" (chosen to accept {rule.accept:.1%} of the validation digits)" if rule.accept else ""
    whose = "the members' mean" if isinstance(rule, CommitteeRule) else "the"
    score = f"{whose} {rule.score.replace('_', ' ')} score"
    by_score = (f"no threshold on {score} (it refuses nothing by it)" if rule.threshold == float("-inf")
                else f"not a digit when {score} is below {rule.threshold:.3f}{accept}")
    if isinstance(rule, CommitteeRule):
        temperatures = ", ".join(f"{t:.3f}" for t in rule.temperatures)
        text = f"reject rule: {by_score}; temperatures {temperatures}"
        if rule.disagreement is not None:
            text += f"; not a digit when more than {rule.disagreement:.0%} of the networks give another answer"
    else:
        text = f"reject rule: {by_score}; temperature {rule.temperature:.3f}"
    if metrics.get("test_refused") is not None:
        accuracy = metrics.get("test_accuracy_accepted")
        text += (f"\n  refuses {metrics['test_refused']:.2%} of the test images; accuracy on the others "
                 + (f"{accuracy:.2%}" if accuracy is not None else "-"))
    if metrics.get("test_ece_before") is not None and metrics.get("test_ece_after") is not None:
        text += (f"\n  expected calibration error (15 bins) {metrics['test_ece_before']:.2%} before temperature "
                 f"scaling, {metrics['test_ece_after']:.2%} after")
    return text

"""``digitnet evaluate MODEL``: test accuracy, confusion matrix and classification report; for a model with
a reject rule, the share of test images refused as not digits and the accuracy on the others; and the
calibration of its probabilities (the expected calibration error, before and after temperature scaling).
"""

from __future__ import annotations

import argparse

from digitnet.cli import common


def add_parser(sub) -> None:
    p = sub.add_parser("evaluate", help="score a saved model on the test set", description=(
        "Print a saved model's test accuracy, confusion matrix and per-class report, the share of test images "
        "its reject rule refuses as not digits and its accuracy on the accepted ones, and the expected "
        "calibration error (15 bins) of its probabilities before and after temperature scaling."))
    common.add_model_arg(p)
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--plots", metavar="DIR", help="also draw the confusion heat map, the worst mistakes, sample "
                   "images, first-layer weights, the reliability diagram, the test images least like a digit "
                   "(refused ones in red) and (if recorded) learning curves into DIR")
    common.add_data_args(p)
    p.set_defaults(run=run)


def evaluation(network, images, labels, predicted=None) -> dict:
    """Everything ``evaluate`` reports about the classes, as plain numbers; ``predicted``
    (``network.predict(images)``) when the caller already has it, to spare a pass."""
    from digitnet.metrics import confusion_matrix, report_dict

    if predicted is None:
        predicted = network.predict(images)
    num_classes = max(int(labels.max()) + 1, network.n_outputs, 2)
    cm = confusion_matrix(labels, predicted, num_classes)
    return {"accuracy": float((predicted == labels).mean()), "n": int(len(labels)),
            "confusion_matrix": cm.tolist(), "report": report_dict(cm)}


def reject_and_calibration(model, decision, labels) -> dict:
    """The reject option's figures (``reject``: the rule, the share refused, the accuracy on the accepted)
    and the calibration (``calibration``: the expected calibration error in 15 bins, before and after
    temperature scaling; ``after`` is None without a temperature)."""
    from digitnet.io.jsonable import finite_only
    from digitnet.metrics.calibration import BINS

    figures = decision.figures(labels)
    rule = model.reject
    accepted = int(decision.accepted.sum())
    reject = {"rule": finite_only(rule.to_dict()) if rule is not None else None, "refused": figures["refused"],
              "n_refused": len(labels) - accepted, "accuracy_accepted": figures["accuracy_accepted"]}
    if figures["disagreement"] is not None:
        reject["members_disagree"] = figures["disagreement"]
    calibration = {"bins": BINS, "ece_before": figures["ece_before"],
                   "ece_after": figures["ece_after"] if rule is not None else None,
                   "temperature": model.temperature if rule is not None else None}
    return {"reject": reject, "calibration": calibration}


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from digitnet.errors import DigitnetError
    from digitnet.io import load_model
    from digitnet.io.metadata import note_other_data
    from digitnet.metrics import format_confusion, format_report

    args.model = common.model_path(args.model, quiet=getattr(args, 'json', False))
    model = load_model(args.model)
    network = model.network
    ds = common.load_data(args)
    if not len(ds.test_labels):
        raise DigitnetError(f"the data set '{ds.name}' has no test images to evaluate on")
    note_other_data(model.metadata, ds.name, ds.checksum, "it is evaluated here on data it was not trained for")
    decision = model.decide(ds.test_images)  # one pass over the test set feeds the numbers and every picture
    result = {"model": args.model, "dataset": ds.name,
              **evaluation(network, ds.test_images, ds.test_labels, decision.classes),
              **reject_and_calibration(model, decision, ds.test_labels)}
    if args.plots:
        from pathlib import Path

        from digitnet.io.metadata import recorded_history
        from digitnet.plots import save_model_plots

        drawn = save_model_plots(network, ds.test_images, ds.test_labels, args.plots,
                                 recorded_history(model.metadata), name=Path(args.model).stem,
                                 predictions=(decision.classes, decision.probabilities), decision=decision)
        result["plots"] = {kind: str(path) for kind, path in drawn.items()}
    if args.json:
        common.print_json(result)
        return 0
    print(f"{args.model}: test accuracy {result['accuracy']:.2%} on {result['n']:,} {ds.name} test images "
          f"({result['n'] - round(result['accuracy'] * result['n']):,} errors)")
    print(describe_reject(result["reject"], result["calibration"], result["n"]) + "\n")
    print("confusion matrix (rows: true class, columns: prediction)")
    print(format_confusion(np.array(result["confusion_matrix"])))
    print()
    print(format_report(result["report"]))
    if args.plots:
        print(f"\npictures: {', '.join(result['plots'].values())}")
    return 0


def describe_reject(reject: dict, calibration: dict, n: int) -> str:
    """The reject option and the calibration in a few lines."""
    ece = calibration["ece_before"]
    rule = reject["rule"]
    if rule is None:
        lines = ["no reject rule: every image gets a digit"]
        if ece is not None:
            lines.append(f"expected calibration error (15 bins) {ece:.2%}")
        return "\n".join(lines)
    threshold = "none" if rule.get("threshold") is None else f"{rule['threshold']:.3f}"
    accept = f", chosen to accept {rule['accept']:.1%} of the validation digits" if rule.get("accept") else ""
    lines = [f"reject rule: {rule['score'].replace('_', ' ')} score, threshold {threshold}{accept}"]
    accuracy = reject["accuracy_accepted"]
    lines.append(f"refused as not digits: {reject['refused']:.2%} of the test images ({reject['n_refused']:,}); "
                 f"accuracy on the {n - reject['n_refused']:,} accepted "
                 + (f"{accuracy:.2%}" if accuracy is not None else "-"))
    if reject.get("members_disagree") is not None:
        lines.append(f"the committee's networks disagree on {reject['members_disagree']:.2%} of the test images")
    temperature = calibration["temperature"]
    shown = (f"{temperature:.3f}" if isinstance(temperature, float)
             else ", ".join(f"{t:.3f}" for t in temperature))
    if ece is not None:
        lines.append(f"expected calibration error (15 bins) {ece:.2%} before temperature scaling, "
                     f"{calibration['ece_after']:.2%} after (temperature {shown})")
    return "\n".join(lines)

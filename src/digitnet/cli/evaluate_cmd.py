"""``digitnet evaluate MODEL``: test accuracy, confusion matrix and classification report."""

from __future__ import annotations

import argparse

from digitnet.cli import common


def add_parser(sub) -> None:
    p = sub.add_parser("evaluate", help="score a saved model on the test set",
                       description="Print a saved model's test accuracy, confusion matrix and per-class report.")
    common.add_model_arg(p)
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--plots", metavar="DIR", help="also draw the confusion heat map, the worst mistakes, sample "
                   "images, first-layer weights and (if recorded) learning curves into DIR")
    common.add_data_args(p)
    p.set_defaults(run=run)


def evaluation(network, images, labels, predicted=None) -> dict:
    """Everything ``evaluate`` reports, as plain numbers; ``predicted`` (``network.predict(images)``)
    when the caller already has it, to spare a pass."""
    from digitnet.metrics import confusion_matrix, report_dict

    if predicted is None:
        predicted = network.predict(images)
    num_classes = max(int(labels.max()) + 1, network.n_outputs, 2)
    cm = confusion_matrix(labels, predicted, num_classes)
    return {"accuracy": float((predicted == labels).mean()), "n": int(len(labels)),
            "confusion_matrix": cm.tolist(), "report": report_dict(cm)}


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
    predictions = predicted = None
    if args.plots:  # one pass over the test set feeds the numbers and every picture
        predictions = network.predict_with_proba(ds.test_images)
        predicted = predictions[0]
    result = {"model": args.model, "dataset": ds.name,
              **evaluation(network, ds.test_images, ds.test_labels, predicted)}
    if args.plots:
        from pathlib import Path

        from digitnet.io.metadata import recorded_history
        from digitnet.plots import save_model_plots

        drawn = save_model_plots(network, ds.test_images, ds.test_labels, args.plots,
                                 recorded_history(model.metadata), name=Path(args.model).stem,
                                 predictions=predictions)
        result["plots"] = {kind: str(path) for kind, path in drawn.items()}
    if args.json:
        common.print_json(result)
        return 0
    print(f"{args.model}: test accuracy {result['accuracy']:.2%} on {result['n']:,} {ds.name} test images "
          f"({result['n'] - round(result['accuracy'] * result['n']):,} errors)\n")
    print("confusion matrix (rows: true class, columns: prediction)")
    print(format_confusion(np.array(result["confusion_matrix"])))
    print()
    print(format_report(result["report"]))
    if args.plots:
        print(f"\npictures: {', '.join(result['plots'].values())}")
    return 0

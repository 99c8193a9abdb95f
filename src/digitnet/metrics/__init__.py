"""Scores for a classifier, written out so a reader can see exactly what each number means.

No scikit-learn needed; ``classification_report`` prints in scikit-learn's familiar layout.
"""

from __future__ import annotations

import numpy as np


def accuracy(y_true, y_pred) -> float:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return float(np.mean(y_true == y_pred)) if len(y_true) else 0.0


def confusion_matrix(y_true, y_pred, num_classes: int | None = None) -> np.ndarray:
    """C[i, j] = how many samples of true class i were predicted as class j (rows: truth)."""
    y_true, y_pred = np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)
    k = num_classes or int(max(y_true.max(initial=0), y_pred.max(initial=0)) + 1)
    return np.bincount(y_true * k + y_pred, minlength=k * k).reshape(k, k)


def precision_recall_f1(cm: np.ndarray) -> dict[str, np.ndarray]:
    """Per class: precision = TP / predicted, recall = TP / actual, F1 = their harmonic mean (0 when undefined)."""
    tp = np.diag(cm).astype(np.float64)
    predicted, support = cm.sum(axis=0), cm.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, tp / predicted, 0.0)
        recall = np.where(support > 0, tp / support, 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return {"precision": precision, "recall": recall, "f1": f1, "support": support}


def classification_report(y_true, y_pred, num_classes: int | None = None, names=None, digits: int = 4) -> str:
    """Per-class precision, recall, F1 and support, then accuracy and macro/weighted averages."""
    cm = confusion_matrix(y_true, y_pred, num_classes)
    return format_report(report_dict(cm, names), digits)


def report_dict(cm: np.ndarray, names=None) -> dict:
    """The classification report as plain numbers (what ``--json`` prints)."""
    s = precision_recall_f1(cm)
    names = [str(n) for n in (names if names is not None else range(len(cm)))]
    total = int(s["support"].sum())
    weights = s["support"] / max(total, 1)
    rows = {name: {"precision": float(s["precision"][i]), "recall": float(s["recall"][i]), "f1": float(s["f1"][i]),
                   "support": int(s["support"][i])} for i, name in enumerate(names)}
    avg = lambda w: {m: float(np.sum(s[m] * w)) for m in ("precision", "recall", "f1")}  # noqa: E731
    return {"classes": rows, "accuracy": float(np.trace(cm) / max(total, 1)),
            "macro avg": {**avg(np.full(len(cm), 1 / len(cm))), "support": total},
            "weighted avg": {**avg(weights), "support": total}}


def format_report(report: dict, digits: int = 4) -> str:
    width = max(12, *(len(n) for n in report["classes"]))
    head = f"{'':>{width}} {'precision':>10} {'recall':>10} {'f1-score':>10} {'support':>10}"
    line = lambda name, r: (f"{name:>{width}} {r['precision']:>10.{digits}f} {r['recall']:>10.{digits}f} "  # noqa: E731
                            f"{r['f1']:>10.{digits}f} {r['support']:>10}")
    rows = [head, ""] + [line(n, r) for n, r in report["classes"].items()] + [""]
    total = report["macro avg"]["support"]
    rows.append(f"{'accuracy':>{width}} {'':>10} {'':>10} {report['accuracy']:>10.{digits}f} {total:>10}")
    rows += [line("macro avg", report["macro avg"]), line("weighted avg", report["weighted avg"])]
    return "\n".join(rows)


def format_confusion(cm: np.ndarray, names=None) -> str:
    """The confusion matrix as a text table: rows are true classes, columns predictions."""
    names = [str(n) for n in (names if names is not None else range(len(cm)))]
    w = max(5, len(str(cm.max())) + 1, *(len(n) + 1 for n in names))
    lines = ["true\\pred".ljust(w + 4) + "".join(f"{n:>{w}}" for n in names)]
    lines += [f"{names[i]:>{w + 3}} " + "".join(f"{v:>{w}}" for v in row) for i, row in enumerate(cm)]
    return "\n".join(lines)


__all__ = ["accuracy", "classification_report", "confusion_matrix", "format_confusion", "format_report",
           "precision_recall_f1", "report_dict"]

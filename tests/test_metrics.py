"""Metrics against numbers worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from digitnet.metrics import (
    accuracy,
    classification_report,
    confusion_matrix,
    format_confusion,
    precision_recall_f1,
    report_dict,
)

Y_TRUE = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 2])
Y_PRED = np.array([0, 0, 1, 1, 2, 2, 2, 2, 0, 2])


def test_confusion_matrix_rows_are_truth():
    cm = confusion_matrix(Y_TRUE, Y_PRED)
    assert cm.tolist() == [[2, 1, 0], [0, 1, 1], [1, 0, 4]]
    assert confusion_matrix([0], [0], num_classes=3).shape == (3, 3)


def test_precision_recall_f1_by_hand():
    s = precision_recall_f1(confusion_matrix(Y_TRUE, Y_PRED))
    assert s["precision"] == pytest.approx([2 / 3, 1 / 2, 4 / 5])
    assert s["recall"] == pytest.approx([2 / 3, 1 / 2, 4 / 5])
    assert s["support"].tolist() == [3, 2, 5]
    assert accuracy(Y_TRUE, Y_PRED) == 0.7


def test_class_never_predicted_scores_zero_not_nan():
    s = precision_recall_f1(confusion_matrix([0, 1, 1], [0, 0, 0], num_classes=3))
    assert s["precision"][1] == 0 and s["f1"][2] == 0 and np.all(np.isfinite(s["f1"]))


def test_report_layout_and_averages():
    text = classification_report(Y_TRUE, Y_PRED)
    assert "precision" in text and "weighted avg" in text and "macro avg" in text
    d = report_dict(confusion_matrix(Y_TRUE, Y_PRED))
    assert d["accuracy"] == pytest.approx(0.7)
    assert d["weighted avg"]["recall"] == pytest.approx(0.7)  # weighted recall is accuracy
    assert d["macro avg"]["precision"] == pytest.approx((2 / 3 + 1 / 2 + 4 / 5) / 3)
    assert "true\\pred" in format_confusion(confusion_matrix(Y_TRUE, Y_PRED))

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


# -- the interval of a share -------------------------------------------------------------------------------
@pytest.mark.parametrize("k, n", [(0, 10), (3, 300), (150, 300), (297, 300), (300, 300), (9935, 10000)])
def test_wilson_interval_is_the_set_the_score_test_does_not_reject(k, n):
    """Its ends are the shares p at which |k/n - p| = z sqrt(p(1-p)/n) (where the interval is not cut at
    0 or 1), and the measured share lies inside it."""
    from digitnet.metrics.intervals import Z_95, wilson_interval

    low, high = wilson_interval(k, n)
    share = k / n
    assert 0.0 <= low <= share <= high <= 1.0
    for end in (low, high):
        if 0.0 < end < 1.0:
            assert abs(share - end) == pytest.approx(Z_95 * np.sqrt(end * (1 - end) / n), rel=1e-9)
    assert (low == 0.0) == (k == 0) and (high == 1.0) == (k == n)


def test_wilson_interval_narrows_with_the_sample_and_mirrors():
    from digitnet.metrics.intervals import wilson_interval

    small, large = wilson_interval(3, 300), wilson_interval(30, 3000)
    assert small[0] < large[0] and large[1] < small[1]
    low, high = wilson_interval(3, 300)
    assert wilson_interval(297, 300) == pytest.approx((1 - high, 1 - low), rel=1e-12)
    assert wilson_interval(0, 10)[1] == pytest.approx(Z_95_SQUARED / (10 + Z_95_SQUARED))


Z_95_SQUARED = 1.959963984540054 ** 2


@pytest.mark.parametrize("k, n", [(-1, 10), (11, 10), (0, 0), (1.5, 10), (True, 10), (3, np.float64(300))])
def test_wilson_interval_refuses_what_is_not_a_share(k, n):
    from digitnet.metrics.intervals import wilson_interval

    with pytest.raises(ValueError, match="whole numbers"):
        wilson_interval(k, n)


def test_wilson_interval_takes_numpy_counts_and_refuses_a_bad_z():
    from digitnet.metrics.intervals import wilson_interval

    assert wilson_interval(np.int64(3), np.int32(300)) == wilson_interval(3, 300)
    for z in (0.0, -1.96, float("nan")):
        with pytest.raises(ValueError, match="z must be a positive number"):
            wilson_interval(3, 300, z)

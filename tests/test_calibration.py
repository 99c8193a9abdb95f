"""Expected calibration error and the reliability table, and their pictures."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from digitnet.metrics.calibration import expected_calibration_error, reliability


def test_ece_by_hand():
    """Two bins used: 0.95 (right) and 0.95 (wrong) -> accuracy 0.5 vs confidence 0.95 in bin 15;
    0.55 (right) in bin 9 -> accuracy 1 vs 0.55. ECE = (2 * 0.45 + 1 * 0.45) / 3 = 0.45."""
    p = np.array([[0.95, 0.05], [0.95, 0.05], [0.55, 0.45]])
    y = np.array([0, 1, 0])
    rel = reliability(p, y)
    assert rel.ece == pytest.approx(0.45)
    assert rel.counts[14] == 2 and rel.counts[8] == 1 and rel.counts.sum() == 3
    assert rel.accuracy[14] == pytest.approx(0.5) and rel.confidence[8] == pytest.approx(0.55)
    assert np.isnan(rel.accuracy[0])
    assert len(rel.edges) == 16


def test_calibrated_predictions_have_a_small_ece_and_overconfident_ones_a_large_one():
    gen = np.random.default_rng(0)
    conf = gen.uniform(0.5, 1.0, 200000)
    right = gen.random(200000) < conf  # right exactly as often as they say
    p = np.stack([conf, 1 - conf], axis=1)
    y = np.where(right, 0, 1)
    assert expected_calibration_error(p, y) < 0.005
    sharp = np.stack([np.full(200000, 0.99), np.full(200000, 0.01)], axis=1)
    assert expected_calibration_error(sharp, y) == pytest.approx(0.99 - right.mean(), abs=1e-9)


def test_a_confidence_on_a_bin_edge_goes_to_the_bin_below():
    p = np.array([[1 / 3, 1 / 3, 1 / 3], [1.0, 0.0, 0.0]])
    rel = reliability(p, np.array([0, 0]), bins=3)
    assert rel.counts.tolist() == [1, 0, 1]


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        reliability(np.ones((3, 2)) / 2, np.zeros(2))
    with pytest.raises(ValueError):
        reliability(np.ones((3, 2)) / 2, np.zeros(3), bins=0)


def test_the_reliability_diagram_and_the_answer_grid_are_drawn(tmp_path):
    from digitnet.plots.refusals import plot_answers
    from digitnet.plots.reliability import plot_reliability

    gen = np.random.default_rng(0)
    p = gen.dirichlet(np.ones(10) * 0.3, 500)
    y = gen.integers(0, 10, 500)
    softer = p ** 0.5 / (p ** 0.5).sum(1)[:, None]
    path = plot_reliability([("before", reliability(p, y)), ("after", reliability(softer, y))], tmp_path / "rel.png")
    with Image.open(path) as image:
        assert image.size == (840, 520)
    images = gen.integers(0, 256, (12, 28, 28), dtype=np.uint8)
    path = plot_answers(images, [3, -1] * 6, [0.9, 0.2] * 6, tmp_path / "answers.png", "answers", columns=6,
                        names=["a"] * 12)
    with Image.open(path) as image:
        assert image.size[0] > 400 and path.stat().st_size > 2000
    with pytest.raises(ValueError):
        plot_reliability([], tmp_path / "none.png")

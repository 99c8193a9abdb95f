"""Pictures of numbers (docs/reject.md, twelfth round): the measuring set of ``benchmarks/reject.py
--numbers`` writes each number whole, clear of the picture's edges, and the harness
``benchmarks/number_negatives.py`` sets its numbers' digits apart and replaces only drawn negatives."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pytest

from benchmark_scripts import load_script

DEJAVU = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def inked_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """The runs of columns that hold ink, left to right, as (first, last)."""
    inked = np.asarray(mask, float).max(axis=0) > 0.1
    edges = np.flatnonzero(np.diff(np.concatenate([[0], inked.astype(int), [0]])))
    return list(zip(edges[::2], edges[1::2] - 1))


def test_a_measured_number_is_its_digits_apart_and_clear_of_the_edges(monkeypatch):
    make = load_script(monkeypatch, "non_digits/make_non_digits.py")
    number = np.asarray(make.render_number("47", DEJAVU, 100, np.random.default_rng(0)))
    assert number.shape[0] == 100
    runs = inked_runs(number)
    assert len(runs) == 2  # two digits, a gap between them
    margin = (100 - 60) // 2
    assert runs[0][0] >= margin and runs[-1][1] < number.shape[1] - margin
    assert not number[:margin].any() and not number[-margin:].any()


def test_the_numbers_set_is_prepared_and_named_by_length(monkeypatch):
    bench = load_script(monkeypatch, "reject.py", "reject_benchmark")
    monkeypatch.setattr(bench.make_digits, "find_fonts", lambda: {"DejaVuSans.ttf": DEJAVU})
    monkeypatch.setattr(bench.make_digits, "MIN_FONTS", 1)
    numbers = bench.numbers_set(4)
    assert numbers.images.shape == (4, 28, 28) and numbers.labels is None
    assert numbers.names == ["2 digits", "3 digits", "2 digits", "3 digits"]
    assert [len(d.split()[-1]) for d in numbers.details] == [2, 3, 2, 3]
    assert not numbers.unprepared.any()
    for image in numbers.images:  # whole: several digits side by side reach MNIST's form wider than tall
        rows, cols = np.nonzero(image > 32)
        assert cols.max() - cols.min() > rows.max() - rows.min()


def test_the_harness_numbers_are_several_digits_and_replace_drawn_negatives_only(monkeypatch):
    harness = load_script(monkeypatch, "number_negatives.py")
    rng = np.random.default_rng(1)
    assert len(inked_runs(harness.number_mask([4, 8, 0], rng))) == 3
    drawn = harness.draw_numbers(5, rng)
    assert drawn.shape == (5, 28, 28) and drawn.dtype == np.uint8
    for image in drawn:  # every digit kept by the preparation: as wide as tall or wider ("11" in a thin face)
        rows, cols = np.nonzero(image > 32)
        assert cols.max() - cols.min() >= rows.max() - rows.min()

    labels = np.array([3, 7] + [-1] * 10 + [-1] * 4)  # two digits, ten drawn negatives, four of Fashion-MNIST
    images = np.full((16, 28, 28), 9, np.uint8)
    out = harness.replace_drawn(images, labels, fashion=4, share=0.5, rng=rng)
    changed = np.flatnonzero((out != images).any(axis=(1, 2)))
    assert len(changed) == 5 and changed.min() >= 2 and changed.max() < 12
    with pytest.raises(ValueError):  # more than there are
        harness.replace_drawn(images, labels, fashion=4, share=1.5, rng=rng)

"""Pictures of numbers (docs/reject.md, twelfth round): the measuring set of ``benchmarks/reject.py
--numbers`` writes each number whole, clear of the picture's edges, and the harness
``benchmarks/number_negatives.py`` sets its numbers' digits apart and replaces only drawn negatives."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
DEJAVU = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def load(monkeypatch, name: str, path: Path):
    for folder in ("", "handwriting", "non_digits"):  # as the scripts put them on their own path
        monkeypatch.syspath_prepend(str(BENCHMARKS / folder))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)  # (reject.py's dataclass looks itself up there)
    spec.loader.exec_module(module)
    return module


def inked_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """The runs of columns that hold ink, left to right, as (first, last)."""
    inked = np.asarray(mask, float).max(axis=0) > 0.1
    edges = np.flatnonzero(np.diff(np.concatenate([[0], inked.astype(int), [0]])))
    return list(zip(edges[::2], edges[1::2] - 1))


def test_a_measured_number_is_its_digits_apart_and_clear_of_the_edges(monkeypatch):
    make = load(monkeypatch, "make_non_digits", BENCHMARKS / "non_digits" / "make_non_digits.py")
    number = np.asarray(make.render_number("47", DEJAVU, 100, np.random.default_rng(0)))
    assert number.shape[0] == 100
    runs = inked_runs(number)
    assert len(runs) == 2  # two digits, a gap between them
    margin = (100 - 60) // 2
    assert runs[0][0] >= margin and runs[-1][1] < number.shape[1] - margin
    assert not number[:margin].any() and not number[-margin:].any()


def test_the_numbers_set_is_prepared_and_named_by_length(monkeypatch):
    bench = load(monkeypatch, "reject_benchmark", BENCHMARKS / "reject.py")
    monkeypatch.setattr(bench.make_digits, "find_fonts", lambda: {"DejaVuSans.ttf": DEJAVU})
    monkeypatch.setattr(bench.make_digits, "MIN_FONTS", 1)
    numbers = bench.numbers_set(4)
    assert numbers.images.shape == (4, 28, 28) and numbers.labels is None
    assert numbers.names == ["2 digits", "3 digits", "2 digits", "3 digits"]
    assert [len(d.split()[-1]) for d in numbers.details] == [2, 3, 2, 3]
    whole = ~numbers.unprepared
    assert whole.any() and all(numbers.images[i].max() > 0 for i in np.flatnonzero(whole))


def test_the_harness_numbers_are_several_digits_and_replace_drawn_negatives_only(monkeypatch):
    harness = load(monkeypatch, "number_negatives", BENCHMARKS / "number_negatives.py")
    rng = np.random.default_rng(1)
    assert len(inked_runs(harness.number_mask([4, 8, 0], rng))) == 3
    drawn = harness.draw_numbers(5, rng)
    assert drawn.shape == (5, 28, 28) and drawn.dtype == np.uint8 and (drawn.max(axis=(1, 2)) > 0).all()

    labels = np.array([3, 7] + [-1] * 10 + [-1] * 4)  # two digits, ten drawn negatives, four of Fashion-MNIST
    images = np.full((16, 28, 28), 9, np.uint8)
    out = harness.replace_drawn(images, labels, fashion=4, share=0.5, rng=rng)
    changed = np.flatnonzero((out != images).any(axis=(1, 2)))
    assert len(changed) == 5 and changed.min() >= 2 and changed.max() < 12
    with pytest.raises(ValueError):  # more than there are
        harness.replace_drawn(images, labels, fashion=4, share=1.5, rng=rng)

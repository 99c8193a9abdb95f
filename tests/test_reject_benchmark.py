"""benchmarks/reject.py's target lines: each share with its count and 95% interval, as the README says."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load_benchmark(monkeypatch):
    for folder in ("", "handwriting", "non_digits"):  # as the script puts them on its own path
        monkeypatch.syspath_prepend(str(BENCHMARKS / folder))
    spec = importlib.util.spec_from_file_location("reject_benchmark", BENCHMARKS / "reject.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "reject_benchmark", module)  # (its dataclass looks itself up there)
    spec.loader.exec_module(module)
    return module


def test_each_share_is_printed_with_its_count_and_interval(monkeypatch, capsys):
    bench = load_benchmark(monkeypatch)
    labels = np.array([1] * 300)
    digits = labels.copy()
    digits[:3] = -1  # three refused
    digits[3:12] = 7  # nine read wrong
    sets = {"handwriting": bench.PictureSet(np.zeros((300, 28, 28), np.uint8), labels, [], np.zeros(300, bool))}
    figs = bench.outcome(sets, {"handwriting": digits})
    assert (figs["handwriting_count"], figs["handwriting_accepted_count"]) == (300, 297)
    assert bench.print_targets("a model", figs) is False  # most targets' sets are missing here
    lines = {line.split("  ")[1].strip(): line for line in capsys.readouterr().out.splitlines()[1:]}
    assert lines["handwriting refused"].endswith("met       (3 of 300; 95% interval 0.34%-2.90%)")
    assert lines["handwriting accuracy on accepted"].endswith("(288 of 297; 95% interval 94.34%-98.40%)")
    assert lines["MNIST test refused"].endswith("(set missing)")

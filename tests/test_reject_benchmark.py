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


def test_the_frontier_is_the_threshold_refusing_most_non_digits_with_the_other_targets_met(monkeypatch):
    bench = load_benchmark(monkeypatch)
    from digitnet.reject import RejectRule

    def picture_set(n, labelled=True):
        labels = np.arange(n) % 10 if labelled else None
        return bench.PictureSet(np.zeros((n, 28, 28), np.uint8), labels, [], np.zeros(n, bool))

    def logits(scores, labels):  # the top logit, at the label's place, is the score ("max_logit")
        z = np.zeros((len(scores), 10))
        z[np.arange(len(scores)), labels if labels is not None else 0] = scores
        return z

    handwriting = np.full(300, 1000.0)
    handwriting[:4] = [10, 10, 15, 18]  # a threshold over 18 refuses 4 of 300: over the 1% bound
    scores = {"mnist_val": np.arange(2000) + 0.5,  # accepting a share a puts the threshold at floor((1-a)2000) + 0.5
              "mnist_test": np.full(1000, 100.0), "fashion": np.full(1000, -5.0), "handwriting": handwriting,
              "non_digits": np.arange(400) * 0.05}
    sets = {k: picture_set(len(v), k in ("mnist_val", "mnist_test", "handwriting")) for k, v in scores.items()}
    z = {k: logits(v, sets[k].labels) for k, v in scores.items()}
    accept, figs = bench.frontier(RejectRule("max_logit", 1.0), sets, z)
    assert accept == 0.9915  # threshold 17.5: 3 handwritten digits refused; at 99.1% (18.5) a fourth
    assert figs["handwriting_refused"] == 0.01 and figs["non_digits_refused"] == 350 / 400
    assert figs["mnist_refused"] == 0 and figs["fashion_refused"] == 1

    wrong = np.array(sets["handwriting"].labels)
    wrong[:20] = (wrong[:20] + 1) % 10  # 20 of 300 read wrong at every threshold: 93.3% right, under 96%
    z["handwriting"] = logits(handwriting, wrong)
    assert bench.frontier(RejectRule("max_logit", 1.0), sets, z) is None
    accept, figs = bench.frontier(RejectRule("max_logit", 1.0), sets, z, keys=bench.MOVED_BY_THRESHOLD[:3])
    assert accept == 0.9915 and figs["non_digits_refused"] == 350 / 400  # the refusal bounds alone: as before

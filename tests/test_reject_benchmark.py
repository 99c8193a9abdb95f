"""benchmarks/reject.py's target lines: each share with its count and 95% interval, as the README says."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmark_scripts import load_script


def load_benchmark(monkeypatch):
    return load_script(monkeypatch, "reject.py", "reject_benchmark")


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


RULE_AT_T2 = ("energy", 2.0)


def logits(scores, labels):
    """Logits whose energy at T = 2 is ``scores`` + 10: the label's logit L, nine zeros, and
    2 log(exp(L / 2) + 9) = score."""
    z = np.zeros((len(scores), 10))
    z[np.arange(len(scores)), labels if labels is not None else 0] = 2 * np.log(np.exp((scores + 10) / 2) - 9)
    return z


def measured_sets(bench):
    """Five sets, their logits and scores, scored so that the frontier is known: a threshold over 16.02 (+ 10)
    refuses a sixth MNIST digit of 1,000 (over the 0.5% bound), one over 18.02 a fourth handwritten digit."""
    def picture_set(n, labelled=True):
        labels = np.arange(n) % 10 if labelled else None
        return bench.PictureSet(np.zeros((n, 28, 28), np.uint8), labels, [], np.zeros(n, bool))

    handwriting = np.full(300, 90.0)
    handwriting[:4] = [10.02, 10.02, 15.02, 18.02]
    mnist_test = np.full(1000, 90.0)
    mnist_test[:6] = [12.02] * 5 + [16.02]
    scores = {"mnist_val": np.arange(2000) * 0.05, "mnist_test": mnist_test, "fashion": np.full(1000, -5.0),
              "handwriting": handwriting, "non_digits": np.arange(400) * 0.05}
    sets = {k: picture_set(len(v), k not in ("fashion", "non_digits")) for k, v in scores.items()}
    return sets, {k: logits(v, sets[k].labels) for k, v in scores.items()}, scores


def test_the_frontier_is_the_threshold_refusing_most_non_digits_with_the_other_targets_met(monkeypatch):
    bench = load_benchmark(monkeypatch)
    from digitnet.reject import RejectRule

    rule = RejectRule(*RULE_AT_T2)
    sets, z, scores = measured_sets(bench)

    every, refusals = bench.frontier(rule, sets, z)
    threshold, accept, figs = every
    assert 10 + 16.0 < threshold < 10 + 16.01  # in the rule's units (energy at T = 2, not at 1)
    assert figs["non_digits_refused"] == 321 / 400  # 0, 0.05, ..., 16.0: above 16.02, a sixth MNIST digit
    assert (figs["mnist_refused"], figs["handwriting_refused"], figs["fashion_refused"]) == (0.005, 3 / 300, 1)
    assert accept == 1 - 321 / 2000  # the validation digits under it, scored as the held-out pictures are
    assert refusals[2]["non_digits_refused"] == 321 / 400

    wrong = np.array(sets["mnist_test"].labels)
    wrong[-8:] = (wrong[-8:] + 1) % 10  # 8 of 1,000 read wrong at every threshold: 99.2% right, under 99.27%
    z["mnist_test"] = logits(scores["mnist_test"], wrong)
    every, refusals = bench.frontier(rule, sets, z)
    assert every is None  # no threshold meets the accuracy target...
    assert refusals[2]["non_digits_refused"] == 321 / 400  # ...and the refusal bounds alone do not ask it

    z["non_digits"] = logits(np.repeat(np.arange(200) * 0.1 + 0.03, 2), None)  # pairs of equal scores: of the
    threshold, _, figs = bench.frontier(rule, sets, z)[1]  # thresholds refusing as many, the lowest
    assert figs["non_digits_refused"] == 320 / 400 and 10 + 15.93 < threshold < 10 + 15.94


def test_a_committees_frontier_is_that_of_its_mean_energy(monkeypatch):
    bench = load_benchmark(monkeypatch)
    from digitnet.reject import RejectRule

    sets, z, scores = measured_sets(bench)
    single = bench.frontier(RejectRule(*RULE_AT_T2), sets, z)
    # two members alike: one network's frontier
    twins = bench.committee_frontier(bench.Combined.of([z, z], [2.0, 2.0]), sets)
    assert [b[0] for b in twins] == [b[0] for b in single] and [b[2] for b in twins] == [b[2] for b in single]
    # a second member scoring every picture 2 higher: the mean is 1 higher, and so is each threshold
    higher = {k: logits(v + 2, sets[k].labels) for k, v in scores.items()}
    shifted = bench.committee_frontier(bench.Combined.of([z, higher], [2.0, 2.0]), sets)
    for ours, theirs in zip(shifted, single):
        assert ours[0] == pytest.approx(theirs[0] + 1, abs=1e-9) and ours[2] == theirs[2]


def test_frontier_prints_both_frontiers_and_says_when_it_cannot(monkeypatch, capsys):
    bench = load_benchmark(monkeypatch)
    from digitnet.reject import RejectRule

    sets, z, _ = measured_sets(bench)
    kept = bench.print_frontier(RejectRule(*RULE_AT_T2), sets, z)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("  frontier, every other target met: 80.25% of the held-out set refused at most")
    assert lines[1].startswith("  frontier, the refusal bounds alone met") and "80.25%" in lines[1]
    assert kept["frontier"]["figures"]["non_digits_refused"] == 321 / 400 and kept["frontier"]["accept"] == 0.8395
    del sets["fashion"]
    assert bench.print_frontier(RejectRule(*RULE_AT_T2), sets, z) == {}
    assert capsys.readouterr().out == "  frontier: needs every measuring set (fashion missing)\n"


def test_several_folders_are_pooled_and_a_folder_without_a_set_is_said(monkeypatch, tmp_path):
    bench = load_benchmark(monkeypatch)

    def one(n, label, details):
        return bench.PictureSet(np.full((n, 28, 28), label, np.uint8), np.full(n, label), [str(label)] * n,
                                np.arange(n) == 0, details)

    made = {tmp_path / "a": one(2, 3, ["letter d", "letter v"]),
            tmp_path / "b": one(3, 5, ["symbol ?", "scribble arrow", "letter D"])}
    for folder in made:
        folder.mkdir()
        (folder / "labels.csv").write_text("file,digit\n")
    default = tmp_path / "seed1"
    both = bench.picture_sets(list(made), made.__getitem__, default)
    assert both.labels.tolist() == [3, 3, 5, 5, 5] and both.names == ["3", "3", "5", "5", "5"]
    assert both.images[:, 0, 0].tolist() == [3, 3, 5, 5, 5] and both.unprepared.tolist() == [1, 0, 1, 0, 0]
    assert both.details == ["letter d", "letter v", "symbol ?", "scribble arrow", "letter D"]
    unlabelled = bench.pooled([bench.PictureSet(s.images, None, s.names, s.unprepared) for s in made.values()])
    assert unlabelled.labels is None and len(unlabelled.images) == 5
    hits = np.array([1, 0, 1, 0, 0, 1, 0, 1], bool)  # of each thing: hits, then pictures; most hits first
    assert bench.tally(both.details + ["letter d", "letter d", "letter D"], hits) == [
        ("letter d", 2, 3), ("symbol ?", 1, 1), ("letter D", 1, 2)]
    # a folder without a set is not filled with the seed-1 set, alone or among others; the default is
    for folders in ([tmp_path / "c"], [tmp_path / "a", tmp_path / "c"]):
        with pytest.raises(SystemExit, match="c has no labels.csv, so it is not a set yet"):
            bench.picture_sets(folders, made.__getitem__, default)
    assert bench.picture_sets([default], lambda folder: one(1, 7, []), default).labels.tolist() == [7]


def test_a_set_read_from_its_folder_keeps_what_each_picture_shows(monkeypatch, tmp_path):
    from PIL import Image, ImageDraw

    bench = load_benchmark(monkeypatch)
    drawn = Image.new("L", (80, 80), 255)
    ImageDraw.Draw(drawn).line([(20, 10), (60, 70)], fill=0, width=8)
    drawn.save(tmp_path / "0000-letter.png")
    Image.new("L", (80, 80), 255).save(tmp_path / "0001-symbol.png")  # blank: the preparation refuses it
    (tmp_path / "labels.csv").write_text("file,kind,what\n0000-letter.png,letter,d\n0001-symbol.png,symbol,?\n",
                                         encoding="utf-8")
    read = bench.non_digit_set(tmp_path)
    assert read.names == ["letter", "symbol"] and read.details == ["letter d", "symbol ?"]
    assert read.unprepared.tolist() == [False, True] and read.images[0].any() and read.labels is None
    assert read.refused(np.array([7, 7])).tolist() == [False, True]


def test_the_set_options_take_several_folders_after_the_models(monkeypatch, tmp_path):
    bench = load_benchmark(monkeypatch)
    seen = {}

    def stop(args):
        seen["args"] = args
        raise SystemExit("stop here")

    monkeypatch.setattr(bench, "load_model", lambda path: None)
    monkeypatch.setattr(bench, "load_sets", stop)
    with pytest.raises(SystemExit, match="stop here"):
        bench.main(["m.npz", "n.npz", "--handwriting", "h0", "h2", "--non-digits", "d0", "d2"])
    args = seen["args"]
    assert args.models == [Path("m.npz"), Path("n.npz")]
    assert args.handwriting == [Path("h0"), Path("h2")] and args.non_digits == [Path("d0"), Path("d2")]


def test_kinds_tally_the_non_digits_accepted_and_the_handwritten_digits_refused(monkeypatch, capsys):
    bench = load_benchmark(monkeypatch)
    blank = np.zeros((4, 28, 28), np.uint8)
    sets = {"non_digits": bench.PictureSet(blank, None, ["letter", "letter", "symbol", "letter"],
                                           np.array([0, 0, 0, 1], bool),
                                           ["letter d", "letter d", "symbol ?", "letter v"]),
            "handwriting": bench.PictureSet(blank, np.array([1, 1, 4, 4]), [], np.array([0, 0, 0, 1], bool),
                                            ["Delphine 1", "Delphine 1", "Kristi 4", "Kristi 4"])}
    answers = {"non_digits": np.array([4, -1, 7, 4]),  # two letters taken for digits; the last unprepared
               "handwriting": np.array([-1, -1, 4, 4])}  # both 1s refused; the last 4 unprepared
    entry = bench.print_kinds(sets, answers)
    out = capsys.readouterr().out
    assert "refused, by kind: letter 66.7% of 3, symbol 0.0% of 1" in out
    assert "accepted as digits: symbol ? (1/1), letter d (1/2)\n" in out
    assert "by font and digit: Delphine 1 (2/2), Kristi 4 (1/2)\n" in out
    assert entry["handwriting_refused_by_font"] == [("Delphine 1", 2, 2), ("Kristi 4", 1, 2)]
    none = bench.print_kinds(sets, {"non_digits": np.full(4, -1), "handwriting": np.array([1, 1, 4, 4])})
    assert none["accepted_as_digits"] == [] and none["handwriting_refused_by_font"] == [("Kristi 4", 1, 2)]
    assert "accepted as digits: none" in capsys.readouterr().out

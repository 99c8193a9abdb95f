"""The harness ``benchmarks/continental_one.py`` (docs/reject.md, thirteenth round): the negatives it draws
hold nothing a continental 1 looks like, its pen writes 1s with a longer flag too, the user cache is
kept out, and everything is as before once the test ends."""

from __future__ import annotations

import numpy as np

from benchmark_scripts import load_script
from digitnet.negatives import fonts, make_negatives, pen_digits, pen_letters
from digitnet.train import runner


def test_the_harness_draws_no_continental_one_and_keeps_the_cache_out(monkeypatch):
    harness = load_script(monkeypatch, "continental_one.py")
    for module, name in ((fonts, "candidates"), (pen_letters, "CHARACTERS"), (runner, "reject_set")):
        monkeypatch.setattr(module, name, getattr(module, name))  # put back when the test ends
    monkeypatch.setitem(pen_digits.SHAPES, 1, pen_digits.SHAPES[1])
    before = {group: "".join(chars for _, chars in faces) for group, faces in fonts.training_fonts().items()}
    assert "^" in before["symbols"] and "^" in pen_letters.CHARACTERS  # what the harness takes away
    ones = len(pen_digits.SHAPES[1])
    try:
        harness.leave_out_continental_ones()
        after = {group: "".join(chars for _, chars in faces) for group, faces in fonts.training_fonts().items()}
        for group, chars in after.items():
            assert not set(chars) & set(harness.LIKE_A_CONTINENTAL_ONE)
            assert set(chars) == set(before[group]) - set(harness.LIKE_A_CONTINENTAL_ONE)  # nothing else goes
        assert "^" not in pen_letters.CHARACTERS and len(pen_letters.CHARACTERS) == len(pen_letters.SHAPES) - 1
        assert len(pen_digits.SHAPES[1]) == ones + 1
        flag = pen_digits.write(harness.longer_flag(), np.random.default_rng(0))
        assert flag.ndim == 2 and flag.max() > 0
        assert runner.reject_set.keywords == {"cache": False}
        drawn = make_negatives(60, seed=3, shares={"glyph": 0.5, "pen": 0.5})  # with the harness's characters
        shown = [str(k).removesuffix(":erased").split(":")[-1] for k in drawn.kinds]  # glyph:GROUP:CHAR[:erased]
        assert len(drawn) == 60 and not set(shown) & set(harness.LIKE_A_CONTINENTAL_ONE)
    finally:
        fonts.training_fonts.cache_clear()  # its characters were the harness's
    assert harness.main(["--", "--committee", "3"]) == 2  # members elsewhere would miss the changes

"""The scripts in examples/ still run: each one's --quick mode, end to end, as a newcomer would start it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.py"))
#: a line each script must print, so that a script that exits early without an error still fails
EXPECTED = {"01_is_it_zero.py": "(the tutorial: 99.12%)", "02_is_it_zero_hidden.py": "every image called 'not a 0'",
            "03_softmax_l2.py": "(the tutorial: 91.6% and 91.1%)", "04_nielsen.py": "Peak of the per-epoch test counts",
            "05_momentum.py": "test accuracy on the other 5,000 images", "06_moons.py": "held-out accuracy"}


def test_every_example_has_an_expectation():
    assert sorted(EXPECTED) == [p.name for p in EXAMPLES]


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs_quickly(script, tmp_path, mnist):
    """``mnist`` first: the scripts find the data the same way (DIGITNET_DATA or the user cache)."""
    env = dict(os.environ, MPLBACKEND="Agg")
    out = subprocess.run([sys.executable, str(script), "--quick"], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert EXPECTED[script.name] in out.stdout

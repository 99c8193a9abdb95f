"""The scripts in examples/ still run: each one's --quick mode, end to end, as a newcomer would start it.

They are also the gallery of the documentation site (tests/test_docs.py builds it); here they run as
plain scripts. The first, backprop on one screen, is also checked for what it claims.
"""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.py"))
#: a line each script must print, so that a script that exits early without an error still fails
EXPECTED = {"00_backprop_on_one_screen.py": "largest difference between the weights after the step",
            "01_is_it_zero.py": "(the tutorial: 99.12%)", "02_is_it_zero_hidden.py": "every image called 'not a 0'",
            "03_softmax_l2.py": "(the tutorial: 91.6% and 91.1%)", "04_nielsen.py": "peak of the per-epoch test counts",
            "05_momentum.py": "test accuracy on the other 5,000 images", "06_moons.py": "held-out accuracy",
            "07_the_book.py": "loaded back:"}


def test_every_example_has_an_expectation():
    assert sorted(EXPECTED) == [p.name for p in EXAMPLES]


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs_quickly(script, tmp_path, mnist):
    """``mnist`` first: the scripts find the data the same way (DIGITNET_DATA or the user cache)."""
    env = {k: v for k, v in os.environ.items() if k != "DIGITNET_QUICK"}
    env["MPLBACKEND"] = "Agg"
    out = subprocess.run([sys.executable, str(script), "--quick"], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert EXPECTED[script.name] in out.stdout


def test_backprop_on_one_screen_learns_and_agrees_with_digitnet(mnist, monkeypatch):
    """The NumPy network learns (quick form: one epoch on 10,000 images), and digitnet's layers, given the
    same weights and batch in float64, compute the same gradients and take the same step, to rounding."""
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.setenv("DIGITNET_QUICK", "1")
    page = runpy.run_path(str(EXAMPLES[0]), run_name="__main__")
    assert page["QUICK"] and len(page["X_train"]) == 10000
    assert page["test_accuracy"] >= 0.85, page["history"]
    scale = max(1.0, page["largest"])
    assert page["gradient_difference"] <= 1e-12 * scale, page["gradient_difference"]
    assert page["weight_difference"] <= 1e-12, page["weight_difference"]
    import matplotlib.pyplot as plt

    plt.close("all")

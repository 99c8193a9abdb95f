"""scripts/check_saved_models.py tells a model the current code reproduces from one it does not."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

from digitnet.cli import main
from digitnet.io import load_model, save_model

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "check_saved_models.py"


def load_script():
    spec = importlib.util.spec_from_file_location("check_saved_models", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rewritten(model: Path, folder: Path, change) -> Path:
    """A copy of ``model`` in ``folder`` whose description ``change(meta)`` has edited."""
    loaded = load_model(model)
    meta = copy.deepcopy(loaded.metadata)
    change(meta)
    folder.mkdir()
    return save_model(loaded.network, folder / model.name, meta)


def test_a_fresh_model_reproduces_and_a_changed_history_does_not(mnist, tmp_path, capsys):
    model = tmp_path / "small-s3.npz"
    assert main(["train", "--layers", "784,8,10", "--epochs", "2", "--seed", "3", "--quiet", "--out", str(model)]) == 0
    check = load_script()
    assert check.main([str(model)]) == 0
    assert "same" in capsys.readouterr().out

    def nudged(meta):  # the first epoch's saved loss off by one part in 1e12
        meta["history"]["epochs"][0]["loss"] *= 1 + 1e-12

    def elsewhere(meta):  # ... by a run on other kernels with another Pillow
        nudged(meta)
        meta["environment"].update(blas_kernels="Haswell" if meta["environment"]["blas_kernels"] != "Haswell"
                                   else "Zen", pillow="10.0.0")

    def unrecorded(meta):  # ... by a run that did not say where (files made before they recorded it)
        nudged(meta)
        del meta["environment"]

    # the same machine: the code changed its arithmetic
    assert check.main([str(rewritten(model, tmp_path / "changed", nudged).parent)]) == 1
    assert "DIFFERENT, on a machine like the one it was trained on" in capsys.readouterr().out
    # another machine, or one not recorded: it cannot tell, and says what differs
    assert check.main([str(rewritten(model, tmp_path / "elsewhere", elsewhere))]) == 2
    out = capsys.readouterr().out
    assert "trained elsewhere" in out and "Pillow 10.0.0 there" in out and "BLAS kernels" in out
    assert check.main([str(rewritten(model, tmp_path / "unrecorded", unrecorded))]) == 2
    assert "does not say what it was trained with" in capsys.readouterr().out
    # one that changed where nothing else did outweighs one that cannot tell
    assert check.main([str(tmp_path / "elsewhere"), str(tmp_path / "changed")]) == 1


def test_a_file_a_research_harness_made_is_skipped(mnist, tmp_path, capsys):
    """benchmarks/photographed_training.py records the default recipe, which alone would not make it again."""
    model = tmp_path / "small-s3.npz"
    assert main(["train", "--layers", "784,8,10", "--epochs", "1", "--seed", "3", "--quiet", "--out", str(model)]) == 0
    marked = rewritten(model, tmp_path / "harness", lambda meta: meta.update(harness="photographed_training.py"))
    assert load_script().main([str(marked)]) == 0
    assert "skipped, a research harness changed how it was trained" in capsys.readouterr().out

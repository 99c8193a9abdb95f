"""scripts/check_saved_models.py tells a model the current code reproduces from one it does not."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np

from digitnet.cli import main

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "check_saved_models.py"


def load_script():
    spec = importlib.util.spec_from_file_location("check_saved_models", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_fresh_model_reproduces_and_a_changed_history_does_not(mnist, tmp_path, capsys):
    model = tmp_path / "small-s3.npz"
    assert main(["train", "--layers", "784,8,10", "--epochs", "2", "--seed", "3", "--quiet", "--out", str(model)]) == 0
    check = load_script()
    assert check.main([str(model)]) == 0
    assert "same" in capsys.readouterr().out
    with np.load(model) as archive:  # the same file, with its first epoch's saved loss nudged by one part in 1e12
        arrays = {k: archive[k] for k in archive.files}
    meta_key = next(k for k in arrays if not k.startswith("param."))
    meta = json.loads(arrays[meta_key].tobytes())
    meta["history"]["epochs"][0]["loss"] *= 1 + 1e-12
    arrays[meta_key] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    changed = tmp_path / "changed"
    changed.mkdir()
    with open(changed / "small-s3.npz", "wb") as f:
        np.savez(f, **arrays)
    assert check.main([str(changed)]) == 1
    assert "DIFFERENT" in capsys.readouterr().out

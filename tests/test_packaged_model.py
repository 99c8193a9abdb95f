"""The trained model inside the package: there, small, described, and used when no model is named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from digitnet.cli import main
from digitnet.io import load_model
from digitnet.models import packaged_model_path
from digitnet.presets import get_preset
from digitnet.presets.recipe import Recipe

ROOT = Path(__file__).resolve().parents[1]


def test_the_packaged_model_is_the_default_preset_from_seed_0_and_small():
    path = packaged_model_path()
    assert path.stat().st_size < 2**20
    meta = load_model(path).metadata
    assert Recipe.from_dict(meta["recipe"]) == get_preset("default"), \
        "the default preset changed: run make packaged-model"
    assert meta["seed"] == 0 and meta["dataset"]["name"] == "mnist"
    assert meta["metrics"]["test_accuracy"] >= 0.992
    assert meta["classes"] == [str(d) for d in range(10)]


def test_commands_without_a_model_use_the_packaged_one(tmp_path, capsys):
    from digit_pictures import draw_digit

    picture = tmp_path / "seven.png"
    draw_digit(7).save(picture)
    assert main(["predict", str(picture), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["model"] == str(packaged_model_path()) and result["results"][0]["digit"] == 7
    assert main(["predict", str(picture)]) == 0
    captured = capsys.readouterr()
    assert "using the packaged model" in captured.err and ": 7 (" in captured.out
    assert main(["info"]) == 0
    assert "recipe 'default', seed 0" in capsys.readouterr().out


def test_a_model_file_named_first_is_still_the_model(small_model, tmp_path, capsys):
    from digit_pictures import draw_digit

    picture = tmp_path / "one.png"
    draw_digit(1).save(picture)
    assert main(["predict", str(small_model), str(picture), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["model"] == str(small_model)
    assert main(["predict", str(small_model)]) == 2
    assert "name at least one picture" in capsys.readouterr().err


@pytest.mark.slow
def test_a_built_wheel_carries_the_model(tmp_path):
    """What `pip install digitnet` gets: the wheel holds the model file next to the code that finds it."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("digitnet-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert "digitnet/models/default.npz" in names and "digitnet/models/__init__.py" in names
        packed = archive.read("digitnet/models/default.npz")
    assert packed == packaged_model_path().read_bytes()
    assert np.frombuffer(packed[:4], np.uint8).tolist() == [0x50, 0x4B, 3, 4]  # a zip (.npz), not an LFS pointer

    # installed from that wheel (into a folder of its own, ahead of this checkout), it reads a picture
    from digit_pictures import draw_digit

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, capture_output=True)
    draw_digit(7).save(tmp_path / "seven.png")
    done = subprocess.run([sys.executable, "-m", "digitnet", "predict", "seven.png"], cwd=tmp_path, text=True,
                          capture_output=True, env={**os.environ, "PYTHONPATH": str(site)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("seven.png: 7 (")
    assert f"using the packaged model {site / 'digitnet' / 'models' / 'default.npz'}" in done.stderr


def test_an_install_without_the_model_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    import digitnet.models

    monkeypatch.setattr(digitnet.models, "__file__", str(tmp_path / "__init__.py"))
    assert main(["info"]) == 2
    err = capsys.readouterr().err
    assert "packaged model" in err and "is missing from this install" in err and "Traceback" not in err

"""A model file records where it was trained (train/environment.py), and reads it back defensively
(io/metadata.py): what a seed's last bits depend on besides the code."""

from __future__ import annotations

import json
import platform
import sys
from importlib import metadata

from digitnet.cli import main
from digitnet.io import load_model
from digitnet.io.metadata import ENVIRONMENT_NAMES, environment_differences, environment_text
from digitnet.train.environment import environment


def test_it_records_this_python_the_libraries_and_the_blas():
    env = environment()
    assert env.keys() == ENVIRONMENT_NAMES.keys()
    assert json.loads(json.dumps(env)) == env  # it goes into a model file's JSON as it is
    assert env["python"] == platform.python_version()
    assert env["numpy"] == metadata.version("numpy") and env["pillow"] == metadata.version("pillow")
    assert env["matplotlib"] == metadata.version("matplotlib")
    # threadpoolctl is a dependency: it reads NumPy's BLAS (its kernels and threads) from the loaded library
    assert env["blas"] and isinstance(env["blas_threads"], int) and env["blas_threads"] >= 1


def test_without_threadpoolctl_the_blas_is_unknown_not_an_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # an import of it now fails
    env = environment()
    assert env["blas"] is env["blas_kernels"] is env["blas_threads"] is None and env["numpy"]
    assert environment_text({"environment": env}).endswith("an unknown BLAS")


def test_what_differs_is_named_and_a_file_without_a_record_says_nothing():
    here = {"python": "3.11.7", "numpy": "2.4.6", "pillow": "13.0.0", "matplotlib": "3.11.2",
            "blas": "openblas 0.3.31", "blas_kernels": "SkylakeX", "blas_threads": 2}
    there = {**here, "pillow": "12.1.0", "blas_kernels": None, "blas_threads": 1}
    assert environment_differences({"environment": here}, here) == []
    assert environment_differences({"environment": there}, here) == [
        "Pillow 12.1.0 there, 13.0.0 here", "BLAS kernels unknown there, SkylakeX here", "BLAS threads 1 there, 2 here"]
    assert environment_differences({}, here) is None and environment_text({}) is None
    assert environment_text({"environment": here}) == ("Python 3.11.7, NumPy 2.4.6, Pillow 13.0.0, matplotlib 3.11.2, "
                                                       "openblas 0.3.31 (SkylakeX kernels, 2 threads)")
    long = environment_text({"environment": {**here, "numpy": "9" * 10_000}})  # a stranger's file: cut short
    assert len(long) < 300 and "…" in long


def test_a_trained_model_records_it_and_info_shows_it(tiny_data, tmp_path, capsys):
    model = tmp_path / "m.npz"
    assert main(["train", "--data", str(tiny_data), "--layers", "784,16,10", "--epochs", "1", "--val-size", "50",
                 "--quiet", "--out", str(model)]) == 0
    recorded = load_model(model).metadata["environment"]
    assert recorded == environment()
    capsys.readouterr()
    assert main(["info", str(model)]) == 0
    assert f"trained with {environment_text({'environment': recorded})}\n" in capsys.readouterr().out

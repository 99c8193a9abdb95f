"""A model file records where it was trained (train/environment.py), and reads it back defensively
(io/metadata.py): what a seed's last bits depend on besides the code."""

from __future__ import annotations

import json
import platform
from importlib import metadata
from pathlib import Path

from digitnet.cli import main
from digitnet.io import load_model
from digitnet.io.metadata import ENVIRONMENT_NAMES, environment_differences, environment_text
from digitnet.train.environment import environment


def test_it_records_this_python_the_libraries_and_numpys_blas():
    import numpy
    from threadpoolctl import threadpool_info

    env = environment()
    assert env.keys() == ENVIRONMENT_NAMES.keys()
    assert json.loads(json.dumps(env)) == env  # it goes into a model file's JSON as it is
    assert env["python"] == platform.python_version()
    assert env["numpy"] == metadata.version("numpy") and env["pillow"] == metadata.version("pillow")
    assert env["matplotlib"] == metadata.version("matplotlib")
    blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
    if len(blas) == 1:  # NumPy's (a NumPy on a BLAS threadpoolctl cannot read records None: see below)
        assert env["blas"] == f"{blas[0]['internal_api']} {blas[0]['version']}"
        assert env["blas_threads"] == blas[0]["num_threads"] >= 1
    assert numpy.__version__ == env["numpy"]


def test_a_blas_it_cannot_tell_is_unknown_and_numpys_is_chosen_among_several(monkeypatch):
    import threadpoolctl

    monkeypatch.setattr(threadpoolctl, "threadpool_info", lambda: [])
    env = environment()
    assert env["blas"] is env["blas_kernels"] is env["blas_threads"] is None and env["numpy"]
    assert environment_text({"environment": env}).endswith("an unknown BLAS")

    import numpy

    other = {"user_api": "blas", "internal_api": "mkl", "version": "2024", "num_threads": 8,
             "filepath": "/opt/torch/libmkl.so"}
    ours = {"user_api": "blas", "internal_api": "openblas", "version": "0.3", "num_threads": 2, "architecture": "Zen",
            "filepath": str(Path(numpy.__file__).parent.parent / "numpy.libs" / "libopenblas.so")}
    monkeypatch.setattr(threadpoolctl, "threadpool_info", lambda: [other, ours])
    assert environment()["blas"] == "openblas 0.3" and environment()["blas_kernels"] == "Zen"
    monkeypatch.setattr(threadpoolctl, "threadpool_info", lambda: [other, {**other, "internal_api": "blis"}])
    assert environment()["blas"] is None  # several, none of them NumPy's: which one NumPy uses is unknown


def test_what_differs_is_named_and_a_file_without_a_record_says_nothing():
    here = {"python": "3.11.7", "numpy": "2.4.6", "pillow": "13.0.0", "matplotlib": "3.11.2",
            "blas": "openblas 0.3.31", "blas_kernels": "SkylakeX", "blas_threads": 2}
    there = {**here, "pillow": "12.1.0", "blas_kernels": None, "blas_threads": 1}
    assert environment_differences({"environment": here}, here) == []
    assert environment_differences({"environment": there}, here) == [
        "Pillow 12.1.0 there, 13.0.0 here", "BLAS kernels unknown there, SkylakeX here", "BLAS threads 1 there, 2 here"]
    assert environment_differences({}, here) is None and environment_text({}) is None
    # what neither side knows is not known to be the same (a BLAS threadpoolctl cannot read, on both)
    unread = {**here, "blas_kernels": None}
    assert environment_differences({"environment": unread}, unread) == ["BLAS kernels unknown there, unknown here"]
    assert environment_text({"environment": {**here, "blas_threads": 1}}).endswith("(SkylakeX kernels, 1 thread)")
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


def test_info_says_nothing_of_it_for_a_file_that_does_not_record_it(tmp_path, capsys):
    from digitnet.io import save_model
    from digitnet.nn import Network

    net, path = Network.from_sizes([12, 8, 3], seed=0, inputs="features"), tmp_path / "m.npz"
    save_model(net, path, {"environment": {"numpy": None}})  # a record with nothing known reads as well
    assert load_model(path).metadata["environment"] == {"numpy": None}
    save_model(net, path, {"seed": 1})
    assert main(["info", str(path)]) == 0
    assert "trained with" not in capsys.readouterr().out

"""``digitnet data``: a description on good data, a one-line error (exit 2) on damaged data."""

import argparse
import importlib.util
import json
import sys

import pytest

import digitnet.cli
from data_helpers import arrays, write_dataset
from digitnet.cli import data_cmd
from digitnet.errors import DigitnetError


def run_cli(argv: list[str]) -> int:
    """Through ``digitnet.cli.main`` when every sub-command exists; else the same wiring around data_cmd alone."""
    if all(importlib.util.find_spec(f"digitnet.cli.{name}_cmd") for name in digitnet.cli.COMMANDS):
        return digitnet.cli.main(argv)
    parser = argparse.ArgumentParser(prog="digitnet")
    data_cmd.add_parser(parser.add_subparsers())
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except DigitnetError as err:
        print(f"digitnet: error: {err}", file=sys.stderr)
        return 2


@pytest.fixture(autouse=True)
def no_real_data(monkeypatch, tmp_path):
    monkeypatch.delenv("DIGITNET_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def test_data_describes_the_data_set(tmp_path, capsys):
    folder = write_dataset(tmp_path / "tiny", arrays(n_train=20, n_test=10))
    assert run_cli(["data", "--data", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "tiny" in out and str(folder) in out and "20 images of 28x28" in out
    assert "not the official MNIST" in out and "0:2 1:2" in out


def test_data_json(tmp_path, capsys):
    folder = write_dataset(tmp_path / "tiny", arrays(n_train=20, n_test=10))
    assert run_cli(["data", "--data", str(folder), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["train"]["count"] == 20 and info["test"]["image_shape"] == [28, 28]
    assert info["official_mnist"] is False and info["origin"] == "argument"
    assert sum(info["test"]["label_counts"].values()) == 10


def test_data_damaged_folder_is_one_line_exit_2(tmp_path, capsys):
    folder = write_dataset(tmp_path / "bad", arrays())
    (folder / "train-images-idx3-ubyte.gz").write_bytes(b"not gzip")
    assert run_cli(["data", "--data", str(folder)]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.startswith("digitnet: error:") and "train-images-idx3-ubyte.gz" in err
    assert "\n" not in err and "Traceback" not in err


def test_data_no_download_with_empty_cache(capsys):
    assert run_cli(["data", "--no-download"]) == 2
    captured = capsys.readouterr()
    assert "downloading is off" in captured.err

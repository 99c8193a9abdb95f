"""``digitnet bench`` finds the checkout's benchmarks and refuses unknown names in one line."""

from __future__ import annotations

import importlib.util

from digitnet.cli import main
from digitnet.cli.bench_cmd import NAMES, benchmarks_folder


def test_bench_finds_the_benchmarks_of_this_checkout():
    folder = benchmarks_folder()
    assert folder is not None and all((folder / f"{name}.py").is_file() for name in NAMES)
    spec = importlib.util.spec_from_file_location("run_all", folder / "run_all.py")
    run_all = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_all)
    assert list(NAMES) == list(run_all.BENCHMARKS)  # the command and the script offer the same list


def test_unknown_benchmark_is_a_one_line_error(capsys):
    assert main(["bench", "--only", "epoch,warp-speed"]) == 2
    err = capsys.readouterr().err.strip()
    assert "warp-speed" in err and "\n" not in err

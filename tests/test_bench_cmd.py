"""``digitnet bench`` finds the checkout's benchmarks and refuses unknown names in one line."""

from __future__ import annotations

from digitnet.cli import main
from digitnet.cli.bench_cmd import NAMES, benchmarks_folder


def test_bench_finds_the_benchmarks_of_this_checkout():
    folder = benchmarks_folder()
    assert folder is not None and all((folder / f"{name}.py").is_file() for name in NAMES)


def test_unknown_benchmark_is_a_one_line_error(capsys):
    assert main(["bench", "--only", "epoch,warp-speed"]) == 2
    err = capsys.readouterr().err.strip()
    assert "warp-speed" in err and "\n" not in err

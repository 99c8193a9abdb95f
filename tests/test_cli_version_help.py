"""``digitnet -V`` prints the version, and a bare ``digitnet`` the help, not "arguments are required"."""

from __future__ import annotations

import subprocess
import sys

import pytest

from digitnet._version import __version__
from digitnet.cli import COMMANDS, main


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_the_version(flag, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([flag])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"digitnet {__version__}\n"


def test_a_bare_digitnet_prints_the_help_and_exits_2(capsys):
    """No command is a usage mistake (exit code 2, as for any missing argument), answered by the help."""
    assert main([]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("usage: digitnet")
    assert "required" not in err and all(command in err for command in COMMANDS)


def test_commands_still_run_their_own_code(capsys):
    """The help a bare ``digitnet`` runs is only the top level's default: each command keeps its own."""
    with pytest.raises(SystemExit) as exit_:
        main(["info", "--help"])
    assert exit_.value.code == 0 and "usage: digitnet info" in capsys.readouterr().out
    assert main(["info"]) == 0 and "digitnet: using the packaged model" in capsys.readouterr().err


def test_from_the_shell():
    done = subprocess.run([sys.executable, "-m", "digitnet", "-V"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == f"digitnet {__version__}"
    done = subprocess.run([sys.executable, "-m", "digitnet"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("usage: digitnet") and not done.stdout

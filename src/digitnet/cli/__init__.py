"""The ``digitnet`` command.

Each sub-command lives in its own module of this package and exposes two functions:
``add_parser(subparsers)`` which declares its arguments, and ``run(args) -> int`` which does the work
and returns the exit code. ``main`` wires them together and turns every :class:`DigitnetError` into a
one-line message with exit code 2, so users never see a traceback for a mistake they can fix.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import warnings

from digitnet._version import __version__
from digitnet.errors import DigitnetError

#: Sub-command modules, in the order ``digitnet --help`` lists them.
COMMANDS = ["train", "evaluate", "info", "data", "predict", "export", "serve", "reproduce", "sweep", "bench"]

#: what to do when a command runs out of memory (the default for the others: free some memory)
OUT_OF_MEMORY = {
    "train": "try a smaller --batch-size or a smaller network",
    "reproduce": "try --quick, or free some memory (close other programs)",
    "bench": "free some memory (close other programs), or run fewer benchmarks",
    "predict": "give fewer or smaller pictures at a time, or free some memory",
}

EXIT_OK = 0
EXIT_FAILURE = 1  # the command ran but its result is a failure (e.g. a picture could not be read)
EXIT_USAGE = 2  # bad arguments, bad files, missing data


class _Parser(argparse.ArgumentParser):
    """argparse prints usage + error on bad arguments; we keep that but make the error one line."""

    def error(self, message: str) -> None:  # pragma: no cover - exercised through main()
        self.exit(EXIT_USAGE, f"digitnet: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line. ``digitnet -V`` prints the version; a bare ``digitnet`` prints the help
    and exits with the usage code 2, as a missing argument does (and as Click's groups do)."""
    parser = _Parser(prog="digitnet", description="Neural networks from scratch in NumPy for MNIST digits.")
    parser.add_argument("-V", "--version", action="version", version=f"digitnet {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        module = importlib.import_module(f"digitnet.cli.{name}_cmd")
        module.add_parser(sub)
    parser.set_defaults(run=_HelpInstead(parser))  # each command's parser sets its own ``run``
    return parser


class _HelpInstead:
    """What a bare ``digitnet`` runs: the help, on stderr (it is a usage mistake), and exit code 2."""

    def __init__(self, parser: argparse.ArgumentParser):
        self.parser = parser

    def __call__(self, args: argparse.Namespace) -> int:
        self.parser.print_help(sys.stderr)
        return EXIT_USAGE


def message_for_command_line(err: DigitnetError) -> str:
    """The library writes its parameters in backquotes (```lr```); on the command line they are flags (``--lr``)."""
    from digitnet.cli.common import flag

    return re.sub(r"`(\w+)`", lambda m: flag(m.group(1)), str(err))


def _print_note(message, category, filename, lineno, file=None, line=None) -> None:
    """Library warnings (a data set that is not the official MNIST, ...) as one line each."""
    kind = "note" if category.__name__.endswith("Note") else "warning"
    print(f"digitnet: {kind}: {message}", file=sys.stderr)


def survive_any_encoding() -> None:
    """Write characters the terminal's encoding lacks (``±`` under ``PYTHONIOENCODING=ascii``, say) as
    escapes like ``\\xb1`` instead of failing with ``UnicodeEncodeError`` after the work is done. An error
    handler chosen explicitly (``PYTHONIOENCODING=ascii:replace``) is left alone."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # a stream that cannot change: left as it is
                pass


def main(argv: list[str] | None = None) -> int:
    survive_any_encoding()
    parser = build_parser()
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.showwarning = _print_note
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.run(args) or EXIT_OK)
    except DigitnetError as err:
        print(f"digitnet: error: {message_for_command_line(err)}", file=sys.stderr)
        return EXIT_USAGE
    except MemoryError:
        advice = OUT_OF_MEMORY.get(args.command, "free some memory (close other programs) and try again")
        print(f"digitnet: error: out of memory in 'digitnet {args.command}'; {advice}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("digitnet: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. 'digitnet evaluate m.npz | head': the reader left, nothing to report
        sys.stderr.close()
        return 0

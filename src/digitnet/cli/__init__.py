"""The ``digitnet`` command.

Each sub-command lives in its own module of this package and exposes two functions:
``add_parser(subparsers)`` which declares its arguments, and ``run(args) -> int`` which does the work
and returns the exit code. ``main`` wires them together and turns every :class:`DigitnetError` into a
one-line message with exit code 2, so users never see a traceback for a mistake they can fix.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from digitnet import __version__
from digitnet.errors import DigitnetError

#: Sub-command modules, in the order ``digitnet --help`` lists them.
COMMANDS = ["train", "evaluate", "info", "data", "predict", "serve", "reproduce", "bench"]

EXIT_OK = 0
EXIT_FAILURE = 1  # the command ran but its result is a failure (e.g. a picture could not be read)
EXIT_USAGE = 2  # bad arguments, bad files, missing data


class _Parser(argparse.ArgumentParser):
    """argparse prints usage + error on bad arguments; we keep that but make the error one line."""

    def error(self, message: str) -> None:  # pragma: no cover - exercised through main()
        self.exit(EXIT_USAGE, f"digitnet: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="digitnet", description="Neural networks from scratch in NumPy for MNIST digits.")
    parser.add_argument("--version", action="version", version=f"digitnet {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMANDS:
        module = importlib.import_module(f"digitnet.cli.{name}_cmd")
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or EXIT_OK)
    except DigitnetError as err:
        print(f"digitnet: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except MemoryError:
        print("digitnet: error: out of memory; try a smaller --batch-size or a smaller network", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("digitnet: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. 'digitnet evaluate m.npz | head': the reader left, nothing to report
        sys.stderr.close()
        return 0

"""Pieces shared by several sub-commands: data options, loading a model, JSON output."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from digitnet.io.jsonable import json_default


def add_data_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("data")
    group.add_argument("--data", metavar="DIR", help="folder with the four MNIST-format files "
                       "(default: $DIGITNET_DATA, then the user cache, then download)")
    group.add_argument("--no-download", action="store_true", help="fail instead of downloading missing data")


def load_data(args: argparse.Namespace):
    from digitnet.data import load_mnist

    return load_mnist(args.data, download=not args.no_download, progress=sys.stderr.isatty())


def print_json(obj: Any) -> None:
    print(json.dumps(obj, indent=2, default=json_default))



def _number_type(kind: type, accept, wanted: str):
    """An argparse ``type=`` that parses ``kind`` and refuses values ``accept`` rejects, saying what it wanted."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected {'a whole number' if kind is int else 'a number'}, got {text!r}") from None
        if not accept(value):
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text}")
        return value
    return parse


positive_int = _number_type(int, lambda v: v >= 1, "a number of at least 1")
non_negative_int = _number_type(int, lambda v: v >= 0, "zero or more")
positive_float = _number_type(float, lambda v: 0 < v < float("inf"), "a positive number")
non_negative_float = _number_type(float, lambda v: 0 <= v < float("inf"), "zero or a positive number")
fraction = _number_type(float, lambda v: 0 <= v < 1, "a number in [0, 1)")
port = _number_type(int, lambda v: 0 <= v <= 65535, "a port from 1 to 65535, or 0 for any free one")


def layer_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(s) for s in text.replace("x", ",").split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 784,256,10, got {text!r}") from None
    if len(sizes) < 2 or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"expected at least two positive sizes like 784,256,10, got {text!r}")
    return sizes

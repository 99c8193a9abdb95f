"""``digitnet data``: fetch and verify the data set, then say where it is and what it holds.

Running it once on a connected machine fills the cache, so later training runs need no network.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from digitnet.cli.common import add_data_args
from digitnet.data import Dataset, load_mnist

_ORIGINS = {
    "argument": "given with --data",
    "DIGITNET_DATA": "given by $DIGITNET_DATA",
    "cache": "the digitnet cache",
    "download": "just downloaded into the digitnet cache",
}


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "data", help="fetch and verify the MNIST data, and show what it holds",
        description="Find the data set (--data DIR, then $DIGITNET_DATA, then the cache), downloading it into "
                    "the cache if needed, verify it and describe it.")
    add_data_args(parser)
    parser.add_argument("--json", action="store_true", help="print a JSON description instead of text")
    parser.set_defaults(run=run)
    return parser


def _split(images: np.ndarray, labels: np.ndarray) -> dict:
    counts = np.bincount(labels, minlength=10)
    return {"count": int(len(images)), "image_shape": list(images.shape[1:]),
            "label_counts": {str(digit): int(n) for digit, n in enumerate(counts)}}


def describe(ds: Dataset) -> dict:
    """A plain, JSON-ready summary of the data set."""
    return {
        "name": ds.name,
        "path": str(ds.source.resolve()),
        "origin": ds.origin,
        "official_mnist": ds.official,
        "checksum": ds.checksum,
        "train": _split(ds.train_images, ds.train_labels),
        "test": _split(ds.test_images, ds.test_labels),
    }


def _text(info: dict) -> str:
    status = ("SHA-256 verified: the official MNIST files" if info["official_mnist"]
              else "not the official MNIST (a custom MNIST-format data set)")
    lines = [
        f"data set:  {info['name']}",
        f"folder:    {info['path']} ({_ORIGINS.get(info['origin'], info['origin'])})",
        f"checksum:  {status}",
        f"           fingerprint {info['checksum']}",
    ]
    for split in ("train", "test"):
        part = info[split]
        shape = "x".join(str(s) for s in part["image_shape"])
        counts = " ".join(f"{d}:{n}" for d, n in part["label_counts"].items())
        lines.append(f"{split + ':':<10} {part['count']} images of {shape} pixels; labels {counts}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    ds = load_mnist(args.data, download=not args.no_download, progress=True)
    info = describe(ds)
    print(json.dumps(info, indent=2) if args.json else _text(info))
    return 0

"""``digitnet export MODEL OUT.onnx``: a model file as an ONNX graph that ONNX Runtime and other tools run.

Writing needs the optional ``onnx`` package (``pip install 'digitnet[onnx]'``); reading the file
needs an ONNX runtime, not digitnet. See docs/export.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("export", help="write a model as an ONNX file", description=(
        "Write a model file as an ONNX graph (opset 17) that gives the same probabilities as digitnet. Its "
        "input is float32 pixels scaled to [0, 1], shaped (N, 784) or (N, 1, 28, 28) as the model was "
        "trained; its outputs are 'probabilities' and 'label'. Needs: pip install 'digitnet[onnx]'."))
    p.add_argument("model", metavar="MODEL", help="a model file written by 'digitnet train'")
    p.add_argument("out", metavar="OUT.onnx", type=Path, help="the ONNX file to write (replaced if it exists)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from digitnet.export.onnx import OPSET, export_onnx, require_onnx
    from digitnet.io import load_model

    require_onnx()  # before reading the model: the missing package is the thing to fix first
    model = load_model(args.model)
    network, path = model.network, export_onnx(model, args.out)
    shape = ", ".join(["N", *(str(s) for s in network.input_shape)])
    print(f"wrote {path} ({path.stat().st_size / 1024:,.0f} KB, ONNX opset {OPSET}): input 'input' float32 ({shape})"
          f"{' pixels in [0, 1]' if network.inputs == 'pixels' else ''}, outputs 'probabilities' "
          f"(N, {network.n_outputs}) and 'label' (N,)")
    return 0

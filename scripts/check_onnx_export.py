"""Does a model's ONNX file answer like digitnet? Export it, run both on the 10,000 MNIST test images, compare.

    .venv/bin/python scripts/check_onnx_export.py models/default.npz
    .venv/bin/python scripts/check_onnx_export.py models/ladder/*.npz

For each model it prints the ONNX file's size, on how many test images ONNX Runtime's label is
digitnet's, the largest difference between the two sets of (calibrated) probabilities, for a model
with a reject rule on how many the decision "digit or not" is the same and how far the scores are
apart, and each one's test accuracy: the figures of docs/export.md. Needs ``onnx`` and ``onnxruntime``
(``pip install -e '.[test]'``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from digitnet.data import load_mnist
from digitnet.errors import DigitnetError
from digitnet.export import export_onnx
from digitnet.io import load_model


def check(path: Path, images: np.ndarray, labels: np.ndarray, folder: Path) -> str:
    import onnxruntime as ort

    model = load_model(path)
    onnx_file = export_onnx(model, folder / f"{path.stem}.onnx")
    session = ort.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
    x = model.network.as_input(images)  # the pixels scaled to [0, 1], as the ONNX input expects them
    expected = model.decide(x)  # the calibrated probabilities and, with a reject rule, the decision
    names = [o.name for o in session.get_outputs()]
    runs = [dict(zip(names, session.run(names, {"input": x[i:i + 1000]}))) for i in range(0, len(x), 1000)]
    got = {name: np.concatenate([run[name] for run in runs]) for name in names}
    same = int(np.sum(got["label"] == expected.classes))
    text = (f"{path}: {onnx_file.stat().st_size / 1024:,.0f} KB of ONNX; the same class on {same:,} of {len(x):,} "
            f"test images; probabilities differ by at most "
            f"{np.abs(got['probabilities'] - expected.probabilities).max():.1e}")
    if "is_digit" in got:
        agree = int(np.sum(got["is_digit"].astype(bool) == expected.accepted))
        text += (f"; the same decision (digit or not) on {agree:,} of {len(x):,}, scores differ by at most "
                 f"{np.abs(got['score'] - expected.scores).max():.1e}")
    return (text + f"; test accuracy {np.mean(expected.classes == labels):.2%} (digitnet), "
            f"{np.mean(got['label'] == labels):.2%} (ONNX Runtime)")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("models", nargs="+", type=Path, metavar="MODEL")
    args = p.parse_args(argv)
    data = load_mnist(progress=False)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in args.models:
            try:
                print(check(path, data.test_images, data.test_labels, Path(tmp)), flush=True)
            except DigitnetError as err:
                print(f"{path}: {err}", file=sys.stderr)
                failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

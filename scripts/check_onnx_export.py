"""Does a model's ONNX file answer like digitnet? Export it, run both on the 10,000 MNIST test images, compare.

    .venv/bin/python scripts/check_onnx_export.py models/default.npz
    .venv/bin/python scripts/check_onnx_export.py models/ladder/*.npz

For each model it prints the ONNX file's size, on how many test images ONNX Runtime's label is
digitnet's, the largest difference between the two sets of probabilities, and each one's test
accuracy: the figures of docs/export.md. Needs ``onnx`` and ``onnxruntime`` (``pip install -e '.[test]'``).
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
    network, onnx_file = model.network, export_onnx(model, folder / f"{path.stem}.onnx")
    session = ort.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
    x = network.as_input(images)  # the pixels scaled to [0, 1], as the ONNX input expects them
    expected_labels, expected = network.predict_with_proba(x)
    probabilities, predicted = zip(*(session.run(["probabilities", "label"], {"input": x[i:i + 1000]})
                                     for i in range(0, len(x), 1000)))
    probabilities, predicted = np.concatenate(probabilities), np.concatenate(predicted)
    same = int(np.sum(predicted == expected_labels))
    return (f"{path}: {onnx_file.stat().st_size / 1024:,.0f} KB of ONNX; the same class on {same:,} of {len(x):,} "
            f"test images; probabilities differ by at most {np.abs(probabilities - expected).max():.1e}; "
            f"test accuracy {np.mean(expected_labels == labels):.2%} (digitnet), "
            f"{np.mean(predicted == labels):.2%} (ONNX Runtime)")


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

"""The four standard file names that make a directory an MNIST-format data set.

Any folder holding them is accepted (MNIST, Fashion-MNIST, ...), gzip-compressed or raw, with either the
usual ``train-images-idx3-ubyte`` spelling or the dotted ``train-images.idx3-ubyte`` some downloads use.
"""

from __future__ import annotations

from pathlib import Path

from digitnet.data.errors import DataError

TRAIN_IMAGES = "train-images-idx3-ubyte"
TRAIN_LABELS = "train-labels-idx1-ubyte"
TEST_IMAGES = "t10k-images-idx3-ubyte"
TEST_LABELS = "t10k-labels-idx1-ubyte"

#: The file stems in a fixed order; checksums and fingerprints always follow this order.
STEMS = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)


def candidates(directory: Path, stem: str) -> list[Path]:
    """Accepted spellings of one file, raw before gzip so an unpacked copy is preferred (faster to read)."""
    dotted = stem.replace("-idx", ".idx")
    names = [stem, stem + ".gz", dotted, dotted + ".gz"]
    return [directory / name for name in names]


def find_files(directory: Path) -> dict[str, Path]:
    """The files of the data set present in ``directory``, by stem (missing ones are left out)."""
    found = {}
    for stem in STEMS:
        for path in candidates(directory, stem):
            if path.is_file():
                found[stem] = path
                break
    return found


def require_files(directory: Path) -> dict[str, Path]:
    """Like :func:`find_files` but insists on all four, so a wrong data folder fails clearly."""
    if not directory.is_dir():
        raise DataError(f"{directory} is not a directory; point `data_dir` or DIGITNET_DATA at the folder "
                        "holding the four MNIST-format IDX files", parameter="data_dir")
    found = find_files(directory)
    missing = [stem for stem in STEMS if stem not in found]
    if missing:
        listed = ", ".join(stem + "[.gz]" for stem in missing)
        raise DataError(f"{directory} is not an MNIST-format data set: missing {listed}; "
                        "point `data_dir` or DIGITNET_DATA at a folder holding all four IDX files",
                        parameter="data_dir")
    return found

"""The baselines of Nielsen's chapter 1: what any network must beat.

- guessing: a random digit for every test image, right one time in ten;
- average darkness: how much ink each digit uses on average over the training images; an image is
  guessed to be the digit whose average is nearest its own ink (Nielsen's ``mnist_average_darkness.py``);
- a support vector machine with scikit-learn's default settings (only when scikit-learn is installed).

Like the book, they learn from the first 50,000 training images and are scored on the 10,000 test images.
"""

from __future__ import annotations

import time

import numpy as np

from digitnet.nn.inputs import scale_pixels
from digitnet.tutorials.result import Context, Published, Result

BOOK = "Nielsen, Neural Networks and Deep Learning, ch. 1"
PUBLISHED = {"guess": Published("10%", f"{BOOK} (random guessing)", 0.10),
             "average-darkness": Published("22.25%", f"{BOOK} (mnist_average_darkness.py)", 0.2225),
             "svm": Published("94.35%", f"{BOOK} (mnist_svm.py, scikit-learn's default SVC)", 0.9435)}
BOOK_TRAIN = 50000
SVM_TRAIN, QUICK_SVM_TRAIN = 10000, 1000


class AverageDarkness:
    """Nearest average ink: fit() learns one number per digit, predict() picks the closest."""

    def fit(self, images: np.ndarray, labels: np.ndarray) -> "AverageDarkness":
        ink = self.darkness(images)
        self.digits = np.unique(labels)
        self.averages = np.array([ink[labels == d].mean() for d in self.digits])
        return self

    def predict(self, images: np.ndarray) -> np.ndarray:
        distance = np.abs(self.darkness(images)[:, None] - self.averages[None, :])
        return self.digits[distance.argmin(axis=1)]

    @staticmethod
    def darkness(images: np.ndarray) -> np.ndarray:
        return np.asarray(images, dtype=np.float64).reshape(len(images), -1).sum(axis=1)


def _result(key: str, title: str, configuration: str, accuracy: float | None, seconds: float, ctx: Context,
            tolerance: float | None, note: str = "") -> Result:
    """A baseline row; it reproduces the book when within ``tolerance`` of it (None: at least as good)."""
    published = PUBLISHED[key]
    if accuracy is None:
        meets = None
    elif tolerance is None:
        meets = accuracy >= published.value
    else:
        meets = abs(accuracy - published.value) <= tolerance
    figure = note if accuracy is None else f"{accuracy:.2%}{note}"
    return Result(key, title, configuration, published, figure, seconds, None if ctx.quick else meets, ctx.quick,
                  {"test_accuracy": accuracy})


def run_guess(ctx: Context) -> Result:
    labels = ctx.data.test_labels
    guesses = np.random.default_rng(ctx.seed).integers(0, 10, size=len(labels))
    return _result("guess", "Baseline: random guessing", f"uniform random digit, seed {ctx.seed}",
                   float(np.mean(guesses == labels)), 0.0, ctx, tolerance=0.01)


def run_average_darkness(ctx: Context) -> Result:
    started = time.perf_counter()
    model = AverageDarkness().fit(ctx.data.train_images[:BOOK_TRAIN], ctx.data.train_labels[:BOOK_TRAIN])
    seconds = time.perf_counter() - started
    accuracy = float(np.mean(model.predict(ctx.data.test_images) == ctx.data.test_labels))
    return _result("average-darkness", 'Baseline: "average darkness"',
                   f"nearest average ink per digit, first {BOOK_TRAIN:,} training images", accuracy, seconds, ctx,
                   tolerance=0.0005)


def run_svm(ctx: Context) -> Result:
    n = QUICK_SVM_TRAIN if ctx.quick else SVM_TRAIN
    configuration = f"scikit-learn SVC() defaults, first {n:,} training images (the book used 50,000)"
    try:
        from sklearn.svm import SVC
    except ImportError:
        return _result("svm", "Baseline: SVM", configuration, None, 0.0, ctx, tolerance=None,
                       note="skipped: scikit-learn is not installed (pip install scikit-learn)")
    started = time.perf_counter()
    model = SVC().fit(flat_pixels(ctx.data.train_images[:n]), ctx.data.train_labels[:n])
    seconds = time.perf_counter() - started
    accuracy = float(np.mean(model.predict(flat_pixels(ctx.data.test_images)) == ctx.data.test_labels))
    return _result("svm", "Baseline: SVM", configuration, accuracy, seconds, ctx, tolerance=None)


def flat_pixels(images: np.ndarray) -> np.ndarray:
    """Images as (N, H*W) floats in [0, 1], the input scikit-learn's SVC takes."""
    return scale_pixels(images).reshape(len(images), -1)

"""Tutorial 1, "Is it a 0?": logistic regression, one sigmoid unit on the 784 pixels.

The question is yes/no: label 1 for the digit 0, label 0 for every other digit. The unit's output is
P(it is a 0); binary cross-entropy is the cost; each of 2,000 steps draws a random mini-batch of 256
training images and takes a gradient step of learning rate 1. Weights start N(0, 0.01^2), the bias at 0.
The 10,000 test images are then scored with a 2x2 confusion matrix and precision/recall/F1 for "0".

The author's confusion matrix [[8958, 26], [62, 954]] has predictions in rows and the truth in
columns (its columns add up to the 9,020 non-zeros and 980 zeros of the test set); digitnet prints the
truth in rows, so the same result reads [[8958, 62], [26, 954]] here.
"""

from __future__ import annotations

import time

import numpy as np

from digitnet.metrics import confusion_matrix, precision_recall_f1
from digitnet.nn.network import Network
from digitnet.presets import get_preset
from digitnet.train import build_network, build_optimizer
from digitnet.tutorials.result import Context, Published, Result, verdict
from digitnet.tutorials.training import descend

KEY = "is-it-zero"
SOURCE = "tutorial 1 ('Is it a 0?' logistic regression), test-set confusion matrix"
#: the author's matrix, predictions in rows:
#: [[said not-0 & was not-0, said not-0 & was 0], [said 0 & was not-0, said 0 & was 0]]
PUBLISHED_MATRIX = np.array([[8958, 26], [62, 954]])
PUBLISHED = Published("99.12% (confusion [[8958, 26], [62, 954]])", SOURCE,
                      float(np.trace(PUBLISHED_MATRIX) / PUBLISHED_MATRIX.sum()))
STEPS, QUICK_STEPS = 2000, 200


def zero_labels(labels: np.ndarray) -> np.ndarray:
    """1.0 where the digit is 0, else 0.0: the yes/no target of tutorials 1 and 2."""
    return (np.asarray(labels) == 0).astype(np.float32)


def published_f1() -> float:
    """F1 for "0" implied by the published matrix (its rows are predictions)."""
    return float(precision_recall_f1(PUBLISHED_MATRIX.T)["f1"][1])


def train_detector(name: str, ds, steps: int, seed: int = 0, log=None) -> tuple[Network, list, float]:
    """Train preset ``name`` on 0-versus-rest labels for ``steps`` random mini-batch steps.

    Returns the network, the recorded (step, cost) pairs and the training time in seconds.
    """
    recipe = get_preset(name)
    network = build_network(recipe, seed)
    optimizer = build_optimizer(recipe, network)
    report = (lambda step, cost: log(f"step {step:>5}: cost {cost:.4f}")) if log else None
    started = time.perf_counter()
    costs = descend(network, optimizer, ds.train_images, zero_labels(ds.train_labels), steps,
                    batch_size=recipe.batch_size, rng=np.random.default_rng(seed), every=max(steps // 10, 1),
                    on_record=report)
    return network, costs, time.perf_counter() - started


def detector_scores(network: Network, ds) -> dict:
    """Accuracy, the 2x2 confusion matrix (truth in rows: not-0, 0) and precision/recall/F1 for "0"."""
    truth = zero_labels(ds.test_labels).astype(np.int64)
    predicted = network.predict(ds.test_images)
    cm = confusion_matrix(truth, predicted, 2)
    s = precision_recall_f1(cm)
    return {"accuracy": float(np.trace(cm) / cm.sum()), "confusion": cm.tolist(),
            "precision": float(s["precision"][1]), "recall": float(s["recall"][1]), "f1": float(s["f1"][1])}


def describe(scores: dict) -> str:
    return f"{scores['accuracy']:.2%} (confusion {scores['confusion']}, F1 {scores['f1']:.3f})"


def run(ctx: Context) -> Result:
    recipe = get_preset(KEY)
    steps = QUICK_STEPS if ctx.quick else STEPS
    network, costs, seconds = train_detector(KEY, ctx.data, steps, ctx.seed)
    scores = detector_scores(network, ctx.data)
    scores["costs"] = costs
    plots = []
    if ctx.plots is not None:
        from digitnet.plots import plot_confusion

        plots.append(str(plot_confusion(np.array(scores["confusion"]), ctx.plot_path("is_it_zero_confusion.png"),
                                        names=["not 0", "0"], title="Is it a 0? Logistic regression, test set")))
    return Result(KEY, '1. "Is it a 0?" logistic regression',
                  f"784->1 sigmoid, BCE, random batches of {recipe.batch_size}, lr {recipe.lr:g}, {steps:,} steps",
                  PUBLISHED, describe(scores), seconds, verdict(scores["accuracy"], PUBLISHED, ctx.quick),
                  ctx.quick, scores, plots)

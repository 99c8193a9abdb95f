"""The standard set of pictures of a trained MNIST model, as ``--plots DIR`` writes them.

``digitnet train --plots DIR`` and ``digitnet evaluate MODEL --plots DIR`` both call
:func:`save_model_plots`; the Python API can too.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.metrics import confusion_matrix
from digitnet.nn.inputs import picture_size
from digitnet.plots.confusion import plot_confusion
from digitnet.plots.conv_filters import conv_filters_figure
from digitnet.plots.curves import history_rows, plot_learning_curves
from digitnet.plots.digits import plot_samples, plot_worst_mistakes
from digitnet.plots.style import save
from digitnet.plots.weights import plot_first_layer


def save_model_plots(network, images: np.ndarray, labels: np.ndarray, out_dir: "str | Path",
                     history=None, name: str = "model", predictions: tuple | None = None,
                     decision=None) -> dict[str, Path]:
    """Write the pictures of ``network`` on (images, labels) into ``out_dir``; return them by kind.

    Always: the confusion heat map, the most confident mistakes, a sample of the images and the first
    layer's weights (a convolutional network's first kernels and their maps for three of the images; an
    MLP's first-layer units as pictures). With a training ``history``: learning curves.
    ``predictions``, ``network.predict_with_proba(images)``, spares the pass when the caller has it.
    With a ``decision`` (``digitnet.io.Model.decide(images)``): the reliability diagram (before and after
    temperature scaling) and, for a model with a reject rule, the images least like a digit to it.
    """
    out = Path(out_dir)
    if not len(labels):
        raise DigitnetError("the pictures of a model need test images, and there are none (`plots`)",
                            parameter="plots")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DigitnetError(f"cannot create the plot folder {out}: {err.strerror}; choose another --plots") from None
    labels = np.asarray(labels)
    predictions = predictions if predictions is not None else network.predict_with_proba(images)
    predicted = predictions[0]
    k = max(int(labels.max()) + 1, int(predicted.max()) + 1, 2)
    written = {
        "confusion": plot_confusion(confusion_matrix(labels, predicted, k), out / "confusion.png",
                                    title=f"{name}: confusion matrix on {len(labels):,} test images "
                                          f"({np.mean(predicted == labels):.2%} right)"),
        "mistakes": plot_worst_mistakes(network, images, labels, out / "worst_mistakes.png",
                                        predictions=predictions),
        "samples": plot_samples(images, labels, out / "samples.png"),
    }
    if history is not None and history_rows(history):
        written["curves"] = plot_learning_curves(history, out / "learning_curves.png",
                                                 title=f"{name}: learning curves")
    first = getattr(network, "members", [network])[0]  # a committee: its first member's weights
    try:  # plot_first_layer decides what can be drawn: a first dense layer on square images, or a conv
        written["weights"] = plot_first_layer_of(first, images, out / "first_layer_weights.png")
    except DigitnetError:
        pass
    if decision is not None:
        written.update(save_reject_plots(decision, images, labels, out, name))
    return written


def save_reject_plots(decision, images: np.ndarray, labels: np.ndarray, out: Path, name: str,
                      count: int = 40) -> dict[str, Path]:
    """The reliability diagram of ``decision``'s probabilities (``reliability.png``: before and after
    temperature scaling, when the model has a temperature) and, when its model has a reject rule, the
    ``count`` images it scores least like a digit, refused ones captioned in red (``refusals.png``)."""
    from digitnet.metrics.calibration import reliability
    from digitnet.plots.refusals import plot_answers
    from digitnet.plots.reliability import plot_reliability

    written: dict[str, Path] = {}
    if decision.probabilities.shape[1] < 2:
        return written
    panels = [("as the model answers", reliability(decision.probabilities, labels))]
    if decision.uncalibrated is not None:
        panels = [("before: softmax(z)", reliability(decision.uncalibrated, labels)),
                  ("after: softmax(z / T)", reliability(decision.probabilities, labels))]
    written["reliability"] = plot_reliability(panels, out / "reliability.png",
                                              title=f"{name}: reliability on {len(labels):,} test images")
    if decision.rule is not None and decision.scores is not None:
        pick = np.argsort(decision.scores, kind="stable")[:count]
        refused = int((~decision.accepted).sum())
        written["refusals"] = plot_answers(
            np.asarray(images)[pick], decision.digits[pick], decision.probabilities[pick].max(axis=1),
            out / "refusals.png", f"{name}: the {len(pick)} test images least like a digit to it, by score "
                                  f"({refused:,} refused in all, in red)",
            names=[f"true {labels[i]}" for i in pick])
    return written


def plot_first_layer_of(network, images: np.ndarray, path: "str | Path") -> Path:
    """What the first layer looks for: a convolutional network's first kernels with the maps they make
    of three of ``images`` (``conv_filters.py``), or each first dense unit's weights as a picture."""
    if any(layer.type_name == "conv2d" for layer in network.layers):
        return save(conv_filters_figure(network, images[:3]), path, dpi=110)
    return plot_first_layer(network, path, image_shape=picture_size(np.shape(images)[1:]))

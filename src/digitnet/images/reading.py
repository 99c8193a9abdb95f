"""Reading a digit: a picture, prepared, through a model, to the digit and its probabilities, or to
"not a digit" and why.

``digitnet predict`` and the web server both call :func:`read_digit`, so a picture gets the same
answer whichever way it arrives. The model's reject rule decides (``digitnet.io.Model.decide``): a
refused picture is an answer too, with ``"digit": None`` and a ``"reason"``. So is a blank picture
(the preparation finds no ink: "no digit found"), refused before the network sees it, as the static
page's ``readPicture`` refuses it: no digit in a picture is an answer, not a failure to read one.
"""

from __future__ import annotations

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.images.errors import NoDigitError
from digitnet.images.load import MAX_PIXELS, Source
from digitnet.images.pipeline import naive, prepare


def check_digit_model(network, metadata: dict | None = None) -> None:
    """The network must take 784 pixels and give one probability per class (at least two).

    Pictures are prepared to look like MNIST's digits, so a model whose description (``metadata``, as
    ``digitnet.io.load_model`` gives it) says it was trained on another data set gets a note
    (:func:`digitnet.io.metadata.note_other_data`).
    """
    from digitnet.data.checksums import MNIST_CHECKSUM
    from digitnet.io.metadata import note_other_data

    if network.input_shape is None or int(np.prod(network.input_shape)) != 784:
        raise DigitnetError(f"this model takes inputs of shape {network.input_shape}, not 28x28 pictures")
    if network.n_outputs < 2:
        raise DigitnetError("this model has a single output; reading digits needs one probability per digit")
    note_other_data(metadata or {}, "mnist", MNIST_CHECKSUM,
                    "pictures are prepared to look like MNIST's digits, so it may read them poorly")


def top_guesses(probabilities: np.ndarray, k: int = 3, first: int | None = None) -> list[dict]:
    """The ``k`` most probable digits, most probable first (ties: the smaller digit first); ``first``, the
    model's answer, leads whatever its probability: two logits a rounding apart can have the same float32
    probability, and the answer is the larger logit's (``Model.decide``'s, ONNX's, the page's)."""
    order = np.argsort(-probabilities, kind="stable")
    if first is not None and 0 <= first < len(probabilities):  # a yes/no network's class 1 has no column
        order = np.concatenate([[first], order[order != first]])
    return [{"digit": int(d), "probability": float(probabilities[d])} for d in order[:k]]


def read_digit(model, source: Source, ink: str = "auto", use_naive: bool = False, name: str | None = None,
               max_pixels: int = MAX_PIXELS) -> dict:
    """Everything worth reporting about one picture; ``image`` is the 28x28 uint8 the network saw.

    ``model`` is a :class:`digitnet.io.Model` (``load_model``'s: its reject rule and temperature are
    used), or a bare network or committee (no rule: it never refuses). The answer has ``digit`` and its
    ``probability`` (calibrated), the ``next`` two guesses, all ten ``probabilities``, the ``score``
    (how much the picture looks like a digit, higher is more) and ``reason`` (None); a refused picture
    has ``digit`` and ``probability`` None, its ``reason``, and its three best guesses in ``next``. A
    blank picture is refused by the preparation: ``reason`` says so, and ``next``, ``score``,
    ``probabilities``, ``ink`` and ``image`` (and a committee's ``disagree``) are empty, as no network saw it. A
    committee's answer also says how many of its networks ``disagree`` with it.

    Prediction stores nothing on the network, so any number of threads may call this at once.
    """
    from digitnet.io.model import Model

    model = model if isinstance(model, Model) else Model(model)
    try:
        if use_naive:
            image, ink_found = naive(source, ink, name=name, max_pixels=max_pixels), None
        else:
            prepared = prepare(source, ink, name=name, max_pixels=max_pixels)
            image, ink_found = prepared.image, prepared.ink
    except NoDigitError as err:
        blank: dict = {"digit": None, "probability": None, "next": [], "reason": str(err), "score": None,
                       "probabilities": None}
        if model.is_committee and model.reject is not None:  # where a committee's answers say who disagrees
            blank["disagree"] = None  # no network saw it
        return {**blank, "ink": None, "image": None}
    decision = model.decide(image[None])
    probabilities = decision.probabilities[0]
    guesses = top_guesses(probabilities, first=int(decision.classes[0]))
    score = None if decision.scores is None else float(decision.scores[0])
    answer: dict = {"digit": guesses[0]["digit"], "probability": guesses[0]["probability"], "next": guesses[1:]}
    if not decision.accepted[0]:
        answer = {"digit": None, "probability": None, "next": guesses}
    answer.update({"reason": decision.reason(0), "score": score, "probabilities": [float(p) for p in probabilities]})
    if decision.against is not None:
        answer["disagree"] = int(decision.against[0])
    return {**answer, "ink": ink_found, "image": image}

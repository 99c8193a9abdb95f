"""Scores read from a trained network without training again (docs/reject.md, twelfth round): a research
harness, not made.

Each score is computed from the network as it is, against the rule's energy (Liu et al. 2020):

- **ODIN** (Liang et al. 2018), in its energy form: each picture is moved by ``eps * sign(dE/dx)``, the step
  of size ``eps`` per pixel (pixels in [0, 1]: 0.004 is one grey level of 255) that raises its energy
  fastest, and scored again. The claim is that a picture the network knows gains more energy from such
  a step than one it does not. It needs the gradient of the energy with respect to the pixels: a
  backward pass at prediction time.
- **GradNorm** (Huang et al. 2021): how hard the cross-entropy against the uniform distribution would
  pull on the last dense layer's weights, the L1 norm of its gradient, which is ``||p - u||_1 ||h||_1 / T``
  for probabilities ``p`` at temperature ``T``, the uniform ``u`` and that layer's inputs ``h``; as a
  logarithm, without the constant ``-log T``.
- **energy + log ||h||_1**: the energy, raised for pictures whose features are large.

    python benchmarks/posthoc_scores.py MODEL... [--eps 0.001 0.005 0.02] [--handwriting DIR...]
        [--non-digits DIR...]

For each model (one network with a reject rule) and score: the held-out non-digits, the handwritten
digits and the MNIST test digits refused at the threshold accepting the rule's share of the validation
digits, and the frontier with the refusal bounds alone (``benchmarks/reject.py --frontier``). The sets
are ``benchmarks/reject.py``'s, and so are the options naming them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import reject as bench  # noqa: E402
from digitnet.errors import DigitnetError  # noqa: E402
from digitnet.io import load_model  # noqa: E402
from digitnet.nn import functional as F  # noqa: E402
from digitnet.reject import RejectRule, acceptance, choose_threshold  # noqa: E402

#: layers whose forward pass in training differs from prediction's; the gradient below runs them as
#: prediction does (batch norm at its running statistics, dropout keeping everything)
PREDICTION_ONLY = ("batchnorm", "dropout")
ENERGY = "energy (the rule's score)"


def energy_input_gradient(network, x: np.ndarray, temperature: float) -> np.ndarray:
    """dE/dx for a batch ``x`` of the network's input, the network as it predicts, where E is the energy
    of the ten digit outputs at ``temperature``, T log sum exp(z / T), whose gradient is softmax(z / T).

    The layers' own backward passes need what a training forward pass keeps, so every layer runs
    forward in training mode but batch norm and dropout, which run as they predict and are passed
    back through by hand (batch norm then is a scale per channel; dropout keeps every unit). Nothing the
    network keeps (batch norm's running statistics) changes."""
    layers = network.layers_before_loss
    scales = {}
    h = x
    for i, layer in enumerate(layers):
        if layer.type_name == "batchnorm":
            scales[i] = layer.params["gamma"] / np.sqrt(layer.state["running_var"] + layer.eps)
        h = layer.forward(h, training=layer.type_name not in PREDICTION_ONLY)
    grad = np.zeros(h.shape, np.float64)
    grad[:, :10] = F.softmax(h[:, :10].astype(np.float64) / temperature)  # dE/dz
    g = grad.astype(h.dtype)
    for i in range(len(layers) - 1, -1, -1):
        if i in scales:
            g = g * scales[i].reshape((1, -1) + (1,) * (g.ndim - 2))
        elif layers[i].type_name != "dropout":
            g = layers[i].backward(g, need_input_grad=True)
    return g.reshape(x.shape)


def perturbed_logits(network, images: np.ndarray, eps: float, temperature: float, batch: int = 1000) -> np.ndarray:
    """The logits of each picture after ODIN's step: ``eps`` per pixel up the energy's gradient, within [0, 1]."""
    x = network.as_input(images)
    out = []
    for i in range(0, len(x), batch):
        xb = x[i:i + batch]
        moved = np.clip(xb + eps * np.sign(energy_input_gradient(network, xb, temperature)), 0.0, 1.0)
        out.append(network.forward(moved.astype(xb.dtype)))
    return np.concatenate(out).astype(np.float64)


def gradnorm(z: np.ndarray, h: np.ndarray, temperature: float) -> np.ndarray:
    """log of the L1 norm of d(cross-entropy against uniform)/dW for the last dense layer, but for a
    constant: the gradient is the outer product of its inputs ``h`` and ``p - u``, divided by T, whose L1
    norm is the product of theirs over T (the constant -log T moves no threshold's decisions)."""
    p = F.softmax(z[:, :10] / temperature)
    return np.log(np.abs(h).sum(axis=1)) + np.log(np.abs(p - 1.0 / p.shape[1]).sum(axis=1))


def scores_of(network, rule: RejectRule, sets, eps_values) -> tuple[dict[str, dict], dict[str, np.ndarray]]:
    """Every score of every set's pictures, by name, and the digits the network answers."""
    logits = {k: bench.logits_of(network, v.images) for k, v in sets.items()}
    feats = {k: bench.features(network, v.images) for k, v in sets.items()}
    t = rule.temperature
    energy = {k: rule.scores(z[:, :10]) for k, z in logits.items()}
    found = {ENERGY: energy}
    for eps in eps_values:
        found[f"ODIN, eps {eps:g}"] = {k: rule.scores(perturbed_logits(network, v.images, eps, t)[:, :10])
                                       for k, v in sets.items()}
    found["GradNorm"] = {k: gradnorm(logits[k], feats[k], t) for k in sets}
    found["energy + log ||h||_1"] = {k: energy[k] + np.log(np.abs(feats[k]).sum(axis=1)) for k in sets}
    return found, {k: z[:, :10].argmax(axis=1) for k, z in logits.items()}


def row(scores: dict[str, np.ndarray], digits: dict[str, np.ndarray], sets, accept: float) -> dict[str, float | None]:
    """The figures at the threshold accepting ``accept`` of the validation digits, and the frontier."""
    threshold = choose_threshold(scores["mnist_val"], accept)
    figs = bench.outcome(sets, {k: np.where(scores[k] >= threshold, digits[k], -1) for k in bench.TARGET_SETS})
    best = bench.score_frontier(scores, digits, sets, bounds=(bench.REFUSAL_BOUNDS,))[0]
    return {"non_digits": figs["non_digits_refused"], "handwriting": figs["handwriting_refused"],
            "mnist": figs["mnist_test_refused"], "frontier": None if best is None else best[2]["non_digits_refused"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", type=Path)
    parser.add_argument("--eps", type=float, nargs="+", default=[0.001, 0.005, 0.02], help="ODIN's steps, per pixel")
    parser.add_argument("--fashion", type=Path, default=bench.FASHION)
    parser.add_argument("--handwriting", type=Path, nargs="+", default=[bench.HANDWRITING], metavar="DIR")
    parser.add_argument("--non-digits", type=Path, nargs="+", default=[bench.NON_DIGITS], metavar="DIR")
    args = parser.parse_args(argv)
    try:
        models = [load_model(path) for path in args.models]
    except DigitnetError as err:
        raise SystemExit(f"error: {err}")
    if any(not isinstance(m.reject, RejectRule) or m.is_committee or m.reject.score != "energy" for m in models):
        raise SystemExit("error: give single networks with a reject rule on the energy (digitnet train makes them)")
    sets = bench.load_sets(args)
    if "fashion" not in sets:
        raise SystemExit("error: the frontier needs Fashion-MNIST (--fashion DIR)")
    for path, model in zip(args.models, models):
        rule = model.reject
        found, digits = scores_of(model.network, rule, sets, args.eps)
        accept = rule.accept or acceptance(found[ENERGY]["mnist_val"], rule.threshold)
        print(f"{path}: refused at the threshold accepting {accept:.2%} of the validation digits; frontier "
              "with the refusal bounds alone")
        print(f"  {'score':28} {'non-digits':>10} {'handwriting':>11} {'MNIST':>6} {'frontier':>8}")
        for name, scores in found.items():
            r = row(scores, digits, sets, accept)
            front = "none" if r["frontier"] is None else f"{r['frontier']:.2%}"
            print(f"  {name:28} {r['non_digits']:10.2%} {r['handwriting']:11.2%} {r['mnist']:6.2%} {front:>8}",
                  flush=True)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Does the reject option meet its targets? Refusals and accuracy on five sets, and calibration.

    python benchmarks/reject.py runs/reject/oe6k_w1_fd_pen.npz       # the model's own reject rule
    python benchmarks/reject.py src/digitnet/models/default.npz --score max_probability   # today's model
    python benchmarks/reject.py MODEL --methods                      # every score, with and without T
    python benchmarks/reject.py A.npz B.npz C.npz --committee        # the three as a committee
    python benchmarks/reject.py A.npz B.npz C.npz --committee --frontier   # and its best threshold in hindsight
    python benchmarks/reject.py MODEL --plots plots/reject           # reliability diagram, answer grids
    python benchmarks/reject.py MODEL --drawn 3000                   # fresh negatives of the training kinds
    python benchmarks/reject.py MODEL --numbers 400                  # numbers of two and three digits
    python benchmarks/reject.py MODEL --frontier                     # the best threshold in hindsight
    python benchmarks/reject.py MODEL --handwriting DIR DIR --non-digits DIR DIR   # sets of other seeds, pooled

The sets (each made or found on first use):

- MNIST's 10,000 test images, and its last 5,000 training images (the validation images the rule was
  fitted on), as arrays, the way ``digitnet evaluate`` reads them;
- Fashion-MNIST's 10,000 test images (Debian's dataset-fashion-mnist, or ``--fashion DIR``);
- the handwriting set of ``benchmarks/handwriting/`` (300 pictures of digits, seed 1), and
- the held-out non-digits of ``benchmarks/non_digits/`` (400 pictures of letters, symbols and
  scribbles, seed 1), both through ``digitnet predict``'s preparation. A picture the preparation
  itself turns away ("no digit found") counts as refused, and is counted apart.

Decide with other sets, report on these: every choice made by looking at the seed-1 sets (a threshold,
a change to the preparation) is measured on them in hindsight. ``make reject-dev`` draws
development sets with seeds 0 and 2 (600 handwritten digits and 400 non-digits each, the same
generators); ``--handwriting`` and ``--non-digits`` take several folders and pool them.

A model file keeps its rule under ``"reject"`` in its description (``scripts/reject_experiment.py``
writes it); for a model without one the rule is fitted here on the validation images, with
``--score`` and ``--accept``. The targets are those of issue 18; the training time is the one the
model file records (``digitnet train`` measures it; it is only meaningful when the machine was otherwise
idle, so measure a model trained alone).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "handwriting"))
sys.path.insert(0, str(HERE / "non_digits"))

import make_digits  # noqa: E402
import make_non_digits  # noqa: E402

from digitnet.data import load_mnist, read_dataset  # noqa: E402
from digitnet.errors import DigitnetError  # noqa: E402
from digitnet.images import NoDigitError, prepare  # noqa: E402
from digitnet.io import load_model  # noqa: E402
from digitnet.metrics.calibration import reliability  # noqa: E402
from digitnet.metrics.intervals import wilson_interval  # noqa: E402
from digitnet.negatives import make_negatives  # noqa: E402
from digitnet.nn import functional as F  # noqa: E402
from digitnet.reject import (  # noqa: E402
    SCORES,
    CommitteeRule,
    RejectRule,
    acceptance,
    choose_threshold,
    fit_temperature,
    unanimous,
)

FASHION = Path("/usr/share/datasets/fashion-mnist")
#: (what, the figure's key, "min" or "max", the bound, the key of the count it is a share of): issue 18's targets
TARGETS = [
    ("Fashion-MNIST test refused", "fashion_refused", "min", 0.99, "fashion_count"),
    ("held-out letters, symbols, scribbles refused", "non_digits_refused", "min", 0.95, "non_digits_count"),
    ("MNIST test refused", "mnist_refused", "max", 0.005, "mnist_test_count"),
    ("MNIST test accuracy on accepted", "mnist_accuracy_accepted", "min", 0.9927, "mnist_test_accepted_count"),
    ("handwriting refused", "handwriting_refused", "max", 0.01, "handwriting_count"),
    ("handwriting accuracy on accepted", "handwriting_accuracy_accepted", "min", 0.96, "handwriting_accepted_count"),
    ("MNIST test ECE after temperature scaling", "ece_after", "max", 0.005, None),
    ("training time, as the model file records it", "train_seconds", "max", 60.0, None),
]


#: where the seed-1 sets the targets are reported on are kept (drawn on first use)
HANDWRITING, NON_DIGITS = Path("runs/handwriting"), Path("runs/non_digits")


@dataclass
class PictureSet:
    images: np.ndarray  # (N, 28, 28) uint8, what the network sees
    labels: np.ndarray | None  # digits, or None for non-digits
    names: list[str]  # what each picture is (a kind, a letter...)
    unprepared: np.ndarray  # bool (N,): the preparation itself refused the picture
    details: list[str] = field(default_factory=list)  # from labels.csv: "letter d", "Delphine.ttf 1" (--kinds)

    def refused(self, answers: np.ndarray) -> np.ndarray:
        """Which pictures ``answers`` (a digit each, -1 where the rule refuses) leave unread: the rule's
        refusals and the pictures the preparation itself turned away."""
        return (answers < 0) | self.unprepared


# -- the sets ----------------------------------------------------------------------------------------------
def prepared(sources) -> tuple[np.ndarray, np.ndarray]:
    """Each picture (a path or a file's bytes) as ``digitnet predict`` prepares it, and whether the
    preparation itself refused it ("no digit found"; its image is then blank)."""
    images, refused = [], []
    for source in sources:
        try:
            images.append(prepare(source).image)
            refused.append(False)
        except NoDigitError:
            images.append(np.zeros((28, 28), np.uint8))
            refused.append(True)
    return np.stack(images), np.array(refused)


def prepared_set(folder: Path, rows: list[dict], label_key: str | None, name_key: str,
                 detail_keys: tuple[str, ...]) -> PictureSet:
    images, refused = prepared([folder / row["file"] for row in rows])
    labels = np.array([int(r[label_key]) for r in rows]) if label_key else None
    return PictureSet(images, labels, [r[name_key] for r in rows], refused,
                      [" ".join(r[k] for k in detail_keys) for r in rows])


def pooled(parts: list[PictureSet]) -> PictureSet:
    """Several sets of one kind as one (larger sets, narrower intervals)."""
    labels = None if parts[0].labels is None else np.concatenate([p.labels for p in parts])
    return PictureSet(np.concatenate([p.images for p in parts]), labels, [n for p in parts for n in p.names],
                      np.concatenate([p.unprepared for p in parts]), [d for p in parts for d in p.details])


def picture_sets(folders: list[Path], read, default: Path) -> PictureSet:
    """The sets in ``folders``, pooled. ``read`` draws the seed-1 set into ``default`` when it is missing;
    any other folder must hold a set already (one of another seed would otherwise be filled with seed 1's)."""
    for folder in folders:
        if folder != default and not (folder / "labels.csv").is_file():
            raise SystemExit(f"error: {folder} has no labels.csv, so it is not a set yet; draw it first "
                             "(make reject-dev draws the development sets into runs/dev/)")
    return pooled([read(folder) for folder in folders])


def counted(names: list[str], hits: np.ndarray) -> dict[str, tuple[int, int]]:
    """(hits, pictures) for each name."""
    seen: dict[str, tuple[int, int]] = {}
    for name, hit in zip(names, hits):
        h, n = seen.get(name, (0, 0))
        seen[name] = (h + int(hit), n + 1)
    return seen


def tally(whats: list[str], hits: np.ndarray) -> list[tuple[str, int, int]]:
    """(what, hits, pictures) for each thing with a hit, most hits first (then the largest share, then by
    name): which letters get through, which fonts' digits are refused."""
    seen = counted(whats, hits)
    return sorted(((w, h, n) for w, (h, n) in seen.items() if h), key=lambda t: (-t[1], t[2], t[0]))


def handwriting_set(folder: Path) -> PictureSet:
    labels = folder / "labels.csv"
    if not labels.is_file():
        fonts = make_digits.find_fonts()
        if len(fonts) < make_digits.MIN_FONTS:
            raise SystemExit(make_digits.missing_fonts_message(fonts))
        make_digits.generate(folder, 300, 1, fonts)
    with open(labels, newline="") as f:
        rows = list(csv.DictReader(f))
    return prepared_set(folder, rows, "digit", "digit", ("font", "digit"))


def non_digit_set(folder: Path) -> PictureSet:
    labels = folder / "labels.csv"
    if not labels.is_file():
        fonts = make_non_digits.find_fonts()
        if sum(n in make_digits.FONTS for n in fonts) < make_non_digits.MIN_FONTS:
            raise SystemExit("the non-digit set needs the handwriting fonts: scripts/apt-install.sh "
                             + " ".join(make_non_digits.packages()))
        make_non_digits.generate(folder, 400, 1, fonts)
    with open(labels, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return prepared_set(folder, rows, None, "kind", ("kind", "what"))


def numbers_set(count: int) -> PictureSet:
    """``--numbers``: numbers of two and three digits, photographed as the handwriting set's digits are
    (seed :data:`NUMBERS_SEED`), through the preparation; named by their length."""
    fonts = make_digits.find_fonts()
    if len(fonts) < make_digits.MIN_FONTS:
        raise SystemExit(make_digits.missing_fonts_message(fonts))
    drawn = make_non_digits.numbers(count, NUMBERS_SEED, fonts)
    images, refused = prepared([data for data, _, _ in drawn])
    return PictureSet(images, None, [f"{len(number)} digits" for _, number, _ in drawn], refused,
                      [f"{font} {number}" for _, number, font in drawn])


def load_sets(args) -> dict[str, PictureSet]:
    mnist = load_mnist(progress=False)
    n_val = 5000
    sets = {
        "mnist_val": PictureSet(mnist.train_images[-n_val:], mnist.train_labels[-n_val:], [], np.zeros(n_val, bool)),
        "mnist_test": PictureSet(mnist.test_images, mnist.test_labels, [], np.zeros(len(mnist.test_labels), bool)),
    }
    if (args.fashion / "t10k-images-idx3-ubyte.gz").is_file() or (args.fashion / "t10k-images-idx3-ubyte").is_file():
        fashion = read_dataset(args.fashion)
        sets["fashion"] = PictureSet(fashion.test_images, None, [], np.zeros(len(fashion.test_images), bool))
    else:
        print(f"note: no Fashion-MNIST in {args.fashion}; install it with scripts/apt-install.sh "
              "dataset-fashion-mnist (as root) or give --fashion DIR", file=sys.stderr)
    sets["handwriting"] = picture_sets(args.handwriting, handwriting_set, HANDWRITING)
    sets["non_digits"] = picture_sets(args.non_digits, non_digit_set, NON_DIGITS)
    return sets


# -- logits, scores, figures -------------------------------------------------------------------------------
def members(model) -> list:
    """The networks of a loaded model (``digitnet.io.Model``), a network or a committee: one or its members."""
    network = getattr(model, "network", model)
    return list(getattr(network, "members", [network]))


def logits_of(network, images: np.ndarray, batch: int = 2000) -> np.ndarray:
    x = network.as_input(images)
    return np.concatenate([network.forward(x[i:i + batch]) for i in range(0, len(x), batch)]).astype(np.float64)


def outcome(sets: dict[str, PictureSet], answers: dict[str, np.ndarray]) -> dict[str, float]:
    """The figures of ``answers`` (a digit per image, -1 where refused) on each set they are given for."""
    out = {}
    for name, digits in answers.items():
        data = sets[name]
        refused = data.refused(digits)
        out[f"{name}_refused"] = float(refused.mean())
        out[f"{name}_count"] = len(digits)
        if data.labels is not None:
            accepted = ~refused
            out[f"{name}_accepted_count"] = int(accepted.sum())
            out[f"{name}_accuracy_accepted"] = float(np.mean(digits[accepted] == data.labels[accepted])) \
                if accepted.any() else float("nan")
            out[f"{name}_accuracy_all"] = float(np.mean(np.where(refused, -1, digits) == data.labels))
        if data.unprepared.any():
            out[f"{name}_refused_by_preparation"] = float(data.unprepared.mean())
    return out


def figures(decide, sets: dict[str, PictureSet], logits: dict[str, np.ndarray]) -> dict[str, float]:
    """The figures for ``decide(logits) -> digits (-1 refused)`` on every set."""
    return outcome(sets, {name: decide(logits[name]) for name in sets})


def by_kind(answers: np.ndarray, data: PictureSet) -> dict[str, tuple[int, float]]:
    """(pictures, share refused) for each kind in ``data.names``; ``answers`` are digits, -1 for refused."""
    return {k: (n, h / n) for k, (h, n) in sorted(counted(data.names, data.refused(answers)).items())}


def print_kinds(sets, answers) -> dict:
    """``--kinds``: the non-digits refused by kind, those accepted by what they show, and the handwritten
    digits refused by font and digit (where a network's refusals of real digits gather)."""
    non_digits, handwriting = sets["non_digits"], sets["handwriting"]
    kinds = by_kind(answers["non_digits"], non_digits)
    accepted = tally(non_digits.details, ~non_digits.refused(answers["non_digits"]))
    refused = tally(handwriting.details, handwriting.refused(answers["handwriting"]))
    print("  held-out non-digits refused, by kind: "
          + ", ".join(f"{k} {share:.1%} of {n}" for k, (n, share) in kinds.items()))
    print("  accepted as digits: " + (", ".join(f"{w} ({h}/{n})" for w, h, n in accepted) or "none"))
    print("  handwritten digits refused, by font and digit: "
          + (", ".join(f"{w} ({h}/{n})" for w, h, n in refused) or "none"))
    return {"by_kind": kinds, "accepted_as_digits": accepted, "handwriting_refused_by_font": refused}


def print_refused_by_kind(name: str, what: str, sets, answers) -> dict[str, float]:
    """``--drawn``'s and ``--numbers``'s line: the share of set ``name`` refused, and of each kind in it."""
    refused = sets[name].refused(answers[name])
    kinds = by_kind(answers[name], sets[name])
    print(f"  {len(refused):,} {what} refused: {refused.mean():.2%}; by kind: "
          + ", ".join(f"{k} {share:.1%}" for k, (_, share) in kinds.items()))
    return {"all": float(refused.mean()), **{k: share for k, (_, share) in kinds.items()}}


#: the seed of ``--drawn``'s negatives: no model measured here trains on them (runs use seeds 0-2)
DRAWN_SEED = 4242
#: the seed of ``--numbers``'s pictures
NUMBERS_SEED = 2424


def rule_decider(rule: RejectRule, digit_outputs: int = 10):
    return lambda z: rule.decide(z[:, :digit_outputs])[0]


def model_rule(model, sets, logits, args) -> RejectRule:
    stored = (getattr(model, "metadata", None) or {}).get("reject")
    if stored and not args.score and "temperatures" not in stored:
        return RejectRule.from_dict(stored)
    z = logits["mnist_val"][:, :10]
    return RejectRule.fit(z, sets["mnist_val"].labels, score=args.score or "energy", accept=args.accept)


def calibration(rule: RejectRule, sets, logits) -> dict[str, float]:
    z, y = logits["mnist_test"][:, :10], sets["mnist_test"].labels
    return {"ece_before": reliability(F.softmax(z), y).ece, "ece_after": reliability(rule.probabilities(z), y).ece,
            "temperature": rule.temperature}


def meets(kind: str, value: float, bound: float) -> bool:
    return value >= bound if kind == "min" else value <= bound


def print_targets(title: str, figs: dict[str, float]) -> bool:
    print(title)
    met_all = True
    for what, key, kind, bound, out_of in TARGETS:
        value = figs.get(key)
        if value is None and key == "train_seconds":  # a committee's file sums its members'; older files: none
            print(f"  {what:48} {'(not recorded for one network)':>10}")
            continue
        if value is None:
            print(f"  {what:48} {'(set missing)':>10}")
            met_all = False
            continue
        met = meets(kind, value, bound)
        met_all &= met
        sign = ">=" if kind == "min" else "<="
        shown, target = (f"{value:>8.1f} s", f"{bound:.0f} s") if key == "train_seconds" else \
            (f"{value:>9.2%}", f"{bound:.2%}")
        n = figs.get(out_of) if out_of else None
        spread = ""
        if n:  # a share of a few hundred pictures is decided by a picture or two: say how far it may be off
            k = round(value * n)
            low, high = wilson_interval(k, n)
            spread = f"   ({k:,} of {n:,}; 95% interval {low:.2%}-{high:.2%})"
        print(f"  {what:48} {shown}   target {sign} {target}   {'met' if met else 'NOT MET':7}{spread}".rstrip())
    return met_all


# -- comparisons -----------------------------------------------------------------------------------------
#: the targets a threshold moves besides the held-out one (not the ECE, nor the training time), and of
#: them those about refusals alone
MOVED_BY_THRESHOLD = tuple(key for _, key, *_ in TARGETS if key not in ("non_digits_refused", "ece_after",
                                                                         "train_seconds"))
REFUSAL_BOUNDS = ("fashion_refused", "mnist_refused", "handwriting_refused")
#: the sets the targets are measured on (the validation digits only choose a rule's threshold)
TARGET_SETS = ("fashion", "mnist_test", "handwriting", "non_digits")


def target_figures(figs: dict[str, float]) -> dict[str, float]:
    """``outcome``'s figures with the MNIST test figures also under the names the targets use."""
    return {**figs, "mnist_refused": figs["mnist_test_refused"],
            "mnist_accuracy_accepted": figs["mnist_test_accuracy_accepted"]}


def frontier(rule: RejectRule, sets, logits, bounds=(MOVED_BY_THRESHOLD, REFUSAL_BOUNDS)) -> list:
    """For each group of target keys in ``bounds``: the threshold on the rule's score that refuses the most
    of the held-out non-digits while those targets are met, as (threshold, the share of validation digits
    it accepts, its figures), or None when no threshold meets them. Needs every set the targets name.

    Every threshold that matters is tried: the held-out refusals change only at a held-out picture's
    score, and just above each is the lowest threshold refusing that many (so, of thresholds refusing as
    many, the one refusing the fewest digits). It compares networks by their trade-off curves rather than
    at one point of them: a network whose best here is under 95% misses the held-out target whatever its
    threshold. It looks at the measuring sets to choose, so it measures a network; it is no rule to use."""
    scores = {k: rule.scores(logits[k][:, :10]) for k in ("mnist_val", *TARGET_SETS)}
    return score_frontier(scores, {k: logits[k][:, :10].argmax(axis=1) for k in TARGET_SETS}, sets, bounds)


def score_frontier(scores: dict[str, np.ndarray], digits: dict[str, np.ndarray], sets,
                   bounds=(MOVED_BY_THRESHOLD, REFUSAL_BOUNDS)) -> list:
    """:func:`frontier` for any score of each set's pictures (higher: more like a digit) and the digits
    answered where accepted; ``scores`` also has the validation digits' (``"mnist_val"``)."""
    checks = [[(key, kind, bound) for _, key, kind, bound, _ in TARGETS if key in keys] for keys in bounds]
    best: list = [None] * len(bounds)
    for t in np.unique(np.nextafter(scores["non_digits"], np.inf)):  # ascending: the lowest of each count first
        figs = target_figures(outcome(sets, {k: np.where(scores[k] >= t, digits[k], -1) for k in TARGET_SETS}))
        for i, check in enumerate(checks):
            if all(meets(kind, figs[key], bound) for key, kind, bound in check) and \
                    (best[i] is None or figs["non_digits_refused"] > best[i][2]["non_digits_refused"]):
                best[i] = (float(t), acceptance(scores["mnist_val"], t), figs)
    return best


def print_frontier(rule, sets, logits) -> dict:
    """``--frontier``'s lines for one network, and what ``--json`` keeps of them."""
    if isinstance(rule, CommitteeRule):
        print("  (--frontier moves one network's threshold; a committee's file keeps its own)")
        return {}
    if lacks_a_measuring_set(sets, "frontier"):
        return {}
    return report_frontier(frontier(rule, sets, logits))


def lacks_a_measuring_set(sets, what: str) -> bool:
    """Whether a set the frontier weighs is missing (Fashion-MNIST not installed, say); if so, says so."""
    missing = sorted(set(TARGET_SETS) - set(sets))
    if missing:
        print(f"  {what}: needs every measuring set ({', '.join(missing)} missing)")
    return bool(missing)


def report_frontier(answers: list) -> dict:
    """Print :func:`frontier`'s two answers (every other target met; the refusal bounds alone), and
    return what ``--json`` keeps of them."""
    found = dict(zip(("frontier", "frontier_refusals"), answers))
    for name, what in (("frontier", "every other target met"), ("frontier_refusals", "the refusal bounds alone "
                                                                 "met (Fashion-MNIST, MNIST, handwriting)")):
        best = found[name]
        print(f"  frontier, {what}: " + ("no threshold" if best is None else
              f"{best[2]['non_digits_refused']:.2%} of the held-out set refused at most, by a threshold of "
              f"{best[0]:.3f} accepting {best[1]:.2%} of the validation digits (handwriting refused "
              f"{best[2]['handwriting_refused']:.2%}, MNIST test {best[2]['mnist_refused']:.2%})"))
    return {k: None if v is None else {"threshold": v[0], "accept": v[1], "figures": v[2]} for k, v in found.items()}


def methods_table(model, sets, logits, accept: float) -> list[dict]:
    """Every score of the logits, at T = 1 and at the fitted T, the threshold accepting ``accept`` of the
    validation digits; then two feature-space distances (not functions of the logits: for comparison)."""
    z_val, y_val = logits["mnist_val"][:, :10], sets["mnist_val"].labels
    t_fit = fit_temperature(z_val, y_val)
    rows = []
    for score in SCORES:
        for temperature in ((1.0,) if score == "max_logit" else (1.0, t_fit)):
            rule = RejectRule(score, temperature, choose_threshold(SCORES[score](z_val, temperature), accept))
            rows.append({"method": f"{score}, T={temperature:.3g}", **figures(rule_decider(rule), sets, logits)})
    energy = SCORES["energy"]
    per_class = np.array([choose_threshold(energy(z_val[z_val.argmax(1) == k], 1.0), accept) for k in range(10)])
    rows.append({"method": "energy, a threshold per predicted digit", **figures(
        lambda z: np.where(energy(z[:, :10], 1.0) >= per_class[z[:, :10].argmax(1)], z[:, :10].argmax(1), -1),
        sets, logits)})
    for name, second in (("top logit - 0.5 second logit", lambda z: z[:, -1] - 0.5 * z[:, -2]),
                         ("energy - mean logit", None)):
        def score_of(z, second=second):
            z = z[:, :10]
            return second(np.sort(z, axis=1)) if second else energy(z, 1.0) - z.mean(axis=1)

        th = choose_threshold(score_of(z_val), accept)
        rows.append({"method": name, **figures(
            lambda z, f=score_of, th=th: np.where(f(z) >= th, z[:, :10].argmax(1), -1), sets, logits)})
    if logits["mnist_val"].shape[1] == 11:  # an extra "not a digit" output: refuse when it wins, or by its share
        def wins(z):
            return np.where(z.argmax(1) == 10, -1, z[:, :10].argmax(1))

        def share(z):
            return 1 - F.softmax(z)[:, 10]

        th = choose_threshold(share(logits["mnist_val"]), accept)
        rows.append({"method": "extra class wins", **figures(wins, sets, logits)})
        rows.append({"method": "1 - p(not a digit), threshold",
                     **figures(lambda z: np.where(share(z) >= th, z[:, :10].argmax(1), -1), sets, logits)})
    net = members(model)[0]
    rows += [{"method": name, **found} for name, found in feature_figures(net, sets, logits, accept).items()]
    return rows


def features(network, images: np.ndarray, batch: int = 2000) -> np.ndarray:
    """The inputs of the last dense layer: what the network's final decision is made from."""
    last = max(i for i, layer in enumerate(network.layers) if layer.type_name == "dense")
    x = network.as_input(images)
    out = []
    for i in range(0, len(x), batch):
        h = x[i:i + batch]
        for layer in network.layers[:last]:
            h = layer.forward(h, False)
        out.append(h.reshape(len(h), -1).astype(np.float64))
    return np.concatenate(out)


def feature_figures(network, sets, logits, accept: float) -> dict[str, dict[str, float]]:
    """Two distances in the space of the features of 10,000 training digits; the digit answered is the
    network's own, the distance only decides refusal.

    - Lee et al. (2018): class means and one shared covariance; an image's score is minus its smallest
      Mahalanobis distance to a class mean;
    - Sun et al. (2022): features scaled to unit length; the score is minus the cosine distance to the
      10th nearest training digit."""
    mnist = load_mnist(progress=False)
    f_train, y_train = features(network, mnist.train_images[:10000]), mnist.train_labels[:10000]
    means = np.stack([f_train[y_train == k].mean(axis=0) for k in range(10)])
    centred = f_train - means[y_train]
    precision = np.linalg.pinv(centred.T @ centred / len(centred) + 1e-6 * np.eye(centred.shape[1]))
    bank = unit(f_train)

    def mahalanobis(f):
        return -np.stack([np.einsum("ij,jk,ik->i", f - m, precision, f - m) for m in means], axis=1).min(axis=1)

    def nearest(f, k: int = 10, rows: int = 1000):  # in slices: all of a set against the bank is 800 MB
        return np.concatenate([-np.partition(1 - unit(f[i:i + rows]) @ bank.T, k - 1, axis=1)[:, k - 1]
                               for i in range(0, len(f), rows)])

    found = {k: features(network, v.images) for k, v in sets.items()}
    digits = {k: z[:, :10].argmax(1) for k, z in logits.items()}
    rows = {}
    for name, score in (("Mahalanobis distance of the features (not from logits)", mahalanobis),
                        ("cosine distance to the 10th nearest training digit's features", nearest)):
        scored = {k: score(f) for k, f in found.items()}
        th = choose_threshold(scored["mnist_val"], accept)
        rows[name] = outcome(sets, {k: np.where(scored[k] >= th, digits[k], -1) for k in sets})
    return rows


def unit(f: np.ndarray) -> np.ndarray:
    return f / np.maximum(np.linalg.norm(f, axis=1, keepdims=True), 1e-12)


def committee_logits(models, sets) -> tuple[list[dict[str, np.ndarray]], list[float]]:
    """Each member's ten digit logits on every set, and its temperature fitted on the validation digits."""
    member_logits = [{k: logits_of(net, v.images)[:, :10] for k, v in sets.items()} for m in models
                     for net in members(m)]
    return member_logits, [fit_temperature(z["mnist_val"], sets["mnist_val"].labels) for z in member_logits]


@dataclass
class Combined:
    """A committee's view of every set, worked out once: the mean of the members' probabilities (each at
    its temperature) and of their energies, whether they all agree, and whether most of them do (no more
    than half give another digit than the committee's)."""
    probabilities: dict[str, np.ndarray]
    energy: dict[str, np.ndarray]
    unanimous: dict[str, np.ndarray]
    majority: dict[str, np.ndarray]

    @classmethod
    def of(cls, member_logits, temps) -> "Combined":
        """Through digitnet's own committee rule (no threshold: its disagreement test alone), so that these
        are the figures of the committees digitnet makes."""
        rule = CommitteeRule("energy", tuple(temps), disagreement=0.5)
        combined = cls({}, {}, {}, {})
        for name in member_logits[0]:
            z = [member[name] for member in member_logits]
            probabilities, energy = rule.probabilities(z), rule.scores(z)
            combined.probabilities[name], combined.energy[name] = probabilities, energy
            combined.unanimous[name] = unanimous(z)
            combined.majority[name] = rule.accepts(energy, rule.against(z, probabilities.argmax(1)))
        return combined

    def answer(self, name: str) -> np.ndarray:
        return self.probabilities[name].argmax(1)


def committee_frontier(combined: Combined, sets) -> list:
    """:func:`frontier` for a committee's mean energy (each member at its own temperature), answering the
    digit of the mean probabilities: the best threshold in hindsight, as for one network."""
    return score_frontier(combined.energy, {k: combined.answer(k) for k in TARGET_SETS}, sets)


def committee_table(combined: Combined, sets, accept: float) -> list[dict]:
    """Several networks as a committee: their mean probabilities' top, their mean energy, and their
    mean energy with a refusal whenever they do not all agree."""
    c = combined

    def kept(keep) -> dict[str, float]:  # the committee's answer where ``keep(set name)`` holds
        return outcome(sets, {n: np.where(keep(n), c.answer(n), -1) for n in sets})

    rows = []
    for label, score in (("committee: top mean probability", {n: p.max(1) for n, p in c.probabilities.items()}),
                         ("committee: mean energy", c.energy)):
        th = choose_threshold(score["mnist_val"], accept)
        rows.append({"method": label, **kept(lambda n, score=score, th=th: score[n] >= th)})
    # unanimity first, then the energy threshold that keeps the total acceptance of validation digits
    val_agree = c.unanimous["mnist_val"]
    still = min(1.0, accept * len(val_agree) / max(1, val_agree.sum()))
    th = choose_threshold(c.energy["mnist_val"][val_agree], still) if val_agree.any() else np.inf
    rows.append({"method": "committee: mean energy, and unanimous",
                 **kept(lambda n: (c.energy[n] >= th) & c.unanimous[n])})
    rows.append({"method": "committee: unanimity alone", **kept(c.unanimous.__getitem__)})
    th = choose_threshold(c.energy["mnist_val"], accept)
    rows.append({"method": "committee: mean energy, and most members agree (digitnet's rule)",
                 **kept(lambda n: (c.energy[n] >= th) & c.majority[n])})
    rows.append({"method": "committee: most members agree, alone", **kept(c.majority.__getitem__)})
    rows.append({"method": "committee: share of images where the members do not all agree", **{
        f"{n}_refused": float(np.mean(~c.unanimous[n])) for n in sets}})
    return rows


def print_table(rows: list[dict]) -> None:
    columns = [("fashion_refused", "F-MNIST refused"), ("non_digits_refused", "non-digits refused"),
               ("mnist_test_refused", "MNIST refused"), ("mnist_test_accuracy_accepted", "MNIST acc."),
               ("handwriting_refused", "handwr. refused"), ("handwriting_accuracy_accepted", "handwr. acc.")]
    print(f"  {'method':58}" + "".join(f"{title:>19}" for _, title in columns))
    for row in rows:
        print(f"  {row['method']:58}" + "".join(
            f"{row[key]:>19.2%}" if key in row else f"{'-':>19}" for key, _ in columns))


# -- plots -------------------------------------------------------------------------------------------------
def draw(folder: Path, model_name: str, rule: RejectRule, sets, logits) -> None:
    from digitnet.plots.refusals import plot_answers
    from digitnet.plots.reliability import plot_reliability

    z, y = logits["mnist_test"][:, :10], sets["mnist_test"].labels
    plot_reliability([("before: softmax(z)", reliability(F.softmax(z), y)),
                      (f"after: softmax(z / {rule.temperature:.3g})", reliability(rule.probabilities(z), y))],
                     folder / "reliability.png", title=f"Reliability of {model_name} on MNIST's 10,000 test images")
    for name, title in (("non_digits", "Held-out letters, symbols and scribbles"),
                        ("handwriting", "Pictures of handwritten digits (the handwriting set)"),
                        ("fashion", "Fashion-MNIST test images")):
        if name not in sets:
            continue
        pick = np.arange(min(40, len(sets[name].images)))
        digits, _ = rule.decide(logits[name][pick, :10])
        digits = np.where(sets[name].unprepared[pick], -1, digits)
        probs = rule.probabilities(logits[name][pick, :10]).max(axis=1)
        names = [sets[name].names[i] for i in pick] if sets[name].names else None
        plot_answers(sets[name].images[pick], digits, probs, folder / f"answers_{name}.png",
                     f"{title}: what {model_name} answers", names=names)
    print(f"plots written to {folder}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", type=Path)
    parser.add_argument("--score", choices=tuple(SCORES), help="fit a rule with this score here, even if the "
                        "model keeps one")
    parser.add_argument("--accept", type=float, default=0.997, help="share of validation digits a rule fitted "
                        "here accepts (default 0.997)")
    parser.add_argument("--methods", action="store_true", help="compare every score, with and without temperature")
    parser.add_argument("--frontier", action="store_true", help="also the most of the held-out set any threshold "
                        "refuses with every other target met, and with the refusal bounds alone (compares "
                        "networks, not thresholds); with --committee, of the committee's mean energy too")
    parser.add_argument("--committee", action="store_true", help="also measure the models as one committee")
    parser.add_argument("--kinds", action="store_true", help="refusals of the non-digits by kind and what is "
                        "drawn, and of the handwritten digits by font and digit")
    parser.add_argument("--drawn", type=int, default=0, metavar="N", help="also the refusals of N negatives "
                        f"drawn afresh by digitnet.negatives (seed {DRAWN_SEED}), by kind")
    parser.add_argument("--numbers", type=int, default=0, metavar="N", help="also the refusals of N photographed "
                        f"numbers of two and three digits in the handwriting set's fonts (seed {NUMBERS_SEED})")
    parser.add_argument("--fashion", type=Path, default=FASHION, help=f"Fashion-MNIST folder (default {FASHION})")
    parser.add_argument("--handwriting", type=Path, nargs="+", default=[HANDWRITING], metavar="DIR",
                        help=f"the handwriting set (default {HANDWRITING}, drawn there if missing; several "
                        "folders are pooled; name the models first)")
    parser.add_argument("--non-digits", type=Path, nargs="+", default=[NON_DIGITS], metavar="DIR",
                        help=f"the held-out non-digits (default {NON_DIGITS}, drawn there if missing; several "
                        "folders are pooled)")
    parser.add_argument("--plots", type=Path, help="write the reliability diagram and answer grids here")
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args(argv)
    for option in ("drawn", "numbers"):
        if getattr(args, option) < 0:
            parser.error(f"--{option} takes a number of pictures, 0 or more, not {getattr(args, option)}")
    try:
        models = [load_model(path) for path in args.models]
    except DigitnetError as err:
        raise SystemExit(f"error: {err}")
    sets = load_sets(args)
    if args.drawn:  # negatives of the kinds training draws, afresh: decided for every model as every set is
        fresh = make_negatives(args.drawn, seed=DRAWN_SEED)
        sets["drawn"] = PictureSet(fresh.images, None, list(fresh.families), np.zeros(len(fresh), bool))
    if args.numbers:  # several digits in one picture: a reader of one digit should not take one of them
        sets["numbers"] = numbers_set(args.numbers)
    print("sets: " + ", ".join(f"{k} {len(v.images):,}" for k, v in sets.items() if k != "mnist_val")
          + f"; rules fitted on {len(sets['mnist_val'].images):,} validation digits")
    for name, folders in (("handwriting", args.handwriting), ("non_digits", args.non_digits)):
        if len(folders) > 1:
            print(f"  {name} pooled from " + ", ".join(map(str, folders)))
    print()
    report, all_met = {}, True
    for path, model in zip(args.models, models):
        # a committee's logits: the mean of its members' (its file keeps one rule for them)
        logits = {k: np.mean([logits_of(net, v.images) for net in members(model)], axis=0) for k, v in sets.items()}
        rule = model_rule(model, sets, logits, args)
        answers = {k: rule_decider(rule)(z) for k, z in logits.items()}
        figs = outcome(sets, answers)
        if model.is_committee and model.reject is not None and not args.score:
            # a committee's file keeps its own rule (each member at its own temperature, the mean of their
            # scores, and how many may disagree): digitnet's own decision, as every surface gives it
            decisions = {k: model.decide(v.images) for k, v in sets.items()}
            answers = {k: d.digits for k, d in decisions.items()}
            figs = outcome(sets, answers)
            test = decisions["mnist_test"].figures(sets["mnist_test"].labels)
            figs.update({"ece_before": test["ece_before"], "ece_after": test["ece_after"],
                         "disagreement": test["disagreement"]})
            rule = model.reject
        seconds = (getattr(model, "metrics", None) or {}).get("train_seconds")
        if seconds is not None and not model.is_committee:  # measured where it was trained (alone, or it means little)
            figs["train_seconds"] = float(seconds)
        figs = target_figures(figs)
        if not isinstance(rule, CommitteeRule):
            figs.update(calibration(rule, sets, logits))
        all_met &= print_targets(f"{path}: {rule}", figs)
        print(f"  (MNIST test ECE before temperature scaling {figs['ece_before']:.2%}; accuracy on all "
              f"{figs['mnist_test_accuracy_all']:.2%} counting refusals as errors)")
        entry = {"rule": rule.to_dict(), "figures": figs}
        if args.kinds:
            entry.update(print_kinds(sets, answers))
        # how well the network learned its own kinds of negative, apart from new fonts and hands; and numbers
        for name, what in (("drawn", "freshly drawn negatives"), ("numbers", "photographed numbers")):
            if name in sets:
                entry[name] = print_refused_by_kind(name, what, sets, answers)
        if args.frontier:
            entry.update(print_frontier(rule, sets, logits))
        if args.methods:
            rows = methods_table(model, sets, logits, args.accept)
            print(f"\n  every method on {path}, thresholds accepting {100 * args.accept:g}% of validation digits:")
            print_table(rows)
            entry["methods"] = rows
        if args.plots and isinstance(rule, CommitteeRule):
            print("  (--plots draws one network's rule; a committee's file is measured without pictures)")
        elif args.plots:
            draw(args.plots, path.name, rule, sets, logits)
        report[str(path)] = entry
        print()
    if args.committee and len(models) > 1 or (args.committee and hasattr(models[0], "members")):
        member_logits, temps = committee_logits(models, sets)
        combined = Combined.of(member_logits, temps)
        rows = committee_table(combined, sets, args.accept)
        print(f"committee of {len(member_logits)} networks, thresholds accepting "
              f"{100 * args.accept:g}% of validation digits:")  # 99.55%, not a rounded 99.6%
        print_table(rows)
        report["committee"] = rows
        if args.frontier and not lacks_a_measuring_set(sets, "committee's frontier"):
            print("  committee: mean energy, the best threshold in hindsight:")
            report["committee_frontier"] = report_frontier(committee_frontier(combined, sets))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=float))
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())

"""``digitnet train --committee N``: N networks of one recipe, trained side by side, saved as one model.

The members differ only in their seed (``seed``, ``seed + 1``, ...): their own initial weights,
shuffling, dropout and augmentation. They are trained as independent trials of a
:class:`~digitnet.scale.trial.TrialPool` (in parallel on a Dask cluster, or one after the other), come
back as model files, and are combined into a :class:`~digitnet.nn.committee.Committee` that averages
their probabilities. Its validation and test accuracy are measured here, on the same validation
images every member held out (the last ``val_size`` training images) and on the test set.

When the members carry a reject rule (a recipe with ``reject_accept``), the committee gets one of its
own (:class:`~digitnet.reject.CommitteeRule`): the members keep their temperatures, the committee's
score is the mean of theirs, and its threshold accepts the same share of those validation digits;
besides, it refuses a picture on which most of its networks give another digit than it does
(:data:`DISAGREEMENT`; docs/reject.md measures what that buys).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np

from digitnet._version import __version__
from digitnet.errors import DigitnetError
from digitnet.io.model import Model
from digitnet.nn.committee import Committee
from digitnet.presets.recipe import Recipe
from digitnet.reject import CommitteeRule, RejectRule
from digitnet.scale.members import Kept, keep, prepare
from digitnet.scale.report import pct
from digitnet.scale.trial import Outcome, TrialPool

#: a committee with a reject rule also refuses a picture on which more than this share of its networks
#: give another digit than it does: most of them (docs/reject.md, "Committees")
DISAGREEMENT = 0.5


@dataclass
class TrainedCommittee:
    committee: Committee
    recipe: Recipe
    metrics: dict[str, Any]
    metadata: dict[str, Any]  # what the model file stores about the committee as a whole
    members_metadata: list[dict[str, Any]] = field(repr=False, default_factory=list)  # each member's own
    outcomes: list[Outcome] = field(repr=False, default_factory=list)

    def save(self, path: "str | Path") -> Path:
        from digitnet.io.committee_file import save_committee

        return save_committee(self.committee, path, self.metadata, self.members_metadata)


def read_members(recipe: Recipe, seeds, folder: "Path | None", data=None,
                 log: Callable[[str], None] | None = None) -> dict[int, Kept]:
    """The members already trained in ``folder`` (finished runs of the same recipe, seed and data), as
    {seed: Kept}. Raises, before anything is trained, if a member's file there is someone else's (another
    recipe, seed or data: :mod:`digitnet.scale.members`) or cannot be written."""
    if folder is None:
        return {}
    kept = prepare(folder, recipe, seeds, getattr(data, "checksum", None), "`members`")
    for seed, member in kept.items():
        if log:
            log(f"member seed {seed}: test {pct(member.metrics.get('test_accuracy'))}, read from {member.path}")
    return kept


def train_committee(recipe: Recipe, pool: "TrialPool | None", seeds, data=None,
                    log: Callable[[str], None] | None = None, members_folder: "Path | None" = None,
                    kept: "dict[int, Kept] | None" = None) -> TrainedCommittee:
    """Train one member per seed on ``pool`` and combine them; ``data`` (the loaded data set) is where
    the committee's own validation and test accuracy are measured.

    With ``members_folder``, a member already trained there is read instead of trained again
    (:func:`read_members`; or pass what it returned as ``kept``), and each new member is saved there as
    soon as it ends, so Ctrl-C during the next loses only that one. ``pool`` may be None when every
    member is kept.
    """
    say = log or (lambda message: None)
    seeds = [int(s) for s in seeds]
    if len(seeds) < 2 or len(set(seeds)) != len(seeds):
        raise DigitnetError(f"a committee needs at least two different seeds, got {seeds}", parameter="committee")
    kept = dict(kept) if kept is not None else read_members(recipe, seeds, members_folder, data, say)
    if pool is None and len(kept) < len(seeds):
        raise DigitnetError("members are missing and there is no pool to train them on", parameter="committee")
    keys = {seed: pool.submit(recipe, seed) for seed in seeds if seed not in kept}
    if keys:
        say(f"training {len(keys)} members of {recipe.label} "
            + ("on the cluster" if pool.parallel else "one after the other"))
    outcomes: dict[int, Outcome] = {}
    for done, outcome in enumerate(pool.as_completed() if keys else (), start=1):
        outcomes[outcome.seed] = outcome
        m = outcome.metrics
        if not outcome.ok:
            say(f"member {done}/{len(keys)}, seed {outcome.seed}: {outcome.status}: {outcome.error}")
            continue
        if members_folder is not None:  # kept now: Ctrl-C during the next member loses only that one
            kept[outcome.seed] = keep(outcome.write, members_folder, recipe, outcome.seed,
                                      f"member seed {outcome.seed}")
        say(f"member {done}/{len(keys)}, seed {outcome.seed}: test {pct(m.get('test_accuracy'))}, "
            f"{m.get('train_seconds') or 0:.0f}s on {outcome.worker}"
            + (f"; kept as {kept[outcome.seed].path}" if members_folder is not None else ""))
    failed = [o for o in outcomes.values() if not o.ok]
    if failed:
        raise DigitnetError("committee members failed: " + "; ".join(f"seed {o.seed}: {o.error}" for o in failed)
                            + (f" (the others are kept in {members_folder})" if members_folder is not None else ""))
    for seed, outcome in outcomes.items():
        if seed not in kept:
            network, meta = outcome.read()
            kept[seed] = Kept(None, network, meta)
    members = [kept[s] for s in seeds]
    committee = Committee([m.network for m in members])
    member_metrics = [m.metrics for m in members]
    metrics = {"members_test_accuracy": [m.get("test_accuracy") for m in member_metrics],
               "members_val_accuracy": [m.get("val_accuracy") for m in member_metrics],
               "train_seconds": round(sum(m.get("train_seconds") or 0 for m in member_metrics), 3),
               "test_accuracy": None, "val_accuracy": None}
    rule = None
    if data is not None and recipe.val_size:
        rule = committee_rule(committee, [m.metadata for m in members], recipe, data.train_images[-recipe.val_size:],
                              data.train_labels[-recipe.val_size:])
    model = Model(committee, {"reject": rule.to_dict()} if rule is not None else {})
    if data is not None:
        if len(data.test_labels):
            decision = model.decide(data.test_images)
            metrics["test_accuracy"] = float(np.mean(decision.classes == data.test_labels))
            if rule is not None:
                found = decision.figures(data.test_labels)
                metrics.update({f"test_{key}": found[key] for key in
                                ("refused", "accuracy_accepted", "ece_before", "ece_after", "disagreement")})
        if recipe.val_size:
            metrics["val_accuracy"] = float(np.mean(model.predict(data.train_images[-recipe.val_size:])
                                                    == data.train_labels[-recipe.val_size:]))
    first = members[0]
    combination = "mean of the members' probabilities" + (", each at its own temperature" if rule else "")
    metadata = {"recipe": recipe.to_dict(), "seed": seeds[0], "seeds": seeds,
                "committee": {"size": len(members), "combination": combination},
                "metrics": metrics, "dataset": first.metadata.get("dataset"), "classes": first.metadata.get("classes"),
                "created": datetime.now(timezone.utc).isoformat(timespec="seconds"), "digitnet_version": __version__}
    if rule is not None:
        metadata["reject"] = rule.to_dict()
    return TrainedCommittee(committee, recipe, metrics, metadata, [m.metadata for m in members],
                            [outcomes[s] for s in seeds if s in outcomes])


def committee_rule(committee: Committee, members_metadata: list[dict[str, Any]], recipe: Recipe, images, labels,
                   disagreement: float | None = None) -> CommitteeRule | None:
    """The committee's reject rule, fitted on the validation ``images`` (digits ``labels``) every member
    held out: the members' own temperatures, the committee's threshold for the mean of their scores
    (accepting ``recipe.reject_accept`` of those digits), and ``disagreement`` (default
    :data:`DISAGREEMENT`). None when the recipe fits no rule or a member has none."""
    rules = [about.get("reject") for about in members_metadata]
    if not recipe.reject_accept or not all(isinstance(r, dict) and "temperature" in r for r in rules):
        return None
    temperatures = [RejectRule.from_dict(r).temperature for r in rules]
    member_logits = [network.logits(images) for network in committee.members]
    return CommitteeRule.fit(member_logits, labels, temperatures, score=recipe.reject_score,
                             accept=recipe.reject_accept,
                             disagreement=DISAGREEMENT if disagreement is None else disagreement)


def mean_and_spread(values) -> tuple[float, float]:
    """Mean and standard deviation (0 for one value) of the members' figures."""
    array = np.asarray([v for v in values if v is not None], dtype=float)
    return float(array.mean()), float(array.std(ddof=1)) if len(array) > 1 else 0.0

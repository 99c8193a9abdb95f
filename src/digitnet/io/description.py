"""What a model file says about its model, checked once, where the file is read.

A model file's description (its JSON) is written by digitnet, but a file from a stranger may hold
anything there: an accuracy as text, metrics as a list, a seed of -3. Every field digitnet reads is
declared below with the type and range it must have, and :func:`check_description` holds a description
to them as the file is loaded, raising a one-line :class:`DigitnetError` that names the file and the
field (``members[1].metrics.test_accuracy``). After that, whoever reads a loaded model's description
(``digitnet info``, ``evaluate``, the server, committees reading their members) can trust its types.

A field may be missing or null: unknown (files saved from Python without a description, runs with no
test images). Keys digitnet does not know are kept and never read. The recipe's training settings are
checked by ``digitnet.presets.Recipe.from_dict`` when a recipe is read back; here only the texts shown
from it (name, label, description). The architecture is checked by building the network
(``io/limits.py``); the class names' number against its outputs by :func:`check_classes`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

from digitnet.errors import DigitnetError
from digitnet.io.metadata import ENVIRONMENT_NAMES

#: a check takes a value and says what is wrong with it (None when nothing is), reading nested fields
#: through ``field`` so that their names reach the message
Check = Callable[[Any, str], None]


class _Wrong(Exception):
    def __init__(self, field: str, value: Any, wanted: str):
        super().__init__(field, value, wanted)
        self.field, self.value, self.wanted = field, value, wanted


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _scalar(wanted: str, ok: Callable[[Any], bool]) -> Check:
    def check(value: Any, field: str) -> None:
        if value is not None and not ok(value):
            raise _Wrong(field, value, wanted)
    return check


#: texts are shown on terminals and pages: one line, no control characters (no escape sequences)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
TEXT = _scalar("a line of text", lambda v: isinstance(v, str) and not _CONTROL.search(v))
FLAG = _scalar("true or false", lambda v: isinstance(v, bool))
NUMBER = _scalar("a number", _is_number)
SECONDS = _scalar("a number of seconds, 0 or more", lambda v: _is_number(v) and v >= 0)
FRACTION = _scalar("a fraction from 0 to 1", lambda v: _is_number(v) and 0 <= v <= 1)
COUNT = _scalar("a whole number, 0 or more", lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0)


def list_of(item: Check) -> Check:
    def check(value: Any, field: str) -> None:
        if value is None:
            return
        if not isinstance(value, list):
            raise _Wrong(field, value, "a list")
        for i, v in enumerate(value):
            item(v, f"{field}[{i}]")
    return check


def mapping(fields: dict[str, Check]) -> Check:
    def check(value: Any, field: str) -> None:
        if value is None:
            return
        if not isinstance(value, dict):
            raise _Wrong(field, value, "an object of named values")
        for key, item in fields.items():
            item(value.get(key), f"{field}.{key}" if field else key)
    return check


def _reject_rule(value: Any, field: str) -> None:
    """A reject rule in either form a model file keeps (``reject_rule`` reads it)."""
    if value is None:
        return
    try:
        reject_rule(value)
    except DigitnetError as err:
        raise _Wrong(field, value, f"a reject rule ({str(err).replace('the reject rule', 'its rule')})") from None


RECIPE = mapping({"name": TEXT, "label": TEXT, "description": TEXT})
METRICS = mapping({"test_accuracy": FRACTION, "val_accuracy": FRACTION, "val_loss": NUMBER, "best_epoch": COUNT,
                   "epochs_run": COUNT, "train_seconds": SECONDS, "test_seconds": SECONDS,
                   "members_test_accuracy": list_of(FRACTION), "members_val_accuracy": list_of(FRACTION),
                   "test_refused": FRACTION, "test_accuracy_accepted": FRACTION, "test_ece_before": FRACTION,
                   "test_ece_after": FRACTION, "test_disagreement": FRACTION, "negatives_seconds": SECONDS})
EPOCH = mapping({"epoch": COUNT, "loss": NUMBER, "accuracy": FRACTION, "val_loss": NUMBER, "val_accuracy": FRACTION,
                 "lr": NUMBER, "seconds": SECONDS})
HISTORY = mapping({"epochs": list_of(EPOCH), "best_epoch": COUNT, "stopped_early": FLAG, "interrupted": FLAG,
                   "train_seconds": SECONDS})
DATASET = mapping({"name": TEXT, "checksum": TEXT, "train": COUNT, "validation": COUNT, "test": COUNT,
                   "validation_from": TEXT, "fashion_checksum": TEXT})
#: where it was trained (``digitnet.train.environment``): what a seed's last bits depend on besides the code
ENVIRONMENT = mapping({key: COUNT if key == "blas_threads" else TEXT for key in ENVIRONMENT_NAMES})
#: what describes one trained network, alone or as a committee's member
NETWORK_FIELDS: dict[str, Check] = {"recipe": RECIPE, "seed": COUNT, "metrics": METRICS, "history": HISTORY,
                                    "dataset": DATASET, "classes": list_of(TEXT), "created": TEXT,
                                    "digitnet_version": TEXT, "reject": _reject_rule, "environment": ENVIRONMENT}
#: a whole file's description: one network's, or a committee's with each member's inside
DESCRIPTION = mapping({**NETWORK_FIELDS, "seeds": list_of(COUNT),
                       "committee": mapping({"size": COUNT, "combination": TEXT}),
                       "members": list_of(mapping(NETWORK_FIELDS))})


def check_description(meta: dict[str, Any], path: "str | Path") -> dict[str, Any]:
    """``meta`` (a model file's parsed description) if every field digitnet reads has its declared type
    and range; else a :class:`DigitnetError` naming ``path`` and the first field that does not."""
    try:
        DESCRIPTION(meta, "")
    except _Wrong as wrong:
        raise DigitnetError(f"{path} is damaged: its description gives {wrong.field} as {_shown(wrong.value)}, "
                            f"not {wrong.wanted}") from None
    return meta


def check_classes(meta: dict[str, Any], n_outputs: int, path: "str | Path", field: str = "classes") -> None:
    """The class names must be as many as the network answers (two for a single yes/no output)."""
    classes, expected = meta.get("classes"), max(int(n_outputs), 2)
    if classes is not None and len(classes) != expected:
        raise DigitnetError(f"{path} is damaged: its description's {field} names {len(classes):,} classes, "
                            f"but the network has {n_outputs} output{'s' if n_outputs != 1 else ''} "
                            f"({expected} classes)")


def check_reject(meta: dict[str, Any], networks: list, path: "str | Path") -> None:
    """The reject rule must fit the model: a network's for one network, one temperature per member for a
    committee; and its score reads the logits of a softmax, so every network must end in one (several
    outputs, trained by the softmax cross-entropy)."""
    try:
        rule = reject_rule(meta.get("reject"), len(networks))
    except DigitnetError as err:
        raise DigitnetError(f"{path} is damaged: {err}") from None
    if rule is not None and not all(n.n_outputs >= 2 and getattr(n.loss, "name", None) == "cross_entropy"
                                    for n in networks):
        raise DigitnetError(f"{path} is damaged: its reject rule scores the logits of a softmax over several "
                            "classes, and its network has no such output")


def reject_rule(value: Any, members: int | None = None):
    """The reject rule a description keeps under ``"reject"``, checked (``None`` when it has none): a
    network's :class:`~digitnet.reject.RejectRule` (score, temperature, threshold, accept), or a
    committee's :class:`~digitnet.reject.CommitteeRule` (its members' ``temperatures`` instead, and an
    optional ``disagreement``). A committee whose file keeps one network's form (one temperature for
    every member) gets it as a committee's rule; a committee's rule must name one temperature per member.
    ``members``: how many networks the model has (None: check the rule's form alone). Raises a
    :class:`DigitnetError` saying what is wrong."""
    from digitnet.reject import CommitteeRule, RejectRule

    if value is None:
        return None
    if isinstance(value, dict) and "temperatures" in value:
        rule = CommitteeRule.from_dict(value)
        if members == 1:
            raise DigitnetError("the reject rule is a committee's (it has `temperatures`), but the model is one "
                                "network")
        if members is not None and rule.size != members:
            raise DigitnetError(f"the reject rule has {rule.size} temperatures for a committee of {members} networks")
        return rule
    rest = {k: v for k, v in value.items() if k != "disagreement"} if isinstance(value, dict) else value
    single = RejectRule.from_dict(rest)
    disagreement = value.get("disagreement") if isinstance(value, dict) else None
    if disagreement is not None and members == 1:
        raise DigitnetError("the reject rule has a `disagreement`, which is for committees, but the model is one "
                            "network")
    if disagreement is None and members in (None, 1):
        return single
    committee = CommitteeRule(single.score, (single.temperature,) * (members or 2), single.threshold, single.accept,
                              disagreement)
    return committee if members else single


def _shown(value: Any) -> str:
    """A wrong value as the message shows it: short, and its kind when it is not a plain value."""
    if isinstance(value, (dict, list)):
        return "an object" if isinstance(value, dict) else "a list"
    text = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    return f"the text {text}" if isinstance(value, str) else text

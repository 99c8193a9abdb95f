"""Negatives that a continental 1 looks like, left out (docs/reject.md, thirteenth round): a research harness, not made.

Many people write a 1 with a long flag, up and down like a "Λ". The drawn negatives teach shapes of
that kind as "not a digit" ("^" written by the pen; "^", "Λ", "λ", "∧" from the fonts), and the
development sets show the cost: the packaged model refuses all seven 1s of a font written that way.
This trains without those negatives, and with a longer flag among the pen's 1s, to see whether
teaching nothing both ways moves the trade-off between refusing non-digits and refusing digits. The
measuring sets are not changed: their "^" stays a non-digit to refuse.

    python benchmarks/continental_one.py -- --seed 0 --out runs/r13/cont2_s0.npz

runs ``digitnet train`` with the arguments after ``--`` (one network: ``--committee``'s members would
train in other processes, without the changes, so it is refused). The negatives are drawn afresh, never read
from or written to the user cache (its files are named by the code that draws them, which this
changes at run time), and the model file says it was made by this harness
(``scripts/check_saved_models.py`` skips it).
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from photographed_training import mark_harness  # noqa: E402

#: characters a continental 1 can look like, no longer drawn as negatives (the fonts' curly ⋏, ⊼ and
#: Cyrillic Л, л stay)
LIKE_A_CONTINENTAL_ONE = "^Λλ∧⋀"


def longer_flag():
    """A 1 whose flag comes down most of the way, as the pen writes it (strokes in the box of ``pen_digits``)."""
    from digitnet.negatives.pen import line

    return [line((0.0, 0.72), (0.45, 0.0), (0.42, 1.0))]


def leave_out_continental_ones() -> None:
    """Draw no negative a continental 1 looks like, give the pen's 1s a longer flag, and keep the cache out."""
    from digitnet.negatives import fonts, pen_digits, pen_letters
    from digitnet.train import runner

    candidates = fonts.candidates
    fonts.candidates = lambda chars: "".join(c for c in candidates(chars) if c not in LIKE_A_CONTINENTAL_ONE)
    fonts.training_fonts.cache_clear()
    pen_letters.CHARACTERS = "".join(c for c in pen_letters.CHARACTERS if c not in LIKE_A_CONTINENTAL_ONE)
    pen_digits.SHAPES[1] = (*pen_digits.SHAPES[1], longer_flag)
    runner.reject_set = functools.partial(runner.reject_set, cache=False)


def main(argv: list[str] | None = None) -> int:
    train_args = [a for a in (sys.argv[1:] if argv is None else argv) if a != "--"]
    if any(a in ("-h", "--help") for a in train_args):
        print(__doc__)
        return 0
    if any(a.split("=")[0] == "--committee" for a in train_args):  # its members train in other processes,
        print("continental_one.py: error: --committee is not for this harness: its members would train "
              "without its changes; train each seed here instead", file=sys.stderr)
        return 2
    leave_out_continental_ones()
    mark_harness("benchmarks/continental_one.py")
    from digitnet.cli import main as digitnet

    return digitnet(["train", *train_args])


if __name__ == "__main__":
    sys.exit(main())

"""Tutorial 2: the "is it a 0?" detector with a hidden layer of 64 sigmoid units.

Mini-batches of 1,024, learning rate 1, 2,000 steps. The author's network never learned: its cost sat
at 0.6931 (= log 2, the cost of answering 50/50 to everything) and it called every test image "not a 0"
(90.2% accuracy, the share of non-zeros), because each update subtracted the weights themselves
instead of their gradients. Here the update is the optimiser's ``w -= lr * gradient``, the hidden
weights start with Glorot's scale (which suits sigmoid units), and the network must do better than
tutorial 1 in both accuracy and F1 for "0".
"""

from __future__ import annotations

from digitnet.presets import get_preset
from digitnet.tutorials import is_zero
from digitnet.tutorials.result import Context, Published, Result

KEY = "is-it-zero-hidden"
PUBLISHED = Published("90.2%, cost stuck at 0.6931, F1 0 (never learns)",
                      "tutorial 2 (the 'is it a 0?' detector with 64 hidden units)", 0.902)


def run(ctx: Context) -> Result:
    recipe = get_preset(KEY)
    steps = is_zero.QUICK_STEPS if ctx.quick else is_zero.STEPS
    network, costs, seconds = is_zero.train_detector(KEY, ctx.data, steps, ctx.seed)
    scores = is_zero.detector_scores(network, ctx.data)
    baseline = ctx.results.get(is_zero.KEY) or is_zero.run(ctx)  # tutorial 1, to be beaten
    scores.update(costs=costs, tutorial1_accuracy=baseline.metrics["accuracy"], tutorial1_f1=baseline.metrics["f1"])
    beats = (scores["accuracy"] > max(baseline.metrics["accuracy"], is_zero.PUBLISHED.value)
             and scores["f1"] > max(baseline.metrics["f1"], is_zero.published_f1()))
    compared = "compared with" if ctx.quick else "beats" if beats else "does not beat"
    figure = (f"{is_zero.describe(scores)}; final cost {costs[-1][1]:.4f}; {compared} tutorial 1 "
              f"({baseline.metrics['accuracy']:.2%}, F1 {baseline.metrics['f1']:.3f})")
    return Result(KEY, "2. Is it a 0? with 64 hidden units",
                  f"784-64-1 sigmoid, BCE, Glorot init, random batches of {recipe.batch_size}, lr {recipe.lr:g}, "
                  f"{steps:,} steps", PUBLISHED, figure, seconds, None if ctx.quick else beats, ctx.quick, scores)

"""Tutorial 2: "is it a 0?" with a hidden layer of 64 sigmoid units, and the bug that stopped it learning.

    python examples/02_is_it_zero_hidden.py [--quick]

The tutorial's version never learned: its cost stayed at 0.6931 = log(2), the cost of saying "50/50"
to every image, and it ended up calling everything "not a 0" (90.2% accuracy, F1 0). Each update
subtracted the *weights* instead of the *gradients*:  w -= lr * w  shrinks every weight towards zero
whatever the data say. digitnet's optimiser does  w -= lr * dCost/dw, so this network learns, and with
its hidden layer it must beat tutorial 1 in accuracy and in F1.
"""

import argparse

from digitnet.data import load_mnist
from digitnet.tutorials import is_zero, is_zero_hidden

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help=f"{is_zero.QUICK_STEPS} steps instead of the presets' 2,000")
args = parser.parse_args()

ds = load_mnist()
results = {}
for name in ("is-it-zero", "is-it-zero-hidden"):
    steps = is_zero.QUICK_STEPS if args.quick else is_zero.STEPS
    print(f"\n{name}: {steps:,} steps")
    network, costs, seconds = is_zero.train_detector(name, ds, steps, log=print)
    results[name] = is_zero.detector_scores(network, ds)
    print(f"cost went from {costs[0][1]:.4f} to {costs[-1][1]:.4f} (stuck at 0.6931 would mean: not learning)")

print("\n                   accuracy   F1 for '0'   confusion (rows = truth)")
for name, s in results.items():
    print(f"{name:<18} {s['accuracy']:>8.2%}   {s['f1']:>10.3f}   {s['confusion']}")
print(f"{'the tutorial':<18} {is_zero_hidden.PUBLISHED.value:>8.2%}   {0.0:>10.3f}   every image called 'not a 0'")

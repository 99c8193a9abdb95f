"""Tutorial 1, "Is it a 0?": logistic regression, one sigmoid unit looking at all 784 pixels.

    python examples/01_is_it_zero.py [--quick] [--plots DIR]

The simplest neural network there is: a single unit computes sigmoid(x . w + b), the probability that
the image x shows a 0. It learns from 2,000 random mini-batches of 256 images with binary
cross-entropy and learning rate 1, then answers for the 10,000 test images.
"""

import argparse

from digitnet.data import load_mnist
from digitnet.tutorials import is_zero

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help=f"{is_zero.QUICK_STEPS} steps instead of the preset's 2,000")
parser.add_argument("--plots", metavar="DIR", help="save the confusion matrix as a heat map in DIR")
args = parser.parse_args()

ds = load_mnist()
print(f"Only {(ds.train_labels == 0).mean():.1%} of the training images are 0s: answering 'not a 0' every time "
      "would already be right about 90% of the time, so accuracy alone flatters; F1 for '0' does not.\n")

steps = is_zero.QUICK_STEPS if args.quick else is_zero.STEPS
print(f"Training the 'is-it-zero' preset for {steps:,} steps (cost = binary cross-entropy of the batch):")
network, costs, seconds = is_zero.train_detector("is-it-zero", ds, steps, log=print)

scores = is_zero.detector_scores(network, ds)
print(f"\nAfter {seconds:.1f}s of training, on the 10,000 test images:")
print(f"  accuracy {scores['accuracy']:.2%}   (the tutorial: {is_zero.PUBLISHED.value:.2%})")
print(f"  confusion matrix, rows = truth (not 0, 0), columns = prediction: {scores['confusion']}")
print(f"  for '0': precision {scores['precision']:.3f}, recall {scores['recall']:.3f}, F1 {scores['f1']:.3f}")

if args.plots:
    import numpy as np

    from digitnet.plots import plot_confusion, plot_first_layer

    print(plot_confusion(np.array(scores["confusion"]), f"{args.plots}/is_it_zero_confusion.png",
                         names=["not 0", "0"], title="Is it a 0? Logistic regression, test set"))
    # One unit, one picture: red pixels push towards "0", blue ones away from it.
    print(plot_first_layer(network, f"{args.plots}/is_it_zero_weights.png", title="The weights of 'is it a 0?'"))

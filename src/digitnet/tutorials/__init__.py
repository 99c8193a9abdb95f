"""The five tutorials digitnet grew out of, reproduced with digitnet's own parts, plus the baselines.

One module per tutorial, each with a ``run(ctx) -> Result`` and the published figure it must meet:

1. ``is_zero``         "Is it a 0?": logistic regression (random mini-batch steps)
2. ``is_zero_hidden``  the same with 64 hidden units, learning this time
3. ``softmax_l2``      softmax regression with L2: full-batch descent, grid search, cost curve
4. ``nielsen``         Nielsen's chapter 1 and 3 networks, "Epoch k: n / 10000"
5. ``momentum``        784-100-10 with momentum, chosen by validation loss
6. ``moons``           a general MLP on two moons, with a decision-boundary animation

``baselines`` has guessing, "average darkness" and the SVM; ``ladder`` the convolutional presets
(LeNet-5, Nielsen's chapter 6, ``best``); ``runner`` runs them by name and ``table`` writes the
reproduction table. ``digitnet reproduce`` is the command; ``examples/`` has one short
script per tutorial.
"""

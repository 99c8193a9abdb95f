"""The neural-network core: everything needed to build and train a network, in plain NumPy.

One sub-package per concept, as in a textbook chapter:

- ``layers``        Dense, activations, Dropout, Flatten: each knows its forward pass and its backward pass
- ``losses``        what "wrong" means: quadratic, binary and softmax cross-entropy
- ``optimizers``    how to step downhill: SGD, momentum, Nesterov, Adam
- ``initializers``  where the weights start
- ``schedulers``    how the learning rate changes over training
- ``network``       a stack of layers with ``predict``, ``predict_proba`` and ``score``
"""

from digitnet.nn.network import Network

__all__ = ["Network"]

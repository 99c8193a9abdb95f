"""The code of Michael Nielsen's *Neural Networks and Deep Learning*, chapters 1-3, as the book calls it,
on Python 3 and on digitnet's vectorised core.

Readers of the book type lines like these, and they run here unchanged but for the imports::

    import digitnet.book.mnist_loader as mnist_loader
    import digitnet.book.network as network

    training_data, validation_data, test_data = mnist_loader.load_data_wrapper()
    net = network.Network([784, 30, 10])
    net.SGD(training_data, 30, 10, 3.0, test_data=test_data)      # Epoch 0: 9046 / 10000 ...

- ``mnist_loader``  the book's data shapes (lists of column vectors), read from digitnet's own MNIST
  files: no pickle, no ``'zip' object is not subscriptable``;
- ``network``       chapter 1: sigmoid units, the quadratic cost, mini-batch SGD;
- ``network2``      chapter 3: the cost classes with ``fn``/``delta``, better initial weights, L2
  regularisation (``lmbda``), monitoring, and models saved as JSON.

What differs from the book is inside: a mini-batch is one matrix and one pass of digitnet's layers
(``digitnet.nn``), not a Python loop over its samples, so 30 epochs of chapter 1 take seconds rather
than minutes. The book's ``weights`` and ``biases`` lists are views of that network's parameters. The
random numbers are drawn as the book draws them (``np.random.randn`` for the weights, ``random.shuffle``
for the order), so ``random.seed`` and ``np.random.seed`` make a run repeatable as they would there.
"""

"""The matrix products of one training epoch and nothing else: the floor for any implementation.

For each mini-batch a dense network needs, per Dense layer i with input a_i, weights W_i and output
gradient d_i:

    forward    a_i @ W_i                (batch x in) @ (in x out)
    backward   a_i.T @ d_i              the weight gradient
               d_i @ W_i.T              the input gradient, for every layer but the first

Here those products run on contiguous arrays allocated once, writing into reused outputs, with no
gathering, activation, loss or update in between. digitnet's epoch divided by this time says how close
it comes to what the machine's BLAS can do for this work.

``floor_epoch`` adds the two jobs that no implementation of the recipe can skip: gathering each
shuffled batch from the training array, and the momentum update of every weight, in the fewest NumPy
passes it can take (three: v *= mu, v -= lr g, w += v, as if lr g came free). It is a floor for any
NumPy implementation, not a recipe that trains: the activations, biases and the loss are left out.
"""

from __future__ import annotations

import time

import numpy as np

from digitnet.nn.layers import Dense


class MatrixProducts:
    def __init__(self, network, X: np.ndarray, batch_size: int, seed: int = 0):
        rng = np.random.default_rng(seed)
        self.X, self.rng = X, rng
        self.weights = [layer.params["W"] for layer in network.layers_before_loss if isinstance(layer, Dense)]
        n = len(X)
        self.batches = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
        dtype = self.weights[0].dtype
        self.buffers = {}
        for b in set(self.batches):
            inputs = [np.ascontiguousarray(X[:b])] + [np.zeros((b, W.shape[0]), dtype) for W in self.weights[1:]]
            outputs = [np.zeros((b, W.shape[1]), dtype) for W in self.weights]
            deltas = [rng.standard_normal((b, W.shape[1])).astype(dtype) for W in self.weights]
            input_grads = [np.zeros((b, W.shape[0]), dtype) for W in self.weights]
            self.buffers[b] = inputs, outputs, deltas, input_grads
        self.weight_grads = [np.zeros_like(W) for W in self.weights]
        # copies, so that the floor's updates leave the network's weights alone
        self.floor_weights = [W.copy() for W in self.weights]
        self.velocities = [np.zeros_like(W) for W in self.weights]

    def count(self) -> dict:
        """How many products of each kind one epoch makes."""
        layers, steps = len(self.weights), len(self.batches)
        return {"steps": steps, "forward": steps * layers, "weight_grad": steps * layers,
                "input_grad": steps * (layers - 1)}

    def epoch(self) -> float:
        """Seconds for one epoch's products."""
        started = time.perf_counter()
        for b in self.batches:
            self._products(self.weights, *self.buffers[b])
        return time.perf_counter() - started

    def floor_epoch(self) -> float:
        """Seconds for the products plus the batch gather and a three-pass momentum update."""
        Ws, gWs, vs = self.floor_weights, self.weight_grads, self.velocities
        mu = np.asarray(0.9, Ws[0].dtype)
        order = self.rng.permutation(len(self.X))
        started = time.perf_counter()
        start = 0
        for b in self.batches:
            inputs = self.buffers[b][0]
            inputs[0] = self.X.take(order[start:start + b], axis=0)
            start += b
            self._products(Ws, *self.buffers[b])
            for W, g, v in zip(Ws, gWs, vs):
                v *= mu
                v -= g
                W += v
        return time.perf_counter() - started

    def _products(self, Ws, inputs, outputs, deltas, input_grads) -> None:
        """One step's products: forward, then weight and input gradients from the last layer down."""
        gWs = self.weight_grads
        for i, W in enumerate(Ws):
            np.matmul(inputs[i], W, out=outputs[i])
        for i in range(len(Ws) - 1, -1, -1):
            np.matmul(inputs[i].T, deltas[i], out=gWs[i])
            if i > 0:
                np.matmul(deltas[i], Ws[i].T, out=input_grads[i])

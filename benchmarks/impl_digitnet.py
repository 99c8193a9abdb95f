"""digitnet's side of the benchmarks; runs in its own process (see worker.py and _common.Worker)."""

from __future__ import annotations

import time

import numpy as np

import _common
from digitnet.nn import Network
from digitnet.nn.optimizers import make_optimizer
from digitnet.train import Trainer, build_network, build_trainer
from matrix_products import MatrixProducts


def load_weights(network: Network, path: str) -> None:
    with np.load(path) as f:
        network.set_weights({k: f[k] for k in f.files})


class Bench:
    def __init__(self):
        self.X, self.y, self.X_test, self.y_test = _common.load_data()

    def info(self) -> dict:
        import digitnet

        return {"digitnet": digitnet.__version__, **_common.machine()}

    # -- one epoch of the recipe ------------------------------------------------------------
    def setup_epoch(self, sizes, lr, momentum, batch_size, seed, weights=None) -> None:
        self.net = Network.from_sizes(sizes, activation="relu", seed=seed)
        if weights:
            load_weights(self.net, weights)
        # epochs=1 per fit: each call of epoch() is one more epoch of the same run (the optimiser's
        # velocity and the shuffling generator carry on from call to call)
        self.trainer = Trainer(self.net, make_optimizer("momentum", self.net.params, lr, momentum=momentum), epochs=1,
                               batch_size=batch_size, seed=seed, progress=False, log=lambda msg: None)
        self.products = MatrixProducts(self.net, self.X, batch_size, seed)

    def epoch(self) -> dict:
        started = time.perf_counter()
        history = self.trainer.fit(self.X, self.y)
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "loss": history.epochs[-1]["loss"]}

    def matrix_products_epoch(self) -> dict:
        return {"seconds": self.products.epoch(), "count": self.products.count(),
                "floor_seconds": self.products.floor_epoch()}

    def test_accuracy(self) -> float:
        return float(self.net.score(self.X_test, self.y_test))

    # -- one epoch of a convolutional network (cnn_epoch.py) --------------------------------------------
    def setup_cnn(self, net: str, images: int, seed: int, weights: str, save_weights: bool = False) -> None:
        import cnn_nets

        self.recipe = cnn_nets.benchmark_recipe(net)
        self.net = build_network(self.recipe, seed)
        if save_weights:
            np.savez(weights, **self.net.get_weights())
        self.X_cnn, self.y_cnn = self.X[:images], self.y[:images]
        self.trainer = build_trainer(self.recipe, self.net, seed, progress=False, log=lambda msg: None)
        self.cnn_products = cnn_nets.Products(self.net, images, self.recipe.batch_size, seed)

    def cnn_epoch(self) -> dict:
        started = time.perf_counter()
        history = self.trainer.fit(self.X_cnn, self.y_cnn)
        return {"seconds": time.perf_counter() - started, "loss": history.epochs[-1]["loss"]}

    def cnn_products_epoch(self) -> dict:
        return {"seconds": self.cnn_products.epoch()}

    # -- inference ----------------------------------------------------------------------------------
    def setup_inference(self, sizes, weights) -> None:
        self.net = Network.from_sizes(sizes, activation="relu", seed=0)
        load_weights(self.net, weights)
        self.net.predict(self.X_test[:10])  # warm up

    def predict_all(self) -> dict:
        started = time.perf_counter()
        predicted = self.net.predict(self.X_test)
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "predictions": predicted.tolist()}

    def predict_one(self, repeats: int = 1000) -> dict:
        """Median seconds to predict the class of a single image, one call at a time."""
        times = []
        for i in range(repeats):
            x = self.X_test[i % len(self.X_test)]
            started = time.perf_counter()
            self.net.predict(x)
            times.append(time.perf_counter() - started)
        return {"seconds": float(np.median(times))}

    # -- a whole recipe, epoch by epoch ---------------------------------------------------------------
    def train_recipe(self, preset: str, seed: int, weights_out: str, epochs: int | None = None) -> list[dict]:
        """Train a preset as ``digitnet train`` does; test accuracy after every epoch (not timed).

        The initial weights are written to ``weights_out`` so another library can start from them.
        """
        from digitnet.data import validation_split
        from digitnet.presets import get_preset

        recipe = get_preset(preset).with_overrides(epochs=epochs)
        x_train, y_train, x_val, y_val = validation_split(self.X, self.y, size=recipe.val_size)
        net = build_network(recipe, seed)
        np.savez(weights_out, **net.get_weights())
        rows = []

        def record(trainer, row):
            rows.append({"epoch": row["epoch"], "seconds": row["seconds"], "loss": row["loss"],
                         "val_accuracy": row.get("val_accuracy"), "test_accuracy": net.score(self.X_test, self.y_test)})

        trainer = build_trainer(recipe, net, seed, progress=False, log=lambda msg: None, callbacks=(record,))
        trainer.fit(x_train, y_train, x_val, y_val)
        return rows

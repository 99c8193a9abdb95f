"""PyTorch's side of the benchmarks, doing the same work as impl_digitnet in its usual idiom:
``nn.Sequential`` + ``torch.optim.SGD`` + ``nn.CrossEntropyLoss``, float32 on the CPU.

Same data, same initial weights (copied from digitnet's), the same batch order (NumPy's generator with
the same seed) and the same book-keeping per step (running loss and accuracy), so that both compute
the same thing and only the implementation differs.
"""

from __future__ import annotations

import re
import time

import numpy as np
import torch
from torch import nn

import _common

torch.set_num_threads(_common.threads())  # as many threads as NumPy's BLAS: one per core unless told otherwise


def build(sizes, weights=None) -> nn.Sequential:
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    if weights:
        with np.load(weights) as f, torch.no_grad():
            linear = [m for m in model if isinstance(m, nn.Linear)]
            for i, m in enumerate(linear):  # digitnet's layer 2i is the i-th Dense; W is (in, out)
                m.weight.copy_(torch.from_numpy(f[f"{2 * i}.W"].T.copy()))
                m.bias.copy_(torch.from_numpy(f[f"{2 * i}.b"]))
    return model


def train_step(model, opt, loss_fn, xb, yb) -> tuple[float, torch.Tensor]:
    """One mini-batch step the usual PyTorch way; returns the loss and the logits."""
    opt.zero_grad(set_to_none=True)
    logits = model(xb)
    loss = loss_fn(logits, yb)
    loss.backward()
    opt.step()
    return loss.item(), logits


class Bench:
    def __init__(self):
        X, y, X_test, y_test = _common.load_data()
        self.X, self.y = torch.from_numpy(X), torch.from_numpy(y)
        self.X_test_np, self.X_test, self.y_test = X_test, torch.from_numpy(X_test), torch.from_numpy(y_test)

    def info(self) -> dict:
        config = torch.__config__.show()
        blas = re.search(r"BLAS_INFO=(\w+)", config)
        capability = re.search(r"CPU capability usage: (\w+)", config)
        return {"torch": torch.__version__, "threads": torch.get_num_threads(),
                "blas": blas.group(1) if blas else "?", "cpu_capability": capability.group(1) if capability else "?",
                "mkldnn": torch.backends.mkldnn.is_available()}

    # -- one epoch of the recipe ------------------------------------------------------------
    def setup_epoch(self, sizes, lr, momentum, batch_size, seed, weights=None) -> None:
        self.model = build(sizes, weights)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=lr, momentum=momentum)
        self.loss_fn = nn.CrossEntropyLoss()
        self.batch_size = batch_size
        self.rng = np.random.default_rng(seed)  # the same shuffles as digitnet's trainer

    def epoch(self) -> dict:
        model, opt, loss_fn, X, y, bs = self.model, self.optimizer, self.loss_fn, self.X, self.y, self.batch_size
        started = time.perf_counter()
        order = torch.from_numpy(self.rng.permutation(len(X)))
        total_loss, correct = 0.0, 0
        model.train()
        for start in range(0, len(X), bs):
            idx = order[start:start + bs]
            xb, yb = X[idx], y[idx]
            loss, logits = train_step(model, opt, loss_fn, xb, yb)
            total_loss += loss * len(idx)
            correct += int((logits.argmax(dim=1) == yb).sum())
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "loss": total_loss / len(X), "accuracy": correct / len(X)}

    def test_accuracy(self) -> float:
        with torch.inference_mode():
            return float((self.model(self.X_test).argmax(dim=1) == self.y_test).float().mean())

    # -- one epoch of a convolutional network (cnn_epoch.py) --------------------------------------------
    def setup_cnn(self, net: str, images: int, seed: int, weights: str) -> None:
        """digitnet's network (cnn_nets) from digitnet's initial weights, trained the usual PyTorch way with
        the recipe's optimiser, learning-rate schedule (set per step, as digitnet does) and batch order."""
        import cnn_nets
        from digitnet.nn.schedulers import make_schedule
        from digitnet.train import build_network

        recipe = cnn_nets.benchmark_recipe(net)
        self.model = cnn_nets.torch_model(build_network(recipe, seed), weights)
        decayed = [p for name, p in self.model.named_parameters() if name.endswith("weight") and p.ndim > 1]
        rest = [p for name, p in self.model.named_parameters() if not (name.endswith("weight") and p.ndim > 1)]
        self.optimizer = torch.optim.SGD([{"params": decayed, "weight_decay": recipe.weight_decay},
                                          {"params": rest, "weight_decay": 0.0}], lr=recipe.lr,
                                         momentum=recipe.momentum if recipe.optimizer != "sgd" else 0,
                                         nesterov=recipe.optimizer == "nesterov")
        self.schedule = make_schedule(recipe.schedule, recipe.lr, recipe.epochs)
        self.loss_fn = nn.CrossEntropyLoss()
        self.batch_size = recipe.batch_size
        shape = (-1,) + tuple(recipe.input_shape)
        self.X_cnn, self.y_cnn = self.X[:images].reshape(shape), self.y[:images]
        self.rng = np.random.default_rng(seed)

    def cnn_epoch(self) -> dict:
        model, opt, X, y, bs = self.model, self.optimizer, self.X_cnn, self.y_cnn, self.batch_size
        started = time.perf_counter()
        order = torch.from_numpy(self.rng.permutation(len(X)))
        steps, total_loss = -(-len(X) // bs), 0.0
        model.train()
        for step in range(steps):
            idx = order[step * bs:(step + 1) * bs]
            for group in opt.param_groups:
                group["lr"] = self.schedule(step / steps)
            total_loss += train_step(model, opt, self.loss_fn, X[idx], y[idx])[0] * len(idx)
        return {"seconds": time.perf_counter() - started, "loss": total_loss / len(X)}

    # -- inference ----------------------------------------------------------------------------------
    def setup_inference(self, sizes, weights) -> None:
        self.model = build(sizes, weights).eval()
        with torch.inference_mode():
            self.model(self.X_test[:10])

    def predict_all(self) -> dict:
        started = time.perf_counter()
        with torch.inference_mode():
            predicted = self.model(torch.from_numpy(self.X_test_np)).argmax(dim=1)
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "predictions": predicted.tolist()}

    def predict_one(self, repeats: int = 1000) -> dict:
        times = []
        with torch.inference_mode():
            for i in range(repeats):
                x = self.X_test_np[i % len(self.X_test_np)]
                started = time.perf_counter()
                int(self.model(torch.from_numpy(x)[None]).argmax(dim=1))
                times.append(time.perf_counter() - started)
        return {"seconds": float(np.median(times))}

    # -- a whole recipe, epoch by epoch ---------------------------------------------------------------
    def train_recipe(self, preset: str, seed: int, weights: str, epochs: int | None = None) -> list[dict]:
        """digitnet's preset done the PyTorch way, from digitnet's initial weights, with the same batch
        order, the same augmentation (digitnet's NumPy code, fed by the same generator) and the same
        per-step learning-rate schedule. Only the training steps are timed, as in digitnet's trainer."""
        from digitnet.augment import make_augmentation
        from digitnet.nn.schedulers import make_schedule
        from digitnet.presets import get_preset

        recipe = get_preset(preset).with_overrides(epochs=epochs)
        mlp = recipe.as_mlp
        plain = (recipe.optimizer == "momentum" and recipe.loss == "cross_entropy" and mlp is not None
                 and mlp.activation == "relu" and not mlp.dropout and not recipe.weight_decay)
        if not plain:
            raise ValueError(f"preset {preset!r} uses settings this PyTorch version does not reproduce")
        model = build(list(mlp.sizes), weights)
        opt = torch.optim.SGD(model.parameters(), lr=recipe.lr, momentum=recipe.momentum)
        loss_fn = nn.CrossEntropyLoss()
        schedule = make_schedule(recipe.schedule, recipe.lr, recipe.epochs)
        transform = make_augmentation(recipe.augment)
        rng = np.random.default_rng(seed)
        X, y = self.X.numpy(), self.y
        cut = len(X) - recipe.val_size
        X_train, y_train, X_val, y_val = X[:cut], y[:cut], torch.from_numpy(X[cut:]), y[cut:]
        bs, steps = recipe.batch_size, -(-cut // recipe.batch_size)
        rows = []
        for epoch in range(1, recipe.epochs + 1):
            model.train()
            started = time.perf_counter()
            order = rng.permutation(cut)
            total_loss = 0.0
            for step in range(steps):
                idx = order[step * bs:(step + 1) * bs]
                xb = X_train[idx]
                if transform is not None:
                    xb = transform(xb, rng)
                xb, yb = torch.from_numpy(xb), y_train[idx]
                for group in opt.param_groups:
                    group["lr"] = schedule(epoch - 1 + step / steps)
                total_loss += train_step(model, opt, loss_fn, xb, yb)[0] * len(idx)
            seconds = time.perf_counter() - started
            model.eval()
            with torch.inference_mode():
                val = float((model(X_val).argmax(dim=1) == y_val).float().mean())
                test = float((model(self.X_test).argmax(dim=1) == self.y_test).float().mean())
            rows.append({"epoch": epoch, "seconds": seconds, "loss": total_loss / cut, "val_accuracy": val,
                         "test_accuracy": test})
        return rows

"""One trial: a recipe and a seed in, one training run on some worker, a model file's bytes out.

:func:`train_trial` is what a Dask worker runs. It receives only the recipe (as ``Recipe.to_dict()``,
JSON-ready), the seed and a :class:`DataSpec` saying which data to read - never the data themselves:
the worker loads them from its own ``DIGITNET_DATA``, cache or folder (once per process) and reports
their fingerprint. It trains with :func:`digitnet.train.run`, exactly as ``digitnet train`` does, and
sends back the metrics and the model file as bytes.

:class:`TrialPool` is the client's side: it submits trials to a ``distributed.Client`` and hands back
each :class:`Outcome` as it arrives, checking that the worker ran the same digitnet on the same data.
Without a client it runs the trials here, one after the other (``--serial``): the same function, so a
serial and a parallel run of the same trials give the same models.

Failures: a :class:`~digitnet.errors.DigitnetError` in a trial (settings that cannot train, a loss
that diverged) is the trial's result, ``status="failed"``; anything else (a crash, a worker that kept
dying) is ``status="error"`` and worth running again. A worker that dies mid-trial is Dask's business:
its scheduler gives the trial to another worker (up to ``distributed.scheduler.allowed-failures``
times, 3 by default).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

from digitnet._version import __version__
from digitnet.data.errors import DataNote
from digitnet.errors import DigitnetError
from digitnet.presets.recipe import Recipe
from digitnet.scale.members import load_run, recipe_settings


@dataclass(frozen=True)
class DataSpec:
    """Which data a worker trains on: a folder (``None``: its own ``DIGITNET_DATA`` or cache), and
    optionally only the first ``n_train`` training and ``n_test`` test images (quick runs)."""

    directory: str | None = None
    n_train: int | None = None
    n_test: int | None = None
    download: bool = True

    def load(self):
        """(the data set, the full data set's fingerprint), read once per process."""
        key = (self.directory, self.download)
        if key not in _LOADED:
            from digitnet.data import load_mnist

            _LOADED.clear()  # one data set per worker at a time: MNIST is 55 MB
            _LOADED[key] = load_mnist(self.directory, download=self.download, progress=False)
        full = _LOADED[key]
        data = full.head(self.n_train, self.n_test) if self.n_train is not None else full
        return data, full.checksum

    def head(self, n_train: int, n_test: int) -> "DataSpec":
        """Only the first ``n_train`` training and ``n_test`` test images (as ``Dataset.head``)."""
        return replace(self, n_train=n_train, n_test=n_test)

    def describe(self) -> dict[str, Any]:
        """What identifies the data of a trial (whether it may be downloaded does not)."""
        return {k: v for k, v in asdict(self).items() if k != "download"}


_LOADED: dict = {}


@dataclass
class Outcome:
    """What came back from one trial."""

    key: str
    recipe: Recipe
    seed: int
    status: str  # "ok", "failed" (a DigitnetError: the settings' fault) or "error" (anything else)
    metrics: dict[str, Any] = field(default_factory=dict)
    model: bytes | None = field(default=None, repr=False)  # the model file, as written by TrainedModel.save
    error: str | None = None
    worker: str | None = None  # the worker's address (or "this process")
    pid: int | None = None
    seconds: float | None = None  # wall time on the worker, data loading included
    data_checksum: str | None = None
    notes: list[str] = field(default_factory=list)  # warnings the worker raised (data notes)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def read(self) -> tuple[Any, dict[str, Any]]:
        """(network, description) read from the bytes by the ordinary loader, as :meth:`save` does."""
        with tempfile.TemporaryDirectory(prefix="digitnet-trial-") as tmp:
            return load_run(self.write(Path(tmp) / "model.npz"))

    def write(self, path: "str | Path") -> Path:
        """Write the model file to ``path`` atomically (:class:`~digitnet.io.atomic.WriteFailed` if it
        cannot be written: a full disk...)."""
        from digitnet.io.atomic import atomic_write

        if self.model is None:
            raise DigitnetError(f"trial {self.key} has no model to save ({self.status}: {self.error})")
        with atomic_write(path) as f:
            f.write(self.model)
        return Path(path)

    def save(self, path: "str | Path"):
        """:meth:`write`, then read the file back with the ordinary loader (bytes from the network are
        checked like any stranger's file); returns the network."""
        return load_run(self.write(path))[0]


def trial_key(recipe: Recipe, seed: int, data: DataSpec) -> str:
    """A short name that is the same for the same recipe, seed and data, on any machine."""
    text = json.dumps({"recipe": recipe_settings(recipe), "seed": seed, "data": data.describe()}, sort_keys=True,
                      default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def train_trial(recipe: dict, seed: int, data: DataSpec) -> dict:
    """Run on a worker: train ``recipe`` from ``seed`` on ``data``; return a plain dict (see :class:`Outcome`)."""
    from digitnet.train import run

    started = time.perf_counter()
    about = {"worker": _worker_name(), "pid": os.getpid(), "digitnet_version": __version__}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            dataset, checksum = data.load()
            about["data_checksum"] = checksum
            # a run on a slice of the data is a quick check that everything works, as the serial ladder's
            # quick runs are: still at chance, it gets a note rather than a failure
            trained = run(Recipe.from_dict(recipe), dataset, seed,
                          if_nothing_learned="note" if data.n_train is not None else "fail")
        except DigitnetError as err:
            return {**about, "status": "failed", "error": str(err), "seconds": time.perf_counter() - started,
                    "notes": [str(w.message) for w in caught]}
    if trained.history.interrupted:  # Ctrl-C in a serial run: stop, and record nothing half-trained
        raise KeyboardInterrupt
    with tempfile.TemporaryDirectory(prefix="digitnet-trial-") as tmp:
        path = trained.save(Path(tmp) / "model.npz")
        model = path.read_bytes()
    return {**about, "status": "ok", "metrics": trained.metrics, "model": model,
            "seconds": time.perf_counter() - started, "notes": sorted({str(w.message) for w in caught})}


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return f"{socket.gethostname()} (this process)"


class TrialPool:
    """Trials submitted to a Dask ``client`` (or, with ``client=None``, run here one after the other).

    ``expected_checksum`` is the data set's fingerprint every worker must report (default: whatever the
    first outcome reports); a trial trained on other data, or by another digitnet version, comes back
    as an error rather than as a result that cannot be compared.
    """

    def __init__(self, client=None, data: DataSpec = DataSpec(), expected_checksum: str | None = None):
        self.client, self.data, self.expected_checksum = client, data, expected_checksum
        self._jobs: dict[str, tuple[Recipe, int, DataSpec]] = {}
        self._futures: dict[str, Any] = {}
        self._done: dict[str, Outcome] = {}
        self._notes: set[str] = set()

    @property
    def parallel(self) -> bool:
        return self.client is not None

    def submit(self, recipe: Recipe, seed: int, data: DataSpec | None = None) -> str:
        """Queue one trial (on the pool's data, or ``data``); returns its key. The same recipe, seed and
        data twice is one trial."""
        data = data or self.data
        key = trial_key(recipe, seed, data)
        if key in self._jobs:
            return key
        self._jobs[key] = (recipe, seed, data)
        if self.client is not None:
            self._futures[key] = self.client.submit(train_trial, recipe.to_dict(), seed, data,
                                                    key=f"digitnet-trial-{key}", pure=False)
        return key

    def result(self, key: str) -> Outcome:
        """The outcome of the trial ``key``, waiting for it (or, serially, running it now)."""
        if key not in self._done:
            if self.client is None:
                self._done[key] = self._run_here(key)
            else:
                future = self._futures[key]
                try:
                    raw = future.result()
                except Exception as err:  # noqa: BLE001 - a crash on the worker is this trial's outcome
                    raw = _error(err)
                self._done[key] = self._outcome(key, raw)
        return self._done[key]

    def as_completed(self) -> Iterator[Outcome]:
        """Every submitted trial's outcome not yet handed out, each as soon as it is known."""
        waiting = [key for key in self._jobs if key not in self._done]
        if self.client is None:
            for key in waiting:
                yield self.result(key)
            return
        from distributed import as_completed

        by_future = {self._futures[key]: key for key in waiting}
        for future, raw in as_completed(list(by_future), with_results=True, raise_errors=False):
            key = by_future[future]
            if isinstance(raw, BaseException):
                raw = _error(raw)
            self._done[key] = self._outcome(key, raw)
            yield self._done[key]

    def _run_here(self, key: str) -> Outcome:
        recipe, seed, data = self._jobs[key]
        try:
            raw = train_trial(recipe.to_dict(), seed, data)
        except (KeyboardInterrupt, MemoryError):
            raise
        except Exception as err:  # noqa: BLE001 - the same rule as on a worker: one trial's crash is its outcome
            raw = _error(err)
        return self._outcome(key, raw)

    def _outcome(self, key: str, raw: dict) -> Outcome:
        recipe, seed, _ = self._jobs[key]
        outcome = Outcome(key, recipe, seed, raw.get("status", "error"), raw.get("metrics") or {}, raw.get("model"),
                          raw.get("error"), raw.get("worker"), raw.get("pid"), raw.get("seconds"),
                          raw.get("data_checksum"), list(raw.get("notes") or []))
        for note in outcome.notes:  # the worker's data notes, said here once each
            if note not in self._notes:
                self._notes.add(note)
                warnings.warn(f"on a worker: {note}", DataNote, stacklevel=2)
        version = raw.get("digitnet_version")
        if version is not None and version != __version__:
            return _refused(outcome, f"the worker {outcome.worker} runs digitnet {version}, this machine "
                                     f"{__version__}; install the same version on every worker")
        if outcome.data_checksum is not None:
            if self.expected_checksum is None:
                self.expected_checksum = outcome.data_checksum
            elif outcome.data_checksum != self.expected_checksum:
                return _refused(outcome, f"the worker {outcome.worker} has other data (fingerprint "
                                         f"{outcome.data_checksum[:12]}..., expected "
                                         f"{self.expected_checksum[:12]}...); give every worker the same MNIST files")
        return outcome


def _error(err: BaseException) -> dict:
    return {"status": "error", "error": f"{type(err).__name__}: {str(err).splitlines()[0][:300] if str(err) else ''}"}


def _refused(outcome: Outcome, why: str) -> Outcome:
    outcome.status, outcome.error, outcome.model = "error", why, None
    return outcome

"""Training on a Dask cluster: sweeps (end to end, resumed, with a failing trial, with a worker killed
mid-trial), the CNN ladder in parallel against the serial one, committees, and scikit-learn's grid
search on the Dask joblib backend.

One local cluster of two worker processes (digitnet.scale.cluster, as the commands start it) serves the
whole module; its trials train on the tiny learnable data set of conftest, so each takes well under a
second and the module about half a minute on two cores.
"""

from __future__ import annotations

import json
import os
import signal
import time

import numpy as np
import pytest

pytest.importorskip("distributed")

from digitnet.cli import main  # noqa: E402
from digitnet.data.mnist import read_dataset  # noqa: E402
from digitnet.errors import DigitnetError  # noqa: E402
from digitnet.io import load_model  # noqa: E402
from digitnet.presets import get_preset  # noqa: E402
from digitnet.scale.sweep import MAX_TRIALS, Search, Space, run_sweep  # noqa: E402
from digitnet.scale.trial import DataSpec, TrialPool  # noqa: E402

#: a small MLP that learns the tiny data in a few steps; trials differ in the swept settings
TINY = ["--model", "mlp-512", "--layers", "784,32,10", "--augment", "none", "--val-size", "50", "--epochs", "2"]
pytestmark = pytest.mark.filterwarnings("ignore::digitnet.data.errors.DataNote")


@pytest.fixture(scope="module")
def client():
    from digitnet.scale.cluster import open_client

    with open_client(workers=2) as client:
        client.wait_for_workers(2, timeout=60)
        yield client


@pytest.fixture
def address(client):
    client.wait_for_workers(2, timeout=60)  # a worker killed by an earlier test is back
    return client.scheduler.address


def tiny_recipe():
    return get_preset("mlp-512").with_overrides(layers=(784, 32, 10), augment="none", val_size=50, epochs=2)


def test_a_sweep_runs_end_to_end_on_a_scheduler_address(tiny_data, tmp_path, address, capsys):
    out = tmp_path / "sweep"
    code = main(["sweep", *TINY, "--param", "lr", "0.01", "0.1", "--param", "batch_size", "16", "64",
                 "--scheduler", address, "--data", str(tiny_data), "--out", str(out), "--no-progress"])
    assert code == 0
    table = json.loads((out / "results.json").read_text())
    trials = table["trials"]
    assert len(trials) == 4 and all(t["status"] == "ok" for t in trials)
    assert {t["worker"] for t in trials} <= set(_workers(address))  # they ran on the cluster's workers
    order = [(-t["metrics"]["val_accuracy"], t["metrics"]["val_loss"]) for t in trials]
    assert order == sorted(order)  # ranked by validation, whatever the test figures say
    assert {(t["settings"]["lr"], t["settings"]["batch_size"]) for t in trials} == {
        (0.01, 16), (0.01, 64), (0.1, 16), (0.1, 64)}
    best = load_model(out / "best.npz")
    assert best.metadata["recipe"]["lr"] == trials[0]["settings"]["lr"]
    assert best.metadata["metrics"]["val_accuracy"] == trials[0]["metrics"]["val_accuracy"]
    shown = capsys.readouterr().out
    assert "| rank | lr | batch_size | seed | validation |" in shown and "best by validation" in shown


def test_a_random_search_draws_the_same_trials_for_the_same_seed():
    space = Space.parse([["batch_size", "16", "32", "64"]], log_uniform=[["lr", "0.001", "0.1"]])
    first, again, other = space.sample(5, seed=3), space.sample(5, seed=3), space.sample(5, seed=4)
    assert first == again and first != other and len(first) == 5
    assert all(0.001 <= p["lr"] <= 0.1 and p["batch_size"] in (16, 32, 64) for p in first)
    with pytest.raises(DigitnetError, match="random search"):
        space.grid()
    with pytest.raises(DigitnetError, match="unknown setting"):
        Space.parse([["learning_rate", "0.1"]])
    with pytest.raises(DigitnetError, match="`epochs`"):
        Space.parse([["epochs", "0"]])


def test_an_interrupted_sweep_resumes_without_training_finished_trials_again(tiny_data, tmp_path, client):
    search = Search(tiny_recipe(), Space.parse([["lr", "0.01", "0.03", "0.1"]]))
    pool = TrialPool(client, DataSpec(str(tiny_data)))
    out = tmp_path / "sweep"

    def stop(outcome):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(search, out, pool, on_outcome=stop)
    (kept,) = list((out / "trials").glob("*.json"))
    stamp = kept.stat().st_mtime_ns
    resumed = run_sweep(search, out, TrialPool(client, DataSpec(str(tiny_data))))
    assert (resumed.reused, resumed.ran) == (1, 2)
    assert kept.stat().st_mtime_ns == stamp  # the finished trial was not trained or written again
    assert len(resumed.rows) == 3 and not resumed.failed
    again = run_sweep(search, out, TrialPool(None, DataSpec(str(tiny_data))))
    assert (again.reused, again.ran) == (3, 0)


def test_a_failing_trial_is_reported_and_the_others_finish(tiny_data, tmp_path, address, capsys):
    out = tmp_path / "sweep"
    # 5,000 validation images out of the tiny data's 300: that trial cannot train, the others can
    argv = ["sweep", *TINY, "--param", "val_size", "50", "5000", "--param", "lr", "0.05", "0.1",
            "--scheduler", address, "--data", str(tiny_data), "--out", str(out), "--no-progress"]
    assert main(argv) == 1  # something failed
    rows = json.loads((out / "results.json").read_text())["trials"]
    assert [r["status"] for r in rows] == ["ok", "ok", "failed", "failed"]
    assert all("`val_size`" in r["error"] and r["settings"]["val_size"] == 5000 for r in rows[2:])
    assert "2 trials failed" in capsys.readouterr().err
    assert main(argv) == 1  # the failures' records stand: a setting that cannot train is not retried
    assert "4 already done" in capsys.readouterr().err


def test_a_worker_killed_mid_trial_has_its_trial_finished_elsewhere(tiny_data, client):
    pool = TrialPool(client, DataSpec(str(tiny_data)))
    # 10,000 steps of one image each: a second or more even on a fast quiet machine
    key = pool.submit(tiny_recipe().with_overrides(epochs=40, batch_size=1), seed=0)
    victim = _worker_running(client, f"digitnet-trial-{key}")
    pid = client.run(os.getpid, workers=[victim])[victim]
    time.sleep(0.3)  # it is training now (the workers imported digitnet and read the data in earlier tests)
    os.kill(pid, signal.SIGKILL)
    outcome = pool.result(key)
    assert outcome.ok, outcome.error
    assert outcome.pid != pid and outcome.metrics["epochs_run"] == 40


def test_the_parallel_ladder_gives_the_serial_ladders_figures(tiny_data, client):
    from digitnet.tutorials.runner import reproduce

    data = read_dataset(tiny_data)
    names = ["lenet5", "ch6-conv1"]
    with _one_blas_thread():  # the workers' arithmetic, so the figures agree to the last digit
        serial = reproduce(data, names, quick=True)
    parallel = reproduce(data, names, quick=True, pool=TrialPool(client, DataSpec(str(tiny_data)), data.checksum))
    for one, other in zip(serial, parallel):
        a, b = one.metrics["runs"][0], other.metrics["runs"][0]
        assert (one.key, one.figure, a["test_accuracy"], a["val_loss"], a["best_epoch"]) == \
               (other.key, other.figure, b["test_accuracy"], b["val_loss"], b["best_epoch"])


def test_a_parallel_ladder_saves_its_models_for_the_next_run(tiny_data, tmp_path, client, monkeypatch):
    """Models trained on the cluster are saved where a serial ladder looks for them, and reused."""
    from digitnet.scale.members import member_file
    from digitnet.tutorials import ladder
    from digitnet.tutorials.runner import reproduce

    short = lambda name: get_preset(name).with_overrides(epochs=1, val_size=50)  # noqa: E731
    monkeypatch.setattr(ladder, "get_preset", short)
    data = read_dataset(tiny_data)
    names = ["lenet5", "ch6-relu"]  # rungs that learn something in one short epoch (a run at chance fails)
    first = reproduce(data, names, models=tmp_path, pool=TrialPool(client, DataSpec(str(tiny_data)), data.checksum))
    # the shortened rungs are presets with changed settings: their names carry the settings' digest
    assert sorted(tmp_path.glob("*.npz")) == sorted(member_file(tmp_path, short(name), 0) for name in names)
    said = []
    again = reproduce(data, names, models=tmp_path, log=said.append)  # serial: nothing left to train
    assert sum("read from" in line for line in said) == 2 and not any("training" in line for line in said)
    assert [r.figure for r in again] == [r.figure for r in first]


def test_workers_with_other_data_are_refused(tiny_data, client):
    pool = TrialPool(client, DataSpec(str(tiny_data)), expected_checksum="0" * 64)
    outcome = pool.result(pool.submit(tiny_recipe(), seed=0))
    assert outcome.status == "error" and "other data" in outcome.error and outcome.model is None


def test_a_committee_is_trained_on_the_cluster_and_every_command_takes_it(tiny_data, tmp_path, address, capsys):
    from PIL import Image

    out = tmp_path / "committee.npz"
    assert main(["train", *TINY, "--committee", "3", "--scheduler", address, "--data", str(tiny_data),
                 "--out", str(out), "--quiet"]) == 0
    said = capsys.readouterr().out
    assert "committee of 3" in said and "members" in said
    committee = load_model(out)
    assert len(committee.members) == 3 and [m.metadata["seed"] for m in committee.members] == [0, 1, 2]
    data = read_dataset(tiny_data)
    assert committee.metadata["metrics"]["test_accuracy"] == committee.network.score(data.test_images,
                                                                                     data.test_labels)
    assert main(["info", str(out)]) == 0 and "committee of 3 networks" in capsys.readouterr().out
    assert main(["evaluate", str(out), "--data", str(tiny_data), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["accuracy"] == committee.metadata["metrics"]["test_accuracy"]
    picture = tmp_path / "digit.png"
    Image.fromarray(data.test_images[0]).save(picture)
    assert main(["predict", str(out), str(picture), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["read"] == 1


def test_grid_search_on_the_dask_joblib_backend(client, blobs):
    joblib = pytest.importorskip("joblib")
    pytest.importorskip("sklearn")
    from sklearn.model_selection import GridSearchCV

    from digitnet.estimator import DigitClassifier

    X, y = blobs
    search = GridSearchCV(DigitClassifier(inputs="features", epochs=2, batch_size=32),
                          {"hidden": [4, 16], "lr": [0.01, 0.05]}, cv=2, n_jobs=-1)
    with joblib.parallel_backend("dask"):
        search.fit(X, y)
    assert search.best_score_ > 0.9 and len(search.cv_results_["params"]) == 4


def _workers(address):
    from distributed import Client

    with Client(address, timeout=30) as other:
        return list(other.scheduler_info()["workers"])


def _worker_running(client, key: str, timeout: float = 30) -> str:
    """The address of the worker the scheduler gave task ``key`` to."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for worker, keys in client.processing().items():
            if key in keys:
                return worker
        time.sleep(0.05)
    raise AssertionError(f"{key} never started")


def _one_blas_thread():
    """NumPy's BLAS on one thread, as on the workers."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


def test_without_dask_the_commands_say_how_to_get_it(monkeypatch, capsys, tiny_data):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if 'distributed' were not installed
    assert main(["sweep", *TINY, "--param", "lr", "0.1", "--data", str(tiny_data)]) == 2
    assert "pip install 'digitnet[dask]'" in capsys.readouterr().err
    assert main(["sweep", *TINY, "--param", "lr", "0.1", "--serial", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "contradict" in capsys.readouterr().err


def test_reproduce_sends_the_ladder_to_a_scheduler_address(tiny_data, tmp_path, address):
    assert main(["reproduce", "--quick", "--only", "lenet5", "--scheduler", address, "--data", str(tiny_data),
                 "--out", str(tmp_path), "--no-plots", "--quiet"]) == 0
    table = json.loads((tmp_path / "reproduce.json").read_text())
    assert table["cluster"] is True and f"--scheduler {address}" in table["command"]
    assert table["results"][0]["metrics"]["runs"][0]["test_accuracy"] is not None


def test_a_committee_reuses_members_kept_in_a_folder(tiny_data, tmp_path, capsys):
    """Members the ladder (or an earlier committee) saved as PRESET-sSEED.npz are read, not trained again."""
    from digitnet.scale.members import member_file

    members = tmp_path / "members"
    def args(n: int, out: str) -> list[str]:
        return ["train", *TINY, "--committee", str(n), "--serial", "--data", str(tiny_data), "--members", str(members),
                "--out", str(tmp_path / out)]

    assert main(args(2, "two.npz")) == 0
    recipe = get_preset("mlp-512").with_overrides(layers=(784, 32, 10), augment="none", val_size=50, epochs=2)
    assert all(member_file(members, recipe, seed).is_file() for seed in (0, 1))
    capsys.readouterr()
    assert main(args(3, "three.npz")) == 0
    said = capsys.readouterr().out
    assert said.count("read from") == 2 and "training 1 members" in said
    three = load_model(tmp_path / "three.npz")
    two = load_model(tmp_path / "two.npz")
    assert np.array_equal(three.network.members[0].get_weights()["0.W"], two.network.members[0].get_weights()["0.W"])


def test_a_committee_whose_members_are_all_kept_opens_no_pool(tiny_data, tmp_path, capsys, monkeypatch):
    """Nothing to train: no pool (on a cluster, one started and stopped for nothing) is opened."""
    from digitnet.cli import common

    members = tmp_path / "members"
    command = ["train", *TINY, "--committee", "2", "--serial", "--data", str(tiny_data), "--members", str(members)]
    assert main([*command, "--out", str(tmp_path / "first.npz")]) == 0
    capsys.readouterr()
    monkeypatch.setattr(common, "open_pool", lambda *a, **k: pytest.fail("a pool was opened for nothing"))
    assert main([*command, "--out", str(tmp_path / "again.npz")]) == 0
    assert capsys.readouterr().out.count("read from") == 2


# -- a sweep's limits, records and best model (serial: no cluster needed) ---------------------------------------
def sweep_args(tiny_data, out, *search) -> list[str]:
    return ["sweep", *TINY, *search, "--serial", "--data", str(tiny_data), "--out", str(out), "--no-progress"]


def no_trials(monkeypatch):
    from digitnet.scale import trial

    monkeypatch.setattr(trial, "train_trial", lambda *a, **k: pytest.fail("a trial was trained"))


@pytest.mark.timeout(60)
def test_a_random_search_larger_than_its_space_is_refused_at_once(tmp_path, monkeypatch, capsys):
    """--random 1000000 over two points once drew samples for a quarter of an hour without a word."""
    no_trials(monkeypatch)
    assert main(["sweep", *TINY, "--param", "lr", "0.05", "0.1", "--random", "1000000", "--serial",
                 "--out", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err
    assert "--random 1,000,000 asks for more points than the space holds: it has 2 distinct points" in err
    space = Space.parse([["batch_size", "16", "32"]], uniform=[["epochs", "1", "3"]])
    assert space.size() == 6 and len(space.sample(6, seed=1)) == 6  # every point, each once
    with pytest.raises(DigitnetError, match="6 distinct points"):
        space.sample(7)
    assert Space.parse(log_uniform=[["lr", "0.01", "0.1"]]).size() == float("inf")


@pytest.mark.timeout(60)
def test_a_grid_too_large_to_finish_is_counted_not_built(monkeypatch, capsys):
    """A grid of 10^8 points was built in memory until memory ran out."""
    monkeypatch.setattr(Space, "grid", lambda self: pytest.fail("the grid was built"))
    values = {"lr": [f"0.0{i}" for i in range(1, 10)] + ["0.1"], "momentum": [f"0.{i}" for i in range(10)],
              "epochs": [str(i) for i in range(1, 11)], "batch_size": [str(i) for i in range(16, 26)],
              "weight_decay": [f"{i}e-5" for i in range(10)], "label_smoothing": [f"0.0{i}" for i in range(10)],
              "val_size": [str(i) for i in range(100, 110)], "weight_average": [f"0.{i}" for i in range(10)]}
    params = [a for name, v in values.items() for a in ("--param", name, *v)]
    assert main(["sweep", *params, "--serial"]) == 2
    err = capsys.readouterr().err
    assert "a grid of 100,000,000 distinct points is 100,000,000 trials" in err and f"{MAX_TRIALS:,}" in err
    assert "Traceback" not in err
    search = Search(tiny_recipe(), Space.parse([["lr", "0.01", "0.1"]]), seeds=tuple(range(5001)))
    assert search.count() == 10002
    with pytest.raises(DigitnetError, match="x 5001 seeds is 10,002 trials"):
        search.trials()


def test_a_settings_type_comes_from_its_declaration():
    from digitnet.scale.space import number_kind

    assert [number_kind(n) for n in ("epochs", "patience", "lr", "dropout", "optimizer", "layers")] == \
        [int, int, float, float, None, None]
    drawn = Space.parse(uniform=[["patience", "1", "4"], ["lr", "0.01", "0.1"]]).sample(5, seed=0)
    assert all(isinstance(p["patience"], int) and isinstance(p["lr"], float) for p in drawn)
    with pytest.raises(DigitnetError, match="a range needs a setting that holds a number, and layers does not"):
        Space.parse(uniform=[["layers", "1", "5"]])


def test_a_resumed_sweep_whose_best_model_was_deleted_makes_it_again(tiny_data, tmp_path, capsys):
    out = tmp_path / "sweep"
    assert main(sweep_args(tiny_data, out, "--param", "lr", "0.05", "0.1")) == 0
    best = json.loads((out / "results.json").read_text())["best"]
    (out / "best.npz").unlink()
    capsys.readouterr()
    assert main(sweep_args(tiny_data, out, "--param", "lr", "0.05", "0.1")) == 0
    said = capsys.readouterr()
    assert "2 already done" in said.err and f"saved {out / 'best.npz'}" in said.out
    assert (out / "best.npz").read_bytes() == (out / "trials" / f"{best}.npz").read_bytes()
    (out / "best.npz").write_bytes(b"another file")  # stale: made again too
    assert main(sweep_args(tiny_data, out, "--param", "lr", "0.05", "0.1")) == 0
    assert (out / "best.npz").read_bytes() == (out / "trials" / f"{best}.npz").read_bytes()


def _damage(field, value):
    def change(record):
        where = record["metrics"] if field.startswith("metrics.") else record
        name = field.removeprefix("metrics.")
        if value is KeyError:
            del where[name]
        else:
            where[name] = value
    return change


@pytest.mark.parametrize("field,value,message", [
    ("metrics.val_accuracy", "0.9", "field 'metrics.val_accuracy' must be a number from 0 to 1, got '0.9'"),
    ("metrics.val_accuracy", 1.5, "field 'metrics.val_accuracy' must be a number from 0 to 1, got 1.5"),
    ("metrics.val_loss", float("nan"), "field 'metrics.val_loss' must be a number, zero or more, got nan"),
    ("metrics.best_epoch", 1.5, "field 'metrics.best_epoch' must be a whole number"),
    ("metrics", [0.9], "field 'metrics' must be a mapping of figures"),
    ("seed", KeyError, "field 'seed' is missing"),
    ("seed", "0", "field 'seed' must be 0 (the seed its key was made from), got '0'"),
    ("label", KeyError, "field 'label' is missing"),
    ("status", "done", "field 'status' must be one of ok, failed, error, got 'done'"),
    ("key", "0123456789abcdef", "field 'key' must be"),
    ("worker", 7, "field 'worker' must be text, got 7"),
])
def test_a_damaged_trial_record_is_refused_naming_its_file_and_field(tiny_data, tmp_path, monkeypatch, capsys,
                                                                    field, value, message):
    out = tmp_path / "sweep"
    command = sweep_args(tiny_data, out, "--param", "lr", "0.05")
    assert main(command) == 0
    (record,) = (out / "trials").glob("*.json")
    d = json.loads(record.read_text())
    _damage(field, value)(d)
    record.write_text(json.dumps(d))
    no_trials(monkeypatch)  # found before anything trains
    capsys.readouterr()
    assert main(command) == 2
    err = capsys.readouterr().err
    assert f"the sweep's trial record {record} is damaged: {message}" in err, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", ""])
def test_a_trial_record_that_is_no_record_is_refused(tiny_data, tmp_path, monkeypatch, capsys, text):
    out = tmp_path / "sweep"
    command = sweep_args(tiny_data, out, "--param", "lr", "0.05")
    assert main(command) == 0
    (record,) = (out / "trials").glob("*.json")
    record.write_text(text)
    no_trials(monkeypatch)
    capsys.readouterr()
    assert main(command) == 2
    err = capsys.readouterr().err
    assert f"{record} is damaged" in err and "Traceback" not in err


def test_the_scaling_benchmark_refuses_too_few_training_images_in_one_line(monkeypatch, capsys):
    from benchmark_scripts import load_script

    script = load_script(monkeypatch, "sweep_scaling.py")
    with pytest.raises(SystemExit):
        script.parse_args(["--train-images", "5000"])
    err = capsys.readouterr().err
    assert "--train-images must be more than 5,000 (5,000 of them are kept for validation), got 5,000" in err
    assert script.parse_args(["--train-images", "5001"]).train_images == 5001
    assert ", threads: " in script.blas_threads()

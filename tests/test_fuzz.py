"""Property-based fuzzing (Hypothesis) of everything that reads what strangers send: IDX files, model
files, pictures and HTTP requests. The property is always the same: a correct answer, or a one-line
:class:`DigitnetError` (an HTTP error for the server), never another exception.

The examples are the same on every run (``derandomize``), so CI is repeatable; to search further,
set ``DIGITNET_FUZZ=random`` and ``DIGITNET_FUZZ_EXAMPLES=2000``. The whole file takes well under a
minute with the default number of examples.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import socket
import struct
import zipfile

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from digit_pictures import draw_digit, encode, running_server  # noqa: E402
from digitnet.data import DataError, read_idx  # noqa: E402
from digitnet.errors import DigitnetError  # noqa: E402
from digitnet.images import prepare  # noqa: E402
from digitnet.io import load_model, save_model  # noqa: E402
from digitnet.io.model_file import META_KEY  # noqa: E402
from digitnet.nn import Network  # noqa: E402

EXAMPLES = int(os.environ.get("DIGITNET_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                derandomize=os.environ.get("DIGITNET_FUZZ") != "random",
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


def one_line(err: Exception) -> None:
    assert str(err) and "\n" not in str(err), repr(err)


@st.composite
def damaged(draw, original: bytes) -> bytes:
    """``original`` with a few bytes changed, cut short, or with bytes inserted or appended."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "append", "zero run"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "append":
            data += draw(st.binary(min_size=1, max_size=64))
        elif data:
            data[at:at + draw(st.integers(1, 64))] = bytes(draw(st.integers(1, 64)))
    return bytes(data)


# -- IDX files ---------------------------------------------------------------------------------------
def idx_bytes(array: np.ndarray) -> bytes:
    return bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}i", *array.shape) + array.tobytes()


GOOD_IDX = idx_bytes(np.arange(2 * 5 * 5, dtype=np.uint8).reshape(2, 5, 5))


@FUZZ
@given(data=st.one_of(st.binary(max_size=200), damaged(GOOD_IDX)), gz=st.booleans())
def test_the_idx_reader_answers_or_refuses_in_one_line(tmp_path_factory, data, gz):
    path = tmp_path_factory.mktemp("idx") / ("x-idx3-ubyte" + (".gz" if gz else ""))
    path.write_bytes(gzip.compress(data) if gz else data)
    try:
        array = read_idx(path)
    except DataError as err:
        one_line(err)
        return
    assert array.dtype == np.uint8 and data[:3] == b"\0\0\x08" and array.ndim == data[3]
    assert idx_bytes(array) == data  # accepted only if it is exactly an IDX file


# -- model files -------------------------------------------------------------------------------------
def model_bytes(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("model") / "m.npz"
    save_model(Network.from_sizes([6, 4, 3], seed=0, inputs="features"), path, {"metrics": {"test_accuracy": 0.5}})
    return path.read_bytes()


def check_loads_or_refuses(path) -> None:
    try:
        network = load_model(path).network
    except DigitnetError as err:
        one_line(err)
        return
    shape = network.input_shape
    try:  # a file that loads gives a network that predicts (or says in one line why it cannot)
        network.predict_proba(np.zeros((2, *shape), np.float32))
    except DigitnetError as err:
        one_line(err)


@FUZZ
@given(st.data())
def test_damaged_model_files_load_or_are_refused_in_one_line(tmp_path_factory, data):
    original = model_bytes(tmp_path_factory)
    path = tmp_path_factory.mktemp("damaged") / "m.npz"
    path.write_bytes(data.draw(damaged(original)))
    check_loads_or_refuses(path)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**12) | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
LAYER_NAMES = ["dense", "conv2d", "maxpool2d", "avgpool2d", "batchnorm", "flatten", "dropout", "relu", "sigmoid",
               "tanh", "softmax", "identity", "leaky_relu", "nope"]
layer_specs = st.fixed_dictionaries(
    {"type": st.sampled_from(LAYER_NAMES)},
    optional={"units": st.one_of(st.integers(-3, 50), json_values),
              "input_dim": st.one_of(st.integers(-3, 50), json_values),
              "filters": st.one_of(st.integers(-2, 8), json_values),
              "kernel_size": st.one_of(st.integers(-2, 9), json_values),
              "stride": st.one_of(st.integers(-1, 4), json_values),
              "padding": st.one_of(st.integers(-1, 4), json_values),
              "size": st.one_of(st.integers(-1, 4), json_values), "rate": st.one_of(st.floats(-1, 2), json_values),
              "momentum": json_values, "eps": json_values, "alpha": json_values, "init": st.sampled_from(["he", "x"])})
architectures = st.fixed_dictionaries(
    {"layers": st.one_of(st.lists(layer_specs, max_size=6), json_values)},
    optional={"loss": st.sampled_from(["cross_entropy", "quadratic", "binary_cross_entropy", "x"]) | json_values,
              "input_shape": st.one_of(st.lists(st.integers(-1, 30), max_size=4), json_values),
              "dtype": st.sampled_from(["float32", "float64", "int8", "object", "U10"]) | json_values,
              "inputs": st.sampled_from(["pixels", "features"]) | json_values})


@FUZZ
@given(architecture=architectures, metadata=st.dictionaries(st.text(max_size=10), json_values, max_size=5),
       version=st.one_of(st.just(1), json_values))
def test_any_description_loads_or_is_refused_in_one_line(tmp_path_factory, architecture, metadata, version):
    meta = {**metadata, "format": "digitnet-model", "format_version": version, "architecture": architecture}
    blob = json.dumps(meta).encode()
    path = tmp_path_factory.mktemp("described") / "m.npz"
    buffer = io.BytesIO()
    np.save(buffer, np.frombuffer(blob, np.uint8))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(META_KEY + ".npy", buffer.getvalue())
    check_loads_or_refuses(path)
    try:  # whatever the metadata holds, the summary that info and the server show is built
        from digitnet.io.metadata import recorded_history, summary

        json.dumps(summary(meta)), json.dumps(recorded_history(meta))
    except RecursionError:
        pytest.fail("summary recursed")


# -- pictures ----------------------------------------------------------------------------------------
PICTURES = {fmt: encode(draw_digit(7, size=(60, 60), width=6), fmt)
            for fmt in ("PNG", "JPEG", "BMP", "GIF", "TIFF", "WEBP")}


def check_prepares_or_refuses(source) -> None:
    try:
        image = prepare(source, name="fuzz").image
    except DigitnetError as err:
        one_line(err)
        return
    assert image.shape == (28, 28) and image.dtype == np.uint8


@FUZZ
@given(data=st.one_of(st.binary(max_size=300),
                      st.sampled_from(sorted(PICTURES)).flatmap(lambda f: damaged(PICTURES[f]))))
def test_any_bytes_prepare_or_are_refused_in_one_line(data):
    check_prepares_or_refuses(data)


@FUZZ
@given(text=st.text(alphabet="0123456789 ,.;\n\t-eE+naif", max_size=400))
def test_any_text_grid_prepares_or_is_refused_in_one_line(text):
    check_prepares_or_refuses(text.encode())


@FUZZ
@given(array=st.one_of(
    st.builds(lambda shape, seed, kind: _array(shape, seed, kind),
              st.lists(st.integers(0, 40), min_size=0, max_size=4), st.integers(0, 2**16),
              st.sampled_from(["uint8", "float32", "float64", "int64", "bool", "nan", "complex"]))))
def test_any_array_prepares_or_is_refused_in_one_line(array):
    check_prepares_or_refuses(array)


def _array(shape, seed, kind) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == "nan":
        a = rng.random(shape)
        a.flat[: a.size // 7] = np.nan
        return a
    if kind == "complex":
        return rng.random(shape) + 1j
    if kind == "bool":
        return rng.random(shape) > 0.7
    return (rng.random(shape) * (255 if kind in ("uint8", "int64") else rng.choice([1, 300]))).astype(kind)


# -- HTTP requests -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fuzz_server(small_model):
    with running_server(small_model, max_body=100_000, client_timeout=2.0) as httpd:
        yield httpd


header_names = st.sampled_from(["Content-Length", "Content-Type", "Transfer-Encoding", "Expect", "Connection", "Host",
                                "X-Anything"]) | st.text("abcXYZ-", min_size=1, max_size=10)
header_values = (st.integers(-5, 10**7).map(str) | st.sampled_from(["chunked", "100-continue", "close", "image/png",
                                                                    "multipart/form-data; boundary=x", ""])
                 | st.text(max_size=20).map(lambda t: t.replace("\r", "").replace("\n", "")))
requests = st.builds(
    lambda method, path, version, headers, body, junk: (
        f"{method} {path} {version}\r\n".encode("utf-8", "replace")
        + b"".join(f"{k}: {v}\r\n".encode("utf-8", "replace") for k, v in headers) + b"\r\n" + body + junk),
    st.sampled_from(["GET", "POST", "PUT", "HEAD", "DELETE", "BREW", "get", ""]),
    st.sampled_from(["/", "/api/predict", "/api/info", "/static/app.js", "/api/predict?ink=dark", "/../x", "*"])
    | st.text(max_size=30).map(lambda t: t.replace(" ", "%20").replace("\r", "").replace("\n", "")),
    st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/0.9", "HTTP/7.0", "", "FTP/1.1"]),
    st.lists(st.tuples(header_names, header_values), max_size=5),
    st.one_of(st.binary(max_size=200), st.sampled_from(sorted(PICTURES.values()))),
    st.binary(max_size=40))


@FUZZ
@given(raw=st.one_of(requests, st.binary(max_size=300)))
def test_any_request_gets_an_http_answer_or_a_clean_close_and_the_server_stays_up(fuzz_server, raw):
    address = fuzz_server.server_address[:2]
    with socket.create_connection(address, timeout=10) as connection:
        try:
            connection.sendall(raw)
            connection.shutdown(socket.SHUT_WR)  # nothing more is coming: the server need not wait for it
        except OSError:
            pass  # the server answered and hung up while we were still sending: allowed
        reply = b""
        try:
            while chunk := connection.recv(65536):
                reply += chunk
        except ConnectionResetError:
            pass
    assert reply == b"" or reply.startswith(b"HTTP/1."), reply[:80]
    if reply:
        status = int(reply[9:12])
        assert 100 <= status < 600 and status != 500, reply[:200]
    with socket.create_connection(address, timeout=10) as probe:  # still serving
        probe.sendall(b"GET /api/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert probe.recv(65536).startswith(b"HTTP/1.1 200")

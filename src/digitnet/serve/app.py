"""What the server answers: the drawing page, the model's description, and pictures read as JSON.

Why apart from :mod:`digitnet.serve.connections`: this is the application (three routes, one reader),
and that is the plumbing that keeps strangers' connections in bounds. Standard library only
(``http.server``): one page, three static files and one API call do not need a framework.

    GET  /                 the page (static/index.html, app.js, nn.js, prepare.js, style.css)
    GET  /static/model.js  the model for the page to run in the browser (serve/page_model.py)
    GET  /api/info         the model: its file name, recipe, description and figures, and the limits
    POST /api/predict      body = the picture's bytes (any format digitnet reads); ?ink=auto|dark|light

Pictures are read by a fixed pool of ``max_concurrent`` worker threads, never by the connections'
own threads: preparing a picture is Python and NumPy, so more at once only compete for the
interpreter lock, and the large buffers a picture is decoded into are allocated by those few threads
alone (see :mod:`digitnet.serve.process`).
"""

from __future__ import annotations

import functools
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from importlib import resources
from pathlib import PurePath
from typing import Any
from urllib.parse import parse_qs, urlsplit

from digitnet.errors import DigitnetError
from digitnet.images import INK_CHOICES, ImageTooLargeError
from digitnet.images.reading import read_digit
from digitnet.io.jsonable import finite_only, json_default
from digitnet.io.metadata import summary
from digitnet.io.model import Model
from digitnet.serve.connections import (
    MAX_BODY,
    MAX_CONNECTIONS,
    MIN_UPLOAD_RATE,
    SOCKET_TIMEOUT,
    ConnectionHandler,
    ConnectionServer,
)
from digitnet.serve.page_model import PageModel

MAX_PIXELS = 25_000_000  # tighter than the command line's limit: strangers may send pictures
MAX_CONCURRENT = 2  # pictures prepared at once (more only fight over Python's GIL); more wait up to QUEUE_WAIT s,
                    # then get 503
QUEUE_WAIT = 10.0
STATIC = {"index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
          "nn.js": "text/javascript; charset=utf-8", "prepare.js": "text/javascript; charset=utf-8",
          "style.css": "text/css; charset=utf-8"}
# The page loads nothing from anywhere else and cannot be framed or post forms elsewhere.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
                               "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}



@functools.cache
def static_file(name: str) -> bytes:
    """One of the page's files (:data:`STATIC`), read from the package once, not on every request."""
    return resources.files("digitnet.serve").joinpath("static", name).read_bytes()

class Busy(DigitnetError):
    """Too many pictures are being read at once."""


class DigitReader:
    """The model and the preparation together: picture bytes in, a JSON-ready answer out.

    ``model`` reads the pictures: a :class:`digitnet.io.Model` (what :func:`digitnet.io.load_model`
    gives: the network and its description, whose reject rule refuses what is not a digit), or a bare
    network with its ``metadata``, the description its file carries (a dict), shown by :meth:`info`;
    ``name`` names the model, and only its last part is ever shown (a file name, never where the file
    is on the server). A refused picture is an answer like any other (200, ``"digit": null`` and a
    ``"reason"``), the same JSON form ``digitnet predict --json`` prints.

    The page's drawings and uploaded photos go through exactly the same :func:`digitnet.images.prepare`
    as ``digitnet predict``: there is one way pictures are prepared. Preparing a big photo costs CPU and
    memory, so at most ``max_concurrent`` are read at once, each by one of as many worker threads; a
    picture that finds no free turn within ``queue_wait`` seconds raises :class:`Busy` (503) instead of
    piling up.
    """

    def __init__(self, model, metadata: dict[str, Any] | None = None, *, name: str = "model",
                 max_pixels: int = MAX_PIXELS, max_concurrent: int = MAX_CONCURRENT, queue_wait: float = QUEUE_WAIT):
        if max_concurrent < 1:
            raise ValueError(f"max_concurrent must be at least 1, not {max_concurrent}")
        if queue_wait < 0:
            raise ValueError(f"queue_wait must be 0 or more seconds, not {queue_wait}")
        if not isinstance(model, Model):
            model = Model(model, metadata if isinstance(metadata, dict) else {})
        elif metadata is not None:
            model = Model(model.network, metadata)
        self.model = model
        self.network, self.metadata = model.network, model.metadata
        self.name = PurePath(str(name).replace("\\", "/")).name or "model"
        self.max_pixels, self.max_concurrent, self.queue_wait = max_pixels, max_concurrent, queue_wait
        self._turns = threading.BoundedSemaphore(max_concurrent)
        self._workers = ThreadPoolExecutor(max_workers=max_concurrent, thread_name_prefix="digitnet-reader")
        self.page_model = PageModel(self.network, self.name, self.metadata)

    def read(self, data: bytes, ink: str = "auto") -> dict[str, Any]:
        if not self._turns.acquire(timeout=self.queue_wait):
            raise Busy("the server is busy reading other pictures; try again in a moment")
        try:  # a turn is taken, so one of the max_concurrent workers is free: the picture starts at once
            return self._workers.submit(self._read, data, ink).result()
        finally:
            self._turns.release()

    def _read(self, data: bytes, ink: str) -> dict[str, Any]:
        started = time.perf_counter()
        reading = read_digit(self.model, data, ink, name="the upload", max_pixels=self.max_pixels)
        image = reading.pop("image")
        reading["image28"] = None if image is None else image.tolist()  # None: blank, refused before the network
        reading["milliseconds"] = round(1000 * (time.perf_counter() - started), 1)
        return reading

    def close(self) -> None:
        """Let the worker threads end (a picture being read is finished first); the reader reads no more."""
        self._workers.shutdown(wait=False)

    def info(self, max_body: int) -> dict[str, Any]:
        """The model as the page shows it: its file name, recipe, description and figures; no path."""
        about = summary(self.metadata)
        return {"model": self.name, "recipe": _recipe_text(about["label"], self.metadata.get("recipe")),
                "description": about["description"] or "", "test_accuracy": about["test_accuracy"],
                "dataset": about["dataset"], "parameters": int(self.network.n_parameters),
                "classes": int(self.network.n_outputs),
                "reject": finite_only(self.model.reject.to_dict()) if self.model.reject is not None else None,
                "max_body_bytes": max_body, "max_pixels": self.max_pixels}


def _recipe_text(label: str | None, recipe: Any) -> str | None:
    """The recipe's label without Python's quotes around the preset's name: ``mlp-512 with lr 0.5``."""
    name = recipe.get("name") if isinstance(recipe, dict) else None
    if label and isinstance(name, str) and label.startswith(repr(name)):
        return name + label[len(repr(name)):]
    return label


class DigitServer(ConnectionServer):
    """The server of one model: :class:`ConnectionServer`'s bounds, this module's routes and ``reader``.

    The limits are :class:`~digitnet.serve.connections.ConnectionServer`'s (see there).
    """

    def __init__(self, address: tuple[str, int], reader: DigitReader, max_body: int = MAX_BODY, quiet: bool = False,
                 client_timeout: float = SOCKET_TIMEOUT, max_connections: int = MAX_CONNECTIONS,
                 min_upload_rate: float = MIN_UPLOAD_RATE):
        self.reader = reader
        super().__init__(address, Handler, max_body=max_body, quiet=quiet, client_timeout=client_timeout,
                         max_connections=max_connections, min_upload_rate=min_upload_rate)

    def server_close(self) -> None:
        super().server_close()
        self.reader.close()


class Handler(ConnectionHandler):
    """The routes: the page and its files, ``/api/info`` and ``/api/predict``."""

    server: DigitServer
    extra_headers = SECURITY_HEADERS

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path in ("/", "/index.html"):
            self._send_static("index.html")
        elif path.startswith("/static/") and path[len("/static/"):] in STATIC:
            self._send_static(path[len("/static/"):])
        elif path == "/static/model.js":
            self._send_page_model()
        elif path == "/api/info":
            self._send_json(HTTPStatus.OK, self.server.reader.info(self.server.max_body))
        elif path == "/api/predict":
            self.send_error_json(HTTPStatus.METHOD_NOT_ALLOWED, "POST the picture's bytes to /api/predict",
                                 {"Allow": "POST"})
        else:
            self.send_error_json(HTTPStatus.NOT_FOUND, f"nothing at {path}; the page is at /")

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/api/predict":
            self.discard_body()
            allowed = {"Allow": "GET"} if url.path in ("/", "/index.html", "/api/info") else {}
            code = HTTPStatus.METHOD_NOT_ALLOWED if allowed else HTTPStatus.NOT_FOUND
            return self.send_error_json(code, f"POST goes to /api/predict, not {url.path}", allowed)
        ink = parse_qs(url.query).get("ink", ["auto"])[-1]
        if ink not in INK_CHOICES:
            self.discard_body()
            return self.send_error_json(HTTPStatus.BAD_REQUEST, f"ink must be one of {', '.join(INK_CHOICES)}")
        body = self.read_body()
        if body is None:
            return
        try:
            self._send_json(HTTPStatus.OK, self.server.reader.read(body, ink))
        except ImageTooLargeError as err:
            self.send_error_json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, str(err))
        except Busy as err:
            self.send_error_json(HTTPStatus.SERVICE_UNAVAILABLE, str(err), {"Retry-After": "1"})
        except DigitnetError as err:
            self.send_error_json(HTTPStatus.BAD_REQUEST, str(err))

    def do_PUT(self) -> None:
        self.discard_body()
        self.send_error_json(HTTPStatus.METHOD_NOT_ALLOWED, "only GET and POST are used here", {"Allow": "GET, POST"})

    do_DELETE = do_PATCH = do_PUT

    def _send_static(self, name: str) -> None:
        data = static_file(name)
        self.send_answer(HTTPStatus.OK, data, STATIC[name], {"Cache-Control": "no-cache"})

    def _send_page_model(self) -> None:
        try:
            script = self.server.reader.page_model.script()
        except DigitnetError as err:  # a model the page cannot run: the page shows why
            script = f"window.digitnetModelError = {json.dumps(str(err))};\n".encode("utf-8")
        self.send_answer(HTTPStatus.OK, script, "text/javascript; charset=utf-8", {"Cache-Control": "no-cache"})

    def _send_json(self, status: HTTPStatus, obj: Any) -> None:
        self.send_json(status, json.dumps(obj, default=json_default).encode("utf-8"))

"""A small web server for one model: the drawing page, and a JSON API that reads pictures.

Standard library only (``http.server``): one page, three static files and one API call do not need a
framework. Every request is bounded: the body size, the picture's pixel count, how long a client may
stay silent (a socket timeout), how long its headers and its body may take in all (deadlines), and
the number of pictures read at once. Every error is a 4xx/5xx with a JSON body ``{"error": "..."}``.

Nobody is locked out by clients that connect and then dawdle ("slowloris": headers sent a line every
few seconds, or nothing at all). The server keeps at most ``max_connections`` connections; when one
more arrives and all places are taken, the connection that has waited longest without being served
(still sending its headers or its body, or idle between requests) is closed to make room. Only when
every place is busy answering is the newcomer refused with 503. A connection is served only once its
headers are complete, and each phase has a deadline that trickling bytes cannot extend.

    GET  /                 the page (static/index.html, app.js, nn.js, prepare.js, style.css)
    GET  /static/model.js  the model for the page to run in the browser (serve/page_model.py)
    GET  /api/info         the model: name, description, test accuracy, limits
    POST /api/predict      body = the picture's bytes (any format digitnet reads); ?ink=auto|dark|light
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from digitnet.errors import DigitnetError
from digitnet.images import INK_CHOICES, ImageTooLargeError, NoDigitError
from digitnet.images.reading import read_digit
from digitnet.io.jsonable import json_default
from digitnet.io.metadata import summary
from digitnet.serve.page_model import PageModel

MAX_BODY = 10_000_000  # bytes: a phone photo as JPEG is 2-8 MB
MAX_PIXELS = 25_000_000  # tighter than the command line's limit: strangers may send pictures
# Defaults of the limits below; DigitReader and DigitServer take them as arguments (tests use small ones).
SOCKET_TIMEOUT = 15.0  # seconds a client may stay silent, and the most a request line and headers may take in all
MIN_UPLOAD_RATE = 50_000  # bytes a second: a body of n bytes must arrive within SOCKET_TIMEOUT + n / this
MAX_CONCURRENT = 2  # pictures prepared at once (more only fight over Python's GIL); more wait up to QUEUE_WAIT s,
                    # then get 503
QUEUE_WAIT = 10.0
MAX_CONNECTIONS = 32  # open connections kept; one more closes the one waiting longest, or gets 503 if all are busy
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


class DigitReader:
    """The model and the preparation together: picture bytes in, a JSON-ready answer out.

    The page's drawings and uploaded photos go through exactly the same :func:`digitnet.images.prepare`
    as ``digitnet predict``: there is one way pictures are prepared.

    Preparing a big photo costs CPU and memory, so at most ``max_concurrent`` are read at once; a picture
    that finds no free turn within ``queue_wait`` seconds raises :class:`Busy` (503) instead of piling up.
    """

    def __init__(self, network, metadata: dict[str, Any] | None = None, name: str = "model",
                 max_pixels: int = MAX_PIXELS, max_concurrent: int = MAX_CONCURRENT, queue_wait: float = QUEUE_WAIT):
        if max_concurrent < 1:
            raise ValueError(f"max_concurrent must be at least 1, not {max_concurrent}")
        if queue_wait < 0:
            raise ValueError(f"queue_wait must be 0 or more seconds, not {queue_wait}")
        self.network, self.metadata, self.name, self.max_pixels = network, metadata or {}, name, max_pixels
        self.max_concurrent, self.queue_wait = max_concurrent, queue_wait
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self.page_model = PageModel(network, name, self.metadata)

    def read(self, data: bytes, ink: str = "auto") -> dict[str, Any]:
        if not self._slots.acquire(timeout=self.queue_wait):
            raise Busy("the server is busy reading other pictures; try again in a moment")
        try:
            started = time.perf_counter()
            reading = read_digit(self.network, data, ink, name="the upload", max_pixels=self.max_pixels)
        finally:
            self._slots.release()
        reading["image28"] = reading.pop("image").tolist()
        reading["milliseconds"] = round(1000 * (time.perf_counter() - started), 1)
        return reading

    def info(self, max_body: int) -> dict[str, Any]:
        about = summary(self.metadata)
        return {"model": self.name, "recipe": about["label"], "description": about["description"] or "",
                "test_accuracy": about["test_accuracy"],
                "classes": int(self.network.n_outputs),
                "max_body_bytes": max_body, "max_pixels": self.max_pixels}


class Busy(DigitnetError):
    """Too many pictures are being read at once."""


class DigitServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its reader and limits, and quits cleanly.

    ``client_timeout`` is how long a connection may stay silent (seconds), and also the most its request
    line and headers may take in all, however they trickle in: mid-request it then gets 408, idle it is
    closed. A body of n bytes must arrive within ``client_timeout + n / min_upload_rate`` seconds. (It is
    not called ``timeout``, which ``socketserver`` uses for something else.) ``max_connections`` bounds
    the threads and the request bodies held in memory at once; see the module docstring for who makes
    room when it is reached.
    """

    daemon_threads = True  # Ctrl-C does not wait for a slow client
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], reader: DigitReader, max_body: int = MAX_BODY, quiet: bool = False,
                 client_timeout: float = SOCKET_TIMEOUT, max_connections: int = MAX_CONNECTIONS,
                 min_upload_rate: float = MIN_UPLOAD_RATE):
        if not client_timeout > 0:
            raise ValueError(f"client_timeout must be more than 0 seconds, not {client_timeout}")
        if max_connections < 1:
            raise ValueError(f"max_connections must be at least 1, not {max_connections}")
        if not min_upload_rate > 0:
            raise ValueError(f"min_upload_rate must be more than 0 bytes a second, not {min_upload_rate}")
        self.reader, self.max_body, self.quiet, self.client_timeout = reader, max_body, quiet, client_timeout
        self.max_connections, self.min_upload_rate = max_connections, min_upload_rate
        self._lock = threading.Lock()
        #: every open connection: handler -> (phase, since, deadline); the refused ones are kept apart
        self._open: dict[Handler, tuple[str, float, float]] = {}
        self._refused: dict[Handler, tuple[str, float, float]] = {}
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/"

    # -- who is connected, and doing what ----------------------------------------------------------
    def admit(self, handler: "Handler") -> bool:
        """Take in a new connection, closing the one that has waited longest if all places are taken;
        False (the newcomer is refused) when every place is busy answering."""
        now = time.monotonic()
        entry = ("waiting", now, now + self.client_timeout)
        with self._lock:
            victim = None
            if len(self._open) >= self.max_connections:
                waiting = [(since, h) for h, (phase, since, _) in self._open.items() if phase != "answering"]
                if not waiting:
                    self._refused[handler] = entry  # it too must finish its headers in time
                    return False
                victim = min(waiting, key=lambda item: item[0])[1]
                del self._open[victim]
            self._open[handler] = entry
        if victim is not None:
            victim.cut_off("room")
        return True

    def phase(self, handler: "Handler", phase: str, seconds: float | None = None) -> None:
        """``handler`` is now ``waiting`` (for a request and its headers), reading its ``body``, or
        ``answering``; the first two end after ``seconds`` at the latest."""
        now = time.monotonic()
        with self._lock:
            if handler in self._open:
                self._open[handler] = (phase, now, now + seconds if seconds is not None else float("inf"))

    def leave(self, handler: "Handler") -> None:
        with self._lock:
            self._open.pop(handler, None)
            self._refused.pop(handler, None)

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._open)

    def service_actions(self) -> None:
        """Called by ``serve_forever`` between requests (at least twice a second): close connections
        whose headers or body have taken longer than their deadline."""
        now = time.monotonic()
        with self._lock:
            late = []
            for table in (self._open, self._refused):
                overdue = [h for h, (phase, _, deadline) in table.items() if phase != "answering" and now > deadline]
                for handler in overdue:
                    del table[handler]
                late += overdue
        for handler in late:
            handler.cut_off("late")

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up or goes quiet is part of life: one line in the log, no traceback."""
        import sys

        kind, err = sys.exc_info()[:2]
        if kind is not None and issubclass(kind, (ConnectionError, TimeoutError)):
            if not self.quiet:
                sys.stderr.write(f"{client_address[0]} - connection closed early ({kind.__name__})\n")
            return
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    server: DigitServer
    server_version = "digitnet"
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16  # headers and body leave in one write, flushed at the end of each request
    disable_nagle_algorithm = True  # ... and at once: no 40 ms wait for the client's delayed ACK

    def setup(self) -> None:
        self.cut_off_for: str | None = None
        self.admitted = self.server.admit(self)
        # StreamRequestHandler.setup puts the timeout on the socket; one that was refused waits at most a
        # second for each piece of its headers (to answer 503), so silent connections free their threads fast
        self.timeout = self.server.client_timeout if self.admitted else min(1.0, self.server.client_timeout)
        try:
            super().setup()
        except BaseException:
            self.server.leave(self)  # finish() will not run: give the place back here
            raise

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.leave(self)

    def cut_off(self, why: str) -> None:
        """Stop reading from this connection (``why``: "late" past its deadline, or "room" for a newcomer);
        the thread blocked reading it wakes up, answers if the client was mid-request, and closes."""
        self.cut_off_for = why
        try:
            self.request.shutdown(socket.SHUT_RD)  # (the socket; ``connection`` may not be set up yet)
        except OSError:
            pass

    def handle_one_request(self) -> None:
        """http.server's, with phases the server watches: headers, then the body, then the answer."""
        self.server.phase(self, "waiting", self.server.client_timeout)
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except TimeoutError:
            self.raw_requestline = b""  # silent for the whole timeout: idle, closed without a word
        if self.cut_off_for and self.raw_requestline:  # mid-way through the request line
            return self._cut_off_answer()
        if not self.raw_requestline or self.cut_off_for:
            self.close_connection = True
            return
        if len(self.raw_requestline) > 65536:
            self.requestline = self.request_version = self.command = ""
            return self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
        if not self.parse_request():
            return  # an error was sent
        if self.cut_off_for:  # the headers stopped half-way: parse_request saw an end that was not there
            return self._cut_off_answer()
        self.server.phase(self, "answering")  # (reading a body is a phase of its own, with its deadline)
        method = getattr(self, "do_" + self.command, None)
        if method is None:
            return self.send_error(HTTPStatus.NOT_IMPLEMENTED, f"unsupported method ({self.command!r})")
        try:
            method()
            self.wfile.flush()
        except TimeoutError:
            self.close_connection = True

    def _cut_off_answer(self) -> None:
        self.close_connection = True
        if self.cut_off_for == "late":
            self.send_error(HTTPStatus.REQUEST_TIMEOUT, "the request's headers did not arrive in time")
        else:
            self._send_error_json(HTTPStatus.SERVICE_UNAVAILABLE, "the server needed this connection's place "
                                  "for another; try again in a moment", {"Retry-After": "1"})
        self.wfile.flush()

    def parse_request(self) -> bool:
        """Headers that stop arriving get 408 like a body does (http.server would hang up without a word);
        a connection the server could not take in gets 503 here, before its body is read."""
        try:
            parsed = super().parse_request()
        except TimeoutError:
            self.send_error(HTTPStatus.REQUEST_TIMEOUT, "the request's headers did not arrive in time")
            return False
        if parsed and self.cut_off_for:
            return True  # the headers did not really end: handle_one_request answers for the cut
        if parsed and self.request_version.startswith("HTTP/0."):  # no status line, no headers: refused
            self.send_error(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, "use HTTP/1.0 or HTTP/1.1")
            return False
        if parsed and not self.admitted:
            self._refuse_over_limit()
            return False
        return parsed

    def handle_expect_100(self) -> bool:
        """A client that asks before uploading (``Expect: 100-continue``) is told 503 instead of "go on"."""
        if not self.admitted:
            self._refuse_over_limit(body_sent=False)
            return False
        go_on = super().handle_expect_100()
        self.wfile.flush()  # "100 Continue" must leave now: the client waits for it before sending the body
        return go_on

    def _refuse_over_limit(self, body_sent: bool = True) -> None:
        if body_sent:
            self._discard_body()  # a small body is read, so the client gets the answer rather than a reset
        self.close_connection = True
        self._send_error_json(HTTPStatus.SERVICE_UNAVAILABLE, "the server has too many open connections; "
                              "try again in a moment", {"Retry-After": "1"})

    # -- routes -----------------------------------------------------------------------------------
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
            self._send_error_json(HTTPStatus.METHOD_NOT_ALLOWED, "POST the picture's bytes to /api/predict",
                                  {"Allow": "POST"})
        else:
            self._send_error_json(HTTPStatus.NOT_FOUND, f"nothing at {path}; the page is at /")

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/api/predict":
            self._discard_body()
            allowed = {"Allow": "GET"} if url.path in ("/", "/index.html", "/api/info") else {}
            code = HTTPStatus.METHOD_NOT_ALLOWED if allowed else HTTPStatus.NOT_FOUND
            return self._send_error_json(code, f"POST goes to /api/predict, not {url.path}", allowed)
        ink = parse_qs(url.query).get("ink", ["auto"])[-1]
        if ink not in INK_CHOICES:
            self._discard_body()
            return self._send_error_json(HTTPStatus.BAD_REQUEST, f"ink must be one of {', '.join(INK_CHOICES)}")
        body = self._read_body()
        if body is None:
            return
        try:
            self._send_json(HTTPStatus.OK, self.server.reader.read(body, ink))
        except ImageTooLargeError as err:
            self._send_error_json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, str(err))
        except NoDigitError as err:
            self._send_error_json(HTTPStatus.UNPROCESSABLE_ENTITY, str(err))
        except Busy as err:
            self._send_error_json(HTTPStatus.SERVICE_UNAVAILABLE, str(err), {"Retry-After": "1"})
        except DigitnetError as err:
            self._send_error_json(HTTPStatus.BAD_REQUEST, str(err))

    def do_PUT(self) -> None:
        self._discard_body()
        self._send_error_json(HTTPStatus.METHOD_NOT_ALLOWED, "only GET and POST are used here", {"Allow": "GET, POST"})

    do_DELETE = do_PATCH = do_PUT

    # -- request body -----------------------------------------------------------------------------
    def _read_body(self) -> bytes | None:
        """The body, or None after answering 4xx: it must have a length, within the limit, and arrive."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            self._send_error_json(HTTPStatus.LENGTH_REQUIRED, "send the picture with a Content-Length, not chunked")
            return None
        if (self.headers.get_content_type() or "").startswith("multipart/"):
            self.close_connection = True
            self._send_error_json(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send the picture's bytes as the body "
                                  "(curl --data-binary @digit.png), not a form")
            return None
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            self._send_error_json(HTTPStatus.LENGTH_REQUIRED, "a Content-Length header is required")
            return None
        if length > self.server.max_body:
            self.close_connection = True  # do not read the rest: just hang up after answering
            self._send_error_json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                                  f"the picture is {length:,} bytes; the limit is {self.server.max_body:,}")
            return None
        if length == 0:
            self._send_error_json(HTTPStatus.BAD_REQUEST, "the request has no picture in its body")
            return None
        body = self._read_exactly(length)
        if len(body) != length:
            self.close_connection = True
            self._send_error_json(HTTPStatus.REQUEST_TIMEOUT, "the picture did not arrive in full")
            return None
        return body

    def _discard_body(self) -> None:
        """Read (and forget) a small body so the connection stays usable; hang up on a large one."""
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if 0 < length <= 65536:
            if len(self._read_exactly(length)) != length:
                self.close_connection = True
        elif length != 0:
            self.close_connection = True

    def _read_exactly(self, length: int) -> bytes:
        """Up to ``length`` bytes of body, read under the body's deadline (fewer if it does not arrive)."""
        self.server.phase(self, "body", self.server.client_timeout + length / self.server.min_upload_rate)
        try:
            return self.rfile.read(length)
        except TimeoutError:
            return b""
        finally:
            self.server.phase(self, "answering")

    # -- responses --------------------------------------------------------------------------------
    def _send_static(self, name: str) -> None:
        data = resources.files("digitnet.serve").joinpath("static", name).read_bytes()
        self._send(HTTPStatus.OK, data, STATIC[name], {"Cache-Control": "no-cache"})

    def _send_page_model(self) -> None:
        try:
            script = self.server.reader.page_model.script()
        except DigitnetError as err:  # a model the page cannot run: the page shows why
            script = f"window.digitnetModelError = {json.dumps(str(err))};\n".encode("utf-8")
        self._send(HTTPStatus.OK, script, "text/javascript; charset=utf-8", {"Cache-Control": "no-cache"})

    def _send_json(self, status: HTTPStatus, obj: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(obj, default=json_default).encode("utf-8")
        self._send(status, data, "application/json", {"Cache-Control": "no-store", **(headers or {})})

    def _send_error_json(self, status: HTTPStatus, message: str, headers: dict[str, str] | None = None) -> None:
        self._send_json(status, {"error": message, "status": int(status)}, headers)

    def _send(self, status: HTTPStatus, data: bytes, content_type: str, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in {**SECURITY_HEADERS, **headers}.items():
            self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (bad request line, unknown method, headers too long) as JSON too."""
        self.close_connection = True
        if self.request_version.startswith("HTTP/0."):  # a garbled request line: answer with a status line anyway
            self.request_version = "HTTP/1.0"
        try:
            status = HTTPStatus(code)
        except ValueError:
            status = HTTPStatus.BAD_REQUEST
        self._send_error_json(status, message or status.phrase)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

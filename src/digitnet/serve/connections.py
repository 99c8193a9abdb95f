"""Connections: who gets in, how long each may take, and requests framed strictly, on top of ``http.server``.

Why a module of its own: what a page or an API answers (:mod:`digitnet.serve.app`) has nothing to do
with keeping strangers' connections in bounds, and ``http.server`` leaves that to its users. Here
every connection is bounded: how long a client may stay silent (a socket timeout), how long its
headers and its body may take in all (deadlines that trickling bytes cannot extend), the body's size,
and the number of connections kept at once.

Nobody is locked out by clients that connect and then dawdle ("slowloris": headers sent a line every
few seconds, or nothing at all). The server keeps at most ``max_connections`` connections; when one
more arrives and all places are taken, the connection that has waited longest without being served
(still sending its headers or its body, or idle between requests) is closed to make room. Only when
every place is busy answering is the newcomer refused with 503. A connection is served only once its
headers are complete.

A request's length is read one way only (RFC 9112, section 6): one ``Content-Length`` of digits and
nothing else, no ``Transfer-Encoding`` beside it, no header line the parser could read two ways.
Anything else is refused and the connection closed, so no bytes of one request are ever taken for the
start of another ("request smuggling"). A client that asks before uploading (``Expect: 100-continue``)
is told to go on only when its body is about to be read, after every check that could refuse it.

Every error is answered as JSON, ``{"error": "...", "status": CODE}``.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from email import errors
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: Defaults of the limits below; ConnectionServer takes them as arguments (tests use small ones).
MAX_BODY = 10_000_000  # bytes: a phone photo as JPEG is 2-8 MB
SOCKET_TIMEOUT = 15.0  # seconds a client may stay silent, and the most a request line and headers may take in all
MIN_UPLOAD_RATE = 50_000  # bytes a second: a body of n bytes must arrive within SOCKET_TIMEOUT + n / this
MAX_CONNECTIONS = 32  # open connections kept; one more closes the one waiting longest, or gets 503 if all are busy
#: bodies up to this size are read and forgotten when a request is refused, so the connection stays usable
SMALL_BODY = 65536
#: what the header parser finds in a line that is not "Name: value" (``Name : value``, a line starting
#: with a space, an empty name); it then stops reading headers, so the request is refused
HEADER_DEFECTS = (errors.MissingHeaderBodySeparatorDefect, errors.FirstHeaderLineIsContinuationDefect,
                  errors.InvalidHeaderDefect)



class ConnectionServer(ThreadingHTTPServer):
    """A threading HTTP server that bounds its connections (see the module docstring) and quits cleanly.

    ``client_timeout`` is how long a connection may stay silent (seconds), and also the most its request
    line and headers may take in all, however they trickle in: mid-request it then gets 408, idle it is
    closed. A body of n bytes must arrive within ``client_timeout + n / min_upload_rate`` seconds. (It is
    not called ``timeout``, which ``socketserver`` uses for something else.) ``max_connections`` bounds
    the threads and the request bodies held in memory at once; ``max_body`` the size of each body.
    """

    daemon_threads = True  # Ctrl-C does not wait for a slow client
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], handler: type["ConnectionHandler"], max_body: int = MAX_BODY,
                 quiet: bool = False, client_timeout: float = SOCKET_TIMEOUT, max_connections: int = MAX_CONNECTIONS,
                 min_upload_rate: float = MIN_UPLOAD_RATE):
        if not client_timeout > 0:
            raise ValueError(f"client_timeout must be more than 0 seconds, not {client_timeout}")
        if max_connections < 1:
            raise ValueError(f"max_connections must be at least 1, not {max_connections}")
        if not min_upload_rate > 0:
            raise ValueError(f"min_upload_rate must be more than 0 bytes a second, not {min_upload_rate}")
        self.max_body, self.quiet, self.client_timeout = max_body, quiet, client_timeout
        self.max_connections, self.min_upload_rate = max_connections, min_upload_rate
        self._lock = threading.Lock()
        #: every open connection: handler -> (phase, since, deadline); the refused ones are kept apart
        self._open: dict[ConnectionHandler, tuple[str, float, float]] = {}
        self._refused: dict[ConnectionHandler, tuple[str, float, float]] = {}
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/"

    # -- who is connected, and doing what ----------------------------------------------------------
    def admit(self, handler: "ConnectionHandler") -> bool:
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

    def phase(self, handler: "ConnectionHandler", phase: str, seconds: float | None = None) -> None:
        """``handler`` is now ``waiting`` (for a request and its headers), reading its ``body``, or
        ``answering``; the first two end after ``seconds`` at the latest."""
        now = time.monotonic()
        with self._lock:
            if handler in self._open:
                self._open[handler] = (phase, now, now + seconds if seconds is not None else float("inf"))

    def leave(self, handler: "ConnectionHandler") -> None:
        with self._lock:
            self._open.pop(handler, None)
            self._refused.pop(handler, None)

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._open)

    @property
    def answering_connections(self) -> int:
        """How many open connections are answering a request (never closed to make room)."""
        with self._lock:
            return sum(phase == "answering" for phase, _, _ in self._open.values())

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
        kind = sys.exc_info()[0]
        if kind is not None and issubclass(kind, (ConnectionError, TimeoutError)):
            if not self.quiet:
                sys.stderr.write(f"{client_address[0]} - connection closed early ({kind.__name__})\n")
            return
        super().handle_error(request, client_address)


class ConnectionHandler(BaseHTTPRequestHandler):
    """``http.server``'s handler with phases the server watches (headers, then the body, then the answer),
    strict framing, a bounded body and errors as JSON. Subclasses add ``do_GET``, ``do_POST``...
    and read a request's body with :meth:`read_body` (or :meth:`discard_body` when refusing it)."""

    server: ConnectionServer
    server_version = "digitnet"
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16  # headers and body leave in one write, flushed at the end of each request
    disable_nagle_algorithm = True  # ... and at once: no 40 ms wait for the client's delayed ACK
    #: headers sent with every answer (the app's security headers)
    extra_headers: dict[str, str] = {}

    def setup(self) -> None:
        self.cut_off_for: str | None = None
        self.body_left = 0  # bytes of the current request's body not read yet
        self.continue_pending = False  # the client waits for "100 Continue" before sending its body
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
        self.body_left, self.continue_pending = 0, False
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
            self.close_connection = True  # its body, if any, is not read
            return self.send_error(HTTPStatus.NOT_IMPLEMENTED, f"unsupported method ({self.command!r})")
        try:
            method()
            if self.body_left:  # a body nobody read (a GET with one): never taken for the next request
                self.discard_body()
            self.wfile.flush()
        except TimeoutError:
            self.close_connection = True

    def _cut_off_answer(self) -> None:
        self.close_connection = True
        if self.cut_off_for == "late":
            self.send_error(HTTPStatus.REQUEST_TIMEOUT, "the request's headers did not arrive in time")
        else:
            self.send_error_json(HTTPStatus.SERVICE_UNAVAILABLE, "the server needed this connection's place "
                                 "for another; try again in a moment", {"Retry-After": "1"})
        self.wfile.flush()

    def parse_request(self) -> bool:
        """http.server's, then the checks it leaves out: headers that stop arriving get 408 (http.server
        would hang up without a word), framing that could be read two ways 400, and a connection the
        server could not take in 503, before any of its body is read."""
        try:
            parsed = super().parse_request()
        except TimeoutError:
            self.send_error(HTTPStatus.REQUEST_TIMEOUT, "the request's headers did not arrive in time")
            return False
        if parsed and self.cut_off_for:
            return True  # the headers did not really end: handle_one_request answers for the cut
        if not parsed:
            return False
        if self.request_version.startswith("HTTP/0."):  # no status line, no headers: refused
            self.send_error(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, "use HTTP/1.0 or HTTP/1.1")
            return False
        refusal = self._framing_error()
        if refusal is not None:
            self.close_connection = True  # the rest of the bytes cannot be told apart from a next request
            self.send_error_json(*refusal)
            return False
        if not self.admitted:
            self._refuse_over_limit()
            return False
        return True

    def _framing_error(self) -> tuple[HTTPStatus, str] | None:
        """Why the request's length cannot be known for sure (RFC 9112, sections 5 and 6), or None.

        Sets ``body_left`` from the one ``Content-Length`` when there is no reason to refuse.
        """
        headers = self.headers
        if headers.get_payload() or any(isinstance(defect, HEADER_DEFECTS) for defect in headers.defects):
            return HTTPStatus.BAD_REQUEST, "a header line is malformed (write 'Name: value', no space before ':')"
        if any("\n" in value or "\r" in value for value in headers.values()):
            return HTTPStatus.BAD_REQUEST, "header lines folded onto the next line are not accepted (RFC 9112)"
        lengths, codings = headers.get_all("Content-Length") or [], headers.get_all("Transfer-Encoding") or []
        if codings and lengths:
            return HTTPStatus.BAD_REQUEST, "a request with both Transfer-Encoding and Content-Length is refused"
        if codings:
            return HTTPStatus.LENGTH_REQUIRED, "send the picture with a Content-Length, not chunked"
        if len(lengths) > 1:
            return HTTPStatus.BAD_REQUEST, "a request must have at most one Content-Length header"
        if lengths:
            value = lengths[0].strip(" \t")
            if not (value.isascii() and value.isdigit()):
                return HTTPStatus.BAD_REQUEST, f"Content-Length must be a number of bytes in digits, not {value[:40]!r}"
            # (a number too long for any body is simply too large; int() of thousands of digits is slow)
            self.body_left = int(value) if len(value) <= 18 else 10 ** 18
        return None

    def handle_expect_100(self) -> bool:
        """A client that asks before uploading (``Expect: 100-continue``) is told 503 at once if it was not
        admitted; otherwise "100 Continue" waits until its body is about to be read (:meth:`read_body`),
        after every check that could refuse the request (a body over the limit gets 413, not "go on")."""
        if not self.admitted:
            self._refuse_over_limit()
            return False
        self.continue_pending = True
        return True

    def _refuse_over_limit(self) -> None:
        self.discard_body()  # a small body is read, so the client gets the answer rather than a reset
        self.close_connection = True
        self.send_error_json(HTTPStatus.SERVICE_UNAVAILABLE, "the server has too many open connections; "
                             "try again in a moment", {"Retry-After": "1"})

    # -- the request body -------------------------------------------------------------------------
    def read_body(self) -> bytes | None:
        """The body, or None after answering 4xx: it must have a length, within the limit, and arrive."""
        if (self.headers.get_content_type() or "").startswith("multipart/"):
            self.close_connection = True
            self.send_error_json(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send the picture's bytes as the body "
                                 "(curl --data-binary @digit.png), not a form")
            return None
        if self.headers.get("Content-Length") is None:
            self.close_connection = True
            self.send_error_json(HTTPStatus.LENGTH_REQUIRED, "a Content-Length header is required")
            return None
        length = self.body_left
        if length > self.server.max_body:
            self.close_connection = True  # do not read the rest: just hang up after answering
            self.send_error_json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                                 f"the picture is {length:,} bytes; the limit is {self.server.max_body:,}")
            return None
        if length == 0:
            self.send_error_json(HTTPStatus.BAD_REQUEST, "the request has no picture in its body")
            return None
        body = self._read_exactly(length)
        if len(body) != length:
            self.close_connection = True
            self.send_error_json(HTTPStatus.REQUEST_TIMEOUT, "the picture did not arrive in full")
            return None
        return body

    def discard_body(self) -> None:
        """Read (and forget) a small body so the connection stays usable; hang up on a large one, or on
        one the client has not sent yet because it waits for "100 Continue"."""
        length = self.body_left
        if length and (length > SMALL_BODY or self.continue_pending or len(self._read_exactly(length)) != length):
            self.close_connection = True
        self.body_left = 0

    def _read_exactly(self, length: int) -> bytes:
        """Up to ``length`` bytes of body, read under the body's deadline (fewer if it does not arrive)."""
        if self.continue_pending:  # every check has passed: now the client may send its body
            self.continue_pending = False
            self.send_response_only(HTTPStatus.CONTINUE)
            self.end_headers()
            self.wfile.flush()
        self.body_left = 0
        self.server.phase(self, "body", self.server.client_timeout + length / self.server.min_upload_rate)
        try:
            return self.rfile.read(length)
        except TimeoutError:
            return b""
        finally:
            self.server.phase(self, "answering")

    # -- answers ----------------------------------------------------------------------------------
    def send_json(self, status: HTTPStatus, data: bytes | Any, headers: dict[str, str] | None = None) -> None:
        """An answer with a JSON body: ``data`` is already encoded, or an object for ``json.dumps``."""
        if not isinstance(data, bytes):
            data = json.dumps(data).encode("utf-8")
        self.send_answer(status, data, "application/json", {"Cache-Control": "no-store", **(headers or {})})

    def send_error_json(self, status: HTTPStatus, message: str, headers: dict[str, str] | None = None) -> None:
        self.send_json(status, {"error": message, "status": int(status)}, headers)

    def send_answer(self, status: HTTPStatus, data: bytes, content_type: str, headers: dict[str, str]) -> None:
        if self.continue_pending:  # refused before the client sent its body: it may never come
            self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in {**self.extra_headers, **headers}.items():
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
        self.send_error_json(status, message or status.phrase)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

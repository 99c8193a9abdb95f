"""The web server over real HTTP on 127.0.0.1: the page, the JSON API, limits and errors."""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from PIL import Image

from digit_pictures import draw_digit, encode, png_claiming, running_server
from digitnet.cli import main
from digitnet.images import prepare
from digitnet.io import load_model
from digitnet.serve import DigitReader, DigitServer


@pytest.fixture(scope="module")
def server(small_model):
    with running_server(small_model, max_body=300_000) as httpd:
        yield httpd


def request(server, method, path, body=None, headers=None, timeout=20):
    connection = http.client.HTTPConnection(*server.server_address[:2], timeout=timeout)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response, data


def api(server, method, path, body=None, headers=None, timeout=20):
    response, data = request(server, method, path, body, headers, timeout)
    assert response.getheader("Content-Type") == "application/json"
    return response.status, json.loads(data)


def test_page_and_static_files(server):
    response, html = request(server, "GET", "/")
    assert response.status == 200 and b'<canvas id="pad"' in html
    assert "default-src 'none'" in response.getheader("Content-Security-Policy")
    for name, kind in (("app.js", "text/javascript"), ("style.css", "text/css")):
        response, data = request(server, "GET", f"/static/{name}")
        assert response.status == 200 and response.getheader("Content-Type").startswith(kind) and data
    assert b"http" not in html.replace(b"http-equiv", b"")  # nothing loaded from the internet


def test_info(server):
    status, info = api(server, "GET", "/api/info")
    assert status == 200 and info["model"] == "small.npz" and info["classes"] == 10
    assert info["max_body_bytes"] == 300_000


def test_info_names_the_model_and_its_figures_never_where_it_is(small_model):
    network = load_model(small_model).network
    metadata = {"recipe": {"name": "mlp-512", "label": "'mlp-512' with lr 0.5"}, "metrics": {"test_accuracy": 0.97},
                "dataset": {"name": "mnist"}}
    info = DigitReader(network, metadata, name=str(small_model.resolve())).info(1000)
    assert info["model"] == small_model.name and str(small_model.parent) not in json.dumps(info)
    assert info["recipe"] == "mlp-512 with lr 0.5" and info["test_accuracy"] == 0.97 and info["dataset"] == "mnist"
    assert info["parameters"] == network.n_parameters > 0
    assert DigitReader(network, name="C:\\Users\\me\\models\\m.npz").info(1)["model"] == "m.npz"


def test_the_serve_command_shows_the_file_name_only(small_model, monkeypatch):
    """What `digitnet serve` gives the page: the model's name, recipe and figures, not its path."""
    from digitnet.serve import app

    made = {}
    monkeypatch.setattr(app.DigitServer, "serve_forever", lambda self: made.setdefault("server", self))
    monkeypatch.setattr("digitnet.serve.process.tune_for_serving", lambda: made.setdefault("tuned", True))
    assert main(["serve", str(small_model.resolve()), "--port", "0", "--quiet"]) == 0
    info = made["server"].reader.info(1)
    assert info["model"] == small_model.name and "/" not in json.dumps(info).replace("\\/", "")
    assert made["tuned"]  # (the settings of the whole process are tested in a process of their own)


def test_predict_a_png_gives_probabilities_and_the_28x28(server):
    picture = draw_digit(1)
    status, answer = api(server, "POST", "/api/predict", encode(picture), {"Content-Type": "image/png"})
    assert status == 200 and answer["digit"] == 1 and answer["ink"] == "dark"
    assert len(answer["probabilities"]) == 10 and sum(answer["probabilities"]) == pytest.approx(1, abs=1e-4)
    assert [g["digit"] for g in answer["next"]] != [1] and len(answer["next"]) == 2
    assert np.array_equal(np.array(answer["image28"]), prepare(np.asarray(picture)).image)


def test_ink_can_be_given(server):
    body = encode(draw_digit(0, ink=(255, 255, 255), paper=(0, 0, 0)), "JPEG")
    status, answer = api(server, "POST", "/api/predict?ink=light", body)
    assert status == 200 and answer["ink"] == "light" and answer["digit"] == 0
    status, answer = api(server, "POST", "/api/predict?ink=sideways", body)
    assert status == 400 and "ink" in answer["error"]


@pytest.mark.parametrize("body,status,message", [
    (b"", 400, "no picture"),
    (b"GIF89a this is a broken gif", 400, "damaged"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, 400, "damaged"),
    (b"<html>not a picture</html>", 400, "not a picture"),
    ("bomb", 413, "decompression bomb"),
], ids=["empty", "damaged gif", "damaged png", "not a picture", "bomb"])
def test_bad_pictures_get_4xx_and_a_json_error(server, body, status, message):
    if body == "bomb":
        body = png_claiming(300_000, 300_000)
    code, answer = api(server, "POST", "/api/predict", body)
    assert code == status and message in answer["error"] and answer["status"] == status


def test_a_blank_picture_is_answered_not_a_digit(server):
    """As ``digitnet predict`` answers it, and the page's own ``readPicture``: a refusal, not an error."""
    status, answer = api(server, "POST", "/api/predict", encode(Image.new("L", (100, 100), 255)))
    assert status == 200 and answer["digit"] is None and answer["reason"].startswith("no digit found")
    assert answer["probabilities"] is None and answer["image28"] is None


def test_too_many_pixels_is_413(server):
    code, answer = api(server, "POST", "/api/predict", png_claiming(6000, 6000))  # 36 MP > 25 MP
    assert code == 413 and "megapixels" in answer["error"]


def raw(server, data: bytes, timeout: float = 20) -> str:
    """Send bytes as they are and read the reply until the server hangs up."""
    with socket.create_connection(server.server_address[:2], timeout=timeout) as connection:
        connection.sendall(data)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()


def test_bodies_over_the_limit_are_refused_without_reading_them(server):
    reply = raw(server, b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n" + b"x" * 1000)
    assert reply.startswith("HTTP/1.1 413") and "Connection: close" in reply and "the limit is 300,000" in reply


def test_a_body_of_exactly_the_limit_is_read_and_one_byte_more_is_not(server):
    picture = encode(draw_digit(1))  # a PNG reader stops at the picture's end: the padding is not looked at
    at_limit = picture + b"\0" * (server.max_body - len(picture))
    status, answer = api(server, "POST", "/api/predict", at_limit)
    assert len(at_limit) == 300_000 and status == 200 and answer["digit"] == 1
    status, answer = api(server, "POST", "/api/predict", at_limit + b"\0")
    assert status == 413 and "the picture is 300,001 bytes; the limit is 300,000" in answer["error"]


def statuses(reply: str) -> list[int]:
    """The status of each answer in ``reply`` (a body is followed at once by the next answer's status line)."""
    return [int(code) for code in re.findall(r"HTTP/1\.[01] (\d{3}) ", reply)]


INFO = b"GET /api/info HTTP/1.1\r\nHost: x\r\n\r\n"
LAST = b"GET /static/style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"


@pytest.mark.parametrize("framing", [
    b"Content-Length: 0\r\nContent-Length: 36",  # two lengths: which one ends the request?
    b"Content-Length: 36\r\nContent-Length: 36",
    b"Content-Length: 36, 36",
    b"Content-Length: +36",  # Python's int() takes these; RFC 9112 says digits only
    b"Content-Length: 3_6",
    b"Content-Length: 36.0",
    b"Content-Length: -36",
    b"Content-Length: \xd9\xa3\xd9\xa6",  # Arabic-Indic digits: str.isdigit() says yes
    b"Transfer-Encoding: chunked\r\nContent-Length: 36",
    b"Content-Length: 36\r\nTransfer-Encoding: identity",
    b"Content-Length : 36",  # a space before the colon
    b"Content-Length:\r\n 36",  # a value folded onto the next line (obs-fold)
    b"X-Note: a\r\n  folded line\r\nContent-Length: 36",
], ids=["two different", "two equal", "a list", "plus sign", "underscore", "decimal", "negative", "unicode digits",
        "chunked and length", "length and identity", "space before colon", "folded length", "folded other"])
def test_request_framing_that_could_be_read_two_ways_is_refused_and_the_connection_closed(server, framing):
    """RFC 9112: a request's length is known one way only, or the request is refused (400/411) and the
    connection closed, so the bytes after it are never served as a request of their own (smuggling)."""
    smuggled = b"GET /nowhere HTTP/1.1\r\nHost: yyy\r\n\r\n"  # 36 bytes
    assert len(smuggled) == 36
    reply = raw(server, b"POST /api/predict HTTP/1.1\r\nHost: x\r\n" + framing + b"\r\n\r\n" + smuggled + INFO)
    assert len(statuses(reply)) == 1 and statuses(reply)[0] in (400, 411) and "Connection: close" in reply
    assert '"error"' in reply


def test_a_plain_content_length_with_spaces_around_it_is_fine(server):
    body = encode(draw_digit(1))
    reply = raw(server, b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Length: \t%d \r\n\r\n" % len(body)
                + body + LAST)
    assert statuses(reply) == [200, 200] and '"digit": 1' in reply


def test_a_body_on_a_get_is_never_taken_for_the_next_request(server):
    smuggled = b"GET /nowhere HTTP/1.1\r\nHost: yyy\r\n\r\n"
    reply = raw(server, b"GET /api/info HTTP/1.1\r\nHost: x\r\nContent-Length: 36\r\n\r\n" + smuggled + LAST)
    assert statuses(reply) == [200, 200] and "nothing at /nowhere" not in reply


def expect_continue(server, length: int, body: bytes | None = None) -> tuple[str, str]:
    """Headers with ``Expect: 100-continue``; the first reply, then (if given) the body and the rest."""
    with socket.create_connection(server.server_address[:2], timeout=10) as connection:
        connection.sendall(b"POST /api/predict HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                           b"Connection: close\r\nContent-Length: %d\r\n\r\n" % length)
        first = connection.recv(65536).decode()
        if body is None:
            return first, ""
        connection.sendall(body)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return first, b"".join(chunks).decode()


def test_an_upload_over_the_limit_is_refused_before_100_continue(server):
    first, _ = expect_continue(server, 50_000_000)
    assert first.startswith("HTTP/1.1 413") and "100 Continue" not in first and "Connection: close" in first


def test_100_continue_comes_when_the_body_is_wanted(server):
    body = encode(draw_digit(1))
    first, rest = expect_continue(server, len(body), body)
    assert first.startswith("HTTP/1.1 100 Continue") and rest.startswith("HTTP/1.1 200") and '"digit": 1' in rest


def test_the_serving_process_tunes_malloc_and_blas_on_linux():
    """(In a child process: both settings are the whole process's.)"""
    import platform
    import subprocess
    import sys

    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        pytest.skip("glibc's mallopt is only on Linux with glibc")
    code = ("import json, numpy; from digitnet.serve.process import tune_for_serving; "
            "print(json.dumps(tune_for_serving()))")
    env = {k: v for k, v in __import__("os").environ.items() if not k.endswith("_NUM_THREADS")}
    done = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                     check=True).stdout)
    assert done["memory_returned"] is True
    if "openblas" in str(np.show_config(mode="dicts")).lower():
        assert done["one_blas_thread"] is True
    done = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                     env={**env, "OPENBLAS_NUM_THREADS": "2"}).stdout)
    assert done["one_blas_thread"] is False  # a thread count the user chose is kept


@pytest.mark.parametrize("method,path,headers,status", [
    ("GET", "/nowhere", {}, 404),
    ("GET", "/static/../server.py", {}, 404),
    ("GET", "/api/predict", {}, 405),
    ("POST", "/api/info", {"Content-Length": "0"}, 405),
    ("PUT", "/api/predict", {"Content-Length": "0"}, 405),
    ("POST", "/api/predict", {"Content-Type": "multipart/form-data; boundary=x", "Content-Length": "3"}, 415),
    ("POST", "/api/predict", {"Transfer-Encoding": "chunked"}, 411),
    ("POST", "/api/predict", {}, 411),
])
def test_wrong_requests(server, method, path, headers, status):
    connection = http.client.HTTPConnection(*server.server_address[:2], timeout=20)
    connection.putrequest(method, path, skip_accept_encoding=True)
    for key, value in headers.items():
        connection.putheader(key, value)
    connection.endheaders(b"abc" if headers.get("Content-Length") == "3" else None)
    response = connection.getresponse()
    answer = json.loads(response.read())
    connection.close()
    assert response.status == status and answer["error"]


@pytest.mark.parametrize("line,status", [(b"GET / HTTP/1.1 and more", 400), (b"BREW /pot HTTP/1.1", 501),
                                         (b"GET / HTTP/7.0", 505), (b"GET / HTTP/0.9", 505), (b"GET /", 505)])
def test_malformed_requests_get_json_errors_too(server, line, status):
    reply = raw(server, line + b"\r\nHost: x\r\n\r\n")
    assert reply.startswith(f"HTTP/1.1 {status}") and f'"status": {status}' in reply


def test_keep_alive_serves_several_requests_on_one_connection(server):
    connection = http.client.HTTPConnection(*server.server_address[:2], timeout=20)
    for _ in range(3):
        connection.request("POST", "/api/predict", body=encode(draw_digit(7)))
        response = connection.getresponse()
        assert response.status == 200 and json.loads(response.read())["digit"] == 7
    connection.close()


def test_concurrent_requests_each_get_their_own_answer(server):
    bodies = {digit: encode(draw_digit(digit)) for digit in (0, 1, 7)}
    expected = {digit: api(server, "POST", "/api/predict", body)[1]["probabilities"] for digit, body in bodies.items()}
    digits = [0, 1, 7] * 4
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda d: api(server, "POST", "/api/predict", bodies[d]), digits))
    for digit, (status, answer) in zip(digits, answers):
        assert status == 200 and answer["probabilities"] == pytest.approx(expected[digit], abs=1e-6)


@pytest.mark.parametrize("value", ["1e303", "inf", "0", "-1", "201", "lots"])
def test_max_upload_mb_must_be_a_sensible_number(small_model, value, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["serve", str(small_model), "--max-upload-mb", value])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "megabytes, more than 0 and at most 200" in err and "Traceback" not in err


def test_serve_command_defaults_to_loopback_and_reports_a_busy_port(small_model, capsys):
    from digitnet.cli import build_parser

    args = build_parser().parse_args(["serve", str(small_model)])
    assert args.host == "127.0.0.1"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        code = main(["serve", str(small_model), "--port", str(taken.getsockname()[1])])
    err = capsys.readouterr().err
    assert code == 2 and "choose another --port" in err


# -- limits: a slow client gets 408, a busy server 503 ------------------------------------------------


def test_the_documented_limits_are_the_defaults(server):
    assert server.client_timeout == 15 and server.reader.max_concurrent == 2 and server.reader.queue_wait == 10
    assert server.max_connections == 32
    with pytest.raises(ValueError, match="max_concurrent"):
        DigitReader(None, max_concurrent=0)


def wait_until_no_one_is_answering(httpd, seconds: float = 5.0) -> None:
    """The answer's last bytes reach the client a moment before its thread marks the connection as waiting
    for the next request; on a busy machine that moment can be long enough for a newcomer to find the
    place still busy answering (and get 503)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not httpd.answering_connections:
            return
        time.sleep(0.01)
    raise AssertionError(f"a connection was still answering after {seconds} s")


def test_an_idle_connection_makes_room_for_a_new_one(small_model):
    """The only place is held by an idle keep-alive connection: a newcomer is served, the idle one closed."""
    with running_server(small_model, max_connections=1) as httpd:
        holder = socket.create_connection(httpd.server_address[:2], timeout=5)
        try:
            holder.sendall(b"GET /api/info HTTP/1.1\r\nHost: x\r\n\r\n")  # served, then kept by keep-alive
            assert holder.recv(65536).startswith(b"HTTP/1.1 200")
            wait_until_no_one_is_answering(httpd)  # now idle between requests
            assert request(httpd, "GET", "/api/info", timeout=5)[0].status == 200
            assert holder.recv(65536) == b""  # the idle one was closed to make room, without a word
        finally:
            holder.close()


def test_a_connection_finding_every_place_busy_answering_gets_503_and_the_place_is_given_back(small_model):
    body = encode(draw_digit(7))
    with ThreadPoolExecutor(1) as pool, held_server(small_model, max_connections=1) as (httpd, held):
        first = pool.submit(api, httpd, "POST", "/api/predict", body, timeout=20)
        assert held.entered.wait(20)  # the only place is now busy answering
        response, data = request(httpd, "GET", "/api/info", timeout=5)
        answer = json.loads(data)
        assert response.status == 503 and response.getheader("Retry-After") == "1"
        assert answer["status"] == 503 and "too many open connections" in answer["error"]
        post = b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
        for extra, sent in ((b"", b"abc"), (b"Expect: 100-continue\r\n", b"")):  # a body sent, or asked about
            reply = raw(httpd, post + extra + b"\r\n" + sent, timeout=5)
            assert reply.startswith("HTTP/1.1 503") and "100 Continue" not in reply
        held.go.set()
        assert first.result(20)[0] == 200
        deadline = time.monotonic() + 10
        while (status := request(httpd, "GET", "/api/info", timeout=5)[0].status) == 503:
            assert time.monotonic() < deadline, "the finished connection never gave its place back"
            time.sleep(0.05)
        assert status == 200


@pytest.fixture(scope="module")
def impatient(small_model):
    """A server that waits only 0.5 s for a silent client (tests stay fast; the client sends at once)."""
    with running_server(small_model, client_timeout=0.5) as httpd:
        yield httpd


@pytest.mark.parametrize("sent,message", [
    (b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + b"x" * 100, "did not arrive in full"),
    (b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Len", "headers did not arrive in time"),
], ids=["body", "headers"])
def test_a_client_that_stops_sending_gets_408(impatient, sent, message):
    started = time.perf_counter()
    reply = raw(impatient, sent, timeout=5)  # with the default 15 s this times out on our side and fails
    assert time.perf_counter() - started < 5
    assert reply.startswith("HTTP/1.1 408") and "Connection: close" in reply
    assert message in reply and '"status": 408' in reply


def test_a_silent_connection_is_closed_without_an_answer(impatient):
    """An idle keep-alive connection looks the same: answering 408 there would confuse browsers."""
    assert raw(impatient, b"", timeout=5) == ""
    assert raw(impatient, b"POST /api/pre", timeout=5) == ""


class HeldNetwork:
    """The real network, except that reading waits until the test lets go: a worker kept busy on purpose."""

    def __init__(self, network):
        self.network, self.entered, self.go = network, threading.Event(), threading.Event()

    def __getattr__(self, name):
        return getattr(self.network, name)

    def logits(self, x):  # what a model reads a picture with (digitnet.io.Model.decide)
        self.entered.set()
        assert self.go.wait(20), "the test never let the network go"
        return self.network.logits(x)


class ThreadNoting:
    """The real network, noting which threads read pictures with it."""

    def __init__(self, network):
        self.network, self.threads = network, set()

    def __getattr__(self, name):
        return getattr(self.network, name)

    def logits(self, x):
        self.threads.add(threading.current_thread().name)
        return self.network.logits(x)


def test_pictures_are_read_by_a_fixed_pool_of_workers_not_by_the_connections(small_model):
    """Big pictures' buffers are then allocated by two threads, whatever the number of connections."""
    noting = ThreadNoting(load_model(small_model).network)
    reader = DigitReader(noting, max_concurrent=2)
    httpd = DigitServer(("127.0.0.1", 0), reader, quiet=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        body = encode(draw_digit(7))
        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(lambda _: api(httpd, "POST", "/api/predict", body)[0], range(12)))
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert answers == [200] * 12
    assert 1 <= len(noting.threads) <= 2 and all(name.startswith("digitnet-reader") for name in noting.threads)


@contextlib.contextmanager
def held_server(small_model, max_connections: int = 32, client_timeout: float = 15.0, **limits):
    """A server whose one network is held busy until the block ends (or ``go`` is set)."""
    held = HeldNetwork(load_model(small_model).network)
    httpd = DigitServer(("127.0.0.1", 0), DigitReader(held, **limits), quiet=True, max_connections=max_connections,
                        client_timeout=client_timeout)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd, held
    finally:
        held.go.set()  # a failed assertion must not leave handler threads waiting
        httpd.shutdown()
        httpd.server_close()


# The pool is opened first so that it is closed last, after `go`. Requests time out after 5 s: without
# the limit, the second picture would get in and wait for the held network instead of answering 503.
def test_a_picture_that_waits_too_long_for_a_turn_gets_503(small_model):
    body = encode(draw_digit(7))
    with ThreadPoolExecutor(1) as pool, held_server(small_model, max_concurrent=1, queue_wait=0.05) as (httpd, held):
        first = pool.submit(api, httpd, "POST", "/api/predict", body, timeout=20)
        assert held.entered.wait(20)  # the first picture now holds the only turn, until `go`
        response, data = request(httpd, "POST", "/api/predict", body, timeout=5)
        answer = json.loads(data)
        assert response.status == 503 and answer["status"] == 503 and response.getheader("Retry-After") == "1"
        assert "busy" in answer["error"] and "try again" in answer["error"]
        held.go.set()
        assert first.result(20)[0] == 200 and first.result()[1]["digit"] == 7
        assert api(httpd, "POST", "/api/predict", body, timeout=5)[0] == 200  # the turn was given back


def test_a_picture_that_finds_all_turns_taken_waits_for_one(small_model):
    body = encode(draw_digit(1))
    with ThreadPoolExecutor(2) as pool, held_server(small_model, max_concurrent=1, queue_wait=20) as (httpd, held):
        first = pool.submit(api, httpd, "POST", "/api/predict", body, timeout=20)
        assert held.entered.wait(20)
        second = pool.submit(api, httpd, "POST", "/api/predict", body, timeout=20)
        time.sleep(0.2)  # time for the second to reach the queue: if it is late, the test is weaker, not flaky
        assert not second.done()  # a server that refused at once would have answered 503 by now
        held.go.set()
        assert first.result(20)[0] == 200 and second.result(20)[0] == 200


# -- nobody locked out: slow and silent connections do not starve real ones ---------------------------
class Trickler(threading.Thread):
    """A slowloris client: a request line, then one header line every ``every`` seconds, for ever."""

    def __init__(self, address, every: float):
        super().__init__(daemon=True)
        self.address, self.every, self.stop, self.reply = address, every, threading.Event(), None
        self.cut_off_after: float | None = None

    def run(self) -> None:
        started = time.monotonic()
        try:
            with socket.create_connection(self.address, timeout=10) as connection:
                connection.sendall(b"POST /api/predict HTTP/1.1\r\nHost: x\r\n")
                connection.settimeout(self.every)
                n = 0
                while not self.stop.is_set():
                    try:
                        data = connection.recv(65536)
                        self.reply = data.decode(errors="replace")
                        break  # an answer, or the server hung up (b"")
                    except TimeoutError:
                        n += 1
                        connection.sendall(f"X-Slow-{n}: {'x' * 10}\r\n".encode())
        except OSError:
            self.reply = ""
        self.cut_off_after = time.monotonic() - started


def test_headers_have_an_overall_deadline_that_trickling_cannot_extend(small_model):
    """Every line arrives well within the 1 s of silence allowed, but the headers never end: 408 after
    the 1 s the request line and headers may take in all (give or take the half second between checks)."""
    with running_server(small_model, client_timeout=1.0) as httpd:
        slow = Trickler(httpd.server_address[:2], every=0.2)
        slow.start()
        slow.join(10)
        assert not slow.is_alive() and slow.cut_off_after < 3
        assert slow.reply.startswith("HTTP/1.1 408") and "did not arrive in time" in slow.reply


def test_forty_slowloris_connections_do_not_lock_anyone_out(small_model):
    """40 connections trickling headers (more than the 32 places) while normal requests come and go:
    every normal request is answered at once, and none of them gets 503."""
    body = encode(draw_digit(7))
    with running_server(small_model) as httpd:  # the defaults: 32 places, 15 s for headers
        slow = [Trickler(httpd.server_address[:2], every=2.0) for _ in range(40)]
        for client in slow:
            client.start()
        time.sleep(0.5)  # all 40 are connected and dawdling
        try:
            for _ in range(20):
                started = time.monotonic()
                status, answer = api(httpd, "POST", "/api/predict", body, timeout=5)
                assert status == 200 and answer["digit"] == 7 and time.monotonic() - started < 3
            assert httpd.open_connections <= 32
        finally:
            for client in slow:
                client.stop.set()
        cut = [client for client in slow if client.reply is not None]
        assert cut, "the dawdlers all kept their places"


def test_forty_silent_connections_do_not_block_normal_requests(small_model):
    with running_server(small_model) as httpd:
        silent = [socket.create_connection(httpd.server_address[:2], timeout=5) for _ in range(40)]
        try:
            time.sleep(0.3)
            started = time.monotonic()
            statuses = [request(httpd, "GET", "/api/info", timeout=5)[0].status for _ in range(20)]
            assert statuses == [200] * 20 and time.monotonic() - started < 5
        finally:
            for connection in silent:
                connection.close()


def test_a_slow_body_has_a_deadline_too(small_model):
    with running_server(small_model, client_timeout=1.0, min_upload_rate=1000) as httpd:
        with socket.create_connection(httpd.server_address[:2], timeout=10) as connection:
            connection.sendall(b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
            started, reply = time.monotonic(), b""
            connection.settimeout(0.3)
            while time.monotonic() - started < 8:  # a byte every 0.3 s: never silent for 1 s, but 1000 take 300 s
                try:
                    reply = connection.recv(65536)
                    break
                except TimeoutError:
                    connection.sendall(b"x")
            assert reply.startswith(b"HTTP/1.1 408") and b"did not arrive in full" in reply
            assert time.monotonic() - started < 4  # 1 s + 1000 bytes / 1000 bytes a second, and the check


def test_clients_that_hang_up_leave_one_line_in_the_log_not_a_traceback(small_model, capfd):
    import struct

    body = encode(draw_digit(7))
    with running_server(small_model) as httpd:
        httpd.quiet = False
        for _ in range(10):
            connection = socket.create_connection(httpd.server_address[:2], timeout=5)
            connection.sendall(b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body)
                               + body)
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()  # a reset, before the answer is written
        time.sleep(0.5)
        assert request(httpd, "GET", "/api/info")[0].status == 200
    log = capfd.readouterr().err
    assert "Traceback" not in log and "BrokenPipe" not in log.replace("(BrokenPipeError)", "")
    assert "connection closed early" in log


def test_a_refused_connection_that_trickles_its_headers_is_cut_off_too(small_model):
    body = encode(draw_digit(7))
    with ThreadPoolExecutor(1) as pool, held_server(small_model, max_connections=1,
                                                    client_timeout=1.0) as (httpd, held):
        first = pool.submit(api, httpd, "POST", "/api/predict", body, timeout=20)
        assert held.entered.wait(20)  # the only place is busy answering: the next one is refused
        slow = Trickler(httpd.server_address[:2], every=0.3)  # never silent for the 1 s a refused one may be
        slow.start()
        slow.join(10)
        assert not slow.is_alive() and slow.cut_off_after < 4 and slow.reply.startswith("HTTP/1.1 408")
        held.go.set()
        assert first.result(20)[0] == 200

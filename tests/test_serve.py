"""The web server over real HTTP on 127.0.0.1: the page, the JSON API, limits and errors."""

from __future__ import annotations

import http.client
import json
import socket

import numpy as np
import pytest
from PIL import Image

from digit_pictures import draw_digit, encode, png_claiming, running_server, small_model  # noqa: F401
from digitnet.cli import main
from digitnet.images import prepare


@pytest.fixture(scope="module")
def server(small_model):
    with running_server(small_model, max_body=300_000) as httpd:
        yield httpd


def request(server, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection(*server.server_address[:2], timeout=20)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response, data


def api(server, method, path, body=None, headers=None):
    response, data = request(server, method, path, body, headers)
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
    ("blank", 422, "no digit found"),
    ("bomb", 413, "decompression bomb"),
], ids=["empty", "damaged gif", "damaged png", "not a picture", "blank", "bomb"])
def test_bad_pictures_get_4xx_and_a_json_error(server, body, status, message):
    if body == "blank":
        body = encode(Image.new("L", (100, 100), 255))
    elif body == "bomb":
        body = png_claiming(300_000, 300_000)
    code, answer = api(server, "POST", "/api/predict", body)
    assert code == status and message in answer["error"] and answer["status"] == status


def test_too_many_pixels_is_413(server):
    code, answer = api(server, "POST", "/api/predict", png_claiming(6000, 6000))  # 36 MP > 25 MP
    assert code == 413 and "megapixels" in answer["error"]


def raw(server, data: bytes) -> str:
    """Send bytes as they are and read the reply until the server hangs up."""
    with socket.create_connection(server.server_address[:2], timeout=20) as connection:
        connection.sendall(data)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()


def test_bodies_over_the_limit_are_refused_without_reading_them(server):
    reply = raw(server, b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n" + b"x" * 1000)
    assert reply.startswith("HTTP/1.1 413") and "Connection: close" in reply and "the limit is 300,000" in reply


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
                                         (b"GET / HTTP/7.0", 505)])
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
    from concurrent.futures import ThreadPoolExecutor

    bodies = {digit: encode(draw_digit(digit)) for digit in (0, 1, 7)}
    expected = {digit: api(server, "POST", "/api/predict", body)[1]["probabilities"] for digit, body in bodies.items()}
    digits = [0, 1, 7] * 4
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda d: api(server, "POST", "/api/predict", bodies[d]), digits))
    for digit, (status, answer) in zip(digits, answers):
        assert status == 200 and answer["probabilities"] == pytest.approx(expected[digit], abs=1e-6)


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

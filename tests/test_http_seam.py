"""The outbound HTTP seam, exercised against tiny servers on 127.0.0.1."""

import base64
import gzip
import json
import socket
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from clients.http import MASK, ErrorKind, build_url, may_send_credentials, send
from clients.models import HttpClient

TOKEN = "centra-token-5f1c9a7e"


class RecordingServer:
    """An HTTP server on a free loopback port that responds with `respond`.

    `respond(handler)` writes the whole response. Every request is recorded
    as a dict with method, path, headers and body.
    """

    def __init__(self, respond):
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle_one(self):
                length = int(self.headers.get("Content-Length") or 0)
                server.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length),
                    }
                )
                respond(self)

            do_GET = do_POST = do_HEAD = do_PUT = handle_one

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, args=(0.05,), daemon=True
        )
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def answer(handler, status=200, body=b"", content_type="application/json", **extra):
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in extra.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)


@pytest.fixture
def serve():
    servers = []

    def start(respond):
        server = RecordingServer(respond)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def json_server(serve):
    return serve(lambda h: answer(h, body=b'{"data": {"__typename": "Query"}}'))


@pytest.fixture
def silent_port():
    """A port that accepts connections and never responds."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


@pytest.fixture
def closed_port():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def make_client(base_uri, *, secret=TOKEN, **fields):
    client = HttpClient(name="Test", identifier="test", base_uri=base_uri, **fields)
    client.set_secret(secret)
    return client


def assert_secret_absent(exchange, secret=TOKEN):
    dump = repr(exchange)
    assert secret not in dump
    assert secret.encode() not in exchange.response_body


def test_centra_client_sends_bearer_token(json_server):
    exchange = send(make_client(json_server.url), "POST", json_body={"query": "{}"})

    received = json_server.requests[0]["headers"]
    assert received["Authorization"] == f"Bearer {TOKEN}"
    assert exchange.request_headers["Authorization"] == MASK
    assert exchange.ok
    assert exchange.status_code == 200
    assert exchange.json() == {"data": {"__typename": "Query"}}
    assert_secret_absent(exchange)


def test_basic_auth_sends_user_and_password(json_server):
    client = make_client(
        json_server.url, prototype="generic", auth_kind="basic", auth_name="shop"
    )
    exchange = send(client, "GET")

    expected = base64.b64encode(f"shop:{TOKEN}".encode()).decode()
    assert json_server.requests[0]["headers"]["Authorization"] == f"Basic {expected}"
    assert exchange.request_headers["Authorization"] == MASK
    assert expected not in repr(exchange)


def test_short_basic_password_is_masked(serve):
    def echo_authorization(handler):
        sent = handler.headers["Authorization"]
        answer(handler, body=json.dumps({"received": sent}).encode())

    echo = serve(echo_authorization)
    client = make_client(
        echo.url, secret="pw", prototype="generic", auth_kind="basic", auth_name="u"
    )
    exchange = send(client, "GET")

    encoded = base64.b64encode(b"u:pw").decode()
    assert echo.requests[0]["headers"]["Authorization"] == f"Basic {encoded}"
    assert exchange.request_headers["Authorization"] == MASK
    assert exchange.json() == {"received": f"Basic {MASK}"}
    assert encoded not in repr(exchange)


def test_custom_header_auth_is_masked(json_server):
    client = make_client(
        json_server.url, prototype="generic", auth_kind="header", auth_name="X-Api-Key"
    )
    exchange = send(client, "GET")

    assert json_server.requests[0]["headers"]["X-Api-Key"] == TOKEN
    assert exchange.request_headers["X-Api-Key"] == MASK
    assert_secret_absent(exchange)


def test_query_auth_is_masked_in_url(json_server):
    client = make_client(
        json_server.url + "/v1?store=eu",
        prototype="generic",
        auth_kind="query",
        auth_name="api_key",
    )
    exchange = send(client, "GET")

    assert json_server.requests[0]["path"] == f"/v1?store=eu&api_key={TOKEN}"
    assert exchange.url == f"{json_server.url}/v1?store=eu&api_key={MASK}"
    assert_secret_absent(exchange)


def test_no_auth_sends_no_credentials(json_server):
    client = make_client(json_server.url, prototype="generic", auth_kind="none")
    send(client, "GET")

    assert "Authorization" not in json_server.requests[0]["headers"]


def test_extra_headers_and_user_agent_are_sent(json_server):
    client = make_client(json_server.url, extra_headers={"X-Store": "eu"})
    exchange = send(client, "GET")

    received = json_server.requests[0]["headers"]
    assert received["X-Store"] == "eu"
    assert received["User-Agent"].startswith("centra-dashboard/")
    assert exchange.request_headers["X-Store"] == "eu"


def test_unsendable_header_value_is_reported(json_server):
    client = make_client(json_server.url, extra_headers={"X-City": "東京"})
    exchange = send(client, "GET")

    assert exchange.error_kind == ErrorKind.CONFIGURATION
    assert "characters that HTTP cannot carry" in exchange.error
    assert json_server.requests == []


def test_json_body_keeps_non_ascii_text(json_server):
    exchange = send(
        make_client(json_server.url), "POST", json_body={"city": "Zürich ✓"}
    )

    received = json_server.requests[0]
    assert received["body"] == '{"city": "Zürich ✓"}'.encode()
    assert received["headers"]["Content-Type"] == "application/json"
    assert exchange.request_body == '{"city": "Zürich ✓"}'


def test_json_body_writes_decimals_exactly(json_server):
    body = {
        "price": Decimal("19.990"),
        "tiny": Decimal("0.1000000000000000000001"),
        "items": [Decimal("-0.00"), Decimal("1E+3")],
    }
    send(make_client(json_server.url), "POST", json_body=body)

    received = json.loads(
        json_server.requests[0]["body"], parse_float=Decimal, parse_int=Decimal
    )
    assert str(received["price"]) == "19.990"
    assert str(received["tiny"]) == "0.1000000000000000000001"
    assert b"-0.00" in json_server.requests[0]["body"]
    assert received["items"][1] == Decimal("1000")


def test_json_body_with_nan_fails_without_request(json_server):
    exchange = send(
        make_client(json_server.url), "POST", json_body={"price": Decimal("NaN")}
    )

    assert exchange.error_kind == ErrorKind.INVALID_BODY
    assert json_server.requests == []
    assert not exchange.maybe_delivered


def test_secrets_in_body_and_answer_are_masked(serve):
    echo = serve(lambda h: answer(h, body=f'{{"echo": "{TOKEN}"}}'.encode()))
    exchange = send(
        make_client(echo.url),
        "POST",
        json_body={"token": TOKEN, "password": "hunter22"},
        extra_secrets=["hunter22"],
    )

    assert TOKEN.encode() in echo.requests[0]["body"]
    assert exchange.request_body == f'{{"token": "{MASK}", "password": "{MASK}"}}'
    assert exchange.json() == {"echo": MASK}
    assert "hunter22" not in repr(exchange)
    assert_secret_absent(exchange)


def test_html_answer_is_returned_as_is(serve):
    html = serve(
        lambda h: answer(h, body=b"<html>Shop</html>", content_type="text/html")
    )
    exchange = send(make_client(html.url), "POST", json_body={"query": "{}"})

    assert exchange.ok
    assert exchange.text() == "<html>Shop</html>"
    assert exchange.content_type == "text/html"
    with pytest.raises(ValueError):
        exchange.json()


def test_gzip_answer_is_decompressed(serve):
    packed = gzip.compress(b'{"data": 1}')
    server = serve(lambda h: answer(h, body=packed, Content_Encoding="gzip"))
    exchange = send(make_client(server.url), "GET")

    assert exchange.json() == {"data": 1}
    assert exchange.response_size == len(b'{"data": 1}')


def test_post_redirect_is_not_followed(serve):
    target = "https://elsewhere.invalid/graphql"
    server = serve(lambda h: answer(h, status=302, Location=target))
    exchange = send(make_client(server.url), "POST", json_body={"query": "{}"})

    assert exchange.status_code == 302
    assert exchange.error_kind == ErrorKind.REDIRECT
    assert target in exchange.error
    assert "POST requests are not followed" in exchange.error
    assert len(server.requests) == 1


def test_get_redirect_to_other_port_drops_credentials(serve):
    final = serve(lambda h: answer(h, body=b'{"ok": true}'))
    first = serve(lambda h: answer(h, status=302, Location=final.url + "/next"))
    exchange = send(make_client(first.url), "GET")

    assert exchange.ok
    assert exchange.json() == {"ok": True}
    assert exchange.redirects == [final.url + "/next"]
    assert first.requests[0]["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert "Authorization" not in final.requests[0]["headers"]


def test_get_redirect_over_plain_http_drops_credentials(serve):
    def respond(handler):
        if handler.path == "/start":
            answer(handler, status=301, Location="/end")
        else:
            answer(handler, body=b"{}")

    server = serve(respond)
    exchange = send(make_client(server.url + "/start"), "GET")

    assert exchange.status_code == 200
    assert [r["path"] for r in server.requests] == ["/start", "/end"]
    assert "Authorization" not in server.requests[1]["headers"]


def test_query_auth_is_not_forwarded_on_redirect(serve):
    final = serve(lambda h: answer(h, body=b"{}"))

    def respond(handler):
        answer(handler, status=302, Location=f"{final.url}/x?{handler.path[2:]}")

    first = serve(respond)
    client = make_client(
        first.url, prototype="generic", auth_kind="query", auth_name="key"
    )
    exchange = send(client, "GET")

    assert first.requests[0]["path"] == f"/?key={TOKEN}"
    assert final.requests[0]["path"] == "/x"
    assert_secret_absent(exchange)


def test_endless_redirects_stop_with_error(serve):
    loop = serve(lambda h: answer(h, status=302, Location="/again"))
    exchange = send(make_client(loop.url), "GET")

    assert exchange.error_kind == ErrorKind.REDIRECT
    assert "more than 3 times" in exchange.error
    assert len(loop.requests) == 4


@pytest.mark.parametrize(
    ("original", "target", "allowed"),
    [
        ("https://shop.example/api", "https://shop.example/v2", True),
        ("https://shop.example/api", "https://SHOP.example:443/v2", True),
        ("http://shop.example/api", "https://shop.example/api", True),
        ("http://shop.example/api", "http://shop.example/v2", False),
        ("https://shop.example/api", "http://shop.example/api", False),
        ("https://shop.example/api", "https://other.example/api", False),
        ("https://shop.example/api", "https://shop.example:8443/api", False),
        ("http://shop.example:8080/a", "https://shop.example/a", False),
    ],
)
def test_credentials_follow_only_same_host_over_https(original, target, allowed):
    assert may_send_credentials(original, target) is allowed


def test_trickling_body_stops_at_total_timeout(serve):
    def trickle(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        for _ in range(100):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.2)

    server = serve(trickle)
    started = time.monotonic()
    exchange = send(make_client(server.url), "GET", timeout=(1, 1))
    elapsed = time.monotonic() - started

    assert exchange.error_kind == ErrorKind.TIMEOUT
    assert "total timeout of 1 s" in exchange.error
    assert exchange.maybe_delivered
    assert elapsed < 1.6


def test_silent_server_times_out(silent_port):
    client = make_client(f"http://127.0.0.1:{silent_port}")
    started = time.monotonic()
    exchange = send(client, "POST", json_body={"query": "{}"}, timeout=(1, 0.5))
    elapsed = time.monotonic() - started

    assert exchange.error_kind == ErrorKind.TIMEOUT
    assert exchange.maybe_delivered
    assert exchange.status_code is None
    assert elapsed < 1.5


def test_timeouts_default_to_settings(silent_port, settings):
    settings.HTTP_TOTAL_TIMEOUT = 0.5
    client = make_client(f"http://127.0.0.1:{silent_port}", total_timeout=None)
    exchange = send(client, "GET")

    assert exchange.error_kind == ErrorKind.TIMEOUT
    assert "0.5 s" in exchange.error


def test_declared_huge_body_is_not_read(serve):
    def huge(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(10 * 1024 * 1024))
        handler.end_headers()
        handler.wfile.write(b"x" * 1024)

    server = serve(huge)
    exchange = send(make_client(server.url), "GET", max_bytes=1024 * 1024)

    assert exchange.error_kind == ErrorKind.TOO_LARGE
    assert "10485760 bytes" in exchange.error
    assert exchange.response_size == 10 * 1024 * 1024
    assert exchange.response_body == b""


def test_endless_chunked_body_stops_at_limit(serve, settings):
    settings.HTTP_MAX_RESPONSE_BYTES = 200_000

    def endless(handler):
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        chunk = b"y" * 65536
        for _ in range(1000):
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))

    server = serve(endless)
    exchange = send(make_client(server.url), "GET")

    assert exchange.error_kind == ErrorKind.TOO_LARGE
    assert "limit of 200000 bytes" in exchange.error
    assert exchange.response_size < 400_000
    assert exchange.response_body == b""


def test_connection_cut_mid_body_is_reported(serve):
    def cut(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        handler.wfile.write(b"partial")
        handler.close_connection = True

    server = serve(cut)
    exchange = send(make_client(server.url), "GET")

    assert exchange.error_kind == ErrorKind.CONNECTION
    assert "broke while the response was being read" in exchange.error
    assert exchange.maybe_delivered
    assert exchange.response_body == b"partial"


def test_closed_port_is_connection_refused(closed_port):
    exchange = send(make_client(f"http://127.0.0.1:{closed_port}"), "GET")

    assert exchange.error_kind == ErrorKind.CONNECTION_REFUSED
    assert f"127.0.0.1:{closed_port} was refused" in exchange.error
    assert not exchange.maybe_delivered


def test_unknown_host_is_reported():
    client = make_client("http://no-such-shop.invalid/graphql")
    exchange = send(client, "POST", json_body={"query": "{}"}, timeout=(3, 5))

    assert exchange.error_kind == ErrorKind.HOST_UNKNOWN
    assert "no-such-shop.invalid could not be resolved" in exchange.error
    assert not exchange.maybe_delivered


def test_https_to_plain_server_is_tls_failure(json_server):
    url = json_server.url.replace("http://", "https://")
    exchange = send(make_client(url), "GET", timeout=(2, 3))

    assert exchange.error_kind == ErrorKind.TLS
    assert exchange.error.startswith("The TLS (HTTPS) connection to 127.0.0.1:")


def test_unreadable_secret_is_reported(json_server):
    client = make_client(json_server.url)
    client.secret_encrypted = "not-a-fernet-token"
    exchange = send(client, "GET")

    assert exchange.error_kind == ErrorKind.CONFIGURATION
    assert "cannot be decrypted" in exchange.error
    assert json_server.requests == []


def test_error_text_masks_extra_secrets(closed_port):
    client = make_client(f"http://127.0.0.1:{closed_port}")
    exchange = send(client, "GET", extra_secrets=[str(closed_port)])

    assert str(closed_port) not in exchange.error
    assert MASK in exchange.error


@pytest.mark.parametrize(
    ("base_uri", "path", "expected"),
    [
        ("https://shop.example/api/", "", "https://shop.example/api/"),
        ("https://shop.example/api/", "/graphql", "https://shop.example/api/graphql"),
        ("https://shop.example/api", "graphql", "https://shop.example/api/graphql"),
        ("https://shop.example/api/", "?page=2", "https://shop.example/api/?page=2"),
        (
            "https://shop.example/api?s=eu",
            "/v1?p=2",
            "https://shop.example/api/v1?s=eu&p=2",
        ),
        ("https://shop.example", "/graphql", "https://shop.example/graphql"),
        (
            "https://shop.example/api/",
            "https://evil.example/",
            "https://shop.example/api/https://evil.example/",
        ),
    ],
)
def test_build_url_keeps_paths_relative(base_uri, path, expected):
    assert build_url(HttpClient(base_uri=base_uri), path) == expected

"""A local stand-in for Centra's Integration API over real HTTP.

    server = SandboxServer(host="127.0.0.1", port=0, orders=300, seed=1)
    server.start()     # listening when it returns
    requests.post(server.url + "/graphql", json={"query": "{ rateLimits { type } }"},
                  headers={"Authorization": f"Bearer {server.token}"})
    server.stop()

Paths:

- `POST /graphql`: the GraphQL endpoint (see `sandbox.api`).
- `GET /sandbox/faults` lists the active faults, `POST /sandbox/faults` with
  a JSON object of fault options replaces them (`{}` clears them), and
  `POST /sandbox/reset` does what `reset()` does. These control endpoints
  need no token, are never faulted and are not recorded in
  `requests_seen`. They are reachable on the bound host only, which is
  meant to be a loopback address.

Each connection is served in its own daemon thread. `stop()` returns within
a fraction of a second, even while requests hang or trickle.
"""

import json
import logging
import socket
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from sandbox.api import ApiResponse, GraphQLEndpoint
from sandbox.encoding import dumps
from sandbox.faults import FaultPlan, Faults, with_empty_errors
from sandbox.ratelimit import RateLimiter, normalize_quotas
from sandbox.store import Store
from sandbox.tokens import TokenRegistry

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 10 * 1024 * 1024
IDLE_CONNECTION_SECONDS = 120


class HeaderDict(dict):
    """Request headers as a dict whose lookups ignore the name's case."""

    def __init__(self, items=()):
        super().__init__((name.title(), value) for name, value in items)

    def __getitem__(self, name):
        return super().__getitem__(name.title())

    def __contains__(self, name):
        return isinstance(name, str) and super().__contains__(name.title())

    def get(self, name, default=None):
        return super().get(name.title(), default)


class SeenRequest(NamedTuple):
    """One request as it arrived. Fields also read as `seen["headers"]`.

    `json` is the parsed body with JSON fractions read as `Decimal`, so a test
    can check that an amount kept its digits. It is None when the body is
    empty or not JSON.
    """

    method: str
    path: str
    headers: HeaderDict
    json: Any

    def __getitem__(self, key):
        if isinstance(key, str):
            if key not in self._fields:
                raise KeyError(key)
            return getattr(self, key)
        # NamedTuple classes cannot use super().
        return tuple.__getitem__(self, key)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, address, sandbox: "SandboxServer"):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.sandbox = sandbox
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request, client_address):
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Cut every open connection, so no keep-alive thread serves on."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address):
        logger.debug("Connection from %s failed", client_address, exc_info=True)


class SandboxServer:
    """Centra's Integration API on a local port, with faults and rate limits."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        orders: int = 300,
        seed: int = 1,
        quotas: dict | None = None,
        token: str | None = None,
    ):
        self.host = host
        self._requested_port = port
        self._quotas = normalize_quotas(quotas)
        self.store = Store(orders=orders, seed=seed)
        self.tokens = TokenRegistry(token)
        self.rate_limits = RateLimiter(self._quotas)
        self.faults = Faults(seed)
        self._endpoint = GraphQLEndpoint(self.store, self.tokens, self.rate_limits)
        self._seen: list[SeenRequest] = []
        self._seen_lock = threading.Lock()
        # Set by reset() and stop() to end requests that wait for latency,
        # hang or trickle. A request that was delayed across a reset must not
        # change the fresh data of the next test.
        self._interrupt = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Public API

    @property
    def token(self) -> str:
        """A token with every permission."""
        return self.tokens.full_token

    @property
    def port(self) -> int:
        if self._httpd is not None:
            return self._httpd.server_address[1]
        return self._requested_port

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def requests_seen(self) -> list[SeenRequest]:
        """Requests received since the last reset, oldest first."""
        return self._seen

    def start(self) -> None:
        """Bind, listen and serve in a background thread."""
        if self._httpd is not None:
            raise RuntimeError("The sandbox server is already running.")
        self._httpd = _HTTPServer((self.host, self._requested_port), self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"centra-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()
        logger.info("Centra sandbox listening on %s", self.url)

    def stop(self) -> None:
        """Stop serving and cut open connections, including hanging ones."""
        if self._httpd is None:
            return
        self._interrupt_waiting_requests()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._httpd.close_connections()
        self._thread.join(timeout=5)
        logger.info("Centra sandbox on %s stopped", self.url)
        self._httpd = None
        self._thread = None

    def reset(self) -> None:
        """Restore the seed's data, default tokens, full quotas and no faults."""
        self.faults.clear()
        self._interrupt_waiting_requests()
        self.store.reset()
        self.tokens.reset()
        self.rate_limits.set_quotas(self._quotas)
        with self._seen_lock:
            self._seen.clear()

    def add_token(self, permissions, token=None, expires_in=None) -> str:
        """Register a token with only `permissions` (see TokenRegistry.add)."""
        return self.tokens.add(permissions, token, expires_in)

    def set_quotas(self, quotas: dict | None = None, **by_type) -> None:
        """Change the quotas until the next reset and fill every bucket."""
        self.rate_limits.set_quotas(quotas, **by_type)

    def __enter__(self) -> "SandboxServer":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # Helpers of the request handler

    def _interrupt_waiting_requests(self) -> None:
        interrupted, self._interrupt = self._interrupt, threading.Event()
        interrupted.set()

    def _record(self, method: str, path: str, headers: HeaderDict, body: bytes):
        try:
            parsed = json.loads(body, parse_float=Decimal) if body else None
        except ValueError:
            parsed = None
        with self._seen_lock:
            self._seen.append(SeenRequest(method, path, headers, parsed))

    def _route(self, method: str, path: str, headers, body: bytes) -> ApiResponse:
        if path == "/graphql":
            if method != "POST":
                message = "The GraphQL endpoint accepts POST requests only."
                response = self._endpoint.error_response(405, message)
                response.headers["Allow"] = "POST"
                return response
            return self._endpoint.handle(headers, body)

        if path == "/":
            message = "Centra Integration API sandbox. POST GraphQL to /graphql."
            return ApiResponse(200, {"message": message})
        message = f"Path {path} was not found. The GraphQL endpoint is /graphql."
        return ApiResponse(404, {"errors": [{"message": message}]})

    def _control(self, method: str, path: str, body: bytes) -> ApiResponse:
        if path == "/sandbox/faults" and method == "GET":
            return ApiResponse(200, {"faults": self.faults.active()})

        if path == "/sandbox/faults" and method == "POST":
            try:
                options = json.loads(body or b"{}")
                if not isinstance(options, dict):
                    raise ValueError("The body must be a JSON object of fault options.")
                self.faults.set(**options)
            except ValueError as error:
                logger.warning("Rejected fault options %s: %s", body[:200], error)
                return ApiResponse(400, {"errors": [{"message": str(error)}]})
            logger.info("Faults set to %s", self.faults.active())
            return ApiResponse(200, {"faults": self.faults.active()})

        if path == "/sandbox/reset" and method == "POST":
            self.reset()
            return ApiResponse(200, {"reset": True})

        message = f"No control endpoint {method} {path}."
        return ApiResponse(404, {"errors": [{"message": message}]})


def encode_body(body: dict, huge_body: int = 0) -> bytes:
    """Encode a response body, padded in `extensions` to `huge_body` bytes."""
    data = dumps(body).encode()
    if huge_body <= len(data):
        return data

    padded = {**body, "extensions": {**body.get("extensions", {}), "padding": ""}}
    length = len(dumps(padded).encode())
    padded["extensions"]["padding"] = " " * max(0, huge_body - length)
    return dumps(padded).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "CentraSandbox/1.0"
    sys_version = ""
    timeout = IDLE_CONNECTION_SECONDS
    server: _HTTPServer

    def do_GET(self):
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def log_message(self, message_format, *args):
        logger.info("%s %s", self.address_string(), message_format % args)

    def _handle(self) -> None:
        self._headers_sent = False
        try:
            self._serve()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:
            logger.exception("The sandbox failed on %s %s", self.command, self.path)
            self.close_connection = True
            if not self._headers_sent:
                message = "Internal sandbox error."
                self._send(
                    500,
                    {"Content-Type": "application/json"},
                    json.dumps({"errors": [{"message": message}]}).encode(),
                )

    def _serve(self) -> None:
        sandbox = self.server.sandbox
        body = self._read_body()
        if body is None:
            return

        path = urlsplit(self.path).path
        if path.startswith("/sandbox/"):
            response = sandbox._control(self.command, path, body)
            self._send_api_response(response, FaultPlan())
            return

        # The request is recorded only after its faults are planned, so a
        # test that sees it in requests_seen knows which faults apply.
        interrupt = sandbox._interrupt
        plan = sandbox.faults.plan()
        headers = HeaderDict(self.headers.items())
        sandbox._record(self.command, path, headers, body)
        # After a reset or stop, drop the request unanswered, as a restarted
        # server would.
        interrupted = plan.latency and interrupt.wait(plan.latency)
        if plan.hang and not interrupted:
            interrupted = interrupt.wait()
        if interrupted:
            self.close_connection = True
            return

        replacement = plan.replacement
        if replacement is not None:
            headers_out = {"Content-Type": replacement.content_type}
            headers_out.update(replacement.headers)
            self._send(
                replacement.status,
                headers_out,
                replacement.body,
                plan.trickle,
                interrupt,
            )
            return

        response = sandbox._route(self.command, path, headers, body)
        self._send_api_response(response, plan, interrupt)

    def _read_body(self) -> bytes | None:
        """Read the request body, or send 400 or 413 and return None."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked_body()

        length_text = self.headers.get("Content-Length", "0")
        if not length_text.isdigit():
            self._reject(400, f"Invalid Content-Length {length_text!r}.")
            return None
        length = int(length_text)
        if length > MAX_BODY_BYTES:
            self._reject(413, f"The body is larger than {MAX_BODY_BYTES} bytes.")
            return None
        return self.rfile.read(length) if length else b""

    def _read_chunked_body(self) -> bytes | None:
        chunks = []
        total = 0
        while True:
            size_line = self.rfile.readline(1024).split(b";")[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                self._reject(400, "Invalid chunked body.")
                return None
            if size == 0:
                break
            total += size
            if total > MAX_BODY_BYTES:
                self._reject(413, f"The body is larger than {MAX_BODY_BYTES} bytes.")
                return None
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

        # Skip trailer fields up to the blank line that ends the body.
        while self.rfile.readline(1024).strip():
            pass
        return b"".join(chunks)

    def _reject(self, status: int, message: str) -> None:
        logger.warning("Rejected %s %s: %s", self.command, self.path, message)
        self.close_connection = True
        body = json.dumps({"errors": [{"message": message}]}).encode()
        self._send(status, {"Content-Type": "application/json"}, body)

    def _send_api_response(self, response, plan, interrupt=None) -> None:
        body = with_empty_errors(response.body) if plan.empty_errors else response.body
        data = encode_body(body, plan.huge_body)
        if plan.truncated_body:
            data = data[: len(data) // 2]
        headers = {"Content-Type": "application/json; charset=utf-8"}
        headers.update(response.headers)
        self._send(response.status, headers, data, plan.trickle, interrupt)

    def _send(self, status, headers, body, trickle=0.0, interrupt=None) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self._headers_sent = True

        if not trickle or interrupt is None:
            self.wfile.write(body)
            return
        self.wfile.flush()
        for index in range(len(body)):
            self.wfile.write(body[index : index + 1])
            self.wfile.flush()
            if interrupt is not None and interrupt.wait(trickle):
                self.close_connection = True
                return

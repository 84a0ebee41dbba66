"""The single outbound HTTP seam: every request the product makes goes here.

`send()` never raises for network or HTTP trouble. It returns an `Exchange`
that records what was sent and received (secrets masked), how long it took
and, when no usable answer came back, a short error text and kind that can be
shown to a user.
"""

import json
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

import requests

USER_AGENT = "centra-dashboard/0.1 (+https://github.com/)"
MASK = "••••••"


class ErrorKind:
    TIMEOUT = "timeout"
    CONNECTION_REFUSED = "connection_refused"
    HOST_UNKNOWN = "host_unknown"
    TLS = "tls"
    CONNECTION = "connection"
    TOO_LARGE = "too_large"
    REDIRECT = "redirect"
    CONFIGURATION = "configuration"


@dataclass
class Exchange:
    method: str
    url: str
    request_headers: dict
    request_body: str
    status_code: int | None = None
    response_headers: dict = field(default_factory=dict)
    response_body: bytes = b""
    response_size: int | None = None
    duration_ms: int = 0
    error: str = ""
    error_kind: str = ""
    # True when the request may have reached the server before it failed.
    maybe_delivered: bool = False

    @property
    def ok(self):
        return not self.error and self.status_code is not None

    def text(self):
        return self.response_body.decode("utf-8", errors="replace")

    def json(self):
        """Decode the body as JSON; raises ValueError when it is not JSON."""
        return json.loads(self.response_body.decode("utf-8"))


def build_url(client, path):
    base = client.base_uri.rstrip("/") + "/"
    return urljoin(base, path.lstrip("/")) if path else client.base_uri


def mask_secrets(text, secrets):
    """Replace every occurrence of each secret in `text` with the mask."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    return text


def send(client, method, path="", *, json_body=None, extra_secrets=(), timeout=None):
    """Send one request through `client` and record it as an Exchange.

    `timeout` is a `(connect, total)` pair in seconds; the client's own
    timeouts apply when it is None. `extra_secrets` are masked too (for
    example secret environment values placed into the body).
    """
    url = build_url(client, path)
    secret = client.get_secret()
    secrets = [secret, *extra_secrets]
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/json",
        **{str(k): str(v) for k, v in (client.extra_headers or {}).items()},
    }
    if secret:
        headers["Authorization"] = f"Bearer {secret}"
    body = b""
    if json_body is not None:
        body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = "application/json; charset=utf-8"
    connect, total = timeout or (client.connect_timeout, client.total_timeout)

    exchange = Exchange(
        method=method,
        url=mask_secrets(url, secrets),
        request_headers={
            k: (MASK if k.lower() == "authorization" else mask_secrets(v, secrets))
            for k, v in headers.items()
        },
        request_body=mask_secrets(body.decode("utf-8"), secrets),
    )
    started = time.monotonic()
    try:
        response = requests.request(
            method,
            url,
            data=body or None,
            headers=headers,
            timeout=(connect, total),
            allow_redirects=False,
        )
        exchange.status_code = response.status_code
        exchange.response_headers = dict(response.headers)
        exchange.response_body = response.content
        exchange.response_size = len(response.content)
    except requests.Timeout:
        exchange.error = f"Timed out after {total:g} s."
        exchange.error_kind = ErrorKind.TIMEOUT
        exchange.maybe_delivered = True
    except requests.ConnectionError as error:
        exchange.error = mask_secrets(f"Connection failed: {error}", secrets)
        exchange.error_kind = ErrorKind.CONNECTION
    exchange.duration_ms = int((time.monotonic() - started) * 1000)
    return exchange

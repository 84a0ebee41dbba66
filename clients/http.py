"""The single outbound HTTP seam: every request the product makes goes here.

`send()` makes one attempt and never raises for network or HTTP trouble. It
returns an `Exchange` that records what was sent and received (secrets
masked), how long it took and, when no usable response came back, a short error
text and kind that can be shown to a user. Retrying is the caller's job.
"""

import base64
import json
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote, quote_plus, unquote_plus, urlencode, urljoin, urlsplit

import requests
import urllib3
from django.conf import settings
from requests.structures import CaseInsensitiveDict

from clients.crypto import SecretUnreadable
from clients.http_errors import ErrorKind, Failure, classify

logger = logging.getLogger(__name__)

USER_AGENT = "centra-dashboard/0.1"
MASK = "••••••"
# GET and HEAD requests follow at most this many redirects.
MAX_REDIRECTS = 3
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
FOLLOWED_METHODS = {"GET", "HEAD"}
CHUNK_SIZE = 64 * 1024
# Secrets shorter than this are not searched for in free text, because masking
# every "ab" would make logs unreadable. The client forms reject shorter
# tokens, header values and parameter values, but accept shorter basic-auth
# passwords (see `_auth_parts`).
MIN_SECRET_LENGTH = 4


@dataclass
class Exchange:
    method: str
    url: str
    request_headers: dict
    request_body: str
    status_code: int | None = None
    response_headers: dict = field(default_factory=dict)
    response_body: bytes = b""
    # Bytes received after decompression; the declared Content-Length when a
    # response was rejected as too large before reading it.
    response_size: int | None = None
    duration_ms: int = 0
    error: str = ""
    error_kind: str = ""
    # True when the request may have reached the server before it failed.
    maybe_delivered: bool = False
    # Addresses that a GET or HEAD request was redirected to, in order.
    redirects: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.error and self.status_code is not None

    @property
    def content_type(self):
        for name, value in self.response_headers.items():
            if name.lower() == "content-type":
                return value
        return ""

    def text(self):
        """Decode the body with the Content-Type charset, UTF-8 when none."""
        match = re.search(r"charset=[\"']?([\w.:-]+)", self.content_type, re.I)
        encoding = match.group(1) if match else "utf-8"
        try:
            return self.response_body.decode(encoding, errors="replace")
        except LookupError:
            return self.response_body.decode("utf-8", errors="replace")

    def json(self):
        """Decode the body as JSON; raises ValueError when it is not JSON."""
        return json.loads(self.response_body.decode("utf-8"))


def build_url(client, path):
    """Append `path`, and any query string in it, to the client's base URI.

    The path is always relative to the base URI, even when it looks like a
    full URL, so a configuration cannot send the client's credentials to
    another host. A query string in the base URI is kept.
    """
    base = client.base_uri
    if not path:
        return base
    scheme, netloc, base_path, base_query, _ = urlsplit(base)
    path, _, path_query = path.partition("?")
    if path:
        base_path = base_path.rstrip("/") + "/" + path.lstrip("/")
    query = "&".join(part for part in (base_query, path_query) if part)
    return _join_url(scheme, netloc, base_path, query, "")


def mask_secrets(text, secrets):
    """Replace each secret in `text` with the mask.

    Secrets shorter than MIN_SECRET_LENGTH are left alone.
    """
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        if len(secret) >= MIN_SECRET_LENGTH:
            text = text.replace(secret, MASK)
    return text


def encode_json_body(value):
    """Encode `value` as UTF-8 JSON bytes.

    Non-ASCII text is written as is, and `Decimal` values are written with
    their exact digits instead of going through float. Raises ValueError for
    NaN or infinite numbers and TypeError for values JSON cannot carry.
    """
    marker = f"decimal-{uuid.uuid4().hex}-"
    numbers = []

    def replace_decimals(item):
        if isinstance(item, Decimal):
            if not item.is_finite():
                raise ValueError(f"{item} is not a number that JSON can carry.")
            numbers.append(str(item))
            return f"{marker}{len(numbers) - 1}"
        if isinstance(item, dict):
            return {
                (str(key) if isinstance(key, Decimal) else key): replace_decimals(v)
                for key, v in item.items()
            }
        if isinstance(item, list | tuple):
            return [replace_decimals(v) for v in item]
        return item

    text = json.dumps(replace_decimals(value), ensure_ascii=False, allow_nan=False)
    if numbers:
        pattern = re.compile(f'"{re.escape(marker)}(\\d+)"')
        text = pattern.sub(lambda match: numbers[int(match.group(1))], text)
    return text.encode("utf-8")


class _Masker:
    """Masks a client's secret, in every form it is sent in, and extra secrets."""

    def __init__(self, secrets, header_names):
        variants = set()
        for secret in map(str, secrets):
            if secret:
                variants |= {
                    secret,
                    quote(secret, safe=""),
                    quote_plus(secret),
                    json.dumps(secret, ensure_ascii=False)[1:-1],
                }
        self.secrets = variants
        self.header_names = {name.lower() for name in header_names}

    def text(self, text):
        return mask_secrets(text, self.secrets)

    def body(self, data):
        for secret in sorted(self.secrets, key=len, reverse=True):
            if len(secret) >= MIN_SECRET_LENGTH:
                data = data.replace(secret.encode(), MASK.encode())
        return data

    def headers(self, headers):
        return {
            name: MASK if name.lower() in self.header_names else self.text(value)
            for name, value in headers.items()
        }


def _auth_parts(client, secret):
    """Return the headers and the query parameter that authenticate `client`."""
    if not secret:
        return {}, None
    kind = client.auth_kind
    if client.prototype == "centra_graphql":
        kind = "bearer"
    if kind == "bearer":
        return {"Authorization": f"Bearer {secret}"}, None
    if kind == "basic":
        # The password is sent only inside this header, which the exchange
        # masks as a whole, and its Base64 form is masked in text. A password
        # that a server echoes in plain text is masked only from
        # MIN_SECRET_LENGTH characters on.
        pair = f"{client.auth_name}:{secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode()}, None
    if kind == "header":
        return {client.auth_name: secret}, None
    if kind == "query":
        return {}, (client.auth_name, secret)
    return {}, None


def _add_query_param(url, name, value):
    scheme, netloc, path, query, fragment = urlsplit(url)
    pair = urlencode({name: value})
    query = f"{query}&{pair}" if query else pair
    return _join_url(scheme, netloc, path, query, fragment)


def _remove_query_param(url, name):
    scheme, netloc, path, query, fragment = urlsplit(url)
    kept = [p for p in query.split("&") if unquote_plus(p.split("=")[0]) != name]
    return _join_url(scheme, netloc, path, "&".join(kept), fragment)


def _join_url(scheme, netloc, path, query, fragment):
    url = f"{scheme}://{netloc}{path}"
    if query:
        url += "?" + query
    if fragment:
        url += "#" + fragment
    return url


def _origin(url):
    parts = urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


def may_send_credentials(original_url, redirect_url):
    """Tell whether credentials may go along to a redirect target.

    Only the same host over https qualifies: the same port, or the standard
    upgrade from http on port 80 to https on port 443.
    """
    scheme, host, port = _origin(original_url)
    new_scheme, new_host, new_port = _origin(redirect_url)
    if new_scheme != "https" or new_host != host:
        return False
    return new_port == port or (scheme, port, new_port) == ("http", 80, 443)


def _client_timeouts(client):
    connect = getattr(client, "connect_timeout", None)
    total = getattr(client, "total_timeout", None)
    return (
        connect or settings.HTTP_CONNECT_TIMEOUT,
        total or settings.HTTP_TOTAL_TIMEOUT,
    )


def send(
    client,
    method,
    path="",
    *,
    json_body=None,
    extra_secrets=(),
    timeout=None,
    max_bytes=None,
):
    """Send one request through `client` and record it as an Exchange.

    `timeout` is a `(connect, total)` pair in seconds; the client's own
    timeouts apply when it is None. The total covers the whole exchange,
    redirects and body included. `extra_secrets` are masked too (for example
    secret environment values placed into the body). Responses larger than
    `max_bytes` (default `settings.HTTP_MAX_RESPONSE_BYTES`) are rejected.
    """
    method = method.upper()
    connect, total = _client_timeouts(client) if timeout is None else timeout
    connect = connect or settings.HTTP_CONNECT_TIMEOUT
    total = total or settings.HTTP_TOTAL_TIMEOUT
    max_bytes = max_bytes or settings.HTTP_MAX_RESPONSE_BYTES
    url = build_url(client, path)
    exchange = Exchange(method=method, url=url, request_headers={}, request_body="")
    masker = _Masker(extra_secrets, ())
    started = time.monotonic()

    try:
        secret = client.get_secret()
        auth_headers, auth_query = _auth_parts(client, secret)
        secrets = [secret, *extra_secrets]
        authorization = auth_headers.get("Authorization", "")
        if authorization.startswith("Basic "):
            # The encoded user and password, in case a server echoes it back.
            secrets.append(authorization.removeprefix("Basic "))
        masker = _Masker(secrets, auth_headers)
        body = b"" if json_body is None else _encode_body(json_body)
        headers = _request_headers(client, auth_headers, json_body is not None)
        if auth_query:
            url = _add_query_param(url, *auth_query)
        exchange.url = masker.text(url)
        exchange.request_headers = masker.headers(headers)
        exchange.request_body = masker.text(body.decode("utf-8"))

        deadline = started + total
        plan = _Plan(method, url, headers, auth_headers, auth_query, body)
        _transfer(exchange, plan, connect, total, deadline, max_bytes)
    except SecretUnreadable as error:
        _record_failure(exchange, Failure(ErrorKind.CONFIGURATION, str(error)))
    except Failure as failure:
        _record_failure(exchange, failure)

    exchange.error = masker.text(exchange.error)
    exchange.response_headers = masker.headers(exchange.response_headers)
    exchange.response_body = masker.body(exchange.response_body)
    exchange.redirects = [masker.text(target) for target in exchange.redirects]
    exchange.duration_ms = int((time.monotonic() - started) * 1000)
    if exchange.error:
        logger.info(
            "%s %s through client %s failed (%s): %s",
            method,
            exchange.url,
            getattr(client, "identifier", "?"),
            exchange.error_kind,
            exchange.error,
        )
    return exchange


def _encode_body(json_body):
    try:
        return encode_json_body(json_body)
    except (TypeError, ValueError) as error:
        raise Failure(
            ErrorKind.INVALID_BODY, f"The request body cannot be sent as JSON: {error}"
        ) from error


def _request_headers(client, auth_headers, has_json_body):
    headers = CaseInsensitiveDict(
        {"Accept": "application/json", "Accept-Encoding": "gzip, deflate"}
    )
    extra_headers = client.extra_headers
    if isinstance(extra_headers, dict):
        for name, value in extra_headers.items():
            headers[str(name)] = str(value)
    headers["User-Agent"] = USER_AGENT
    if has_json_body and "Content-Type" not in headers:
        headers["Content-Type"] = "application/json"
    headers.update(auth_headers)
    return dict(headers)


def _record_failure(exchange, failure):
    exchange.error = failure.message
    exchange.error_kind = failure.kind
    exchange.maybe_delivered = failure.maybe_delivered


@dataclass
class _Plan:
    """The request to send: its first URL, and headers with and without auth."""

    method: str
    url: str
    headers: dict
    auth_headers: dict
    auth_query: tuple | None
    body: bytes

    def headers_without_auth(self):
        names = {name.lower() for name in self.auth_headers}
        return {k: v for k, v in self.headers.items() if k.lower() not in names}


def _transfer(exchange, plan, connect, total, deadline, max_bytes):
    """Send the request, follow allowed redirects and read the response."""
    url, headers = plan.url, plan.headers
    with requests.Session() as session:
        for hop in range(MAX_REDIRECTS + 1):
            response = _open(session, plan, url, headers, connect, total, deadline)
            try:
                exchange.status_code = response.status_code
                exchange.response_headers = dict(response.headers)
                location = response.headers.get("Location")
                if response.status_code not in REDIRECT_STATUSES or not location:
                    _read_body(exchange, response, total, deadline, max_bytes)
                    return
                target = urljoin(url, location)
                if plan.method not in FOLLOWED_METHODS:
                    _read_body(exchange, response, total, deadline, max_bytes)
                    raise Failure(
                        ErrorKind.REDIRECT,
                        f"The server redirected to {target}; {plan.method} requests "
                        "are not followed. Point the client's base URI at the final "
                        "address.",
                        maybe_delivered=True,
                    )
            finally:
                response.close()

            if hop == MAX_REDIRECTS:
                raise Failure(
                    ErrorKind.REDIRECT,
                    f"The server redirected more than {MAX_REDIRECTS} times, last "
                    f"to {target}. Point the client's base URI at the final address.",
                    maybe_delivered=True,
                )
            if urlsplit(target).scheme not in ("http", "https"):
                raise Failure(
                    ErrorKind.REDIRECT,
                    f"The server redirected to {target}, which is not an http or "
                    "https address.",
                    maybe_delivered=True,
                )
            if not may_send_credentials(plan.url, target):
                headers = plan.headers_without_auth()
                if plan.auth_query:
                    target = _remove_query_param(target, plan.auth_query[0])
            exchange.redirects.append(target)
            url = target


def _open(session, plan, url, headers, connect, total, deadline):
    """Send the request line and headers and wait for the response headers."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise Failure(
            ErrorKind.TIMEOUT,
            f"The total timeout of {total:g} s ran out while following redirects.",
            maybe_delivered=True,
        )
    # urllib3 takes the connect time out of the total, so waiting for the
    # response headers cannot run past the deadline either. DNS lookups are
    # not covered: a stuck resolver can make the call run longer.
    timeout = urllib3.Timeout(
        connect=min(connect, remaining), read=remaining, total=remaining
    )
    try:
        prepared = requests.Request(
            plan.method, url, headers=headers, data=plan.body or None
        ).prepare()
        environment = session.merge_environment_settings(url, {}, True, None, None)
    except (requests.RequestException, ValueError) as error:
        raise Failure(
            ErrorKind.CONFIGURATION, f"The request to {url} is not valid: {error}"
        ) from error
    try:
        return session.send(
            prepared, allow_redirects=False, timeout=timeout, **environment
        )
    except UnicodeError as error:
        # http.client writes header values as Latin-1 and fails on others.
        raise Failure(
            ErrorKind.CONFIGURATION,
            f"A header value contains characters that HTTP cannot carry: {error}",
        ) from error
    except (requests.exceptions.InvalidURL, requests.exceptions.InvalidHeader) as e:
        raise Failure(
            ErrorKind.CONFIGURATION, f"The request to {url} is not valid: {e}"
        ) from e
    except requests.RequestException as error:
        raise classify(error, url, connect, total) from error


def _read_body(exchange, response, total, deadline, max_bytes):
    """Stream the body into the exchange within the deadline and size limit."""
    declared = response.headers.get("Content-Length", "")
    # A HEAD response declares the size of a body that it does not send.
    too_large = declared.isdigit() and int(declared) > max_bytes
    if too_large and response.request.method != "HEAD":
        exchange.response_size = int(declared)
        raise Failure(
            ErrorKind.TOO_LARGE,
            f"The response is {int(declared)} bytes, more than the limit of "
            f"{max_bytes} bytes, so it was not read.",
            maybe_delivered=True,
        )

    raw = response.raw
    chunks = []
    size = 0
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _body_timeout(total, size)
            # Each read waits at most for the time left, so a body that
            # trickles in byte by byte still ends at the deadline.
            sock = getattr(raw.connection, "sock", None)
            if sock is not None:
                sock.settimeout(remaining)
            chunk = raw.read1(CHUNK_SIZE, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise Failure(
                    ErrorKind.TOO_LARGE,
                    f"The response is larger than the limit of {max_bytes} bytes; "
                    f"reading stopped after {size} bytes.",
                    maybe_delivered=True,
                )
            chunks.append(chunk)
    except urllib3.exceptions.HTTPError as error:
        exchange.response_body = b"".join(chunks)
        url = response.url
        if isinstance(error, urllib3.exceptions.ReadTimeoutError):
            raise _body_timeout(total, size) from error
        raise classify(error, url, 0, total, reading=True) from error
    except Failure as failure:
        if failure.kind != ErrorKind.TOO_LARGE:
            exchange.response_body = b"".join(chunks)
        exchange.response_size = size
        raise

    exchange.response_body = b"".join(chunks)
    exchange.response_size = size


def _body_timeout(total, size):
    return Failure(
        ErrorKind.TIMEOUT,
        f"The response was still arriving when the total timeout of {total:g} s "
        f"ran out ({size} bytes received).",
        maybe_delivered=True,
    )

"""Error kinds of the HTTP seam, and plain words for network exceptions."""

import socket
import ssl
from urllib.parse import urlsplit

import requests
import urllib3


class ErrorKind:
    """The values of `Exchange.error_kind`; empty when nothing failed."""

    TIMEOUT = "timeout"
    CONNECTION_REFUSED = "connection_refused"
    HOST_UNKNOWN = "host_unknown"
    TLS = "tls"
    CONNECTION = "connection"
    TOO_LARGE = "too_large"
    REDIRECT = "redirect"
    CONFIGURATION = "configuration"
    INVALID_BODY = "invalid_body"


class Failure(Exception):
    """A failed exchange, carrying the text and kind stored on the Exchange."""

    def __init__(self, kind, message, *, maybe_delivered=False):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.maybe_delivered = maybe_delivered


def _causes(error):
    """Yield `error` and the exceptions it wraps, outermost first."""
    seen = set()
    queue = [error]
    while queue:
        item = queue.pop(0)
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        queue.extend([getattr(item, "reason", None), item.__cause__, item.__context__])
        queue.extend(item.args)


def _reason(causes):
    """Return a short reason from the innermost exception that carries one."""
    for cause in reversed(causes):
        if isinstance(cause, ssl.SSLCertVerificationError) and cause.verify_message:
            return cause.verify_message
        if isinstance(cause, ssl.SSLError) and cause.reason:
            return cause.reason.replace("_", " ").lower()
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror
    for cause in reversed(causes):
        if str(cause):
            return str(cause)
    return type(causes[0]).__name__


def classify(error, url, connect, total, *, reading=False):
    """Turn a requests or urllib3 exception into a failure with plain words."""
    parts = urlsplit(url)
    host = parts.hostname or url
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    causes = list(_causes(error))

    def caused_by(*types):
        return any(isinstance(cause, types) for cause in causes)

    if caused_by(socket.gaierror, urllib3.exceptions.NameResolutionError):
        return Failure(
            ErrorKind.HOST_UNKNOWN,
            f"The host name {host} could not be resolved (DNS lookup failed).",
        )
    if caused_by(ConnectionRefusedError):
        return Failure(
            ErrorKind.CONNECTION_REFUSED,
            f"The connection to {address} was refused: no server is listening "
            "on that port.",
        )
    if caused_by(ssl.SSLError, requests.exceptions.SSLError):
        return Failure(
            ErrorKind.TLS,
            f"The TLS (HTTPS) connection to {address} failed: {_reason(causes)}.",
            maybe_delivered=reading,
        )
    if caused_by(requests.exceptions.ConnectTimeout):
        return Failure(
            ErrorKind.TIMEOUT,
            f"Connecting to {address} timed out after {connect:g} s.",
        )
    if caused_by(
        requests.exceptions.ReadTimeout,
        urllib3.exceptions.ReadTimeoutError,
        TimeoutError,
    ):
        return Failure(
            ErrorKind.TIMEOUT,
            f"The server at {address} did not answer within the total timeout "
            f"of {total:g} s.",
            maybe_delivered=True,
        )
    if reading:
        return Failure(
            ErrorKind.CONNECTION,
            f"The connection to {address} broke while the response was being read: "
            f"{_reason(causes)}.",
            maybe_delivered=True,
        )
    return Failure(
        ErrorKind.CONNECTION,
        f"The connection to {address} failed: {_reason(causes)}.",
        maybe_delivered=not caused_by(urllib3.exceptions.NewConnectionError),
    )

"""Verdicts on Centra's responses: HTTP status, JSON body, GraphQL errors.

Centra returns GraphQL errors with HTTP 200 and an `errors` list, and
reports business failures of a mutation inside `data.<field>.userErrors`.
Rate limiting is HTTP 429 with a `Retry-After` header in seconds or as an
HTTP date.
"""

import email.utils
import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus

from clients.http import ErrorKind
from connections import exactjson
from connections.models import RequestLog
from connections.paths import describe

Outcome = RequestLog.Outcome

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
# A server error that a read-only request (a query) may retry, because
# repeating a query changes nothing in Centra. A mutation is not repeated
# after it, because Centra may have applied it before failing.
SERVER_ERROR = 500
# Statuses from a gateway that may have passed the request on before failing.
GATEWAY_STATUSES = frozenset({502, 504})
RETRYABLE_ERROR_KINDS = frozenset(
    {ErrorKind.TIMEOUT, ErrorKind.CONNECTION, ErrorKind.CONNECTION_REFUSED}
)
# Transport failures that the next request of the run would meet as well.
RUN_STOPPING_ERROR_KINDS = frozenset(
    {
        ErrorKind.CONNECTION,
        ErrorKind.CONNECTION_REFUSED,
        ErrorKind.HOST_UNKNOWN,
        ErrorKind.TLS,
        ErrorKind.CONFIGURATION,
        ErrorKind.REDIRECT,
    }
)
MAX_ERRORS_LISTED = 10
HTML_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
MAX_TITLE_LENGTH = 100


@dataclass
class Verdict:
    outcome: str
    message: str = ""
    document: dict | None = None
    extensions: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    retryable: bool = False
    retry_after: float | None = None
    # True when every later request of the run would fail the same way.
    stops_run: bool = False

    @property
    def ok(self):
        return self.outcome == Outcome.OK

    @property
    def data(self):
        """The `data` member of the response, or None."""
        if self.document is None:
            return None
        return self.document.get("data")

    @property
    def partial_data(self):
        """True when the response has both data and GraphQL errors."""
        return self.outcome == Outcome.GRAPHQL_ERROR and self.data is not None


def header(headers, name):
    """Return a header's value, matching the name without regard to case."""
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def parse_retry_after(value, now=None):
    """Return the seconds to wait from a Retry-After value, or None.

    Both forms are accepted: a number of seconds and an HTTP date. A date in
    the past gives 0.
    """
    if value is None:
        return None
    value = str(value).strip()
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
    if seconds is not None:
        return None if math.isnan(seconds) else max(seconds, 0.0)

    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max((moment - now).total_seconds(), 0.0)


def judge(exchange, *, check_user_errors=False, read_only=False):
    """Judge one attempt's Exchange and return a Verdict.

    With `check_user_errors` (mutations), a response whose `data` contains a
    non-empty `userErrors` list is a failure too, and the message of a
    response that cannot be read adds that the mutation's result is unknown.
    With `read_only` (queries), HTTP 500 is retryable.
    """
    verdict = _judge_exchange(exchange, check_user_errors)
    if read_only and exchange.status_code == SERVER_ERROR and not exchange.error:
        verdict.retryable = True
    if check_user_errors and verdict.outcome == Outcome.INVALID_RESPONSE:
        verdict.message += (
            " Whether the mutation was applied is unknown, so check in Centra "
            "before running it again."
        )
    return verdict


def _judge_exchange(exchange, check_user_errors):
    if exchange.error:
        return _judge_transport_error(exchange)

    status = exchange.status_code
    if status in RETRYABLE_STATUSES:
        retry_after = parse_retry_after(
            header(exchange.response_headers, "Retry-After")
        )
        if status == 429:
            message = "Rate limited: Centra responded with HTTP 429 Too Many Requests"
            if retry_after is not None:
                message += f" and Retry-After: {_seconds_text(retry_after)}"
            message += "."
        else:
            message = f"Centra responded with {_status_text(status)}."
        return Verdict(
            Outcome.HTTP_ERROR, message, retryable=True, retry_after=retry_after
        )
    if status in (401, 403):
        message = (
            f"Centra refused the token ({_status_text(status)}). Check the API "
            "token of the HTTP client and that it has the permissions the "
            "query needs."
        )
        return _with_graphql_errors(exchange, message, stops_run=True)
    if status == 404:
        message = (
            f"Not found ({_status_text(status)}) at {exchange.url}. Check the "
            "client's base URI and the configuration's request URI."
        )
        return Verdict(Outcome.HTTP_ERROR, message, stops_run=True)
    if 300 <= status < 400:
        location = header(exchange.response_headers, "Location") or "another address"
        message = (
            f"Centra responded with a redirect ({_status_text(status)}) to "
            f"{location}, and redirects are not followed. Use the final address "
            "as the client's base URI."
        )
        return Verdict(Outcome.HTTP_ERROR, message, stops_run=True)
    if not 200 <= status < 300:
        return _with_graphql_errors(
            exchange, f"Centra responded with {_status_text(status)}."
        )
    return _judge_body(exchange, check_user_errors)


def _judge_transport_error(exchange):
    kind = exchange.error_kind
    message = exchange.error
    if kind == ErrorKind.TOO_LARGE:
        outcome = Outcome.INVALID_RESPONSE
        message += (
            " Ask for fewer entities or fields per request, or raise the limit "
            "with the HTTP_MAX_RESPONSE_BYTES environment variable."
        )
    else:
        outcome = Outcome.NETWORK_ERROR
    return Verdict(
        outcome,
        message,
        retryable=kind in RETRYABLE_ERROR_KINDS,
        stops_run=kind in RUN_STOPPING_ERROR_KINDS,
    )


def _seconds_text(seconds):
    return f"{round(seconds, 1):g} s"


def _status_text(status):
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"
    return f"HTTP {status} {phrase}"


def _with_graphql_errors(exchange, message, *, stops_run=False):
    """Return an HTTP error verdict, adding the GraphQL errors of a JSON body."""
    document = _try_parse(exchange)
    errors = []
    if isinstance(document, dict):
        errors = normalize_errors(document.get("errors"))
    if errors:
        message = f"{message} {describe_errors(errors)}"
    return Verdict(
        Outcome.HTTP_ERROR,
        message,
        document=document if isinstance(document, dict) else None,
        extensions=_extensions(document),
        errors=errors,
        stops_run=stops_run,
    )


def _try_parse(exchange):
    try:
        return exactjson.loads(exchange.response_body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def _extensions(document):
    if isinstance(document, dict) and isinstance(document.get("extensions"), dict):
        return document["extensions"]
    return {}


def _judge_body(exchange, check_user_errors):
    body = exchange.response_body
    status = _status_text(exchange.status_code)
    if not body.strip():
        return Verdict(
            Outcome.INVALID_RESPONSE, f"The response body is empty ({status})."
        )

    if body.lstrip()[:1] == b"<":
        title = _html_title(body)
        page = f"an HTML page titled “{title}”" if title else "an HTML page"
        return Verdict(
            Outcome.INVALID_RESPONSE,
            f"Centra responded with {status} and {page} instead of JSON. Check "
            "that the request URI points at the GraphQL endpoint and that no proxy "
            "or login page is in between.",
        )

    try:
        document = exactjson.loads(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        return Verdict(
            Outcome.INVALID_RESPONSE,
            f"The response is not UTF-8 text (invalid byte at position {error.start}).",
        )
    except json.JSONDecodeError as error:
        return Verdict(Outcome.INVALID_RESPONSE, _describe_bad_json(exchange, error))
    except RecursionError:
        return Verdict(
            Outcome.INVALID_RESPONSE, "The response JSON is nested too deeply to read."
        )

    if not isinstance(document, dict):
        return Verdict(
            Outcome.INVALID_RESPONSE,
            f"The response is JSON but not an object: it is {describe(document)}.",
        )
    return judge_document(document, check_user_errors=check_user_errors)


def _html_title(body):
    """Return the text of the page's <title>, shortened, or ""."""
    match = HTML_TITLE.search(body)
    if match is None:
        return ""
    title = " ".join(match.group(1).decode("utf-8", errors="replace").split())
    if len(title) > MAX_TITLE_LENGTH:
        title = title[: MAX_TITLE_LENGTH - 1] + "…"
    return title


def _describe_bad_json(exchange, error):
    received = len(exchange.response_body)
    declared = header(exchange.response_headers, "Content-Length") or ""
    declared = int(declared) if declared.isdigit() else None
    # The body is stored decompressed, so only an uncompressed body can be
    # compared with its Content-Length.
    compressed = bool(header(exchange.response_headers, "Content-Encoding"))
    # An unterminated string runs to the end of the text, so it is cut off too.
    cut_off = error.pos >= len(error.doc.rstrip()) or error.msg.startswith(
        "Unterminated string"
    )
    if declared is not None and declared > received:
        cut_off = True
    if cut_off:
        detail = f"it ends after {received} bytes"
        if declared is not None and declared > received:
            detail += f" although Content-Length is {declared}"
        elif declared == received and not compressed:
            detail += (
                ", all that its Content-Length declares, so the server sent an "
                "incomplete document"
            )
        return f"The response is not valid JSON and looks cut off: {detail}."
    return (
        f"The response is not valid JSON: {error.msg} (line {error.lineno}, "
        f"column {error.colno})."
    )


def judge_document(document, *, check_user_errors=False):
    """Judge a parsed GraphQL response: its `errors`, `data` and, with
    `check_user_errors`, the mutation's `userErrors`."""
    errors = normalize_errors(document.get("errors"))
    extensions = _extensions(document)
    data = document.get("data")
    if errors:
        return Verdict(
            Outcome.GRAPHQL_ERROR,
            describe_errors(errors),
            document=document,
            extensions=extensions,
            errors=errors,
        )
    if data is None:
        return Verdict(
            Outcome.INVALID_RESPONSE,
            _describe_missing_data(document),
            document=document,
            extensions=extensions,
        )
    problems = user_errors(document) if check_user_errors else []
    if problems:
        return Verdict(
            Outcome.USER_ERROR,
            describe_errors(problems, kind="userError"),
            document=document,
            extensions=extensions,
            errors=problems,
        )
    return Verdict(Outcome.OK, document=document, extensions=extensions)


def _describe_missing_data(document):
    if "data" in document:
        return (
            "Centra returned data: null and no errors, so the response has no "
            "result and does not say why."
        )
    return (
        "The response has no data member and no errors, so it has no result and "
        "does not say why."
    )


def normalize_errors(raw):
    """Return GraphQL `errors` as a list of readable texts.

    The GraphQL specification defines `errors` as a list of objects, but
    servers and proxies also send a plain string or a single object, which
    are shown as text too. `null`, `false`, an empty string and an empty list mean no
    errors.
    """
    if raw is None or raw is False or raw == "" or raw == []:
        return []
    if isinstance(raw, list):
        return [format_error(item) for item in raw]
    return [format_error(raw)]


def format_error(error):
    """Write one GraphQL error (or userError) as "message (path: …; category: …)"."""
    if isinstance(error, str):
        return error
    if not isinstance(error, dict):
        return exactjson.dumps(error)

    message = error.get("message")
    if not isinstance(message, str) or not message:
        return exactjson.dumps(error)

    details = []
    path = error.get("path")
    if isinstance(path, list) and path:
        details.append("path: " + ".".join(str(part) for part in path))
    elif isinstance(path, str) and path:
        details.append(f"path: {path}")
    extensions = error.get("extensions")
    if isinstance(extensions, dict) and extensions.get("category"):
        details.append(f"category: {extensions['category']}")
    if details:
        return f"{message} ({'; '.join(details)})"
    return message


def describe_errors(errors, *, kind="GraphQL error"):
    """Write a list of error texts as one message, listing at most ten."""
    listed = errors[:MAX_ERRORS_LISTED]
    if len(errors) == 1:
        text = f"Centra returned a {kind}: {listed[0]}"
    else:
        numbered = " ".join(f"{i}) {e}" for i, e in enumerate(listed, start=1))
        text = f"Centra returned {len(errors)} {kind}s: {numbered}"
        if len(errors) > len(listed):
            text += f" … and {len(errors) - len(listed)} more"
    return text if text.endswith((".", "…")) else text + "."


def user_errors(document):
    """Return the mutation's `userErrors` as texts, from every field of `data`.

    A non-empty `data.<field>.userErrors` means the mutation did not do what
    was requested, even though the HTTP status is 200 and `errors` is empty.
    """
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, dict):
        return []
    found = []
    for payload in data.values():
        if isinstance(payload, dict):
            found.extend(normalize_errors(payload.get("userErrors")))
    return found

"""The "Test connection" check: one cheap request and a verdict in plain words."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from clients.http import ErrorKind, Exchange, send

# The cheapest GraphQL query there is: every GraphQL server can respond to it
# without reading any data, so only the address and the token are tested.
GRAPHQL_PROBE = {"query": "{ __typename }"}
# Centra serves its Integration API at <store root>/graphql. A base URI set to
# the store root works when configurations add this path as request URI.
GRAPHQL_PATH = "/graphql"
EXCERPT_LENGTH = 2000

# Error codes and message fragments that mark a GraphQL error as being about
# a missing or refused token. NOTE: the fragments are a heuristic, so an
# unusual wording is reported as "Reachable, but the query failed".
AUTH_ERROR_CODES = {
    "UNAUTHENTICATED",
    "UNAUTHORIZED",
    "FORBIDDEN",
    "ACCESS_DENIED",
    "PERMISSION_DENIED",
}
AUTH_ERROR_WORDS = (
    "unauthori",
    "unauthenticat",
    "not authenticated",
    "authentication",
    "forbidden",
    "access denied",
    "permission",
    "invalid token",
    "token is invalid",
    "expired token",
    "token expired",
    "token has expired",
)

# A summary and a hint on what to check, per seam error kind.
ERROR_SUMMARIES = {
    ErrorKind.TIMEOUT: (
        "Timed out.",
        "The server may be down or overloaded, or a firewall drops the traffic. "
        "If it is only slow, raise the timeouts.",
    ),
    ErrorKind.CONNECTION_REFUSED: (
        "Connection refused.",
        "Check the port in the base URI and that the server is running.",
    ),
    ErrorKind.HOST_UNKNOWN: (
        "Host unknown.",
        "Check the host name in the base URI for typing errors.",
    ),
    ErrorKind.TLS: (
        "TLS (HTTPS) failure.",
        "Use https:// only if the server speaks TLS, and check that its "
        "certificate is valid for this host name.",
    ),
    ErrorKind.CONNECTION: ("Connection failed.", ""),
    ErrorKind.TOO_LARGE: ("The response is too large.", ""),
    ErrorKind.REDIRECT: ("Redirected.", ""),
    ErrorKind.CONFIGURATION: ("The client settings cannot be used.", ""),
}


@dataclass
class ConnectionCheck:
    """The outcome of a connection test, ready to show to a user."""

    # "success", "warning" or "danger", as in Bootstrap's alert classes.
    level: str
    summary: str
    detail: str
    exchange: Exchange
    token_refused: bool = False

    @property
    def ok(self):
        return self.level == "success"

    @property
    def excerpt(self):
        """The start of the response body, with secrets already masked."""
        text = self.exchange.text()
        if len(text) > EXCERPT_LENGTH:
            return text[:EXCERPT_LENGTH] + " …"
        return text


def check_connection(client):
    """Send a cheap request through `client` and judge the response.

    Centra clients post a GraphQL query to the base URI, and to
    <base URI>/graphql when the base URI gets no GraphQL response. Generic
    clients get the base URI, so only the HTTP status can be judged.
    """
    if client.prototype == client.Prototype.CENTRA_GRAPHQL:
        return _check_graphql(client)
    return judge_plain_probe(send(client, "GET"))


def _check_graphql(client):
    exchange = send(client, "POST", json_body=GRAPHQL_PROBE)
    verdict = judge_graphql_probe(exchange)
    if verdict.token_refused or not _may_try_graphql_path(client, exchange):
        return verdict

    retry = send(client, "POST", GRAPHQL_PATH, json_body=GRAPHQL_PROBE)
    retry_verdict = judge_graphql_probe(retry)
    request_uri_note = (
        f"Configurations that use this client need the request URI {GRAPHQL_PATH}."
    )
    if retry_verdict.ok:
        return ConnectionCheck(
            "success",
            f"Reachable and authorised at {retry.url}.",
            f"{request_uri_note} The GraphQL endpoint responded in "
            f"{retry.duration_ms} ms, while the base URI itself returned no "
            "GraphQL response.",
            retry,
        )
    if retry_verdict.token_refused or _has_graphql_response(retry):
        return _add_detail(
            retry_verdict,
            f"The base URI returned no GraphQL response, so the test used "
            f"{retry.url}. {request_uri_note}",
        )
    return _add_detail(verdict, _describe_retry_miss(retry))


def _may_try_graphql_path(client, exchange):
    """Tell whether the probe should be repeated at <base URI>/graphql."""
    path = urlsplit(client.base_uri).path.rstrip("/").lower()
    if path.endswith(GRAPHQL_PATH):
        return False
    return _lacks_graphql_response(exchange)


def _lacks_graphql_response(exchange):
    """Tell whether a server responded, but not as a GraphQL endpoint would.

    True for HTTP 404 and 405, for a body that is not JSON, and for JSON
    without "data" or "errors". It returns False for network errors, refused
    credentials and redirects, because another path would not change them.
    """
    if not exchange.ok:
        return False
    status = exchange.status_code
    if status in (404, 405):
        return True
    if status in (401, 403) or 300 <= status < 400:
        return False
    try:
        document = exchange.json()
    except ValueError:
        return True
    if not isinstance(document, dict):
        return True
    return "data" not in document and "errors" not in document


def _has_graphql_response(exchange):
    """Tell whether the body is a GraphQL response from an existing endpoint."""
    if not exchange.ok or exchange.status_code in (404, 405):
        return False
    try:
        document = exchange.json()
    except ValueError:
        return False
    return isinstance(document, dict) and ("data" in document or "errors" in document)


def _describe_retry_miss(retry):
    if retry.error:
        return f"A request to {retry.url} failed too. {retry.error}"
    return (
        f"A request to {retry.url} returned HTTP {retry.status_code} without "
        "a GraphQL response too."
    )


def _add_detail(verdict, sentence):
    return ConnectionCheck(
        verdict.level,
        verdict.summary,
        f"{verdict.detail} {sentence}",
        verdict.exchange,
        verdict.token_refused,
    )


def judge_graphql_probe(exchange):
    verdict = _judge_transport(exchange)
    if verdict:
        return verdict
    status = exchange.status_code
    try:
        document = exchange.json()
    except ValueError:
        return _not_json(exchange)

    errors = document.get("errors") if isinstance(document, dict) else None
    if errors and _is_auth_error(errors):
        return ConnectionCheck(
            "danger",
            "Token refused.",
            f"The server rejected the API token: {_first_message(errors)} "
            "Paste the token again, or create a new one in Centra.",
            exchange,
            token_refused=True,
        )
    if errors:
        return ConnectionCheck(
            "warning",
            "Reachable, but the query failed.",
            f"The GraphQL endpoint returned HTTP {status} and an error: "
            f"{_first_message(errors)}",
            exchange,
        )
    if status >= 400:
        return _http_error(exchange)
    if not isinstance(document, dict) or "data" not in document:
        return ConnectionCheck(
            "warning",
            "Not a GraphQL response.",
            f"The server returned HTTP {status} and JSON, but without the "
            "“data” of a GraphQL response. Check that the base URI is the "
            "GraphQL endpoint.",
            exchange,
        )
    return ConnectionCheck(
        "success",
        "Reachable and authorised.",
        f"The GraphQL endpoint responded in {exchange.duration_ms} ms.",
        exchange,
    )


def judge_plain_probe(exchange):
    verdict = _judge_transport(exchange)
    if verdict:
        return verdict
    if exchange.status_code == 405:
        return _get_not_allowed(exchange)
    if exchange.status_code >= 400:
        return _http_error(exchange)
    return ConnectionCheck(
        "success",
        "Reachable.",
        f"The server returned HTTP {exchange.status_code} in "
        f"{exchange.duration_ms} ms.",
        exchange,
    )


def _judge_transport(exchange):
    """Judge network errors and the statuses that mean the same for any API."""
    if exchange.error_kind:
        summary, hint = ERROR_SUMMARIES.get(
            exchange.error_kind, ("The request failed.", "")
        )
        detail = f"{exchange.error} {hint}".strip()
        return ConnectionCheck("danger", summary, detail, exchange)
    status = exchange.status_code
    if status in (401, 403):
        return ConnectionCheck(
            "danger",
            "Token refused.",
            f"The server returned HTTP {status}: it does not accept the "
            "credentials. Paste the token again, or create a new one.",
            exchange,
            token_refused=True,
        )
    if 300 <= status < 400:
        return ConnectionCheck(
            "warning",
            "Redirected.",
            f"The server returned HTTP {status} without a Location to go "
            "to. Point the base URI at the final address.",
            exchange,
        )
    return None


def _http_error(exchange):
    status = exchange.status_code
    if status == 404:
        detail = "The address does not exist on the server. Check the path."
    elif status == 429:
        detail = "The server is rate limiting this client. Try again shortly."
    elif status >= 500:
        detail = "The server failed to handle the request. Try again later."
    elif status == 405:
        detail = f"The server does not accept {exchange.method} requests here."
    else:
        detail = "The server did not accept the request."
    return ConnectionCheck(
        "warning" if status == 429 else "danger",
        f"HTTP {status}.",
        f"{detail} The base URI was {exchange.url}.",
        exchange,
    )


def _get_not_allowed(exchange):
    allowed = ""
    for name, value in exchange.response_headers.items():
        if name.lower() == "allow" and value.strip():
            allowed = f" It allows {value.strip()}."
    return ConnectionCheck(
        "danger",
        "HTTP 405.",
        f"The server does not accept GET requests at {exchange.url}.{allowed} "
        "For a Centra GraphQL endpoint, use the Centra GraphQL Client "
        "prototype, which sends a POST query.",
        exchange,
    )


def _not_json(exchange):
    status = exchange.status_code
    content_type = exchange.content_type or "no content type"
    if "html" in content_type.lower() or exchange.text().lstrip().startswith("<"):
        return ConnectionCheck(
            "danger",
            "The response is an HTML page, not JSON.",
            f"The server returned HTTP {status} and a web page. The base URI "
            "probably points at a website instead of the GraphQL endpoint.",
            exchange,
        )
    return ConnectionCheck(
        "danger",
        "The response is not JSON.",
        f"The server returned HTTP {status} and {content_type}. Check that the "
        "base URI is the GraphQL endpoint.",
        exchange,
    )


def _is_auth_error(errors):
    for error in errors if isinstance(errors, list) else [errors]:
        if not isinstance(error, dict):
            continue
        extensions = error.get("extensions")
        if not isinstance(extensions, dict):
            extensions = {}
        # Some servers set a code (Apollo style), others a category
        # (graphql-php style, which the sandbox imitates).
        if str(extensions.get("code")).upper() in AUTH_ERROR_CODES:
            return True
        if extensions.get("category") in ("authentication", "authorization"):
            return True
        message = str(error.get("message", "")).lower()
        if any(word in message for word in AUTH_ERROR_WORDS):
            return True
    return False


def _first_message(errors):
    first = errors[0] if isinstance(errors, list) and errors else errors
    message = first.get("message") if isinstance(first, dict) else first
    text = str(message).strip() or "(no message)"
    if len(text) > 300:
        text = text[:300] + " …"
    return text if text.endswith((".", "…")) else text + "."

"""The "Test connection" check: one cheap request and a verdict in plain words."""

from dataclasses import dataclass

from clients.http import ErrorKind, Exchange, send

# The cheapest GraphQL query there is: every GraphQL server can respond to it
# without reading any data, so only the address and the token are tested.
GRAPHQL_PROBE = {"query": "{ __typename }"}
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

    Centra clients post a GraphQL query to the base URI. Generic clients get
    the base URI, so only the HTTP status can be judged.
    """
    if client.prototype == client.Prototype.CENTRA_GRAPHQL:
        exchange = send(client, "POST", json_body=GRAPHQL_PROBE)
        return judge_graphql_probe(exchange)
    return judge_plain_probe(send(client, "GET"))


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
    else:
        detail = "The server did not accept the request."
    return ConnectionCheck(
        "warning" if status == 429 else "danger",
        f"HTTP {status}.",
        f"{detail} The base URI was {exchange.url}.",
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

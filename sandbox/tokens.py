"""Access tokens and their permissions, as Centra's Integration API has them.

Centra binds a set of permissions to each token when the token is made. A
request sends the token as `Authorization: Bearer <token>` or in the
`graphql-access` cookie.
"""

import http.cookies
import secrets
import threading
import time
from dataclasses import dataclass

PERMISSIONS = (
    "Order:read",
    "Order:write",
    "Product:read",
    "Store:read",
    "Market:read",
    "Pricelist:read",
    "Currency:read",
    "Event:read",
    "Event:write",
)
COOKIE_NAME = "graphql-access"


@dataclass(frozen=True)
class AccessToken:
    value: str
    permissions: frozenset[str]
    # Wall-clock expiry from time.time(), or None for a token that never
    # expires.
    expires_at: float | None = None

    def is_expired(self) -> bool:
        return self.expires_at is not None and time.time() >= self.expires_at


def new_token_value() -> str:
    return secrets.token_urlsafe(24)


def token_from_headers(headers) -> tuple[str | None, str | None]:
    """Return `(token, problem)` read from request headers.

    `problem` describes a malformed Authorization header. The header wins over
    the cookie when both are sent.
    """
    authorization = headers.get("Authorization")
    if authorization:
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return None, "The Authorization header must read 'Bearer <token>'."
        return value.strip(), None

    cookie_header = headers.get("Cookie")
    if cookie_header:
        cookies = http.cookies.SimpleCookie()
        try:
            cookies.load(cookie_header)
        except http.cookies.CookieError:
            return None, "The Cookie header could not be parsed."
        if COOKIE_NAME in cookies and cookies[COOKIE_NAME].value:
            return cookies[COOKIE_NAME].value, None
    return None, None


class TokenRegistry:
    """The tokens a sandbox accepts. `reset()` keeps only the full one."""

    def __init__(self, full_token: str | None = None):
        self.full_token = full_token or new_token_value()
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._tokens = {
                self.full_token: AccessToken(self.full_token, frozenset(PERMISSIONS))
            }

    def add(
        self,
        permissions,
        token: str | None = None,
        expires_in: float | None = None,
    ) -> str:
        """Register a token with exactly `permissions` and return its value.

        `expires_in` is in seconds, and 0 or less makes a token that has
        already expired.
        """
        unknown = sorted(set(permissions) - set(PERMISSIONS))
        if unknown:
            raise ValueError(
                f"Unknown permissions {unknown}. Known permissions: "
                f"{', '.join(PERMISSIONS)}."
            )
        value = token or new_token_value()
        expires_at = None if expires_in is None else time.time() + expires_in
        with self._lock:
            self._tokens[value] = AccessToken(value, frozenset(permissions), expires_at)
        return value

    def get(self, value: str) -> AccessToken | None:
        with self._lock:
            return self._tokens.get(value)

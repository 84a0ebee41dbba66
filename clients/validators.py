"""Checks on HTTP client settings, shared by the dashboard forms and the admin."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

from clients.http import MIN_SECRET_LENGTH

# Header field names are RFC 9110 tokens.
HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
HOST_NAME = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
MAX_EXTRA_HEADERS = 50
MAX_HEADER_VALUE_LENGTH = 4000
# The name of the secret, in messages, for each authentication that sends one.
SECRET_WORDS = {
    "bearer": "token",
    "basic": "password",
    "header": "header value",
    "query": "parameter value",
}
# An estimate, chosen far above the length of common API tokens. The secret
# inputs have no maxlength attribute, so a longer paste is rejected with a
# message instead of being cut by the browser.
MAX_SECRET_LENGTH = 8192
# Headers that the seam sets itself, or that would carry a secret in plain
# text (extra headers are stored and shown unencrypted).
RESERVED_HEADERS = {
    "authorization": "Choose an authentication instead, so the value is encrypted.",
    "user-agent": "The dashboard sends a fixed User-Agent.",
    "host": "The host comes from the base URI.",
    "content-length": "The length is computed for each request.",
    "transfer-encoding": "The transfer encoding is chosen for each request.",
    "connection": "Connections are managed by the dashboard.",
}


def validate_base_uri(value):
    """Accept an absolute http or https URL without credentials or fragment."""
    if CONTROL_CHARACTERS.search(value) or " " in value:
        raise ValidationError("The base URI must not contain spaces.")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        raise ValidationError(
            "Enter an address that starts with https:// or http://, "
            "for example https://shop.centra.com/graphql."
        )
    if "@" in parts.netloc:
        raise ValidationError(
            "Remove the user name and password from the base URI: credentials "
            "belong in the token field, where they are encrypted."
        )
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise ValidationError("The port in the base URI is not valid.")
    host = parts.hostname or ""
    if not host or not (HOST_NAME.match(host) or _is_ipv6_literal(parts.netloc)):
        raise ValidationError("The base URI has no valid host name.")
    if parts.fragment or value.endswith("#"):
        raise ValidationError("Remove the #fragment from the base URI.")


def _is_ipv6_literal(netloc):
    return netloc.startswith("[") and "]" in netloc


def validate_header_name(value):
    if not HEADER_NAME.match(value):
        raise ValidationError(
            f"“{value}” is not a valid header name: use letters, digits and "
            "hyphens, for example X-Api-Key."
        )


def _is_latin_1(value):
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def validate_header_value(name, value):
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(f"The value of {name} contains a line break.")
    if not _is_latin_1(value):
        raise ValidationError(
            f"The value of {name} contains characters that HTTP headers cannot "
            "carry. Use plain ASCII text."
        )
    if len(value) > MAX_HEADER_VALUE_LENGTH:
        raise ValidationError(
            f"The value of {name} is longer than {MAX_HEADER_VALUE_LENGTH} characters."
        )


def validate_extra_headers(headers):
    """Accept a JSON object that maps header names to string values."""
    if not isinstance(headers, dict):
        raise ValidationError("Extra headers must be a JSON object.")
    if len(headers) > MAX_EXTRA_HEADERS:
        raise ValidationError(f"Enter at most {MAX_EXTRA_HEADERS} extra headers.")
    seen = set()
    for name, value in headers.items():
        validate_header_name(name)
        if name.lower() in RESERVED_HEADERS:
            raise ValidationError(
                f"{name} cannot be an extra header. {RESERVED_HEADERS[name.lower()]}"
            )
        if name.lower() in seen:
            raise ValidationError(f"The header {name} appears twice.")
        seen.add(name.lower())
        if not isinstance(value, str):
            raise ValidationError(f"The value of {name} must be a string.")
        validate_header_value(name, value)


def validate_secret(value):
    """Reject a secret that is too long or that HTTP headers cannot carry.

    The minimum length depends on the authentication, so `short_secret_error`
    checks it.
    """
    if len(value) > MAX_SECRET_LENGTH:
        raise ValidationError(
            f"The secret is {len(value)} characters long, more than the maximum "
            f"of {MAX_SECRET_LENGTH}. Check that only the secret was pasted."
        )
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError("The secret must not contain line breaks.")
    # Tokens and header values travel in HTTP headers, which carry Latin-1.
    if not _is_latin_1(value):
        raise ValidationError(
            "The secret contains characters that HTTP headers cannot carry."
        )


def short_secret_error(auth_kind, secret):
    """Return a message when `secret` is too short to be masked, else "".

    The seam finds secrets in URLs, responses and error texts by searching
    for them, and it skips values shorter than MIN_SECRET_LENGTH. Basic-auth
    passwords have no minimum, because they are sent only inside the
    Authorization header, which is masked as a whole.
    """
    if not secret or len(secret) >= MIN_SECRET_LENGTH:
        return ""
    if auth_kind == "query":
        reason = (
            "The parameter value is part of the request URL, and logs hide it "
            f"there only when it has at least {MIN_SECRET_LENGTH} characters."
        )
    elif auth_kind in ("bearer", "header"):
        word = SECRET_WORDS[auth_kind]
        reason = (
            f"Servers may repeat the {word} in responses and error texts, and "
            f"logs hide it there only when it has at least {MIN_SECRET_LENGTH} "
            "characters."
        )
    else:
        return ""
    return f"Enter at least {MIN_SECRET_LENGTH} characters. {reason}"


def auth_errors(auth_kind, auth_name, secret_available):
    """Return {field name: message} for authentication settings that conflict.

    `secret_available` is true when a secret was entered or one is stored
    for the same kind of authentication.
    """
    errors = {}
    names = {"basic": "user name", "header": "header name", "query": "parameter name"}
    if auth_kind in names and not auth_name:
        errors["auth_name"] = f"Enter the {names[auth_kind]}."
    elif auth_kind == "basic" and ":" in auth_name:
        errors["auth_name"] = "A user name for basic authentication cannot contain “:”."
    elif auth_kind == "header" and not HEADER_NAME.match(auth_name):
        errors["auth_name"] = f"“{auth_name}” is not a valid header name."
    elif auth_kind == "header" and auth_name.lower() in RESERVED_HEADERS:
        # A custom Authorization header is fine here: its value is encrypted.
        if auth_name.lower() != "authorization":
            errors["auth_name"] = f"{auth_name} cannot be used as a custom header."
    if auth_kind in SECRET_WORDS and not secret_available:
        errors["secret"] = f"Enter the {SECRET_WORDS[auth_kind]}."
    return errors

"""Fault injection: the ways a real API or the network between can misbehave.

Faults apply to every request except the `/sandbox/...` control endpoints.
`Faults.set(**options)` replaces the whole set of active faults, and options
left out go back to their defaults. When several faults are active, each
request takes the first of these that applies:

1. `latency` (seconds) delays every response. A reset or stop during the
   delay drops the request unanswered, so it cannot change the fresh data.
2. `hang` reads the request and sends nothing until the server is reset or
   stopped, and then closes the connection.
3. `redirect_to` responds with `redirect_status` (default 307) and a
   Location header.
4. `fail_next` makes the next N requests fail with `fail_status` (default
   503), with a `Retry-After` header when `retry_after` is set.
5. `error_rate` replaces that share of responses with a status drawn from
   `error_statuses`. The draws come from `random.Random(seed)`, restarted
   by every `set()`, so a test sees the same sequence on every run.
6. `html_error` responds with an HTML error page and `html_status`
   (default 200, the status a misconfigured proxy sends).
7. `string_errors` responds with HTTP 200 and `{"errors": "<text>"}`.
8. `object_errors` responds with HTTP 200 and `{"errors": {"message":
   "<text>"}}`, a single error object where GraphQL requires a list.
9. `null_data` responds with HTTP 200 and `{"data": null}`, without errors.

The responses of steps 3 to 9 are sent without running the request, so
nothing in the store changes. Otherwise the request runs and its response
can be changed: `empty_errors` adds `"errors": []` to a response that has no
`errors` member, `huge_body` pads it to about that many bytes of valid JSON,
`truncated_body` cuts it in half (with a Content-Length that matches the cut
body), and `trickle` sends the body one byte at a time with that many
seconds between bytes.
"""

import http
import json
import random
import threading
from dataclasses import dataclass, field

FAULT_DEFAULTS = {
    "latency": 0.0,
    "hang": False,
    "redirect_to": None,
    "redirect_status": 307,
    "fail_next": 0,
    "fail_status": 503,
    "retry_after": None,
    "error_rate": 0.0,
    "error_statuses": (500, 502, 503),
    "html_error": False,
    "html_status": 200,
    "string_errors": False,
    "object_errors": False,
    "null_data": False,
    "empty_errors": False,
    "huge_body": 0,
    "truncated_body": False,
    "trickle": 0.0,
}
BOOLEAN_OPTIONS = {
    "hang",
    "html_error",
    "string_errors",
    "object_errors",
    "null_data",
    "empty_errors",
    "truncated_body",
}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
STRING_ERRORS_TEXT = "Internal error: the order service is unavailable."
OBJECT_ERRORS_TEXT = "Internal error: the pricing service timed out."
_KNOWN_STATUSES = {status.value for status in http.HTTPStatus}


@dataclass
class Replacement:
    """A response sent instead of running the request."""

    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FaultPlan:
    """The effect of the active faults on one request."""

    latency: float = 0.0
    hang: bool = False
    replacement: Replacement | None = None
    empty_errors: bool = False
    huge_body: int = 0
    truncated_body: bool = False
    trickle: float = 0.0


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_status(value) -> bool:
    return (
        isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599
    )


def _check_name(name: str) -> None:
    if name not in FAULT_DEFAULTS:
        raise ValueError(
            f"Unknown fault option {name!r}. Known options: "
            f"{', '.join(FAULT_DEFAULTS)}."
        )


def validate_option(name: str, value):
    """Return the option's value in canonical form or raise ValueError."""
    _check_name(name)
    if name in BOOLEAN_OPTIONS:
        valid = isinstance(value, bool)
    elif name in ("latency", "trickle"):
        valid = _is_number(value) and value >= 0
    elif name == "error_rate":
        valid = _is_number(value) and 0 <= value <= 1
    elif name in ("fail_next", "huge_body"):
        valid = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    elif name in ("fail_status", "html_status"):
        valid = _is_status(value)
    elif name == "redirect_status":
        valid = value in REDIRECT_STATUSES and _is_status(value)
    elif name == "redirect_to":
        valid = value is None or (
            isinstance(value, str) and value.startswith(("http://", "https://"))
        )
    elif name == "retry_after":
        # A number of seconds, or text such as an HTTP date sent as given.
        valid = value is None or (_is_number(value) and value >= 0)
        valid = valid or (isinstance(value, str) and bool(value.strip()))
    else:
        value = tuple(value) if isinstance(value, list | tuple) else value
        valid = isinstance(value, tuple) and bool(value) and all(map(_is_status, value))

    if not valid:
        raise ValueError(f"Invalid value {value!r} for fault option {name!r}.")
    return value


def parse_fault_argument(text: str) -> tuple[str, object]:
    """Read a command-line fault such as "latency=0.5" or "hang=true"."""
    name, separator, raw = text.partition("=")
    name, raw = name.strip(), raw.strip()
    if not separator or not name:
        raise ValueError(f"Fault {text!r} must be written as name=value.")
    _check_name(name)
    default = FAULT_DEFAULTS[name]
    try:
        if name in BOOLEAN_OPTIONS:
            lowered = raw.lower()
            if lowered not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
                raise ValueError(raw)
            value = lowered in ("true", "1", "yes", "on")
        elif name == "error_statuses":
            value = tuple(int(part) for part in raw.split(","))
        elif name == "redirect_to":
            value = raw
        elif name == "retry_after":
            value = float(raw) if raw.replace(".", "", 1).isdigit() else raw
        elif isinstance(default, int) and not isinstance(default, bool):
            value = int(raw)
        else:
            value = float(raw)
    except ValueError:
        raise ValueError(f"Invalid value {raw!r} for fault option {name!r}.") from None

    return name, validate_option(name, value)


def _error_page(status: int) -> bytes:
    phrase = http.HTTPStatus(status).phrase if status in _KNOWN_STATUSES else "Error"
    title = f"{status} {phrase}"
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title></head>"
        f"<body><h1>{title}</h1><hr><p>nginx</p></body></html>"
    ).encode()


class Faults:
    """The active faults of one sandbox, safe to change from any thread."""

    def __init__(self, seed: int = 1):
        self._seed = seed
        self._lock = threading.Lock()
        self.clear()

    def set(self, **options) -> None:
        """Replace the active faults with `options` (see the module docstring)."""
        checked = {
            name: validate_option(name, value) for name, value in options.items()
        }
        with self._lock:
            self._options = {**FAULT_DEFAULTS, **checked}
            self._rng = random.Random(self._seed)

    def clear(self) -> None:
        self.set()

    def active(self) -> dict:
        """Return the options that differ from their defaults, JSON-ready."""
        with self._lock:
            return {
                name: list(value) if isinstance(value, tuple) else value
                for name, value in self._options.items()
                if value != FAULT_DEFAULTS[name]
            }

    def plan(self) -> FaultPlan:
        """Decide what happens to the next request, consuming `fail_next`."""
        with self._lock:
            options = self._options
            plan = FaultPlan(
                latency=options["latency"],
                hang=options["hang"],
                empty_errors=options["empty_errors"],
                huge_body=options["huge_body"],
                truncated_body=options["truncated_body"],
                trickle=options["trickle"],
            )
            if plan.hang:
                return plan
            plan.replacement = self._replacement(options)
        return plan

    def _replacement(self, options: dict) -> Replacement | None:
        if options["redirect_to"]:
            return Replacement(
                options["redirect_status"],
                headers={"Location": options["redirect_to"]},
            )

        if options["fail_next"] > 0:
            options["fail_next"] -= 1
            status = options["fail_status"]
            replacement = Replacement(status, _error_page(status))
            if options["retry_after"] is not None:
                retry_after = options["retry_after"]
                if _is_number(retry_after):
                    retry_after = f"{retry_after:g}"
                replacement.headers["Retry-After"] = retry_after
            return replacement

        if options["error_rate"] and self._rng.random() < options["error_rate"]:
            status = self._rng.choice(options["error_statuses"])
            return Replacement(status, _error_page(status))

        if options["html_error"]:
            return Replacement(options["html_status"], _error_page(502))

        if options["string_errors"]:
            return _json_replacement({"errors": STRING_ERRORS_TEXT})

        if options["object_errors"]:
            return _json_replacement({"errors": {"message": OBJECT_ERRORS_TEXT}})

        if options["null_data"]:
            return _json_replacement({"data": None})
        return None


def _json_replacement(body: dict) -> Replacement:
    return Replacement(200, json.dumps(body).encode(), content_type="application/json")


def with_empty_errors(body: dict) -> dict:
    """Return `body` with `"errors": []` after `data`, unless it has `errors`."""
    if "errors" in body:
        return body
    changed = {}
    if "data" in body:
        changed["data"] = body["data"]
    changed["errors"] = []
    changed.update(body)
    return changed

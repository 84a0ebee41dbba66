"""The `DateTimeTz` and `Date` scalars and PHP-style date formatting.

Centra's date-time fields take a `format` argument written in PHP date()
notation. Centra's example queries (docs.centra.com, "Examples" of the
GraphQL Integration API) use `orderDate(format: "Y-m-d")`. The sandbox
supports the common format characters listed in `_PHP_FORMATS`. Other
letters are copied unchanged, and a backslash copies the next character
literally, as in PHP.
"""

from datetime import UTC, date, datetime

from graphql import GraphQLError
from graphql.language import StringValueNode

_PHP_FORMATS = {
    "d": lambda v: f"{v.day:02d}",
    "D": lambda v: v.strftime("%a"),
    "j": lambda v: str(v.day),
    "l": lambda v: v.strftime("%A"),
    "N": lambda v: str(v.isoweekday()),
    "m": lambda v: f"{v.month:02d}",
    "n": lambda v: str(v.month),
    "M": lambda v: v.strftime("%b"),
    "F": lambda v: v.strftime("%B"),
    "Y": lambda v: f"{v.year:04d}",
    "y": lambda v: f"{v.year % 100:02d}",
    "a": lambda v: "am" if v.hour < 12 else "pm",
    "A": lambda v: "AM" if v.hour < 12 else "PM",
    "g": lambda v: str(v.hour % 12 or 12),
    "G": lambda v: str(v.hour),
    "h": lambda v: f"{v.hour % 12 or 12:02d}",
    "H": lambda v: f"{v.hour:02d}",
    "i": lambda v: f"{v.minute:02d}",
    "s": lambda v: f"{v.second:02d}",
    "v": lambda v: f"{v.microsecond // 1000:03d}",
    "u": lambda v: f"{v.microsecond:06d}",
    "e": lambda v: v.tzname() or "UTC",
    "T": lambda v: v.tzname() or "UTC",
    "P": lambda v: v.strftime("%z")[:3] + ":" + v.strftime("%z")[3:],
    "O": lambda v: v.strftime("%z"),
    "c": lambda v: v.isoformat(timespec="seconds"),
    "U": lambda v: str(int(v.timestamp())),
}


def format_php(value: datetime, pattern: str) -> str:
    """Format a date-time with a PHP date() pattern such as "Y-m-d H:i:s"."""
    parts = []
    escaped = False
    for char in pattern:
        if escaped:
            parts.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in _PHP_FORMATS:
            parts.append(_PHP_FORMATS[char](value))
        else:
            parts.append(char)
    return "".join(parts)


def parse_datetime(text: str) -> datetime:
    """Read an ISO 8601 date-time or date. A value without offset is UTC."""
    parsed = datetime.fromisoformat(text.strip())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def serialize_datetime(value) -> str:
    # A resolver that applied a `format` argument already returns text.
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    raise GraphQLError(f"DateTimeTz cannot represent {value!r}.")


def parse_datetime_value(value) -> datetime:
    if not isinstance(value, str):
        raise GraphQLError(f"DateTimeTz must be a string, got {value!r}.")
    try:
        return parse_datetime(value)
    except ValueError:
        raise GraphQLError(
            f"Invalid DateTimeTz {value!r}. Use ISO 8601 such as "
            "'2025-09-01T08:00:00+02:00' or '2025-09-01 08:00:00'."
        ) from None


def parse_datetime_literal(node, _variables=None) -> datetime:
    if not isinstance(node, StringValueNode):
        raise GraphQLError("DateTimeTz must be a string.", node)
    return parse_datetime_value(node.value)


def serialize_date(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise GraphQLError(f"Date cannot represent {value!r}.")


def parse_date_value(value) -> date:
    if not isinstance(value, str):
        raise GraphQLError(f"Date must be a string, got {value!r}.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise GraphQLError(
            f"Invalid Date {value!r}. Use ISO 8601 such as '2025-09-01'."
        ) from None


def parse_date_literal(node, _variables=None) -> date:
    if not isinstance(node, StringValueNode):
        raise GraphQLError("Date must be a string.", node)
    return parse_date_value(node.value)

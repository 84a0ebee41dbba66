"""JSON that keeps the digits of decimal numbers.

Money amounts such as `1234.50` lose their trailing zero, and long decimals
lose digits, when they pass through a Python float. Here numbers with a
fraction or an exponent are read as `Decimal`, and a `Decimal` is written back
as its own text, so an amount leaves the dashboard with the digits it came in
with.
"""

import json
import math
from decimal import Decimal

_encode_string = json.encoder.encode_basestring


def loads(text):
    """Parse JSON text, reading non-integer numbers as Decimal."""
    return json.loads(text, parse_float=Decimal)


def dumps(value, *, indent=None):
    """Serialize `value` as JSON text, writing a Decimal with its own digits.

    Raises ValueError for NaN and infinite numbers, because JSON has no
    spelling for them, and TypeError for values that are not JSON data.
    """
    parts = []
    _write(value, parts, indent, 0)
    return "".join(parts)


def _write(value, parts, indent, level):
    if value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, str):
        parts.append(_encode_string(value))
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} cannot be written as JSON.")
        parts.append(float.__repr__(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value!r} cannot be written as JSON.")
        parts.append(str(value))
    elif isinstance(value, dict):
        _write_object(value, parts, indent, level)
    elif isinstance(value, list | tuple):
        _write_array(value, parts, indent, level)
    else:
        raise TypeError(f"A {type(value).__name__} value cannot be written as JSON.")


def _write_object(value, parts, indent, level):
    if not value:
        parts.append("{}")
        return
    separator, inner, outer = _layout(indent, level)
    parts.append("{")
    for index, (key, item) in enumerate(value.items()):
        if index:
            parts.append(separator)
        parts.append(inner)
        parts.append(_encode_string(key if isinstance(key, str) else dumps(key)))
        parts.append(": ")
        _write(item, parts, indent, level + 1)
    parts.append(outer)
    parts.append("}")


def _write_array(value, parts, indent, level):
    if not value:
        parts.append("[]")
        return
    separator, inner, outer = _layout(indent, level)
    parts.append("[")
    for index, item in enumerate(value):
        if index:
            parts.append(separator)
        parts.append(inner)
        _write(item, parts, indent, level + 1)
    parts.append(outer)
    parts.append("]")


def _layout(indent, level):
    """Return the item separator and the text before the first and after the
    last item of a container at nesting `level`."""
    if indent is None:
        return ", ", "", ""
    return ",", "\n" + " " * (indent * (level + 1)), "\n" + " " * (indent * level)


class ExactEncoder(json.JSONEncoder):
    """Encoder for JSONField that writes Decimal values with their digits."""

    def encode(self, o):
        return dumps(o)

    def iterencode(self, o, _one_shot=False):
        yield dumps(o)


class ExactDecoder(json.JSONDecoder):
    """Decoder for JSONField that reads non-integer numbers as Decimal."""

    def __init__(self, *args, **kwargs):
        kwargs["parse_float"] = Decimal
        super().__init__(*args, **kwargs)

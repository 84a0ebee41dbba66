"""JSON writing that keeps money amounts exact.

`json.dumps` writes every float with `float.__repr__`, even for float
subclasses, so it cannot keep the digits of an `ExactAmount`. This small
writer handles the types that a GraphQL response contains and writes an
`ExactAmount` with its decimal text (1299.00 stays 1299.00).
"""

import json
from decimal import Decimal

from sandbox.money import ExactAmount


def dumps(value) -> str:
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts)


def _write(value, parts: list[str]) -> None:
    if isinstance(value, ExactAmount):
        parts.append(value.json_text())
    elif isinstance(value, Decimal):
        parts.append(format(value, "f"))
    elif isinstance(value, dict):
        parts.append("{")
        for index, (key, item) in enumerate(value.items()):
            if index:
                parts.append(",")
            parts.append(json.dumps(str(key), ensure_ascii=False))
            parts.append(":")
            _write(item, parts)
        parts.append("}")
    elif isinstance(value, list | tuple):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _write(item, parts)
        parts.append("]")
    else:
        # Strings, numbers, booleans and None.
        parts.append(json.dumps(value, ensure_ascii=False))

"""Dotted paths into JSON values: `data.orders`, `data.orderConnection.edges.*.node`.

A path is a list of segments separated by dots. A segment is one of these:

- a key of an object;
- a number that indexes a list (`lines.0.sku`), or reads the key of that
  name when the value is an object;
- `*`, which maps the rest of the path over every item of a list;
- a key in double quotes when it contains dots, spaces or other special
  characters (`"order id"`). Inside the quotes, `\\"` is a quote and `\\\\`
  is a backslash.
"""

from dataclasses import dataclass

WILDCARD = "*"
MAX_KEYS_LISTED = 20


class PathSyntaxError(ValueError):
    """The text of a path cannot be parsed."""


class PathNotFound(LookupError):
    """The value has nothing at the path. The message names the missing part."""


@dataclass(frozen=True)
class Segment:
    key: str
    quoted: bool = False

    @property
    def is_wildcard(self):
        return self.key == WILDCARD and not self.quoted

    @property
    def index(self):
        """The list index this segment stands for, or None."""
        if self.quoted or not self.key.isdigit():
            return None
        return int(self.key)


def parse_path(text):
    """Split a path into segments; raise PathSyntaxError when it is malformed."""
    text = text.strip()
    if not text:
        raise PathSyntaxError("The path is empty.")

    segments = []
    position = 0
    while True:
        if position < len(text) and text[position] == '"':
            key, position = _read_quoted(text, position)
            segments.append(Segment(key, quoted=True))
        else:
            end = text.find(".", position)
            end = len(text) if end == -1 else end
            key = text[position:end].strip()
            if not key:
                raise PathSyntaxError(
                    f"The path “{text}” has an empty segment at position "
                    f"{position + 1}."
                )
            if '"' in key:
                raise PathSyntaxError(
                    f"The path “{text}” has a quote inside the segment “{key}”: "
                    "put the whole segment in double quotes."
                )
            segments.append(Segment(key))
            position = end

        if position == len(text):
            return tuple(segments)
        if text[position] != ".":
            raise PathSyntaxError(
                f"The path “{text}” needs a dot after the quoted segment at "
                f"position {position + 1}."
            )
        position += 1
        if position == len(text):
            raise PathSyntaxError(f"The path “{text}” ends with a dot.")


def _read_quoted(text, start):
    """Read a double-quoted segment starting at `start`; return the key and the
    position after the closing quote."""
    chars = []
    position = start + 1
    while position < len(text):
        char = text[position]
        if char == "\\" and position + 1 < len(text):
            chars.append(text[position + 1])
            position += 2
        elif char == '"':
            return "".join(chars), position + 1
        else:
            chars.append(char)
            position += 1
    raise PathSyntaxError(f"The path “{text}” has a quote that is never closed.")


def format_path(segments):
    """Write segments back as path text, quoting keys that need it."""
    if not segments:
        return "the top level"
    return ".".join(_format_segment(segment) for segment in segments)


def _format_segment(segment):
    key = segment.key
    plain = key and not any(char in key for char in '."\\ ') and key.strip() == key
    if plain and not (segment.quoted and (key == WILDCARD or key.isdigit())):
        return key
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def get_path(value, path):
    """Return the value at `path` (text or segments) inside `value`.

    A `*` segment returns a list with the rest of the path applied to each
    item. A second `*` further on flattens its lists into that one list.
    Raises PathNotFound with a message that names the missing key and the
    keys that exist there.
    """
    segments = parse_path(path) if isinstance(path, str) else tuple(path)
    return _get(value, segments, 0)


def _get(value, segments, depth, trail=()):
    # `trail` is the path walked so far, with the index of the item in place
    # of each `*`, so that a message names the item that lacks the key.
    for position in range(depth, len(segments)):
        segment = segments[position]
        if segment.is_wildcard:
            if not isinstance(value, list):
                raise PathNotFound(
                    f"Expected a list at {format_path(trail)} for “*”, but the "
                    f"value is {describe(value)}."
                )
            nested = any(s.is_wildcard for s in segments[position + 1 :])
            results = []
            for index, item in enumerate(value):
                item_trail = trail + (Segment(str(index)),)
                found = _get(item, segments, position + 1, item_trail)
                if nested and isinstance(found, list):
                    results.extend(found)
                else:
                    results.append(found)
            return results
        value = _step(value, segment, format_path(trail))
        trail = trail + (segment,)
    return value


def _step(value, segment, parent_path):
    if isinstance(value, dict):
        if segment.key in value:
            return value[segment.key]
        raise PathNotFound(
            f"Key “{segment.key}” not found at {parent_path}; {_available_keys(value)}"
        )
    if isinstance(value, list):
        index = segment.index
        if index is None:
            raise PathNotFound(
                f"Cannot read “{segment.key}” at {parent_path}: the value is a "
                "list, so use a number (such as 0) or * here."
            )
        if index >= len(value):
            raise PathNotFound(
                f"Index {index} not found at {parent_path}: the list has "
                f"{_count(len(value), 'item')}."
            )
        return value[index]
    raise PathNotFound(
        f"Cannot read “{segment.key}” at {parent_path}: the value is {describe(value)}."
    )


def _available_keys(value):
    if not value:
        return "the object is empty."
    keys = list(value)
    listed = ", ".join(str(key) for key in keys[:MAX_KEYS_LISTED])
    if len(keys) > MAX_KEYS_LISTED:
        listed += f" and {len(keys) - MAX_KEYS_LISTED} more"
    return f"available keys: {listed}"


def _count(number, noun):
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def describe(value):
    """Name the JSON type of `value` for a message ("a number", "null")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "a number"


def set_path(target, path, value):
    """Set `value` at `path` inside the dict `target`, creating objects on the way.

    Only keys are allowed (no `*`), because the path names one place.
    """
    segments = parse_path(path) if isinstance(path, str) else tuple(path)
    if any(segment.is_wildcard for segment in segments):
        raise PathSyntaxError(f"The path “{format_path(segments)}” cannot contain *.")

    current = target
    for position, segment in enumerate(segments[:-1]):
        child = current.get(segment.key)
        if child is None:
            child = current[segment.key] = {}
        elif not isinstance(child, dict):
            raise PathNotFound(
                f"Cannot set a value inside {format_path(segments[: position + 1])}: "
                f"it is {describe(child)}, not an object."
            )
        current = child
    current[segments[-1].key] = value

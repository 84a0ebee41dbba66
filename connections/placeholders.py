"""Placeholders in request values: `&{path}`, `?{path}` and `${NAME}`.

- `&{path}` is the value at `path` in the entity (see connections.paths for
  the path syntax; `&{@}` is the whole entity). A missing path fails.
- `?{path}` is the same, but a missing path gives null.
- `${NAME}` is the value of an environment variable defined in the
  dashboard (System → Environment variables).

When a string is exactly one placeholder, the result keeps its JSON type:
`"&{number}"` with the entity `{"number": 3957}` gives the number 3957, and
an object stays an object. Inside a longer string the value is written as
text: strings as they are, numbers, booleans, lists and objects as JSON text,
and null (or a missing `?{path}`) as empty text. Environment values are always
text.

Placeholders are replaced in values only. Keys of objects are sent as they
are written, and `check_syntax` reports a key that contains a placeholder.
There is no escape for a literal `&{`, `?{` or `${` in a value.
"""

import copy
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from connections import exactjson
from connections.paths import PathNotFound, PathSyntaxError, get_path, parse_path

ENV_NAME_RE = re.compile(r"[A-Z][A-Z0-9_]*")
OPENERS = ("&{", "?{", "${")
WHOLE_ENTITY = "@"
SNIPPET_LENGTH = 40


class PlaceholderError(ValueError):
    """A placeholder cannot be resolved. The message names it and the reason."""


class PlaceholderSyntaxError(PlaceholderError):
    """A string contains a malformed placeholder."""


class UndefinedVariable(PlaceholderError):
    """A `${NAME}` placeholder names an environment variable that is not defined."""

    def __init__(self, names):
        self.names = sorted(names)
        listed = " and ".join(f"${{{name}}}" for name in self.names)
        if len(self.names) == 1:
            message = (
                f"Environment variable {listed} is not defined. "
                "Define it under System → Environment variables."
            )
        else:
            message = (
                f"Environment variables {listed} are not defined. "
                "Define them under System → Environment variables."
            )
        super().__init__(message)


@dataclass(frozen=True)
class Placeholder:
    kind: str
    text: str
    body: str
    segments: tuple = ()

    @property
    def optional(self):
        return self.kind == "?"

    @property
    def is_environment(self):
        return self.kind == "$"


def _find_close(text, start):
    """Return the index of the `}` that closes a placeholder whose body starts
    at `start`, skipping braces inside double-quoted keys; -1 when none."""
    position = start
    in_quotes = False
    while position < len(text):
        char = text[position]
        if in_quotes:
            if char == "\\":
                position += 1
            elif char == '"':
                in_quotes = False
        elif char == '"':
            in_quotes = True
        elif char == "}":
            return position
        position += 1
    return -1


def _snippet(text):
    if len(text) <= SNIPPET_LENGTH:
        return text
    return text[:SNIPPET_LENGTH] + "…"


def _scan(text):
    """Split text into literal strings and placeholders; also return the
    syntax errors found, so one pass reports all of them."""
    parts = []
    errors = []
    literal = []
    position = 0
    while position < len(text):
        opener = text[position : position + 2]
        if opener not in OPENERS:
            literal.append(text[position])
            position += 1
            continue

        close = _find_close(text, position + 2)
        if close == -1:
            errors.append(
                f"The placeholder “{_snippet(text[position:])}” has no closing }}."
            )
            literal.append(text[position:])
            break
        raw = text[position : close + 1]
        placeholder, error = _make_placeholder(
            opener[0], raw, text[position + 2 : close]
        )
        if error:
            errors.append(error)
            literal.append(raw)
        else:
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(placeholder)
        position = close + 1

    if literal:
        parts.append("".join(literal))
    return tuple(parts), errors


def _make_placeholder(kind, raw, body):
    body = body.strip()
    if kind == "$":
        if not ENV_NAME_RE.fullmatch(body):
            return None, (
                f"“{_snippet(raw)}” is not a valid environment variable name: use "
                "capital letters, digits and _, starting with a letter."
            )
        return Placeholder(kind, raw, body), ""

    if not body:
        return None, (
            f"“{raw}” has no path: write the path of a value in the entity, "
            f"such as {kind}{{number}}."
        )
    if body == WHOLE_ENTITY:
        return Placeholder(kind, raw, body, ()), ""
    if body.startswith(WHOLE_ENTITY + "."):
        body = body[len(WHOLE_ENTITY) + 1 :]
    try:
        segments = parse_path(body)
    except PathSyntaxError as error:
        return None, f"“{_snippet(raw)}”: {error}"
    return Placeholder(kind, raw, body, segments), ""


@lru_cache(maxsize=4096)
def parse_template(text):
    """Split text into literal strings and Placeholder objects.

    Raises PlaceholderSyntaxError naming every malformed placeholder.
    """
    parts, errors = _scan(text)
    if errors:
        raise PlaceholderSyntaxError(" ".join(errors))
    return parts


def check_syntax(value):
    """Return one message for each malformed placeholder in `value`.

    `value` is a string or any JSON value, and every string inside it is
    checked. Keys of objects that contain a placeholder are reported too,
    because placeholders in keys are not replaced.
    """
    if isinstance(value, str):
        return _scan(value)[1]

    problems = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and any(opener in key for opener in OPENERS):
                problems.append(
                    f"The key “{_snippet(key)}” contains a placeholder, but "
                    "placeholders are replaced in values only."
                )
            problems.extend(check_syntax(item))
    elif isinstance(value, list):
        for item in value:
            problems.extend(check_syntax(item))
    return problems


def environment_names(value):
    """Return the names of the environment variables that `value` uses."""
    names = set()
    for text in _strings(value):
        if "${" not in text:
            continue
        for part in parse_template(text):
            if isinstance(part, Placeholder) and part.is_environment:
                names.add(part.body)
    return names


def entity_placeholders(value):
    """Return the `&{path}` and `?{path}` placeholders in the strings of
    `value`, each once and in order. Malformed placeholders are left out."""
    found = []
    for text in _strings(value):
        if "&{" not in text and "?{" not in text:
            continue
        parts, _ = _scan(text)
        for part in parts:
            if (
                isinstance(part, Placeholder)
                and not part.is_environment
                and part not in found
            ):
                found.append(part)
    return found


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def resolve(value, entity, environment):
    """Return a copy of `value` with every placeholder in its strings replaced.

    `entity` is the JSON value that `&{path}` and `?{path}` read, and
    `environment` maps environment variable names to their values. Raises
    PlaceholderError naming the first placeholder that cannot be resolved.
    """
    if isinstance(value, str):
        return _resolve_string(value, entity, environment)
    if isinstance(value, dict):
        return {key: resolve(item, entity, environment) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, entity, environment) for item in value]
    return value


def resolve_text(text, entity, environment, *, url_quote=False):
    """Replace the placeholders in `text` and always return text.

    With `url_quote`, values from the entity are percent-encoded so they fit in
    one part of a URL; environment values are inserted as they are, because
    they often contain a part of the path.
    """
    parts = []
    for part in parse_template(text):
        if not isinstance(part, Placeholder):
            parts.append(part)
        elif part.is_environment:
            parts.append(_environment_value(part, environment))
        else:
            formatted = _format(_entity_value(part, entity))
            parts.append(quote(formatted, safe="") if url_quote else formatted)
    return "".join(parts)


def _resolve_string(text, entity, environment):
    if not any(opener in text for opener in OPENERS):
        return text
    parts = parse_template(text)
    if len(parts) == 1 and isinstance(parts[0], Placeholder):
        placeholder = parts[0]
        if placeholder.is_environment:
            return _environment_value(placeholder, environment)
        return copy.deepcopy(_entity_value(placeholder, entity))
    return resolve_text(text, entity, environment)


def _environment_value(placeholder, environment):
    try:
        return environment[placeholder.body]
    except KeyError:
        raise UndefinedVariable([placeholder.body]) from None


def _entity_value(placeholder, entity):
    try:
        return get_path(entity, placeholder.segments)
    except PathNotFound as error:
        if placeholder.optional:
            return None
        raise PlaceholderError(
            f"{placeholder.text} not found in the entity: {error}"
        ) from None


def _format(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return exactjson.dumps(value)

"""Checks that a configuration's GraphQL request must pass before it is saved.

JSON and GraphQL arrive as text typed by a person, so every error names the
line and column where parsing stopped. The variable checks compare the
operation's variable definitions with the values that the variables, the input
transformer and pagination provide. No schema is available when saving, so
types are checked only for the built-in scalars and only for literal values.
"""

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import unquote

from django.core.exceptions import ValidationError
from graphql import GraphQLSyntaxError, parse, print_ast
from graphql.language import (
    ListTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
)

from connections.graphql_tools import used_variable_names
from connections.placeholders import check_syntax

# Placeholders are replaced at run time, so their values cannot be typed now.
PLACEHOLDER_MARKERS = ("${", "&{")

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
# GraphQL's line terminators.
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _reject_constant(name):
    raise ValueError(f"{name} is not a JSON value")


def parse_json(text, *, exact_numbers=False):
    """Parse JSON text and raise ValidationError with the error's line and column.

    NaN, Infinity and NUL characters are rejected as well, because the JSON
    columns of PostgreSQL cannot store them. With `exact_numbers`, numbers
    with a fraction are read as Decimal so that 1234.50 keeps its digits.
    """
    try:
        value = json.loads(
            text,
            parse_constant=_reject_constant,
            parse_float=Decimal if exact_numbers else None,
        )
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"Invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}."
        ) from error
    except ValueError as error:
        raise ValidationError(f"Invalid JSON: {error}.") from error
    except RecursionError as error:
        raise ValidationError(
            "Invalid JSON: the value is nested too deeply."
        ) from error

    if _contains_nul(value):
        raise ValidationError("Invalid JSON: strings must not contain \\u0000.")
    return value


def _contains_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(item) for item in value)
    return False


def describe_json_type(value):
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def parse_json_object(text, *, example='{"first": 50}'):
    """Parse text that must contain a JSON object and return it as a dict.

    Blank text means an empty object. A JSON string whose content is an
    object is accepted too, because that is how some tools export variables.
    """
    if not text or not text.strip():
        return {}

    value = parse_json(text)
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            value = parse_json(value)
        except ValidationError as error:
            raise ValidationError(
                "The text is a JSON string whose content is not a valid JSON "
                f"object. {error.messages[0]}"
            ) from error

    if not isinstance(value, dict):
        raise ValidationError(
            f"Expected a JSON object such as {example}, "
            f"but the text is {describe_json_type(value)}."
        )
    return value


def has_dot_segments(request_uri):
    """Return whether the path of `request_uri` has a "." or ".." segment,
    also percent-encoded (%2e%2e), which would climb out of the base URI."""
    path = request_uri.split("?", 1)[0].split("#", 1)[0]
    return any(unquote(segment) in (".", "..") for segment in path.split("/"))


def parse_graphql(text):
    """Parse a GraphQL document and raise ValidationError with line and column."""
    try:
        return parse(text)
    except GraphQLSyntaxError as error:
        message = error.message.removeprefix("Syntax Error: ")
        if not error.positions:
            raise ValidationError(f"Invalid GraphQL: {message}") from error
        line, column = line_and_column(text, error.positions[0])
        raise ValidationError(
            f"Invalid GraphQL at line {line}, column {column}: {message}"
        ) from error
    except RecursionError as error:
        raise ValidationError(
            "Invalid GraphQL: the query is nested too deeply."
        ) from error


def line_and_column(text, offset):
    """Return the 1-based line and column of a character offset in `text`.

    graphql-core 3.2.7 reports a token at the start of a line as the end of
    the line before, so the location is computed here from the offset.
    """
    lines = LINE_BREAK.split(text[:offset])
    return len(lines), len(lines[-1]) + 1


def select_operation(document, operation_name):
    """Return the operation that a request with `operation_name` would run.

    Raises ValidationError with the field it belongs to ("query" or
    "operation_name") as the error dict key.
    """
    operations = [
        node
        for node in document.definitions
        if isinstance(node, OperationDefinitionNode)
    ]
    names = [node.name.value for node in operations if node.name]

    if not operations:
        raise ValidationError(
            {"query": "The document contains no query or mutation, only fragments."}
        )
    if len(operations) > 1 and len(names) < len(operations):
        # GraphQL's "Lone Anonymous Operation" rule: an operation without a
        # name must be the only one in its document.
        anonymous = len(operations) - len(names)
        raise ValidationError(
            {
                "query": (
                    f"The query contains {len(operations)} operations and "
                    f"{anonymous} of them {'has' if anonymous == 1 else 'have'} no "
                    "name. An operation without a name cannot be chosen by name, so "
                    "name every operation (query Orders { … }) or keep only one "
                    "operation in the document."
                )
            }
        )
    if operation_name:
        for node in operations:
            if node.name and node.name.value == operation_name:
                return node
        listed = ", ".join(names) or "none (its one operation has no name)"
        raise ValidationError(
            {
                "operation_name": (
                    f"The query has no operation named “{operation_name}”. "
                    f"Operations in the query: {listed}."
                )
            }
        )
    if len(operations) > 1:
        raise ValidationError(
            {
                "operation_name": (
                    f"The query contains {len(operations)} operations, so enter the "
                    f"name of the one to run ({', '.join(names)})."
                )
            }
        )
    return operations[0]


@dataclass
class VariableDefinition:
    name: str
    type_node: object
    has_default: bool

    @property
    def type_text(self):
        return print_ast(self.type_node)

    @property
    def required(self):
        return isinstance(self.type_node, NonNullTypeNode) and not self.has_default


def variable_definitions(operation):
    return {
        node.variable.name.value: VariableDefinition(
            name=node.variable.name.value,
            type_node=node.type,
            has_default=node.default_value is not None,
        )
        for node in operation.variable_definitions or ()
    }


def _has_placeholder(value):
    return isinstance(value, str) and any(m in value for m in PLACEHOLDER_MARKERS)


def value_type_problem(type_node, value):
    """Return why a literal JSON value does not fit a GraphQL type, or "".

    Only the built-in scalars are known without the server's schema, so
    enums, input objects and custom scalars always pass.
    """
    if _has_placeholder(value):
        return ""
    if isinstance(type_node, NonNullTypeNode):
        if value is None:
            return "must not be null"
        return value_type_problem(type_node.type, value)
    if value is None:
        return ""
    if isinstance(type_node, ListTypeNode):
        # GraphQL input coercion accepts a single value where a list is expected.
        items = value if isinstance(value, list) else [value]
        for item in items:
            problem = value_type_problem(type_node.type, item)
            if problem:
                return problem
        return ""

    scalar = type_node.name.value
    kind = describe_json_type(value)
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if scalar == "Int":
        if not is_number or value != int(value):
            return f"must be an Int, but the value is {kind}"
        if not INT_MIN <= value <= INT_MAX:
            return "must be an Int, but the value is outside the 32-bit range"
    elif scalar == "Float" and not is_number:
        return f"must be a Float, but the value is {kind}"
    elif scalar == "String" and not isinstance(value, str):
        return f"must be a String, but the value is {kind}"
    elif scalar == "Boolean" and not isinstance(value, bool):
        return f"must be a Boolean, but the value is {kind}"
    elif scalar == "ID" and not (isinstance(value, str) or is_number):
        return f"must be an ID (a string or an integer), but the value is {kind}"
    return ""


@dataclass
class VariableReport:
    """Problems found by `compare_variables`: field name → messages."""

    errors: dict
    warnings: list

    def add_error(self, field_name, message):
        self.errors.setdefault(field_name, []).append(message)


def compare_variables(document, operation, values, names=None):
    """Compare the operation's variable definitions with the variables given.

    `values` maps a field name (such as "variables" or "input_transformer") to
    the dict of values that field provides. `names` maps a field name to a
    variable that the run fills in itself, such as the cursor variable.
    """
    names = names or {}
    report = VariableReport(errors={}, warnings=[])
    definitions = variable_definitions(operation)
    used = used_variable_names(document, operation)
    given_names = {name for field_values in values.values() for name in field_values}
    given_names.update(names.values())

    for name in sorted(used - definitions.keys()):
        report.add_error(
            "query",
            f"The query uses ${name} but does not define it. "
            f"Add it to the operation's variable list, for example (${name}: String).",
        )
    for name in sorted(definitions.keys() - used):
        report.add_error(
            "query",
            f"The query defines ${name} but never uses it, which GraphQL "
            "servers reject. Use it or remove its definition.",
        )

    for name, definition in definitions.items():
        if name in given_names:
            continue
        if definition.required:
            report.add_error(
                "variables",
                f"The query requires ${name}: {definition.type_text}, but no value "
                f'is given. Add "{name}" to the variables.',
            )
        else:
            report.warnings.append(
                f"The query defines ${name}: {definition.type_text} and no value is "
                "given, so the server uses its default (or null)."
            )

    for field_name, field_values in values.items():
        for name, value in field_values.items():
            definition = definitions.get(name)
            if definition is None:
                report.add_error(
                    field_name,
                    f"“{name}” is not a variable of the query. Define ${name} in the "
                    "operation or remove it here.",
                )
                continue
            problem = value_type_problem(definition.type_node, value)
            if problem:
                report.add_error(
                    field_name,
                    f"“{name}” {problem} (the query defines "
                    f"${name}: {definition.type_text}).",
                )

    for field_name, name in names.items():
        if name not in definitions:
            report.add_error(
                field_name,
                f"The query does not define ${name}. Add it to the operation's "
                "variable list and pass it to the field that takes it.",
            )
    return report


def placeholder_problems(value):
    """Return the placeholder syntax errors in `value`, a JSON value, each
    once."""
    problems = []
    for problem in check_syntax(value):
        if problem not in problems:
            problems.append(problem)
    return problems

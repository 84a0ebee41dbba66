"""Facts read from a GraphQL document with graphql-core, without a schema."""

from graphql import GraphQLSyntaxError, OperationDefinitionNode, parse
from graphql.language import SKIP, Visitor, visit


class _VariableUses(Visitor):
    def __init__(self):
        super().__init__()
        self.names = set()

    def enter_variable_definition(self, node, *args):
        # `$first: Int` defines the variable; only later uses count.
        return SKIP

    def enter_variable(self, node, *args):
        self.names.add(node.name.value)


def _operations(document):
    return [
        node
        for node in document.definitions
        if isinstance(node, OperationDefinitionNode)
    ]


def _select(document, operation_name):
    operations = _operations(document)
    if operation_name:
        for node in operations:
            if node.name and node.name.value == operation_name:
                return node
        return None
    return operations[0] if len(operations) == 1 else None


def used_variable_names(document, operation):
    """Return the names of the variables that the operation's selections use.

    Variables inside every fragment of the document count as used, which is
    exact for the usual document with one operation.
    """
    uses = _VariableUses()
    visit(operation, uses)
    for node in document.definitions:
        if node.kind == "fragment_definition":
            visit(node, uses)
    return uses.names


def query_variable_names(query, operation_name=""):
    """Return the names of the variables that the operation uses.

    The operation is the one named `operation_name`, or the only one in the
    document. Variables used inside fragments count too. Returns an empty
    set when the query cannot be parsed or the operation is not found.
    """
    try:
        document = parse(query)
    except GraphQLSyntaxError:
        return set()
    operation = _select(document, operation_name)
    if operation is None:
        return set()

    return used_variable_names(document, operation)


def operation_type(query, operation_name=""):
    """Return "query", "mutation" or "subscription", or "" when unknown.

    A document that cannot be parsed is left to the server to reject, so the
    caller gets "" instead of an exception.
    """
    try:
        document = parse(query)
    except GraphQLSyntaxError:
        return ""
    operation = _select(document, operation_name)
    if operation is None:
        return ""
    return operation.operation.value

"""The sandbox's query complexity: an estimate computed before execution.

Centra reports a complexity figure for every query. The sandbox does not
reproduce Centra's own formula but uses this simple model:

- Every selected field costs 1 point.
- A list field multiplies the cost of its sub-selection by a page size: its
  own `limit`, `first` or `last` argument (with the argument's default when
  left out: 20 for `orders` and `products`, 100 for `events`). The `edges` of
  a connection use the connection's `first` or `last`, or 20 without them.
  Any other list (order lines, markets, countries, ...) counts as 10 items.
- Fragments on different types are all added up, because the cost is known
  before execution, when it is not yet known which type each object has.
- `__typename` and introspection fields (`__schema`, `__type`) are free.

For example `{ orders(limit: 50) { number lines { quantity } } }` costs
1 + 50 × (1 + 1 + 10 × 1) = 601 points.
"""

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLSchema,
    InlineFragmentNode,
    get_named_type,
    get_nullable_type,
    is_interface_type,
    is_object_type,
)
from graphql.execution.values import get_argument_values
from graphql.language import (
    DocumentNode,
    FragmentDefinitionNode,
    OperationDefinitionNode,
)

from sandbox.pagination import DEFAULT_PAGE_SIZE

UNSIZED_LIST_ITEMS = 10
_PAGE_ARGUMENTS = ("first", "last", "limit")


def operation_complexity(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict | None,
) -> int:
    """Return the complexity of one validated operation of `document`."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    root_type = schema.get_root_type(operation.operation)
    walker = _Walker(schema, fragments, variables or {})
    return walker.cost(operation.selection_set, root_type, None)


def mutation_count(operation: OperationDefinitionNode) -> int:
    """Count the root fields of a mutation (0 for queries)."""
    if operation.operation.value != "mutation":
        return 0
    return sum(
        1
        for selection in operation.selection_set.selections
        if isinstance(selection, FieldNode)
        and not selection.name.value.startswith("__")
    )


class _Walker:
    def __init__(self, schema, fragments, variables):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def cost(self, selection_set, parent_type, page_size: int | None) -> int:
        """Sum the cost of a selection set whose lists have `page_size` items."""
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field_cost(selection, parent_type, page_size)
            elif isinstance(selection, InlineFragmentNode):
                fragment_type = parent_type
                if selection.type_condition is not None:
                    fragment_type = self.schema.get_type(
                        selection.type_condition.name.value
                    )
                total += self.cost(selection.selection_set, fragment_type, page_size)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                fragment_type = self.schema.get_type(fragment.type_condition.name.value)
                total += self.cost(fragment.selection_set, fragment_type, page_size)
        return total

    def _field_cost(self, node: FieldNode, parent_type, page_size) -> int:
        name = node.name.value
        if name.startswith("__"):
            return 0
        if not (is_object_type(parent_type) or is_interface_type(parent_type)):
            return 0
        field = parent_type.fields.get(name)
        if field is None or node.selection_set is None:
            return 1

        own_size = self._page_argument(field, node)
        is_list = isinstance(get_nullable_type(field.type), GraphQLList)
        child_type = get_named_type(field.type)

        if is_list:
            size = own_size if own_size is not None else page_size
            multiplier = size if size is not None else UNSIZED_LIST_ITEMS
            return 1 + multiplier * self.cost(node.selection_set, child_type, None)

        # A connection field passes its page size down to its `edges` list.
        if own_size is None and any(arg in field.args for arg in _PAGE_ARGUMENTS):
            own_size = DEFAULT_PAGE_SIZE
        return 1 + self.cost(node.selection_set, child_type, own_size)

    def _page_argument(self, field, node: FieldNode) -> int | None:
        if not any(arg in field.args for arg in _PAGE_ARGUMENTS):
            return None
        try:
            values = get_argument_values(field, node, self.variables)
        except (GraphQLError, TypeError, ValueError):
            return None
        for argument in _PAGE_ARGUMENTS:
            if isinstance(values.get(argument), int):
                return max(0, values[argument])
        return None

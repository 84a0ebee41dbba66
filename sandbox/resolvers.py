"""The executable schema: `schema.graphql` bound to resolvers over the store.

Root fields check the token's permissions. A missing permission raises a
GraphQL error worded like Centra's ("You need Order:read permission to
access orderConnection.") with `extensions.category` "authorization", and
the field's data becomes null while the rest of the query still runs.

Resolver parameters carry the GraphQL argument names, so some of them shadow
builtins (`id`, `input`, `format`).
"""

import functools
from dataclasses import dataclass, field
from pathlib import Path

from graphql import GraphQLError, GraphQLSchema, build_schema

from sandbox import dates, pagination
from sandbox.money import ExactAmount
from sandbox.ratelimit import RateLimiter
from sandbox.store import Store
from sandbox.tokens import AccessToken

SCHEMA_PATH = Path(__file__).with_name("schema.graphql")
MAX_EVENTS = 1000


@dataclass
class RequestContext:
    """Per-request state for resolvers: the caller's token and shared objects."""

    token: AccessToken
    store: Store
    rate_limiter: RateLimiter
    permissions_used: set[str] = field(default_factory=set)


def requires(permission: str):
    """Guard a root resolver with one permission of the request's token."""

    def decorate(resolver):
        @functools.wraps(resolver)
        def guarded(root, info, **arguments):
            context: RequestContext = info.context
            if permission not in context.token.permissions:
                raise GraphQLError(
                    f"You need {permission} permission to access {info.field_name}.",
                    extensions={"category": "authorization"},
                )
            context.permissions_used.add(permission)
            return resolver(root, info, **arguments)

        return guarded

    return decorate


# Queries


@requires("Order:read")
def resolve_orders(_root, info, where=None, sort=None, limit=20, page=1):
    orders, _compare = info.context.store.find_orders(where, sort)
    return pagination.page_of(orders, limit, page)


@requires("Order:read")
def resolve_order_connection(
    _root, info, first=None, last=None, after=None, before=None, where=None, sort=None
):
    store = info.context.store
    orders, compare = store.find_orders(where, sort)
    return pagination.connection(
        orders,
        compare=compare,
        find=lambda key: store.order_by_number(int(key)) if key.isdigit() else None,
        cursor_of=lambda order: pagination.encode_cursor("Order", order["number"]),
        type_name="Order",
        first=first,
        last=last,
        after=after,
        before=before,
    )


@requires("Order:read")
def resolve_order(_root, info, id=None, number=None):
    store = info.context.store
    if number is not None:
        order = store.order_by_number(number)
        if order is not None and id is not None and order["id"] != id:
            return None
        return order
    if id is not None:
        return store.order_by_id(id)
    raise pagination.argument_error("Give the order's id or number.")


@requires("Product:read")
def resolve_products(_root, info, where=None, sort=None, limit=20, page=1):
    products, _compare = info.context.store.find_products(where, sort)
    return pagination.page_of(products, limit, page)


@requires("Product:read")
def resolve_product_connection(
    _root, info, first=None, last=None, after=None, before=None, where=None, sort=None
):
    store = info.context.store
    products, compare = store.find_products(where, sort)
    return pagination.connection(
        products,
        compare=compare,
        find=lambda key: store.product_by_id(int(key)) if key.isdigit() else None,
        cursor_of=lambda product: pagination.encode_cursor("Product", product["id"]),
        type_name="Product",
        first=first,
        last=last,
        after=after,
        before=before,
    )


@requires("Product:read")
def resolve_product(_root, info, id):
    return info.context.store.product_by_id(id)


@requires("Store:read")
def resolve_stores(_root, info):
    return info.context.store.stores


@requires("Market:read")
def resolve_markets(_root, info, where=None, sort=None):
    return info.context.store.find_markets(where, sort)


@requires("Pricelist:read")
def resolve_pricelists(_root, info, where=None, sort=None):
    return info.context.store.find_pricelists(where, sort)


@requires("Currency:read")
def resolve_currencies(_root, info):
    return info.context.store.currencies


def resolve_rate_limits(_root, info):
    return info.context.rate_limiter.snapshot()


@requires("Event:read")
def resolve_events(_root, info, where=None, limit=100):
    pagination.check_page_size("limit", limit, MAX_EVENTS)
    context = info.context
    return context.store.pending_events(context.token.value, where, limit)


@requires("Event:read")
def resolve_event_listeners(_root, info):
    context = info.context
    return context.store.listeners(context.token.value)


# Mutations


@requires("Order:write")
def resolve_confirm_order(_root, info, input):
    return info.context.store.confirm_order(input["order"])


@requires("Order:write")
def resolve_update_consumer_order(_root, info, order, input):
    return info.context.store.update_consumer_order(order, input)


@requires("Event:write")
def resolve_set_event_listeners(_root, info, input):
    context = info.context
    listeners = context.store.set_listeners(context.token.value, input)
    return {"eventListeners": listeners, "userErrors": [], "userWarnings": []}


@requires("Event:write")
def resolve_unset_event_listeners(_root, info, input):
    context = info.context
    listeners = context.store.unset_listeners(context.token.value, input)
    return {"eventListeners": listeners, "userErrors": [], "userWarnings": []}


@requires("Event:write")
def resolve_confirm_events(_root, info, input):
    context = info.context
    return context.store.confirm_events(context.token.value, input["eventsIds"])


# Object fields


def _datetime_field(key: str):
    def resolve(obj, _info, format=None):
        value = obj[key]
        return dates.format_php(value, format) if format else value

    return resolve


def resolve_money_value(money, _info):
    return ExactAmount(money["value"])


def resolve_event_object(event, info):
    return info.context.store.event_object(event)


def resolve_typename(obj, _info, _abstract_type):
    return obj["__typename"]


ROOT_RESOLVERS = {
    "Query": {
        "orders": resolve_orders,
        "orderConnection": resolve_order_connection,
        "order": resolve_order,
        "products": resolve_products,
        "productConnection": resolve_product_connection,
        "product": resolve_product,
        "stores": resolve_stores,
        "markets": resolve_markets,
        "pricelists": resolve_pricelists,
        "currencies": resolve_currencies,
        "rateLimits": resolve_rate_limits,
        "events": resolve_events,
        "eventListeners": resolve_event_listeners,
    },
    "Mutation": {
        "confirmOrder": resolve_confirm_order,
        "updateDirectToConsumerOrder": resolve_update_consumer_order,
        "setEventListeners": resolve_set_event_listeners,
        "unsetEventListeners": resolve_unset_event_listeners,
        "confirmEvents": resolve_confirm_events,
    },
}
DATETIME_FIELDS = {
    "DirectToConsumerOrder": ("orderDate", "createdAt", "updatedAt"),
    "WholesaleOrder": ("orderDate", "createdAt", "updatedAt"),
    "Product": ("createdAt",),
    "Event": ("createdAt",),
}


@functools.cache
def sandbox_schema() -> GraphQLSchema:
    """Build the schema once. It keeps no state, so all servers share it."""
    schema = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))

    for type_name, resolvers in ROOT_RESOLVERS.items():
        fields = schema.get_type(type_name).fields
        for field_name, resolver in resolvers.items():
            fields[field_name].resolve = resolver

    for type_name, field_names in DATETIME_FIELDS.items():
        fields = schema.get_type(type_name).fields
        for field_name in field_names:
            fields[field_name].resolve = _datetime_field(field_name)

    schema.get_type("MonetaryValue").fields["value"].resolve = resolve_money_value
    schema.get_type("Event").fields["object"].resolve = resolve_event_object
    schema.get_type("Order").resolve_type = resolve_typename
    schema.get_type("EventObject").resolve_type = resolve_typename

    datetime_scalar = schema.get_type("DateTimeTz")
    datetime_scalar.serialize = dates.serialize_datetime
    datetime_scalar.parse_value = dates.parse_datetime_value
    datetime_scalar.parse_literal = dates.parse_datetime_literal

    date_scalar = schema.get_type("Date")
    date_scalar.serialize = dates.serialize_date
    date_scalar.parse_value = dates.parse_date_value
    date_scalar.parse_literal = dates.parse_date_literal
    return schema

"""In-memory data of the sandbox: orders, catalogue, events and listeners.

Objects are plain dicts keyed by GraphQL field names (see
`sandbox.generate`). `order_by_number` returns the live dict, so a test can
read `store.order_by_number(3957)["status"]` after a mutation. Writes take
the store's lock, so concurrent requests cannot interleave one change.

Mutation methods return business failures as `userErrors` dicts
(`{"message", "path"}`) in their payload instead of raising.
"""

import functools
import threading
from datetime import UTC, datetime

from sandbox import generate

ORDER_SORT_KEYS = {
    # The hash id carries no order, so id sorts by creation, like Centra's
    # internal ids. Order numbers rise with creation too.
    "id": lambda order: order["number"],
    "number": lambda order: order["number"],
    "orderDate": lambda order: order["orderDate"],
    "createdAt": lambda order: order["createdAt"],
    "updatedAt": lambda order: order["updatedAt"],
}
NAME_OR_ID_SORT_KEYS = {
    "id": lambda item: item["id"],
    "name": lambda item: item["name"].casefold(),
}


def make_compare(sort: list[str] | None, keys: dict, default: str, tie_key: str):
    """Return a cmp function for sort values such as ["orderDate_DESC"].

    Ties are broken by `tie_key` ascending, so the order is total and cursors
    are stable.
    """
    steps = []
    for value in sort or [default]:
        field, _, direction = value.rpartition("_")
        steps.append((keys[field], -1 if direction == "DESC" else 1))
    steps.append((lambda item: item[tie_key], 1))

    def compare(a: dict, b: dict) -> int:
        for key, sign in steps:
            left, right = key(a), key(b)
            if left != right:
                return sign if left > right else -sign
        return 0

    return compare


def sort_items(items: list[dict], compare) -> list[dict]:
    return sorted(items, key=functools.cmp_to_key(compare))


def _in_range(value: datetime, bounds: dict | None) -> bool:
    if not bounds:
        return True
    low, high = bounds.get("from"), bounds.get("to")
    if low is not None and value < low:
        return False
    return high is None or value <= high


def order_matches(order: dict, where: dict | None) -> bool:
    """Tell whether an order passes an `OrderFilter` input."""
    if not where:
        return True

    checks = [
        where.get("id") in (None, order["id"]),
        where.get("number") in (None, order["number"]),
        not where.get("status") or order["status"] in where["status"],
        where.get("storeType") in (None, order["store"]["type"]),
        where.get("storeId") in (None, order["store"]["id"]),
        where.get("marketId") in (None, order["market"]["id"]),
        where.get("isOnHold") in (None, order["isOnHold"]),
        _in_range(order["createdAt"], where.get("createdAt")),
        _in_range(order["orderDate"], where.get("orderDate")),
        _in_range(order["updatedAt"], where.get("updatedAt")),
    ]
    return all(checks)


def user_error(message: str, *path: str) -> dict:
    return {"message": message, "path": list(path)}


class Store:
    """The sandbox's data, rebuilt from the seed by `reset()`."""

    def __init__(self, orders: int = 300, seed: int = 1):
        self.order_count = orders
        self.seed = seed
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Drop every change, event and listener and rebuild the data."""
        dataset = generate.generate(self.order_count, self.seed)
        with self.lock:
            self.stores = dataset.stores
            self.currencies = dataset.currencies
            self.markets = dataset.markets
            self.pricelists = dataset.pricelists
            self.products = dataset.products
            self.orders = dataset.orders
            self._orders_by_number = {o["number"]: o for o in self.orders}
            self._orders_by_id = {o["id"]: o for o in self.orders}
            self._products_by_id = {p["id"]: p for p in self.products}
            # Listeners and queues are kept per access token, because each
            # token represents one integration.
            self._listeners: dict[str, dict[str, set[str]]] = {}
            self._queues: dict[str, dict[int, dict]] = {}
            self._last_event_id = 0

    # Orders

    def order_by_number(self, number: int) -> dict | None:
        return self._orders_by_number.get(number)

    def order_by_id(self, order_id: str) -> dict | None:
        return self._orders_by_id.get(order_id)

    def find_orders(self, where: dict | None, sort: list[str] | None):
        """Return the matching orders, sorted, with the compare function used."""
        compare = make_compare(sort, ORDER_SORT_KEYS, "id_ASC", "number")
        with self.lock:
            matching = [o for o in self.orders if order_matches(o, where)]
        return sort_items(matching, compare), compare

    def _identify_order(self, identifier: dict, path: tuple[str, ...]):
        """Return `(order, user_errors)` for an `OrderIdentifierInput`."""
        order_id, number = identifier.get("id"), identifier.get("number")
        if order_id is None and number is None:
            return None, [user_error("Give the order's id or number.", *path)]

        if number is not None:
            order = self.order_by_number(number)
            if order is None:
                message = f"Order with number {number} was not found."
                return None, [user_error(message, *path, "number")]
        else:
            order = self.order_by_id(order_id)
            if order is None:
                message = f"Order with id '{order_id}' was not found."
                return None, [user_error(message, *path, "id")]

        if order_id is not None and order["id"] != order_id:
            message = f"Order {number} has another id than '{order_id}'."
            return None, [user_error(message, *path, "id")]
        return order, []

    def confirm_order(self, identifier: dict) -> dict:
        """Move a PENDING order to CONFIRMED and return the mutation payload."""
        with self.lock:
            order, errors = self._identify_order(identifier, ("input", "order"))
            if order is not None and order["status"] != "PENDING":
                message = (
                    f"Order {order['number']} cannot be confirmed because its "
                    f"status is {order['status']}. Only PENDING orders can be "
                    "confirmed."
                )
                errors.append(user_error(message, "input", "order"))

            if not errors:
                order["status"] = "CONFIRMED"
                order["updatedAt"] = datetime.now(UTC)
                self.record_change("Order", "UPDATED", order)

        return {"order": order, "userErrors": errors, "userWarnings": []}

    def update_consumer_order(self, identifier: dict, changes: dict) -> dict:
        """Apply a `DirectToConsumerOrderUpdateInput` and return the payload."""
        warnings = []
        with self.lock:
            order, errors = self._identify_order(identifier, ("order",))
            if order is not None and order["__typename"] != "DirectToConsumerOrder":
                message = (
                    f"Order {order['number']} is a wholesale order, not a "
                    "direct-to-consumer order."
                )
                errors.append(user_error(message, "order"))
            if errors:
                return {"order": None, "userErrors": errors, "userWarnings": []}

            on_hold = changes.get("isOnHold")
            if on_hold is None or on_hold == order["isOnHold"]:
                state = "on hold" if order["isOnHold"] else "not on hold"
                message = f"Order {order['number']} is already {state}."
                warnings.append(user_error(message, "input", "isOnHold"))
            else:
                order["isOnHold"] = on_hold
                order["holdStatusChangeReason"] = changes.get("holdStatusChangeReason")
                order["updatedAt"] = datetime.now(UTC)
                self.record_change("Order", "UPDATED", order)

        return {"order": order, "userErrors": [], "userWarnings": warnings}

    # Catalogue

    def product_by_id(self, product_id: int) -> dict | None:
        return self._products_by_id.get(product_id)

    def find_products(self, where: dict | None, sort: list[str] | None):
        where = where or {}
        matching = [
            p
            for p in self.products
            if (not where.get("id") or p["id"] in where["id"])
            and (not where.get("status") or p["status"] in where["status"])
        ]
        compare = make_compare(sort, NAME_OR_ID_SORT_KEYS, "id_ASC", "id")
        return sort_items(matching, compare), compare

    def find_markets(self, where: dict | None, sort: list[str] | None):
        return self._find_in(self.markets, where, sort)

    def find_pricelists(self, where: dict | None, sort: list[str] | None):
        return self._find_in(self.pricelists, where, sort)

    def _find_in(self, items, where, sort) -> list[dict]:
        where = where or {}
        matching = [
            item
            for item in items
            if (not where.get("id") or item["id"] in where["id"])
            and where.get("storeId") in (None, item["store"]["id"])
        ]
        compare = make_compare(sort, NAME_OR_ID_SORT_KEYS, "id_ASC", "id")
        return sort_items(matching, compare)

    # Events

    def listeners(self, token: str) -> list[dict]:
        with self.lock:
            by_type = self._listeners.get(token, {})
            return [
                {"objectType": object_type, "changeTypes": sorted(changes)}
                for object_type, changes in sorted(by_type.items())
                if changes
            ]

    def set_listeners(self, token: str, listeners: list[dict]) -> list[dict]:
        with self.lock:
            by_type = self._listeners.setdefault(token, {})
            for listener in listeners:
                changes = by_type.setdefault(listener["objectType"], set())
                changes.update(listener["changeTypes"])
        return self.listeners(token)

    def unset_listeners(self, token: str, listeners: list[dict]) -> list[dict]:
        with self.lock:
            by_type = self._listeners.get(token, {})
            for listener in listeners:
                changes = by_type.get(listener["objectType"], set())
                if listener["changeTypes"]:
                    changes.difference_update(listener["changeTypes"])
                else:
                    changes.clear()
        return self.listeners(token)

    def record_change(self, object_type: str, change_type: str, obj: dict) -> None:
        """Queue an event for every token that listens to this change."""
        reference = obj["number"] if object_type == "Order" else obj["id"]
        with self.lock:
            for token, by_type in self._listeners.items():
                if change_type not in by_type.get(object_type, ()):
                    continue
                self._last_event_id += 1
                self._queues.setdefault(token, {})[self._last_event_id] = {
                    "id": self._last_event_id,
                    "objectType": object_type,
                    "changeType": change_type,
                    "objectReference": str(reference),
                    "createdAt": datetime.now(UTC),
                }

    def event_object(self, event: dict) -> dict | None:
        """Return the current state of the object an event is about."""
        if event["objectType"] == "Order":
            return self.order_by_number(int(event["objectReference"]))
        return self.product_by_id(int(event["objectReference"]))

    def pending_events(self, token: str, where: dict | None, limit: int):
        """Return the oldest unconfirmed events of a token, oldest first."""
        where = where or {}
        found = []
        with self.lock:
            queue = list(self._queues.get(token, {}).values())

        for event in queue:
            if len(found) >= limit:
                break
            if (
                where.get("objectType")
                and event["objectType"] not in where["objectType"]
            ):
                continue
            if (
                where.get("changeType")
                and event["changeType"] not in where["changeType"]
            ):
                continue
            obj = self.event_object(event)
            if where.get("storeId") is not None and (
                obj is None or obj.get("store", {}).get("id") != where["storeId"]
            ):
                continue
            if where.get("marketId") is not None and (
                obj is None or obj.get("market", {}).get("id") != where["marketId"]
            ):
                continue
            found.append(event)
        return found

    def confirm_events(self, token: str, event_ids: list[int]) -> dict:
        """Remove events from a token's queue. Unknown ids become user errors."""
        errors = []
        with self.lock:
            queue = self._queues.get(token, {})
            for index, event_id in enumerate(event_ids):
                if queue.pop(event_id, None) is None:
                    message = f"Event {event_id} is not in this token's queue."
                    errors.append(user_error(message, "input", "eventsIds", str(index)))
        return {"userErrors": errors, "userWarnings": []}

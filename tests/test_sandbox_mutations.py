"""Changing orders: confirmOrder and updateDirectToConsumerOrder."""

import requests

CONFIRM = """
    mutation Confirm($number: Int) {
      confirmOrder(input: {order: {number: $number}}) {
        order { number status }
        userErrors { message path }
      }
    }
"""
HOLD = """
    mutation Hold($number: Int!, $onHold: Boolean, $reason: String) {
      updateDirectToConsumerOrder(
        order: {number: $number}
        input: {isOnHold: $onHold, holdStatusChangeReason: $reason}
      ) {
        order { number isOnHold }
        userErrors { message path }
        userWarnings { message path }
      }
    }
"""


def post_graphql(sandbox, query, variables=None):
    response = requests.post(
        sandbox.url + "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {sandbox.token}"},
        timeout=10,
    )
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body["errors"]
    return body["data"]


def first_order_number(sandbox, where: str) -> int:
    data = post_graphql(sandbox, f"{{ orders(where: {where}, limit: 1) {{ number }} }}")
    return data["orders"][0]["number"]


def test_confirm_order_moves_status_to_confirmed(sandbox):
    payload = post_graphql(sandbox, CONFIRM, {"number": 3957})["confirmOrder"]

    assert payload == {
        "order": {"number": 3957, "status": "CONFIRMED"},
        "userErrors": [],
    }
    assert sandbox.store.order_by_number(3957)["status"] == "CONFIRMED"


def test_confirmed_order_reads_back_confirmed(sandbox):
    post_graphql(sandbox, CONFIRM, {"number": 3957})

    query = "{ order(number: 3957) { status createdAt updatedAt } }"
    order = post_graphql(sandbox, query)["order"]

    assert order["status"] == "CONFIRMED"
    assert order["updatedAt"] > order["createdAt"]


def test_confirm_order_by_hash_id(sandbox):
    order_id = sandbox.store.order_by_number(3957)["id"]
    mutation = f"""mutation {{
      confirmOrder(input: {{order: {{id: "{order_id}"}}}}) {{
        order {{ id status }}
        userErrors {{ message }}
      }}
    }}"""

    payload = post_graphql(sandbox, mutation)["confirmOrder"]

    assert payload["userErrors"] == []
    assert payload["order"] == {"id": order_id, "status": "CONFIRMED"}


def test_confirm_unknown_order_reports_user_error(sandbox):
    payload = post_graphql(sandbox, CONFIRM, {"number": 12})["confirmOrder"]

    assert payload["order"] is None
    assert payload["userErrors"] == [
        {
            "message": "Order with number 12 was not found.",
            "path": ["input", "order", "number"],
        }
    ]


def test_confirm_twice_reports_user_error(sandbox):
    post_graphql(sandbox, CONFIRM, {"number": 3957})

    payload = post_graphql(sandbox, CONFIRM, {"number": 3957})["confirmOrder"]

    assert len(payload["userErrors"]) == 1
    assert "status is CONFIRMED" in payload["userErrors"][0]["message"]
    assert payload["order"]["status"] == "CONFIRMED"


def test_confirm_cancelled_order_is_rejected(sandbox):
    number = first_order_number(sandbox, "{status: CANCELLED}")

    payload = post_graphql(sandbox, CONFIRM, {"number": number})["confirmOrder"]

    assert "status is CANCELLED" in payload["userErrors"][0]["message"]
    assert sandbox.store.order_by_number(number)["status"] == "CANCELLED"


def test_confirm_without_identifier_reports_user_error(sandbox):
    payload = post_graphql(sandbox, CONFIRM, {"number": None})["confirmOrder"]

    assert payload["userErrors"][0]["message"] == "Give the order's id or number."


def test_hold_puts_order_on_hold(sandbox):
    variables = {"number": 3957, "onHold": True, "reason": "Address check 📦"}

    payload = post_graphql(sandbox, HOLD, variables)["updateDirectToConsumerOrder"]

    assert payload["order"] == {"number": 3957, "isOnHold": True}
    assert payload["userErrors"] == []
    assert payload["userWarnings"] == []
    order = sandbox.store.order_by_number(3957)
    assert order["isOnHold"] is True
    assert order["holdStatusChangeReason"] == "Address check 📦"
    # The hold flag is no status: the order is still pending.
    assert order["status"] == "PENDING"


def test_hold_then_release(sandbox):
    post_graphql(sandbox, HOLD, {"number": 3957, "onHold": True})

    payload = post_graphql(sandbox, HOLD, {"number": 3957, "onHold": False})

    assert payload["updateDirectToConsumerOrder"]["order"]["isOnHold"] is False


def test_hold_without_change_warns(sandbox):
    payload = post_graphql(sandbox, HOLD, {"number": 3957, "onHold": False})
    payload = payload["updateDirectToConsumerOrder"]

    assert payload["userErrors"] == []
    assert payload["userWarnings"][0]["message"] == "Order 3957 is already not on hold."


def test_hold_on_wholesale_order_is_rejected(sandbox):
    number = first_order_number(sandbox, "{storeType: WHOLESALE}")

    payload = post_graphql(sandbox, HOLD, {"number": number, "onHold": True})
    payload = payload["updateDirectToConsumerOrder"]

    assert payload["order"] is None
    assert "is a wholesale order" in payload["userErrors"][0]["message"]
    assert sandbox.store.order_by_number(number)["isOnHold"] is False


def test_hold_on_unknown_order_is_rejected(sandbox):
    payload = post_graphql(sandbox, HOLD, {"number": 99, "onHold": True})
    payload = payload["updateDirectToConsumerOrder"]

    assert payload["userErrors"] == [
        {"message": "Order with number 99 was not found.", "path": ["order", "number"]}
    ]


def test_mutations_in_one_request_run_in_order(sandbox):
    mutation = """mutation {
      first: confirmOrder(input: {order: {number: 3957}}) { order { status } }
      second: confirmOrder(input: {order: {number: 3957}}) {
        userErrors { message }
      }
    }"""

    data = post_graphql(sandbox, mutation)

    assert data["first"]["order"]["status"] == "CONFIRMED"
    assert len(data["second"]["userErrors"]) == 1

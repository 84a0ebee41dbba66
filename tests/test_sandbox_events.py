"""The events feed: listeners, queued events and their confirmation."""

import requests

SET_LISTENERS = """mutation Listen($changes: [EventChangeType!]!) {
  setEventListeners(input: [{objectType: Order, changeTypes: $changes}]) {
    eventListeners { objectType changeTypes }
    userErrors { message path }
  }
}"""
UNSET_LISTENERS = """mutation Stop($changes: [EventChangeType!]!) {
  unsetEventListeners(input: [{objectType: Order, changeTypes: $changes}]) {
    eventListeners { objectType changeTypes }
    userErrors { message path }
  }
}"""
EVENTS = """query Events($limit: Int, $changes: [EventChangeType!]) {
  events(where: {objectType: [Order], changeType: $changes}, limit: $limit) {
    id
    objectType
    changeType
    objectReference
    createdAt
    object {
      ... on Order { number status isOnHold }
    }
  }
}"""
CONFIRM_EVENTS = """mutation Done($ids: [Int!]!) {
  confirmEvents(input: {eventsIds: $ids}) { userErrors { message path } }
}"""
CONFIRM_ORDER = """mutation Confirm($number: Int) {
  confirmOrder(input: {order: {number: $number}}) { userErrors { message } }
}"""
HOLD_ORDER = """mutation Hold($number: Int!) {
  updateDirectToConsumerOrder(order: {number: $number}, input: {isOnHold: true}) {
    userErrors { message }
  }
}"""


def post_graphql(sandbox, query, variables=None, token=None):
    response = requests.post(
        sandbox.url + "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token or sandbox.token}"},
        timeout=10,
    )
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body["errors"]
    return body["data"]


def listen(sandbox, changes=("UPDATED",), token=None):
    return post_graphql(sandbox, SET_LISTENERS, {"changes": list(changes)}, token)


def fetch_events(sandbox, token=None, **variables):
    return post_graphql(sandbox, EVENTS, variables, token)["events"]


def test_confirm_order_queues_updated_event(sandbox):
    listen(sandbox)
    post_graphql(sandbox, CONFIRM_ORDER, {"number": 3957})

    events = fetch_events(sandbox)

    assert len(events) == 1
    event = events[0]
    assert event["objectType"] == "Order"
    assert event["changeType"] == "UPDATED"
    assert event["objectReference"] == "3957"
    assert event["object"] == {"number": 3957, "status": "CONFIRMED", "isOnHold": False}
    assert isinstance(event["id"], int)


def test_no_events_without_listener(sandbox):
    post_graphql(sandbox, CONFIRM_ORDER, {"number": 3957})

    assert fetch_events(sandbox) == []


def test_failed_mutation_queues_no_event(sandbox):
    listen(sandbox)
    post_graphql(sandbox, CONFIRM_ORDER, {"number": 1})

    assert fetch_events(sandbox) == []


def test_events_repeat_until_confirmed(sandbox):
    listen(sandbox)
    post_graphql(sandbox, CONFIRM_ORDER, {"number": 3957})

    first = fetch_events(sandbox)
    second = fetch_events(sandbox)

    assert first == second


def test_confirm_events_removes_them(sandbox):
    listen(sandbox)
    post_graphql(sandbox, CONFIRM_ORDER, {"number": 3957})
    post_graphql(sandbox, HOLD_ORDER, {"number": 3957})
    ids = [event["id"] for event in fetch_events(sandbox)]

    payload = post_graphql(sandbox, CONFIRM_EVENTS, {"ids": ids})

    assert len(ids) == 2
    assert payload["confirmEvents"]["userErrors"] == []
    assert fetch_events(sandbox) == []


def test_events_come_oldest_first_with_limit(sandbox):
    listen(sandbox)
    pending = [o["number"] for o in sandbox.store.orders if o["status"] == "PENDING"]
    for number in pending[:3]:
        post_graphql(sandbox, CONFIRM_ORDER, {"number": number})

    events = fetch_events(sandbox, limit=2)

    assert [e["objectReference"] for e in events] == [str(n) for n in pending[:2]]
    assert events[0]["id"] < events[1]["id"]


def test_event_object_shows_current_state(sandbox):
    listen(sandbox)
    post_graphql(sandbox, CONFIRM_ORDER, {"number": 3957})
    post_graphql(sandbox, HOLD_ORDER, {"number": 3957})

    events = fetch_events(sandbox)

    assert [e["object"]["isOnHold"] for e in events] == [True, True]


def test_confirm_unknown_event_reports_user_error(sandbox):
    payload = post_graphql(sandbox, CONFIRM_EVENTS, {"ids": [404]})

    assert payload["confirmEvents"]["userErrors"] == [
        {
            "message": "Event 404 is not in this token's queue.",
            "path": ["input", "eventsIds", "0"],
        }
    ]


def test_set_event_listeners_is_idempotent(sandbox):
    listen(sandbox, ["UPDATED"])
    data = listen(sandbox, ["UPDATED", "CREATED"])

    assert data["setEventListeners"]["eventListeners"] == [
        {"objectType": "Order", "changeTypes": ["CREATED", "UPDATED"]}
    ]
    query = "{ eventListeners { objectType changeTypes } }"
    listeners = post_graphql(sandbox, query)["eventListeners"]
    assert listeners == [{"objectType": "Order", "changeTypes": ["CREATED", "UPDATED"]}]


def test_unset_event_listeners_stops_queueing(sandbox):
    listen(sandbox, ["UPDATED"])

    data = post_graphql(sandbox, UNSET_LISTENERS, {"changes": ["UPDATED"]})
    post_graphql(sandbox, CONFIRM_ORDER, {"number": 3957})

    assert data["unsetEventListeners"]["eventListeners"] == []
    assert fetch_events(sandbox) == []


def test_events_filter_by_change_type(sandbox):
    listen(sandbox)
    post_graphql(sandbox, CONFIRM_ORDER, {"number": 3957})

    assert fetch_events(sandbox, changes=["CREATED"]) == []
    assert len(fetch_events(sandbox, changes=["UPDATED"])) == 1


def test_each_token_has_its_own_queue(sandbox):
    other = sandbox.add_token(["Order:read", "Event:read", "Event:write"])
    listen(sandbox)
    listen(sandbox, token=other)
    post_graphql(sandbox, CONFIRM_ORDER, {"number": 3957})
    mine = fetch_events(sandbox)

    post_graphql(sandbox, CONFIRM_EVENTS, {"ids": [mine[0]["id"]]})

    assert fetch_events(sandbox) == []
    theirs = fetch_events(sandbox, token=other)
    assert [e["objectReference"] for e in theirs] == ["3957"]


def test_events_need_event_read(sandbox):
    token = sandbox.add_token(["Order:read"])
    response = requests.post(
        sandbox.url + "/graphql",
        json={"query": "{ events { id } }"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )

    body = response.json()
    assert body["data"] == {"events": None}
    assert body["errors"][0]["message"] == (
        "You need Event:read permission to access events."
    )


def test_reset_drops_listeners_and_events(sandbox):
    listen(sandbox)
    post_graphql(sandbox, CONFIRM_ORDER, {"number": 3957})

    sandbox.reset()

    assert fetch_events(sandbox) == []
    assert post_graphql(sandbox, "{ eventListeners { objectType } }") == {
        "eventListeners": []
    }

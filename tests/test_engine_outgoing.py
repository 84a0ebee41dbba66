"""Outgoing runs against the sandbox over HTTP: one mutation per entity."""

import json
from decimal import Decimal

import pytest

from clients.models import HttpClient
from connections.models import (
    EnvironmentVariable,
    IncomingConfiguration,
    OutgoingConfiguration,
    RequestLog,
    Run,
)
from connections.runs import start_run

pytestmark = pytest.mark.django_db

CONFIRM = (
    "mutation ConfirmOrder($number: Int!) { confirmOrder(input: {order: {number: "
    "$number}}) { order { number status } userErrors { message path } } }"
)

HOLD = """
mutation Hold($number: Int!, $reason: String) {
  updateDirectToConsumerOrder(
    order: {number: $number}
    input: {isOnHold: true, holdStatusChangeReason: $reason}
  ) {
    order { number isOnHold }
    userErrors { message path }
  }
}
"""


# With a token that lacks Event:write, an entity whose `events` is true gets
# an authorization error for confirmEvents next to the confirmed order.
CONFIRM_WITH_EVENTS = """
mutation ConfirmWithEvents($number: Int!, $events: Boolean!) {
  confirmOrder(input: {order: {number: $number}}) {
    order { number status }
    userErrors { message path }
  }
  confirmEvents(input: {eventsIds: []}) @include(if: $events) {
    userErrors { message path }
  }
}
"""


@pytest.fixture(autouse=True)
def fast_retries(settings):
    settings.RETRY_BASE_DELAY = 0.01
    settings.RETRY_MAX_DELAY = 0.05


def make_client(sandbox, token=None, **fields):
    client = HttpClient.objects.create(
        name="Sandbox", identifier="sandbox", base_uri=sandbox.url, **fields
    )
    client.set_secret(token or sandbox.token)
    client.save()
    return client


def make_outgoing(client, **fields):
    values = {
        "name": "Confirm orders",
        "identifier": "confirm-orders",
        "client": client,
        "request_uri": "/graphql",
        "query": CONFIRM,
        "variables": {"number": "&{number}"},
    }
    values.update(fields)
    return OutgoingConfiguration.objects.create(**values)


def run_it(configuration, entities=None, source_run=None):
    run = start_run(
        configuration, trigger="test", entities=entities, source_run=source_run
    )
    run.refresh_from_db()
    return run


def test_guide_example_confirms_order(sandbox):
    assert sandbox.store.order_by_number(3957)["status"] == "PENDING"
    configuration = make_outgoing(make_client(sandbox))

    run = run_it(configuration, [{"number": 3957}])

    assert run.status == Run.Status.SUCCEEDED
    assert run.sent_count == 1
    assert run.failed_count == 0
    assert sandbox.store.order_by_number(3957)["status"] == "CONFIRMED"
    body = sandbox.requests_seen[-1].json
    assert body["variables"] == {"number": 3957}
    assert isinstance(body["variables"]["number"], int)
    assert body["query"] == CONFIRM
    entity = run.entities.get()
    assert entity.status == "sent"
    assert entity.error == ""
    assert run.summary == "Sent 1 of 1 entity."


def test_request_log_links_entity(sandbox):
    run = run_it(make_outgoing(make_client(sandbox)), [{"number": 3957}])

    log = run.request_logs.get()
    assert log.entity == run.entities.get()
    assert log.page is None
    assert log.outcome == RequestLog.Outcome.OK
    assert "Order:write" in log.extensions["permissionsUsed"]


def test_user_errors_fail_entity_with_message_and_path(sandbox):
    run = run_it(make_outgoing(make_client(sandbox)), [{"number": 3800}])

    assert run.status == Run.Status.FAILED
    entity = run.entities.get()
    assert entity.status == "failed"
    assert "Order 3800 cannot be confirmed because its status is" in entity.error
    assert "(path: input.order)" in entity.error
    assert run.error.startswith("Entity 1 failed: Centra returned a userError:")
    assert run.request_logs.get().outcome == RequestLog.Outcome.USER_ERROR


def test_mixed_results_make_partial_run(sandbox):
    entities = [{"number": 3957}, {"number": 99999}, {"number": 3805}]

    run = run_it(make_outgoing(make_client(sandbox)), entities)

    assert run.status == Run.Status.PARTIAL
    assert run.sent_count == 2
    assert run.failed_count == 1
    statuses = list(run.entities.values_list("status", flat=True))
    assert statuses == ["sent", "failed", "sent"]
    assert run.error == (
        "Entity 2 failed: Centra returned a userError: Order with number 99999 "
        "was not found. (path: input.order.number)."
    )
    assert run.entities.get(position=2).error == run.error.removeprefix(
        "Entity 2 failed: "
    )


def test_all_failed_make_failed_run(sandbox):
    entities = [{"number": 99998}, {"number": 99999}]

    run = run_it(make_outgoing(make_client(sandbox)), entities)

    assert run.status == Run.Status.FAILED
    assert run.failed_count == 2
    assert run.error.startswith("2 of 2 entities failed. The first, entity 1:")


def test_missing_placeholder_fails_entity_without_request(sandbox):
    entities = [{"numbr": 3957}, {"number": 3805}]

    run = run_it(make_outgoing(make_client(sandbox)), entities)

    first = run.entities.get(position=1)
    assert first.status == "failed"
    assert first.error.startswith("&{number} not found in the entity: Key “number”")
    assert "available keys: numbr" in first.error
    assert run.status == Run.Status.PARTIAL
    assert len(sandbox.requests_seen) == 1


def test_optional_placeholder_sends_null(sandbox):
    configuration = make_outgoing(
        make_client(sandbox),
        query=HOLD,
        variables={"number": "&{number}", "reason": "?{reason}"},
    )

    run = run_it(configuration, [{"number": 3800}])

    assert run.status == Run.Status.SUCCEEDED
    assert sandbox.requests_seen[-1].json["variables"] == {
        "number": 3800,
        "reason": None,
    }


def test_graphql_errors_fail_entity(sandbox):
    token = sandbox.add_token(["Order:read"])

    run = run_it(make_outgoing(make_client(sandbox, token=token)), [{"number": 3957}])

    assert run.status == Run.Status.FAILED
    entity = run.entities.get()
    assert entity.error == (
        "Centra returned a GraphQL error: You need Order:write permission to "
        "access confirmOrder. (path: confirmOrder; category: authorization)."
    )
    assert run.error == f"Entity 1 failed: {entity.error}"
    assert run.request_logs.get().outcome == RequestLog.Outcome.GRAPHQL_ERROR
    assert sandbox.store.order_by_number(3957)["status"] == "PENDING"


def test_graphql_errors_fail_only_their_entity(sandbox):
    token = sandbox.add_token(["Order:write"])
    configuration = make_outgoing(
        make_client(sandbox, token=token),
        query=CONFIRM_WITH_EVENTS,
        variables={"number": "&{number}", "events": "&{events}"},
    )
    entities = [
        {"number": 3957, "events": False},
        {"number": 3805, "events": True},
        {"number": 3806, "events": False},
    ]

    run = run_it(configuration, entities)

    assert run.status == Run.Status.PARTIAL
    assert run.sent_count == 2
    assert run.failed_count == 1
    statuses = list(run.entities.values_list("status", flat=True))
    assert statuses == ["sent", "failed", "sent"]
    failed = run.entities.get(position=2)
    assert failed.error == (
        "Centra returned a GraphQL error: You need Event:write permission to "
        "access confirmEvents. (path: confirmEvents; category: authorization)."
    )
    assert run.error == f"Entity 2 failed: {failed.error}"
    outcomes = list(run.request_logs.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == ["ok", "graphql_error", "ok"]
    assert sandbox.store.order_by_number(3806)["status"] == "CONFIRMED"


def test_empty_errors_list_sends_entity(sandbox):
    sandbox.faults.set(empty_errors=True)

    run = run_it(make_outgoing(make_client(sandbox)), [{"number": 3957}])

    assert run.status == Run.Status.SUCCEEDED
    assert run.entities.get().status == "sent"
    assert run.request_logs.get().outcome == RequestLog.Outcome.OK
    assert sandbox.store.order_by_number(3957)["status"] == "CONFIRMED"


@pytest.mark.parametrize(
    ("fault", "text"),
    [
        ("string_errors", "Internal error: the order service is unavailable."),
        ("object_errors", "Internal error: the pricing service timed out."),
    ],
)
def test_malformed_errors_fail_entities_as_text(sandbox, fault, text):
    sandbox.faults.set(**{fault: True})
    entities = [{"number": 3957}, {"number": 3805}]

    run = run_it(make_outgoing(make_client(sandbox)), entities)

    assert run.status == Run.Status.FAILED
    assert run.request_count == 2
    for entity in run.entities.all():
        assert entity.status == "failed"
        assert entity.error == f"Centra returned a GraphQL error: {text}"
    assert run.error == (
        f"2 of 2 entities failed. The first, entity 1: Centra returned a GraphQL "
        f"error: {text}"
    )
    assert sandbox.store.order_by_number(3957)["status"] == "PENDING"


def test_null_data_fails_entity_as_unknown(sandbox):
    sandbox.faults.set(null_data=True)

    run = run_it(make_outgoing(make_client(sandbox)), [{"number": 3957}])

    assert run.status == Run.Status.FAILED
    assert run.entities.get().error == (
        "Centra returned data: null and no errors, so the response has no result "
        "and does not say why. Whether the mutation was applied is unknown, so "
        "check in Centra before running it again."
    )
    assert run.request_count == 1


def test_refused_token_stops_run(sandbox):
    entities = [{"number": 3957}, {"number": 3805}, {"number": 3806}]

    run = run_it(make_outgoing(make_client(sandbox, token="wrong-token")), entities)

    assert run.status == Run.Status.FAILED
    assert len(sandbox.requests_seen) == 1
    assert run.failed_count == 3
    assert run.error.startswith("The run stopped: Centra refused the token")
    assert run.error.endswith("2 more entities were not sent.")
    last = run.entities.get(position=3)
    assert last.error.startswith("Not sent because the run stopped: Centra refused")


def test_run_without_entities_sends_once(sandbox):
    configuration = make_outgoing(make_client(sandbox), variables={"number": 3957})

    run = run_it(configuration)

    assert run.status == Run.Status.SUCCEEDED
    assert run.entity_count == 1
    assert len(sandbox.requests_seen) == 1
    assert sandbox.store.order_by_number(3957)["status"] == "CONFIRMED"


def incoming_orders(client, numbers):
    configuration = IncomingConfiguration.objects.create(
        name="Orders",
        identifier="orders",
        client=client,
        request_uri="/graphql",
        query=(
            "query Orders($where: OrderFilter) { orders(where: $where, limit: 50, "
            "sort: [number_ASC]) { number grandTotal { value currency { code } } } }"
        ),
        variables={"where": {"number": numbers}} if numbers else {},
        entities_path="data.orders",
    )
    run = start_run(configuration, trigger="test")
    run.refresh_from_db()
    return run


def test_from_run_with_no_entities_sends_nothing(sandbox):
    client = make_client(sandbox)
    source = incoming_orders(client, 1)
    assert source.entity_count == 0

    run = run_it(make_outgoing(client), source_run=source)

    assert run.status == Run.Status.SUCCEEDED
    assert run.summary == "0 entities to send."
    assert len(sandbox.requests_seen) == 1


def test_amounts_republished_with_same_digits(sandbox):
    client = make_client(sandbox)
    source = incoming_orders(client, 3802)
    fetched = source.entities.get().data["grandTotal"]["value"]
    assert str(fetched) == "1151.60"
    configuration = make_outgoing(
        client,
        query=HOLD,
        variables={
            "number": "&{number}",
            "reason": "Total &{grandTotal.value} &{grandTotal.currency.code}",
            "total": "&{grandTotal.value}",
        },
    )

    run = run_it(configuration, source_run=source)

    assert run.status == Run.Status.SUCCEEDED
    variables = sandbox.requests_seen[-1].json["variables"]
    assert variables["total"] == Decimal("1151.60")
    assert str(variables["total"]) == "1151.60"
    assert variables["reason"] == "Total 1151.60 USD"
    order = sandbox.store.order_by_number(3802)
    assert order["holdStatusChangeReason"] == "Total 1151.60 USD"
    assert '"total": 1151.60' in run.request_logs.get().request_body


def test_entities_from_file_keep_digits(sandbox):
    entities = json.loads(
        '[{"number": 3800, "amount": 0.10000000000000000001}]', parse_float=Decimal
    )
    configuration = make_outgoing(
        make_client(sandbox),
        query=HOLD,
        variables={"number": "&{number}", "amount": "&{amount}"},
    )

    run_it(configuration, entities)

    sent = sandbox.requests_seen[-1].json["variables"]["amount"]
    assert str(sent) == "0.10000000000000000001"


def test_text_arrives_intact_in_mutation(sandbox):
    text = 'quote " backslash \\ newline \n Ελληνικά 日本語 🎉'
    configuration = make_outgoing(
        make_client(sandbox),
        query=HOLD,
        variables={"number": "&{number}", "reason": "&{note}"},
    )

    run = run_it(configuration, [{"number": 3800, "note": text}])

    assert run.status == Run.Status.SUCCEEDED
    assert sandbox.store.order_by_number(3800)["holdStatusChangeReason"] == text


def test_environment_variable_fills_value(sandbox):
    variable = EnvironmentVariable(name="HOLD_REASON")
    variable.set_value("Fraud check")
    variable.save()
    configuration = make_outgoing(
        make_client(sandbox),
        query=HOLD,
        variables={"number": "&{number}", "reason": "${HOLD_REASON} for &{number}"},
    )

    run = run_it(configuration, [{"number": 3800}])

    assert run.status == Run.Status.SUCCEEDED
    reason = sandbox.store.order_by_number(3800)["holdStatusChangeReason"]
    assert reason == "Fraud check for 3800"


def test_secret_environment_value_is_masked_in_logs(sandbox):
    variable = EnvironmentVariable(name="HOLD_REASON", secret=True)
    variable.set_value("secret-reason-text")
    variable.save()
    configuration = make_outgoing(
        make_client(sandbox),
        query=HOLD,
        variables={"number": "&{number}", "reason": "${HOLD_REASON}"},
    )

    run = run_it(configuration, [{"number": 3800}])

    assert run.status == Run.Status.SUCCEEDED
    log = run.request_logs.get()
    assert "secret-reason-text" not in log.request_body
    assert "secret-reason-text" not in log.response_body
    assert sandbox.requests_seen[-1].json["variables"]["reason"] == (
        "secret-reason-text"
    )


def test_environment_variable_in_request_uri(sandbox):
    variable = EnvironmentVariable(name="GRAPHQL_PATH")
    variable.set_value("/graphql")
    variable.save()
    configuration = make_outgoing(make_client(sandbox), request_uri="${GRAPHQL_PATH}")

    run = run_it(configuration, [{"number": 3957}])

    assert run.status == Run.Status.SUCCEEDED
    assert run.request_logs.get().url == f"{sandbox.url}/graphql"


def test_undefined_environment_variable_fails_run(sandbox):
    configuration = make_outgoing(
        make_client(sandbox),
        variables={"number": "&{number}", "shop": "${SHOP_ID}"},
    )

    run = run_it(configuration, [{"number": 3957}, {"number": 3805}])

    assert run.status == Run.Status.FAILED
    assert run.error == (
        "Environment variable ${SHOP_ID} is not defined. Define it under "
        "System → Environment variables."
    )
    assert sandbox.requests_seen == []
    assert run.failed_count == 2
    assert set(run.entities.values_list("status", flat=True)) == {"not_sent"}


def test_malformed_placeholder_fails_run(sandbox):
    configuration = make_outgoing(
        make_client(sandbox), variables={"number": "&{number"}
    )

    run = run_it(configuration, [{"number": 3957}])

    assert run.status == Run.Status.FAILED
    assert run.error == (
        "Malformed placeholder in the variables: The placeholder “&{number” "
        "has no closing }."
    )


def test_entity_value_inside_uri_is_quoted(sandbox):
    configuration = make_outgoing(
        make_client(sandbox), request_uri="/graphql?ref=&{ref}"
    )

    run = run_it(configuration, [{"number": 3957, "ref": "a b&c"}])

    assert run.request_logs.get().url == f"{sandbox.url}/graphql?ref=a%20b%26c"
    assert run.status == Run.Status.SUCCEEDED

"""Incoming runs against the sandbox over HTTP: requests, entities, errors."""

import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from clients.models import HttpClient
from connections.models import (
    EnvironmentVariable,
    IncomingConfiguration,
    RequestLog,
    Run,
)
from connections.runs import start_run

pytestmark = pytest.mark.django_db

ORDERS_QUERY = """
query Orders($limit: Int, $page: Int, $where: OrderFilter) {
  orders(limit: $limit, page: $page, where: $where, sort: [number_ASC]) {
    number
    status
    grandTotal { value currency { code } }
  }
}
"""

# Asked with a token that has only Order:read, this query gets the orders
# and an authorization error for each of the other two fields.
PARTIAL_QUERY = """
query Partial {
  orders(limit: 2, sort: [number_ASC]) { number }
  products(limit: 1) { id }
  markets { id }
}
"""
PRODUCTS_ERROR = (
    "You need Product:read permission to access products. "
    "(path: products; category: authorization)"
)
MARKETS_ERROR = (
    "You need Market:read permission to access markets. "
    "(path: markets; category: authorization)"
)

CONNECTION_QUERY = """
query Connection($first: Int, $after: String) {
  orderConnection(first: $first, after: $after, sort: [number_ASC]) {
    pageInfo { hasNextPage endCursor }
    edges { node { number status } }
  }
}
"""


@pytest.fixture(autouse=True)
def fast_retries(settings):
    settings.RETRY_BASE_DELAY = 0.01
    settings.RETRY_MAX_DELAY = 0.05


def make_client(sandbox, token=None, **fields):
    client = HttpClient.objects.create(
        name="Sandbox",
        identifier=f"sandbox-{HttpClient.objects.count() + 1}",
        base_uri=sandbox.url,
        **fields,
    )
    client.set_secret(token or sandbox.token)
    client.save()
    return client


def make_incoming(client, **fields):
    values = {
        "name": "Orders",
        "identifier": f"orders-{IncomingConfiguration.objects.count() + 1}",
        "client": client,
        "request_uri": "/graphql",
        "query": ORDERS_QUERY,
        "variables": {"limit": 5, "where": {"number": 3957}},
        "entities_path": "data.orders",
    }
    values.update(fields)
    return IncomingConfiguration.objects.create(**values)


def run_it(configuration):
    run = start_run(configuration, trigger="test")
    run.refresh_from_db()
    return run


def test_incoming_run_stores_entities(sandbox):
    configuration = make_incoming(make_client(sandbox))

    run = run_it(configuration)

    assert run.status == Run.Status.SUCCEEDED
    assert run.entity_count == 1
    assert run.page_count == 1
    assert run.request_count == 1
    assert run.started is not None
    assert run.finished is not None
    entity = run.entities.get()
    assert entity.data["number"] == 3957
    assert entity.status == "found"
    assert entity.page == 1
    assert run.summary == "1 entity."


def test_incoming_request_body_shape(sandbox):
    configuration = make_incoming(make_client(sandbox), operation_name="Orders")

    run_it(configuration)

    body = sandbox.requests_seen[-1].json
    assert body["query"] == ORDERS_QUERY
    assert body["variables"] == {"limit": 5, "where": {"number": 3957}}
    assert body["operationName"] == "Orders"


def test_empty_operation_name_is_left_out(sandbox):
    run_it(make_incoming(make_client(sandbox)))
    assert "operationName" not in sandbox.requests_seen[-1].json


def test_input_transformer_merges_into_variables(sandbox):
    configuration = make_incoming(
        make_client(sandbox),
        variables={"limit": 5, "where": {"status": ["PENDING"]}},
        input_transformer={"where": {"number": 3957}, "page": 1},
    )

    run = run_it(configuration)

    variables = sandbox.requests_seen[-1].json["variables"]
    assert variables == {
        "limit": 5,
        "where": {"status": ["PENDING"], "number": 3957},
        "page": 1,
    }
    assert run.entity_count == 1


def test_variables_read_input_transformer_values(sandbox):
    configuration = make_incoming(
        make_client(sandbox),
        variables={"limit": 5, "where": {"number": "&{wanted}"}},
        input_transformer={"wanted": 3957},
    )

    run_it(configuration)

    variables = sandbox.requests_seen[-1].json["variables"]
    assert variables["where"] == {"number": 3957}


def test_environment_variables_in_transformer_and_uri(sandbox):
    for name, value in [
        ("ORDER_ID", sandbox.store.order_by_number(3957)["id"]),
        ("GRAPHQL_PATH", "/graphql"),
    ]:
        variable = EnvironmentVariable(name=name)
        variable.set_value(value)
        variable.save()
    configuration = make_incoming(
        make_client(sandbox),
        request_uri="${GRAPHQL_PATH}",
        variables={"limit": 5},
        input_transformer={"where": {"id": "${ORDER_ID}"}},
    )

    run = run_it(configuration)

    assert run.status == Run.Status.SUCCEEDED
    assert run.entities.get().data["number"] == 3957
    assert run.request_logs.get().url == f"{sandbox.url}/graphql"


def test_undefined_environment_variable_fails_incoming_run(sandbox):
    configuration = make_incoming(
        make_client(sandbox), input_transformer={"where": {"id": "${ORDER_ID}"}}
    )

    run = run_it(configuration)

    assert run.status == Run.Status.FAILED
    assert run.error.startswith("Environment variable ${ORDER_ID} is not defined.")
    assert sandbox.requests_seen == []


def test_variables_as_json_string_are_parsed(sandbox):
    configuration = make_incoming(
        make_client(sandbox), variables=json.dumps({"limit": 2, "page": 1})
    )

    run = run_it(configuration)

    assert sandbox.requests_seen[-1].json["variables"] == {"limit": 2, "page": 1}
    assert run.entity_count == 2


def test_variables_as_json_list_fail_clearly(sandbox):
    run = run_it(make_incoming(make_client(sandbox), variables="[1, 2]"))

    assert run.status == Run.Status.FAILED
    assert run.error == (
        "The variables field must contain a JSON object, but it contains a list."
    )
    assert run.request_count == 0


def test_zero_entities_is_success(sandbox):
    configuration = make_incoming(
        make_client(sandbox), variables={"where": {"number": 1}}
    )

    run = run_it(configuration)

    assert run.status == Run.Status.SUCCEEDED
    assert run.entity_count == 0
    assert run.summary == "0 entities at data.orders."
    assert run.error == ""


def test_wrong_entities_path_names_missing_key(sandbox):
    configuration = make_incoming(
        make_client(sandbox),
        query=CONNECTION_QUERY,
        variables={"first": 2},
        entities_path="data.orderConnectio.edges.*.node",
    )

    run = run_it(configuration)

    assert run.status == Run.Status.FAILED
    assert (
        "Key “orderConnectio” not found at data; available keys: orderConnection"
        in (run.error)
    )


def test_wildcard_entities_path_maps_edges(sandbox):
    configuration = make_incoming(
        make_client(sandbox),
        query=CONNECTION_QUERY,
        variables={"first": 3},
        entities_path="data.orderConnection.edges.*.node",
    )

    run = run_it(configuration)

    assert run.status == Run.Status.SUCCEEDED
    numbers = [entity.data["number"] for entity in run.entities.all()]
    assert numbers == [3800, 3801, 3802]


def test_entities_path_at_object_is_one_entity(sandbox):
    configuration = make_incoming(
        make_client(sandbox),
        query="query One($n: Int) { order(number: $n) { number status } }",
        variables={"n": 3957},
        entities_path="data.order",
    )

    run = run_it(configuration)

    assert run.status == Run.Status.SUCCEEDED
    assert run.entities.get().data == {"number": 3957, "status": "PENDING"}


def test_entities_path_at_null_is_zero_entities(sandbox):
    configuration = make_incoming(
        make_client(sandbox),
        query="query One($n: Int) { order(number: $n) { number } }",
        variables={"n": 1},
        entities_path="data.order",
    )

    run = run_it(configuration)

    assert run.status == Run.Status.SUCCEEDED
    assert run.entity_count == 0


def test_entities_path_at_scalar_fails(sandbox):
    configuration = make_incoming(
        make_client(sandbox),
        query="query One($n: Int) { order(number: $n) { number } }",
        variables={"n": 3957},
        entities_path="data.order.number",
    )

    run = run_it(configuration)

    assert run.status == Run.Status.FAILED
    assert run.error == (
        "The entities path data.order.number leads to a number, not to a list or "
        "an object of entities."
    )


def test_graphql_errors_fail_run(sandbox):
    token = sandbox.add_token(["Product:read"])
    run = run_it(make_incoming(make_client(sandbox, token=token)))

    assert run.status == Run.Status.FAILED
    assert "Order:read" in run.error
    assert "category: " in run.error
    assert run.entity_count == 0


def test_partial_data_fails_by_default(sandbox):
    token = sandbox.add_token(["Order:read"])
    configuration = make_incoming(
        make_client(sandbox, token=token), query=PARTIAL_QUERY, variables={}
    )

    run = run_it(configuration)

    assert run.status == Run.Status.FAILED
    assert run.error == (
        f"Centra returned 2 GraphQL errors: 1) {PRODUCTS_ERROR} 2) "
        f"{MARKETS_ERROR}. The response also has partial data, which is kept "
        "only when “Accept partial data” is on."
    )
    assert run.entity_count == 0
    log = run.request_logs.get()
    assert log.status_code == 200
    assert log.outcome == RequestLog.Outcome.GRAPHQL_ERROR


def test_partial_data_accepted_keeps_entities(sandbox):
    token = sandbox.add_token(["Order:read"])
    configuration = make_incoming(
        make_client(sandbox, token=token),
        query=PARTIAL_QUERY,
        variables={},
        accept_partial_data=True,
    )

    run = run_it(configuration)

    assert run.status == Run.Status.PARTIAL
    assert run.entity_count == 2
    assert [entity.data for entity in run.entities.all()] == [
        {"number": 3800},
        {"number": 3801},
    ]
    assert run.error == (
        "Centra returned GraphQL errors with partial data. The entities it "
        f"returned were kept. 1) page 1: {PRODUCTS_ERROR} 2) page 1: "
        f"{MARKETS_ERROR}"
    )
    assert run.summary == "2 entities."


def test_string_errors_are_shown_as_text(sandbox):
    sandbox.faults.set(string_errors=True)

    run = run_it(make_incoming(make_client(sandbox)))

    assert run.status == Run.Status.FAILED
    assert run.error == (
        "Centra returned a GraphQL error: Internal error: the order service is "
        "unavailable."
    )
    assert run.request_logs.get().outcome == RequestLog.Outcome.GRAPHQL_ERROR


def test_object_errors_are_shown_as_text(sandbox):
    sandbox.faults.set(object_errors=True)

    run = run_it(make_incoming(make_client(sandbox)))

    assert run.status == Run.Status.FAILED
    assert run.error == (
        "Centra returned a GraphQL error: Internal error: the pricing service "
        "timed out."
    )
    assert run.entity_count == 0
    assert run.request_logs.get().outcome == RequestLog.Outcome.GRAPHQL_ERROR


def test_empty_errors_list_is_success(sandbox):
    sandbox.faults.set(empty_errors=True)

    run = run_it(make_incoming(make_client(sandbox)))

    assert run.status == Run.Status.SUCCEEDED
    assert run.error == ""
    assert run.entities.get().data["number"] == 3957
    log = run.request_logs.get()
    assert log.outcome == RequestLog.Outcome.OK
    assert '"errors": []' in log.response_body


def test_null_data_fails_clearly(sandbox):
    sandbox.faults.set(null_data=True)

    run = run_it(make_incoming(make_client(sandbox)))

    assert run.status == Run.Status.FAILED
    assert run.error == (
        "Centra returned data: null and no errors, so the response has no result "
        "and does not say why."
    )
    assert run.entity_count == 0
    assert run.request_count == 1
    assert run.request_logs.get().outcome == RequestLog.Outcome.INVALID_RESPONSE


def test_html_answer_is_named_and_kept(sandbox):
    sandbox.faults.set(html_error=True)

    run = run_it(make_incoming(make_client(sandbox)))

    assert run.status == Run.Status.FAILED
    assert run.error == (
        "Centra responded with HTTP 200 OK and an HTML page titled “502 Bad "
        "Gateway” instead of JSON. Check that the request URI points at the "
        "GraphQL endpoint and that no proxy or login page is in between."
    )
    log = run.request_logs.get()
    assert "<html>" in log.response_body
    assert log.outcome == RequestLog.Outcome.INVALID_RESPONSE


def test_truncated_answer_is_named(sandbox):
    sandbox.faults.set(truncated_body=True)

    run = run_it(make_incoming(make_client(sandbox)))

    assert run.status == Run.Status.FAILED
    assert "looks cut off" in run.error
    assert run.request_logs.get().response_body != ""


def test_refused_token_message(sandbox):
    run = run_it(make_incoming(make_client(sandbox, token="not-a-real-token")))

    assert run.status == Run.Status.FAILED
    assert run.error.startswith("Centra refused the token (HTTP 401 Unauthorized)")
    assert run.request_logs.get().status_code == 401


def test_not_found_message(sandbox):
    run = run_it(make_incoming(make_client(sandbox), request_uri="/graphq"))

    assert run.status == Run.Status.FAILED
    assert run.error.startswith("Not found (HTTP 404 Not Found)")
    assert "/graphq" in run.error
    assert "was not found" in run.request_logs.get().response_body


def test_server_error_message_keeps_body(sandbox):
    sandbox.faults.set(error_rate=1.0, error_statuses=[500])

    run = run_it(make_incoming(make_client(sandbox), max_attempts=1))

    assert run.status == Run.Status.FAILED
    assert run.error == (
        "Centra responded with HTTP 500 Internal Server Error. The request log "
        "keeps the request and the response body. Try again later. If the error "
        "persists, report it to Centra with the request and the response from "
        "the request log."
    )
    assert run.request_count == 1
    assert "500" in run.request_logs.get().response_body


def test_get_sends_query_as_url_parameters(sandbox):
    configuration = make_incoming(make_client(sandbox), method="GET")

    run = run_it(configuration)

    log = run.request_logs.get()
    assert log.method == "GET"
    params = parse_qs(urlsplit(log.url).query)
    assert params["query"] == [ORDERS_QUERY]
    assert json.loads(params["variables"][0]) == {"limit": 5, "where": {"number": 3957}}
    assert "operationName" not in params
    assert sandbox.requests_seen[-1].method == "GET"
    # The sandbox, like Centra's endpoint, accepts POST only.
    assert run.status == Run.Status.FAILED
    assert "HTTP 405" in run.error


def test_request_log_records_the_exchange(sandbox):
    run = run_it(make_incoming(make_client(sandbox)))

    log = run.request_logs.get()
    assert log.method == "POST"
    assert log.url == f"{sandbox.url}/graphql"
    assert log.status_code == 200
    assert log.attempt == 1
    assert log.page == 1
    assert log.outcome == RequestLog.Outcome.OK
    assert log.bodies_stored
    assert json.loads(log.request_body)["variables"]["where"] == {"number": 3957}
    assert log.response_body.startswith('{\n  "data": {')
    assert log.extensions["complexity"] > 0
    assert "Order:read" in log.extensions["permissionsUsed"]
    assert log.duration_ms is not None
    assert log.response_size > len(b'{"data": {"orders": []}}')
    assert not log.body_truncated


def test_request_log_masks_token(sandbox):
    run = run_it(make_incoming(make_client(sandbox)))

    log = run.request_logs.get()
    assert sandbox.token not in json.dumps(log.request_headers)
    assert log.request_headers["Authorization"] != f"Bearer {sandbox.token}"


def test_metadata_logging_stores_no_bodies(sandbox):
    client = make_client(sandbox, logging=HttpClient.Logging.METADATA)

    run = run_it(make_incoming(client))

    log = run.request_logs.get()
    assert not log.bodies_stored
    assert log.request_body == ""
    assert log.response_body == ""
    assert log.status_code == 200
    assert log.response_size > 0


def test_logging_off_stores_only_failed_attempts(sandbox):
    client = make_client(sandbox, logging=HttpClient.Logging.OFF)
    sandbox.faults.set(fail_next=1, fail_status=503)

    run = run_it(make_incoming(client))

    assert run.status == Run.Status.SUCCEEDED
    assert run.request_count == 2
    log = run.request_logs.get()
    assert log.status_code == 503
    assert log.attempt == 1
    assert not log.bodies_stored
    assert log.response_body == ""


def test_long_body_is_cut_with_full_size(sandbox, settings):
    settings.REQUEST_LOG_BODY_LIMIT = 200
    configuration = make_incoming(make_client(sandbox), variables={"limit": 20})

    run = run_it(configuration)

    log = run.request_logs.get()
    assert log.body_truncated
    assert len(log.response_body.encode()) <= 200
    assert log.response_size > 1000
    assert run.entity_count == 20


def test_amounts_keep_their_digits(sandbox):
    configuration = make_incoming(make_client(sandbox), variables={"limit": 50})

    run = run_it(configuration)

    values = [entity.data["grandTotal"]["value"] for entity in run.entities.all()]
    assert all(isinstance(value, Decimal | int) for value in values)
    with_cents = [value for value in values if isinstance(value, Decimal)]
    assert with_cents
    # The sandbox writes amounts with the currency's decimals, so trailing
    # zeros come back from the database as they were sent.
    for entity in run.entities.all():
        order = sandbox.store.order_by_number(entity.data["number"])
        assert str(entity.data["grandTotal"]["value"]) == str(
            order["grandTotal"]["value"]
        )


def test_text_arrives_intact(sandbox):
    text = 'quote " backslash \\ newline \n 日本語 🎉'
    configuration = make_incoming(
        make_client(sandbox),
        query="query One($n: Int, $note: String) { order(number: $n) { number } }",
        variables={"n": 3957, "note": text},
        entities_path="data.order",
    )

    run_it(configuration)

    assert sandbox.requests_seen[-1].json["variables"]["note"] == text

"""Pagination of incoming runs against the sandbox's 300 orders (3800..4099)."""

import pytest

from clients.models import HttpClient
from connections.models import IncomingConfiguration, Run
from connections.runs import start_run

pytestmark = pytest.mark.django_db

CONNECTION_QUERY = """
query Connection($first: Int, $after: String) {
  orderConnection(first: $first, after: $after, sort: [number_ASC]) {
    pageInfo { hasNextPage endCursor }
    edges { node { number } }
  }
}
"""

PAGE_QUERY = """
query Orders($limit: Int, $page: Int) {
  orders(limit: $limit, page: $page, sort: [number_ASC]) { number }
}
"""


# Asked with a token that has only Order:read, every page gets its orders
# and an authorization error for products.
PARTIAL_CONNECTION_QUERY = """
query Connection($first: Int, $after: String) {
  orderConnection(first: $first, after: $after, sort: [number_ASC]) {
    pageInfo { hasNextPage endCursor }
    edges { node { number } }
  }
  products(limit: 1) { id }
}
"""
PRODUCTS_ERROR = (
    "You need Product:read permission to access products. "
    "(path: products; category: authorization)"
)


@pytest.fixture(autouse=True)
def fast_retries(settings):
    settings.RETRY_BASE_DELAY = 0.01
    settings.RETRY_MAX_DELAY = 0.05


def make_client(sandbox, token=None):
    client = HttpClient.objects.create(
        name="Sandbox", identifier="sandbox", base_uri=sandbox.url
    )
    client.set_secret(token or sandbox.token)
    client.save()
    return client


def faults_from_request(monkeypatch, sandbox, number, **options):
    """Switch the sandbox's faults to `options` at its `number`th request, so
    the pages before it are answered normally."""
    plan = sandbox.faults.plan
    planned = 0

    def plan_and_switch():
        nonlocal planned
        planned += 1
        if planned == number:
            sandbox.faults.set(**options)
        return plan()

    monkeypatch.setattr(sandbox.faults, "plan", plan_and_switch)


def cursor_configuration(sandbox, token=None, **fields):
    values = {
        "name": "Orders by cursor",
        "identifier": "orders-by-cursor",
        "client": make_client(sandbox, token),
        "request_uri": "/graphql",
        "query": CONNECTION_QUERY,
        "variables": {"first": 50},
        "entities_path": "data.orderConnection.edges.*.node",
        "pagination": IncomingConfiguration.Pagination.CURSOR,
        "has_next_path": "data.orderConnection.pageInfo.hasNextPage",
        "end_cursor_path": "data.orderConnection.pageInfo.endCursor",
        "cursor_variable": "after",
    }
    values.update(fields)
    return IncomingConfiguration.objects.create(**values)


def page_configuration(sandbox, **fields):
    values = {
        "name": "Orders by page",
        "identifier": "orders-by-page",
        "client": make_client(sandbox),
        "request_uri": "/graphql",
        "query": PAGE_QUERY,
        "variables": {"limit": 70},
        "entities_path": "data.orders",
        "pagination": IncomingConfiguration.Pagination.PAGE,
        "page_variable": "page",
        "page_size": 70,
    }
    values.update(fields)
    return IncomingConfiguration.objects.create(**values)


def run_it(configuration):
    run = start_run(configuration, trigger="test")
    run.refresh_from_db()
    return run


def numbers(run):
    return [entity.data["number"] for entity in run.entities.all()]


def test_cursor_pagination_fetches_every_page(sandbox):
    run = run_it(cursor_configuration(sandbox))

    assert run.status == Run.Status.SUCCEEDED
    assert run.entity_count == 300
    assert numbers(run) == list(range(3800, 4100))
    assert run.page_count == 6
    assert [page["entities"] for page in run.pages] == [50] * 6
    assert run.pages[0]["cursor"] is None
    assert run.pages[1]["cursor"] is not None
    assert run.summary == "300 entities on 6 pages."


def test_cursor_is_sent_in_cursor_variable(sandbox):
    run = run_it(cursor_configuration(sandbox))

    sent = [seen.json["variables"] for seen in sandbox.requests_seen]
    assert "after" not in sent[0]
    assert sent[1]["after"] == run.pages[1]["cursor"]
    assert sent[1]["first"] == 50


def test_entities_record_their_page(sandbox):
    run = run_it(cursor_configuration(sandbox))

    pages = list(run.entities.values_list("page", flat=True))
    assert pages == [page for page in range(1, 7) for _ in range(50)]
    assert list(run.request_logs.order_by("pk").values_list("page", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]


def test_page_pagination_stops_at_short_page(sandbox):
    run = run_it(page_configuration(sandbox))

    assert run.status == Run.Status.SUCCEEDED
    assert [page["entities"] for page in run.pages] == [70, 70, 70, 70, 20]
    assert numbers(run) == list(range(3800, 4100))
    sent = [seen.json["variables"]["page"] for seen in sandbox.requests_seen]
    assert sent == [1, 2, 3, 4, 5]


def test_page_pagination_stops_at_empty_page(sandbox):
    configuration = page_configuration(
        sandbox, variables={"limit": 100}, page_size=None
    )

    run = run_it(configuration)

    assert run.status == Run.Status.SUCCEEDED
    assert [page["entities"] for page in run.pages] == [100, 100, 100, 0]
    assert run.entity_count == 300


def test_page_pagination_starts_at_given_page(sandbox):
    configuration = page_configuration(sandbox, variables={"limit": 100, "page": 3})

    run = run_it(configuration)

    assert numbers(run) == list(range(4000, 4100))
    assert sandbox.requests_seen[0].json["variables"]["page"] == 3


def test_nested_page_variable_and_identical_pages(sandbox):
    # The query never reads $paging, so every page is the first page again.
    configuration = page_configuration(
        sandbox,
        variables={"limit": 10},
        page_size=10,
        page_variable="paging.page",
    )

    run = run_it(configuration)

    sent = [seen.json["variables"] for seen in sandbox.requests_seen]
    assert sent[0]["paging"] == {"page": 1}
    assert sent[1]["paging"] == {"page": 2}
    assert run.status == Run.Status.PARTIAL
    assert run.error == (
        "Stopped after page 2: it contains the same entities as page 1. Check "
        "that the query passes the $paging.page variable to the field that pages."
    )
    assert run.entity_count == 20


def test_max_pages_stops_with_message(sandbox):
    run = run_it(cursor_configuration(sandbox, variables={"first": 10}, max_pages=3))

    assert run.status == Run.Status.PARTIAL
    assert run.error == (
        "Stopped after 3 pages (the configured maximum); more pages remain."
    )
    assert run.entity_count == 30
    assert len(sandbox.requests_seen) == 3


def test_max_pages_in_page_mode_says_may_remain(sandbox):
    run = run_it(page_configuration(sandbox, max_pages=2))

    assert run.status == Run.Status.PARTIAL
    assert run.error.endswith("more pages may remain.")
    assert run.entity_count == 140


def test_null_cursor_stops(sandbox):
    query = """
    query Connection($first: Int, $after: String) {
      orderConnection(first: $first, after: $after, sort: [number_ASC]) {
        pageInfo { hasNextPage }
        edges { node { number } }
      }
      missing: order(number: 1) { id }
    }
    """
    configuration = cursor_configuration(
        sandbox, query=query, end_cursor_path="data.missing"
    )

    run = run_it(configuration)

    assert run.status == Run.Status.PARTIAL
    assert run.error == (
        "Stopped after page 1: hasNextPage is true but the end cursor at "
        "data.missing is null, so the next page cannot be requested."
    )
    assert run.entity_count == 50


def test_repeated_cursor_stops(sandbox):
    # The end cursor is read from a second connection that always starts at
    # the first order, so page 2 reports the cursor of page 1 again.
    query = """
    query Connection($first: Int, $after: String) {
      orderConnection(first: $first, after: $after, sort: [number_ASC]) {
        pageInfo { hasNextPage }
        edges { node { number } }
      }
      fixed: orderConnection(first: 1, sort: [number_ASC]) {
        pageInfo { endCursor }
      }
    }
    """
    configuration = cursor_configuration(
        sandbox,
        query=query,
        variables={"first": 2},
        end_cursor_path="data.fixed.pageInfo.endCursor",
    )

    run = run_it(configuration)

    assert run.status == Run.Status.PARTIAL
    assert run.error.startswith("Stopped after page 2: Centra returned the end cursor")
    assert run.error.endswith("again, which would fetch the same page in a loop.")
    assert numbers(run) == [3800, 3801, 3801, 3802]


def test_missing_has_next_path_stops(sandbox):
    configuration = cursor_configuration(
        sandbox, has_next_path="data.orderConnection.pageInfo.hasNext"
    )

    run = run_it(configuration)

    assert run.status == Run.Status.PARTIAL
    assert "Key “hasNext” not found at data.orderConnection.pageInfo" in run.error


def test_missing_pagination_setting_fails(sandbox):
    run = run_it(cursor_configuration(sandbox, cursor_variable=""))

    assert run.status == Run.Status.FAILED
    assert run.error == (
        "Pagination needs a cursor variable. Enter it in the configuration or "
        "switch pagination off."
    )
    assert sandbox.requests_seen == []


def test_failure_on_later_page_keeps_earlier_entities(sandbox):
    # The sandbox draws its failures from a sequence fixed by its seed. With
    # this rate, the first few pages pass and a later one gets a 500. One
    # attempt per page keeps the retry of 500 from hiding the failure.
    sandbox.faults.set(error_rate=0.13, error_statuses=[500])
    configuration = page_configuration(
        sandbox, variables={"limit": 10}, page_size=10, max_attempts=1
    )

    run = run_it(configuration)

    assert run.status == Run.Status.PARTIAL
    failed_page = run.page_count + 1
    assert run.error.startswith(
        f"Page {failed_page} failed: Centra responded with HTTP 500 Internal "
        "Server Error. The request log keeps"
    )
    assert run.entity_count == run.page_count * 10
    assert run.entity_count > 0


def test_null_data_on_later_page_stops(sandbox, monkeypatch):
    faults_from_request(monkeypatch, sandbox, 2, null_data=True)

    run = run_it(cursor_configuration(sandbox))

    assert run.status == Run.Status.PARTIAL
    assert run.error == (
        "Page 2 failed: Centra returned data: null and no errors, so the response "
        "has no result and does not say why."
    )
    assert run.entity_count == 50
    assert run.page_count == 1
    assert run.summary == "50 entities kept from 1 page."
    assert len(sandbox.requests_seen) == 2


def test_null_data_on_first_page_fails(sandbox):
    sandbox.faults.set(null_data=True)

    run = run_it(cursor_configuration(sandbox))

    assert run.status == Run.Status.FAILED
    assert run.error.startswith("Centra returned data: null and no errors")
    assert run.entity_count == 0
    assert len(sandbox.requests_seen) == 1


def test_accepted_errors_kept_when_later_page_fails(sandbox, monkeypatch):
    token = sandbox.add_token(["Order:read"])
    configuration = cursor_configuration(
        sandbox,
        token,
        query=PARTIAL_CONNECTION_QUERY,
        accept_partial_data=True,
    )
    faults_from_request(monkeypatch, sandbox, 3, error_rate=1.0, error_statuses=[500])

    run = run_it(configuration)

    assert run.status == Run.Status.PARTIAL
    assert run.error.startswith(
        "Page 3 failed: Centra responded with HTTP 500 Internal Server Error. "
        "Gave up after 3 attempts."
    )
    assert run.error.endswith(
        "Before that, Centra returned GraphQL errors with partial data: "
        f"1) page 1: {PRODUCTS_ERROR} 2) page 2: {PRODUCTS_ERROR}"
    )
    assert run.entity_count == 100
    assert run.summary == "100 entities kept from 2 pages."


def test_accepted_errors_kept_at_max_pages(sandbox):
    token = sandbox.add_token(["Order:read"])
    configuration = cursor_configuration(
        sandbox,
        token,
        query=PARTIAL_CONNECTION_QUERY,
        accept_partial_data=True,
        max_pages=2,
    )

    run = run_it(configuration)

    assert run.status == Run.Status.PARTIAL
    assert run.error == (
        "Stopped after 2 pages (the configured maximum); more pages remain. "
        "Before that, Centra returned GraphQL errors with partial data: "
        f"1) page 1: {PRODUCTS_ERROR} 2) page 2: {PRODUCTS_ERROR}"
    )
    assert run.entity_count == 100


def test_accepted_errors_kept_when_null_data_stops(sandbox, monkeypatch):
    token = sandbox.add_token(["Order:read"])
    configuration = cursor_configuration(
        sandbox,
        token,
        query=PARTIAL_CONNECTION_QUERY,
        accept_partial_data=True,
    )
    faults_from_request(monkeypatch, sandbox, 2, null_data=True)

    run = run_it(configuration)

    assert run.status == Run.Status.PARTIAL
    assert run.error.startswith("Page 2 failed: Centra returned data: null")
    assert run.error.endswith(
        "Before that, Centra returned GraphQL errors with partial data: "
        f"1) page 1: {PRODUCTS_ERROR}"
    )
    assert run.entity_count == 50

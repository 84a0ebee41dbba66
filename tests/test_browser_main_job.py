"""The main job in a real browser: client, incoming, outgoing, runs, logs."""

import pytest

from connections.models import Run

sync_api = pytest.importorskip("playwright.sync_api")

PENDING_ORDERS = """query PendingOrders($limit: Int!) {
  orders(limit: $limit, where: {status: [PENDING]}) {
    id
    number
    status
  }
}"""

CONFIRM_ORDER = """mutation ConfirmOrder($number: Int!) {
  confirmOrder(input: {order: {number: $number}}) {
    order { number status }
    userErrors { message path }
  }
}"""


def _wait_for_finished_run(page):
    page.wait_for_selector(
        "#run-live .badge:text-matches('Succeeded|Failed|Partial')",
        timeout=30_000,
    )
    return Run.objects.get(code=page.url.rstrip("/").split("/")[-1])


def test_user_configures_runs_and_inspects_main_job(page, live_server, sandbox):
    base = live_server.url

    # Step 1: a Centra GraphQL client for the sandbox.
    page.goto(base + "/clients/http/add/?prototype=centra_graphql")
    page.fill("#id_name", "Sandbox store")
    page.fill("#id_base_uri", sandbox.url)
    page.fill("#id_secret", sandbox.token)
    page.click("button[name=continue]")
    page.wait_for_selector("text=Sandbox store")
    assert sandbox.token not in page.content()

    # Step 2: an incoming configuration that pulls pending orders.
    page.goto(base + "/connections/incoming/add/")
    page.fill("#id_name", "Pending orders")
    page.fill("#id_request_uri", "/graphql")
    page.fill("#id_query", PENDING_ORDERS)
    page.fill("#id_variables", '{"limit": 20}')
    page.fill("#id_entities_path", "data.orders")
    page.select_option("#id_client", label="Sandbox store")
    page.click("button[name=_continue]")
    page.wait_for_selector(".alert-success")

    page.click("form[action$='/run/'] button[type=submit]")
    run = _wait_for_finished_run(page)
    assert run.status == Run.Status.SUCCEEDED
    assert run.entity_count == 20
    assert "20 entities" in page.inner_text("body")

    # Step 3: an outgoing configuration that confirms order 3957.
    page.goto(base + "/connections/outgoing/add/")
    page.fill("#id_name", "Confirm order")
    page.fill("#id_request_uri", "/graphql")
    page.fill("#id_query", CONFIRM_ORDER)
    page.fill("#id_variables", '{"number": "&{number}"}')
    page.select_option("#id_client", label="Sandbox store")
    page.click("button[name=_save]")
    page.wait_for_selector("text=Confirm order")

    page.goto(base + "/connections/outgoing/")
    page.click("table a:has-text('Run…')")
    page.fill("#id_entities", '[{"number": 3957}]')
    page.click("button:has-text('Start run')")
    run = _wait_for_finished_run(page)
    assert run.status == Run.Status.SUCCEEDED
    assert sandbox.store.order_by_number(3957)["status"] == "CONFIRMED"
    sent = sandbox.requests_seen[-1]
    assert sent["json"]["variables"] == {"number": 3957}

    # Step 4: the request log, newest first, with the token masked.
    page.goto(base + "/connections/logs/")
    page.click("table tbody tr:first-child a")
    page.wait_for_selector("text=confirmOrder")
    body = page.inner_text("body")
    assert "Authorization" in body
    assert sandbox.token not in page.content()

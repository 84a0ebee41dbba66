"""Cancelling runs from the run page: queued runs at once, running ones
before their next request."""

import threading
import time

import pytest
from django.db import connection
from django.urls import reverse

from clients.models import HttpClient
from connections.engine import execute
from connections.models import (
    IncomingConfiguration,
    OutgoingConfiguration,
    Run,
    RunEntity,
)
from connections.runs import cancel_run

CONFIRM_MUTATION = (
    "mutation ConfirmOrder($number: Int!) { confirmOrder(input: {order: "
    "{number: $number}}) { order { number status } userErrors { message path } } }"
)
PAGE_QUERY = """
query Orders($limit: Int, $page: Int) {
  orders(limit: $limit, page: $page, sort: [number_ASC]) { number }
}
"""


def make_client(sandbox):
    client = HttpClient(
        name="Centra sandbox",
        identifier="centra-sandbox",
        base_uri=sandbox.url,
        logging="full",
    )
    client.set_secret(sandbox.token)
    client.save()
    return client


def make_outgoing(client):
    return OutgoingConfiguration.objects.create(
        name="Confirm order",
        identifier="confirm-order",
        client=client,
        request_uri="/graphql",
        query=CONFIRM_MUTATION,
        variables={"number": "&{number}"},
    )


def make_incoming(client):
    return IncomingConfiguration.objects.create(
        name="Orders",
        identifier="orders",
        client=client,
        request_uri="/graphql",
        query=PAGE_QUERY,
        variables={"limit": 20},
        entities_path="data.orders",
        pagination=IncomingConfiguration.Pagination.PAGE,
        page_variable="page",
        page_size=20,
    )


def queued_outgoing_run(configuration, entities):
    run = Run.objects.create(
        kind=Run.Kind.OUTGOING,
        outgoing=configuration,
        configuration_name=configuration.name,
        entity_count=len(entities),
    )
    RunEntity.objects.bulk_create(
        RunEntity(run=run, position=index, data=data, status="pending")
        for index, data in enumerate(entities, start=1)
    )
    return run


def pending_order_numbers(sandbox):
    return [o["number"] for o in sandbox.store.orders if o["status"] == "PENDING"]


def execute_in_thread(run):
    def work():
        try:
            execute(run.pk)
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    return worker


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the run"
        time.sleep(0.02)


@pytest.mark.django_db
def test_queued_run_is_cancelled_at_once(admin_client, admin_user, sandbox):
    configuration = make_outgoing(make_client(sandbox))
    run = queued_outgoing_run(configuration, [{"number": 1}, {"number": 2}])

    response = admin_client.post(reverse("run_cancel", args=[run.code]), follow=True)

    run.refresh_from_db()
    assert response.redirect_chain[-1][0] == run.get_absolute_url()
    assert run.status == Run.Status.CANCELLED
    assert run.cancel_requested
    assert run.cancelled_by == admin_user
    assert run.finished is not None
    assert run.failed_count == 2
    errors = set(run.entities.values_list("error", flat=True))
    assert errors == {"Not sent because the run was cancelled."}
    assert "Cancelled run #" in response.text
    assert "Cancelled by admin on" in response.text
    # A finished run offers "Run again" and no longer offers to cancel.
    assert "Cancel run" not in response.text
    assert "Run again" in response.text


@pytest.mark.django_db
def test_worker_leaves_cancelled_run_alone(admin_user, sandbox):
    configuration = make_outgoing(make_client(sandbox))
    run = queued_outgoing_run(configuration, [{"number": 1}])
    cancel_run(run, user=admin_user)

    assert execute(run.pk) == Run.Status.CANCELLED

    run.refresh_from_db()
    assert run.request_count == 0
    assert sandbox.requests_seen == []


@pytest.mark.django_db
def test_running_page_offers_cancel_not_rerun(admin_client, sandbox):
    configuration = make_outgoing(make_client(sandbox))
    run = queued_outgoing_run(configuration, [{"number": 1}])
    Run.objects.filter(pk=run.pk).update(status=Run.Status.RUNNING)

    response = admin_client.get(run.get_absolute_url())

    assert reverse("run_cancel", args=[run.code]) in response.text
    assert "Cancel run" in response.text
    assert "Run again" not in response.text


@pytest.mark.django_db
def test_cancel_request_is_shown_while_running(admin_client, admin_user, sandbox):
    configuration = make_outgoing(make_client(sandbox))
    run = queued_outgoing_run(configuration, [{"number": 1}])
    Run.objects.filter(pk=run.pk).update(status=Run.Status.RUNNING)

    response = admin_client.post(reverse("run_cancel", args=[run.code]), follow=True)

    run.refresh_from_db()
    assert run.status == Run.Status.RUNNING
    assert run.cancel_requested
    assert run.cancelled_by == admin_user
    assert "it stops before its next request" in response.text
    assert "Cancel requested by admin on" in response.text
    assert 'disabled title="Cancel requested"' in response.text


@pytest.mark.django_db
def test_cancel_of_finished_run_changes_nothing(admin_client, sandbox):
    configuration = make_outgoing(make_client(sandbox))
    run = queued_outgoing_run(configuration, [{"number": 1}])
    Run.objects.filter(pk=run.pk).update(status=Run.Status.SUCCEEDED)

    response = admin_client.post(reverse("run_cancel", args=[run.code]), follow=True)

    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED
    assert not run.cancel_requested
    assert "had already finished" in response.text


@pytest.mark.django_db
def test_cancel_needs_post(admin_client, sandbox):
    configuration = make_outgoing(make_client(sandbox))
    run = queued_outgoing_run(configuration, [{"number": 1}])

    response = admin_client.get(reverse("run_cancel", args=[run.code]))

    assert response.status_code == 405
    run.refresh_from_db()
    assert run.status == Run.Status.QUEUED


@pytest.mark.django_db
def test_cancel_of_unknown_run_is_not_found(admin_client):
    url = reverse("run_cancel", args=["00000000-0000-0000-0000-000000000000"])

    response = admin_client.post(url)

    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_cancel_stops_outgoing_run_midway(admin_client, sandbox):
    sandbox.faults.set(latency=0.05)
    configuration = make_outgoing(make_client(sandbox))
    numbers = pending_order_numbers(sandbox)[:40]
    run = queued_outgoing_run(configuration, [{"number": n} for n in numbers])

    worker = execute_in_thread(run)
    wait_until(lambda: Run.objects.get(pk=run.pk).sent_count >= 3)
    response = admin_client.post(reverse("run_cancel", args=[run.code]))
    worker.join(timeout=30)

    assert response.status_code == 302
    assert not worker.is_alive()
    run.refresh_from_db()
    assert run.status == Run.Status.CANCELLED
    assert run.finished is not None
    assert 3 <= run.sent_count < 40
    assert run.sent_count + run.failed_count == 40
    assert run.error == ""
    assert run.summary.startswith(f"Sent {run.sent_count} of 40 entities before")
    statuses = list(run.entities.order_by("position").values_list("status", flat=True))
    sent = statuses[: run.sent_count]
    not_sent = statuses[run.sent_count :]
    assert set(sent) == {RunEntity.Status.SENT}
    assert set(not_sent) == {RunEntity.Status.NOT_SENT}
    errors = set(run.entities.filter(status="not_sent").values_list("error", flat=True))
    assert errors == {"Not sent because the run was cancelled."}
    # Only the sent entities reached Centra.
    confirmed = [
        n for n in numbers if sandbox.store.order_by_number(n)["status"] == "CONFIRMED"
    ]
    assert confirmed == numbers[: run.sent_count]
    assert run.request_count == run.sent_count


@pytest.mark.django_db(transaction=True)
def test_cancel_keeps_fetched_pages(admin_client, sandbox):
    sandbox.faults.set(latency=0.1)
    run = Run.objects.create(
        kind=Run.Kind.INCOMING,
        incoming=make_incoming(make_client(sandbox)),
        configuration_name="Orders",
    )

    worker = execute_in_thread(run)
    wait_until(lambda: Run.objects.get(pk=run.pk).page_count >= 2)
    admin_client.post(reverse("run_cancel", args=[run.code]))
    worker.join(timeout=30)

    run.refresh_from_db()
    assert run.status == Run.Status.CANCELLED
    assert 2 <= run.page_count < 15
    assert run.entity_count == run.page_count * 20
    assert run.entities.count() == run.entity_count
    assert run.summary == (
        f"{run.entity_count} entities kept from {run.page_count} pages."
    )
    assert run.error == ""


def test_cancelled_run_page_counts_unsent_apart(admin_client, sandbox):
    configuration = make_outgoing(make_client(sandbox))
    run = queued_outgoing_run(configuration, [{"number": 3957}, {"number": 3958}])
    run.entities.filter(position=1).update(status="sent")
    run.entities.filter(position=2).update(
        status="not_sent", error="Not sent because the run was cancelled."
    )
    Run.objects.filter(pk=run.pk).update(
        status="cancelled", sent_count=1, failed_count=1
    )

    page = admin_client.get(run.get_absolute_url()).content.decode()

    assert "Not sent" in page
    assert '>0</div><div class="small text-secondary">Failed' in page

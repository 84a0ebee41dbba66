"""The life of a Run: claiming, progress, crashes and stale runs."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from clients.models import HttpClient
from connections.engine import execute, recover_stale_runs
from connections.models import IncomingConfiguration, OutgoingConfiguration, Run
from connections.runs import start_run

PAGE_QUERY = """
query Orders($limit: Int, $page: Int) {
  orders(limit: $limit, page: $page, sort: [number_ASC]) { number }
}
"""


@pytest.fixture(autouse=True)
def fast_retries(settings):
    settings.RETRY_BASE_DELAY = 0.01
    settings.RETRY_MAX_DELAY = 0.05


def make_client(sandbox):
    client = HttpClient.objects.create(
        name="Sandbox", identifier="sandbox", base_uri=sandbox.url
    )
    client.set_secret(sandbox.token)
    client.save()
    return client


def make_incoming(client, **fields):
    values = {
        "name": "Orders",
        "identifier": "orders",
        "client": client,
        "request_uri": "/graphql",
        "query": PAGE_QUERY,
        "variables": {"limit": 100},
        "entities_path": "data.orders",
        "pagination": IncomingConfiguration.Pagination.PAGE,
        "page_variable": "page",
        "page_size": 100,
    }
    values.update(fields)
    return IncomingConfiguration.objects.create(**values)


def queued_run(configuration):
    return Run.objects.create(
        kind=Run.Kind.INCOMING,
        incoming=configuration,
        configuration_name=configuration.name,
    )


@pytest.mark.django_db
def test_execute_returns_final_status(sandbox):
    run = queued_run(make_incoming(make_client(sandbox)))

    assert execute(run.pk) == "succeeded"

    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED
    assert run.heartbeat == run.finished
    assert run.started <= run.finished


@pytest.mark.django_db
def test_execute_leaves_finished_run_alone(sandbox):
    run = queued_run(make_incoming(make_client(sandbox)))
    Run.objects.filter(pk=run.pk).update(status=Run.Status.SUCCEEDED)

    assert execute(run.pk) == "succeeded"

    assert sandbox.requests_seen == []
    assert run.request_logs.count() == 0


@pytest.mark.django_db
def test_execute_leaves_running_run_alone(sandbox):
    run = queued_run(make_incoming(make_client(sandbox)))
    now = timezone.now()
    Run.objects.filter(pk=run.pk).update(
        status=Run.Status.RUNNING, started=now, heartbeat=now
    )

    assert execute(run.pk) == "running"

    assert sandbox.requests_seen == []


@pytest.mark.django_db
def test_execute_of_missing_run():
    assert execute(987654321) == ""


@pytest.mark.django_db
def test_crash_ends_run_as_failed(sandbox, settings):
    # A setting of the wrong type makes the engine raise a TypeError.
    settings.REQUEST_LOG_BODY_LIMIT = "64k"
    run = queued_run(make_incoming(make_client(sandbox)))

    assert execute(run.pk) == "failed"

    run.refresh_from_db()
    assert run.status == Run.Status.FAILED
    assert run.error.startswith(
        "The run stopped because of an internal error: TypeError:"
    )
    assert run.finished is not None


@pytest.mark.django_db
def test_crash_fails_pending_entities(sandbox, settings):
    settings.REQUEST_LOG_BODY_LIMIT = "64k"
    configuration = OutgoingConfiguration.objects.create(
        name="Confirm",
        identifier="confirm",
        client=make_client(sandbox),
        request_uri="/graphql",
        query="mutation { confirmOrder(input: {order: {number: 3957}}) { order "
        "{ number } userErrors { message } } }",
    )

    run = start_run(configuration, entities=[{"n": 1}, {"n": 2}])

    run.refresh_from_db()
    assert run.status == Run.Status.FAILED
    assert set(run.entities.values_list("status", flat=True)) == {"not_sent"}
    assert run.failed_count == 2


@pytest.mark.django_db
def test_disabled_client_fails_run(sandbox):
    client = make_client(sandbox)
    run = queued_run(make_incoming(client))
    HttpClient.objects.filter(pk=client.pk).update(disabled=True)

    assert execute(run.pk) == "failed"

    run.refresh_from_db()
    assert run.error == (
        "The HTTP client “Sandbox” is disabled. Enable it and run the "
        "configuration again."
    )


@pytest.mark.django_db
def test_deleted_configuration_fails_run(sandbox):
    configuration = make_incoming(make_client(sandbox))
    run = queued_run(configuration)
    configuration.delete()

    assert execute(run.pk) == "failed"

    run.refresh_from_db()
    assert "configuration was deleted" in run.error


@pytest.mark.django_db
def test_unreadable_token_fails_run(sandbox):
    client = make_client(sandbox)
    HttpClient.objects.filter(pk=client.pk).update(secret_encrypted="garbage")
    run = queued_run(make_incoming(client))

    assert execute(run.pk) == "failed"

    run.refresh_from_db()
    assert run.error.startswith("The HTTP client “Sandbox”: The stored secret cannot")
    assert sandbox.requests_seen == []


@pytest.mark.django_db
def test_recover_marks_stale_runs_failed(sandbox, settings):
    settings.RUN_STALE_AFTER = 600
    configuration = OutgoingConfiguration.objects.create(
        name="Confirm",
        identifier="confirm",
        client=make_client(sandbox),
        query="mutation { x }",
    )
    long_ago = timezone.now() - timedelta(hours=1)
    stale = Run.objects.create(
        kind=Run.Kind.OUTGOING,
        outgoing=configuration,
        configuration_name="Confirm",
        status=Run.Status.RUNNING,
        started=long_ago,
        heartbeat=long_ago,
    )
    stale.entities.create(position=1, data={}, status="pending")
    fresh = Run.objects.create(
        kind=Run.Kind.OUTGOING,
        outgoing=configuration,
        configuration_name="Confirm",
        status=Run.Status.RUNNING,
        started=timezone.now(),
        heartbeat=timezone.now(),
    )

    assert recover_stale_runs() == 1

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == Run.Status.FAILED
    assert stale.error == (
        "The worker stopped while this run was running (no progress for over "
        "10 minutes), so it was marked failed. Run it again."
    )
    assert stale.finished is not None
    assert stale.failed_count == 1
    assert stale.entities.get().status == "not_sent"
    assert fresh.status == Run.Status.RUNNING


@pytest.mark.django_db
def test_execute_recovers_stale_runs(sandbox):
    configuration = make_incoming(make_client(sandbox))
    long_ago = timezone.now() - timedelta(days=1)
    stale = Run.objects.create(
        kind=Run.Kind.INCOMING,
        incoming=configuration,
        configuration_name="Orders",
        status=Run.Status.RUNNING,
        started=long_ago,
    )
    run = queued_run(configuration)

    execute(run.pk)

    stale.refresh_from_db()
    assert stale.status == Run.Status.FAILED


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_while_running(sandbox):
    sandbox.faults.set(latency=0.3)
    run = queued_run(make_incoming(make_client(sandbox)))

    def work():
        try:
            execute(run.pk)
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    seen = set()
    while worker.is_alive():
        current = Run.objects.get(pk=run.pk)
        seen.add((current.status, current.page_count, current.entity_count))
        time.sleep(0.05)
    worker.join()

    assert ("running", 1, 100) in seen
    assert ("running", 2, 200) in seen
    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED
    assert run.page_count == 4

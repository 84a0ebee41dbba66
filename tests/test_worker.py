"""The database task backend: start_run queues, the db_worker executes."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from clients.models import HttpClient
from connections.models import IncomingConfiguration, Run
from connections.runs import start_run


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_worker_executes_queued_run(sandbox, database_tasks):
    client = HttpClient.objects.create(
        name="Sandbox", identifier="sandbox", base_uri=sandbox.url
    )
    client.set_secret(sandbox.token)
    client.save()
    configuration = IncomingConfiguration.objects.create(
        name="One order",
        identifier="one-order",
        client=client,
        request_uri="/graphql",
        query="query One($n: Int) { order(number: $n) { number status } }",
        variables={"n": 3957},
        entities_path="data.order",
    )

    run = start_run(configuration, trigger="test")

    run.refresh_from_db()
    assert run.status == Run.Status.QUEUED
    assert sandbox.requests_seen == []
    assert DBTaskResult.objects.count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED
    assert run.entities.get().data == {"number": 3957, "status": "PENDING"}
    task = DBTaskResult.objects.get()
    assert task.status == "SUCCESSFUL"
    assert task.return_value == "succeeded"

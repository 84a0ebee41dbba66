from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from clients.models import HttpClient
from connections.models import IncomingConfiguration, Run

pytestmark = pytest.mark.django_db


@pytest.fixture
def incoming():
    client = HttpClient.objects.create(
        name="Store", identifier="store", base_uri="http://127.0.0.1:9"
    )
    return IncomingConfiguration.objects.create(
        name="Orders",
        identifier="orders",
        client=client,
        query="{ orders { number } }",
        entities_path="data.orders",
    )


def _run(incoming, status, heartbeat_age):
    return Run.objects.create(
        kind=Run.Kind.INCOMING,
        incoming=incoming,
        configuration_name=incoming.name,
        status=status,
        started=timezone.now() - heartbeat_age,
        heartbeat=timezone.now() - heartbeat_age,
    )


def test_recover_runs_marks_only_stale_running_runs(incoming, settings):
    settings.RUN_STALE_AFTER = 60
    stale = _run(incoming, Run.Status.RUNNING, timedelta(minutes=5))
    fresh = _run(incoming, Run.Status.RUNNING, timedelta(seconds=5))

    call_command("recover_runs")

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == Run.Status.FAILED
    assert "worker stopped" in stale.error
    assert fresh.status == Run.Status.RUNNING


def test_recover_runs_all_running_marks_fresh_runs_too(incoming):
    fresh = _run(incoming, Run.Status.RUNNING, timedelta(seconds=5))
    queued = _run(incoming, Run.Status.QUEUED, timedelta(seconds=5))

    call_command("recover_runs", "--all-running")

    fresh.refresh_from_db()
    queued.refresh_from_db()
    assert fresh.status == Run.Status.FAILED
    assert fresh.finished is not None
    assert queued.status == Run.Status.QUEUED

"""The progress line of a running run: counts, pacing and the time left."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connections.models import Run
from connections.progress import describe_progress

NOW = timezone.now()


def running_run(kind=Run.Kind.OUTGOING, seconds_ago=10, **counts):
    return Run(
        kind=kind,
        status=Run.Status.RUNNING,
        configuration_name="Confirm order",
        started=NOW - timedelta(seconds=seconds_ago),
        **counts,
    )


@pytest.fixture(autouse=True)
def centra_pacing(settings):
    settings.CENTRA_REQUESTS_PER_10S = 20


def test_outgoing_progress_names_pacing():
    run = running_run(entity_count=131, sent_count=40)

    assert describe_progress(run, NOW) == (
        "Sent 40 of 131 entities. Requests are paced to at most 20 per 10 seconds "
        "(CENTRA_REQUESTS_PER_10S) to stay under Centra's rate limit, so about "
        "45 s remain."
    )


def test_outgoing_progress_of_slow_responses():
    # 10 entities in 30 s is slower than the pacing allows, so the measured
    # rate decides the estimate.
    run = running_run(entity_count=50, sent_count=8, failed_count=2, seconds_ago=30)

    assert describe_progress(run, NOW) == (
        "Sent 8 of 50 entities. 2 failed. At the current rate of 3.0 s per "
        "entity, about 2 min remain."
    )


def test_outgoing_progress_without_pacing(settings):
    settings.CENTRA_REQUESTS_PER_10S = 0
    run = running_run(entity_count=10, sent_count=5, seconds_ago=5)

    assert describe_progress(run, NOW) == (
        "Sent 5 of 10 entities. At the current rate of 1.0 s per entity, about "
        "5 s remain."
    )


def test_incoming_progress_counts_pages():
    run = running_run(kind=Run.Kind.INCOMING, page_count=3, entity_count=150)

    assert describe_progress(run, NOW) == (
        "Fetched 3 pages so far, with 150 entities. Requests are paced to at "
        "most 20 per 10 seconds (CENTRA_REQUESTS_PER_10S) to stay under "
        "Centra's rate limit."
    )


def test_no_progress_line_unless_running():
    run = running_run(entity_count=3, sent_count=3)
    run.status = Run.Status.SUCCEEDED

    assert describe_progress(run, NOW) == ""


@pytest.mark.django_db
def test_run_page_shows_progress(admin_client):
    run = Run.objects.create(
        kind=Run.Kind.OUTGOING,
        status=Run.Status.RUNNING,
        configuration_name="Confirm order",
        started=timezone.now(),
        entity_count=131,
        sent_count=40,
    )

    response = admin_client.get(run.get_absolute_url())

    assert "Sent 40 of 131 entities. Requests are paced" in response.text

"""The progress line of a running run: what it has done and what is left."""

from django.conf import settings
from django.utils import timezone

from connections.attempts import PACING_WINDOW_SECONDS
from connections.models import Run


def describe_progress(run, now=None):
    """Return a sentence or two on a running run's progress, or "".

    For an outgoing run the time left is an estimate: the entities left times
    the slower of the pacing interval and the average time per entity so far.
    Retries and other runs to the same Centra host make it longer.
    """
    if run.status != Run.Status.RUNNING:
        return ""
    if run.kind == Run.Kind.INCOMING:
        return _incoming_progress(run)
    return _outgoing_progress(run, now or timezone.now())


def _incoming_progress(run):
    pages = run.page_count
    entities = run.entity_count
    text = (
        f"Fetched {pages} {_plural(pages, 'page', 'pages')} so far, with "
        f"{entities} {_plural(entities, 'entity', 'entities')}."
    )
    limit = settings.CENTRA_REQUESTS_PER_10S
    if limit:
        text += f" {_pacing_text(limit)} to stay under Centra's rate limit."
    return text


def _outgoing_progress(run, now):
    total = run.entity_count
    done = run.sent_count + run.failed_count
    left = max(total - done, 0)
    text = f"Sent {run.sent_count} of {total} {_plural(total, 'entity', 'entities')}."
    if run.failed_count:
        text += f" {run.failed_count} failed."
    if not left:
        return text

    limit = settings.CENTRA_REQUESTS_PER_10S
    paced = PACING_WINDOW_SECONDS / limit if limit else 0.0
    observed = 0.0
    if done and run.started:
        observed = max((now - run.started).total_seconds(), 0.0) / done
    seconds = left * max(paced, observed)
    if not seconds:
        return text

    remaining = _seconds_text(seconds)
    if paced and paced >= observed:
        return (
            f"{text} {_pacing_text(limit)} to stay under Centra's rate limit, so "
            f"about {remaining} remain."
        )
    return (
        f"{text} At the current rate of {observed:.1f} s per entity, about "
        f"{remaining} remain."
    )


def _pacing_text(limit):
    return (
        f"Requests are paced to at most {limit} per {PACING_WINDOW_SECONDS:g} "
        "seconds (CENTRA_REQUESTS_PER_10S)"
    )


def _seconds_text(seconds):
    """Write an estimate in seconds as "45 s" or, from 90 s on, "3 min"."""
    if seconds < 90:
        return f"{max(int(seconds), 1)} s"
    return f"{round(seconds / 60)} min"


def _plural(count, singular, plural):
    return singular if count == 1 else plural

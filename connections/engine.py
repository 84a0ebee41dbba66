"""The run engine: what a worker does with a queued Run.

`execute(run_id)` claims a queued run and fetches (incoming) or publishes
(outgoing) its entities through the client's HTTP seam. Every attempt
becomes a RequestLog row. The run ends succeeded, failed or partial, with
its counts, a summary and a short error message. It ends cancelled when
someone cancels it on its page, which the worker checks before every
request. `execute` does not raise for errors inside a run: an unexpected
exception ends the run as failed with the exception's text.

`recover_stale_runs()` marks failed the runs that a worker left running, for
example because the worker process was killed. `execute` calls it before
each run; the start command may call it as well.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from connections.incoming import run_incoming
from connections.models import Run, RunEntity
from connections.outgoing import run_outgoing
from connections.runcontext import RunCancelled, RunContext, RunStopped
from connections.runs import CANCELLED_ENTITY_ERROR

logger = logging.getLogger(__name__)


def execute(run_id):
    """Execute the queued run `run_id` and return its final status.

    A run that is not queued (already running in another worker, or
    finished) is left alone, and its current status is returned. A run that
    no longer exists returns "".
    """
    recover_stale_runs()

    now = timezone.now()
    claimed = Run.objects.filter(pk=run_id, status=Run.Status.QUEUED).update(
        status=Run.Status.RUNNING, started=now, heartbeat=now
    )
    run = (
        Run.objects.select_related("incoming__client", "outgoing__client")
        .filter(pk=run_id)
        .first()
    )
    if run is None:
        logger.warning("Run %s does not exist; nothing to execute", run_id)
        return ""
    if not claimed:
        logger.info("Run %s is %s, not queued; leaving it alone", run_id, run.status)
        return run.status

    logger.info("Run %s started: %s", run_id, run)
    try:
        _execute_claimed(run)
    except Exception as error:
        logger.exception("Run %s failed with an internal error", run_id)
        _fail_crashed(run_id, error)
    run.refresh_from_db(fields=["status", "error"])
    if run.error:
        logger.warning("Run %s finished %s: %s", run_id, run.status, run.error)
    else:
        logger.info("Run %s finished %s", run_id, run.status)
    return run.status


def _execute_claimed(run):
    configuration = run.configuration
    context = None
    try:
        if configuration is None:
            raise RunStopped(
                "The configuration was deleted before the run started, so there "
                "is nothing to run."
            )
        if configuration.client.disabled:
            raise RunStopped(
                f"The HTTP client “{configuration.client.name}” is disabled. "
                "Enable it and run the configuration again."
            )
        context = RunContext(run, configuration)
        if run.kind == Run.Kind.INCOMING:
            status, error, summary = run_incoming(context)
        else:
            status, error, summary = run_outgoing(context)
    except RunStopped as stop:
        status, error, summary = stop.status, stop.message, stop.summary
        if isinstance(stop, RunCancelled):
            reason = CANCELLED_ENTITY_ERROR
        else:
            reason = f"Not sent because the run stopped: {error}"
        _fail_pending_entities(run, reason)

    if context is None:
        _finish_without_context(run, status, error, summary)
    else:
        context.finish(status, error=error, summary=summary)


def _fail_pending_entities(run, reason):
    # Entities never sent count as failed for the run's outcome, but keep
    # their own "Not sent" status so the page does not blame Centra.
    failed = run.entities.filter(status=RunEntity.Status.PENDING).update(
        status=RunEntity.Status.NOT_SENT, error=reason
    )
    run.failed_count += failed


def _finish_without_context(run, status, error, summary):
    run.status = status
    run.error = error
    run.summary = summary
    run.finished = timezone.now()
    run.heartbeat = run.finished
    run.save(
        update_fields=[
            "status",
            "error",
            "summary",
            "failed_count",
            "finished",
            "heartbeat",
        ]
    )


def _fail_crashed(run_id, error):
    """End a run as failed after an unexpected exception, whatever state its
    Run object was left in."""
    detail = str(error) or type(error).__name__
    message = (
        f"The run stopped because of an internal error: {type(error).__name__}: "
        f"{detail}. The worker's log has the details."
    )
    _end_as_failed(Run.objects.filter(pk=run_id), message)


def _end_as_failed(runs, message):
    """Mark the given running runs failed with `message`; return how many."""
    ended = 0
    now = timezone.now()
    for run in runs.filter(status=Run.Status.RUNNING):
        pending = run.entities.filter(status=RunEntity.Status.PENDING).update(
            status=RunEntity.Status.NOT_SENT,
            error=f"Not sent because the run stopped: {message}",
        )
        ended += Run.objects.filter(pk=run.pk, status=Run.Status.RUNNING).update(
            status=Run.Status.FAILED,
            error=message,
            failed_count=run.failed_count + pending,
            finished=now,
            heartbeat=now,
        )
    return ended


def recover_stale_runs():
    """Mark failed every running run without progress for longer than
    settings.RUN_STALE_AFTER seconds, and return how many were marked.

    A worker saves progress after every attempt, and the longest wait
    between attempts is bounded by the Retry-After ceiling, the back-off cap
    and the timeouts, so the limit must stay well above those.
    """
    limit = settings.RUN_STALE_AFTER
    cutoff = timezone.now() - timedelta(seconds=limit)
    stale = Run.objects.filter(
        Q(heartbeat__lt=cutoff)
        | Q(heartbeat__isnull=True, started__lt=cutoff)
        | Q(heartbeat__isnull=True, started__isnull=True, created__lt=cutoff),
        status=Run.Status.RUNNING,
    )
    message = (
        "The worker stopped while this run was running (no progress for over "
        f"{_duration_text(limit)}), so it was marked failed. Run it again."
    )
    ended = _end_as_failed(stale, message)
    if ended:
        logger.warning("Marked %s stale running runs as failed", ended)
    return ended


def recover_interrupted_runs():
    """Mark failed every running run, for use before the only worker starts.

    Safe only where no other worker can be running: the embedded start
    command runs one worker, so a run still "running" then was cut off when
    the previous worker stopped.
    """
    message = "The worker stopped while this run was running. Run it again."
    ended = _end_as_failed(Run.objects.all(), message)
    if ended:
        logger.warning("Marked %s interrupted runs as failed", ended)
    return ended


def _duration_text(seconds):
    if seconds < 120:
        return f"{seconds:g} seconds"
    return f"{seconds / 60:g} minutes"

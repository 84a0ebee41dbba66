"""Outgoing runs: one request for each pending entity of the run.

Each entity's values fill the `&{path}` placeholders of the variables and the
request URI. An entity is sent when the response has no GraphQL errors and no
`userErrors`; otherwise it fails with their messages. A problem that every
later request would meet as well (the token refused, the address not found,
rate limited for longer than the dashboard waits, Centra unreachable) stops
the run, and the entities not yet sent fail with that reason. A run cancelled
on its page stops before its next request, keeps the entities it sent, and
ends as cancelled.

A run without entities and without a source run sends its request once,
with an empty entity. A run that publishes an incoming run which found
nothing sends nothing.
"""

from connections.models import Run, RunEntity
from connections.placeholders import PlaceholderError, resolve
from connections.runcontext import RunCancelled, parse_object, resolve_uri
from connections.runs import CANCELLED_ENTITY_ERROR

CHUNK_SIZE = 200


def run_outgoing(context):
    """Publish every pending entity of the run.

    Returns the final status, error and summary for the run.
    """
    configuration = context.configuration
    run = context.run
    context.load_environment(
        ("variables", configuration.variables),
        ("request URI", configuration.request_uri),
    )
    template = parse_object(configuration.variables, "variables")

    if not run.entities.exists():
        if run.source_run_id is not None:
            return Run.Status.SUCCEEDED, "", "0 entities to send."
        RunEntity.objects.create(
            run=run, position=1, data={}, status=RunEntity.Status.PENDING
        )
        run.entity_count = 1

    pending = list(
        run.entities.filter(status=RunEntity.Status.PENDING)
        .order_by("position")
        .values_list("pk", flat=True)
    )
    first_failure = None
    stop_message = ""
    try:
        for start in range(0, len(pending), CHUNK_SIZE):
            chunk = pending[start : start + CHUNK_SIZE]
            for entity in RunEntity.objects.filter(pk__in=chunk).order_by("position"):
                message, stops_run = _publish(context, template, entity)
                if message and first_failure is None:
                    first_failure = (entity.position, message)
                if stops_run:
                    stop_message = message
                    break
            if stop_message:
                break
    except RunCancelled:
        return _cancelled(run, first_failure)

    not_sent = 0
    if stop_message:
        not_sent = run.entities.filter(status=RunEntity.Status.PENDING).update(
            status=RunEntity.Status.NOT_SENT,
            error=f"Not sent because the run stopped: {stop_message}",
        )
        run.failed_count += not_sent
    return _outcome(run, first_failure, stop_message, not_sent)


def _publish(context, template, entity):
    """Send one entity and save its status; return the failure message (empty
    when it was sent) and whether the run must stop."""
    run = context.run
    environment = context.environment.values
    try:
        variables = resolve(template, entity.data, environment)
        request_uri = resolve_uri(
            context.configuration.request_uri, entity.data, environment
        )
    except PlaceholderError as error:
        message = context.mask(str(error))
        _save_entity(entity, RunEntity.Status.FAILED, message)
        run.failed_count += 1
        context.save_progress()
        return message, False

    delivery = context.send(variables, request_uri, entity=entity)
    if delivery.ok:
        _save_entity(entity, RunEntity.Status.SENT, "")
        run.sent_count += 1
        context.save_progress()
        return "", False

    _save_entity(entity, RunEntity.Status.FAILED, delivery.message)
    run.failed_count += 1
    context.save_progress()
    return delivery.message, delivery.stops_run


def _cancelled(run, first_failure):
    """Mark the entities not yet sent and return the outcome of a run that
    was cancelled."""
    failed_before = run.failed_count
    not_sent = run.entities.filter(status=RunEntity.Status.PENDING).update(
        status=RunEntity.Status.NOT_SENT, error=CANCELLED_ENTITY_ERROR
    )
    run.failed_count += not_sent

    total = run.entity_count
    summary = (
        f"Sent {run.sent_count} of {total} {'entity' if total == 1 else 'entities'} "
        "before the run was cancelled."
    )
    if not_sent:
        summary += f" {not_sent} not sent."
    error = ""
    if failed_before:
        position, message = first_failure
        error = (
            f"{failed_before} {'entity' if failed_before == 1 else 'entities'} "
            f"failed before the run was cancelled. The first, entity {position}: "
            f"{message}"
        )
    return Run.Status.CANCELLED, error, summary


def _save_entity(entity, status, error):
    entity.status = status
    entity.error = error
    entity.save(update_fields=["status", "error"])


def _outcome(run, first_failure, stop_message, not_sent):
    total = run.entity_count
    sent = run.sent_count
    summary = f"Sent {sent} of {total} {'entity' if total == 1 else 'entities'}."
    if run.failed_count == 0:
        return Run.Status.SUCCEEDED, "", summary

    if stop_message:
        error = f"The run stopped: {stop_message}"
        if not_sent == 1:
            error += " 1 more entity was not sent."
        elif not_sent:
            error += f" {not_sent} more entities were not sent."
    elif run.failed_count == 1:
        position, message = first_failure
        error = f"Entity {position} failed: {message}"
    else:
        position, message = first_failure
        error = (
            f"{run.failed_count} of {total} entities failed. The first, entity "
            f"{position}: {message}"
        )
    status = Run.Status.PARTIAL if sent else Run.Status.FAILED
    return status, error, summary

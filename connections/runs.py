"""Starting and cancelling runs: the one entry point for the dashboard, admin
and commands."""

import logging

from django.utils import timezone

from connections.models import IncomingConfiguration, Run, RunEntity
from connections.placeholders import WHOLE_ENTITY, entity_placeholders
from connections.validation import describe_json_type

CANCELLED_ENTITY_ERROR = "Not sent because the run was cancelled."

logger = logging.getLogger(__name__)


class RunRejected(Exception):
    """The configuration cannot be run as it is (disabled, client disabled)."""


def placeholders_of(configuration):
    """Return the entity placeholders that an outgoing configuration's
    variables and request URI use, such as &{number}."""
    return entity_placeholders([configuration.variables, configuration.request_uri])


def needing_entities(configurations):
    """Return the outgoing configurations that read values from entities,
    each with the text of its entity placeholders ("&{number}, ?{id}").

    The placeholders are sorted, because PostgreSQL's jsonb does not keep the
    key order of the variables as typed.

    A run of such a configuration without entities would send one request
    with an empty entity, which fails at its first `&{path}`.
    """
    needing = []
    for configuration in configurations:
        found = placeholders_of(configuration)
        if found:
            texts = sorted(placeholder.text for placeholder in found)
            needing.append((configuration, ", ".join(texts)))
    return needing


def non_object_entity_error(entities, configurations):
    """Return why an entity in `entities` cannot be published, or "".

    Each entity must be a JSON object, because placeholders read paths in
    it. Other JSON values are accepted only when every placeholder of every
    configuration reads the whole entity (&{@}).
    """
    found = [p for c in configurations for p in placeholders_of(c)]
    if found and all(p.body == WHOLE_ENTITY for p in found):
        return ""
    for position, entity in enumerate(entities, start=1):
        if not isinstance(entity, dict):
            return (
                f"Entity {position} is {describe_json_type(entity)}; each entity "
                'must be a JSON object such as {"number": 3957}.'
            )
    return ""


def start_run(
    configuration, *, user=None, trigger="dashboard", entities=None, source_run=None
):
    """Create a queued run of an incoming or outgoing configuration and hand
    it to the task worker.

    Outgoing runs publish `entities` (a list of JSON values) or the entities
    of `source_run`, an earlier incoming run.
    """
    from connections.tasks import execute_run

    if configuration.disabled:
        raise RunRejected(f"“{configuration.name}” is disabled.")
    if configuration.client.disabled:
        raise RunRejected(f"Its HTTP client “{configuration.client.name}” is disabled.")

    incoming = isinstance(configuration, IncomingConfiguration)
    run = Run.objects.create(
        kind=Run.Kind.INCOMING if incoming else Run.Kind.OUTGOING,
        incoming=configuration if incoming else None,
        outgoing=None if incoming else configuration,
        configuration_name=configuration.name,
        triggered_by=user if user and user.is_authenticated else None,
        trigger=trigger,
        source_run=source_run,
    )

    if not incoming:
        if source_run is not None:
            entities = list(
                source_run.entities.order_by("position").values_list("data", flat=True)
            )
        RunEntity.objects.bulk_create(
            RunEntity(run=run, position=index, data=data, status="pending")
            for index, data in enumerate(entities or [], start=1)
        )
        run.entity_count = len(entities or [])
        run.save(update_fields=["entity_count"])

    # Views run in autocommit mode, so the run row is committed before a
    # worker can pick the task up.
    execute_run.enqueue(run.pk)
    return run


def cancel_run(run, *, user=None):
    """Cancel a queued run at once, or ask the worker to stop a running one.

    Returns the run's status after the call. It is "cancelled" for a run that
    was queued and "running" for a run that stops before its next request. A
    run that had already finished is left as it is, with its final status.
    """
    now = timezone.now()
    cancelled_by = user if user and user.is_authenticated else None
    cancel_fields = {
        "cancel_requested": True,
        "cancelled_by": cancelled_by,
        "cancel_requested_at": now,
    }
    # Each update matches only the status it expects, so a worker that claims
    # the run at the same moment turns the first update into a no-op and the
    # second one catches the running run. A second request keeps the first
    # one's author and time.
    cancelled = Run.objects.filter(pk=run.pk, status=Run.Status.QUEUED).update(
        status=Run.Status.CANCELLED, finished=now, heartbeat=now, **cancel_fields
    )
    if cancelled:
        not_sent = run.entities.filter(status=RunEntity.Status.PENDING).update(
            status=RunEntity.Status.FAILED, error=CANCELLED_ENTITY_ERROR
        )
        Run.objects.filter(pk=run.pk).update(failed_count=not_sent)
        logger.info("Run %s cancelled by %s before it started", run.pk, cancelled_by)
        run.refresh_from_db()
        return run.status

    requested = Run.objects.filter(
        pk=run.pk, status=Run.Status.RUNNING, cancel_requested=False
    ).update(**cancel_fields)
    if requested:
        logger.info("Run %s: cancel requested by %s", run.pk, cancelled_by)
    run.refresh_from_db()
    return run.status

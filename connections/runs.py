"""Starting runs: the one entry point for the dashboard, admin and commands."""

from connections.models import IncomingConfiguration, Run, RunEntity


class RunRejected(Exception):
    """The configuration cannot be run as it is (disabled, client disabled)."""


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

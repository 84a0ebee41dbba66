from django_tasks import task


@task()
def execute_run(run_id: int) -> str:
    """Execute a queued run in the worker and return its final status."""
    from connections.engine import execute

    return execute(run_id)

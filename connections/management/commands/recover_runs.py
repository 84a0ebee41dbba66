from django.core.management.base import BaseCommand

from connections.engine import recover_interrupted_runs, recover_stale_runs


class Command(BaseCommand):
    help = (
        "Mark failed the runs that a stopped worker left running: those "
        "without progress for RUN_STALE_AFTER seconds, or with --all-running "
        "every running run (only when no worker is running, as before the "
        "start command launches its single worker)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all-running",
            action="store_true",
            help="Mark every running run failed, not only stale ones.",
        )

    def handle(self, *, all_running, **options):
        if all_running:
            count = recover_interrupted_runs()
        else:
            count = recover_stale_runs()
        if count:
            self.stdout.write(f"Marked {count} interrupted runs as failed.")

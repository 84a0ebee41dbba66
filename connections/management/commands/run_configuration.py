import re
import sys
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from connections import exactjson
from connections.engine import execute
from connections.models import IncomingConfiguration, OutgoingConfiguration, Run
from connections.runs import (
    RunRejected,
    needing_entities,
    non_object_entity_error,
    start_run,
)

POLL_SECONDS = 0.5
EXIT_FAILED = 1
EXIT_PARTIAL = 2
EXIT_CANCELLED = 3
# A run number as the dashboard shows it: "29" or "#29".
RUN_NUMBER = re.compile(r"#?(\d{1,18})")


class Command(BaseCommand):
    help = (
        "Run an incoming or outgoing configuration from the shell and print the "
        "outcome. The run is queued like any other; by default this command then "
        "executes it in this process, so no worker is needed (if a worker claims "
        "it first, the command waits for that worker). With --wait it only waits "
        "for a worker to finish it. Exit status: 0 succeeded, 1 failed, "
        "2 partial, 3 cancelled."
    )

    def add_arguments(self, parser):
        parser.add_argument("identifier", help="Identifier of the configuration.")
        parser.add_argument(
            "--kind",
            choices=["incoming", "outgoing"],
            help="Which kind of configuration, when both kinds use the identifier.",
        )
        parser.add_argument(
            "--entities",
            metavar="FILE",
            help=(
                "Outgoing runs: a JSON file with a list of entities to publish "
                "(one object is one entity). Use - to read standard input."
            ),
        )
        parser.add_argument(
            "--from-run",
            metavar="RUN",
            help=(
                "Outgoing runs: publish the entities of this earlier incoming run, "
                "given by its number as the dashboard shows it (29 or #29) or by "
                "its code."
            ),
        )
        parser.add_argument(
            "--wait",
            action="store_true",
            help="Leave the run to the task worker and wait until it finishes.",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=3600.0,
            help="Seconds to wait for the run to finish (default: 3600).",
        )

    def handle(self, *args, **options):
        configuration = self._configuration(options["identifier"], options["kind"])
        incoming = isinstance(configuration, IncomingConfiguration)
        if incoming and (options["entities"] or options["from_run"]):
            raise CommandError(
                "--entities and --from-run apply to outgoing configurations only."
            )
        if options["entities"] and options["from_run"]:
            raise CommandError("Use either --entities or --from-run, not both.")

        entities = self._entities(options["entities"]) if options["entities"] else None
        source_run = (
            self._source_run(options["from_run"]) if options["from_run"] else None
        )
        if not incoming:
            self._check_entities(configuration, entities, source_run)
        try:
            run = start_run(
                configuration,
                trigger="command",
                entities=entities,
                source_run=source_run,
            )
        except RunRejected as error:
            raise CommandError(f"The run was not started: {error}") from error
        self.stdout.write(f"Queued {run} ({run.code}).")

        if not options["wait"]:
            execute(run.pk)
        run = self._wait(run, options["timeout"])
        self._report(run)

        if run.status == Run.Status.FAILED:
            raise CommandError(f"The run failed: {run.error}", returncode=EXIT_FAILED)
        if run.status == Run.Status.PARTIAL:
            raise CommandError(
                f"The run finished partially: {run.error}", returncode=EXIT_PARTIAL
            )
        if run.status == Run.Status.CANCELLED:
            raise CommandError(
                "The run was cancelled on its page.", returncode=EXIT_CANCELLED
            )

    def _configuration(self, identifier, kind):
        found = []
        if kind in (None, "incoming"):
            found += IncomingConfiguration.objects.filter(identifier=identifier)
        if kind in (None, "outgoing"):
            found += OutgoingConfiguration.objects.filter(identifier=identifier)
        if not found:
            raise CommandError(f"No configuration has the identifier “{identifier}”.")
        if len(found) > 1:
            raise CommandError(
                f"Both an incoming and an outgoing configuration have the identifier "
                f"“{identifier}”. Add --kind incoming or --kind outgoing."
            )
        return found[0]

    def _entities(self, name):
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text("utf-8")
        except OSError as error:
            raise CommandError(
                f"Cannot read the entities file {name}: {error}"
            ) from error
        try:
            value = exactjson.loads(text)
        except ValueError as error:
            raise CommandError(
                f"The entities file {name} is not valid JSON: {error}"
            ) from error
        if isinstance(value, dict):
            return [value]
        if not isinstance(value, list):
            raise CommandError(
                f"The entities file {name} must contain a JSON list of entities or "
                "one object."
            )
        if not value:
            raise CommandError(
                f"The entities file {name} contains an empty list. Add at least one "
                "entity."
            )
        return value

    def _check_entities(self, configuration, entities, source_run):
        if entities is None and source_run is None:
            needing = needing_entities([configuration])
            if needing:
                _, placeholders = needing[0]
                raise CommandError(
                    f"“{configuration.name}” reads {placeholders} from each entity. "
                    "Give the entities with --entities FILE or --from-run RUN."
                )
        if entities is not None:
            problem = non_object_entity_error(entities, [configuration])
            if problem:
                raise CommandError(f"The entities file: {problem}")

    def _source_run(self, text):
        """Return the run named by its number (29 or #29) or its code."""
        number = RUN_NUMBER.fullmatch(text.strip())
        if number:
            run = Run.objects.filter(pk=int(number.group(1))).first()
        else:
            try:
                run = Run.objects.filter(code=text.strip()).first()
            except ValidationError:
                run = None
        if run is None:
            raise CommandError(
                f"No run has the number or code {text}. Give the run's number as "
                "the dashboard shows it (#29) or its code."
            )
        if run.kind != Run.Kind.INCOMING:
            raise CommandError(
                f"Run #{run.pk} is an outgoing run, but --from-run needs an incoming "
                "run."
            )
        return run

    def _wait(self, run, timeout):
        deadline = time.monotonic() + timeout
        last_progress = None
        while True:
            run.refresh_from_db()
            if run.is_finished:
                return run
            progress = (run.status, run.entity_count, run.sent_count, run.page_count)
            if progress != last_progress:
                self.stdout.write(
                    f"{run.get_status_display()}: {run.entity_count} entities, "
                    f"{run.page_count} pages, {run.request_count} requests."
                )
                last_progress = progress
            if time.monotonic() > deadline:
                raise CommandError(
                    f"The run did not finish within {timeout:g} s; it is still "
                    f"{run.status}. Is a worker running (manage.py db_worker)?"
                )
            time.sleep(POLL_SECONDS)

    def _report(self, run):
        self.stdout.write(f"Status: {run.get_status_display()}")
        if run.summary:
            self.stdout.write(f"Summary: {run.summary}")
        counts = [f"entities {run.entity_count}"]
        if run.kind == Run.Kind.OUTGOING:
            counts += [f"sent {run.sent_count}", f"failed {run.failed_count}"]
        else:
            counts.append(f"pages {run.page_count}")
        counts.append(f"requests {run.request_count}")
        self.stdout.write("Counts: " + ", ".join(counts))
        if run.duration is not None:
            self.stdout.write(f"Duration: {run.duration.total_seconds():.1f} s")
        if run.error:
            self.stdout.write(f"Error: {run.error}")

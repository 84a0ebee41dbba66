import logging
import os
import signal
import sys
import threading
import time

from django.core.management.base import BaseCommand, CommandError

from sandbox.faults import FAULT_DEFAULTS, parse_fault_argument
from sandbox.server import SandboxServer

HOST = "127.0.0.1"


class Command(BaseCommand):
    help = (
        "Serve a local stand-in for Centra's GraphQL Integration API on "
        f"{HOST} until Ctrl-C. It prints the endpoint and an access token with "
        "every permission. Faults can be switched at run time with "
        "POST /sandbox/faults."
    )
    # The sandbox uses no models or database, so the command starts without
    # running the project's system checks.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--port",
            type=int,
            default=8001,
            help=f"TCP port to listen on at {HOST}, or 0 for any free port. "
            "Default: 8001.",
        )
        parser.add_argument(
            "--orders",
            type=int,
            default=300,
            help="Number of generated orders, numbered so that 3957 is included. "
            "Default: 300.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="Seed of the generated data. The same seed gives the same data. "
            "Default: 1.",
        )
        parser.add_argument(
            "--token",
            default=os.environ.get("SANDBOX_TOKEN") or None,
            help="Access token with every permission to accept, so a client "
            "keeps working across restarts. Default: the SANDBOX_TOKEN "
            "environment variable (which keeps it off the process list), else "
            "a new random token.",
        )
        parser.add_argument(
            "--fault",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="Fault to switch on from the start, such as latency=0.5 or "
            "fail_next=3. Repeat the flag for several faults. Options: "
            f"{', '.join(FAULT_DEFAULTS)}.",
        )

    def handle(self, *args, **options):
        faults = {}
        for text in options["fault"]:
            try:
                name, value = parse_fault_argument(text)
            except ValueError as error:
                raise CommandError(str(error)) from None
            faults[name] = value
        if options["orders"] < 1:
            raise CommandError(f"--orders must be at least 1, got {options['orders']}.")

        server = SandboxServer(
            host=HOST,
            port=options["port"],
            orders=options["orders"],
            seed=options["seed"],
            token=options["token"],
        )
        server.faults.set(**faults)
        self._show_requests(options["verbosity"])
        previous_sigterm_handler = self._stop_on_sigterm()
        try:
            server.start()
        except OSError as error:
            raise CommandError(
                f"Cannot listen on {HOST}:{options['port']}: {error}"
            ) from None

        try:
            self._print_banner(server, options)
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
            if previous_sigterm_handler is not None:
                signal.signal(signal.SIGTERM, previous_sigterm_handler)
        self.stdout.write("Centra sandbox stopped.")

    def _stop_on_sigterm(self):
        """Make SIGTERM stop the server like Ctrl-C and return the old handler.

        Signal handlers can only be set in the main thread, so in any other
        thread nothing changes and None is returned.
        """
        if threading.current_thread() is not threading.main_thread():
            return None

        def interrupt(_signal_number, _frame):
            raise KeyboardInterrupt

        return signal.signal(signal.SIGTERM, interrupt)

    def _show_requests(self, verbosity: int) -> None:
        """Log request lines to stderr, or only problems at verbosity 0."""
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        sandbox_logger = logging.getLogger("sandbox")
        sandbox_logger.addHandler(handler)
        sandbox_logger.setLevel(logging.INFO if verbosity >= 1 else logging.WARNING)
        sandbox_logger.propagate = False

    def _print_banner(self, server: SandboxServer, options) -> None:
        lines = [
            f"Centra sandbox: {options['orders']} orders, seed {options['seed']}",
            f"GraphQL endpoint: {server.url}/graphql",
            f"Access token (all permissions): {server.token}",
            f"Faults: GET or POST {server.url}/sandbox/faults",
        ]
        active = server.faults.active()
        if active:
            lines.append(f"Active faults: {active}")
        lines.append("Press Ctrl-C to stop.")
        for line in lines:
            self.stdout.write(line)
        self.stdout.flush()

"""Measure the run engine: an incoming run of N sandbox orders and an
outgoing run that publishes them again.

    .venv/bin/python bench/run_benchmark.py --orders 2000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python bench/run_benchmark.py

The script creates a throw-away test database: a SQLite file in the
temporary folder by default, or "test_<name>" beside the database of
DATABASE_URL. It starts the sandbox
on a free loopback port with its rate limits raised out of the way, and
switches the dashboard's own pacing off. For each run it prints the wall
time and the peak memory of Python allocations. The memory is measured with
tracemalloc in a second run, because tracing slows the first. The last line
is the peak resident size of the process. The figures depend on the
machine, and nothing is checked.
"""

import argparse
import logging
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
# Runs are executed in this process as soon as they are queued.
os.environ["TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"

import django  # noqa: E402

django.setup()
# Log lines of the engine and the sandbox would drown the figures. The
# outgoing run logs a warning because most sandbox orders cannot be confirmed.
logging.disable(logging.WARNING)

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from clients.models import HttpClient  # noqa: E402
from connections.models import (  # noqa: E402
    IncomingConfiguration,
    OutgoingConfiguration,
    Run,
)
from connections.runs import start_run  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402

UNLIMITED = (10**9, 10**9)
ORDERS_QUERY = """
query Orders($limit: Int, $page: Int) {
  orders(limit: $limit, page: $page, sort: [number_ASC]) {
    number status isOnHold orderDate
    grandTotal { value currency { code } formattedValue }
    lines { id quantity productName }
    shippingAddress { firstName lastName address1 city zipCode country { code } }
  }
}
"""
CONFIRM = (
    "mutation ConfirmOrder($number: Int!) { confirmOrder(input: {order: {number: "
    "$number}}) { order { number status } userErrors { message path } } }"
)


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--orders", type=int, default=1000, help="Orders in the sandbox (default 1000)."
    )
    parser.add_argument(
        "--page-size", type=int, default=200, help="Orders per page, at most 200."
    )
    parser.add_argument(
        "--logging",
        choices=[choice for choice, _ in HttpClient.Logging.choices],
        default="full",
        help="Request logging of the client (default full).",
    )
    return parser.parse_args()


def make_configurations(sandbox, arguments):
    client = HttpClient.objects.create(
        name="Bench",
        identifier="bench",
        base_uri=sandbox.url,
        logging=arguments.logging,
    )
    client.set_secret(sandbox.token)
    client.save()
    incoming = IncomingConfiguration.objects.create(
        name="Bench orders",
        identifier="bench-orders",
        client=client,
        request_uri="/graphql",
        query=ORDERS_QUERY,
        variables={"limit": arguments.page_size},
        entities_path="data.orders",
        pagination=IncomingConfiguration.Pagination.PAGE,
        page_variable="page",
        page_size=arguments.page_size,
        max_pages=10_000,
    )
    outgoing = OutgoingConfiguration.objects.create(
        name="Bench confirm",
        identifier="bench-confirm",
        client=client,
        request_uri="/graphql",
        query=CONFIRM,
        variables={"number": "&{number}"},
    )
    return incoming, outgoing


def measure(sandbox, start, trace):
    """Reset the sandbox, run `start()` and return (run, seconds, peak bytes)."""
    sandbox.reset()
    if trace:
        tracemalloc.start()
    began = time.perf_counter()
    run = start()
    seconds = time.perf_counter() - began
    peak = None
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    run.refresh_from_db()
    return run, seconds, peak


def report(label, run, seconds, peak):
    entities = run.entity_count
    rate = entities / seconds if seconds else 0
    print(
        f"{label:<9} {run.status:<9} {entities:>7} {run.request_count:>8} "
        f"{seconds:>8.2f} {rate:>11.0f} {peak / 2**20:>13.1f}"
    )


def main():
    arguments = parse_arguments()
    settings.CENTRA_REQUESTS_PER_10S = 0
    quotas = {
        "REQUEST_COUNT": UNLIMITED,
        "QUERY_COMPLEXITY": UNLIMITED,
        "MUTATION_COUNT": UNLIMITED,
    }

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    sandbox = SandboxServer(
        host="127.0.0.1", port=0, orders=arguments.orders, seed=1, quotas=quotas
    )
    sandbox.start()
    try:
        incoming, outgoing = make_configurations(sandbox, arguments)

        print(
            f"{arguments.orders} orders, {arguments.page_size} a page, logging "
            f"{arguments.logging}, database {connection.vendor}"
        )
        print(
            f"{'run':<9} {'status':<9} {'entities':>7} {'requests':>8} "
            f"{'seconds':>8} {'entities/s':>11} {'peak MiB py':>13}"
        )
        for label, start in (
            ("incoming", lambda: start_run(incoming, trigger="bench")),
            (
                "outgoing",
                lambda: start_run(
                    outgoing,
                    trigger="bench",
                    source_run=Run.objects.filter(incoming=incoming).first(),
                ),
            ),
        ):
            run, seconds, _ = measure(sandbox, start, trace=False)
            _, _, peak = measure(sandbox, start, trace=True)
            report(label, run, seconds, peak)

        peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"Peak resident size of the process: {peak_rss:.0f} MiB")
    finally:
        sandbox.stop()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

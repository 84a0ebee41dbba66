"""Retries, back-off, Retry-After, timeouts and pacing against the sandbox."""

import email.utils
import socket
import time
from datetime import UTC, datetime, timedelta

import pytest

from clients.models import HttpClient
from connections.models import IncomingConfiguration, OutgoingConfiguration, Run
from connections.runs import start_run

pytestmark = pytest.mark.django_db

ORDER_QUERY = "query One($n: Int) { order(number: $n) { number status } }"
CONFIRM = (
    "mutation ConfirmOrder($number: Int!) { confirmOrder(input: {order: {number: "
    "$number}}) { order { number status } userErrors { message path } } }"
)


@pytest.fixture(autouse=True)
def fast_retries(settings):
    settings.RETRY_BASE_DELAY = 0.01
    settings.RETRY_MAX_DELAY = 0.05


def make_client(sandbox, base_uri=None, **fields):
    client = HttpClient.objects.create(
        name="Sandbox", identifier="sandbox", base_uri=base_uri or sandbox.url, **fields
    )
    client.set_secret(sandbox.token)
    client.save()
    return client


def make_incoming(client, **fields):
    values = {
        "name": "One order",
        "identifier": "one-order",
        "client": client,
        "request_uri": "/graphql",
        "query": ORDER_QUERY,
        "variables": {"n": 3957},
        "entities_path": "data.order",
    }
    values.update(fields)
    return IncomingConfiguration.objects.create(**values)


def make_outgoing(client, **fields):
    values = {
        "name": "Confirm",
        "identifier": "confirm",
        "client": client,
        "request_uri": "/graphql",
        "query": CONFIRM,
        "variables": {"number": "&{number}"},
    }
    values.update(fields)
    return OutgoingConfiguration.objects.create(**values)


def run_it(configuration, entities=None):
    run = start_run(configuration, trigger="test", entities=entities)
    run.refresh_from_db()
    return run


def logs(run):
    return list(run.request_logs.order_by("pk"))


def let_late_requests_finish(latency):
    # The sandbox still runs a request whose client gave up waiting. Waiting
    # for it keeps it from changing orders or quotas in the next test.
    time.sleep(latency + 0.2)


def test_unavailable_is_retried_with_backoff(sandbox):
    sandbox.faults.set(fail_next=2, fail_status=503)

    run = run_it(make_incoming(make_client(sandbox)))

    assert run.status == Run.Status.SUCCEEDED
    assert run.request_count == 3
    attempts = logs(run)
    assert [log.attempt for log in attempts] == [1, 2, 3]
    assert [log.status_code for log in attempts] == [503, 503, 200]
    assert attempts[0].wait_before_ms == 0
    assert attempts[1].wait_before_ms >= 5
    assert attempts[2].wait_before_ms >= 10
    assert "<html>" in attempts[0].response_body


@pytest.mark.parametrize("status", [429, 502, 504])
def test_other_retryable_statuses(sandbox, status):
    sandbox.faults.set(fail_next=1, fail_status=status)

    run = run_it(make_incoming(make_client(sandbox)))

    assert run.status == Run.Status.SUCCEEDED
    assert run.request_count == 2


def test_gives_up_after_max_attempts(sandbox):
    sandbox.faults.set(fail_next=10, fail_status=503)

    run = run_it(make_incoming(make_client(sandbox), max_attempts=3))

    assert run.status == Run.Status.FAILED
    assert run.request_count == 3
    assert run.error == (
        "Centra responded with HTTP 503 Service Unavailable. Gave up after 3 "
        "attempts. Centra, or a gateway in front of it, was unavailable. Try again "
        "in a few minutes, and check Centra's status page if it lasts."
    )


def test_retry_after_seconds_is_obeyed(sandbox):
    sandbox.faults.set(fail_next=1, fail_status=429, retry_after=1)

    run = run_it(make_incoming(make_client(sandbox)))

    assert run.status == Run.Status.SUCCEEDED
    assert logs(run)[1].wait_before_ms >= 1000


def test_retry_after_http_date_is_obeyed(sandbox):
    moment = datetime.now(UTC) + timedelta(seconds=2)
    sandbox.faults.set(
        fail_next=1,
        fail_status=503,
        retry_after=email.utils.format_datetime(moment, usegmt=True),
    )

    run = run_it(make_incoming(make_client(sandbox)))

    assert run.status == Run.Status.SUCCEEDED
    # HTTP dates have whole seconds, so the wait is between about 1 and 2 s.
    assert 500 <= logs(run)[1].wait_before_ms <= 2500


def test_retry_after_beyond_ceiling_stops_run(sandbox, settings):
    settings.RETRY_AFTER_CEILING = 5
    sandbox.faults.set(fail_next=1, fail_status=429, retry_after=3600)

    started = time.monotonic()
    run = run_it(make_incoming(make_client(sandbox)))

    assert time.monotonic() - started < 5
    assert run.status == Run.Status.FAILED
    assert run.error.startswith("Rate limited until ")
    assert "Retry-After requests a wait of 3600 s, longer than the 5 s" in run.error
    assert run.request_count == 1


def test_rate_limit_beyond_ceiling_stops_outgoing_run(sandbox, settings):
    settings.RETRY_AFTER_CEILING = 5
    sandbox.faults.set(fail_next=1, fail_status=429, retry_after=3600)

    run = run_it(
        make_outgoing(make_client(sandbox)), [{"number": 3957}, {"number": 3805}]
    )

    assert run.status == Run.Status.FAILED
    assert run.request_count == 1
    assert run.entities.get(position=2).error.startswith(
        "Not sent because the run stopped: Rate limited until"
    )


def test_sandbox_quota_429_is_retried(sandbox, settings):
    # Pacing off, so the client runs into the sandbox's bucket and must wait
    # for its Retry-After. A bucket of 3 per 10 s refills one request every
    # 3.3 s, so the 4th quick request is refused however slow the machine.
    settings.CENTRA_REQUESTS_PER_10S = 0
    sandbox.set_quotas(REQUEST_COUNT=(3, 1000))
    pending = [o["number"] for o in sandbox.store.orders if o["status"] == "PENDING"]
    entities = [{"number": number} for number in pending[:4]]

    run = run_it(make_outgoing(make_client(sandbox)), entities)

    assert run.status == Run.Status.SUCCEEDED
    statuses = [log.status_code for log in logs(run)]
    assert statuses == [200] * 3 + [429, 200]
    assert logs(run)[4].wait_before_ms >= 500


def test_timeout_of_query_is_retried(sandbox):
    sandbox.faults.set(latency=1.0)
    client = make_client(sandbox, connect_timeout=1, total_timeout=0.3)

    run = run_it(make_incoming(client, max_attempts=2))
    let_late_requests_finish(1.0)

    assert run.status == Run.Status.FAILED
    assert run.request_count == 2
    assert "Gave up after 2 attempts" in run.error
    assert all(log.outcome == "network_error" for log in logs(run))


def test_hanging_server_times_out(sandbox):
    sandbox.faults.set(hang=True)
    client = make_client(sandbox, connect_timeout=1, total_timeout=0.3)

    run = run_it(make_incoming(client, max_attempts=1))

    assert run.status == Run.Status.FAILED
    assert "did not answer within the total timeout of 0.3 s" in run.error


def test_mutation_not_repeated_after_timeout(sandbox):
    sandbox.faults.set(latency=1.0)
    client = make_client(sandbox, connect_timeout=1, total_timeout=0.3)

    run = run_it(make_outgoing(client), [{"number": 3957}])

    assert run.status == Run.Status.FAILED
    assert run.request_count == 1
    assert "may have reached Centra, so it was not repeated" in run.error
    # The mutation ran although its response came too late.
    let_late_requests_finish(1.0)
    assert sandbox.store.order_by_number(3957)["status"] == "CONFIRMED"


def test_mutation_repeated_when_safe_to_repeat(sandbox):
    sandbox.faults.set(latency=1.0)
    client = make_client(sandbox, connect_timeout=1, total_timeout=0.3)
    configuration = make_outgoing(client, safe_to_repeat=True, max_attempts=2)

    run = run_it(configuration, [{"number": 3957}])
    let_late_requests_finish(1.0)

    assert run.request_count == 2
    assert "Gave up after 2 attempts" in run.error


def test_mutation_retried_after_unavailable(sandbox):
    # A 503 normally means the request was not processed, so it is repeated.
    sandbox.faults.set(fail_next=1, fail_status=503)

    run = run_it(make_outgoing(make_client(sandbox)), [{"number": 3957}])

    assert run.status == Run.Status.SUCCEEDED
    assert run.request_count == 2


def test_mutation_not_repeated_after_bad_gateway(sandbox):
    sandbox.faults.set(fail_next=1, fail_status=502)

    run = run_it(make_outgoing(make_client(sandbox)), [{"number": 3957}])

    assert run.status == Run.Status.FAILED
    assert run.request_count == 1
    assert sandbox.store.order_by_number(3957)["status"] == "PENDING"


def test_server_error_of_query_is_retried(sandbox):
    # A query changes nothing in Centra, so repeating it after a 500 is safe.
    sandbox.faults.set(fail_next=1, fail_status=500)

    run = run_it(make_incoming(make_client(sandbox)))

    assert run.status == Run.Status.SUCCEEDED
    assert run.request_count == 2
    assert [log.status_code for log in logs(run)] == [500, 200]


def test_server_error_of_query_gives_up_with_advice(sandbox):
    sandbox.faults.set(fail_next=10, fail_status=500)

    run = run_it(make_incoming(make_client(sandbox), max_attempts=2))

    assert run.status == Run.Status.FAILED
    assert run.request_count == 2
    assert run.error == (
        "Centra responded with HTTP 500 Internal Server Error. Gave up after 2 "
        "attempts. The request log keeps the request and the response body. Try "
        "again later. If the error persists, report it to Centra with the request "
        "and the response from the request log."
    )


def test_server_error_of_mutation_is_not_repeated(sandbox):
    # Centra may have applied the mutation before failing, even when the
    # configuration is safe to repeat.
    sandbox.faults.set(fail_next=1, fail_status=500)
    configuration = make_outgoing(make_client(sandbox), safe_to_repeat=True)

    run = run_it(configuration, [{"number": 3957}])

    assert run.status == Run.Status.FAILED
    assert run.request_count == 1
    entity = run.entities.get()
    assert entity.error.startswith(
        "Centra responded with HTTP 500 Internal Server Error. The request log"
    )
    assert "report it to Centra" in entity.error


def test_server_error_advice_without_bodies(sandbox):
    sandbox.faults.set(fail_next=10, fail_status=500)
    client = make_client(sandbox, logging=HttpClient.Logging.METADATA)

    run = run_it(make_incoming(client, max_attempts=1))

    assert "The request log keeps no bodies" in run.error
    assert "Set it to “Full” to keep them." in run.error
    assert run.request_logs.get().response_body == ""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_connection_refused_is_retried_then_stops(sandbox):
    client = make_client(sandbox, base_uri=f"http://127.0.0.1:{free_port()}")
    configuration = make_outgoing(client, max_attempts=2)

    run = run_it(configuration, [{"number": 3957}, {"number": 3805}])

    assert run.status == Run.Status.FAILED
    assert run.request_count == 2
    assert run.entities.get(position=2).error.startswith(
        "Not sent because the run stopped:"
    )
    assert all(log.status_code is None for log in logs(run))


def test_too_large_answer_fails_with_size(sandbox, settings):
    settings.HTTP_MAX_RESPONSE_BYTES = 100_000
    sandbox.faults.set(huge_body=300_000)

    run = run_it(make_incoming(make_client(sandbox)))

    assert run.status == Run.Status.FAILED
    assert run.request_count == 1
    assert "100" in run.error
    assert logs(run)[0].outcome == "invalid_response"


def test_pacing_is_shared_between_runs(sandbox, settings):
    # Two requests per 10 s: the third run of the same client waits until
    # the first request has left the window.
    settings.CENTRA_REQUESTS_PER_10S = 2
    configuration = make_incoming(make_client(sandbox), max_attempts=1)

    runs = [run_it(configuration) for _ in range(3)]

    assert [run.status for run in runs] == [Run.Status.SUCCEEDED] * 3
    waits = [run.request_logs.get().wait_before_ms for run in runs]
    assert waits[0] == 0
    assert waits[1] == 0
    assert waits[2] >= 9000

"""The demo configurations against each sandbox fault.

Every run must end with a status and an error text that name the fault (the
status code, HTML, the size, the redirect target, the rate limit), so that
a user who reads only the run can act on it.
"""

import io

import pytest
from django.core.management import call_command

from clients.models import HttpClient
from connections.models import IncomingConfiguration, OutgoingConfiguration, Run
from connections.runs import start_run

pytestmark = pytest.mark.django_db

TOTAL_TIMEOUT = 0.5
RETRY_AFTER_CEILING = 5
UNKNOWN_MUTATION = (
    "Whether the mutation was applied is unknown, so check in Centra before "
    "running it again."
)
NOT_REPEATED = "The request may have reached Centra, so it was not repeated."


@pytest.fixture(autouse=True)
def fast_retries(settings):
    settings.RETRY_BASE_DELAY = 0.01
    settings.RETRY_MAX_DELAY = 0.05
    settings.RETRY_AFTER_CEILING = RETRY_AFTER_CEILING


@pytest.fixture
def demo(sandbox):
    """The sandbox, with the demo loaded and its client's timeouts short."""
    call_command(
        "load_demo",
        "--sandbox-url",
        sandbox.url,
        "--token",
        sandbox.token,
        stdout=io.StringIO(),
    )
    client = HttpClient.objects.get(identifier="centra-sandbox")
    client.connect_timeout = 1
    client.total_timeout = TOTAL_TIMEOUT
    client.save()
    return sandbox


def pending_orders():
    configuration = IncomingConfiguration.objects.get(identifier="pending-orders")
    run = start_run(configuration, trigger="test")
    run.refresh_from_db()
    return run


def confirm_3957():
    configuration = OutgoingConfiguration.objects.get(identifier="confirm-order")
    run = start_run(configuration, trigger="test", entities=[{"number": 3957}])
    run.refresh_from_db()
    return run


def status_of_3957(sandbox):
    return sandbox.store.order_by_number(3957)["status"]


def test_demo_runs_without_faults(demo):
    incoming = pending_orders()
    outgoing = confirm_3957()

    assert incoming.status == Run.Status.SUCCEEDED
    assert incoming.entity_count == 134
    assert outgoing.status == Run.Status.SUCCEEDED
    assert status_of_3957(demo) == "CONFIRMED"


def test_html_error(demo):
    demo.faults.set(html_error=True)

    incoming = pending_orders()
    outgoing = confirm_3957()

    html_message = (
        "Centra responded with HTTP 200 OK and an HTML page titled “502 Bad "
        "Gateway” instead of JSON. Check that the request URI points at the "
        "GraphQL endpoint and that no proxy or login page is in between."
    )
    assert incoming.status == Run.Status.FAILED
    assert incoming.error == html_message
    assert incoming.request_count == 1
    assert outgoing.status == Run.Status.FAILED
    assert outgoing.error == f"Entity 1 failed: {html_message} {UNKNOWN_MUTATION}"
    assert status_of_3957(demo) == "PENDING"


def test_error_rate_500(demo):
    demo.faults.set(error_rate=1.0, error_statuses=[500])

    incoming = pending_orders()
    outgoing = confirm_3957()

    advice = (
        "The request log keeps the request and the response body. Try again "
        "later. If the error persists, report it to Centra with the request and "
        "the response from the request log."
    )
    assert incoming.status == Run.Status.FAILED
    assert incoming.error == (
        "Centra responded with HTTP 500 Internal Server Error. Gave up after 3 "
        f"attempts. {advice}"
    )
    # A query is read-only, so it is retried after a 500 like after a 503.
    assert incoming.request_count == 3
    # A mutation is not: Centra may have applied it before failing.
    assert outgoing.status == Run.Status.FAILED
    assert outgoing.request_count == 1
    assert outgoing.error == (
        f"Entity 1 failed: Centra responded with HTTP 500 Internal Server Error. "
        f"{advice}"
    )


def test_error_rate_502(demo):
    demo.faults.set(error_rate=1.0, error_statuses=[502])

    incoming = pending_orders()
    outgoing = confirm_3957()

    assert incoming.status == Run.Status.FAILED
    assert incoming.error == (
        "Centra responded with HTTP 502 Bad Gateway. Gave up after 3 attempts. "
        "Centra, or a gateway in front of it, was unavailable. Try again in a few "
        "minutes, and check Centra's status page if it lasts."
    )
    assert incoming.request_count == 3
    assert outgoing.status == Run.Status.FAILED
    assert outgoing.error.startswith(
        f"Entity 1 failed: Centra responded with HTTP 502 Bad Gateway. {NOT_REPEATED}"
    )
    assert "Turn on “Safe to repeat”" in outgoing.error
    assert outgoing.request_count == 1


def test_error_rate_503(demo):
    demo.faults.set(error_rate=1.0, error_statuses=[503])

    incoming = pending_orders()
    outgoing = confirm_3957()

    assert incoming.status == Run.Status.FAILED
    assert incoming.error == (
        "Centra responded with HTTP 503 Service Unavailable. Gave up after 3 "
        "attempts. Centra, or a gateway in front of it, was unavailable. Try again "
        "in a few minutes, and check Centra's status page if it lasts."
    )
    assert incoming.request_count == 3
    # A 503 means the request was not processed, so a mutation is repeated.
    assert outgoing.status == Run.Status.FAILED
    assert outgoing.error == (
        "Entity 1 failed: Centra responded with HTTP 503 Service Unavailable. "
        "Gave up after 3 attempts. Centra, or a gateway in front of it, was "
        "unavailable. Try again in a few minutes, and check Centra's status page "
        "if it lasts."
    )
    assert outgoing.request_count == 3


def test_string_errors(demo):
    demo.faults.set(string_errors=True)

    incoming = pending_orders()
    outgoing = confirm_3957()

    message = (
        "Centra returned a GraphQL error: Internal error: the order service is "
        "unavailable."
    )
    assert incoming.status == Run.Status.FAILED
    assert incoming.error == message
    assert outgoing.status == Run.Status.FAILED
    assert outgoing.error == f"Entity 1 failed: {message}"


def test_object_errors(demo):
    demo.faults.set(object_errors=True)

    incoming = pending_orders()
    outgoing = confirm_3957()

    message = (
        "Centra returned a GraphQL error: Internal error: the pricing service "
        "timed out."
    )
    assert incoming.status == Run.Status.FAILED
    assert incoming.error == message
    assert outgoing.status == Run.Status.FAILED
    assert outgoing.error == f"Entity 1 failed: {message}"


def test_null_data(demo):
    demo.faults.set(null_data=True)

    incoming = pending_orders()
    outgoing = confirm_3957()

    message = (
        "Centra returned data: null and no errors, so the response has no result "
        "and does not say why."
    )
    assert incoming.status == Run.Status.FAILED
    assert incoming.error == message
    assert outgoing.status == Run.Status.FAILED
    assert outgoing.error == f"Entity 1 failed: {message} {UNKNOWN_MUTATION}"


def test_empty_errors(demo):
    demo.faults.set(empty_errors=True)

    incoming = pending_orders()
    outgoing = confirm_3957()

    assert incoming.status == Run.Status.SUCCEEDED
    assert incoming.error == ""
    assert incoming.entity_count == 134
    assert outgoing.status == Run.Status.SUCCEEDED
    assert outgoing.error == ""
    assert status_of_3957(demo) == "CONFIRMED"


def test_truncated_body(demo):
    demo.faults.set(truncated_body=True)

    incoming = pending_orders()
    outgoing = confirm_3957()

    received = incoming.request_logs.get().response_size
    assert incoming.status == Run.Status.FAILED
    assert incoming.error == (
        "The response is not valid JSON and looks cut off: it ends after "
        f"{received} bytes, all that its Content-Length declares, so the server "
        "sent an incomplete document."
    )
    assert outgoing.status == Run.Status.FAILED
    assert outgoing.error.startswith(
        "Entity 1 failed: The response is not valid JSON and looks cut off"
    )
    assert outgoing.error.endswith(UNKNOWN_MUTATION)
    # The sandbox ran the mutation and cut only its response.
    assert status_of_3957(demo) == "CONFIRMED"


def test_trickle_past_total_timeout(demo):
    demo.faults.set(trickle=0.05)

    incoming = pending_orders()
    outgoing = confirm_3957()

    assert incoming.status == Run.Status.FAILED
    assert incoming.error.startswith(
        "The response was still arriving when the total timeout of "
        f"{TOTAL_TIMEOUT:g} s ran out ("
    )
    assert incoming.error.endswith("bytes received). Gave up after 3 attempts.")
    assert incoming.request_count == 3
    assert outgoing.status == Run.Status.FAILED
    assert outgoing.error.startswith(
        "Entity 1 failed: The response was still arriving when the total timeout "
        f"of {TOTAL_TIMEOUT:g} s ran out"
    )
    assert NOT_REPEATED in outgoing.error
    assert outgoing.request_count == 1


def test_hang_past_total_timeout(demo):
    demo.faults.set(hang=True)

    incoming = pending_orders()
    outgoing = confirm_3957()

    address = demo.url.removeprefix("http://")
    assert incoming.status == Run.Status.FAILED
    assert incoming.error == (
        f"The server at {address} did not answer within the total timeout of "
        f"{TOTAL_TIMEOUT:g} s. Gave up after 3 attempts."
    )
    assert incoming.request_count == 3
    assert outgoing.status == Run.Status.FAILED
    assert outgoing.error.startswith(
        f"Entity 1 failed: The server at {address} did not answer within the "
        f"total timeout of {TOTAL_TIMEOUT:g} s. {NOT_REPEATED}"
    )
    assert outgoing.request_count == 1


def test_redirect_to(demo):
    target = demo.url + "/moved/graphql"
    demo.faults.set(redirect_to=target)

    incoming = pending_orders()
    outgoing = confirm_3957()

    message = (
        f"The server redirected to {target}; POST requests are not followed. "
        "Point the client's base URI at the final address."
    )
    assert incoming.status == Run.Status.FAILED
    assert incoming.error == message
    assert incoming.request_count == 1
    assert outgoing.status == Run.Status.FAILED
    assert outgoing.error == f"The run stopped: {message}"
    assert [seen.path for seen in demo.requests_seen] == ["/graphql", "/graphql"]


def test_rate_limit_beyond_ceiling(demo):
    demo.faults.set(fail_next=2, fail_status=429, retry_after=3600)

    incoming = pending_orders()
    outgoing = confirm_3957()

    assert incoming.status == Run.Status.FAILED
    assert incoming.error.startswith("Rate limited until ")
    assert incoming.error.endswith(
        "UTC: Centra's Retry-After requests a wait of 3600 s, longer than the "
        f"{RETRY_AFTER_CEILING} s this dashboard waits. Run it again after that "
        "time."
    )
    assert incoming.request_count == 1
    assert outgoing.status == Run.Status.FAILED
    assert outgoing.error.startswith("The run stopped: Rate limited until ")
    assert status_of_3957(demo) == "PENDING"


def test_rate_limit_outlasting_attempts(demo):
    demo.faults.set(fail_next=6, fail_status=429, retry_after=0.1)

    incoming = pending_orders()
    outgoing = confirm_3957()

    message = (
        "Rate limited: Centra responded with HTTP 429 Too Many Requests and "
        "Retry-After: 0.1 s. Gave up after 3 attempts."
    )
    assert incoming.status == Run.Status.FAILED
    assert incoming.error == message
    assert incoming.request_count == 3
    assert outgoing.status == Run.Status.FAILED
    assert outgoing.error == f"The run stopped: {message}"
    assert outgoing.request_count == 3


def test_rate_limit_recovers_after_retry_after(demo):
    demo.faults.set(fail_next=1, fail_status=429, retry_after=0.2)

    incoming = pending_orders()

    assert incoming.status == Run.Status.SUCCEEDED
    assert incoming.entity_count == 134
    logs = list(incoming.request_logs.order_by("pk"))
    assert logs[0].status_code == 429
    assert logs[1].wait_before_ms >= 200


def test_huge_body_over_limit(demo, settings):
    settings.HTTP_MAX_RESPONSE_BYTES = 100_000
    demo.faults.set(huge_body=300_000)

    incoming = pending_orders()
    outgoing = confirm_3957()

    message = (
        "The response is 300000 bytes, more than the limit of 100000 bytes, so it "
        "was not read. Ask for fewer entities or fields per request, or raise the "
        "limit with the HTTP_MAX_RESPONSE_BYTES environment variable."
    )
    assert incoming.status == Run.Status.FAILED
    assert incoming.error == message
    assert incoming.request_count == 1
    assert outgoing.status == Run.Status.FAILED
    assert outgoing.error == f"Entity 1 failed: {message} {UNKNOWN_MUTATION}"

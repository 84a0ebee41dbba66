"""Fault injection, switched from Python and from the control endpoint."""

import json
import socket
import threading
import time

import pytest
import requests

from sandbox.faults import OBJECT_ERRORS_TEXT
from sandbox.server import SandboxServer

QUERY = "{ __typename }"


def post(sandbox, query=QUERY, **kwargs):
    kwargs.setdefault("timeout", 10)
    return requests.post(
        sandbox.url + "/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {sandbox.token}"},
        **kwargs,
    )


def raw_exchange(sandbox, timeout=5.0) -> bytes:
    """Send one request over a plain socket and return all bytes received."""
    body = json.dumps({"query": QUERY}).encode()
    request = (
        b"POST /graphql HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n"
        + f"Authorization: Bearer {sandbox.token}\r\n".encode()
        + b"Content-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=timeout) as s:
        s.sendall(request)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_latency_delays_every_response(sandbox):
    sandbox.faults.set(latency=0.3)

    started = time.monotonic()
    response = post(sandbox)

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.29


def test_delayed_request_dropped_by_reset(sandbox):
    sandbox.faults.set(latency=0.5)
    mutation = (
        "mutation { confirmOrder(input: {order: {number: 3957}}) { order { status } } }"
    )

    with pytest.raises(requests.exceptions.ReadTimeout):
        post(sandbox, mutation, timeout=(2, 0.1))
    while not sandbox.requests_seen:
        time.sleep(0.01)
    sandbox.reset()
    time.sleep(0.6)

    assert sandbox.store.order_by_number(3957)["status"] == "PENDING"


def test_error_rate_one_fails_every_answer(sandbox):
    sandbox.faults.set(error_rate=1.0)

    statuses = {post(sandbox).status_code for _ in range(10)}

    assert statuses <= {500, 502, 503}
    assert len(statuses) >= 2


def test_error_rate_draws_repeat_per_set(sandbox):
    sandbox.faults.set(error_rate=0.5, error_statuses=[502])
    first = [post(sandbox).status_code for _ in range(12)]
    sandbox.faults.set(error_rate=0.5, error_statuses=[502])
    second = [post(sandbox).status_code for _ in range(12)]

    assert first == second
    assert set(first) == {200, 502}


def test_html_error_returns_html_with_200(sandbox):
    sandbox.faults.set(html_error=True)

    response = post(sandbox)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text.startswith("<!DOCTYPE html>")
    with pytest.raises(ValueError):
        response.json()


def test_html_status_sets_the_status(sandbox):
    sandbox.faults.set(html_error=True, html_status=502)

    response = post(sandbox)

    assert response.status_code == 502
    assert "Bad Gateway" in response.text


def test_truncated_body_matches_content_length(sandbox):
    sandbox.faults.set(truncated_body=True)

    raw = raw_exchange(sandbox)

    head, _, body = raw.partition(b"\r\n\r\n")
    assert b"200 OK" in head
    length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    assert len(body) == length
    assert body.startswith(b'{"data"')
    with pytest.raises(ValueError):
        json.loads(body)


def test_string_errors_are_text_not_list(sandbox):
    sandbox.faults.set(string_errors=True)

    response = post(sandbox)

    assert response.status_code == 200
    assert isinstance(response.json()["errors"], str)


def test_object_errors_are_one_object(sandbox):
    sandbox.faults.set(object_errors=True)

    response = post(sandbox)

    assert response.status_code == 200
    assert response.json() == {"errors": {"message": OBJECT_ERRORS_TEXT}}


def test_null_data_has_no_errors(sandbox):
    sandbox.faults.set(null_data=True)

    response = post(sandbox)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"data": None}


def test_empty_errors_added_to_normal_answer(sandbox):
    sandbox.faults.set(empty_errors=True)

    response = post(sandbox)

    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"__typename": "Query"}
    assert body["errors"] == []
    assert list(body)[:2] == ["data", "errors"]
    assert "complexity" in body["extensions"]


def test_empty_errors_keeps_real_errors(sandbox):
    token = sandbox.add_token(["Order:read"])
    sandbox.faults.set(empty_errors=True)

    response = requests.post(
        sandbox.url + "/graphql",
        json={"query": "{ products(limit: 1) { id } }"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )

    errors = response.json()["errors"]
    assert len(errors) == 1
    assert "Product:read" in errors[0]["message"]


def test_empty_errors_runs_the_mutation(sandbox):
    sandbox.faults.set(empty_errors=True)
    mutation = (
        "mutation { confirmOrder(input: {order: {number: 3957}}) { order { status } } }"
    )

    response = post(sandbox, mutation)

    assert response.json()["errors"] == []
    assert sandbox.store.order_by_number(3957)["status"] == "CONFIRMED"


@pytest.mark.parametrize("fault", ["string_errors", "object_errors", "null_data"])
def test_replaced_answer_runs_no_mutation(sandbox, fault):
    sandbox.faults.set(**{fault: True})
    mutation = (
        "mutation { confirmOrder(input: {order: {number: 3957}}) { order { status } } }"
    )

    response = post(sandbox, mutation)

    assert response.status_code == 200
    assert sandbox.store.order_by_number(3957)["status"] == "PENDING"


def test_trickle_sends_one_byte_at_a_time(sandbox):
    sandbox.faults.set(trickle=0.3)

    response = post(sandbox, timeout=(2, 0.1), stream=True)

    # The headers come at once, and then the body stalls between bytes.
    assert response.status_code == 200
    with pytest.raises(requests.exceptions.ConnectionError, match="Read timed out"):
        response.json()


def test_trickle_delivers_whole_body(sandbox):
    sandbox.faults.set(trickle=0.002)

    started = time.monotonic()
    response = post(sandbox)

    assert response.json()["data"] == {"__typename": "Query"}
    assert time.monotonic() - started >= 0.002 * len(response.content) * 0.9


def test_hang_blocks_until_reset(sandbox):
    sandbox.faults.set(hang=True)

    with pytest.raises(requests.exceptions.ReadTimeout):
        post(sandbox, timeout=(2, 0.3))

    sandbox.reset()
    assert post(sandbox).status_code == 200


def test_stop_returns_quickly_while_request_hangs():
    server = SandboxServer(orders=5, seed=1)
    server.start()
    server.faults.set(hang=True)
    errors = []

    def hanging_request():
        try:
            post(server, timeout=30)
        except requests.RequestException as error:
            errors.append(error)

    thread = threading.Thread(target=hanging_request)
    thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    server.stop()
    thread.join(timeout=5)

    assert time.monotonic() - started < 2
    assert not thread.is_alive()
    assert errors, "the hanging request should end with a connection error"


def test_redirect_to_returns_307_with_location(sandbox):
    target = "http://127.0.0.1:9/graphql"
    sandbox.faults.set(redirect_to=target)

    response = post(sandbox, allow_redirects=False)

    assert response.status_code == 307
    assert response.headers["Location"] == target


def test_redirect_status_can_be_302(sandbox):
    sandbox.faults.set(redirect_to=sandbox.url + "/elsewhere", redirect_status=302)

    response = post(sandbox, allow_redirects=False)

    assert response.status_code == 302


def test_fail_next_fails_then_recovers(sandbox):
    sandbox.faults.set(fail_next=2, retry_after=3)

    responses = [post(sandbox) for _ in range(3)]

    assert [r.status_code for r in responses] == [503, 503, 200]
    assert responses[0].headers["Retry-After"] == "3"
    assert "Retry-After" not in responses[2].headers


def test_fail_status_chooses_status(sandbox):
    sandbox.faults.set(
        fail_next=1, fail_status=429, retry_after="Wed, 21 Oct 2026 07:28:00 GMT"
    )

    response = post(sandbox)

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "Wed, 21 Oct 2026 07:28:00 GMT"


def test_failed_mutation_changes_nothing(sandbox):
    sandbox.faults.set(fail_next=1)
    mutation = (
        "mutation { confirmOrder(input: {order: {number: 3957}}) { order { status } } }"
    )

    response = post(sandbox, mutation)

    assert response.status_code == 503
    assert sandbox.store.order_by_number(3957)["status"] == "PENDING"


def test_huge_body_is_valid_json_of_size(sandbox):
    sandbox.faults.set(huge_body=2_000_000)

    response = post(sandbox)

    assert len(response.content) == 2_000_000
    assert response.json()["data"] == {"__typename": "Query"}


def test_clear_restores_normal_responses(sandbox):
    sandbox.faults.set(fail_next=5, latency=0.05)
    sandbox.faults.clear()

    assert post(sandbox).status_code == 200
    assert sandbox.faults.active() == {}


def test_set_replaces_previous_faults(sandbox):
    sandbox.faults.set(fail_next=5)
    sandbox.faults.set(latency=0.01)

    assert sandbox.faults.active() == {"latency": 0.01}
    assert post(sandbox).status_code == 200


def test_unknown_fault_option_is_rejected(sandbox):
    with pytest.raises(ValueError, match="Unknown fault option 'slow'"):
        sandbox.faults.set(slow=True)


def test_invalid_fault_value_is_rejected(sandbox):
    with pytest.raises(ValueError, match="error_rate"):
        sandbox.faults.set(error_rate=1.5)


def test_control_endpoint_sets_and_clears_faults(sandbox):
    control = sandbox.url + "/sandbox/faults"

    set_response = requests.post(control, json={"fail_next": 1}, timeout=10)
    listed = requests.get(control, timeout=10).json()
    faulted = post(sandbox)
    requests.post(control, json={"fail_next": 3}, timeout=10)
    cleared = requests.post(control, json={}, timeout=10).json()

    assert set_response.status_code == 200
    assert listed == {"faults": {"fail_next": 1}}
    assert faulted.status_code == 503
    assert cleared == {"faults": {}}
    assert post(sandbox).status_code == 200


@pytest.mark.parametrize("fault", ["empty_errors", "null_data", "object_errors"])
def test_control_endpoint_sets_answer_faults(sandbox, fault):
    control = sandbox.url + "/sandbox/faults"

    response = requests.post(control, json={fault: True}, timeout=10)

    assert response.status_code == 200
    assert response.json() == {"faults": {fault: True}}
    assert sandbox.faults.active() == {fault: True}


@pytest.mark.parametrize("fault", ["empty_errors", "null_data", "object_errors"])
def test_answer_faults_need_booleans(sandbox, fault):
    response = requests.post(
        sandbox.url + "/sandbox/faults", json={fault: "yes"}, timeout=10
    )

    assert response.status_code == 400
    assert fault in response.json()["errors"][0]["message"]
    assert sandbox.faults.active() == {}


def test_control_endpoint_is_never_faulted(sandbox):
    sandbox.faults.set(hang=True)

    response = requests.get(sandbox.url + "/sandbox/faults", timeout=5)

    assert response.json() == {"faults": {"hang": True}}


def test_control_endpoint_rejects_bad_options(sandbox):
    response = requests.post(
        sandbox.url + "/sandbox/faults", json={"latency": -1}, timeout=10
    )

    assert response.status_code == 400
    assert "latency" in response.json()["errors"][0]["message"]


def test_control_endpoint_resets_sandbox(sandbox):
    sandbox.store.order_by_number(3957)["status"] = "CANCELLED"
    sandbox.faults.set(fail_next=1)

    response = requests.post(sandbox.url + "/sandbox/reset", timeout=10)

    assert response.json() == {"reset": True}
    assert sandbox.store.order_by_number(3957)["status"] == "PENDING"
    assert sandbox.faults.active() == {}

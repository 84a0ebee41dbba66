"""Request log list (filters, chips, pagination) and detail pages."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import HttpClient
from connections.models import IncomingConfiguration, RequestLog, Run

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return HttpClient.objects.create(
        name="Store", identifier="store", base_uri="https://shop.example.com"
    )


@pytest.fixture
def run(store):
    configuration = IncomingConfiguration.objects.create(
        name="Orders",
        identifier="orders",
        client=store,
        query="{ orders { number } }",
        entities_path="data.orders",
    )
    return Run.objects.create(
        kind="incoming", incoming=configuration, configuration_name="Orders"
    )


def make_log(run, client, **fields):
    values = {
        "run": run,
        "client": client,
        "method": "POST",
        "url": "https://shop.example.com/graphql",
        "request_headers": {"Authorization": "••••••", "Accept": "application/json"},
        "request_body": json.dumps({"query": "{ orders { number } }"}),
        "status_code": 200,
        "response_headers": {"Content-Type": "application/json"},
        "response_body": json.dumps({"data": {"orders": [{"number": 1}]}}),
        "response_size": 40,
        "duration_ms": 120,
        "outcome": "ok",
    }
    values.update(fields)
    return RequestLog.objects.create(**values)


def test_empty_list_explains_logs(admin_client):
    response = admin_client.get(reverse("requestlog_list"))

    assert response.status_code == 200
    assert "No requests logged yet" in response.text


def test_list_is_newest_first(admin_client, run, store):
    older = make_log(run, store)
    newer = make_log(run, store, status_code=500, outcome="http_error")

    response = admin_client.get(reverse("requestlog_list"))

    assert [log.pk for log in response.context["logs"]] == [newer.pk, older.pk]
    assert newer.get_absolute_url() in response.text


def test_list_paginates_fifty_a_page(admin_client, run, store):
    for _ in range(55):
        make_log(run, store)

    first = admin_client.get(reverse("requestlog_list"))
    second = admin_client.get(reverse("requestlog_list"), {"page": 2})
    beyond = admin_client.get(reverse("requestlog_list"), {"page": "x"})

    assert len(first.context["logs"]) == 50
    assert len(second.context["logs"]) == 5
    assert beyond.status_code == 200
    first_ids = {log.pk for log in first.context["logs"]}
    second_ids = {log.pk for log in second.context["logs"]}
    assert not first_ids & second_ids


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status_code": "502"}, ["http_error"]),
        ({"status_code": "500"}, []),
        ({"status_code": "5xx"}, ["http_error"]),
        ({"outcome": "ok"}, ["ok"]),
        ({"configuration": "incoming:orders"}, ["http_error", "ok"]),
        ({"client": "store"}, ["http_error", "ok"]),
    ],
)
def test_list_filters(admin_client, run, store, params, expected):
    make_log(run, store)
    make_log(run, store, status_code=502, outcome="http_error")

    response = admin_client.get(reverse("requestlog_list"), params)

    assert response.status_code == 200
    assert [log.outcome for log in response.context["logs"]] == expected


def test_unknown_configuration_filter_is_reported(admin_client, run, store):
    make_log(run, store)

    response = admin_client.get(
        reverse("requestlog_list"), {"configuration": "outgoing:orders"}
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert len(response.context["logs"]) == 1
    assert response.context["chips"] == []


def test_filter_by_run_and_chip(admin_client, run, store):
    make_log(run, store)
    other_run = Run.objects.create(kind="incoming", configuration_name="Other")
    make_log(other_run, store)

    response = admin_client.get(reverse("requestlog_list"), {"run": str(run.code)})

    assert [log.run for log in response.context["logs"]] == [run]
    assert f"Run: Orders #{run.pk}" in response.text


@pytest.mark.parametrize("shown", ["{pk}", "#{pk}", " #{pk} ", "{code}"])
def test_filter_by_run_number_or_code(admin_client, run, store, shown):
    make_log(run, store)
    other_run = Run.objects.create(kind="incoming", configuration_name="Other")
    make_log(other_run, store)

    response = admin_client.get(
        reverse("requestlog_list"), {"run": shown.format(pk=run.pk, code=run.code)}
    )

    assert [log.run for log in response.context["logs"]] == [run]
    assert f"Run: Orders #{run.pk}" in response.text
    assert not response.context["filters"].errors


@pytest.mark.parametrize("typed", ["nope", "#", "29x", "#-3", "1" * 30])
def test_invalid_run_filter_shows_no_logs(admin_client, run, store, typed):
    make_log(run, store)

    response = admin_client.get(reverse("requestlog_list"), {"run": typed})

    assert response.status_code == 200
    assert response.context["filters"].errors["run"] == [
        "Enter a run's number as the pages show it (#29) or its code, as in the "
        "run page's URL."
    ]
    assert len(response.context["logs"]) == 0
    assert "No requests match these filters." in response.text


def test_unknown_run_number_shows_no_logs(admin_client, run, store):
    make_log(run, store)

    response = admin_client.get(reverse("requestlog_list"), {"run": "#99999"})

    assert len(response.context["logs"]) == 0
    assert "run #" in response.text
    assert "(not found)" in response.text


def test_configuration_filter_names_identifiers(admin_client, run, store):
    IncomingConfiguration.objects.create(
        name="Orders",
        identifier="orders-eu",
        client=store,
        query="{ orders { number } }",
        entities_path="data.orders",
    )
    make_log(run, store)

    response = admin_client.get(
        reverse("requestlog_list"), {"configuration": "incoming:orders-eu"}
    )

    assert '<option value="incoming:orders">Orders (orders)</option>' in response.text
    assert "Orders (orders-eu)</option>" in response.text
    assert "Configuration: Orders (orders-eu)" in response.text
    assert len(response.context["logs"]) == 0


def test_filter_by_date(admin_client, run, store):
    old = make_log(run, store)
    RequestLog.objects.filter(pk=old.pk).update(
        created=timezone.now() - datetime.timedelta(days=10)
    )
    recent = make_log(run, store)
    today = timezone.localdate().isoformat()

    response = admin_client.get(reverse("requestlog_list"), {"date_from": today})

    assert [log.pk for log in response.context["logs"]] == [recent.pk]


def test_chip_removes_its_filter(admin_client, run, store):
    make_log(run, store)

    response = admin_client.get(
        reverse("requestlog_list"), {"outcome": "ok", "status_code": "200"}
    )

    chips = {chip["label"]: chip["remove_query"] for chip in response.context["chips"]}
    assert chips["Outcome"] == "status_code=200"
    assert chips["Status code"] == "outcome=ok"


def test_bad_filter_values_are_reported(admin_client, run, store):
    make_log(run, store)

    response = admin_client.get(
        reverse("requestlog_list"),
        {
            "status_code": "abc",
            "run": "nope",
            "outcome": "boom",
            "date_from": "2024-05-02",
            "date_to": "2024-05-01",
        },
    )

    assert response.status_code == 200
    assert "Enter an HTTP status code" in response.text
    assert "Enter a run&#x27;s number" in response.text
    assert "The end date is before the start date." in response.text
    # The one valid filter, date_from, still applies.
    assert [chip["label"] for chip in response.context["chips"]] == ["From"]
    # An invalid run shows no logs rather than the logs of every run.
    assert len(response.context["logs"]) == 0


def test_detail_shows_request_and_response(admin_client, run, store):
    log = make_log(
        run,
        store,
        attempt=2,
        wait_before_ms=1500,
        extensions={"complexity": 42, "permissionsUsed": ["Order:read"]},
        error="",
    )

    response = admin_client.get(log.get_absolute_url())

    assert response.status_code == 200
    assert "https://shop.example.com/graphql" in response.text
    assert "••••••" in response.text
    assert "Order:read" in response.text
    assert "42" in response.text
    assert "waited 1.5 s before it" in response.text
    # The response body is indented for reading.
    assert '"orders": [\n' in response.text.replace("&quot;", '"')


def test_detail_says_when_body_is_cut(admin_client, run, store):
    log = make_log(
        run,
        store,
        response_body='{"data": {"orders": [',
        body_truncated=True,
        response_size=100000,
    )

    response = admin_client.get(log.get_absolute_url())

    assert "Cut at 21 bytes of 100000" in response.text


def test_detail_says_when_bodies_are_not_stored(admin_client, run, store):
    log = make_log(run, store, request_body="", response_body="", bodies_stored=False)

    response = admin_client.get(log.get_absolute_url())

    assert "Bodies not stored (client logging is metadata only)" in response.text


def test_detail_of_network_error(admin_client, run, store):
    log = make_log(
        run,
        store,
        status_code=None,
        response_headers={},
        response_body="",
        outcome="network_error",
        error="Connection refused.",
    )

    response = admin_client.get(log.get_absolute_url())

    assert "No response was received." in response.text
    assert "Connection refused." in response.text


def test_detail_of_unknown_log_is_not_found(admin_client):
    response = admin_client.get(reverse("requestlog_detail", args=[999999]))

    assert response.status_code == 404
    assert "No request log number 999999" in response.text


def test_detail_never_shows_client_secret(admin_client, run, store):
    store.set_secret("super-secret-token-123")
    store.save()
    log = make_log(run, store)

    response = admin_client.get(log.get_absolute_url())

    assert "super-secret-token-123" not in response.text

"""Run pages, end to end: the dashboard runs configurations against the sandbox.

Tasks run at once in the test's thread (see conftest), so a POST that starts
a run returns after the engine has finished it.
"""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import HttpClient
from connections.models import (
    IncomingConfiguration,
    OutgoingConfiguration,
    RequestLog,
    Run,
    RunEntity,
)
from connections.templatetags.connections_tags import time_ago

pytestmark = pytest.mark.django_db

PENDING_QUERY = """query Pending($first: Int, $after: String) {
  orderConnection(first: $first, after: $after, where: {status: [PENDING]}) {
    pageInfo { hasNextPage endCursor }
    edges { node { number status } }
  }
}"""

CONFIRM_MUTATION = (
    "mutation ConfirmOrder($number: Int!) { confirmOrder(input: {order: "
    "{number: $number}}) { order { number status } userErrors { message path } } }"
)


@pytest.fixture
def sandbox_client(sandbox):
    client = HttpClient(
        name="Centra sandbox",
        identifier="centra-sandbox",
        prototype="centra_graphql",
        base_uri=sandbox.url,
        logging="full",
    )
    client.set_secret(sandbox.token)
    client.save()
    return client


@pytest.fixture
def pending_orders(sandbox_client):
    return IncomingConfiguration.objects.create(
        name="Pending orders",
        identifier="pending-orders",
        client=sandbox_client,
        request_uri="/graphql",
        query=PENDING_QUERY,
        variables={"first": 5},
        entities_path="data.orderConnection.edges.*.node",
        pagination="cursor",
        has_next_path="data.orderConnection.pageInfo.hasNextPage",
        end_cursor_path="data.orderConnection.pageInfo.endCursor",
        cursor_variable="after",
        max_pages=2,
    )


@pytest.fixture
def confirm_order(sandbox_client):
    return OutgoingConfiguration.objects.create(
        name="Confirm order",
        identifier="confirm-order",
        client=sandbox_client,
        request_uri="/graphql",
        query=CONFIRM_MUTATION,
        variables={"number": "&{number}"},
    )


def test_incoming_run_shows_entities(admin_client, pending_orders):
    response = admin_client.post(
        reverse("incoming_run", args=[pending_orders.code]), follow=True
    )

    run = Run.objects.get()
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == run.get_absolute_url()
    assert run.status in (Run.Status.SUCCEEDED, Run.Status.PARTIAL)
    assert run.entity_count == 10
    assert run.triggered_by.username == "admin"
    assert "Pending orders" in response.text
    assert reverse("run_entity_detail", args=[run.code, 1]) in response.text
    assert "Publish these entities" in response.text
    # A finished run's page does not poll.
    assert "hx-trigger" not in response.text


def test_run_entity_detail_shows_json(admin_client, pending_orders):
    admin_client.post(reverse("incoming_run", args=[pending_orders.code]))
    run = Run.objects.get()
    entity = run.entities.get(position=1)

    response = admin_client.get(reverse("run_entity_detail", args=[run.code, 1]))

    assert response.status_code == 200
    assert f"&quot;number&quot;: {entity.data['number']}" in response.text
    assert "PENDING" in response.text


def test_pages_and_requests_tabs(admin_client, pending_orders):
    admin_client.post(reverse("incoming_run", args=[pending_orders.code]))
    run = Run.objects.get()

    pages = admin_client.get(run.get_absolute_url(), {"tab": "pages"})
    requests = admin_client.get(run.get_absolute_url(), {"tab": "requests"})

    assert pages.status_code == 200
    assert pages.context["pages"][0]["entities"] == 5
    assert len(pages.context["pages"]) == 2
    log = run.request_logs.first()
    assert requests.status_code == 200
    assert log.get_absolute_url() in requests.text


def test_run_status_returns_fragment(admin_client, pending_orders):
    admin_client.post(reverse("incoming_run", args=[pending_orders.code]))
    run = Run.objects.get()

    response = admin_client.get(reverse("run_status", args=[run.code]))

    assert response.status_code == 200
    assert 'id="run-live"' in response.text
    assert "<html" not in response.text


def test_queued_run_page_polls_status(admin_client, pending_orders):
    run = Run.objects.create(
        kind="incoming", incoming=pending_orders, configuration_name="Pending orders"
    )

    response = admin_client.get(run.get_absolute_url())

    assert reverse("run_status", args=[run.code]) in response.text
    assert 'hx-trigger="every 2s"' in response.text
    assert "Waiting for a worker" in response.text


def test_status_of_deleted_run_stops_polling(admin_client):
    url = reverse("run_status", args=["00000000-0000-0000-0000-000000000000"])

    response = admin_client.get(url)

    assert response.status_code == 286
    assert "deleted" in response.text


def test_outgoing_run_confirms_guide_order(admin_client, sandbox, confirm_order):
    assert sandbox.store.order_by_number(3957)["status"] == "PENDING"
    url = reverse("outgoing_run", args=[confirm_order.code])

    form = admin_client.get(url)
    response = admin_client.post(url, {"entities": '{"number": 3957}'}, follow=True)

    assert form.status_code == 200
    run = Run.objects.get()
    assert response.redirect_chain[-1][0] == run.get_absolute_url()
    assert run.status == Run.Status.SUCCEEDED
    assert run.sent_count == 1
    assert sandbox.store.order_by_number(3957)["status"] == "CONFIRMED"
    assert "Sent" in response.text


def test_outgoing_run_with_bad_json_keeps_text(admin_client, confirm_order):
    typed = '[{"number": 3957},\n {"number": }]'

    response = admin_client.post(
        reverse("outgoing_run", args=[confirm_order.code]), {"entities": typed}
    )

    assert response.status_code == 200
    assert "line 2, column 13" in response.text
    assert "{&quot;number&quot;: }" in response.text
    assert not Run.objects.exists()


@pytest.mark.parametrize(
    ("entities", "message"),
    [
        (
            "",
            "Type the entities to publish or choose an incoming run, because the "
            "request reads &amp;{number} from each entity.",
        ),
        ("[]", "The list is empty."),
        ("42", "but the text is a number"),
    ],
)
def test_outgoing_run_rejects_unusable_entities(
    admin_client, confirm_order, entities, message
):
    response = admin_client.post(
        reverse("outgoing_run", args=[confirm_order.code]), {"entities": entities}
    )

    assert response.status_code == 200
    assert message in response.text
    assert not Run.objects.exists()


@pytest.mark.parametrize(
    ("entities", "message"),
    [
        (
            "[1, 2]",
            "Entity 1 is a number; each entity must be a JSON object such as "
            '{"number": 3957}.',
        ),
        (
            '[{"number": 3957}, "3958"]',
            "Entity 2 is a string; each entity must be a JSON object such as "
            '{"number": 3957}.',
        ),
        (
            '[{"number": 3957}, null]',
            "Entity 2 is null; each entity must be a JSON object such as "
            '{"number": 3957}.',
        ),
    ],
)
def test_outgoing_run_rejects_non_object_entities(
    admin_client, confirm_order, entities, message
):
    response = admin_client.post(
        reverse("outgoing_run", args=[confirm_order.code]), {"entities": entities}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["entities"] == [message]
    assert not Run.objects.exists()


def test_whole_entity_placeholder_accepts_numbers(admin_client, sandbox, confirm_order):
    confirm_order.variables = {"number": "&{@}"}
    confirm_order.save()

    admin_client.post(
        reverse("outgoing_run", args=[confirm_order.code]), {"entities": "[3957]"}
    )

    run = Run.objects.get()
    assert run.status == Run.Status.SUCCEEDED
    assert sandbox.store.order_by_number(3957)["status"] == "CONFIRMED"


def test_outgoing_run_without_placeholders_sends_once(
    admin_client, sandbox, confirm_order
):
    confirm_order.variables = {"number": 3957}
    confirm_order.save()
    url = reverse("outgoing_run", args=[confirm_order.code])

    form = admin_client.get(url)
    response = admin_client.post(url, {"entities": ""})

    assert "Leave both empty to send the request once" in form.text
    assert response.status_code == 302
    run = Run.objects.get()
    assert run.status == Run.Status.SUCCEEDED
    assert run.sent_count == 1
    assert sandbox.store.order_by_number(3957)["status"] == "CONFIRMED"


def test_request_uri_placeholder_needs_entities(admin_client, confirm_order):
    confirm_order.variables = {"number": 3957}
    confirm_order.request_uri = "/graphql?order=&{number}"
    confirm_order.save()

    response = admin_client.post(
        reverse("outgoing_run", args=[confirm_order.code]), {"entities": ""}
    )

    assert response.context["form"].errors["entities"] == [
        "Type the entities to publish or choose an incoming run, because the "
        "request reads &{number} from each entity."
    ]
    assert not Run.objects.exists()


def test_dot_segment_from_entity_fails_entity(admin_client, sandbox, confirm_order):
    confirm_order.request_uri = "/graphql/&{path}"
    confirm_order.save()
    entities = json.dumps([{"number": 3957, "path": ".."}])

    admin_client.post(
        reverse("outgoing_run", args=[confirm_order.code]), {"entities": entities}
    )

    run = Run.objects.get()
    entity = run.entities.get()
    assert entity.status == RunEntity.Status.FAILED
    assert entity.error == (
        "The request URI /graphql/.. contains a . or .. path segment after its "
        "placeholders were replaced, so it was not sent."
    )
    assert run.request_count == 0
    assert sandbox.requests_seen == []


def test_entity_summary_uses_cell_width(admin_client, confirm_order):
    run = Run.objects.create(
        kind="outgoing", outgoing=confirm_order, configuration_name="Confirm order"
    )
    data = {f"field{index}": "value" * 3 for index in range(10)}
    RunEntity.objects.create(run=run, position=1, data=data, status="pending")

    response = admin_client.get(run.get_absolute_url())

    summary = " · ".join(f"field{index}: {'value' * 3}" for index in range(10))
    assert len(summary) > 200
    assert f'title="{summary}">{summary}</td>' in response.text
    assert "text-truncate entity-summary" in response.text


def test_publish_menu_names_identifiers(admin_client, pending_orders, confirm_order):
    admin_client.post(reverse("incoming_run", args=[pending_orders.code]))
    run = Run.objects.get()

    page = admin_client.get(run.get_absolute_url())
    fragment = admin_client.get(reverse("run_status", args=[run.code]))

    assert "Confirm order <span" in page.text
    assert "(confirm-order)" in page.text
    # The polled fragment lists the configurations too, for a run that
    # finishes while its page is open.
    assert "(confirm-order)" in fragment.text


def test_outgoing_run_publishes_incoming_run(
    admin_client, sandbox, pending_orders, confirm_order
):
    admin_client.post(reverse("incoming_run", args=[pending_orders.code]))
    incoming_run = Run.objects.get()
    numbers = list(
        incoming_run.entities.values_list("data__number", flat=True).order_by(
            "position"
        )
    )
    url = reverse("outgoing_run", args=[confirm_order.code])

    form = admin_client.get(url, {"source_run": str(incoming_run.code)})
    assert form.context["form"].initial["source_run"] == incoming_run
    assert "10 entities" in form.text

    response = admin_client.post(
        f"{url}?source_run={incoming_run.code}",
        {"source_run": str(incoming_run.code)},
    )

    outgoing_run = Run.objects.get(kind="outgoing")
    assert response.status_code == 302
    assert outgoing_run.source_run == incoming_run
    assert outgoing_run.sent_count == 10
    for number in numbers:
        assert sandbox.store.order_by_number(number)["status"] == "CONFIRMED"


def test_outgoing_entity_failure_is_shown_with_reason(
    admin_client, sandbox, confirm_order
):
    entities = json.dumps([{"number": 3957}, {"number": 99999999}])

    response = admin_client.post(
        reverse("outgoing_run", args=[confirm_order.code]),
        {"entities": entities},
        follow=True,
    )

    run = Run.objects.get()
    failed = run.entities.get(position=2)
    assert failed.status == RunEntity.Status.FAILED
    assert failed.error
    assert run.failed_count == 1
    assert "Failed" in response.text


def test_rerun_of_outgoing_prefills_entities(admin_client, confirm_order):
    run = Run.objects.create(
        kind="outgoing", outgoing=confirm_order, configuration_name="Confirm order"
    )
    RunEntity.objects.create(run=run, position=1, data={"number": 7}, status="sent")

    response = admin_client.get(
        reverse("outgoing_run", args=[confirm_order.code]), {"rerun": str(run.code)}
    )

    assert response.status_code == 200
    assert "&quot;number&quot;: 7" in response.text


def test_run_of_deleted_configuration_keeps_name(admin_client, pending_orders):
    admin_client.post(reverse("incoming_run", args=[pending_orders.code]))
    run = Run.objects.get()
    pending_orders.delete()

    response = admin_client.get(run.get_absolute_url())

    assert response.status_code == 200
    assert "Pending orders" in response.text
    assert "(deleted)" in response.text


def test_unknown_run_is_not_found(admin_client):
    url = reverse("run_detail", args=["00000000-0000-0000-0000-000000000000"])

    response = admin_client.get(url)

    assert response.status_code == 404
    assert "No run has this address" in response.text


def test_unknown_entity_is_not_found(admin_client, pending_orders):
    run = Run.objects.create(
        kind="incoming", incoming=pending_orders, configuration_name="Pending orders"
    )

    response = admin_client.get(reverse("run_entity_detail", args=[run.code, 9]))

    assert response.status_code == 404
    assert "has no entity number 9" in response.text


def test_failed_run_shows_error(admin_client, sandbox, pending_orders):
    pending_orders.client.set_secret("not-the-sandbox-token")
    pending_orders.client.save()

    response = admin_client.post(
        reverse("incoming_run", args=[pending_orders.code]), follow=True
    )

    run = Run.objects.get()
    assert run.status == Run.Status.FAILED
    assert "The run failed" in response.text
    assert "0 entities" in response.text


def test_run_list_filters(admin_client, pending_orders, confirm_order):
    Run.objects.create(
        kind="incoming",
        incoming=pending_orders,
        configuration_name="Pending orders",
        status="failed",
    )
    Run.objects.create(
        kind="outgoing",
        outgoing=confirm_order,
        configuration_name="Confirm order",
        status="succeeded",
    )

    everything = admin_client.get(reverse("run_list"))
    failed = admin_client.get(reverse("run_list"), {"status": "failed"})
    outgoing = admin_client.get(
        reverse("run_list"), {"configuration": "outgoing:confirm-order"}
    )

    assert len(everything.context["runs"]) == 2
    assert [run.status for run in failed.context["runs"]] == ["failed"]
    assert [run.kind for run in outgoing.context["runs"]] == ["outgoing"]
    assert "Status: Failed" in failed.text


def test_run_list_reports_bad_filters(admin_client, pending_orders):
    Run.objects.create(
        kind="incoming", incoming=pending_orders, configuration_name="Pending orders"
    )

    response = admin_client.get(
        reverse("run_list"),
        {"status": "exploded", "date_from": "yesterday", "configuration": "x:y"},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert "Enter a valid date" in response.text
    assert len(response.context["runs"]) == 1


def test_empty_run_list_explains_start(admin_client):
    response = admin_client.get(reverse("run_list"))

    assert response.status_code == 200
    assert "No runs yet" in response.text


def test_request_log_of_run_masks_token(admin_client, sandbox, pending_orders):
    admin_client.post(reverse("incoming_run", args=[pending_orders.code]))
    log = RequestLog.objects.filter(run__isnull=False).first()

    response = admin_client.get(log.get_absolute_url())

    assert response.status_code == 200
    assert "Authorization" in response.text
    assert sandbox.token not in response.text
    assert "orderConnection" in response.text


def test_home_says_just_now(admin_client, pending_orders):
    admin_client.post(reverse("incoming_run", args=[pending_orders.code]))

    response = admin_client.get(reverse("home"))

    assert "last run finished just now" in response.text
    assert "0 minutes ago" not in response.text


def test_time_ago_from_one_minute_on():
    now = timezone.now()

    assert time_ago(now - timedelta(seconds=59)) == "just now"
    assert time_ago(now + timedelta(seconds=5)) == "just now"
    assert time_ago(now - timedelta(minutes=5, seconds=3)) == "5\xa0minutes ago"
    assert time_ago(None) == ""

"""Django admin of configurations, runs and request logs, with its run actions."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from clients.models import HttpClient
from connections.models import (
    IncomingConfiguration,
    OutgoingConfiguration,
    RequestLog,
    Run,
)

pytestmark = pytest.mark.django_db

PENDING_QUERY = """query Pending($first: Int) {
  orderConnection(first: $first, where: {status: [PENDING]}) {
    edges { node { number } }
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
        base_uri=sandbox.url,
    )
    client.set_secret(sandbox.token)
    client.save()
    return client


def make_incoming(client, **fields):
    values = {
        "name": "Pending orders",
        "identifier": "pending-orders",
        "client": client,
        "request_uri": "/graphql",
        "query": PENDING_QUERY,
        "variables": {"first": 3},
        "entities_path": "data.orderConnection.edges.*.node",
    }
    values.update(fields)
    return IncomingConfiguration.objects.create(**values)


def make_outgoing(client, **fields):
    values = {
        "name": "Confirm order",
        "identifier": "confirm-order",
        "client": client,
        "request_uri": "/graphql",
        "query": CONFIRM_MUTATION,
        "variables": {"number": "&{number}"},
    }
    values.update(fields)
    return OutgoingConfiguration.objects.create(**values)


def run_action(admin_client, model_name, action, objects, **extra):
    url = reverse(f"admin:connections_{model_name}_changelist")
    data = {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects]}
    data.update(extra)
    return admin_client.post(url, data, follow=True)


def test_run_subscription_links_to_run(admin_client, sandbox_client):
    configuration = make_incoming(sandbox_client)

    response = run_action(
        admin_client, "incomingconfiguration", "run_subscription", [configuration]
    )

    run = Run.objects.get()
    assert response.status_code == 200
    assert run.trigger == "admin"
    assert run.entity_count == 3
    assert f'<a href="{run.get_absolute_url()}">run #{run.pk}</a>' in response.text


def test_run_subscription_rejects_disabled(admin_client, sandbox_client):
    enabled = make_incoming(sandbox_client)
    disabled = make_incoming(
        sandbox_client, name="Off", identifier="off", disabled=True
    )

    response = run_action(
        admin_client, "incomingconfiguration", "run_subscription", [enabled, disabled]
    )

    assert Run.objects.get().incoming == enabled
    assert "“Off” was not run" in response.text
    assert "is disabled" in response.text


def test_run_publication_asks_for_entities_first(admin_client, sandbox_client):
    configuration = make_outgoing(sandbox_client)

    response = run_action(
        admin_client, "outgoingconfiguration", "run_publication", [configuration]
    )

    assert response.status_code == 200
    assert "Choose the entities" in response.text
    assert 'name="entities"' in response.text
    assert not Run.objects.exists()


def test_run_publication_confirms_order(admin_client, sandbox, sandbox_client):
    configuration = make_outgoing(sandbox_client)

    response = run_action(
        admin_client,
        "outgoingconfiguration",
        "run_publication",
        [configuration],
        apply="1",
        entities='{"number": 3957}',
    )

    run = Run.objects.get()
    assert run.trigger == "admin"
    assert run.sent_count == 1
    assert sandbox.store.order_by_number(3957)["status"] == "CONFIRMED"
    assert run.get_absolute_url() in response.text


def test_run_publication_bad_json_reshows_form(admin_client, sandbox_client):
    configuration = make_outgoing(sandbox_client)

    response = run_action(
        admin_client,
        "outgoingconfiguration",
        "run_publication",
        [configuration],
        apply="1",
        entities="[{",
    )

    assert response.status_code == 200
    assert "Invalid JSON at line 1, column 3" in response.text
    assert "[{" in response.text
    assert not Run.objects.exists()


def test_run_publication_from_incoming_run(admin_client, sandbox, sandbox_client):
    incoming = make_incoming(sandbox_client)
    outgoing = make_outgoing(sandbox_client)
    run_action(admin_client, "incomingconfiguration", "run_subscription", [incoming])
    source = Run.objects.get()

    run_action(
        admin_client,
        "outgoingconfiguration",
        "run_publication",
        [outgoing],
        apply="1",
        source_run=str(source.code),
    )

    publication = Run.objects.get(kind="outgoing")
    assert publication.source_run == source
    assert publication.sent_count == 3


def test_admin_form_applies_graphql_checks(admin_client, sandbox_client):
    url = reverse("admin:connections_incomingconfiguration_add")
    data = {
        "name": "Broken",
        "identifier": "broken",
        "subscriber": "centra_graphql",
        "client": str(sandbox_client.code),
        "request_uri": "/graphql",
        "method": "POST",
        "query": "query { orders(",
        "variables": "",
        "entities_path": "data.orders",
        "pagination": "none",
        "max_pages": "100",
        "max_attempts": "3",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Invalid GraphQL at line 1, column 16" in response.text
    assert not IncomingConfiguration.objects.exists()


def test_request_logs_are_read_only(admin_client, sandbox_client):
    run = Run.objects.create(kind="incoming", configuration_name="Pending orders")
    log = RequestLog.objects.create(
        run=run, client=sandbox_client, method="POST", url="http://x", outcome="ok"
    )

    changelist = admin_client.get(reverse("admin:connections_requestlog_changelist"))
    change = admin_client.get(
        reverse("admin:connections_requestlog_change", args=[log.pk])
    )
    add = admin_client.get(reverse("admin:connections_requestlog_add"))
    edit = admin_client.post(
        reverse("admin:connections_requestlog_change", args=[log.pk]),
        {"url": "http://changed"},
    )

    assert changelist.status_code == 200
    assert change.status_code == 200
    assert add.status_code == 403
    assert edit.status_code == 403
    log.refresh_from_db()
    assert log.url == "http://x"


def test_run_admin_links_entities_and_logs(admin_client):
    run = Run.objects.create(kind="incoming", configuration_name="Pending orders")

    response = admin_client.get(reverse("admin:connections_run_change", args=[run.pk]))
    entities = admin_client.get(
        reverse("admin:connections_runentity_changelist"),
        {"run__id__exact": run.pk},
    )

    assert response.status_code == 200
    assert f"run__id__exact={run.pk}" in response.text
    assert run.get_absolute_url() in response.text
    assert entities.status_code == 200


def test_admin_change_form_saves_unchanged(admin_client, sandbox_client):
    configuration = make_incoming(sandbox_client)
    url = reverse(
        "admin:connections_incomingconfiguration_change", args=[configuration.pk]
    )
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else ""
        for name in form.fields
    }
    data["client"] = str(sandbox_client.code)
    data = {key: value for key, value in data.items() if value is not False}

    response = admin_client.post(url, data)

    assert response.status_code == 302
    configuration.refresh_from_db()
    assert configuration.client == sandbox_client


def test_run_publication_needs_entities_for_placeholders(admin_client, sandbox_client):
    configuration = make_outgoing(sandbox_client)

    response = run_action(
        admin_client,
        "outgoingconfiguration",
        "run_publication",
        [configuration],
        apply="1",
        entities="",
    )

    assert response.status_code == 200
    assert response.context["form"].errors["entities"] == [
        "Type the entities to publish or choose an incoming run, because the "
        "request reads &{number} from each entity."
    ]
    assert not Run.objects.exists()


def test_run_publication_names_each_configuration(admin_client, sandbox_client):
    confirm = make_outgoing(sandbox_client)
    update = make_outgoing(
        sandbox_client,
        name="Update order",
        identifier="update-order",
        variables={"number": "&{number}", "note": "?{note}"},
    )

    response = run_action(
        admin_client,
        "outgoingconfiguration",
        "run_publication",
        [confirm, update],
        apply="1",
    )

    assert response.context["form"].errors["entities"] == [
        "Type the entities to publish or choose an incoming run, because “Confirm "
        "order” reads &{number} and “Update order” reads &{number}, ?{note} from "
        "each entity."
    ]


def test_run_publication_rejects_non_objects(admin_client, sandbox_client):
    configuration = make_outgoing(sandbox_client)

    response = run_action(
        admin_client,
        "outgoingconfiguration",
        "run_publication",
        [configuration],
        apply="1",
        entities="[1, 2]",
    )

    assert "Entity 1 is a number" in response.text
    assert not Run.objects.exists()


def test_run_admin_shows_cancel_request(admin_client, admin_user):
    run = Run.objects.create(
        kind="outgoing",
        configuration_name="Confirm order",
        status=Run.Status.CANCELLED,
        cancel_requested=True,
        cancelled_by=admin_user,
    )

    response = admin_client.get(reverse("admin:connections_run_change", args=[run.pk]))

    assert response.status_code == 200
    assert "Cancel requested" in response.text
    assert "Cancelled by" in response.text
    assert 'name="cancel_requested"' not in response.text


def test_admin_outgoing_get_is_warned(admin_client, sandbox_client):
    configuration = make_outgoing(sandbox_client, method="GET")
    url = reverse(
        "admin:connections_outgoingconfiguration_change", args=[configuration.pk]
    )
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else ""
        for name in form.fields
    }
    data["client"] = str(sandbox_client.code)
    data = {key: value for key, value in data.items() if value is not False}

    response = admin_client.post(url, data, follow=True)

    assert "Centra&#x27;s GraphQL API accepts POST requests only" in response.text

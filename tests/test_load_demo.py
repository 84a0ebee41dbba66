"""The load_demo command: the sandbox client and the two demo configurations."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from clients.models import HttpClient
from connections.models import IncomingConfiguration, OutgoingConfiguration, Run

pytestmark = pytest.mark.django_db


def load(url, token="", **options):
    call_command("load_demo", sandbox_url=url, token=token, **options)


def test_demo_creates_client_and_configurations():
    load("http://127.0.0.1:8001/", "sandbox-token-1234")

    client = HttpClient.objects.get()
    incoming = IncomingConfiguration.objects.get()
    outgoing = OutgoingConfiguration.objects.get()
    assert client.name == "Centra sandbox"
    assert client.prototype == "centra_graphql"
    assert client.base_uri == "http://127.0.0.1:8001"
    assert client.logging == "full"
    assert client.get_secret() == "sandbox-token-1234"
    assert incoming.identifier == "pending-orders"
    assert incoming.request_uri == "/graphql"
    assert incoming.entities_path == "data.orderConnection.edges.*.node"
    assert incoming.pagination == "cursor"
    assert incoming.cursor_variable == "after"
    assert incoming.variables == {"first": 50}
    assert "where: {status: [PENDING]}" in incoming.query
    assert outgoing.identifier == "confirm-order"
    assert outgoing.variables == {"number": "&{number}"}
    assert incoming.client == outgoing.client == client


def test_demo_keeps_user_changes_and_runs():
    load("http://127.0.0.1:8001", "sandbox-token-1234")
    incoming = IncomingConfiguration.objects.get()
    incoming.name = "Changed"
    incoming.save()
    run = Run.objects.create(
        kind="incoming", incoming=incoming, configuration_name="Changed"
    )

    load("http://127.0.0.1:9001")

    assert HttpClient.objects.count() == 1
    assert IncomingConfiguration.objects.count() == 1
    assert OutgoingConfiguration.objects.count() == 1
    client = HttpClient.objects.get()
    assert client.base_uri == "http://127.0.0.1:9001"
    assert client.get_secret() == "sandbox-token-1234"
    run.refresh_from_db()
    assert run.incoming.name == "Changed"


def test_demo_reset_restores_demo_values():
    load("http://127.0.0.1:8001", "sandbox-token-1234")
    IncomingConfiguration.objects.update(name="Changed", variables={"first": 5})
    HttpClient.objects.update(name="Renamed")

    load("http://127.0.0.1:8001", reset=True)

    incoming = IncomingConfiguration.objects.get()
    assert incoming.name == "Pending orders"
    assert incoming.variables == {"first": 50}
    assert HttpClient.objects.get().name == "Centra sandbox"


def test_demo_needs_token_the_first_time():
    with pytest.raises(CommandError, match="--token"):
        load("http://127.0.0.1:8001")

    assert not HttpClient.objects.exists()


def test_demo_rejects_bad_url():
    with pytest.raises(CommandError, match="not an http"):
        load("ftp://127.0.0.1", "sandbox-token-1234")

    assert not HttpClient.objects.exists()


def test_demo_runs_against_sandbox(admin_client, sandbox):
    load(sandbox.url, sandbox.token)
    incoming = IncomingConfiguration.objects.get()
    outgoing = OutgoingConfiguration.objects.get()

    admin_client.post(reverse("incoming_run", args=[incoming.code]))
    fetched = Run.objects.get()
    admin_client.post(
        reverse("outgoing_run", args=[outgoing.code]),
        {"entities": '{"number": 3957}'},
    )
    published = Run.objects.get(kind="outgoing")

    assert fetched.status == Run.Status.SUCCEEDED
    assert fetched.entity_count > 0
    assert fetched.page_count >= 1
    assert published.status == Run.Status.SUCCEEDED
    assert sandbox.store.order_by_number(3957)["status"] == "CONFIRMED"

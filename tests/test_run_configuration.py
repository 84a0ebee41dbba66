"""The run_configuration command, run in-process against the sandbox."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clients.models import HttpClient
from connections.engine import execute
from connections.management.commands import run_configuration
from connections.models import IncomingConfiguration, OutgoingConfiguration, Run
from connections.runs import cancel_run

pytestmark = pytest.mark.django_db

CONFIRM = (
    "mutation ConfirmOrder($number: Int!) { confirmOrder(input: {order: {number: "
    "$number}}) { order { number status } userErrors { message path } } }"
)


@pytest.fixture
def client(sandbox):
    client = HttpClient.objects.create(
        name="Sandbox", identifier="sandbox", base_uri=sandbox.url
    )
    client.set_secret(sandbox.token)
    client.save()
    return client


@pytest.fixture
def incoming(client):
    return IncomingConfiguration.objects.create(
        name="Orders",
        identifier="orders",
        client=client,
        request_uri="/graphql",
        query="query Orders($where: OrderFilter) { orders(where: $where) "
        "{ number grandTotal { value } } }",
        variables={"where": {"number": 3957}},
        entities_path="data.orders",
    )


@pytest.fixture
def outgoing(client):
    return OutgoingConfiguration.objects.create(
        name="Confirm",
        identifier="confirm",
        client=client,
        request_uri="/graphql",
        query=CONFIRM,
        variables={"number": "&{number}"},
    )


def run_command(*args):
    out = io.StringIO()
    call_command("run_configuration", *args, stdout=out)
    return out.getvalue()


def test_command_runs_incoming_configuration(incoming):
    output = run_command("orders")

    assert "Status: Succeeded" in output
    assert "Summary: 1 entity." in output
    assert "Counts: entities 1, pages 1, requests 1" in output
    assert Run.objects.get().trigger == "command"


def test_command_publishes_entities_file(outgoing, sandbox, tmp_path):
    path = tmp_path / "entities.json"
    path.write_text(json.dumps([{"number": 3957}]))

    output = run_command("confirm", "--entities", str(path))

    assert "Counts: entities 1, sent 1, failed 0, requests 1" in output
    assert sandbox.store.order_by_number(3957)["status"] == "CONFIRMED"


def test_command_publishes_from_run(incoming, outgoing, sandbox):
    run_command("orders")
    source = Run.objects.get()

    output = run_command("confirm", "--from-run", str(source.code))

    assert "sent 1" in output
    assert sandbox.store.order_by_number(3957)["status"] == "CONFIRMED"


def test_failed_run_exits_non_zero(outgoing, tmp_path):
    path = tmp_path / "entities.json"
    path.write_text('[{"number": 99999}]')

    with pytest.raises(CommandError) as raised:
        run_command("confirm", "--entities", str(path))

    assert raised.value.returncode == 1
    assert "Order with number 99999 was not found" in str(raised.value)


def test_partial_run_exits_with_two(outgoing, tmp_path):
    path = tmp_path / "entities.json"
    path.write_text('[{"number": 3957}, {"number": 99999}]')

    with pytest.raises(CommandError) as raised:
        run_command("confirm", "--entities", str(path))

    assert raised.value.returncode == 2


def test_unknown_identifier_is_named(db):
    with pytest.raises(CommandError, match="No configuration has the identifier"):
        run_command("nothing")


def test_same_identifier_needs_kind(incoming, client):
    OutgoingConfiguration.objects.create(
        name="Other", identifier="orders", client=client, query=CONFIRM
    )

    with pytest.raises(CommandError, match="Add --kind incoming"):
        run_command("orders")

    assert "Status: Succeeded" in run_command("orders", "--kind", "incoming")


def test_entities_option_rejected_for_incoming(incoming, tmp_path):
    with pytest.raises(CommandError, match="outgoing configurations only"):
        run_command("orders", "--entities", str(tmp_path / "x.json"))


def test_invalid_entities_file_is_named(outgoing, tmp_path):
    path = tmp_path / "entities.json"
    path.write_text("[{")

    with pytest.raises(CommandError, match="is not valid JSON"):
        run_command("confirm", "--entities", str(path))


def test_unknown_source_run_is_named(outgoing):
    with pytest.raises(CommandError, match="No run has the number or code nope"):
        run_command("confirm", "--from-run", "nope")


def test_wait_reports_run_finished_by_worker(incoming):
    # Tests run tasks at once, so the run is finished when --wait looks.
    output = run_command("orders", "--wait")

    assert "Status: Succeeded" in output


def test_disabled_configuration_is_rejected(incoming):
    IncomingConfiguration.objects.filter(pk=incoming.pk).update(disabled=True)

    with pytest.raises(CommandError, match="The run was not started"):
        run_command("orders")


def test_missing_entities_are_rejected_before_run(outgoing):
    with pytest.raises(CommandError) as raised:
        run_command("confirm")

    message = str(raised.value)
    assert message == (
        "“Confirm” reads &{number} from each entity. Give the entities with "
        "--entities FILE or --from-run RUN."
    )
    assert not Run.objects.exists()


def test_optional_placeholder_needs_entities_too(outgoing):
    outgoing.variables = {"number": "?{number}"}
    outgoing.save()

    with pytest.raises(CommandError, match="reads \\?\\{number\\} from each entity"):
        run_command("confirm")

    assert not Run.objects.exists()


def test_configuration_without_placeholders_runs_once(client, sandbox):
    OutgoingConfiguration.objects.create(
        name="Confirm 3957",
        identifier="confirm-3957",
        client=client,
        request_uri="/graphql",
        query=CONFIRM,
        variables={"number": 3957},
    )

    output = run_command("confirm-3957")

    assert "Counts: entities 1, sent 1, failed 0, requests 1" in output
    assert sandbox.store.order_by_number(3957)["status"] == "CONFIRMED"


@pytest.mark.parametrize("shown", ["{pk}", "#{pk}", " #{pk} "])
def test_from_run_accepts_run_number(incoming, outgoing, sandbox, shown):
    run_command("orders")
    source = Run.objects.get()

    output = run_command("confirm", "--from-run", shown.format(pk=source.pk))

    assert "sent 1" in output
    assert Run.objects.latest("pk").source_run == source


def test_from_run_rejects_outgoing_run(outgoing, tmp_path):
    path = tmp_path / "entities.json"
    path.write_text('[{"number": 3957}]')
    run_command("confirm", "--entities", str(path))
    outgoing_run = Run.objects.get()

    with pytest.raises(CommandError, match="is an outgoing run, but --from-run"):
        run_command("confirm", "--from-run", f"#{outgoing_run.pk}")


def test_non_object_entities_file_is_rejected(outgoing, tmp_path):
    path = tmp_path / "entities.json"
    path.write_text("[1, 2]")

    with pytest.raises(CommandError) as raised:
        run_command("confirm", "--entities", str(path))

    assert str(raised.value) == (
        "The entities file: Entity 1 is a number; each entity must be a JSON "
        'object such as {"number": 3957}.'
    )
    assert not Run.objects.exists()


def test_empty_entities_file_is_rejected(outgoing, tmp_path):
    path = tmp_path / "entities.json"
    path.write_text("[]")

    with pytest.raises(CommandError, match="contains an empty list"):
        run_command("confirm", "--entities", str(path))


def test_cancelled_run_exits_with_three(outgoing, tmp_path, settings, monkeypatch):
    # The dummy backend keeps the task queued, so the command executes it.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }

    def cancel_then_execute(run_id):
        cancel_run(Run.objects.get(pk=run_id))
        return execute(run_id)

    monkeypatch.setattr(run_configuration, "execute", cancel_then_execute)
    path = tmp_path / "entities.json"
    path.write_text('[{"number": 3957}]')

    with pytest.raises(CommandError) as raised:
        run_command("confirm", "--entities", str(path))

    assert raised.value.returncode == 3
    assert str(raised.value) == "The run was cancelled on its page."

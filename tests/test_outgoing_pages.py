"""Pages of outgoing configurations and their save checks."""

import pytest
from django.urls import reverse

from clients.models import HttpClient
from connections.forms import OutgoingForm
from connections.models import OutgoingConfiguration, Run

pytestmark = pytest.mark.django_db

GUIDE_MUTATION = (
    "mutation ConfirmOrder($number: Int!) { confirmOrder(input: {order: "
    "{number: $number}}) { order { number status } userErrors { message path } } }"
)


def make_client(**fields):
    values = {
        "name": "Store",
        "identifier": "store",
        "base_uri": "https://shop.example.com",
    }
    values.update(fields)
    return HttpClient.objects.create(**values)


def post_data(http_client, **changes):
    data = {
        "name": "Confirm order",
        "identifier": "",
        "description": "",
        "publisher": "centra",
        "client": str(http_client.code),
        "request_uri": "/graphql",
        "method": "POST",
        "query": GUIDE_MUTATION,
        "variables": '{"number": "&{number}"}',
        "operation_name": "",
        "max_attempts": "3",
    }
    data.update(changes)
    return data


def test_guide_example_saves_as_typed(admin_client):
    http_client = make_client()

    response = admin_client.post(reverse("outgoing_add"), post_data(http_client))

    assert response.status_code == 302
    configuration = OutgoingConfiguration.objects.get()
    assert configuration.identifier == "confirm-order"
    assert configuration.variables == {"number": "&{number}"}
    assert configuration.publisher == "centra"
    assert not configuration.safe_to_repeat


def test_missing_required_mutation_variable_is_an_error(admin_client):
    http_client = make_client()

    response = admin_client.post(
        reverse("outgoing_add"), post_data(http_client, variables="")
    )

    assert response.status_code == 200
    assert "requires $number: Int!" in response.text
    assert not OutgoingConfiguration.objects.exists()


def test_literal_of_wrong_type_is_an_error(admin_client):
    http_client = make_client()

    response = admin_client.post(
        reverse("outgoing_add"),
        post_data(http_client, variables='{"number": "3957"}'),
    )

    assert response.status_code == 200
    assert "must be an Int" in response.text


def test_malformed_placeholder_is_an_error():
    http_client = make_client()
    form = OutgoingForm(post_data(http_client, variables='{"number": "&{number"}'))

    assert not form.is_valid()
    assert "variables" in form.errors


def test_query_instead_of_mutation_is_a_warning():
    http_client = make_client()
    query = "query One($number: Int!) { order(number: $number) { id } }"
    form = OutgoingForm(post_data(http_client, query=query))

    assert form.is_valid(), form.errors
    assert "not a mutation" in form.warnings[0]


def test_edit_page_shows_recent_runs(admin_client):
    http_client = make_client()
    admin_client.post(reverse("outgoing_add"), post_data(http_client))
    configuration = OutgoingConfiguration.objects.get()
    run = Run.objects.create(
        kind="outgoing", outgoing=configuration, configuration_name="Confirm order"
    )

    response = admin_client.get(configuration.get_absolute_url())

    assert response.status_code == 200
    assert reverse("outgoing_run", args=[configuration.code]) in response.text
    assert run.get_absolute_url() in response.text
    assert "Centra Publisher" in response.text
    assert "Safe to repeat" in response.text


def test_list_shows_publisher_and_run_link(admin_client):
    http_client = make_client()
    admin_client.post(reverse("outgoing_add"), post_data(http_client))
    configuration = OutgoingConfiguration.objects.get()

    response = admin_client.get(reverse("outgoing_list"))

    assert response.status_code == 200
    assert "Centra Publisher" in response.text
    assert "Never run" in response.text
    assert reverse("outgoing_run", args=[configuration.code]) in response.text


def test_run_form_rejects_disabled_configuration(admin_client):
    http_client = make_client()
    admin_client.post(reverse("outgoing_add"), post_data(http_client, disabled="on"))
    configuration = OutgoingConfiguration.objects.get()
    url = reverse("outgoing_run", args=[configuration.code])

    page = admin_client.get(url)
    response = admin_client.post(url, {"entities": '[{"number": 1}]'})

    assert "This configuration is disabled" in page.text
    assert response.status_code == 200
    assert "is disabled" in response.text
    assert "&quot;number&quot;: 1" in response.text
    assert not Run.objects.exists()


def test_run_form_rejects_both_sources(admin_client):
    http_client = make_client()
    admin_client.post(reverse("outgoing_add"), post_data(http_client))
    configuration = OutgoingConfiguration.objects.get()
    incoming_run = Run.objects.create(
        kind="incoming",
        configuration_name="Orders",
        status="succeeded",
        entity_count=1,
    )

    response = admin_client.post(
        reverse("outgoing_run", args=[configuration.code]),
        {"entities": '{"number": 1}', "source_run": str(incoming_run.code)},
    )

    assert response.status_code == 200
    assert "not both" in response.text
    assert Run.objects.count() == 1


def test_run_form_rejects_unknown_source_run(admin_client):
    http_client = make_client()
    admin_client.post(reverse("outgoing_add"), post_data(http_client))
    configuration = OutgoingConfiguration.objects.get()

    response = admin_client.post(
        reverse("outgoing_run", args=[configuration.code]),
        {"source_run": "not-a-code"},
    )

    assert response.status_code == 200
    assert "That run does not exist" in response.text
    assert not Run.objects.exists()


def test_preselecting_unknown_run_warns(admin_client):
    http_client = make_client()
    admin_client.post(reverse("outgoing_add"), post_data(http_client))
    configuration = OutgoingConfiguration.objects.get()

    response = admin_client.get(
        reverse("outgoing_run", args=[configuration.code]), {"source_run": "zzz"}
    )

    assert response.status_code == 200
    assert "no run is preselected" in response.text


def test_delete_of_unknown_code_is_not_found(admin_client):
    url = reverse("outgoing_delete", args=["00000000-0000-0000-0000-000000000000"])

    response = admin_client.post(url)

    assert response.status_code == 404
    assert "No outgoing configuration has this address" in response.text


def test_method_label_matches_incoming(admin_client):
    make_client()

    outgoing = admin_client.get(reverse("outgoing_add"))
    incoming = admin_client.get(reverse("incoming_add"))

    assert outgoing.context["form"]["method"].label == "HTTP method"
    assert incoming.context["form"]["method"].label == "HTTP method"
    assert "Request method" not in outgoing.text


def test_variables_help_says_centra_checks_types(admin_client):
    make_client()

    response = admin_client.get(reverse("outgoing_add"))

    help_text = response.context["form"]["variables"].help_text
    assert "Centra checks the type of each value" in help_text
    assert "rejects a request with a wrong one" in help_text
    assert "checked for each entity when the run sends it" not in help_text


def test_get_method_is_warned_after_save(admin_client):
    http_client = make_client()

    response = admin_client.post(
        reverse("outgoing_add"), post_data(http_client, method="GET"), follow=True
    )

    assert OutgoingConfiguration.objects.get().method == "GET"
    assert "Centra&#x27;s GraphQL API accepts POST requests only" in response.text


def test_add_page_heading_says_add(admin_client):
    make_client()

    response = admin_client.get(reverse("outgoing_add"))

    assert "<title>Add outgoing configuration" in response.text
    assert "New outgoing configuration" not in response.text

"""Pages of incoming configurations: list, add, edit, duplicate, delete, run."""

import re

import pytest
from django.urls import reverse

from clients.models import HttpClient
from connections.models import IncomingConfiguration, Run

pytestmark = pytest.mark.django_db

QUERY = "query Orders($first: Int) { orders(limit: $first) { number } }"


def make_client(**fields):
    values = {
        "name": "Store",
        "identifier": "store",
        "base_uri": "https://shop.example.com",
    }
    values.update(fields)
    return HttpClient.objects.create(**values)


def make_incoming(client, **fields):
    values = {
        "name": "Orders",
        "identifier": "orders",
        "client": client,
        "query": QUERY,
        "variables": {"first": 5},
        "entities_path": "data.orders",
    }
    values.update(fields)
    return IncomingConfiguration.objects.create(**values)


def post_data(http_client, **changes):
    data = {
        "name": "Pending orders",
        "identifier": "",
        "description": "Orders to confirm",
        "subscriber": "centra_graphql",
        "client": str(http_client.code),
        "request_uri": "/graphql",
        "method": "POST",
        "query": QUERY,
        "variables": '{"first": 50}',
        "operation_name": "",
        "entities_path": "data.orders",
        "input_transformer": "",
        "pagination": "none",
        "max_pages": "100",
        "max_attempts": "3",
    }
    data.update(changes)
    return data


def test_list_without_clients_asks_for_client_first(admin_client):
    response = admin_client.get(reverse("incoming_list"))

    assert response.status_code == 200
    assert "Create an HTTP client first" in response.text
    assert reverse("client_add") in response.text


def test_list_without_configurations_offers_add(admin_client):
    make_client()

    response = admin_client.get(reverse("incoming_list"))

    assert "No incoming configurations yet" in response.text
    assert reverse("incoming_add") in response.text


def test_list_shows_columns_and_last_run(admin_client):
    client = make_client()
    configuration = make_incoming(client, description="Every order")
    run = Run.objects.create(
        kind="incoming",
        incoming=configuration,
        configuration_name="Orders",
        status="succeeded",
    )

    response = admin_client.get(reverse("incoming_list"))

    assert response.status_code == 200
    assert "Every order" in response.text
    assert "Centra - GraphQL Subscriber" in response.text
    assert "Store" in response.text
    assert run.get_absolute_url() in response.text
    assert "Succeeded" in response.text
    assert reverse("incoming_run", args=[configuration.code]) in response.text
    assert reverse("incoming_duplicate", args=[configuration.code]) in response.text
    assert reverse("incoming_delete", args=[configuration.code]) in response.text


def test_list_filters_by_name(admin_client):
    client = make_client()
    make_incoming(client, name="Pending orders", identifier="pending")
    make_incoming(client, name="Products", identifier="products")

    response = admin_client.get(reverse("incoming_list"), {"q": "pend"})

    assert "Pending orders" in response.text
    assert "Products" not in response.text


def test_unknown_client_filter_shows_error(admin_client):
    make_incoming(make_client())

    response = admin_client.get(reverse("incoming_list"), {"client": "nope"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert "Orders" in response.text


def test_add_page_without_client_says_create_one(admin_client):
    response = admin_client.get(reverse("incoming_add"))

    assert response.status_code == 200
    assert "Create an HTTP client first" in response.text


def test_add_page_hints_at_graphql_endpoint(admin_client):
    make_client()

    response = admin_client.get(reverse("incoming_add"))

    assert "/graphql" in response.text
    assert "Pagination" in response.text
    assert 'name="_continue"' in response.text


def test_save_returns_to_list(admin_client):
    client = make_client()

    response = admin_client.post(reverse("incoming_add"), post_data(client))

    assert response.status_code == 302
    assert response["Location"] == reverse("incoming_list")
    configuration = IncomingConfiguration.objects.get()
    assert configuration.identifier == "pending-orders"
    assert configuration.variables == {"first": 50}
    assert configuration.client == client


def test_save_and_continue_stays_on_edit_page(admin_client):
    client = make_client()

    response = admin_client.post(
        reverse("incoming_add"), {**post_data(client), "_continue": "1"}
    )

    configuration = IncomingConfiguration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incoming_edit", args=[configuration.code])


def test_invalid_post_keeps_typed_text(admin_client):
    client = make_client()
    typed = '{\n  "first": 50,\n}'

    response = admin_client.post(
        reverse("incoming_add"), post_data(client, variables=typed)
    )

    assert response.status_code == 200
    assert "line 3, column 1" in response.text
    assert "&quot;first&quot;: 50," in response.text
    assert "Pending orders" in response.text
    assert not IncomingConfiguration.objects.exists()


def test_graphql_error_is_shown_beside_query(admin_client):
    client = make_client()

    response = admin_client.post(
        reverse("incoming_add"), post_data(client, query="query { orders(")
    )

    assert response.status_code == 200
    assert "Invalid GraphQL at line 1, column 16" in response.text
    assert not IncomingConfiguration.objects.exists()


def test_crafted_client_id_is_rejected(admin_client):
    client = make_client()

    response = admin_client.post(
        reverse("incoming_add"), post_data(client, client=str(client.pk))
    )

    assert response.status_code == 200
    assert "does not exist or is disabled" in response.text
    assert not IncomingConfiguration.objects.exists()


def test_warnings_are_shown_after_save(admin_client):
    client = make_client()

    response = admin_client.post(
        reverse("incoming_add"), post_data(client, variables=""), follow=True
    )

    assert response.status_code == 200
    assert "defines $first: Int and no value is given" in response.text
    assert IncomingConfiguration.objects.count() == 1


def test_edit_updates_configuration(admin_client):
    client = make_client()
    configuration = make_incoming(client)
    url = reverse("incoming_edit", args=[configuration.code])

    page = admin_client.get(url)
    response = admin_client.post(
        url,
        post_data(
            client,
            name="Renamed",
            identifier="orders",
            updated_seen=page.context["form"].initial["updated_seen"],
        ),
    )

    assert response.status_code == 302
    configuration.refresh_from_db()
    assert configuration.name == "Renamed"
    assert configuration.identifier == "orders"


def test_edit_page_selects_current_client(admin_client):
    client = make_client()
    configuration = make_incoming(client)

    response = admin_client.get(configuration.get_absolute_url())

    assert f'<option value="{client.code}" selected>' in response.text


def test_edit_after_delete_keeps_typed_values(admin_client):
    client = make_client()
    configuration = make_incoming(client)
    url = reverse("incoming_edit", args=[configuration.code])
    configuration.delete()

    response = admin_client.post(url, post_data(client, name="Typed name"))

    assert response.status_code == 200
    assert "was deleted after you opened it" in response.text
    assert "Typed name" in response.text
    assert f'action="{reverse("incoming_add")}"' in response.text
    assert not IncomingConfiguration.objects.exists()


def test_edit_of_unknown_code_is_not_found(admin_client):
    url = reverse("incoming_edit", args=["00000000-0000-0000-0000-000000000000"])

    response = admin_client.get(url)

    assert response.status_code == 404
    assert "No incoming configuration has this address" in response.text


def test_duplicate_prefills_then_saves_copy(admin_client):
    client = make_client()
    source = make_incoming(client)
    url = reverse("incoming_duplicate", args=[source.code])

    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Orders (copy)" in page.text
    assert IncomingConfiguration.objects.count() == 1

    response = admin_client.post(url, post_data(client, name="Orders (copy)"))
    assert response.status_code == 302
    copy = IncomingConfiguration.objects.exclude(pk=source.pk).get()
    assert copy.identifier == "orders-copy"


def test_delete_asks_then_keeps_runs(admin_client):
    configuration = make_incoming(make_client())
    run = Run.objects.create(
        kind="incoming", incoming=configuration, configuration_name="Orders"
    )
    url = reverse("incoming_delete", args=[configuration.code])

    page = admin_client.get(url)
    assert "Its 1 run and their request logs are kept" in page.text

    response = admin_client.post(url)
    assert response.status_code == 302
    assert not IncomingConfiguration.objects.exists()
    run.refresh_from_db()
    assert run.incoming is None
    assert run.configuration_name == "Orders"


def test_disabled_configuration_run_is_rejected(admin_client):
    configuration = make_incoming(make_client(), disabled=True)

    response = admin_client.post(
        reverse("incoming_run", args=[configuration.code]), follow=True
    )

    assert response.status_code == 200
    assert "is disabled" in response.text
    assert not Run.objects.exists()


def test_run_needs_post(admin_client):
    configuration = make_incoming(make_client())

    response = admin_client.get(reverse("incoming_run", args=[configuration.code]))

    assert response.status_code == 405
    assert not Run.objects.exists()


def test_pages_need_login(client):
    response = client.get(reverse("incoming_list"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_get_method_is_warned_after_save(admin_client):
    client = make_client()

    response = admin_client.post(
        reverse("incoming_add"), post_data(client, method="GET"), follow=True
    )

    assert IncomingConfiguration.objects.get().method == "GET"
    assert (
        "Centra&#x27;s GraphQL API accepts POST requests only; GET is for other "
        "GraphQL servers." in response.text
    )


def test_post_method_has_no_method_warning(admin_client):
    client = make_client()

    response = admin_client.post(
        reverse("incoming_add"), post_data(client), follow=True
    )

    assert "accepts POST requests only" not in response.text


@pytest.mark.parametrize(
    "request_uri",
    ["/../../admin", "/graphql/..", "/api/./graphql", "/%2e%2e/admin", "/a/%2E%2E"],
)
def test_dot_segments_in_request_uri_are_rejected(admin_client, request_uri):
    client = make_client()

    response = admin_client.post(
        reverse("incoming_add"), post_data(client, request_uri=request_uri)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["request_uri"] == [
        "The request URI must not contain . or .. path segments, which would leave "
        "the path of the client's base URI. Enter the path under the base URI, "
        "such as /graphql."
    ]
    assert not IncomingConfiguration.objects.exists()


@pytest.mark.parametrize(
    "request_uri", ["/graphql", "/v1..2/graphql", "/graphql?after=..", "/.well-known"]
)
def test_dots_inside_segments_are_allowed(admin_client, request_uri):
    client = make_client()

    response = admin_client.post(
        reverse("incoming_add"), post_data(client, request_uri=request_uri)
    )

    assert response.status_code == 302
    assert IncomingConfiguration.objects.get().request_uri == request_uri


def test_add_page_heading_matches_button(admin_client):
    make_client()

    listing = admin_client.get(reverse("incoming_list"))
    add = admin_client.get(reverse("incoming_add"))

    assert "Add incoming configuration" in listing.text
    assert "<title>Add incoming configuration" in add.text
    assert re.search(r"<h1[^>]*>\s*Add incoming configuration\s*</h1>", add.text)
    assert "New incoming configuration" not in add.text


def test_last_run_under_a_minute_is_just_now(admin_client):
    configuration = make_incoming(make_client())
    Run.objects.create(
        kind="incoming", incoming=configuration, configuration_name="Orders"
    )

    response = admin_client.get(reverse("incoming_list"))

    assert "just now" in response.text
    assert "0 minutes ago" not in response.text

"""HTTP client pages: list, add, edit, duplicate and delete."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from clients.models import HttpClient

pytestmark = pytest.mark.django_db

TOKEN = "centra-token-7d2e4b1f"


@pytest.fixture
def make_client():
    def make(name="Centra EU", **fields):
        values = {
            "identifier": name.lower().replace(" ", "-"),
            "base_uri": "https://shop.example/graphql",
            **fields,
        }
        http_client = HttpClient(name=name, **values)
        http_client.set_secret(TOKEN)
        http_client.save()
        return http_client

    return make


def centra_post(**overrides):
    data = {
        "prototype": "centra_graphql",
        "name": "Centra EU",
        "identifier": "",
        "description": "Main store",
        "base_uri": "https://shop.example/graphql",
        "secret": TOKEN,
        "logging": "full",
        "connect_timeout": "5",
        "total_timeout": "30",
        "save": "",
    }
    data.update(overrides)
    return data


def generic_post(**overrides):
    data = centra_post(prototype="generic", auth_kind="bearer", auth_name="")
    data["extra_headers"] = ""
    data.update(overrides)
    return data


def test_list_without_clients_says_what_to_create(admin_client):
    response = admin_client.get(reverse("client_list"))

    assert response.status_code == HTTPStatus.OK
    assert b"No HTTP clients yet" in response.content
    assert reverse("client_add").encode() in response.content


def test_list_shows_columns_and_actions(admin_client, make_client):
    http_client = make_client(description="Orders from the EU store")
    response = admin_client.get(reverse("client_list"))

    page = response.content.decode()
    assert "Centra EU" in page
    assert "Orders from the EU store" in page
    assert "Centra GraphQL Client" in page
    assert reverse("client_edit", args=[http_client.code]) in page
    assert reverse("client_duplicate", args=[http_client.code]) in page
    assert reverse("client_delete", args=[http_client.code]) in page
    assert response.context["page"] == "clients"


def test_list_filters_by_name(admin_client, make_client):
    make_client("Centra EU")
    make_client("Warehouse API")
    response = admin_client.get(reverse("client_list"), {"q": "ware"})

    names = [c.name for c in response.context["page_obj"]]
    assert names == ["Warehouse API"]


def test_list_filter_without_match_says_so(admin_client, make_client):
    make_client()
    response = admin_client.get(reverse("client_list"), {"q": "zzz"})

    assert "No HTTP client has a name containing “zzz”" in response.content.decode()


def test_list_requires_login(client):
    response = client.get(reverse("client_list"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_add_starts_with_prototype_cards(admin_client):
    response = admin_client.get(reverse("client_add"))

    page = response.content.decode()
    assert "?prototype=centra_graphql" in page
    assert "?prototype=generic" in page
    assert "id_base_uri" not in page


def test_add_unknown_prototype_shows_cards_again(admin_client):
    response = admin_client.get(reverse("client_add"), {"prototype": "soap"})

    assert response.status_code == HTTPStatus.OK
    assert "“soap” is not a known prototype" in response.content.decode()


def test_centra_form_shows_uri_and_token_only(admin_client):
    response = admin_client.get(reverse("client_add"), {"prototype": "centra_graphql"})

    page = response.content.decode()
    assert 'name="base_uri"' in page
    assert 'name="secret"' in page
    assert "API token" in page
    assert 'name="auth_kind"' not in page
    assert 'name="extra_headers"' not in page
    assert 'name="save"' in page
    assert 'name="continue"' in page


def test_generic_form_shows_auth_and_headers(admin_client):
    response = admin_client.get(reverse("client_add"), {"prototype": "generic"})

    page = response.content.decode()
    assert 'name="auth_kind"' in page
    assert 'name="auth_name"' in page
    assert 'name="extra_headers"' in page


def test_add_centra_client_returns_to_list(admin_client):
    response = admin_client.post(reverse("client_add"), centra_post())

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("client_list")
    http_client = HttpClient.objects.get()
    assert http_client.identifier == "centra-eu"
    assert http_client.auth_kind == "bearer"
    assert http_client.get_secret() == TOKEN
    assert TOKEN not in http_client.secret_encrypted


def test_save_and_continue_stays_on_edit_page(admin_client):
    data = centra_post()
    del data["save"]
    data["continue"] = ""
    response = admin_client.post(reverse("client_add"), data)

    http_client = HttpClient.objects.get()
    assert response["Location"] == reverse("client_edit", args=[http_client.code])


def test_identifier_made_from_name_is_unique(admin_client, make_client):
    make_client("Centra EU", identifier="centra-eu")
    admin_client.post(reverse("client_add"), centra_post(name="Centra EU"))

    assert HttpClient.objects.filter(identifier="centra-eu-2").exists()


def test_add_generic_client_with_headers(admin_client):
    data = generic_post(
        auth_kind="header",
        auth_name="X-Api-Key",
        extra_headers="X-Store: eu\nAccept-Language: sv",
    )
    response = admin_client.post(reverse("client_add"), data)

    assert response.status_code == HTTPStatus.FOUND
    http_client = HttpClient.objects.get()
    assert http_client.prototype == "generic"
    assert http_client.auth_name == "X-Api-Key"
    assert http_client.extra_headers == {"X-Store": "eu", "Accept-Language": "sv"}


def test_extra_headers_accept_json_object(admin_client):
    data = generic_post(auth_kind="none", secret="", extra_headers='{"X-Store": "eu"}')
    admin_client.post(reverse("client_add"), data)

    http_client = HttpClient.objects.get()
    assert http_client.extra_headers == {"X-Store": "eu"}
    assert http_client.secret_encrypted == ""


def test_edit_page_never_shows_the_token(admin_client, make_client):
    http_client = make_client()
    response = admin_client.get(reverse("client_edit", args=[http_client.code]))

    page = response.content.decode()
    assert TOKEN not in page
    assert http_client.secret_encrypted not in page
    assert "A token is stored" in page
    assert "Replace token" in page
    assert "Test connection" in page


def test_edit_with_empty_token_keeps_stored_one(admin_client, make_client):
    http_client = make_client()
    url = reverse("client_edit", args=[http_client.code])
    admin_client.post(
        url, centra_post(name="Renamed", identifier="centra-eu", secret="")
    )

    http_client.refresh_from_db()
    assert http_client.name == "Renamed"
    assert http_client.get_secret() == TOKEN


def test_edit_replaces_token(admin_client, make_client):
    http_client = make_client()
    url = reverse("client_edit", args=[http_client.code])
    admin_client.post(url, centra_post(identifier="centra-eu", secret="new-token-123"))

    http_client.refresh_from_db()
    assert http_client.get_secret() == "new-token-123"


def test_edit_keeps_prototype_of_existing_client(admin_client, make_client):
    http_client = make_client()
    url = reverse("client_edit", args=[http_client.code])
    admin_client.post(url, generic_post(identifier="centra-eu", auth_kind="none"))

    http_client.refresh_from_db()
    assert http_client.prototype == "centra_graphql"
    assert http_client.get_secret() == TOKEN


def test_changing_auth_kind_asks_for_new_secret(admin_client, make_client):
    http_client = make_client(prototype="generic", auth_kind="bearer")
    url = reverse("client_edit", args=[http_client.code])
    data = generic_post(identifier="centra-eu", auth_kind="basic", auth_name="shop")
    response = admin_client.post(url, {**data, "secret": ""})

    assert response.status_code == HTTPStatus.OK
    assert "enter the new secret" in response.content.decode()
    http_client.refresh_from_db()
    assert http_client.auth_kind == "bearer"


def test_switching_auth_to_none_removes_secret(admin_client, make_client):
    http_client = make_client(prototype="generic", auth_kind="bearer")
    url = reverse("client_edit", args=[http_client.code])
    admin_client.post(url, generic_post(identifier="centra-eu", auth_kind="none"))

    http_client.refresh_from_db()
    assert http_client.auth_kind == "none"
    assert not http_client.has_secret


def test_edit_unknown_code_is_not_found(admin_client):
    url = reverse("client_edit", args=["6f1d2c58-0000-4000-8000-000000000000"])

    assert admin_client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_duplicate_copies_secret_and_opens_copy(admin_client, make_client):
    original = make_client(description="EU")
    response = admin_client.post(reverse("client_duplicate", args=[original.code]))

    copy = HttpClient.objects.exclude(pk=original.pk).get()
    assert response["Location"] == reverse("client_edit", args=[copy.code])
    assert copy.name == "Copy of Centra EU"
    assert copy.identifier == "copy-of-centra-eu"
    assert copy.code != original.code
    assert copy.description == "EU"
    assert copy.get_secret() == TOKEN


def test_duplicate_twice_gets_fresh_identifiers(admin_client, make_client):
    original = make_client()
    url = reverse("client_duplicate", args=[original.code])
    admin_client.post(url)
    admin_client.post(url)

    identifiers = set(HttpClient.objects.values_list("identifier", flat=True))
    assert identifiers == {"centra-eu", "copy-of-centra-eu", "copy-of-centra-eu-2"}


def test_duplicate_rejects_get(admin_client, make_client):
    original = make_client()
    response = admin_client.get(reverse("client_duplicate", args=[original.code]))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_delete_asks_for_confirmation(admin_client, make_client):
    http_client = make_client()
    response = admin_client.get(reverse("client_delete", args=[http_client.code]))

    assert "Delete “Centra EU”?" in response.content.decode()
    assert HttpClient.objects.exists()


def test_delete_removes_client(admin_client, make_client):
    http_client = make_client()
    response = admin_client.post(reverse("client_delete", args=[http_client.code]))

    assert response["Location"] == reverse("client_list")
    assert not HttpClient.objects.exists()


def test_delete_of_client_in_use_is_refused(admin_client, make_client):
    from connections.models import IncomingConfiguration

    http_client = make_client()
    IncomingConfiguration.objects.create(
        name="Orders",
        identifier="orders",
        client=http_client,
        query="{ orders { id } }",
        entities_path="data.orders",
    )
    url = reverse("client_delete", args=[http_client.code])
    page = admin_client.get(url).content.decode()
    response = admin_client.post(url, follow=True)

    assert "cannot be deleted while these configurations use it" in page
    assert "Orders" in page
    assert response.status_code == HTTPStatus.OK
    assert "is still used by configurations" in response.content.decode()
    assert HttpClient.objects.exists()


def test_no_page_contains_the_token(admin_client, make_client):
    http_client = make_client()
    urls = [
        reverse("client_list"),
        reverse("client_edit", args=[http_client.code]),
        reverse("client_delete", args=[http_client.code]),
        reverse("home"),
    ]
    for url in urls:
        page = admin_client.get(url).content.decode()
        assert TOKEN not in page, url
        assert http_client.secret_encrypted not in page, url

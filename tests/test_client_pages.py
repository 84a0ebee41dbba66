"""HTTP client pages: list, add, edit, duplicate and delete."""

import re
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


def test_add_button_matches_add_page_heading(admin_client, make_client):
    empty_list = admin_client.get(reverse("client_list")).content.decode()
    make_client()
    full_list = admin_client.get(reverse("client_list")).content.decode()
    add_page = admin_client.get(reverse("client_add")).content.decode()

    assert '<h1 class="h3 mb-3">Add HTTP client</h1>' in add_page
    assert "</i> Add HTTP client</a>" in empty_list
    assert "</i> Add HTTP client</a>" in full_list
    assert "Create HTTP client" not in empty_list


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


def test_add_form_marks_token_as_required(admin_client):
    for prototype in ("centra_graphql", "generic"):
        response = admin_client.get(reverse("client_add"), {"prototype": prototype})

        label = secret_label(response.content.decode())
        assert 'class="asteriskField"' in label, prototype


def test_edit_form_token_not_required(admin_client, make_client):
    http_client = make_client()
    response = admin_client.get(reverse("client_edit", args=[http_client.code]))

    label = secret_label(response.content.decode())
    assert "Replace token" in label
    assert 'class="asteriskField"' not in label


def test_generic_form_shows_auth_and_headers(admin_client):
    response = admin_client.get(reverse("client_add"), {"prototype": "generic"})

    page = response.content.decode()
    assert 'name="auth_kind"' in page
    assert 'name="auth_name"' in page
    assert 'name="extra_headers"' in page


def secret_label(page):
    """Return the HTML of the secret field's label."""
    start = page.index('<label\n                for="id_secret"')
    return page[start : page.index("</label>", start)]


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
    assert page.count("A token is stored") == 1
    assert "Leave this empty to keep the stored token." in page
    assert "Replace token" in page
    assert "Test connection" in page


def test_edit_page_notes_saved_settings(admin_client, make_client):
    http_client = make_client()
    url = reverse("client_edit", args=[http_client.code])
    page = admin_client.get(url).content.decode()
    rejected = admin_client.post(url, centra_post(base_uri="ftp://x")).content.decode()

    assert "with the saved settings" in page
    assert "Save first. The test uses the saved settings" in page
    assert "d-none" in unsaved_note_classes(page)
    assert "d-none" not in unsaved_note_classes(rejected)


def unsaved_note_classes(page):
    """Return the class attribute of the note that the test needs a save."""
    match = re.search(r'<p class="([^"]*)" id="test-unsaved">', page)
    assert match, "The page has no note about unsaved changes."
    return match.group(1).split()


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
    assert response.context["form"].errors["secret"] == [
        "The authentication changed, so the stored secret does not apply. "
        "Enter the new secret."
    ]
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


def test_duplicate_opens_prefilled_form(admin_client, make_client):
    original = make_client(description="EU", disabled=True)
    response = admin_client.get(reverse("client_duplicate", args=[original.code]))

    assert response.status_code == HTTPStatus.OK
    assert HttpClient.objects.count() == 1
    form = response.context["form"]
    assert form["name"].value() == "Centra EU (copy)"
    assert form["identifier"].value() == "centra-eu-copy"
    assert form["description"].value() == "EU"
    assert form["base_uri"].value() == "https://shop.example/graphql"
    assert form["disabled"].value() is True
    assert form["secret"].value() is None
    page = response.content.decode()
    assert "Copy of Centra EU" in page
    assert (
        "Enter the token again, or leave this empty to copy the stored token "
        "of “Centra EU”." in page
    )
    assert 'class="asteriskField"' not in secret_label(page)
    assert TOKEN not in page
    assert original.secret_encrypted not in page


def test_duplicate_copies_stored_token(admin_client, make_client):
    original = make_client()
    url = reverse("client_duplicate", args=[original.code])
    data = centra_post(name="Centra EU (copy)", identifier="centra-eu-copy")
    response = admin_client.post(url, {**data, "secret": ""})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("client_list")
    copy = HttpClient.objects.exclude(pk=original.pk).get()
    assert copy.name == "Centra EU (copy)"
    assert copy.identifier == "centra-eu-copy"
    assert copy.code != original.code
    assert copy.prototype == "centra_graphql"
    assert copy.secret_encrypted == original.secret_encrypted
    assert copy.get_secret() == TOKEN


def test_duplicate_with_new_token_keeps_original(admin_client, make_client):
    original = make_client()
    url = reverse("client_duplicate", args=[original.code])
    data = centra_post(name="Centra US", identifier="", secret="us-token-5678")
    admin_client.post(url, data)

    copy = HttpClient.objects.get(identifier="centra-us")
    assert copy.get_secret() == "us-token-5678"
    original.refresh_from_db()
    assert original.get_secret() == TOKEN


def test_duplicate_keeps_prototype_and_auth(admin_client, make_client):
    original = make_client(
        "Warehouse",
        prototype="generic",
        auth_kind="basic",
        auth_name="shop",
        extra_headers={"X-Store": "eu"},
    )
    url = reverse("client_duplicate", args=[original.code])
    form = admin_client.get(url).context["form"]
    # A posted prototype is ignored, because a copy keeps the source's.
    data = generic_post(
        prototype="centra_graphql",
        name="Warehouse (copy)",
        identifier="warehouse-copy",
        auth_kind="basic",
        auth_name="shop",
        extra_headers="X-Store: eu",
        secret="",
    )
    response = admin_client.post(url, data)

    assert form["auth_kind"].value() == "basic"
    assert form["auth_name"].value() == "shop"
    assert form["extra_headers"].value() == "X-Store: eu"
    assert response.status_code == HTTPStatus.FOUND
    copy = HttpClient.objects.get(identifier="warehouse-copy")
    assert copy.prototype == "generic"
    assert copy.auth_kind == "basic"
    assert copy.extra_headers == {"X-Store": "eu"}
    assert copy.get_secret() == TOKEN


def test_duplicate_with_other_auth_needs_secret(admin_client, make_client):
    original = make_client("Warehouse", prototype="generic", auth_kind="bearer")
    url = reverse("client_duplicate", args=[original.code])
    data = generic_post(
        name="Warehouse (copy)", auth_kind="header", auth_name="X-Api-Key", secret=""
    )
    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors["secret"]
    assert errors == [
        "The authentication changed, so the stored secret does not apply. "
        "Enter the new secret."
    ]
    assert HttpClient.objects.count() == 1


def test_duplicate_twice_gets_fresh_identifiers(admin_client, make_client):
    original = make_client()
    url = reverse("client_duplicate", args=[original.code])
    first = admin_client.get(url).context["form"]["identifier"].value()
    admin_client.post(url, centra_post(identifier=first, secret=""))
    second = admin_client.get(url).context["form"]["identifier"].value()

    assert first == "centra-eu-copy"
    assert second == "centra-eu-copy-2"


def test_duplicate_unknown_code_is_not_found(admin_client):
    url = reverse("client_duplicate", args=["6f1d2c58-0000-4000-8000-000000000000"])

    assert admin_client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_edit_page_links_to_duplicate(admin_client, make_client):
    http_client = make_client()
    response = admin_client.get(reverse("client_edit", args=[http_client.code]))

    assert reverse("client_duplicate", args=[http_client.code]) in response.text


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
        reverse("client_duplicate", args=[http_client.code]),
        reverse("client_delete", args=[http_client.code]),
        reverse("home"),
    ]
    for url in urls:
        page = admin_client.get(url).content.decode()
        assert TOKEN not in page, url
        assert http_client.secret_encrypted not in page, url

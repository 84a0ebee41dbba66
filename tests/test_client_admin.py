"""The Django admin for HTTP clients never shows the stored secret."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from clients.models import HttpClient

pytestmark = pytest.mark.django_db

TOKEN = "centra-token-b8e61f03"


@pytest.fixture
def http_client():
    http_client = HttpClient(
        name="Centra EU", identifier="centra-eu", base_uri="https://shop.example/gql"
    )
    http_client.set_secret(TOKEN)
    http_client.save()
    return http_client


def admin_post(**overrides):
    data = {
        "name": "Centra EU",
        "identifier": "centra-eu",
        "description": "",
        "prototype": "centra_graphql",
        "base_uri": "https://shop.example/gql",
        "auth_kind": "bearer",
        "auth_name": "",
        "replace_secret": "",
        "extra_headers": "{}",
        "logging": "full",
        "connect_timeout": "5",
        "total_timeout": "30",
    }
    data.update(overrides)
    return data


def test_changelist_shows_secret_state_only(admin_client, http_client):
    response = admin_client.get(reverse("admin:clients_httpclient_changelist"))

    page = response.content.decode()
    assert "Centra EU" in page
    assert "A secret is stored" in page
    assert TOKEN not in page
    assert http_client.secret_encrypted not in page


def test_change_page_hides_secret(admin_client, http_client):
    url = reverse("admin:clients_httpclient_change", args=[http_client.pk])
    page = admin_client.get(url).content.decode()

    assert 'name="replace_secret"' in page
    assert "A secret is stored" in page
    assert TOKEN not in page
    assert http_client.secret_encrypted not in page


def test_empty_replace_field_keeps_secret(admin_client, http_client):
    url = reverse("admin:clients_httpclient_change", args=[http_client.pk])
    response = admin_client.post(url, admin_post(name="Renamed"))

    assert response.status_code == HTTPStatus.FOUND
    http_client.refresh_from_db()
    assert http_client.name == "Renamed"
    assert http_client.get_secret() == TOKEN


def test_replace_field_sets_new_secret(admin_client, http_client):
    url = reverse("admin:clients_httpclient_change", args=[http_client.pk])
    admin_client.post(url, admin_post(replace_secret="fresh-token-42"))

    http_client.refresh_from_db()
    assert http_client.get_secret() == "fresh-token-42"


def test_admin_add_requires_token(admin_client):
    url = reverse("admin:clients_httpclient_add")
    response = admin_client.post(url, admin_post())

    assert response.status_code == HTTPStatus.OK
    assert "Enter the token." in response.content.decode()
    assert not HttpClient.objects.exists()


def test_admin_add_encrypts_token(admin_client):
    url = reverse("admin:clients_httpclient_add")
    response = admin_client.post(url, admin_post(replace_secret=TOKEN))

    assert response.status_code == HTTPStatus.FOUND
    http_client = HttpClient.objects.get()
    assert http_client.get_secret() == TOKEN
    assert TOKEN not in http_client.secret_encrypted


def test_admin_accepts_short_basic_password(admin_client, http_client):
    url = reverse("admin:clients_httpclient_change", args=[http_client.pk])
    data = admin_post(
        prototype="generic", auth_kind="basic", auth_name="shop", replace_secret="pw"
    )
    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    http_client.refresh_from_db()
    assert http_client.get_secret() == "pw"


def test_admin_rejects_short_token(admin_client, http_client):
    url = reverse("admin:clients_httpclient_change", args=[http_client.pk])
    response = admin_client.post(url, admin_post(replace_secret="abc"))

    assert response.status_code == HTTPStatus.OK
    assert "Enter at least 4 characters." in response.text
    http_client.refresh_from_db()
    assert http_client.get_secret() == TOKEN


def test_admin_secret_input_has_no_maxlength(admin_client, http_client):
    url = reverse("admin:clients_httpclient_change", args=[http_client.pk])
    response = admin_client.get(url)

    secret_input = re.search(
        r'<input type="password" name="replace_secret"[^>]*>', response.text
    )
    assert secret_input
    assert "maxlength" not in secret_input.group(0)


def test_admin_rejected_form_does_not_echo_secret(admin_client, http_client):
    url = reverse("admin:clients_httpclient_change", args=[http_client.pk])
    data = admin_post(base_uri="https://u:p@shop.example/", replace_secret=TOKEN)
    response = admin_client.post(url, data)

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Remove the user name and password" in page
    assert TOKEN not in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("extra_headers", '{"Authorization": "x"}', "Choose an authentication"),
        ("extra_headers", "[1]", "must be a JSON object"),
        ("total_timeout", "0", "greater than or equal to 0.1"),
        ("connect_timeout", "50", "cannot exceed the total timeout"),
        ("base_uri", "ftp://shop.example/", "starts with https:// or http://"),
    ],
)
def test_admin_validates_like_the_pages(
    admin_client, http_client, field, value, message
):
    url = reverse("admin:clients_httpclient_change", args=[http_client.pk])
    response = admin_client.post(url, admin_post(**{field: value}))

    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()


def test_admin_auth_none_removes_secret(admin_client, http_client):
    url = reverse("admin:clients_httpclient_change", args=[http_client.pk])
    admin_client.post(url, admin_post(prototype="generic", auth_kind="none"))

    http_client.refresh_from_db()
    assert not http_client.has_secret


def test_admin_history_does_not_contain_secret(admin_client, http_client):
    url = reverse("admin:clients_httpclient_change", args=[http_client.pk])
    admin_client.post(url, admin_post(replace_secret="fresh-token-42"))
    history = admin_client.get(
        reverse("admin:clients_httpclient_history", args=[http_client.pk])
    )

    assert "fresh-token-42" not in history.content.decode()

"""Rejected HTTP client forms: a message beside the field, nothing lost."""

import html
import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from clients.forms import HttpClientForm
from clients.models import HttpClient
from clients.validators import MAX_SECRET_LENGTH

pytestmark = pytest.mark.django_db

TOKEN = "centra-token-3a9c0e52"


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
    data = centra_post(
        prototype="generic", auth_kind="bearer", auth_name="", extra_headers=""
    )
    data.update(overrides)
    return data


def post_add(admin_client, data):
    response = admin_client.post(reverse("client_add"), data)
    assert response.status_code == HTTPStatus.OK
    assert not HttpClient.objects.exists()
    return response


@pytest.mark.parametrize(
    ("base_uri", "message"),
    [
        ("", "This field is required."),
        ("shop.example/graphql", "starts with https:// or http://"),
        ("ftp://shop.example/", "starts with https:// or http://"),
        ("https://", "no valid host name"),
        ("https://shop example/", "must not contain spaces"),
        ("https://user:pw@shop.example/", "Remove the user name and password"),
        ("https://shop.example:99999/", "port in the base URI is not valid"),
        ("https://shop.example/#top", "Remove the #fragment"),
        ("https://shop.example/" + "a" * 600, "at most 500 characters"),
    ],
)
def test_bad_base_uri_is_rejected(admin_client, base_uri, message):
    response = post_add(admin_client, centra_post(base_uri=base_uri))

    assert message in str(response.context["form"].errors["base_uri"])


def test_rejected_form_keeps_typed_values(admin_client):
    response = post_add(admin_client, centra_post(base_uri="ftp://x"))

    page = response.content.decode()
    assert 'value="Centra EU"' in page
    assert "Main store" in page
    assert 'value="ftp://x"' in page


def test_rejected_form_says_nothing_was_saved(admin_client):
    response = post_add(admin_client, centra_post(base_uri="ftp://x"))

    assert "Nothing was saved. Correct the fields marked below." in response.text


def test_rejected_form_does_not_echo_token(admin_client):
    response = post_add(admin_client, centra_post(base_uri="ftp://x"))

    page = response.content.decode()
    assert TOKEN not in page
    assert "Enter the token again" in page


def test_missing_token_is_asked_for(admin_client):
    response = post_add(admin_client, centra_post(secret=""))

    assert response.context["form"].errors["secret"] == ["Enter the token."]


def test_missing_user_and_password_reported(admin_client):
    data = generic_post(auth_kind="basic", auth_name="", secret="")
    errors = post_add(admin_client, data).context["form"].errors

    assert errors["auth_name"] == ["Enter the user name."]
    assert errors["secret"] == ["Enter the password."]


@pytest.mark.parametrize(
    ("auth_kind", "auth_name", "reason"),
    [
        ("bearer", "", "Servers may repeat the token in responses"),
        ("header", "X-Api-Key", "Servers may repeat the header value"),
        ("query", "api_key", "The parameter value is part of the request URL"),
    ],
)
def test_short_secret_is_rejected(admin_client, auth_kind, auth_name, reason):
    data = generic_post(auth_kind=auth_kind, auth_name=auth_name, secret="abc")
    errors = post_add(admin_client, data).context["form"].errors["secret"]

    assert len(errors) == 1
    assert errors[0].startswith("Enter at least 4 characters. ")
    assert reason in errors[0]


def test_short_token_is_rejected(admin_client):
    response = post_add(admin_client, centra_post(secret="abc"))

    assert "at least 4 characters" in str(response.context["form"].errors["secret"])


def test_short_basic_password_is_accepted(admin_client):
    data = generic_post(auth_kind="basic", auth_name="shop", secret="pw")
    response = admin_client.post(reverse("client_add"), data)

    assert response.status_code == HTTPStatus.FOUND
    assert HttpClient.objects.get().get_secret() == "pw"


def test_secret_input_has_no_maxlength(admin_client):
    for prototype in ("centra_graphql", "generic"):
        response = admin_client.get(reverse("client_add"), {"prototype": prototype})

        secret_input = re.search(
            r'<input type="password" name="secret"[^>]*>', response.text
        )
        assert secret_input, prototype
        assert "maxlength" not in secret_input.group(0), prototype


def test_long_token_is_kept_whole(admin_client):
    token = "t" * MAX_SECRET_LENGTH
    response = admin_client.post(reverse("client_add"), centra_post(secret=token))

    assert response.status_code == HTTPStatus.FOUND
    assert HttpClient.objects.get().get_secret() == token


def test_over_long_token_is_rejected(admin_client):
    token = "t" * (MAX_SECRET_LENGTH + 1)
    response = post_add(admin_client, centra_post(secret=token))

    assert response.context["form"].errors["secret"] == [
        "The secret is 8193 characters long, more than the maximum of 8192. "
        "Check that only the secret was pasted."
    ]
    assert token not in response.text


def test_token_with_non_latin_characters_is_rejected(admin_client):
    response = post_add(admin_client, centra_post(secret="token-✓-1234"))

    assert "cannot carry" in str(response.context["form"].errors["secret"])


def test_token_with_line_break_is_rejected(admin_client):
    response = post_add(admin_client, centra_post(secret="abc\ndef"))

    assert "line breaks" in str(response.context["form"].errors["secret"])


def test_duplicate_identifier_is_rejected(admin_client):
    HttpClient.objects.create(
        name="Other", identifier="centra-eu", base_uri="https://other.example/"
    )
    response = admin_client.post(
        reverse("client_add"), centra_post(identifier="centra-eu")
    )

    errors = response.context["form"].errors["identifier"]
    assert "already uses the identifier “centra-eu”" in errors[0]
    assert HttpClient.objects.count() == 1


def test_identifier_taken_during_save_is_reported(admin_client, monkeypatch):
    HttpClient.objects.create(
        name="Other", identifier="centra-eu", base_uri="https://other.example/"
    )
    # Let the form miss the conflict, as when another save wins the race.
    monkeypatch.setattr(
        HttpClientForm, "clean_identifier", lambda form: form.cleaned_data["identifier"]
    )
    response = admin_client.post(
        reverse("client_add"), centra_post(identifier="centra-eu")
    )

    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors["identifier"]
    assert "took this identifier while you were editing" in errors[0]
    assert HttpClient.objects.count() == 1


def test_invalid_identifier_is_rejected(admin_client):
    response = post_add(admin_client, centra_post(identifier="Centra EU!"))

    assert "identifier" in response.context["form"].errors


def test_over_long_name_is_rejected(admin_client):
    response = post_add(admin_client, centra_post(name="n" * 101))

    assert "at most 100 characters" in str(response.context["form"].errors["name"])


def test_unknown_prototype_in_post_is_rejected(admin_client):
    response = post_add(admin_client, centra_post(prototype="soap"))

    page = response.content.decode()
    assert "“soap” is not a known prototype" in page
    assert 'value="Centra EU"' in page


def test_unknown_auth_kind_in_post_is_rejected(admin_client):
    response = post_add(admin_client, generic_post(auth_kind="oauth9"))

    assert "auth_kind" in response.context["form"].errors


def test_centra_form_ignores_crafted_generic_fields(admin_client):
    data = centra_post(auth_kind="oauth9", extra_headers="not headers")
    response = admin_client.post(reverse("client_add"), data)

    assert response.status_code == HTTPStatus.FOUND
    http_client = HttpClient.objects.get()
    assert http_client.auth_kind == "bearer"
    assert http_client.extra_headers == {}


@pytest.mark.parametrize(
    ("auth_kind", "auth_name", "message"),
    [
        ("basic", "", "Enter the user name."),
        ("basic", "a:b", "cannot contain “:”"),
        ("header", "", "Enter the header name."),
        ("header", "X Api Key", "is not a valid header name"),
        ("header", "Host", "cannot be used as a custom header"),
        ("query", "", "Enter the parameter name."),
    ],
)
def test_bad_auth_name_is_rejected(admin_client, auth_kind, auth_name, message):
    data = generic_post(auth_kind=auth_kind, auth_name=auth_name)
    response = post_add(admin_client, data)

    assert message in str(response.context["form"].errors["auth_name"])


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ('{"X-Store": ', "The JSON is not valid"),
        ('["X-Store"]', "must be a JSON object"),
        ('{"X-Store": {"a": 1}}', "must be a string"),
        ("X-Store eu", "Line 1 is not in the form Name: value"),
        ("X-Store: eu\nx-store: us", "appears twice"),
        ("Bad Name: 1", "not a valid header name"),
        ("Authorization: Bearer abc", "Choose an authentication instead"),
        ("User-Agent: curl", "fixed User-Agent"),
        ("X-City: 東京", "characters that HTTP headers cannot carry"),
    ],
)
def test_bad_extra_headers_are_rejected(admin_client, headers, message):
    response = post_add(admin_client, generic_post(extra_headers=headers))

    assert message in str(response.context["form"].errors["extra_headers"])
    assert headers in html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("connect_timeout", "0", "greater than or equal to 0.1"),
        ("connect_timeout", "-3", "greater than or equal to 0.1"),
        ("connect_timeout", "61", "less than or equal to 60"),
        ("total_timeout", "0", "greater than or equal to 0.1"),
        ("total_timeout", "100000", "less than or equal to 600"),
        ("total_timeout", "nan", "Enter a number."),
        ("total_timeout", "soon", "Enter a number."),
    ],
)
def test_bad_timeouts_are_rejected(admin_client, field, value, message):
    response = post_add(admin_client, centra_post(**{field: value}))

    assert message in str(response.context["form"].errors[field])


def test_connect_timeout_above_total_is_rejected(admin_client):
    data = centra_post(connect_timeout="20", total_timeout="10")
    response = post_add(admin_client, data)

    assert "cannot exceed the total timeout" in str(
        response.context["form"].errors["connect_timeout"]
    )


def test_rejected_edit_loses_nothing_saved(admin_client):
    http_client = HttpClient(
        name="Centra EU", identifier="centra-eu", base_uri="https://shop.example/"
    )
    http_client.set_secret(TOKEN)
    http_client.save()
    url = reverse("client_edit", args=[http_client.code])
    data = centra_post(name="Renamed", base_uri="https://u:p@shop.example/", secret="")
    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert 'value="Renamed"' in response.content.decode()
    http_client.refresh_from_db()
    assert http_client.name == "Centra EU"
    assert http_client.base_uri == "https://shop.example/"
    assert http_client.get_secret() == TOKEN

"""Environment variables: the model and the System → Environment variables pages."""

import pytest
from django.urls import reverse

from clients.http import MASK
from clients.models import HttpClient
from connections.envvars import load_environment
from connections.models import EnvironmentVariable, OutgoingConfiguration
from connections.placeholders import UndefinedVariable

pytestmark = pytest.mark.django_db


def make_variable(name, value, secret=False):
    variable = EnvironmentVariable(name=name, secret=secret)
    variable.set_value(value)
    variable.save()
    return variable


def test_value_is_encrypted_at_rest():
    variable = make_variable("SHOP_ID", "shop-42")

    assert "shop-42" not in variable.value_encrypted
    assert EnvironmentVariable.objects.get().get_value() == "shop-42"


def test_load_environment_collects_secrets():
    make_variable("SHOP_ID", "shop-42")
    make_variable("API_KEY", "key-123456", secret=True)

    environment = load_environment({"a": "${SHOP_ID}", "b": ["${API_KEY}"]})

    assert environment.values == {"SHOP_ID": "shop-42", "API_KEY": "key-123456"}
    assert environment.secrets == ["key-123456"]


def test_load_environment_names_every_missing_variable():
    with pytest.raises(UndefinedVariable) as raised:
        load_environment("${ONE} ${TWO}")

    assert str(raised.value) == (
        "Environment variables ${ONE} and ${TWO} are not defined. Define them "
        "under System → Environment variables."
    )


def test_list_masks_secret_values(admin_client):
    make_variable("SHOP_ID", "shop-42")
    make_variable("API_KEY", "key-123456", secret=True)

    response = admin_client.get(reverse("envvar_list"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "${SHOP_ID}" in content
    assert "shop-42" in content
    assert "${API_KEY}" in content
    assert "key-123456" not in content
    assert MASK in content


def test_empty_list_offers_to_create(admin_client):
    response = admin_client.get(reverse("envvar_list"))

    assert "No environment variables yet" in response.content.decode()
    assert reverse("envvar_add") in response.content.decode()


def test_navigation_links_to_list(admin_client):
    response = admin_client.get(reverse("envvar_list"))

    assert f'href="{reverse("envvar_list")}">Environment variables' in (
        response.content.decode()
    )


def test_add_stores_variable(admin_client):
    response = admin_client.post(
        reverse("envvar_add"),
        {"name": "SHOP_ID", "value": "shop-42", "description": "Store"},
    )

    assert response.status_code == 302
    variable = EnvironmentVariable.objects.get()
    assert variable.name == "SHOP_ID"
    assert variable.get_value() == "shop-42"
    assert not variable.secret


def test_add_accepts_placeholder_form_of_name(admin_client):
    admin_client.post(reverse("envvar_add"), {"name": "${SHOP_ID}", "value": "1"})

    assert EnvironmentVariable.objects.get().name == "SHOP_ID"


def test_add_rejects_invalid_name_and_keeps_input(admin_client):
    response = admin_client.post(
        reverse("envvar_add"), {"name": "shop id", "value": "typed value"}
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "is not a valid name" in content
    assert "such as SHOP_ID" in content
    assert "typed value" in content
    assert not EnvironmentVariable.objects.exists()


def test_add_rejects_taken_name(admin_client):
    make_variable("SHOP_ID", "1")

    response = admin_client.post(
        reverse("envvar_add"), {"name": "SHOP_ID", "value": "2"}
    )

    assert "An environment variable named SHOP_ID exists." in response.content.decode()


def test_edit_never_shows_secret_value(admin_client):
    variable = make_variable("API_KEY", "key-123456", secret=True)

    response = admin_client.get(reverse("envvar_edit", args=[variable.code]))

    assert response.status_code == 200
    assert "key-123456" not in response.content.decode()


def test_edit_keeps_secret_when_value_blank(admin_client):
    variable = make_variable("API_KEY", "key-123456", secret=True)

    response = admin_client.post(
        reverse("envvar_edit", args=[variable.code]),
        {"name": "API_KEY", "value": "", "secret": "on", "description": "new"},
    )

    assert response.status_code == 302
    variable.refresh_from_db()
    assert variable.get_value() == "key-123456"
    assert variable.description == "new"


def test_edit_requires_value_to_unmask_secret(admin_client):
    variable = make_variable("API_KEY", "key-123456", secret=True)

    response = admin_client.post(
        reverse("envvar_edit", args=[variable.code]), {"name": "API_KEY", "value": ""}
    )

    assert response.status_code == 200
    assert "Enter the value again" in response.content.decode()
    variable.refresh_from_db()
    assert variable.secret


def test_edit_changes_plain_value(admin_client):
    variable = make_variable("SHOP_ID", "1")

    admin_client.post(
        reverse("envvar_edit", args=[variable.code]), {"name": "SHOP_ID", "value": "2"}
    )

    variable.refresh_from_db()
    assert variable.get_value() == "2"


def test_delete_lists_configurations_using_it(admin_client):
    variable = make_variable("SHOP_ID", "1")
    client = HttpClient.objects.create(
        name="Centra", identifier="centra", base_uri="http://127.0.0.1:9"
    )
    OutgoingConfiguration.objects.create(
        name="Uses shop",
        identifier="uses-shop",
        client=client,
        query="mutation { x }",
        variables={"shop": "${SHOP_ID}"},
    )

    response = admin_client.get(reverse("envvar_delete", args=[variable.code]))

    assert "Uses shop" in response.content.decode()

    response = admin_client.post(reverse("envvar_delete", args=[variable.code]))

    assert response.status_code == 302
    assert not EnvironmentVariable.objects.exists()


def test_pages_need_login(client):
    response = client.get(reverse("envvar_list"))

    assert response.status_code == 302
    assert "login" in response["Location"]

"""HTTP client pages in a real browser: the small scripts and htmx."""

import pytest

from clients.models import HttpClient


def test_identifier_is_proposed_while_typing(page, live_server):
    page.goto(live_server.url + "/clients/http/add/?prototype=centra_graphql")
    page.type("#id_name", "Centra Störe EU")

    assert page.input_value("#id_identifier") == "centra-store-eu"


def test_edited_identifier_is_left_alone(page, live_server):
    page.goto(live_server.url + "/clients/http/add/?prototype=centra_graphql")
    page.fill("#id_identifier", "my-own")
    page.type("#id_name", "Centra EU")

    assert page.input_value("#id_identifier") == "my-own"


def test_auth_fields_follow_auth_kind(page, live_server):
    page.goto(live_server.url + "/clients/http/add/?prototype=generic")

    page.select_option("#id_auth_kind", "none")
    assert page.is_hidden("#div_id_secret")
    assert page.is_hidden("#div_id_auth_name")

    page.select_option("#id_auth_kind", "basic")
    assert page.is_visible("#div_id_auth_name")
    assert page.inner_text("label[for=id_auth_name]") == "User name"
    assert page.inner_text("label[for=id_secret]") == "Password*"
    assert page.is_visible("label[for=id_secret] .asteriskField")


@pytest.fixture
def generic_client(transactional_db):
    http_client = HttpClient(
        name="Warehouse",
        identifier="warehouse",
        prototype="generic",
        auth_kind="bearer",
        base_uri="http://127.0.0.1:9/api",
    )
    http_client.set_secret("warehouse-token-1234")
    http_client.save()
    return http_client


def test_secret_label_keeps_replace(generic_client, page, live_server):
    page.goto(live_server.url + generic_client.get_absolute_url())
    assert page.inner_text("label[for=id_secret]") == "Replace token"

    page.select_option("#id_auth_kind", "header")
    assert page.inner_text("label[for=id_secret]") == "Replace header value"


def test_unsaved_edit_says_save_first(generic_client, page, live_server):
    page.goto(live_server.url + generic_client.get_absolute_url())
    assert page.is_hidden("#test-unsaved")

    page.fill("#id_name", "Warehouse EU")
    assert page.is_visible("#test-unsaved")
    assert "Save first." in page.inner_text("#test-unsaved")

    page.fill("#id_name", "Warehouse")
    assert page.is_hidden("#test-unsaved")

    page.select_option("#id_auth_kind", "none")
    assert page.is_visible("#test-unsaved")


@pytest.fixture
def sandbox_client(sandbox, transactional_db):
    http_client = HttpClient(
        name="Sandbox", identifier="sandbox", base_uri=sandbox.url + "/graphql"
    )
    http_client.set_secret(sandbox.token)
    http_client.save()
    return http_client


# The client is saved before the page fixture starts Playwright, because ORM
# calls made while its event loop runs use a connection that is never closed.
def test_test_connection_shows_verdict_in_place(sandbox_client, page, live_server):
    http_client = sandbox_client
    page.goto(live_server.url + http_client.get_absolute_url())
    page.click("form[hx-post] button")
    result = page.wait_for_selector("#test-result .alert")

    assert "Reachable and authorised." in result.inner_text()
    assert http_client.get_secret() not in page.content()
    assert page.url == live_server.url + http_client.get_absolute_url()

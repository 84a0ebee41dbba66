"""Error pages: plain words, no technical details."""

import pytest

pytestmark = pytest.mark.django_db


def test_unknown_page_shows_not_found(admin_client):
    response = admin_client.get("/no-such-page/")

    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"URLconf" not in response.content


def test_unknown_page_logged_out_lists_no_urls(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"admin/" not in response.content


def test_oversized_form_shows_request_rejected(admin_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = admin_client.post("/clients/http/add/", {"name": "x" * 5000})

    assert response.status_code == 400
    assert b"The request was rejected" in response.content
    assert b"Nothing was saved" in response.content
    assert b"Traceback" not in response.content


def test_expired_form_token_explains_itself(admin_user):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)

    response = browser.post("/clients/http/add/", {"name": "Store"})

    assert response.status_code == 403
    assert b"The form has expired" in response.content

"""Login enforcement for htmx requests: a polling page whose session ended
is sent to the login page as a whole page, and back to itself afterwards."""

import pytest
from django.urls import reverse

from connections.models import Run

DJANGO_LOGIN_REQUIRED = "django.contrib.auth.middleware.LoginRequiredMiddleware"
HTMX_LOGIN_REQUIRED = "dashboard.middleware.HtmxLoginRequiredMiddleware"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def htmx_login_middleware(settings):
    """Use the htmx-aware middleware whether or not the settings list it yet."""
    settings.MIDDLEWARE = [
        HTMX_LOGIN_REQUIRED if name == DJANGO_LOGIN_REQUIRED else name
        for name in settings.MIDDLEWARE
    ]
    assert HTMX_LOGIN_REQUIRED in settings.MIDDLEWARE


@pytest.fixture
def running_run():
    return Run.objects.create(
        kind=Run.Kind.INCOMING, status=Run.Status.RUNNING, configuration_name="Orders"
    )


def test_polling_without_session_redirects_page(client, running_run):
    page = "http://testserver" + running_run.get_absolute_url() + "?tab=requests"

    response = client.get(
        reverse("run_status", args=[running_run.code]),
        headers={"HX-Request": "true", "HX-Current-URL": page},
    )

    assert response.status_code == 401
    assert response.content == b""
    expected_next = f"/connections/runs/{running_run.code}/%3Ftab%3Drequests"
    assert response["HX-Redirect"] == f"{reverse('login')}?next={expected_next}"


def test_foreign_current_url_sends_home(client, running_run):
    response = client.get(
        reverse("run_status", args=[running_run.code]),
        headers={
            "HX-Request": "true",
            "HX-Current-URL": "https://evil.example/phish",
        },
    )

    assert response["HX-Redirect"] == f"{reverse('login')}?next=/"


@pytest.mark.parametrize("current", ["", "http://testserver//evil.example/x"])
def test_odd_current_url_sends_home(client, running_run, current):
    headers = {"HX-Request": "true"}
    if current:
        headers["HX-Current-URL"] = current

    response = client.get(
        reverse("run_status", args=[running_run.code]), headers=headers
    )

    assert response["HX-Redirect"] == f"{reverse('login')}?next=/"


def test_plain_request_still_gets_302(client, running_run):
    url = reverse("run_status", args=[running_run.code])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
    assert "HX-Redirect" not in response


def test_logged_in_htmx_request_gets_fragment(admin_client, running_run):
    response = admin_client.get(
        reverse("run_status", args=[running_run.code]),
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert 'id="run-live"' in response.text


def test_login_lands_on_run_page(client, admin_user, running_run):
    page = "http://testserver" + running_run.get_absolute_url()
    redirect = client.get(
        reverse("run_status", args=[running_run.code]),
        headers={"HX-Request": "true", "HX-Current-URL": page},
    )["HX-Redirect"]

    response = client.post(
        redirect, {"username": "admin", "password": "password"}, follow=True
    )

    assert response.redirect_chain[-1][0] == running_run.get_absolute_url()
    assert "<html" in response.text

"""Shared fixtures: a live Centra sandbox on a free loopback port."""

import pytest
from django.db import connections

from sandbox.server import SandboxServer


@pytest.fixture(scope="session")
def sandbox_server():
    server = SandboxServer(host="127.0.0.1", port=0, orders=300, seed=1)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server):
    """The running sandbox, with fresh data, no faults and full rate quotas."""
    sandbox_server.reset()
    yield sandbox_server
    sandbox_server.reset()


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Run queued tasks at once in the test's thread.

    Tests of the worker itself override this with the database backend.
    """
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }


@pytest.fixture
def page(live_server, admin_user, monkeypatch):
    """A headless Chromium page, logged in as the admin user."""
    from tests.browser import CHROMIUM_ARGS, chromium_or_skip

    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread, which makes
    # Django refuse ORM calls from the test without this switch.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_or_skip(), args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server.url + "/login/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", "password")
        page.click("form button[type=submit]")
        page.wait_for_url(live_server.url + "/")
        yield page
        # While Playwright's loop runs, Django keeps the test's database
        # connection apart from the one pytest-django closes, so close it here
        # or PostgreSQL cannot drop the test database.
        connections.close_all()
        browser.close()

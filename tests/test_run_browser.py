"""Run and request log pages in a real browser: polling after the session
ends, and the filter bar's layout."""

import re

import pytest

from connections.models import RequestLog, Run

sync_api = pytest.importorskip("playwright.sync_api")


def test_polling_after_logout_opens_login_page(page, live_server):
    run = Run.objects.create(
        kind=Run.Kind.INCOMING, status=Run.Status.RUNNING, configuration_name="Orders"
    )
    run_url = live_server.url + run.get_absolute_url()
    page.goto(run_url)
    page.wait_for_selector("#run-live")

    # The session ends (logout in another tab, or expiry) while the page polls.
    page.context.clear_cookies()
    page.wait_for_url(re.compile(r"/login/\?next="), timeout=10_000)

    assert page.url.endswith(f"/login/?next=/connections/runs/{run.code}/")
    assert page.locator("#run-live").count() == 0
    assert page.locator("#id_username").count() == 1

    page.fill("#id_username", "admin")
    page.fill("#id_password", "password")
    page.click("form button[type=submit]")
    page.wait_for_url(run_url)
    assert page.locator("#run-live").count() == 1


@pytest.mark.parametrize("width", [600, 900, 1100, 1300, 1600])
def test_date_filters_stay_side_by_side(page, live_server, width):
    run = Run.objects.create(kind=Run.Kind.INCOMING, configuration_name="Orders")
    RequestLog.objects.create(
        run=run, method="POST", url="http://127.0.0.1/graphql", outcome="ok"
    )
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/connections/logs/")

    date_from = page.locator("#id_date_from").bounding_box()
    date_to = page.locator("#id_date_to").bounding_box()

    assert date_from["y"] == date_to["y"]
    assert date_from["x"] < date_to["x"]

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command("ensure_admin", *args, stdout=out)
    return out.getvalue()


def _printed_password(output):
    line = next(line for line in output.splitlines() if "password:" in line)
    return line.split("password:")[1].strip()


def test_ensure_admin_creates_superuser_with_printed_password():
    output = _run()

    user = get_user_model().objects.get(username="admin")
    password = _printed_password(output)
    assert user.is_superuser
    assert len(password) >= 12
    assert user.check_password(password)


def test_ensure_admin_keeps_existing_password():
    first = _printed_password(_run())

    output = _run()

    assert "password:" not in output
    assert get_user_model().objects.get(username="admin").check_password(first)


def test_ensure_admin_reset_sets_new_password():
    first = _printed_password(_run())

    second = _printed_password(_run("--reset"))

    user = get_user_model().objects.get(username="admin")
    assert second != first
    assert user.check_password(second)


def test_generated_passwords_differ_between_installs():
    first = _printed_password(_run())
    get_user_model().objects.all().delete()

    second = _printed_password(_run())

    assert first != second


def test_pages_require_login(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url.startswith("/login/")

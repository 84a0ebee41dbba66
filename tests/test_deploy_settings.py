"""`manage.py check --deploy` with production values from the environment."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "q7Vb2-kL9xR4mT8wZ1nC6yH3pF5sJ0dG-aE7uB2vN9kM4tQ8rW1zX6cY3hP5jS0",
    "ALLOWED_HOSTS": "dashboard.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://dashboard.example.com",
    "SESSION_COOKIE_SECURE": "True",
    "CSRF_COOKIE_SECURE": "True",
    "SECURE_SSL_REDIRECT": "True",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
    "SECURE_HSTS_PRELOAD": "True",
    "USE_X_FORWARDED_PROTO": "True",
}


def run_check(variables):
    # Only PATH and the given variables are passed, and ENV_FILE is empty so
    # no .env file is read: neither the developer's shell nor the .env that
    # bin/start writes changes the outcome.
    environment = {"PATH": os.environ.get("PATH", ""), "ENV_FILE": "", **variables}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_values():
    result = run_check(PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_with_development_defaults():
    result = run_check({})

    assert result.returncode != 0
    assert "security.W018" in result.stderr


def test_deploy_check_fails_without_secure_cookies():
    variables = {**PRODUCTION, "SESSION_COOKIE_SECURE": "False"}
    result = run_check(variables)

    assert result.returncode != 0
    assert "security.W012" in result.stderr


def test_production_without_secret_key_does_not_start():
    variables = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_check(variables)

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr

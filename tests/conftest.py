"""Shared fixtures: a live Centra sandbox on a free loopback port."""

import pytest

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

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

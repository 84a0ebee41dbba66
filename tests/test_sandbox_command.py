"""The `centra_sandbox` management command."""

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.core.management import CommandError, call_command

from sandbox.faults import parse_fault_argument

PROJECT_DIR = Path(__file__).resolve().parent.parent


def start_command(*arguments):
    """Run the command in a child process and return it with its banner lines."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-u",
            "manage.py",
            "centra_sandbox",
            "--port",
            "0",
            *arguments,
        ],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines = []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if line.startswith("Press Ctrl-C"):
            return process, lines
    process.wait(timeout=10)
    pytest.fail(f"The command exited early with {process.returncode}: {lines}")


def interrupt(process, signal_number=signal.SIGINT) -> str:
    """Send Ctrl-C (or another signal), wait for the exit, return the output."""
    process.send_signal(signal_number)
    rest, _ = process.communicate(timeout=10)
    return rest


def test_command_prints_endpoint_and_token():
    process, lines = start_command("--orders", "20", "--seed", "4")
    try:
        banner = "\n".join(lines)
        endpoint = re.search(r"GraphQL endpoint: (\S+)", banner).group(1)
        token = re.search(r"Access token \(all permissions\): (\S+)", banner).group(1)

        response = requests.post(
            endpoint,
            json={"query": "{ orderConnection { totalCount } }"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
    finally:
        rest = interrupt(process)

    assert endpoint.startswith("http://127.0.0.1:")
    assert endpoint.endswith("/graphql")
    assert len(token) >= 20
    assert response.json()["data"]["orderConnection"]["totalCount"] == 20
    assert process.returncode == 0
    assert "Centra sandbox stopped." in rest


def test_command_uses_token_and_fault_flags():
    process, lines = start_command(
        "--orders", "5", "--token", "demo-token", "--fault", "fail_next=1"
    )
    try:
        endpoint = re.search(r"GraphQL endpoint: (\S+)", "\n".join(lines)).group(1)
        responses = [
            requests.post(
                endpoint,
                json={"query": "{ order(number: 3957) { status } }"},
                headers={"Authorization": "Bearer demo-token"},
                timeout=10,
            )
            for _ in range(2)
        ]
    finally:
        interrupt(process)

    assert "Access token (all permissions): demo-token" in lines
    assert "Active faults: {'fail_next': 1}" in lines
    assert [r.status_code for r in responses] == [503, 200]
    assert responses[1].json()["data"]["order"] == {"status": "PENDING"}


def test_command_fault_flag_sets_null_data():
    process, lines = start_command("--orders", "5", "--fault", "null_data=true")
    try:
        banner = "\n".join(lines)
        endpoint = re.search(r"GraphQL endpoint: (\S+)", banner).group(1)
        token = re.search(r"Access token \(all permissions\): (\S+)", banner).group(1)
        response = requests.post(
            endpoint,
            json={"query": "{ order(number: 3957) { status } }"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
    finally:
        interrupt(process)

    assert "Active faults: {'null_data': True}" in lines
    assert response.status_code == 200
    assert response.json() == {"data": None}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("empty_errors=true", ("empty_errors", True)),
        ("null_data=on", ("null_data", True)),
        ("object_errors=1", ("object_errors", True)),
        ("object_errors=false", ("object_errors", False)),
    ],
)
def test_fault_argument_reads_answer_faults(text, expected):
    assert parse_fault_argument(text) == expected


def test_command_stops_cleanly_on_sigterm():
    process, _lines = start_command("--orders", "5")

    rest = interrupt(process, signal.SIGTERM)

    assert process.returncode == 0
    assert "Centra sandbox stopped." in rest


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("slow=1", "Unknown fault option 'slow'"),
        ("latency", "must be written as name=value"),
        ("latency=soon", "Invalid value 'soon'"),
        ("error_rate=2", "Invalid value 2.0"),
    ],
)
def test_command_rejects_bad_fault(fault, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("centra_sandbox", port=0, fault=[fault])


def test_command_rejects_zero_orders():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("centra_sandbox", port=0, orders=0)

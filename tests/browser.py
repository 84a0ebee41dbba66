"""Playwright set-up for the browser tests: Debian's Chromium, headless."""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip():
    """Return the Chromium path, or skip the test where it is not installed.

    CI sets REQUIRE_BROWSER=1, which turns a missing browser into a failure
    instead of a skip.
    """
    if shutil.which(CHROMIUM):
        return CHROMIUM
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"{CHROMIUM} is missing; install Debian's chromium package.")
    pytest.skip(f"{CHROMIUM} is missing")

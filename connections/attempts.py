"""Attempts of one request: pacing, retries, back-off and Retry-After.

Every attempt goes through the client's seam (`clients.http.send`, one
attempt that never raises for network trouble) and is judged and recorded
by the caller's `record` function before the next one starts.
"""

import logging
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from clients.http import send
from clients.models import HttpClient
from connections.judging import GATEWAY_STATUSES, SERVER_ERROR, judge
from connections.models import PacingWindow

logger = logging.getLogger(__name__)

# Statuses that mean Centra could not be reached behind its gateway or was
# overloaded, as opposed to a fault inside Centra (500).
UNAVAILABLE_STATUSES = frozenset({502, 503, 504})

# Centra's request bucket is counted over 10 seconds (API rate limits docs).
PACING_WINDOW_SECONDS = 10.0


def next_turn(starts, now, limit, window):
    """Reserve a turn in a sliding window of request start times.

    `starts` lists the reserved start times, oldest first. Returns the seconds
    to wait and the new list: at most `limit` starts fall in any `window`
    seconds.
    """
    starts = [start for start in starts if start > now - window]
    if len(starts) < limit:
        return 0.0, [*starts, now]
    turn = starts[0] + window
    return max(turn - now, 0.0), [*starts[1:], turn]


class SharedPacer:
    """A sliding window kept in the database, so every worker process and
    every client that sends to the same Centra host share one budget.

    The window's row is locked while a turn is reserved (SELECT ... FOR
    UPDATE on PostgreSQL, a write transaction on SQLite). Times are Unix
    seconds, so the processes must share a clock, as on one machine or hosts
    synchronised by NTP.
    """

    def __init__(self, key, limit, window=PACING_WINDOW_SECONDS, clock=time.time):
        self.key = key
        self.limit = limit
        self.window = window
        self._clock = clock

    def reserve(self):
        """Reserve the next turn and return the seconds to wait for it."""
        with transaction.atomic():
            row, _ = PacingWindow.objects.select_for_update().get_or_create(
                key=self.key
            )
            wait, row.starts = next_turn(
                row.starts, self._clock(), self.limit, self.window
            )
            row.save(update_fields=["starts"])
        return wait


def pacing_key(client):
    """Return the scheme, host and port that `client` sends to.

    Centra's limits belong to one Centra environment, which every token and
    integration on that host shares, so clients for the same host share a
    budget.
    """
    parts = urlsplit(client.base_uri)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}".lower()


def pacer_for(client):
    """Return the pacer of `client`'s host, or None when pacing is off.

    NOTE: only the 10-second request bucket is paced. The hourly buckets and
    the complexity and mutation buckets are left to Centra's 429 responses.
    """
    limit = settings.CENTRA_REQUESTS_PER_10S
    if not limit:
        return None
    return SharedPacer(pacing_key(client), limit)


def backoff_delay(attempt):
    """Return the wait in seconds after failed attempt number `attempt`.

    The delay doubles with each attempt from settings.RETRY_BASE_DELAY, is
    capped at settings.RETRY_MAX_DELAY, and a random half of it is dropped
    (jitter) so that clients that failed together do not retry together.
    """
    delay = min(
        settings.RETRY_BASE_DELAY * 2 ** (attempt - 1), settings.RETRY_MAX_DELAY
    )
    return random.uniform(delay / 2, delay)


@dataclass
class Delivery:
    """The last attempt of a request, with the message for the run or entity."""

    exchange: object
    verdict: object
    attempts: int
    message: str = ""
    stops_run: bool = False

    @property
    def ok(self):
        return self.verdict.ok


def deliver(
    client,
    method,
    path,
    *,
    json_body,
    extra_secrets,
    max_attempts,
    repeatable,
    check_user_errors,
    record,
    read_only=False,
    before_attempt=None,
):
    """Send a request, retrying as the configuration allows; return a Delivery.

    Timeouts, connection errors, 429, 502, 503 and 504 are retried up to
    `max_attempts` attempts in all, and so is 500 when `read_only` is true (a
    query). A `Retry-After` of up to
    settings.RETRY_AFTER_CEILING seconds is waited for, and a longer one stops
    the run. When `repeatable` is false (a mutation), an attempt that may have
    reached Centra is not repeated: a timeout after sending, 502 or 504. A 429
    or 503 is repeated, because those statuses normally mean that the request
    was not processed.
    `record(exchange, verdict, attempt, wait_seconds)` is called after every
    attempt. `before_attempt()` is called before every attempt, also after the
    pacing wait, and may raise to stop before the request is sent.
    """
    max_attempts = max(max_attempts, 1)
    pacer = pacer_for(client)
    wait = 0.0
    attempt = 0
    while True:
        attempt += 1
        if before_attempt is not None:
            before_attempt()
        if pacer is not None:
            turn = pacer.reserve()
            if turn:
                time.sleep(turn)
                wait += turn
                if before_attempt is not None:
                    before_attempt()

        exchange = send(
            client, method, path, json_body=json_body, extra_secrets=extra_secrets
        )
        verdict = judge(
            exchange, check_user_errors=check_user_errors, read_only=read_only
        )
        record(exchange, verdict, attempt, wait)

        delivery = Delivery(
            exchange, verdict, attempt, verdict.message, verdict.stops_run
        )
        if _is_final(delivery, max_attempts, repeatable):
            _add_server_error_advice(client, delivery)
            return delivery

        if verdict.retry_after is not None:
            wait = verdict.retry_after
        else:
            wait = backoff_delay(attempt)
        logger.info(
            "Attempt %s of %s %s failed (%s); retrying in %.2f s",
            attempt,
            method,
            exchange.url,
            verdict.message,
            wait,
        )
        time.sleep(wait)


def _is_final(delivery, max_attempts, repeatable):
    """Return whether `delivery` is the last attempt, and if so set its final
    message and whether it stops the run."""
    verdict = delivery.verdict
    exchange = delivery.exchange
    attempt = delivery.attempts
    if not verdict.retryable:
        return True

    ceiling = settings.RETRY_AFTER_CEILING
    if verdict.retry_after is not None and verdict.retry_after > ceiling:
        until = datetime.now(UTC) + timedelta(seconds=verdict.retry_after)
        delivery.message = (
            f"Rate limited until {until:%Y-%m-%d %H:%M:%S} UTC: Centra's "
            f"Retry-After requests a wait of {verdict.retry_after:g} s, longer "
            f"than the {ceiling:g} s this dashboard waits. Run it again after "
            "that time."
        )
        delivery.stops_run = True
        return True
    if attempt >= max_attempts:
        if attempt > 1:
            delivery.message = f"{verdict.message} Gave up after {attempt} attempts."
        # More requests would only meet the same limit.
        delivery.stops_run = delivery.stops_run or exchange.status_code == 429
        return True
    if not repeatable and _may_have_reached_centra(exchange):
        delivery.message = (
            f"{verdict.message} The request may have reached Centra, so it "
            "was not repeated. Turn on “Safe to repeat” for this "
            "configuration if running the mutation twice does no harm."
        )
        return True
    return False


def _add_server_error_advice(client, delivery):
    """Add advice to a final 5xx response from Centra or its gateway."""
    status = delivery.exchange.status_code
    if delivery.exchange.error or status is None:
        return
    if status in UNAVAILABLE_STATUSES:
        delivery.message += (
            " Centra, or a gateway in front of it, was unavailable. Try again in "
            "a few minutes, and check Centra's status page if it lasts."
        )
        return
    if status != SERVER_ERROR:
        return
    if client.logging == HttpClient.Logging.FULL:
        log_note = "The request log keeps the request and the response body."
    else:
        log_note = (
            "The request log keeps no bodies, because the HTTP client's request "
            "logging is not “Full”. Set it to “Full” to keep them."
        )
    delivery.message += (
        f" {log_note} Try again later. If the error persists, report it to Centra "
        "with the request and the response from the request log."
    )


def _may_have_reached_centra(exchange):
    return exchange.maybe_delivered or exchange.status_code in GATEWAY_STATUSES

"""RequestLog rows: one for each attempt of a run, as the client's logging
setting allows.

The client's `logging` setting decides what is stored:

- `full`: every attempt with its headers and bodies.
- `metadata`: every attempt with its headers, status, sizes and timing, but
  no bodies (`bodies_stored` is False).
- `off`: only attempts that failed, as metadata, so that a failed run can
  still be diagnosed; successful attempts leave no row. The run's
  `request_count` counts every attempt all the same.
"""

import json

from django.conf import settings

from clients.http import mask_secrets
from clients.models import HttpClient
from connections import exactjson
from connections.models import RequestLog

# PostgreSQL text columns cannot store NUL characters.
NUL = "\x00"
REPLACEMENT = "\ufffd"


def cut(text, limit):
    """Return `text` cut to at most `limit` UTF-8 bytes, and whether it was cut.

    The cut never splits a character.
    """
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text, False
    return encoded[:limit].decode("utf-8", errors="ignore"), True


def response_text(exchange, verdict):
    """Return the response body as text, pretty-printed when it is JSON."""
    if verdict.document is not None:
        return exactjson.dumps(verdict.document, indent=2)
    return exchange.response_body.decode("utf-8", errors="replace")


def _plain_json(value):
    # RequestLog.extensions uses the default encoder, which cannot write
    # Decimal; complexity figures do not need exact digits.
    return json.loads(exactjson.dumps(value))


def _clean(text, secrets):
    return mask_secrets(text, secrets).replace(NUL, REPLACEMENT)


def record_attempt(
    run, client, exchange, verdict, *, attempt, wait_seconds, secrets, page, entity
):
    """Store one attempt as a RequestLog row and return it, or None when the
    client's logging setting leaves it out."""
    mode = client.logging
    failed = not verdict.ok
    if mode == HttpClient.Logging.OFF and not failed:
        return None

    log = RequestLog(
        run=run,
        client=client,
        entity=entity,
        attempt=attempt,
        page=page,
        method=exchange.method,
        url=_clean(exchange.url, secrets),
        request_headers=exchange.request_headers,
        status_code=exchange.status_code,
        response_headers={
            key: _clean(str(value), secrets)
            for key, value in exchange.response_headers.items()
        },
        response_size=exchange.response_size,
        duration_ms=exchange.duration_ms,
        wait_before_ms=round(wait_seconds * 1000),
        extensions=_plain_json(verdict.extensions),
        outcome=verdict.outcome,
        error=_clean(verdict.message, secrets),
        bodies_stored=mode == HttpClient.Logging.FULL,
    )
    if log.bodies_stored:
        limit = settings.REQUEST_LOG_BODY_LIMIT
        request_body, request_cut = cut(_clean(exchange.request_body, secrets), limit)
        body = _clean(response_text(exchange, verdict), secrets)
        response_body, response_cut = cut(body, limit)
        log.request_body = request_body
        log.response_body = response_body
        log.body_truncated = request_cut or response_cut
    log.save()
    return log

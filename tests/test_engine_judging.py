"""Verdicts on single exchanges, built by hand. The same cases run over HTTP
against the sandbox in test_engine_incoming.py and test_engine_outgoing.py."""

import json
from datetime import UTC, datetime

import pytest

from clients.http import Exchange
from connections.judging import (
    describe_errors,
    format_error,
    judge,
    normalize_errors,
    parse_retry_after,
    user_errors,
)
from connections.models import RequestLog

Outcome = RequestLog.Outcome


def exchange(status=200, body=b"", headers=None, **fields):
    if not isinstance(body, bytes):
        body = json.dumps(body).encode()
    return Exchange(
        method="POST",
        url="http://127.0.0.1:1/graphql",
        request_headers={},
        request_body="",
        status_code=status,
        response_headers=headers or {"Content-Type": "application/json"},
        response_body=body,
        response_size=len(body),
        **fields,
    )


def test_data_without_errors_is_ok():
    verdict = judge(exchange(body={"data": {"orders": []}}))
    assert verdict.ok
    assert verdict.message == ""


def test_empty_errors_list_is_ok():
    verdict = judge(exchange(body={"data": {"orders": []}, "errors": []}))
    assert verdict.ok


def test_errors_list_fails_with_path_and_category():
    body = {
        "data": None,
        "errors": [
            {
                "message": "You need Order:read permission to access orders.",
                "path": ["orders"],
                "extensions": {"category": "authorization"},
            }
        ],
    }
    verdict = judge(exchange(body=body))

    assert verdict.outcome == Outcome.GRAPHQL_ERROR
    assert verdict.message == (
        "Centra returned a GraphQL error: You need Order:read permission to "
        "access orders. (path: orders; category: authorization)."
    )
    assert not verdict.partial_data


def test_several_errors_are_numbered():
    body = {"errors": [{"message": "First"}, {"message": "Second"}]}
    verdict = judge(exchange(body=body))
    assert verdict.message == "Centra returned 2 GraphQL errors: 1) First 2) Second."


def test_errors_as_string_is_text():
    verdict = judge(exchange(body={"errors": "Internal failure"}))
    assert verdict.outcome == Outcome.GRAPHQL_ERROR
    assert "Internal failure" in verdict.message


def test_errors_as_single_object_is_text():
    verdict = judge(exchange(body={"errors": {"message": "Bad token"}}))
    assert verdict.outcome == Outcome.GRAPHQL_ERROR
    assert "Bad token" in verdict.message


def test_error_without_message_is_shown_as_json():
    assert format_error({"code": 7}) == '{"code": 7}'
    assert format_error(12) == "12"


def test_partial_data_is_flagged():
    body = {"data": {"orders": [{"number": 1}, None]}, "errors": [{"message": "x"}]}
    verdict = judge(exchange(body=body))
    assert verdict.outcome == Outcome.GRAPHQL_ERROR
    assert verdict.partial_data


def test_data_null_without_errors_is_invalid():
    verdict = judge(exchange(body={"data": None}))
    assert verdict.outcome == Outcome.INVALID_RESPONSE
    assert verdict.message == (
        "Centra returned data: null and no errors, so the response has no result "
        "and does not say why."
    )


def test_missing_data_member_is_invalid():
    verdict = judge(exchange(body={"extensions": {}}))
    assert verdict.outcome == Outcome.INVALID_RESPONSE
    assert verdict.message.startswith("The response has no data member and no errors")


def test_unreadable_mutation_result_is_unknown():
    verdict = judge(exchange(body={"data": None}), check_user_errors=True)
    assert verdict.message.endswith(
        "Whether the mutation was applied is unknown, so check in Centra before "
        "running it again."
    )


def test_query_result_has_no_mutation_note():
    verdict = judge(exchange(body=b"<html></html>"))
    assert "mutation" not in verdict.message


def test_html_body_is_named():
    verdict = judge(
        exchange(
            body=b"<!doctype html><h1>Login</h1>", headers={"Content-Type": "text/html"}
        )
    )
    assert verdict.outcome == Outcome.INVALID_RESPONSE
    assert "HTML page instead of JSON" in verdict.message


def test_html_title_is_named():
    page = b"<!DOCTYPE html><html><head><title>\n  Sign in\n</title></head></html>"
    verdict = judge(exchange(body=page, headers={"Content-Type": "text/html"}))
    assert verdict.message.startswith(
        "Centra responded with HTTP 200 OK and an HTML page titled “Sign in” "
        "instead of JSON."
    )


def test_long_html_title_is_shortened():
    page = b"<html><title>" + b"x" * 300 + b"</title></html>"
    verdict = judge(exchange(body=page))
    assert "“" + "x" * 99 + "…”" in verdict.message


def test_json_with_html_content_type_is_read():
    verdict = judge(
        exchange(body={"data": {"x": 1}}, headers={"Content-Type": "text/html"})
    )
    assert verdict.ok


def test_truncated_body_is_named():
    verdict = judge(exchange(body=b'{"data": {"orders": [{"number": 1'))
    assert verdict.outcome == Outcome.INVALID_RESPONSE
    assert "looks cut off" in verdict.message


def test_content_length_shows_cut_off():
    verdict = judge(
        exchange(
            body=b'{"data": 1}x',
            headers={"Content-Type": "application/json", "Content-Length": "900"},
        )
    )
    assert "Content-Length is 900" in verdict.message


def test_cut_body_with_matching_length_is_named():
    body = b'{"data": {"orders": [{"number": 1'
    verdict = judge(
        exchange(
            body=body,
            headers={"Content-Type": "application/json", "Content-Length": "33"},
        )
    )
    assert verdict.message == (
        "The response is not valid JSON and looks cut off: it ends after 33 "
        "bytes, all that its Content-Length declares, so the server sent an "
        "incomplete document."
    )


def test_invalid_json_names_position():
    verdict = judge(exchange(body=b'{"data": nope}'))
    assert verdict.message.startswith("The response is not valid JSON: Expecting value")
    assert "(line 1, column 10)" in verdict.message


def test_empty_body_is_named():
    verdict = judge(exchange(body=b""))
    assert verdict.message == "The response body is empty (HTTP 200 OK)."


def test_json_list_is_rejected():
    verdict = judge(exchange(body=[1, 2]))
    assert verdict.message == "The response is JSON but not an object: it is a list."


@pytest.mark.parametrize("status", [401, 403])
def test_refused_token_stops_run(status):
    verdict = judge(exchange(status=status, body={"errors": [{"message": "Bad"}]}))
    assert verdict.outcome == Outcome.HTTP_ERROR
    assert verdict.stops_run
    assert verdict.message.startswith(f"Centra refused the token (HTTP {status}")
    assert "Bad" in verdict.message


def test_not_found_names_url():
    verdict = judge(exchange(status=404, body=b"nothing"))
    assert verdict.stops_run
    assert "http://127.0.0.1:1/graphql" in verdict.message


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_retryable_statuses(status):
    verdict = judge(exchange(status=status, body=b""))
    assert verdict.retryable


def test_server_error_is_not_retried():
    verdict = judge(exchange(status=500, body=b"oops"))
    assert not verdict.retryable
    assert verdict.message == "Centra responded with HTTP 500 Internal Server Error."


def test_server_error_of_query_is_retryable():
    verdict = judge(exchange(status=500, body=b"oops"), read_only=True)
    assert verdict.retryable


def test_bad_request_shows_graphql_errors():
    body = {"errors": [{"message": "Cannot query field x"}]}
    verdict = judge(exchange(status=400, body=body))
    assert "HTTP 400 Bad Request" in verdict.message
    assert "Cannot query field x" in verdict.message


def test_retry_after_seconds_is_read():
    headers = {"retry-after": "7"}
    verdict = judge(exchange(status=429, body=b"", headers=headers))
    assert verdict.retry_after == 7.0
    assert verdict.message == (
        "Rate limited: Centra responded with HTTP 429 Too Many Requests and "
        "Retry-After: 7 s."
    )


def test_rate_limit_without_retry_after():
    verdict = judge(exchange(status=429, body=b""))
    assert verdict.message == (
        "Rate limited: Centra responded with HTTP 429 Too Many Requests."
    )


def test_retry_after_http_date():
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Wed, 01 Jan 2025 12:00:30 GMT", now) == 30.0


def test_retry_after_in_past_is_zero():
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Wed, 01 Jan 2025 11:00:00 GMT", now) == 0.0


def test_retry_after_garbage_is_ignored():
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_timeout_is_retryable_network_error():
    failed = exchange(status=None, error="Timed out after 5 s.", error_kind="timeout")
    verdict = judge(failed)
    assert verdict.outcome == Outcome.NETWORK_ERROR
    assert verdict.retryable
    assert verdict.message == "Timed out after 5 s."


def test_too_large_is_not_retried():
    failed = exchange(status=200, error="Too large.", error_kind="too_large")
    verdict = judge(failed)
    assert verdict.outcome == Outcome.INVALID_RESPONSE
    assert not verdict.retryable
    assert verdict.message == (
        "Too large. Ask for fewer entities or fields per request, or raise the "
        "limit with the HTTP_MAX_RESPONSE_BYTES environment variable."
    )


def test_user_errors_fail_a_mutation():
    body = {
        "data": {
            "confirmOrder": {
                "order": None,
                "userErrors": [{"message": "Order not found", "path": ["number"]}],
            }
        }
    }
    verdict = judge(exchange(body=body), check_user_errors=True)
    assert verdict.outcome == Outcome.USER_ERROR
    assert verdict.message == (
        "Centra returned a userError: Order not found (path: number)."
    )


def test_user_errors_ignored_for_queries():
    body = {"data": {"x": {"userErrors": [{"message": "no"}]}}}
    assert judge(exchange(body=body)).ok


def test_empty_user_errors_are_ok():
    body = {"data": {"confirmOrder": {"order": {"number": 1}, "userErrors": []}}}
    assert user_errors(body) == []


def test_normalize_errors_edge_values():
    assert normalize_errors(None) == []
    assert normalize_errors("") == []
    assert normalize_errors([]) == []
    assert normalize_errors("boom") == ["boom"]


def test_describe_errors_lists_at_most_ten():
    text = describe_errors([f"e{i}" for i in range(12)])
    assert "10) e9" in text
    assert "… and 2 more" in text
    assert "11)" not in text

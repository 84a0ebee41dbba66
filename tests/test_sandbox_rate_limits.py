"""Token-bucket rate limits: quotas, 429 responses and the rateLimits query."""

import time

import pytest
import requests

from sandbox.server import SandboxServer

RATE_LIMITS = """{
  rateLimits { type intervalSeconds quota usedQuota remainingQuota }
}"""
CONFIRM = """mutation Confirm($number: Int) {
  confirmOrder(input: {order: {number: $number}}) { userErrors { message } }
}"""


def post(server, query, variables=None):
    return requests.post(
        server.url + "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {server.token}"},
        timeout=10,
    )


def buckets(server) -> dict:
    rows = post(server, RATE_LIMITS).json()["data"]["rateLimits"]
    return {(row["type"], row["intervalSeconds"]): row for row in rows}


@pytest.fixture
def limited():
    """Start small sandboxes with given quotas and stop them after the test."""
    servers = []

    def start(**quotas):
        server = SandboxServer(orders=20, seed=3, quotas=quotas)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def test_rate_limits_report_documented_defaults(sandbox):
    rows = buckets(sandbox)

    quotas = {key: row["quota"] for key, row in rows.items()}
    assert quotas == {
        ("REQUEST_COUNT", "TEN_SECONDS"): 20,
        ("REQUEST_COUNT", "ONE_HOUR"): 10_000,
        ("QUERY_COMPLEXITY", "TEN_SECONDS"): 150_000,
        ("QUERY_COMPLEXITY", "ONE_HOUR"): 20_000_000,
        ("MUTATION_COUNT", "TEN_SECONDS"): 100,
        ("MUTATION_COUNT", "ONE_HOUR"): 1_000,
    }


def test_used_quota_counts_requests(limited):
    # An hourly quota of 360 refills one request every 10 seconds.
    server = limited(REQUEST_COUNT=(10, 360))
    post(server, "{ orders(limit: 1) { number } }")

    row = buckets(server)[("REQUEST_COUNT", "ONE_HOUR")]

    # The rateLimits request itself is counted too.
    assert row["usedQuota"] == 2
    assert row["remainingQuota"] == 358


def test_used_quota_counts_complexity(limited):
    # An hourly quota of 3600 refills only 1 point a second.
    server = limited(QUERY_COMPLEXITY=(10_000, 3_600))
    response = post(server, "{ orders(limit: 50) { number lines { quantity } } }")
    complexity = response.json()["extensions"]["complexity"]

    limits = post(server, RATE_LIMITS).json()

    assert complexity == 601
    used = {
        (row["type"], row["intervalSeconds"]): row["usedQuota"]
        for row in limits["data"]["rateLimits"]
    }
    expected = complexity + limits["extensions"]["complexity"]
    assert expected - 5 <= used[("QUERY_COMPLEXITY", "ONE_HOUR")] <= expected


def test_request_over_quota_gets_429(limited):
    server = limited(REQUEST_COUNT=(3, 100))
    statuses = [post(server, "{ __typename }").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_429_has_retry_after_and_errors(limited):
    server = limited(REQUEST_COUNT=(2, 100))
    for _ in range(2):
        post(server, "{ __typename }")

    response = post(server, "{ __typename }")

    assert response.status_code == 429
    # 2 requests per 10 seconds refill one request in 5 seconds.
    assert response.headers["Retry-After"] == "5"
    error = response.json()["errors"][0]
    assert "REQUEST_COUNT" in error["message"]
    assert error["extensions"]["category"] == "rate-limit"
    assert error["extensions"]["intervalSeconds"] == "TEN_SECONDS"
    assert "appVersion" in response.json()["extensions"]


def test_quota_refills_after_retry_after(limited):
    server = limited(REQUEST_COUNT=(10, 1000))
    for _ in range(10):
        post(server, "{ __typename }")
    rejected = post(server, "{ __typename }")

    time.sleep(float(rejected.headers["Retry-After"]))

    assert rejected.status_code == 429
    assert post(server, "{ __typename }").status_code == 200


def test_hourly_quota_also_limits(limited):
    server = limited(REQUEST_COUNT=(50, 2))
    statuses = [post(server, "{ __typename }").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert "per hour" in post(server, "{ __typename }").json()["errors"][0]["message"]


def test_mutation_quota_limits_mutations(limited):
    server = limited(MUTATION_COUNT=(2, 100))
    numbers = [o["number"] for o in server.store.orders if o["status"] == "PENDING"][:3]

    statuses = [post(server, CONFIRM, {"number": n}).status_code for n in numbers]

    assert statuses == [200, 200, 429]
    assert server.store.order_by_number(numbers[2])["status"] == "PENDING"
    # Queries do not use the mutation quota.
    assert post(server, "{ orders { number } }").status_code == 200


def test_complexity_quota_limits_large_queries(limited):
    server = limited(QUERY_COMPLEXITY=(1000, 100_000))
    query = "{ orders(limit: 50) { number lines { quantity } } }"

    first = post(server, query)
    second = post(server, query)

    assert first.status_code == 200
    assert second.status_code == 429
    assert "QUERY_COMPLEXITY" in second.json()["errors"][0]["message"]


def test_query_above_complexity_quota_is_400(limited):
    server = limited(QUERY_COMPLEXITY=(500, 100_000))

    response = post(server, "{ orders(limit: 200) { number lines { quantity } } }")

    assert response.status_code == 400
    assert "above the largest allowed complexity 500" in response.text
    # Only the rateLimits query itself has used complexity.
    limits = post(server, RATE_LIMITS).json()
    used = {row["type"]: row["usedQuota"] for row in limits["data"]["rateLimits"]}
    assert used["QUERY_COMPLEXITY"] == limits["extensions"]["complexity"]


def test_set_quotas_applies_until_reset(sandbox):
    sandbox.set_quotas(REQUEST_COUNT=(1, 10))
    post(sandbox, "{ __typename }")

    assert post(sandbox, "{ __typename }").status_code == 429

    sandbox.reset()

    assert post(sandbox, "{ __typename }").status_code == 200
    assert buckets(sandbox)[("REQUEST_COUNT", "TEN_SECONDS")]["quota"] == 20


def test_malformed_request_counts_as_request(limited):
    server = limited(REQUEST_COUNT=(2, 100))
    post(server, "{ not valid")
    post(server, "{ __typename }")

    assert post(server, "{ __typename }").status_code == 429


def test_unknown_quota_type_is_rejected():
    with pytest.raises(ValueError, match="REQUESTS"):
        SandboxServer(orders=1, quotas={"REQUESTS": (1, 1)})

"""The HTTP side of the sandbox: request bodies, responses and introspection."""

import ast
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from graphql import get_introspection_query

SANDBOX_DIR = Path(__file__).resolve().parent.parent / "sandbox"


def post_raw(sandbox, data, headers=None):
    return requests.post(
        sandbox.url + "/graphql",
        data=data,
        headers={"Authorization": f"Bearer {sandbox.token}", **(headers or {})},
        timeout=10,
    )


def post_json(sandbox, payload):
    return requests.post(
        sandbox.url + "/graphql",
        json=payload,
        headers={"Authorization": f"Bearer {sandbox.token}"},
        timeout=10,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The request body is empty"),
        (b"query { orders { number } }", "not valid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b'"just a string"', "must be a JSON object"),
        (b'[{"query": "{ __typename }"}]', "Batched requests"),
        (b'{"variables": {}}', "no 'query' string"),
        (b'{"query": "{ __typename }", "variables": [1]}', "'variables' must be"),
        (b'{"query": "{ __typename }", "operationName": 5}', "'operationName'"),
    ],
)
def test_malformed_body_is_400_with_errors(sandbox, data, message):
    response = post_raw(sandbox, data, {"Content-Type": "application/json"})

    assert response.status_code == 400
    body = response.json()
    assert message in body["errors"][0]["message"]
    assert "Traceback" not in response.text
    assert body["extensions"]["appVersion"]


def test_syntax_error_has_locations(sandbox):
    response = post_json(sandbox, {"query": "{ orders { number }"})

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["message"].startswith("Syntax Error")
    assert error["locations"] == [{"line": 1, "column": 20}]


def test_unknown_field_has_locations(sandbox):
    response = post_json(sandbox, {"query": "{\n  orders { numbr }\n}"})

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert "numbr" in error["message"]
    assert error["locations"] == [{"line": 2, "column": 12}]
    assert "data" not in response.json()


def test_wrong_variable_type_is_400(sandbox):
    query = "query Q($n: Int) { orders(where: {number: $n}) { number } }"

    response = post_json(sandbox, {"query": query, "variables": {"n": "3957"}})

    assert response.status_code == 400
    assert "$n" in response.json()["errors"][0]["message"]


def test_operation_name_picks_operation(sandbox):
    query = """
        query First { orders(limit: 1) { number } }
        query Second { rateLimits { type } }
    """

    picked = post_json(sandbox, {"query": query, "operationName": "Second"})
    unnamed = post_json(sandbox, {"query": query})
    unknown = post_json(sandbox, {"query": query, "operationName": "Third"})

    assert list(picked.json()["data"]) == ["rateLimits"]
    assert unnamed.status_code == 400
    assert unknown.status_code == 400
    assert "Third" in unknown.json()["errors"][0]["message"]


def test_every_response_carries_extensions(sandbox):
    responses = [
        post_json(sandbox, {"query": "{ orders(limit: 2) { number } }"}),
        post_json(sandbox, {"query": "{ nope }"}),
        requests.post(sandbox.url + "/graphql", json={"query": "{ x }"}, timeout=10),
    ]

    for response in responses:
        extensions = response.json()["extensions"]
        assert set(extensions) == {"complexity", "permissionsUsed", "appVersion"}
    assert responses[0].json()["extensions"]["complexity"] == 1 + 2 * 1


def test_get_on_graphql_is_405(sandbox):
    response = requests.get(sandbox.url + "/graphql", timeout=10)

    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_unknown_path_is_404_json(sandbox):
    response = requests.post(sandbox.url + "/api/graphql", json={}, timeout=10)

    assert response.status_code == 404
    assert "/graphql" in response.json()["errors"][0]["message"]


def test_introspection_shows_order_types(sandbox):
    query = """{
      __type(name: "Order") { kind possibleTypes { name } }
      __schema { queryType { name } mutationType { name } }
    }"""
    data = post_json(sandbox, {"query": query}).json()["data"]

    assert data["__type"]["kind"] == "INTERFACE"
    assert {t["name"] for t in data["__type"]["possibleTypes"]} == {
        "DirectToConsumerOrder",
        "WholesaleOrder",
    }
    assert data["__schema"]["mutationType"] == {"name": "Mutation"}


def test_full_introspection_query_succeeds(sandbox):
    response = post_json(sandbox, {"query": get_introspection_query()})

    types = {t["name"] for t in response.json()["data"]["__schema"]["types"]}
    assert {"DateTimeTz", "Date", "MonetaryValue", "RateLimit"} <= types
    assert response.json()["extensions"]["complexity"] == 0


def test_requests_seen_records_what_arrived(sandbox):
    query = "query Q($n: Int, $x: Float) { orders(where: {number: $n}) { number } }"
    post_json(sandbox, {"query": query, "variables": {"n": 3957, "x": 12.30}})

    seen = sandbox.requests_seen[-1]

    assert seen.method == "POST"
    assert seen.path == "/graphql"
    assert seen["headers"]["authorization"] == f"Bearer {sandbox.token}"
    assert seen.json["variables"]["n"] == 3957
    assert type(seen.json["variables"]["n"]) is int
    assert seen.json["variables"]["x"] == Decimal("12.3")


def test_requests_seen_keeps_exact_decimals(sandbox):
    post_raw(sandbox, b'{"query": "{ __typename }", "variables": {"v": 1299.00}}')

    assert str(sandbox.requests_seen[-1].json["variables"]["v"]) == "1299.00"


def test_requests_seen_unpacks_as_tuple(sandbox):
    post_raw(sandbox, b"not json")

    method, path, headers, parsed = sandbox.requests_seen[-1]

    assert (method, path, parsed) == ("POST", "/graphql", None)
    assert "Content-Length" in headers


def test_reset_clears_requests_seen(sandbox):
    post_json(sandbox, {"query": "{ __typename }"})
    sandbox.reset()

    assert sandbox.requests_seen == []


def test_concurrent_requests_all_succeed(sandbox):
    # More requests than Centra's default 20 per 10 seconds.
    sandbox.set_quotas(REQUEST_COUNT=(100, 1000))
    query = "query Q($n: Int) { order(number: $n) { number } }"

    def fetch(number):
        response = post_json(sandbox, {"query": query, "variables": {"n": number}})
        return response.status_code, response.json()["data"]["order"]["number"]

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(fetch, range(3800, 3848)))

    assert results == [(200, number) for number in range(3800, 3848)]


def test_chunked_request_body_is_read(sandbox):
    chunks = iter([b'{"query": ', b'"{ __typename }"}'])

    response = post_raw(sandbox, chunks)

    assert response.json()["data"] == {"__typename": "Query"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_sandbox_imports_no_project_apps():
    for path in SANDBOX_DIR.rglob("*.py"):
        for module in imported_modules(path):
            top = module.split(".")[0]
            assert top not in {"clients", "connections", "dashboard"}, (path, module)


def test_sandbox_uses_django_only_in_command():
    for path in SANDBOX_DIR.rglob("*.py"):
        if "management" in path.parts or path.name == "apps.py":
            continue
        for module in imported_modules(path):
            assert not module.startswith("django"), (path, module)

"""Authentication and permissions, as Centra's Integration API applies them."""

import pytest
import requests

ORDERS_QUERY = "{ orderConnection(first: 1) { totalCount } }"


def post(sandbox, query, headers=None, cookies=None):
    return requests.post(
        sandbox.url + "/graphql",
        json={"query": query},
        headers=headers or {},
        cookies=cookies,
        timeout=10,
    )


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_request_without_token_is_401(sandbox):
    response = post(sandbox, ORDERS_QUERY)

    assert response.status_code == 401
    body = response.json()
    assert "access token" in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["category"] == "authentication"
    assert "data" not in body
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_token_is_401(sandbox):
    response = post(sandbox, ORDERS_QUERY, bearer("not-a-real-token"))

    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "The access token is not valid."


def test_expired_token_is_401(sandbox):
    token = sandbox.add_token(["Order:read"], expires_in=0)

    response = post(sandbox, ORDERS_QUERY, bearer(token))

    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "The access token has expired."


def test_malformed_authorization_header_is_401(sandbox):
    response = post(sandbox, ORDERS_QUERY, {"Authorization": sandbox.token})

    assert response.status_code == 401
    assert "Bearer <token>" in response.json()["errors"][0]["message"]


def test_bearer_token_is_accepted(sandbox):
    response = post(sandbox, ORDERS_QUERY, bearer(sandbox.token))

    assert response.status_code == 200
    assert response.json()["data"]["orderConnection"]["totalCount"] == 300


def test_graphql_access_cookie_is_accepted(sandbox):
    response = post(sandbox, ORDERS_QUERY, cookies={"graphql-access": sandbox.token})

    assert response.status_code == 200
    assert response.json()["data"]["orderConnection"]["totalCount"] == 300


def test_fixed_token_value_is_accepted(sandbox):
    token = sandbox.add_token(["Order:read"], token="demo-token-123")

    response = post(sandbox, ORDERS_QUERY, bearer("demo-token-123"))

    assert token == "demo-token-123"
    assert response.status_code == 200


def test_missing_permission_is_authorization_error(sandbox):
    token = sandbox.add_token(["Product:read"])

    response = post(sandbox, ORDERS_QUERY, bearer(token))

    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"orderConnection": None}
    error = body["errors"][0]
    assert error["message"] == (
        "You need Order:read permission to access orderConnection."
    )
    assert error["extensions"]["category"] == "authorization"
    assert error["path"] == ["orderConnection"]
    assert error["locations"] == [{"line": 1, "column": 3}]


def test_missing_permission_keeps_other_fields(sandbox):
    token = sandbox.add_token(["Product:read"])
    query = "{ products(limit: 1) { id } orders { number } }"

    body = post(sandbox, query, bearer(token)).json()

    assert body["data"]["products"] == [{"id": 1}]
    assert body["data"]["orders"] is None
    assert len(body["errors"]) == 1
    assert body["extensions"]["permissionsUsed"] == ["Product:read"]


def test_confirm_needs_order_write(sandbox):
    token = sandbox.add_token(["Order:read"])
    mutation = """mutation {
      confirmOrder(input: {order: {number: 3957}}) { order { status } }
    }"""

    body = post(sandbox, mutation, bearer(token)).json()

    assert body["data"] == {"confirmOrder": None}
    assert body["errors"][0]["message"] == (
        "You need Order:write permission to access confirmOrder."
    )
    assert sandbox.store.order_by_number(3957)["status"] == "PENDING"


@pytest.mark.parametrize(
    ("query", "permission"),
    [
        ("{ products { id } }", "Product:read"),
        ("{ stores { id } }", "Store:read"),
        ("{ markets { id } }", "Market:read"),
        ("{ pricelists { id } }", "Pricelist:read"),
        ("{ currencies { code } }", "Currency:read"),
        ("{ events { id } }", "Event:read"),
        ("{ eventListeners { objectType } }", "Event:read"),
        (
            "mutation { unsetEventListeners(input: []) { userErrors { message } } }",
            "Event:write",
        ),
    ],
)
def test_each_root_field_needs_its_permission(sandbox, query, permission):
    token = sandbox.add_token(["Order:read"])

    body = post(sandbox, query, bearer(token)).json()

    assert f"You need {permission} permission" in body["errors"][0]["message"]


def test_permissions_used_lists_what_query_used(sandbox):
    query = (
        "{ orders(limit: 1) { number } products(limit: 1) { id } rateLimits { type } }"
    )

    body = post(sandbox, query, bearer(sandbox.token)).json()

    assert body["extensions"]["permissionsUsed"] == ["Order:read", "Product:read"]


def test_rate_limits_need_no_permission(sandbox):
    token = sandbox.add_token([])

    body = post(sandbox, "{ rateLimits { type } }", bearer(token)).json()

    assert "errors" not in body
    assert len(body["data"]["rateLimits"]) == 6
    assert body["extensions"]["permissionsUsed"] == []


def test_reset_removes_added_tokens(sandbox):
    token = sandbox.add_token(["Order:read"])
    sandbox.reset()

    response = post(sandbox, ORDERS_QUERY, bearer(token))

    assert response.status_code == 401
    assert post(sandbox, ORDERS_QUERY, bearer(sandbox.token)).status_code == 200


def test_unknown_permission_name_is_rejected(sandbox):
    with pytest.raises(ValueError, match="order:read"):
        sandbox.add_token(["order:read"])

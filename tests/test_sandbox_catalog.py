"""Products, stores, markets, pricelists and currencies."""

import requests


def post_graphql(sandbox, query, variables=None):
    response = requests.post(
        sandbox.url + "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {sandbox.token}"},
        timeout=10,
    )
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body["errors"]
    return body["data"]


def test_products_list_basic_fields(sandbox):
    query = """{
      products(limit: 5) {
        id name status productNumber createdAt
        variants { id name productSizes { id description } }
      }
    }"""
    products = post_graphql(sandbox, query)["products"]

    assert [p["id"] for p in products] == [1, 2, 3, 4, 5]
    assert all(p["name"] and p["productNumber"] for p in products)
    assert all(p["variants"][0]["productSizes"] for p in products)


def test_products_filter_by_status(sandbox):
    query = "{ products(where: {status: INACTIVE}, limit: 100) { status } }"
    products = post_graphql(sandbox, query)["products"]

    assert products
    assert {p["status"] for p in products} == {"INACTIVE"}


def test_products_sort_by_name(sandbox):
    names = [
        p["name"]
        for p in post_graphql(sandbox, "{ products(sort: name_ASC) { name } }")[
            "products"
        ]
    ]

    assert names == sorted(names, key=str.casefold)


def test_product_connection_pages_forward(sandbox):
    query = """query Page($after: String) {
      productConnection(first: 10, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node { id } }
      }
    }"""
    ids, after, has_next = [], None, True
    while has_next:
        connection = post_graphql(sandbox, query, {"after": after})
        connection = connection["productConnection"]
        ids += [edge["node"]["id"] for edge in connection["edges"]]
        has_next = connection["pageInfo"]["hasNextPage"]
        after = connection["pageInfo"]["endCursor"]

    assert ids == list(range(1, connection["totalCount"] + 1))


def test_order_line_links_to_product(sandbox):
    query = "{ order(number: 3957) { lines { product { id name } productName } } }"
    line = post_graphql(sandbox, query)["order"]["lines"][0]
    product_id = line["product"]["id"]

    product = post_graphql(sandbox, f"{{ product(id: {product_id}) {{ name }} }}")

    assert product["product"]["name"] == line["productName"]


def test_stores_are_retail_and_wholesale(sandbox):
    stores = post_graphql(sandbox, "{ stores { id name type } }")["stores"]

    assert {s["type"] for s in stores} == {"DIRECT_TO_CONSUMER", "WHOLESALE"}


def test_documented_markets_example(sandbox):
    query = """{
      markets(where: {storeId: 1}, sort: [id_DESC]) {
        id
        name
        assignedToCountries { name code }
      }
    }"""
    markets = post_graphql(sandbox, query)["markets"]

    ids = [m["id"] for m in markets]
    assert ids == sorted(ids, reverse=True)
    assert len(ids) == 5
    assert all(m["assignedToCountries"] for m in markets)


def test_documented_pricelists_example(sandbox):
    query = """{
      pricelists(where: {storeId: 1}) {
        id
        name
        currency { code }
        assignedToCountries { name code }
      }
    }"""
    pricelists = post_graphql(sandbox, query)["pricelists"]

    codes = {p["currency"]["code"] for p in pricelists}
    assert codes == {"SEK", "EUR", "USD", "GBP", "JPY"}


def test_currencies_list_decimal_digits(sandbox):
    currencies = post_graphql(sandbox, "{ currencies { code decimalDigits } }")

    digits = {c["code"]: c["decimalDigits"] for c in currencies["currencies"]}
    assert digits == {"SEK": 2, "EUR": 2, "USD": 2, "GBP": 2, "JPY": 0}

"""Reading orders from the sandbox: lists, filters, sorting and connections."""

import base64

import requests

ORDER_FIELDS = """
    id
    number
    status
    isOnHold
    orderDate
    createdAt
    grandTotal { value currency { code } formattedValue }
    store { id type }
    market { id name }
    pricelist { id name }
"""


def post_graphql(sandbox, query, variables=None):
    response = requests.post(
        sandbox.url + "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {sandbox.token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def fetch_numbers(sandbox, arguments=""):
    call = f"orders({arguments})" if arguments else "orders"
    data = post_graphql(sandbox, f"{{ {call} {{ number }} }}")
    return [order["number"] for order in data["orders"]]


def test_orders_returns_first_twenty_by_default(sandbox):
    numbers = fetch_numbers(sandbox)

    assert numbers == list(range(3800, 3820))


def test_orders_pages_follow_each_other(sandbox):
    first = fetch_numbers(sandbox, "limit: 50, page: 1")
    second = fetch_numbers(sandbox, "limit: 50, page: 2")

    assert first == list(range(3800, 3850))
    assert second == list(range(3850, 3900))


def test_orders_page_past_end_is_empty(sandbox):
    assert fetch_numbers(sandbox, "limit: 100, page: 4") == []


def test_orders_filter_by_number(sandbox):
    data = post_graphql(
        sandbox, f"{{ orders(where: {{number: 3957}}) {{ {ORDER_FIELDS} }} }}"
    )

    assert len(data["orders"]) == 1
    order = data["orders"][0]
    assert order["number"] == 3957
    assert order["status"] == "PENDING"
    assert order["store"]["type"] == "DIRECT_TO_CONSUMER"
    assert len(order["id"]) == 32


def test_orders_filter_by_status_list(sandbox):
    query = """
        query Open($statuses: [OrderStatus!]) {
          orders(where: {status: $statuses}, limit: 200) { number status }
        }
    """
    data = post_graphql(sandbox, query, {"statuses": ["CONFIRMED", "PROCESSING"]})

    statuses = {order["status"] for order in data["orders"]}
    assert statuses == {"CONFIRMED", "PROCESSING"}


def test_orders_filter_by_store_type(sandbox):
    query = """{
      orders(where: {storeType: WHOLESALE}, limit: 200) {
        __typename
        store { type }
      }
    }"""
    orders = post_graphql(sandbox, query)["orders"]

    assert orders
    assert {order["__typename"] for order in orders} == {"WholesaleOrder"}
    assert {order["store"]["type"] for order in orders} == {"WHOLESALE"}


def test_orders_filter_by_created_at_range(sandbox):
    # The date format of Centra's documented example.
    query = """{
      orders(
        where: {createdAt: {from: "2025-09-10 00:00:00", to: "2025-09-12 23:59:59"}}
        limit: 200
      ) { number createdAt }
    }"""
    orders = post_graphql(sandbox, query)["orders"]

    assert orders
    for order in orders:
        assert "2025-09-10T00:00:00+00:00" <= order["createdAt"]
        assert order["createdAt"] <= "2025-09-12T23:59:59+00:00"


def test_orders_filter_by_order_date_variable(sandbox):
    query = """
        query Since($fromDate: DateTimeTz) {
          orders(where: {orderDate: {from: $fromDate}}, limit: 200) { orderDate }
        }
    """
    from_date = "2025-11-20T00:00:00+01:00"
    orders = post_graphql(sandbox, query, {"fromDate": from_date})["orders"]

    assert orders
    assert all(order["orderDate"] >= "2025-11-19T23:00:00+00:00" for order in orders)


def test_orders_sort_by_order_date_desc(sandbox):
    query = "{ orders(sort: [orderDate_DESC], limit: 30) { number orderDate } }"
    orders = post_graphql(sandbox, query)["orders"]

    dates = [order["orderDate"] for order in orders]
    assert dates == sorted(dates, reverse=True)
    assert orders[0]["number"] == 4099


def test_orders_sort_by_number_and_id(sandbox):
    by_number = fetch_numbers(sandbox, "sort: number_DESC, limit: 3")
    by_id = fetch_numbers(sandbox, "sort: [id_DESC], limit: 3")

    assert by_number == [4099, 4098, 4097]
    assert by_id == by_number


def test_order_date_takes_php_format(sandbox):
    query = """{
      orders(where: {number: 3957}) {
        day: orderDate(format: "Y-m-d")
        full: orderDate
      }
    }"""
    order = post_graphql(sandbox, query)["orders"][0]

    assert order["full"].startswith(order["day"] + "T")
    assert len(order["day"]) == 10


def test_order_found_by_id_or_number(sandbox):
    by_number = post_graphql(sandbox, "{ order(number: 3957) { id number } }")
    order_id = by_number["order"]["id"]
    by_id = post_graphql(sandbox, f'{{ order(id: "{order_id}") {{ number }} }}')

    assert by_id["order"]["number"] == 3957


def test_unknown_order_number_is_null(sandbox):
    assert post_graphql(sandbox, "{ order(number: 1) { id } }") == {"order": None}


def test_documented_wholesale_connection_example(sandbox):
    query = """{
      orderConnection(
        last: 10
        where: {storeType: WHOLESALE, status: CONFIRMED}
        sort: orderDate_ASC
      ) {
        totalCount
        pageInfo { hasPreviousPage startCursor }
        edges {
          node {
            id
            number
            grandTotal { value currency { code } formattedValue }
            orderDate(format: "Y-m-d")
            ...on WholesaleOrder {
              account { name }
              buyer { email }
            }
          }
        }
      }
    }"""
    connection = post_graphql(sandbox, query)["orderConnection"]

    edges = connection["edges"]
    assert 0 < len(edges) <= 10
    assert connection["totalCount"] >= len(edges)
    assert connection["pageInfo"]["startCursor"] is not None
    dates = [edge["node"]["orderDate"] for edge in edges]
    assert dates == sorted(dates)
    for edge in edges:
        assert edge["node"]["account"]["name"]
        assert "@" in edge["node"]["buyer"]["email"]


def test_documented_d2c_orders_by_date_example(sandbox):
    query = """{
      orders(
        where: {
          createdAt: {from: "2025-09-01 00:00:00", to: "2025-09-30 23:59:59"}
          storeType: DIRECT_TO_CONSUMER
        }
      ) {
        number
        lines {
          quantity
          productName
          productVariantName
          productSize { id description }
        }
      }
    }"""
    orders = post_graphql(sandbox, query)["orders"]

    assert orders
    for order in orders:
        assert order["lines"]
        for line in order["lines"]:
            assert line["quantity"] >= 1
            assert line["productName"]
            assert line["productSize"]["description"]


def test_consumer_order_has_customer_and_addresses(sandbox):
    query = """{
      orders(where: {number: 3957}) {
        ... on DirectToConsumerOrder { customer { id email } }
        shippingAddress { firstName lastName address1 city zipCode country { code } }
        billingAddress { firstName country { code } }
        lines { id quantity product { id name } productSize { id description } }
      }
    }"""
    order = post_graphql(sandbox, query)["orders"][0]

    assert isinstance(order["customer"]["id"], int)
    assert "@" in order["customer"]["email"]
    assert order["shippingAddress"]["firstName"]
    assert len(order["shippingAddress"]["country"]["code"]) == 2
    assert order["billingAddress"]["firstName"]
    assert order["lines"][0]["product"]["name"]


def test_wholesale_fields_read_through_fragment(sandbox):
    query = """{
      orders(where: {storeType: WHOLESALE}, limit: 200) {
        ... on WholesaleOrder {
          account { name }
          buyer { email }
          purchaseOrderNumber
          preferredDeliveryDate
        }
      }
    }"""
    orders = post_graphql(sandbox, query)["orders"]

    assert all(order["account"]["name"] for order in orders)
    assert any(order["purchaseOrderNumber"] for order in orders)
    assert any(order["purchaseOrderNumber"] is None for order in orders)
    assert all(len(order["preferredDeliveryDate"]) == 10 for order in orders)


def test_customer_outside_fragment_fails_validation(sandbox):
    response = requests.post(
        sandbox.url + "/graphql",
        json={"query": "{ orders { customer { email } } }"},
        headers={"Authorization": f"Bearer {sandbox.token}"},
        timeout=10,
    )

    assert response.status_code == 400
    assert "customer" in response.json()["errors"][0]["message"]


PENDING_PAGE = """
    query Pending($after: String) {
      orderConnection(first: 25, after: $after, where: {status: [PENDING]}) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { number status } }
      }
    }
"""


def test_order_connection_pages_through_pending_orders(sandbox):
    numbers, pages, after = [], 0, None
    while True:
        connection = post_graphql(sandbox, PENDING_PAGE, {"after": after})
        connection = connection["orderConnection"]
        pages += 1
        numbers += [edge["node"]["number"] for edge in connection["edges"]]
        assert connection["pageInfo"]["hasPreviousPage"] == (pages > 1)
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    assert pages >= 3
    assert len(numbers) == connection["totalCount"]
    assert numbers == sorted(set(numbers))


def test_order_connection_cursor_is_opaque_base64(sandbox):
    connection = post_graphql(sandbox, PENDING_PAGE)["orderConnection"]

    edges = connection["edges"]
    assert connection["pageInfo"]["startCursor"] == edges[0]["cursor"]
    assert connection["pageInfo"]["endCursor"] == edges[-1]["cursor"]
    for edge in edges:
        assert base64.b64decode(edge["cursor"], validate=True)
        assert str(edge["node"]["number"]) not in edge["cursor"]


def test_order_connection_pages_backward(sandbox):
    query = """
        query Back($before: String) {
          orderConnection(last: 10, before: $before) {
            pageInfo { hasPreviousPage hasNextPage startCursor }
            edges { node { number } }
          }
        }
    """
    last_page = post_graphql(sandbox, query)["orderConnection"]
    before = last_page["pageInfo"]["startCursor"]
    previous_page = post_graphql(sandbox, query, {"before": before})["orderConnection"]

    assert [e["node"]["number"] for e in last_page["edges"]] == list(range(4090, 4100))
    assert last_page["pageInfo"]["hasNextPage"] is False
    assert [e["node"]["number"] for e in previous_page["edges"]] == list(
        range(4080, 4090)
    )
    assert previous_page["pageInfo"]["hasPreviousPage"] is True
    assert previous_page["pageInfo"]["hasNextPage"] is True


def test_cursor_holds_when_earlier_order_changes(sandbox):
    first_page = post_graphql(sandbox, PENDING_PAGE)["orderConnection"]
    end_cursor = first_page["pageInfo"]["endCursor"]
    last_number = first_page["edges"][-1]["node"]["number"]
    # Confirming an order of the first page takes it out of the filter.
    sandbox.store.order_by_number(first_page["edges"][0]["node"]["number"])[
        "status"
    ] = "CONFIRMED"

    second_page = post_graphql(sandbox, PENDING_PAGE, {"after": end_cursor})

    first_number = second_page["orderConnection"]["edges"][0]["node"]["number"]
    assert first_number > last_number
    pending_after = [
        o["number"]
        for o in sandbox.store.orders
        if o["status"] == "PENDING" and o["number"] > last_number
    ]
    assert first_number == pending_after[0]


def test_invalid_cursor_is_an_error(sandbox):
    response = requests.post(
        sandbox.url + "/graphql",
        json={"query": '{ orderConnection(after: "bm90IGEgY3Vyc29y") { totalCount } }'},
        headers={"Authorization": f"Bearer {sandbox.token}"},
        timeout=10,
    )

    body = response.json()
    assert response.status_code == 200
    assert body["data"] == {"orderConnection": None}
    assert "Invalid cursor" in body["errors"][0]["message"]
    assert body["errors"][0]["path"] == ["orderConnection"]


def test_page_size_above_maximum_is_rejected(sandbox):
    response = requests.post(
        sandbox.url + "/graphql",
        json={"query": "{ orders(limit: 500) { number } }"},
        headers={"Authorization": f"Bearer {sandbox.token}"},
        timeout=10,
    )

    body = response.json()
    assert body["data"] == {"orders": None}
    assert "between 0 and 200" in body["errors"][0]["message"]

"""The sandbox's generated data: deterministic, varied and exact."""

import json
import re
from collections import Counter
from decimal import Decimal

import pytest
import requests

from sandbox.server import SandboxServer

ALL_ORDERS = """{
  orders(limit: 200, page: %d) {
    __typename
    id
    number
    status
    isOnHold
    createdAt
    grandTotal { value currency { code decimalDigits } formattedValue }
    lines { quantity unitPrice { value } lineValue { value } }
    shippingAddress {
      firstName lastName companyName address1 address2 city zipCode
      country { code }
    }
    ... on DirectToConsumerOrder { customer { email } }
    ... on WholesaleOrder { account { name } buyer { email } }
  }
}"""


def fetch_all_orders(server) -> tuple[list[dict], str]:
    """Return every order, parsed with exact decimals, and the raw JSON text."""
    orders, texts = [], []
    for page in (1, 2):
        response = requests.post(
            server.url + "/graphql",
            json={"query": ALL_ORDERS % page},
            headers={"Authorization": f"Bearer {server.token}"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        texts.append(response.text)
        orders += json.loads(response.text, parse_float=Decimal)["data"]["orders"]
    return orders, "".join(texts)


@pytest.fixture
def orders_and_text(sandbox):
    return fetch_all_orders(sandbox)


def test_same_seed_gives_same_orders(sandbox):
    with SandboxServer(orders=300, seed=1) as twin:
        assert fetch_all_orders(twin)[1] == fetch_all_orders(sandbox)[1]


def test_other_seed_gives_other_orders(sandbox):
    with SandboxServer(orders=300, seed=2) as other:
        other_orders = fetch_all_orders(other)[0]
    orders = fetch_all_orders(sandbox)[0]

    assert [o["id"] for o in other_orders] != [o["id"] for o in orders]
    assert [o["number"] for o in other_orders] == [o["number"] for o in orders]


def test_order_numbers_are_consecutive_around_3957(orders_and_text):
    numbers = [order["number"] for order in orders_and_text[0]]

    assert numbers == list(range(3800, 4100))


@pytest.mark.parametrize("count", [1, 10, 1000])
def test_any_order_count_includes_3957(count):
    with SandboxServer(orders=count, seed=5) as server:
        response = requests.post(
            server.url + "/graphql",
            json={"query": "{ order(number: 3957) { status } }"},
            headers={"Authorization": f"Bearer {server.token}"},
            timeout=10,
        )

    assert response.json()["data"]["order"] == {"status": "PENDING"}


def test_statuses_cover_documented_values(orders_and_text):
    statuses = Counter(order["status"] for order in orders_and_text[0])

    assert set(statuses) == {
        "PENDING",
        "CONFIRMED",
        "PROCESSING",
        "COMPLETED",
        "CANCELLED",
    }
    # Enough pending orders for several pages of a "pending orders" query.
    assert statuses["PENDING"] >= 60


def test_some_orders_are_wholesale_or_on_hold(orders_and_text):
    orders = orders_and_text[0]
    kinds = Counter(order["__typename"] for order in orders)

    assert kinds["WholesaleOrder"] >= 30
    assert kinds["DirectToConsumerOrder"] >= 150
    assert any(order["isOnHold"] for order in orders)


def test_orders_use_five_currencies(orders_and_text):
    codes = {order["grandTotal"]["currency"]["code"] for order in orders_and_text[0]}

    assert codes == {"SEK", "EUR", "USD", "GBP", "JPY"}


def test_text_mixes_scripts_emoji_and_escapes(orders_and_text):
    # The sandbox writes JSON without \u escapes, so the raw text shows the
    # characters themselves, and quotes and backslashes escaped.
    names = orders_and_text[1]

    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", names), "Japanese"
    assert re.search(r"[\u0400-\u04ff]", names), "Cyrillic"
    assert re.search(r"[\u0600-\u06ff]", names), "Arabic"
    assert re.search(r"[\u0370-\u03ff]", names), "Greek"
    assert re.search(r"[\U0001f300-\U0001faff]", names), "emoji"
    assert "O'Connor" in names or "O'Brien" in names
    assert '\\"' in names, "a double quote inside a value"
    assert "\\\\" in names, "a backslash inside a value"


def test_amounts_have_currency_digits(orders_and_text):
    for order in orders_and_text[0]:
        total = order["grandTotal"]
        digits = total["currency"]["decimalDigits"]

        assert isinstance(total["value"], Decimal | int)
        exponent = Decimal(total["value"]).as_tuple().exponent
        assert exponent == -digits, (order["number"], total)


def test_line_values_add_up_exactly(orders_and_text):
    for order in orders_and_text[0]:
        lines_total = Decimal(0)
        for line in order["lines"]:
            unit = Decimal(line["unitPrice"]["value"])
            assert Decimal(line["lineValue"]["value"]) == unit * line["quantity"]
            lines_total += Decimal(line["lineValue"]["value"])

        shipping = Decimal(order["grandTotal"]["value"]) - lines_total
        if order["__typename"] == "WholesaleOrder":
            assert shipping == 0
        else:
            assert shipping > 0


def test_formatted_value_shows_amount(orders_and_text):
    order = orders_and_text[0][0]
    total = order["grandTotal"]
    amount = format(total["value"], "f")
    integer_part, _, fraction = amount.partition(".")

    assert integer_part[-3:] in total["formattedValue"]
    assert fraction in total["formattedValue"]


def test_reset_restores_changed_orders(sandbox):
    mutation = (
        "mutation { confirmOrder(input: {order: {number: 3957}}) { order { status } } }"
    )
    requests.post(
        sandbox.url + "/graphql",
        json={"query": mutation},
        headers={"Authorization": f"Bearer {sandbox.token}"},
        timeout=10,
    )
    assert sandbox.store.order_by_number(3957)["status"] == "CONFIRMED"

    sandbox.reset()

    assert sandbox.store.order_by_number(3957)["status"] == "PENDING"

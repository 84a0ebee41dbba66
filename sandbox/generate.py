"""Deterministic generation of the sandbox's orders and catalogue.

Everything random comes from one `random.Random(seed)`, drawn in a fixed
order, and every date is counted from a fixed start, so the same seed and
order count always produce the same data.

Objects are plain dicts keyed by the GraphQL field names, so graphql-core's
default resolver reads them. Orders carry `__typename` to tell the two order
types apart.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sandbox import catalog
from sandbox.money import monetary_value

# Demos and client tests confirm order 3957, so every data set contains it.
EXAMPLE_ORDER_NUMBER = 3957
FIRST_ORDER_NUMBER = 3800
FIRST_ORDER_TIME = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)
CATALOGUE_TIME = datetime(2024, 3, 4, 9, 30, tzinfo=UTC)

WHOLESALE_SHARE = 0.2
ON_HOLD_SHARE = 0.05
STATUS_WEIGHTS = {
    "PENDING": 40,
    "CONFIRMED": 15,
    "PROCESSING": 15,
    "COMPLETED": 20,
    "CANCELLED": 10,
}


@dataclass
class Dataset:
    stores: list[dict]
    currencies: list[dict]
    markets: list[dict]
    pricelists: list[dict]
    products: list[dict]
    orders: list[dict]


def first_order_number(count: int) -> int:
    """Return the first number of `count` consecutive orders that include 3957.

    Data sets of 158 orders or more start at 3800 (3800..4099 for 300 orders).
    Smaller ones are centred on 3957.
    """
    if count > EXAMPLE_ORDER_NUMBER - FIRST_ORDER_NUMBER:
        return FIRST_ORDER_NUMBER
    return EXAMPLE_ORDER_NUMBER - count // 2


def generate(order_count: int, seed: int) -> Dataset:
    """Build the whole data set for one seed."""
    if order_count < 1:
        raise ValueError(f"order_count must be at least 1, got {order_count}")

    rng = random.Random(seed)
    stores = [dict(store) for store in catalog.STORES]
    currencies = [dict(currency) for currency in catalog.CURRENCIES]
    markets = _build_markets(stores)
    pricelists = _build_pricelists(stores, currencies)
    products = _build_products()

    builder = _OrderBuilder(rng, markets, pricelists, products)
    start = first_order_number(order_count)
    orders = [builder.build(number) for number in range(start, start + order_count)]

    return Dataset(stores, currencies, markets, pricelists, products, orders)


def _country(code: str) -> dict:
    return {"code": code, "name": catalog.COUNTRY_NAMES[code]}


def _build_markets(stores: list[dict]) -> list[dict]:
    return [
        {
            "id": market_id,
            "name": name,
            "store": stores[store_id - 1],
            "assignedToCountries": [_country(code) for code in countries],
        }
        for market_id, name, store_id, countries in catalog.MARKETS
    ]


def _build_pricelists(stores: list[dict], currencies: list[dict]) -> list[dict]:
    by_code = {currency["code"]: currency for currency in currencies}
    return [
        {
            "id": pricelist_id,
            "name": name,
            "store": stores[store_id - 1],
            "currency": by_code[code],
            "assignedToCountries": [_country(country) for country in countries],
        }
        for pricelist_id, name, store_id, code, countries in catalog.PRICELISTS
    ]


def _build_products() -> list[dict]:
    products = []
    variant_id = 0
    size_ids: dict[str, int] = {}

    for index, (name, eur_price, sizes, colours) in enumerate(catalog.PRODUCTS):
        product_id = index + 1
        sizes_of_product = []
        for description in sizes:
            size_id = size_ids.setdefault(description, len(size_ids) + 1)
            sizes_of_product.append({"id": size_id, "description": description})

        variants = []
        for colour in colours:
            variant_id += 1
            variants.append(
                {"id": variant_id, "name": colour, "productSizes": sizes_of_product}
            )

        products.append(
            {
                "__typename": "Product",
                "id": product_id,
                "name": name,
                # Every seventh product is INACTIVE, so status filters have
                # something to leave out.
                "status": "INACTIVE" if product_id % 7 == 0 else "ACTIVE",
                "productNumber": f"P{1000 + product_id}",
                "createdAt": CATALOGUE_TIME + timedelta(days=3 * index),
                "variants": variants,
                "eurPrice": Decimal(eur_price),
            }
        )
    return products


class _OrderBuilder:
    """Draws one order after another from the shared random generator."""

    def __init__(self, rng, markets, pricelists, products):
        self.rng = rng
        self.products = [p for p in products if p["status"] == "ACTIVE"]
        self.markets = markets
        self.pricelists = pricelists
        self.time = FIRST_ORDER_TIME
        self.line_id = 0
        self.customer_ids: dict[str, int] = {}
        self.accounts = {
            account[0]: {"id": account[0], "name": account[1]}
            for account in catalog.ACCOUNTS
        }

    def build(self, number: int) -> dict:
        rng = self.rng
        self.time += timedelta(minutes=rng.randint(30, 14 * 60))
        created_at = self.time
        is_wholesale = rng.random() < WHOLESALE_SHARE
        status = rng.choices(
            list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values())
        )[0]
        is_on_hold = rng.random() < ON_HOLD_SHARE
        order_id = f"{rng.getrandbits(128):032x}"

        if number == EXAMPLE_ORDER_NUMBER:
            # The documented example confirms this order, so it must be a
            # pending direct-to-consumer order that is not on hold.
            is_wholesale, status, is_on_hold = False, "PENDING", False

        order = {
            "__typename": "WholesaleOrder" if is_wholesale else "DirectToConsumerOrder",
            "id": order_id,
            "number": number,
            "status": status,
            "isOnHold": is_on_hold,
            "holdStatusChangeReason": None,
            "orderDate": created_at - timedelta(seconds=rng.randint(5, 300)),
            "createdAt": created_at,
            "updatedAt": created_at,
        }
        if is_wholesale:
            self._add_wholesale_parties(order)
        else:
            self._add_consumer_parties(order)
        self._add_lines(order, is_wholesale)
        return order

    def _market_and_pricelist(self, store_id: int, country: str):
        market = next(
            m
            for m in self.markets
            if m["store"]["id"] == store_id
            and any(c["code"] == country for c in m["assignedToCountries"])
        )
        pricelist = next(
            p
            for p in self.pricelists
            if p["store"]["id"] == store_id
            and any(c["code"] == country for c in p["assignedToCountries"])
        )
        return market, pricelist

    def _address(self, country, first_name, last_name, email, company=None):
        rng = self.rng
        city, zip_code, state, street = rng.choice(catalog.PLACES[country])
        extra = rng.choice(catalog.ADDRESS_EXTRAS) if rng.random() < 0.25 else None
        return {
            "firstName": first_name,
            "lastName": last_name,
            "companyName": company,
            "address1": street,
            "address2": extra,
            "city": city,
            "zipCode": zip_code,
            "stateOrProvince": state,
            "country": _country(country),
            "email": email,
            "phoneNumber": f"+{rng.randint(10, 99)} {rng.randint(100, 999)} "
            f"{rng.randint(100, 999)} {rng.randint(10, 99)}",
        }

    def _add_consumer_parties(self, order: dict) -> None:
        rng = self.rng
        country = rng.choice(list(catalog.PEOPLE))
        first_name, last_name, email = rng.choice(catalog.PEOPLE[country])
        customer_id = self.customer_ids.setdefault(email, len(self.customer_ids) + 1)
        shipping = self._address(country, first_name, last_name, email)
        # Most customers are billed where they receive the parcel.
        if rng.random() < 0.85:
            billing = dict(shipping)
        else:
            billing = self._address(country, first_name, last_name, email)

        market, pricelist = self._market_and_pricelist(1, country)
        order.update(
            store=market["store"],
            market=market,
            pricelist=pricelist,
            shippingAddress=shipping,
            billingAddress=billing,
            customer={
                "id": customer_id,
                "email": email,
                "firstName": first_name,
                "lastName": last_name,
            },
        )

    def _add_wholesale_parties(self, order: dict) -> None:
        rng = self.rng
        account_row = rng.choice(catalog.ACCOUNTS)
        account_id, name, country, first_name, last_name, email = account_row
        address = self._address(country, first_name, last_name, email, company=name)
        has_po = rng.random() < 0.6
        po_number = f"PO-{rng.randint(2025, 2026)}-{rng.randint(1, 9999):04d}"

        market, pricelist = self._market_and_pricelist(2, country)
        order.update(
            store=market["store"],
            market=market,
            pricelist=pricelist,
            shippingAddress=address,
            billingAddress=dict(address),
            account=self.accounts[account_id],
            buyer={
                "id": account_id * 10 + 1,
                "email": email,
                "firstName": first_name,
                "lastName": last_name,
            },
            purchaseOrderNumber=po_number if has_po else None,
            preferredDeliveryDate=(
                order["orderDate"] + timedelta(days=rng.randint(14, 60))
            ).date(),
        )

    def _add_lines(self, order: dict, is_wholesale: bool) -> None:
        rng = self.rng
        currency = order["pricelist"]["currency"]
        line_count = rng.randint(2, 6) if is_wholesale else rng.randint(1, 4)
        lines = []
        subtotal = Decimal(0)

        for _ in range(line_count):
            product = rng.choice(self.products)
            variant = rng.choice(product["variants"])
            size = rng.choice(variant["productSizes"])
            quantity = rng.randint(5, 40) if is_wholesale else rng.randint(1, 3)
            unit_price = catalog.retail_price(product["eurPrice"], currency["code"])
            if is_wholesale:
                unit_price = catalog.wholesale_price(
                    unit_price, currency["decimalDigits"]
                )
            line_value = unit_price * quantity
            subtotal += line_value
            self.line_id += 1
            lines.append(
                {
                    "id": self.line_id,
                    "quantity": quantity,
                    "productName": product["name"],
                    "productVariantName": variant["name"],
                    "product": product,
                    "productSize": size,
                    "unitPrice": monetary_value(unit_price, currency),
                    "lineValue": monetary_value(line_value, currency),
                }
            )

        shipping = (
            Decimal(0) if is_wholesale else catalog.SHIPPING_FEES[currency["code"]]
        )
        order["lines"] = lines
        order["grandTotal"] = monetary_value(subtotal + shipping, currency)

"""Exact money amounts and how they reach the JSON response.

The store keeps amounts as `Decimal`. GraphQL's `Float` type would turn them
into binary floats, so the resolver of `MonetaryValue.value` returns an
`ExactAmount`: a `float` subclass that graphql-core passes through unchanged
and that `sandbox.encoding.dumps` writes with the decimal's own digits. The
float value itself is never written, so no rounding noise can reach a client.
"""

from decimal import Decimal

# (symbol before the amount, text after it, thousands separator)
_CURRENCY_STYLES = {
    "SEK": ("", " SEK", " "),
    "EUR": ("€", "", ","),
    "USD": ("$", "", ","),
    "GBP": ("£", "", ","),
    "JPY": ("¥", "", ","),
}


class ExactAmount(float):
    """A float that carries the exact decimal text to write into JSON."""

    decimal: Decimal

    def __new__(cls, amount: Decimal) -> "ExactAmount":
        instance = super().__new__(cls, amount)
        instance.decimal = amount
        return instance

    def json_text(self) -> str:
        return format(self.decimal, "f")


def format_amount(amount: Decimal, currency_code: str) -> str:
    """Format an amount the way a shop shows it, such as "1 299.00 SEK"."""
    prefix, suffix, separator = _CURRENCY_STYLES[currency_code]
    text = f"{amount:,f}".replace(",", separator)
    if amount < 0:
        return "-" + prefix + text.lstrip("-") + suffix
    return prefix + text + suffix


def monetary_value(amount: Decimal, currency: dict) -> dict:
    """Build a `MonetaryValue` object as the store keeps it."""
    return {
        "value": amount,
        "currency": currency,
        "formattedValue": format_amount(amount, currency["code"]),
    }

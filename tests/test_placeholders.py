from decimal import Decimal

import pytest

from connections.placeholders import (
    PlaceholderError,
    UndefinedVariable,
    check_syntax,
    environment_names,
    resolve,
    resolve_text,
)

ENTITY = {
    "number": 3957,
    "total": {"value": Decimal("1234.50"), "currency": "SEK"},
    "lines": [{"sku": "A-1", "qty": 2}, {"sku": "B-2", "qty": 1}],
    "order id": "x-17",
    "a.b": "dotted key",
    "note": 'He said "hi" \\ bye\nnew line — 日本語 🎉',
    "paid": True,
    "gift": None,
}


def test_whole_value_keeps_number_type():
    assert resolve({"number": "&{number}"}, ENTITY, {}) == {"number": 3957}


def test_whole_value_keeps_object_type():
    assert resolve("&{total}", ENTITY, {}) == {
        "value": Decimal("1234.50"),
        "currency": "SEK",
    }


def test_whole_value_keeps_boolean_and_null():
    assert resolve("&{paid}", ENTITY, {}) is True
    assert resolve("&{gift}", ENTITY, {}) is None


def test_whole_value_is_a_copy():
    resolved = resolve("&{total}", ENTITY, {})
    resolved["currency"] = "EUR"
    assert ENTITY["total"]["currency"] == "SEK"


def test_number_inside_string_is_json_text():
    assert resolve("Order &{number}", ENTITY, {}) == "Order 3957"


def test_decimal_inside_string_keeps_digits():
    assert resolve("&{total.value} SEK", ENTITY, {}) == "1234.50 SEK"


def test_object_inside_string_is_json_text():
    text = resolve("total=&{total}", ENTITY, {})
    assert text == 'total={"value": 1234.50, "currency": "SEK"}'


def test_null_inside_string_is_empty_text():
    assert resolve("gift:&{gift}.", ENTITY, {}) == "gift:."


def test_boolean_inside_string_is_json_text():
    assert resolve("paid=&{paid}", ENTITY, {}) == "paid=true"


def test_index_path_reads_list_item():
    assert resolve("&{lines.1.sku}", ENTITY, {}) == "B-2"


def test_quoted_key_with_space():
    assert resolve('&{"order id"}', ENTITY, {}) == "x-17"


def test_quoted_key_with_dot():
    assert resolve('&{"a.b"}', ENTITY, {}) == "dotted key"


def test_quoted_key_with_closing_brace():
    entity = {"we}ird": 1}
    assert resolve('&{"we}ird"}', entity, {}) == 1


def test_wildcard_maps_over_list():
    assert resolve("&{lines.*.sku}", ENTITY, {}) == ["A-1", "B-2"]


def test_whole_entity_placeholder():
    assert resolve("&{@}", {"a": 1}, {}) == {"a": 1}


def test_text_arrives_intact():
    assert resolve("&{note}", ENTITY, {}) == ENTITY["note"]
    assert resolve("[&{note}]", ENTITY, {}) == f"[{ENTITY['note']}]"


def test_optional_missing_path_gives_null():
    assert resolve({"x": "?{missing.path}"}, ENTITY, {}) == {"x": None}


def test_optional_missing_path_inside_string_is_empty():
    assert resolve("a?{missing}b", ENTITY, {}) == "ab"


def test_optional_present_path_gives_value():
    assert resolve("?{number}", ENTITY, {}) == 3957


def test_missing_path_names_the_path():
    with pytest.raises(PlaceholderError) as raised:
        resolve({"n": "&{numbr}"}, ENTITY, {})

    message = str(raised.value)
    assert "&{numbr}" in message
    assert "Key “numbr” not found" in message
    assert "number" in message


def test_missing_index_names_list_length():
    with pytest.raises(PlaceholderError, match="the list has 2 items"):
        resolve("&{lines.5.sku}", ENTITY, {})


def test_environment_variable_in_string():
    assert resolve("shop-${SHOP_ID}", ENTITY, {"SHOP_ID": "42"}) == "shop-42"


def test_environment_variable_whole_value_is_text():
    assert resolve("${SHOP_ID}", ENTITY, {"SHOP_ID": "42"}) == "42"


def test_undefined_environment_variable_message():
    with pytest.raises(UndefinedVariable) as raised:
        resolve("${SHOP_ID}", ENTITY, {})

    assert str(raised.value) == (
        "Environment variable ${SHOP_ID} is not defined. "
        "Define it under System → Environment variables."
    )


def test_environment_value_is_not_parsed_again():
    resolved = resolve("${RAW}", ENTITY, {"RAW": "&{number}"})
    assert resolved == "&{number}"


def test_entity_value_is_not_parsed_again():
    entity = {"text": "${SECRET_TOKEN}"}
    resolved = resolve("&{text}!", entity, {"SECRET_TOKEN": "s3cret"})
    assert resolved == "${SECRET_TOKEN}!"


def test_keys_are_not_resolved():
    assert resolve({"&{number}": "&{number}"}, ENTITY, {}) == {"&{number}": 3957}


def test_values_inside_lists_are_resolved():
    assert resolve(["&{number}", {"n": "&{number}"}], ENTITY, {}) == [
        3957,
        {"n": 3957},
    ]


def test_non_string_values_pass_through():
    template = {"first": 50, "flag": False, "amount": Decimal("9.90")}
    assert resolve(template, ENTITY, {}) == template


def test_resolve_text_url_quotes_entity_values():
    entity = {"id": "a/b c"}
    text = resolve_text(
        "/orders/&{id}/${BASE}", entity, {"BASE": "x/y"}, url_quote=True
    )
    assert text == "/orders/a%2Fb%20c/x/y"


def test_environment_names_lists_every_name():
    template = {"a": "${ONE}", "b": ["x ${TWO} y"], "c": "&{number}"}
    assert environment_names(template) == {"ONE", "TWO"}


def test_check_syntax_accepts_valid_text():
    assert check_syntax('&{a.b} ?{c} ${NAME} &{"x y"} plain {braces} $5') == []


def test_check_syntax_reports_unclosed_placeholder():
    problems = check_syntax("Order &{number")
    assert problems == ["The placeholder “&{number” has no closing }."]


def test_check_syntax_reports_empty_placeholder():
    problems = check_syntax("&{}")
    assert len(problems) == 1
    assert "has no path" in problems[0]


def test_check_syntax_reports_bad_environment_name():
    problems = check_syntax("${shop_id}")
    assert len(problems) == 1
    assert "not a valid environment variable name" in problems[0]


def test_check_syntax_reports_empty_path_segment():
    problems = check_syntax("&{a..b}")
    assert len(problems) == 1
    assert "empty segment" in problems[0]


def test_check_syntax_reports_unclosed_quote():
    problems = check_syntax('&{"order id}')
    assert len(problems) == 1
    assert "no closing }" in problems[0]


def test_check_syntax_reports_every_problem():
    assert len(check_syntax("&{} and ${x} and &{a")) == 3


def test_check_syntax_walks_json_values():
    problems = check_syntax({"a": ["&{"], "b": {"c": "${bad}"}})
    assert len(problems) == 2


def test_check_syntax_reports_placeholder_in_key():
    problems = check_syntax({"&{number}": 1})
    assert problems == [
        "The key “&{number}” contains a placeholder, but placeholders are "
        "replaced in values only."
    ]

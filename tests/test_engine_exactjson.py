import json
from decimal import Decimal

import pytest

from connections import exactjson


def test_decimal_keeps_trailing_zero():
    value = exactjson.loads('{"value": 1234.50}')
    assert exactjson.dumps(value) == '{"value": 1234.50}'


def test_long_decimal_keeps_every_digit():
    text = '{"rate": 0.123456789012345678901234567890}'
    assert exactjson.dumps(exactjson.loads(text)) == text


def test_integers_stay_integers():
    value = exactjson.loads('{"n": 12345678901234567890}')
    assert value["n"] == 12345678901234567890
    assert isinstance(value["n"], int)


def test_exponent_is_valid_json():
    text = exactjson.dumps([Decimal("1E+3"), Decimal("-0.00")])
    assert json.loads(text) == [1000.0, 0.0]
    assert text == "[1E+3, -0.00]"


def test_text_survives():
    value = {"s": 'quote " backslash \\ newline \n 日本語 🎉 \u0000'}
    assert exactjson.loads(exactjson.dumps(value)) == value


def test_indent_matches_standard_library():
    value = {"a": [1, {"b": None, "c": True}], "d": {}, "e": []}
    assert exactjson.dumps(value, indent=2) == json.dumps(
        value, indent=2, ensure_ascii=False
    )


def test_nan_is_rejected():
    with pytest.raises(ValueError):
        exactjson.dumps(Decimal("NaN"))
    with pytest.raises(ValueError):
        exactjson.dumps(float("inf"))


def test_unknown_type_is_rejected():
    with pytest.raises(TypeError):
        exactjson.dumps({"when": object()})


def test_encoder_works_with_json_dumps():
    assert json.dumps({"v": Decimal("1.10")}, cls=exactjson.ExactEncoder) == (
        '{"v": 1.10}'
    )


def test_decoder_works_with_json_loads():
    value = json.loads('{"v": 1.10}', cls=exactjson.ExactDecoder)
    assert value == {"v": Decimal("1.10")}

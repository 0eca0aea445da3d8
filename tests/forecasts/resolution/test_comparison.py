"""The one comparison rule for JSON values, as tables (numbers exact, text as text, words)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecasts.models import Comparison
from forecasts.resolution.comparison import BadAnswer, as_decimal, compare, parse_json, shown


def judged(body: str, comparison: str, expected: str) -> bool:
    """Parse the JSON body as a fetched answer is parsed, then compare its value."""
    return compare(parse_json(body.encode())["v"], Comparison(comparison), expected)


@pytest.mark.parametrize(("body", "comparison", "expected", "holds"), [
    # Numbers and numeric strings compare as exact decimals, whatever their JSON type.
    ('{"v": "5.0"}', "==", "5", True),
    ('{"v": 5.0}', "==", "5", True),
    ('{"v": 5}', "==", "5.00", True),
    ('{"v": "5"}', "==", "5.0", True),
    ('{"v": "12"}', "!=", "12.0", False),
    ('{"v": 12}', "!=", "12.0", False),
    ('{"v": "1e3"}', "==", "1000", True),
    ('{"v": -0.0}', "==", "0", True),
    ('{"v": "5.0"}', ">=", "5", True),
    ('{"v": 4.99}', ">=", "5", False),
    ('{"v": "12"}', "<=", "10", False),
    ('{"v": 0.1}', "==", "0.1", True),
    ('{"v": 0.30000000000000004}', "==", "0.3", False),
    ('{"v": " 5 "}', "==", "5", True),
    # A number against a word is simply not equal.
    ('{"v": 5}', "==", "five", False),
    ('{"v": 5}', "!=", "five", True),
    # Other strings compare as text, exactly.
    ('{"v": "ended"}', "==", "ended", True),
    ('{"v": "Ended"}', "==", "ended", False),
    ('{"v": "ended"}', "!=", "ongoing", True),
    ('{"v": "5 units"}', "==", "5", False),
    ('{"v": "Ceasefire agreed"}', "contains", "ceasefire", True),
    # Arrays and objects.
    ('{"v": ["a", "5.0"]}', "contains", "5", True),
    ('{"v": [null, true, 2]}', "contains", "2", True),
    ('{"v": [null, true, 2]}', "contains", "3", False),
    ('{"v": {"winner": 1}}', "contains", "winner", True),
    ('{"v": [1, 2]}', "==", "[1.0, 2]", True),
    ('{"v": {"a": 1}}', "==", '{"a": 2}', False),
])
def test_numbers_and_strings(body, comparison, expected, holds):
    assert judged(body, comparison, expected) is holds


@pytest.mark.parametrize(("body", "comparison", "expected", "holds"), [
    ('{"v": 9007199254740993}', "==", "9007199254740993", True),
    ('{"v": 9007199254740993}', "==", "9007199254740992", False),
    ('{"v": 9007199254740993}', "!=", "9007199254740992", True),
    ('{"v": 9007199254740993}', ">=", "9007199254740993", True),
    ('{"v": 9007199254740993}', ">=", "9007199254740994", False),
    ('{"v": "9007199254740993"}', "==", "9007199254740993.0", True),
    ('{"v": 123456789012345678901234567890}', "<=", "123456789012345678901234567889", False),
    ('{"v": 1.0000000000000001}', "==", "1", False),
])
def test_big_integers_and_long_decimals_are_exact(body, comparison, expected, holds):
    assert judged(body, comparison, expected) is holds


@pytest.mark.parametrize(("body", "comparison", "expected", "holds"), [
    ('{"v": true}', "==", "true", True),
    ('{"v": true}', "==", "false", False),
    ('{"v": false}', "!=", "true", True),
    ('{"v": null}', "==", "null", True),
    ('{"v": null}', "!=", "null", False),
    ('{"v": "true"}', "==", "true", True),  # the text true is text, equal as text
    ('{"v": "null"}', "==", "null", True),
])
def test_booleans_and_null_match_only_their_words(body, comparison, expected, holds):
    assert judged(body, comparison, expected) is holds


@pytest.mark.parametrize(("body", "comparison", "expected"), [
    ('{"v": true}', "==", "1"),       # a boolean is not a number
    ('{"v": false}', "!=", "0"),      # so "not equal" is no evidence either
    ('{"v": null}', "!=", "5"),       # null is missing data, never a value that differs
    ('{"v": null}', ">=", "0"),
    ('{"v": true}', ">=", "1"),
    ('{"v": "high"}', ">=", "1"),
    ('{"v": {"a": 1}}', "<=", "1"),
    ('{"v": 3}', "contains", "3"),
    ('{"v": 3}', ">=", "three"),
])
def test_pairs_the_rule_cannot_judge_are_bad_answers(body, comparison, expected):
    with pytest.raises(BadAnswer):
        judged(body, comparison, expected)


@pytest.mark.parametrize("body", [b'{"v": NaN}', b'{"v": Infinity}', b"<html>", b"\xff\xfe",
                                  b"[" * 100_000])
def test_answers_that_are_not_plain_json_are_bad_answers(body):
    with pytest.raises(BadAnswer):
        parse_json(body)


def test_values_are_shown_as_written():
    assert shown(parse_json(b'{"v": 9007199254740993}')["v"]) == "9007199254740993"
    assert shown(parse_json(b'{"v": [1.5, "x"]}')["v"]) == '[1.5, "x"]'


@pytest.mark.parametrize(("text", "number"), [("5", Decimal(5)), (" -0.25 ", Decimal("-0.25")),
                                              ("1e3", Decimal(1000)), (".5", Decimal("0.5"))])
def test_numeric_text(text, number):
    assert as_decimal(text) == number


@pytest.mark.parametrize("text", ["", "five", "NaN", "Infinity", "1_000", "0x10", "1,5", "5%"])
def test_text_that_is_not_a_number(text):
    assert as_decimal(text) is None


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_a_number_equals_itself_in_any_json_spelling(number):
    as_number = f'{{"v": {number}}}'
    as_text = f'{{"v": "{number}"}}'
    assert judged(as_number, "==", str(number)) and judged(as_text, "==", str(number))
    assert not judged(as_number, "!=", str(number))

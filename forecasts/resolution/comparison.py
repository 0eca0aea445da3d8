"""The one rule for comparing a JSON value with the value a manager typed.

- Numbers, and strings that spell a number (``"5.0"``, ``"-12"``, ``"1e3"``), compare as exact
  decimals (``decimal.Decimal``): ``5``, ``5.0`` and ``"5.00"`` are all equal, and
  ``9007199254740993`` is not ``9007199254740992`` (JSON numbers are read as decimals, never
  through float).
- Other strings compare as text, exactly (case matters); ``contains`` on a string ignores case.
- ``true``, ``false`` and ``null`` equal only the words ``true``, ``false`` and ``null``.
- Arrays and objects equal their canonical JSON text; ``contains`` looks for an element of an
  array (by this rule) or a key of an object.
- ``>=`` and ``<=`` need a number on both sides; ``!=`` is exactly "not ``==``".

Anything that cannot be judged by the rule (a ``null`` or a boolean against a number, ordering
a word, ``NaN``) raises BadAnswer: the check fails and proposes nothing, so unreadable data is
never taken as evidence.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from forecasts.models import Comparison

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)  # 0–9 only
WORDS = {"true": True, "false": False, "null": None}
RULE = ("Numbers and numeric text compare as exact decimals (5, 5.0 and \"5.00\" are equal); "
        "other text compares exactly, case included; true, false and null match only those "
        "words; >= and <= need numbers on both sides. A value that cannot be compared this "
        "way fails the check and proposes nothing.")


class BadAnswer(Exception):
    """The source answered, but not with something the rule can be judged on."""


def as_decimal(text: str) -> Decimal | None:
    """``text`` as an exact decimal when it spells a finite number, else None."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_json(body: bytes) -> Any:
    """Parse a JSON document with every number as an exact Decimal; raises BadAnswer."""
    def refuse(constant: str) -> Any:
        raise BadAnswer(f"The answer contains {constant}, which is not a number.")

    try:
        return json.loads(body, parse_float=Decimal, parse_int=Decimal, parse_constant=refuse)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadAnswer("The answer is not JSON.") from None


def shown(found: Any) -> str:
    """A JSON value as text for the evidence (a number exactly as written)."""
    if isinstance(found, Decimal):
        return str(found)
    return json.dumps(found, default=_plain, sort_keys=True, ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):  # inside arrays and objects, for display only
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(type(value).__name__)


def compare(found: Any, comparison: Comparison, expected: str) -> bool:
    """Does ``found`` (a JSON value, numbers as Decimal) satisfy ``comparison`` with ``expected``?

    Raises BadAnswer when the rule cannot judge the pair (see the module docstring).
    """
    if comparison is Comparison.contains:
        return _contains(found, expected)
    if comparison in (Comparison.at_least, Comparison.at_most):
        number, bound = _number(found), as_decimal(expected)
        if bound is None:
            raise BadAnswer(f"{expected!r} is not a number.")
        return number >= bound if comparison is Comparison.at_least else number <= bound
    equal = _equal(found, expected)
    return equal if comparison is Comparison.equal else not equal


def _number(found: Any) -> Decimal:
    if isinstance(found, Decimal) and found.is_finite():
        return found
    if isinstance(found, int | float) and not isinstance(found, bool):
        return Decimal(str(found))
    if isinstance(found, str) and (number := as_decimal(found)) is not None:
        return number
    raise BadAnswer(f"{shown(found)[:80]} is not a number.")


def _equal(found: Any, expected: str) -> bool:
    word = expected.strip()
    if found is None or isinstance(found, bool):
        if word not in WORDS:
            raise BadAnswer(f"The value is {shown(found)}; compare it with true, false or null.")
        return WORDS[word] is found
    if isinstance(found, Decimal | int | float) or (
            isinstance(found, str) and as_decimal(found) is not None):
        number = as_decimal(expected)
        return number is not None and _number(found) == number
    if isinstance(found, str):
        return found == expected
    try:  # an array or object: equal to the same JSON written by the manager
        return bool(json.loads(expected, parse_float=Decimal, parse_int=Decimal) == found)
    except ValueError:
        return False


def _contains(found: Any, expected: str) -> bool:
    if isinstance(found, str):
        return expected.lower() in found.lower()
    if isinstance(found, list):
        return any(_element_equal(item, expected) for item in found)
    if isinstance(found, dict):
        return expected in found
    raise BadAnswer(f"Cannot look inside {shown(found)[:80]} for {expected!r}.")


def _element_equal(item: Any, expected: str) -> bool:
    """An array element of another kind (null or a boolean for a number) is just not it."""
    try:
        return _equal(item, expected)
    except BadAnswer:
        return False

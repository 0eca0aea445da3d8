"""The input bounds: each stated once in forecasts/bounds.py, checked here with Hypothesis."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import SQLModel

from forecasts import bounds
from forecasts.errors import ValidationFailed

LIMIT = bounds.TextLimit(50)
MULTILINE = bounds.TextLimit(50, multiline=True)


def _controls(*, multiline: bool) -> st.SearchStrategy[str]:
    allowed = set("\t\n\r") if multiline else set()
    return st.characters(categories=["Cc", "Cs"]).filter(lambda c: c not in allowed)


clean_text = st.text(st.characters(exclude_categories=["Cc", "Cs", "Cf"]), max_size=50)


@given(clean_text, _controls(multiline=False), st.integers(0, 50))
def test_any_text_with_a_control_character_is_refused(text, control, at):
    spoiled = text[:at] + control + text[at:]
    if len(spoiled) <= LIMIT.max_length:
        assert LIMIT.problem(spoiled) is not None
        assert MULTILINE.problem(spoiled) is not None or control in "\t\n\r"


@given(clean_text)
def test_text_within_the_limit_without_control_characters_is_taken(text):
    assert LIMIT.problem(text) is None


@given(st.text(st.sampled_from("ab \t\n\r"), min_size=1, max_size=50))
def test_tabs_and_line_breaks_only_in_multi_line_fields(text):
    assert MULTILINE.problem(text) is None
    assert (LIMIT.problem(text) is None) == (not set(text) & set("\t\n\r"))


def test_exactly_the_control_characters_and_surrogates_are_refused():
    # The check is a regular expression for speed; it must match Unicode's categories exactly.
    for code in range(0x110000):
        char = chr(code)
        refused = bounds.control_problem(char) is not None
        assert refused == (unicodedata.category(char) in ("Cc", "Cs")), hex(code)
        if char not in "\t\n\r":
            assert refused == (bounds.control_problem(char, multiline=True) is not None)


def test_exactly_the_invisible_format_characters_but_those_writing_needs_are_refused():
    for code in range(0x110000):
        char = chr(code)
        refused = bounds.invisible_problem(char) is not None
        expected = unicodedata.category(char) == "Cf" \
            and char not in bounds.VISIBLE_OR_NEEDED_FORMAT
        assert refused == expected, hex(code)


@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2067", "\u2068", "\u2069",
                                  "\u200b", "\u2060", "\u00ad", "\ufeff", "\U000e0041"])
def test_bidi_controls_and_hidden_characters_are_refused_with_their_name_and_place(char):
    message = bounds.COMMENT.problem(f"Fine text {char}here")
    assert message is not None and f"U+{ord(char):04X}" in message
    assert "at character 11" in message and "invisible" in message


@given(clean_text, st.sampled_from(sorted(bounds.VISIBLE_OR_NEEDED_FORMAT)), st.integers(0, 49))
def test_joiners_direction_marks_and_printed_marks_are_taken(text, char, at):
    assert LIMIT.problem((text[:at] + char + text[at:])[:50]) is None


def test_passwords_may_hold_them_as_they_are_never_shown():
    assert bounds.PASSWORD.problem("correct\u200bhorse battery") is None
    assert bounds.PASSWORD.problem("correct\x00horse battery") is not None


def test_the_nul_byte_is_named_in_the_message():
    assert "U+0000 (NUL)" in bounds.TITLE.problem("Will\x00 it?")  # type: ignore[operator]


@given(st.integers(1, 1000))
def test_over_long_text_is_refused_with_the_limit_and_the_length(extra):
    text = "x" * (bounds.TITLE.max_length + extra)
    message = bounds.TITLE.problem(text)
    assert message == (f"Use at most 300 characters (this has "
                       f"{bounds.TITLE.max_length + extra:,}).")


def test_check_texts_names_every_field_at_fault_and_skips_none():
    with pytest.raises(ValidationFailed) as caught:
        bounds.check_texts({"title": ("x" * 301, bounds.TITLE), "note": ("ok", bounds.NOTE),
                            "email": ("a\x00@b.c", bounds.EMAIL), "skip": (None, bounds.TAG)})
    assert set(caught.value.fields) == {"title", "email"}


# --- ids and whole numbers ------------------------------------------------------------------


@given(st.integers(1, bounds.ID_MAX))
def test_every_id_an_integer_column_holds_is_taken(value):
    assert bounds.parse_id(str(value)) == value


@given(st.integers(bounds.BIGINT_MAX + 1, 10**40))
def test_any_id_beyond_63_bits_is_refused(value):
    with pytest.raises(bounds.OutOfBounds):
        bounds.parse_id(str(value))


@given(st.integers(bounds.ID_MAX + 1, bounds.BIGINT_MAX))
def test_any_id_an_integer_column_cannot_hold_is_refused(value):
    with pytest.raises(bounds.OutOfBounds):
        bounds.parse_id(str(value))


@pytest.mark.parametrize("text", ["0", "-1", "²", "٣", "３", "1²", "1_0", " ", "", "1.0", "0x1",
                                  "9" * 5000])
def test_ids_are_positive_and_written_in_ascii_digits(text):
    with pytest.raises(bounds.OutOfBounds):
        bounds.parse_id(text)


@given(st.text(st.characters(categories=["Nd", "No"]).filter(lambda c: not c.isascii()),
               min_size=1, max_size=5))
def test_no_digit_outside_ascii_is_a_number(text):
    # int() would take some of these (Arabic-Indic, full-width) and str.isdigit() all of them.
    with pytest.raises(bounds.OutOfBounds):
        bounds.parse_whole(text, low=0, high=10**9, name="n")


def test_id_max_is_what_every_id_column_holds():
    import forecasts.models  # noqa: F401  (the one table registry)

    id_columns = [c for t in SQLModel.metadata.tables.values() for c in t.columns
                  if c.primary_key or c.foreign_keys]
    integer_ids = [c for c in id_columns if isinstance(c.type, sa.Integer)]
    assert integer_ids, "no integer id columns found"
    # BigInteger subclasses Integer: were any id column 64-bit, ID_MAX could not stay 2**31 - 1.
    assert all(type(c.type) is sa.Integer for c in integer_ids), \
        [f"{c.table.name}.{c.name}" for c in integer_ids if type(c.type) is not sa.Integer]
    assert bounds.ID_MAX == 2**31 - 1 < bounds.BIGINT_MAX == 2**63 - 1


@pytest.mark.parametrize("text", ["12", "12.5", "-3", ".5", "+7", " 30 "])
def test_decimals_in_ascii_digits_are_taken(text):
    assert bounds.parse_decimal(text) == pytest.approx(float(text))


@pytest.mark.parametrize("text", ["٣٠", "３０", "²", "1_000", "1e3", "nan", "inf", "-inf", "",
                                  "1.2.3", "1" * 41])
def test_decimals_refuse_what_float_and_decimal_would_take(text):
    with pytest.raises(bounds.OutOfBounds):
        bounds.parse_decimal(text)


# --- dates ---------------------------------------------------------------------------------


@given(st.dates(bounds.FIRST_DAY, bounds.LAST_DAY))
def test_days_from_1970_to_2200_are_taken(day):
    assert bounds.parse_day(day.isoformat()) == day
    assert bounds.day_problem(day) is None


@given(st.dates().filter(lambda d: not bounds.FIRST_DAY <= d <= bounds.LAST_DAY))
def test_days_outside_1970_to_2200_are_refused(day):
    assert bounds.day_problem(day) == "Give a date from 1970-01-01 to 2200-12-31."
    with pytest.raises(bounds.OutOfBounds, match="1970-01-01 to 2200-12-31"):
        bounds.parse_day(day.isoformat().rjust(10, "0"))


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "1969-12-31", "2201-01-01",
                                  "٢٠٢٦-٠١-٠٥", "2026-1-5", "20260105", "2026-02-30", "x"])
def test_bad_days_are_refused(text):
    with pytest.raises(bounds.OutOfBounds):
        bounds.parse_day(text)


def test_times_are_judged_by_their_utc_day():
    assert bounds.day_problem(datetime(2200, 12, 31, 23, 59, tzinfo=UTC)) is None
    assert bounds.day_problem(datetime(1969, 12, 31, 23, 59, tzinfo=UTC)) is not None
    assert bounds.day_problem(date(1970, 1, 1)) is None


# --- shortening text the service wrote ------------------------------------------------------


@given(st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=400))
def test_shortened_text_fits_shows_its_marker_and_keeps_whole_words(text):
    short = bounds.shorten(text, bounds.TextLimit(100))
    assert len(short) <= 100
    if len(text) <= 100:
        assert short == text
    else:
        assert short.endswith(" …")
        assert text.startswith(short[:-2])


def test_shortening_cuts_at_a_word_boundary():
    words = "Will the ferry strike in the Aegean last beyond the first of March " * 10
    short = bounds.shorten(words, bounds.TITLE)
    assert short.endswith(" …") and len(short) <= 300
    assert words.startswith(short[:-2]) and words[len(short) - 2] == " "


def test_every_limit_has_a_hint_for_its_field():
    limits = [v for v in vars(bounds).values() if isinstance(v, bounds.TextLimit)]
    assert len(limits) > 20
    assert all(limit.hint == f"at most {limit.max_length:,} characters" for limit in limits)

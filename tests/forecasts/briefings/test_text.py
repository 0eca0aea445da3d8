"""Reading input: bytes, HTML and the refusals."""

from __future__ import annotations

from datetime import datetime

import pytest

from forecasts.briefings import (
    MAX_BRIEFING_BYTES,
    BriefingError,
    parse_briefing,
)
from forecasts.briefings.text import decode_briefing, html_to_text
from tests.support.briefing_files import FIXTURES, PUBLISHED, fixture_text


def test_html_to_text_keeps_visible_text_and_drops_scripts_styles_and_comments():
    text = html_to_text(fixture_text("sahel-outlook.html"))
    assert text.splitlines()[0] == "Sahel security outlook"
    assert "Source: Sahel Monitor" in text.splitlines()
    assert "coup attempt in Niger before the end of the year." in text  # inline tags stay inline
    for hidden in ("teaser", "default on its debt", "font-weight", "referendum", "African Union",
                   "JavaScript"):
        assert hidden not in text, hidden


def test_script_text_never_becomes_a_draft():
    html = ("<p>Source: Desk</p><script>var x = 'Chad is highly likely to leave';</script>"
            "<p>Chad is unlikely to leave the African Union.</p>")
    parsed = parse_briefing(decode_briefing(html.encode()), published=PUBLISHED)
    titles = [d.title for d in parsed.drafts]
    assert titles == ["Will Chad leave the African Union before 2026-05-15?"]


def test_html_given_as_a_string_is_read_as_html():
    parsed = parse_briefing("<h1>Desk</h1><p>Chad is <i>unlikely</i> to leave the AU.</p>",
                            published=datetime(2025, 11, 15, 9, 30))
    assert parsed.title == "Desk"
    assert [d.title for d in parsed.drafts] == ["Will Chad leave the AU before 2026-05-15?"]


def test_a_file_name_is_not_mistaken_for_markup():
    assert html_to_text("briefing.html") == "briefing.html"


def test_an_empty_briefing_is_refused():
    with pytest.raises(BriefingError, match="empty"):
        parse_briefing(fixture_text("empty.txt"), published=PUBLISHED)
    with pytest.raises(BriefingError, match="empty"):
        parse_briefing(b"", published=PUBLISHED)


def test_a_binary_file_is_refused():
    with pytest.raises(BriefingError, match="binary"):
        parse_briefing((FIXTURES / "binary.bin").read_bytes(), published=PUBLISHED)
    with pytest.raises(BriefingError, match="binary"):
        parse_briefing("Russia\x00 is unlikely to attack.", published=PUBLISHED)


def test_text_that_is_not_utf8_is_refused():
    with pytest.raises(BriefingError, match="UTF-8"):
        decode_briefing((FIXTURES / "windows-1252.txt").read_bytes())


def test_utf16_with_a_byte_order_mark_is_read():
    raw = "Russia is unlikely to attack Moldova.".encode("utf-16")
    (draft,) = parse_briefing(raw, published=PUBLISHED).drafts
    assert draft.tags == ["Russia", "Moldova"]


@pytest.mark.parametrize("as_bytes", [False, True])
def test_a_briefing_over_two_megabytes_is_refused(as_bytes):
    text = "Russia is unlikely to attack Moldova. " * (MAX_BRIEFING_BYTES // 38 + 1)
    with pytest.raises(BriefingError, match="limit is 2 MB"):
        parse_briefing(text.encode() if as_bytes else text, published=PUBLISHED)

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
    assert titles == ["Will Chad leave the African Union?"]


def test_html_given_as_a_string_is_read_as_html():
    parsed = parse_briefing("<h1>Desk</h1><p>Chad is <i>unlikely</i> to leave the AU.</p>",
                            published=datetime(2025, 11, 15, 9, 30))
    assert parsed.title == "Desk"
    assert [d.title for d in parsed.drafts] == ["Will Chad leave the AU?"]


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


def test_deeply_nested_html_is_refused_with_a_clear_message():
    tower = "<html><body>" + "<div>" * 15_000 + "Russia is unlikely to attack." \
        + "</div>" * 15_000 + "</body></html>"
    with pytest.raises(BriefingError, match="nests elements more than 400 deep"):
        decode_briefing(tower.encode())
    # "<div/>" opens a div in HTML, so it cannot slip past the count.
    with pytest.raises(BriefingError, match="nests elements"):
        html_to_text("<body>" + "<div/>" * 2_000 + "text</body>")


def test_ordinary_nesting_and_inline_svg_are_read():
    page = ("<html><body>" + "<div>" * 60 + "<p>Talks are likely to resume.</p>"
            + "<svg>" + '<path d="M0 0"/>' * 3_000 + "</svg>" + "</div>" * 60 + "</body></html>")
    assert html_to_text(page) == "Talks are likely to resume."


def test_markdown_emphasis_keeps_the_negation_and_drops_the_markup():
    text = decode_briefing(b"# Supply desk\n\n- We judge that the company will **probably not** "
                           b"meet its commitments before March.\n")
    assert text.splitlines() == ["Supply desk", "", "We judge that the company will probably not "
                                 "meet its commitments before March."]
    [draft] = parse_briefing(text, published=PUBLISHED).drafts
    assert draft.title == "Will the company meet its commitments before 2026-03-01?"
    assert draft.probability == pytest.approx(0.325)  # "probably" mirrored: 20–45 %


def test_raw_html_inside_markdown_is_shown_as_text_not_run():
    text = decode_briefing(b"**Note:** <script>alert(1)</script> talks are *unlikely* to fail.")
    assert "<script>" in text and "**" not in text

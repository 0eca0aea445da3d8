"""Sentence splitting."""

from __future__ import annotations

from forecasts.briefings import parse_briefing
from forecasts.briefings.sentences import split_sentences
from tests.support.briefing_files import PUBLISHED


def test_sentences_split_at_full_stops_but_not_abbreviations():
    assert split_sentences("The U.S. and Mr. Smith met. Talks failed! Did they? Yes.") == [
        "The U.S. and Mr. Smith met.", "Talks failed!", "Did they?", "Yes.",
    ]


def test_a_sentence_before_greek_or_cyrillic_text_is_split_off():
    assert split_sentences("Minsk will probably release political prisoners. Η κυβέρνηση δεν "
                           "σχολίασε. Москва пока молчит.") == [
        "Minsk will probably release political prisoners.", "Η κυβέρνηση δεν σχολίασε.",
        "Москва пока молчит.",
    ]


def test_the_condition_title_stops_at_the_sentence_end():
    parsed = parse_briefing("If Minsk releases political prisoners, the EU will probably ease "
                            "sanctions. Η κυβέρνηση δεν σχολίασε την απόφαση.",
                            published=PUBLISHED)
    titles = [draft.title for draft in parsed.drafts]
    assert all("Η" not in title and "." not in title.rstrip("?") for title in titles), titles

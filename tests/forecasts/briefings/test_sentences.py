"""Sentence splitting."""

from __future__ import annotations

from forecasts.briefings.sentences import split_sentences


def test_sentences_split_at_full_stops_but_not_abbreviations():
    assert split_sentences("The U.S. and Mr. Smith met. Talks failed! Did they? Yes.") == [
        "The U.S. and Mr. Smith met.", "Talks failed!", "Did they?", "Yes.",
    ]

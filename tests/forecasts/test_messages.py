"""Messages read as sentences: one formatter for domain errors and forms."""

from __future__ import annotations

from forecasts.errors import ValidationFailed
from forecasts.messages import counted, percent, sentence, sentences, source_failures, with_article


def test_a_validation_error_reads_as_its_messages_without_field_names():
    error = ValidationFailed({"url": "Give an http:// or https:// address.",
                              "pointer": "a JSON Pointer starts with /"})
    assert str(error) == "Give an http:// or https:// address. A JSON Pointer starts with /."
    assert error.fields["url"] == "Give an http:// or https:// address."  # forms keep fields


def test_sentences_capitalise_stop_and_drop_repeats():
    assert sentence("use at most 300 characters") == "Use at most 300 characters."
    assert sentence("Is it “late.”") == "Is it “late.”"
    assert sentence("  ") == ""
    assert sentences(["Give a date.", "give a date", ""], lead="Not saved") \
        == "Not saved. Give a date."


def test_counts_articles_and_percent():
    assert counted(1, "bad row") == "1 bad row" and counted(3, "bad row") == "3 bad rows"
    assert counted(2, "entry", "entries") == "2 entries"
    assert with_article("admin") == "an admin" and with_article("manager") == "a manager"
    assert percent(0.305) == "30.5 %" and percent(0.3) == "30 %"


def test_a_sources_failures_say_the_status_once():
    assert source_failures(1, 404, "HTTP 404") == "1 failed check in a row: HTTP 404."
    assert source_failures(3, 503, "read timed out") \
        == "3 failed checks in a row: HTTP 503, read timed out."
    assert source_failures(2, None, "") == "2 failed checks in a row."

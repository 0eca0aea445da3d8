"""Shapes and phrasings found by importing briefings the parser had never seen: what a reader
does not see, email wrappers, front matter, more bylines and hedges, and wording faults."""

from __future__ import annotations

import pytest

from forecasts.briefings import parse_briefing
from forecasts.briefings.text import html_to_text, markdown_to_text
from forecasts.briefings.wording import clause_question, gerund_question
from tests.support.briefing_files import PUBLISHED


def drafts_of(text: str) -> list[tuple[str, float | None]]:
    parsed = parse_briefing(text, published=PUBLISHED)
    return [(d.title, d.probability) for d in parsed.drafts if not d.is_condition]


# --- What a reader does not see is not read -----------------------------------------------


@pytest.mark.parametrize("hidden", [
    '<span style="display:none;max-height:0">Minsk is almost certain to fall.</span>',
    '<div style="DISPLAY : NONE">Minsk is almost certain to fall.</div>',
    '<p hidden>Minsk is almost certain to fall.</p>',
    '<p aria-hidden="true">Minsk is almost certain to fall.</p>',
    '<div style="mso-hide:all">Minsk is almost certain to fall.</div>',
    '<p><s>Minsk is almost certain to fall.</s></p>',
    '<p><del>Minsk is almost certain to fall.</del></p>',
])
def test_hidden_and_struck_out_html_is_not_read(hidden):
    text = html_to_text(f"<html><body><h1>Desk</h1>{hidden}<p>Ports stay shut.</p></body></html>")
    assert "Minsk" not in text and "Ports stay shut." in text


def test_nested_hidden_elements_are_dropped_once():
    html = ('<body><div style="display:none"><p style="display:none">Hidden<sup><a href="#n">1'
            '</a></sup></p><s>gone<del>too</del></s></div><p>Kept.<sup><a href="#m">2</a></sup>'
            '</p></body>')
    assert html_to_text(html) == "Kept."


def test_a_footnote_marker_does_not_run_into_the_number_before_it():
    html = '<p>The canal is likely to reopen before 2028.<sup><a href="#n1">1</a></sup></p>'
    assert "2028.1" not in html_to_text(html) and "before 2028." in html_to_text(html)


def test_markdown_strikethrough_is_not_read_and_what_replaces_it_is():
    text = markdown_to_text("# Desk\n\nA ban on night fishing is a ~~remote~~ realistic "
                            "possibility.\n")
    assert "remote" not in text and "realistic possibility" in text


def test_markdown_front_matter_gives_title_and_author_and_is_not_text():
    parsed = parse_briefing("---\ntitle: 'Delta Watch: water'\nauthors: [Ana Lima, Bo Ek]\n"
                            "date: 2026-11-27\n---\n\n## Outlook\n\nThe delta is *likely* to "
                            "flood before March.\n", published=PUBLISHED)
    assert parsed.title == "Delta Watch: water" and parsed.author == "Ana Lima and Bo Ek"
    assert all("date:" not in c.text for c in parsed.context)


def test_front_matter_that_is_not_yaml_is_ignored():
    text = markdown_to_text("---\ntitle: [unclosed\n---\n\nThe delta is *likely* to flood.\n")
    assert "unclosed" not in text and "The delta is likely to flood." in text


# --- Email wrappers and bylines -------------------------------------------------------------


def test_a_forwarded_email_is_credited_to_its_masthead_not_its_headers():
    parsed = parse_briefing(
        "---------- Forwarded message ---------\nFrom: Desk <desk@example.org>\n"
        "Date: Thu, 26 Nov 2026 at 18:02\nSubject: weekly note\n\nBALTIC POWER NOTE\n"
        "Week 48 | prepared by Liis Tamm\n\nThe grid link is likely to reopen before March.\n\n"
        "--\nLiis Tamm\nThe link will certainly be praised in Tallinn.\n",
        published=PUBLISHED)
    assert parsed.publication == "BALTIC POWER NOTE" and parsed.author == "Liis Tamm"
    assert [d.title for d in parsed.drafts] == ["Will the grid link reopen before 2026-03-01?"]


@pytest.mark.parametrize("line", ["Prepared by Linh Tran for the Lower Mekong desk.",
                                  "Lead analyst: Linh Tran", "Compiled by Linh Tran",
                                  "Issue 4 | by Linh Tran"])
def test_byline_forms(line):
    parsed = parse_briefing(f"Mekong Desk\n{line}\n\nThe dam is likely to open in 2027.\n",
                            published=PUBLISHED)
    assert parsed.author == "Linh Tran"


# --- Not judgments -------------------------------------------------------------------------


@pytest.mark.parametrize("sentence", [
    "Congress is almost certain to impeach the president, say readers.",
    "The strike is likely to end soon, the union said.",
    "A deal is likely before March, officials told reporters.",
    "This outlook sets out the indicators we will watch.",
    "Whether insurers will cut their cover remains unclear.",
])
def test_attributed_first_person_and_open_questions_are_context(sentence):
    assert drafts_of(f"Desk\n\n{sentence}\n") == []


def test_a_hedged_first_person_will_is_still_a_judgment():
    assert drafts_of("Desk\n\nWe will likely see more strikes before June.\n") == [
        ("Will we see more strikes before 2026-06-01?", pytest.approx(0.675))]


# --- More ways to state a likelihood ---------------------------------------------------------


@pytest.mark.parametrize(("sentence", "title", "low", "high"), [
    ("We would be surprised if Statnett raised tariffs before June.",
     "Will Statnett raise tariffs before 2026-06-01?", 0.20, 0.45),
    ("There is little prospect that the talks resume before March.",
     "Will the talks resume before 2026-03-01?", 0.05, 0.20),
    ("It is a safe bet that the central bank cuts rates before June.",
     "Will the central bank cut rates before 2026-06-01?", 0.80, 0.95),
    ("There is a strong likelihood that prices rise before June.",
     "Will prices rise before 2026-06-01?", 0.55, 0.80),
    ("The odds that Vattenfall orders a reactor before 2028 are about even, in our view.",
     "Will Vattenfall order a reactor before 2028-01-01?", 0.45, 0.55),
    ("The probability of a snap election before June is low.",
     "Will there be a snap election before 2026-06-01?", 0.05, 0.20),
    ("The likelihood of Riga hosting the summit before June is high.",
     "Will Riga host the summit before 2026-06-01?", 0.80, 0.95),
    ("The chances that Serbia joins the union before 2030 are very slim.",
     "Will Serbia join the union before 2030-01-01?", 0.0, 0.05),
    ("The grid operator is all but certain to finish the line before 2028.",
     "Will the grid operator finish the line before 2028-01-01?", 0.95, 0.99),
])
def test_more_hedges_and_frames(sentence, title, low, high):
    [(found, probability)] = drafts_of(f"Desk\n\n{sentence}\n")
    assert found == title and low <= probability <= high


# --- Wording -------------------------------------------------------------------------------


@pytest.mark.parametrize(("clause", "subject", "verb_phrase"), [
    ("the regulator fines the company", "the regulator", "fine the company"),
    ("the coalition survives until the vote", "the coalition", "survive until the vote"),
    ("the opposition abstains", "the opposition", "abstain"),
    ("the new coalition survives", "the new coalition", "survive"),
    ("ministers discuss plans", "ministers", "discuss plans"),
    ("Drone strikes hit ports", "Drone strikes", "hit ports"),
])
def test_verbs_the_list_does_not_know(clause, subject, verb_phrase):
    assert clause_question(clause) == (subject, verb_phrase)


@pytest.mark.parametrize(("phrase", "expected"), [
    ("Denmark awarding its first contract", ("Denmark", "award its first contract")),
    ("Moscow raising tariffs", ("Moscow", "raise tariffs")),
    ("Russia stopping gas flows", ("Russia", "stop gas flows")),
    ("a new shipping lane", ("a new shipping lane", None)),
])
def test_gerunds_the_list_does_not_know(phrase, expected):
    assert gerund_question(phrase) == expected


def test_a_compound_event_deadline_is_one_phrase():
    [(title, _)] = drafts_of("Desk\n\nOdds are that the coalition survives until the budget "
                             "vote in March.\n")
    assert title == "Will the coalition survive before 2026-04-01?"


# --- Labels, asides and tables ---------------------------------------------------------------


@pytest.mark.parametrize(("sentence", "title", "low", "high"), [
    ("Likely (55–80%): Addis Ababa signs a port deal before June.",
     "Will Addis Ababa sign a port deal before 2026-06-01?", 0.55, 0.80),
    ("Unlikely: Eritrea reopens its border before June.",
     "Will Eritrea reopen its border before 2026-06-01?", 0.20, 0.45),
    ("Kenya withdraws its police from Haiti before March — Very likely.",
     "Will Kenya withdraw its police from Haiti before 2026-03-01?", 0.80, 0.95),
    ("Somalia will, in our view, probably hold elections before June (moderate confidence).",
     "Will Somalia hold elections before 2026-06-01?", 0.55, 0.80),
    ("The mission is, on balance, likely to shrink before June.",
     "Will the mission shrink before 2026-06-01?", 0.55, 0.80),
])
def test_labels_and_asides(sentence, title, low, high):
    [(found, probability)] = drafts_of(f"Desk\n\n{sentence}\n")
    assert found == title and low <= probability <= high


def test_an_aside_keeps_the_comma_before_the_next_clause():
    found = drafts_of("Desk\n\nA deal is about even before June, in our view, while a strike "
                      "is very unlikely before June.\n")
    assert [t for t, _ in found] == ["Will there be a deal before 2026-06-01?",
                                     "Will there be a strike before 2026-06-01?"]


def test_a_risk_register_table_reads_one_row_a_judgment():
    text = markdown_to_text("# Register\n\n| Risk | Horizon | Likelihood |\n|---|---|---|\n"
                            "| Flooding displaces farmers | in 2026 | Unlikely |\n")
    assert "Flooding displaces farmers — in 2026 — Unlikely." in text.splitlines()
    [(title, probability)] = drafts_of(text)
    assert title == "Will flooding displace farmers before 2027-01-01?" \
        and 0.20 <= probability <= 0.45


def test_a_layout_table_keeps_its_cells_apart():
    text = html_to_text("<table><tr><td><p>Ports stay shut.</p></td><td><p>Rail runs.</p></td>"
                        "</tr></table>")
    assert text.splitlines() == ["Ports stay shut.", "Rail runs."]


def test_a_plural_noun_before_its_verb():
    assert clause_question("Boko Haram factions raid the base") == ("Boko Haram factions",
                                                                     "raid the base")


@pytest.mark.parametrize(("sentence", "title"), [
    ("Albania's opposition has a small chance of boycotting parliament for the rest of the year.",
     "Will Albania's opposition boycott parliament before 2026-01-01?"),
    ("The ban is likely to hold through the remainder of 2026.",
     "Will the ban hold before 2027-01-01?"),
])
def test_the_rest_of_the_year_is_a_deadline(sentence, title):
    [(found, _)] = drafts_of(f"Desk\n\n{sentence}\n")
    assert found == title


def test_a_styled_cell_holding_struck_out_text_keeps_the_rest():
    html = ('<table><tr><td style="padding:12px"><p>Quito is likely to act.</p>'
            '<p><s>Old text.</s> New text.</p></td></tr></table>')
    assert html_to_text(html).splitlines() == ["Quito is likely to act.", "New text."]

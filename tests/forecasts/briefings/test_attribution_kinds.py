"""Trial 12's fault kinds in whose words a judgment is: criteria, Source: blocks, bylines."""

from __future__ import annotations

from datetime import date

import pytest

from forecasts.briefings import parse_briefing
from forecasts.briefings.text import readable

ON = date(2026, 11, 27)


# --------------------------------------------------------- 3. the criteria quote the publication

@pytest.mark.parametrize(("text", "who"), [
    ("THE NORDIC DISPATCH\n\nSource: Hufvudstadsbladet, 25 November 2026\n"
     "Helsinki will probably extend the border closure before March.\n",
     "Prefilled from THE NORDIC DISPATCH (drawing from Hufvudstadsbladet):"),
    ("Danube Notes\n\nBucharest is unlikely to raise the fuel excise before April.\n\n"
     "You received this because you subscribed to Danube Notes.\n",
     "Prefilled from Danube Notes:"),
])
def test_the_criteria_quote_the_publication_drawing_from_its_source(text, who):
    [draft] = parse_briefing(text, published=ON).drafts
    assert who in draft.resolution_criteria
    assert "Prefilled from Hufvudstadsbladet:" not in draft.resolution_criteria


def test_a_publication_given_at_import_is_the_one_quoted():
    [draft] = parse_briefing("Source: Delfi\nRiga is likely to cut the levy before June.\n",
                             published=ON, publication="Baltic Wire").drafts
    assert "Prefilled from Baltic Wire (drawing from Delfi):" in draft.resolution_criteria


# ------------------------------------------------------------- 4. a heading ends a source block

SECTIONED = {
    "capitals": ("MARKETS\n\nSource: Kathimerini, 24 November 2026\n"
                 "Athens will probably sell the port stake before March.\n\n"
                 "SECURITY\n\nAnkara is unlikely to send survey ships before March.\n"),
    "markdown": ("# Aegean Letter\n\n## Markets\n\nSource: Kathimerini\n\n"
                 "Athens will probably sell the port stake before March.\n\n"
                 "### Security\n\nAnkara is unlikely to send survey ships before March.\n"),
    "html": ("<html><body><h1>Aegean Letter</h1><h2>Markets</h2><p>Source: Kathimerini</p>"
             "<p>Athens will probably sell the port stake before March.</p><h3>Security</h3>"
             "<p>Ankara is unlikely to send survey ships before March.</p></body></html>"),
    "title line": ("Aegean Letter\n\nMarkets\n\nSource: Kathimerini\n"
                   "Athens will probably sell the port stake before March.\n\n"
                   "Security outlook\n\n"
                   "Ankara is unlikely to send survey ships before March.\n"),
}


@pytest.mark.parametrize("shape", SECTIONED)
def test_a_new_section_without_a_source_line_cites_no_source(shape):
    drafts = parse_briefing(readable(SECTIONED[shape]), published=ON, plain=True).drafts
    sources = {d.title.split(" before")[0]: d.source for d in drafts}
    assert sources == {"Will Athens sell the port stake": "Kathimerini",
                       "Will Ankara send survey ships": None}


def test_a_short_line_running_into_the_next_does_not_end_the_block():
    text = ("Source: Kathimerini\nTurnout in the Cretan primaries: 41%\n"
            "Athens will probably sell the port stake before March.\n")
    [draft] = parse_briefing(text, published=ON).drafts
    assert draft.source == "Kathimerini"


def test_a_sections_own_source_line_after_its_heading_is_kept():
    text = ("MARKETS\n\nSource: Kathimerini\nAthens will probably sell the port stake before "
            "March.\n\nSECURITY\n\nSource: Hürriyet\nAnkara is unlikely to send survey ships "
            "before March.\n")
    parsed = parse_briefing(text, published=ON)
    assert [d.source for d in parsed.drafts] == ["Kathimerini", "Hürriyet"]
    assert [b.source for b in parsed.blocks] == ["Kathimerini", "Hürriyet"]


# --------------------------------------------------------------- 7. bylines on a dateline line

@pytest.mark.parametrize(("line", "author"), [
    ("27 November 2026 · Written by Oskar Lindqvist", "Oskar Lindqvist"),
    ("Issue 12 · 27 November 2026 · Lead analyst: Rūta Kazlauskienė", "Rūta Kazlauskienė"),
    ("Vol. 3 • Prepared by Dr Amira Haddad", "Dr Amira Haddad"),
    ("By Oskar Lindqvist · 27 November 2026", "Oskar Lindqvist"),
])
def test_a_byline_sharing_a_dateline_is_read(line, author):
    text = f"Baltic Wire\n{line}\n\nRiga is likely to cut the levy before June.\n"
    assert parse_briefing(text, published=ON).author == author

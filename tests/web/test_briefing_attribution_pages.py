"""A published briefing question quotes the publication, not the source it cites; term records
hold words, not numbers; the review's other sentences come a page at a time."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from forecasts import briefings
from forecasts.models import Briefing
from tests.support.api import ApiClient
from tests.support.briefing_review import publish_all

NEWSLETTER = """Amber Coast Letter

By Runa Vilks

Source: Baltic Wire, 20 November 2026

Port workers in Klaipėda voted on Tuesday. {strike}

Source: Harbour Gazette, 19 November 2026

We give odds of 4 to 1 against the Liepāja terminal reopening before March.

Get the latest Amber Coast Letter news in your inbox.
""".format(strike="The Klaipėda dock strike is likely to spread to Liepāja before March, we "
                  "put the chance at about 60%.")


def import_letter(boss, session, text: str = NEWSLETTER) -> Briefing:  # type: ignore[no-untyped-def]
    response = boss.post("/briefings", {"published": "2026-11-27", "yardstick": "icd203",
                                        "publication": "", "text": text})
    assert response.status_code == 302, response.get_data(as_text=True)
    return session.exec(select(Briefing).order_by(Briefing.id.desc())).first()  # type: ignore[union-attr]


def test_the_quote_is_the_publications_and_the_source_is_drawn_from(
        app, sign_in, session, manager, forecaster):
    boss = sign_in(manager)
    questions = publish_all(boss, session, import_letter(boss, session))
    assert [(q.source_name, q.cited_source) for q in questions] == [
        ("Amber Coast Letter", "Baltic Wire"), ("Amber Coast Letter", "Harbour Gazette")]
    strike = questions[0]
    page = sign_in(forecaster).get(f"/questions/{strike.id}").get_data(as_text=True)
    quote = re.search(r"<blockquote>(.*?)</blockquote>", page, re.S)
    assert quote is not None
    assert "The Klaipėda dock strike is likely to spread" in quote.group(1)
    footer = re.sub(r"\s+", " ", re.search(r"<footer>(.*?)</footer>", quote.group(1),
                                           re.S).group(1))  # type: ignore[union-attr]
    assert footer == ('— Amber Coast Letter, drawing from <cite data-testid="cited-source">'
                      'Baltic Wire</cite>')
    body = ApiClient(app, session, forecaster).get(f"/questions/{strike.id}").get_json()
    assert (body["source_name"], body["cited_source"]) == ("Amber Coast Letter", "Baltic Wire")


def test_the_api_list_carries_each_questions_cited_source(app, session, forecaster, manager,
                                                          sign_in):
    boss = sign_in(manager)
    questions = publish_all(boss, session, import_letter(boss, session))
    listed = ApiClient(app, session, forecaster).get("/questions").get_json()["items"]
    assert sorted(item["cited_source"] for item in listed) == ["Baltic Wire", "Harbour Gazette"]
    assert {item["source_name"] for item in listed} == {"Amber Coast Letter"}
    assert len(questions) == 2


def test_term_records_hold_words_and_numbers_stay_on_the_forecast(sign_in, session, manager):
    boss = sign_in(manager)
    questions = publish_all(boss, session, import_letter(boss, session))
    page = boss.get("/briefings/terms").get_data(as_text=True)
    rows = re.findall(r"<tr><td><a[^>]*>Amber Coast Letter</a></td>(.*?)</tr>", page, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[:3] for row in rows]
    # "4 to 1 against" is a number: no term row; "likely" keeps its word's band, not the 60 %
    assert cells == [["icd203", "likely", "likely · 55–80 %"]]
    stated = boss.get("/briefings/stated?publication=Amber+Coast+Letter").get_data(as_text=True)
    assert "20 %" in stated and "60 %" in stated  # the numbers are on the stated forecasts
    assert len(questions) == 2


def _long_briefing(sentences: int) -> str:
    lines = [f"Harbour note {n} records the tonnage handled at berth {n}." for n in
             range(sentences)]
    middle = sentences // 2
    lines[middle] = "The dock strike is likely to spread to Liepāja before March."
    return "Long Port Log\n\n" + "\n\n".join(lines) + "\n"


def test_other_sentences_are_paginated_with_their_own_numbers(sign_in, session, manager):
    boss = sign_in(manager)
    briefing = import_letter(boss, session, _long_briefing(450))
    review = f"/briefings/{briefing.id}"
    first = boss.get(review).get_data(as_text=True)
    numbers = [int(n) for n in re.findall(r'<li data-testid="context" data-sentence="(\d+)"',
                                          first)]
    assert len(numbers) == 200 and numbers[0] == 0
    assert "page 1 of 3 (449 without a draft)" in first
    assert f'href="{review}?sentences=2#context-heading"' in first
    third = boss.get(f"{review}?sentences=3").get_data(as_text=True)
    last = [int(n) for n in re.findall(r'<li data-testid="context" data-sentence="(\d+)"',
                                       third)]
    assert len(last) == 49 and last[-1] == 449
    # the drafted sentence (index 225) is skipped, and the numbering stays the briefing's
    second = boss.get(f"{review}?sentences=2").get_data(as_text=True)
    middle = [int(n) for n in re.findall(r'data-testid="context" data-sentence="(\d+)"', second)]
    assert 225 not in middle and middle[0] == 200 and middle[-1] == 400
    assert re.search(r'name="sentence_index" value="200"', second)
    assert '<mark data-sentence="225">' in second  # the highlight keeps its number


@pytest.mark.sqlite_only
@pytest.mark.parametrize("page", ["0", "4", "two", "-1", "1.5"])
def test_a_page_outside_the_list_is_a_400(sign_in, session, manager, page):
    boss = sign_in(manager)
    briefing = import_letter(boss, session, _long_briefing(450))
    response = boss.get(f"/briefings/{briefing.id}?sentences={page}")
    assert response.status_code == 400
    assert "sentences" in response.get_data(as_text=True)


def test_an_event_dated_by_its_month_is_explained_on_the_review_page(sign_in, session, manager):
    boss = sign_in(manager)
    briefing = import_letter(boss, session, "Rate Desk\n\nThe central bank is likely to cut "
                             "rates at the February meeting.\n")
    page = boss.get(f"/briefings/{briefing.id}").get_data(as_text=True)
    hint = re.search(r'data-testid="event-month">(.*?)</p>', page)
    assert hint is not None and "“at the February meeting”" in hint.group(1)
    assert 'data-testid="set-the-date"' not in page  # it has a date: the month's end
    [row] = briefings.drafts(session, briefing)
    assert row.closes_at.date().isoformat() == "2027-03-01" and not row.date_needed

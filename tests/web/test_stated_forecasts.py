"""A publication's stated forecasts, viewable per author of its bylines: the page, its links
from the publications page, the term records and the estimative-language page."""

from __future__ import annotations

import re

import pytest

from forecasts import briefings, resolution
from forecasts.questions import forecasting
from tests.web.test_publication_pages import NEWSLETTER, publish_all

PUBLICATION = "Eastern Flank Risk Monitor"
OTHER_AUTHOR = "Agnieszka Nowak"


@pytest.fixture
def two_issues(sign_in, session, manager, forecaster, clock):  # type: ignore[no-untyped-def]
    """Two issues by two authors, published; the first issue's questions resolved YES."""
    boss = sign_in(manager)
    issues = []
    for text in (NEWSLETTER, NEWSLETTER.replace("By Tomasz Wierzbicki", f"By {OTHER_AUTHOR}")):
        response = boss.post("/briefings", {"published": "2026-11-27", "yardstick": "icd203",
                                            "publication": PUBLICATION, "text": text})
        assert response.status_code == 302
        issues.append(briefings.list_briefings(session)[0])
    for briefing in issues:
        publish_all(boss, session, briefing)
    first = list(briefings.published_questions(session, issues[0]).values())
    for question in first:
        forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.5,
                                    now=clock.now())
        resolution.resolve(session, question, outcome="yes", actor=manager,
                           now=clock.advance(minutes=1))
    return boss, issues


def test_stated_forecasts_are_listed_and_scored_per_author(two_issues, session):
    _, (first, second) = two_issues
    rows = briefings.stated_forecasts(session, PUBLICATION)
    assert len(rows) == 6
    by_name = {s.author: s for s in briefings.by_author(rows)}
    assert set(by_name) == {"Tomasz Wierzbicki", OTHER_AUTHOR}
    tomasz = [r for r in rows if r.author == "Tomasz Wierzbicki"]
    assert {r.briefing_id for r in tomasz} == {first.id}
    # the Brier of the stated probability alone, on questions resolved YES
    assert all(r.brier == pytest.approx((r.probability - 1) ** 2) for r in tomasz)
    assert by_name["Tomasz Wierzbicki"].mean_brier == pytest.approx(
        sum((r.probability - 1) ** 2 for r in tomasz) / 3)
    assert by_name[OTHER_AUTHOR].resolved == 0 and by_name[OTHER_AUTHOR].mean_brier is None
    only = briefings.stated_forecasts(session, PUBLICATION, OTHER_AUTHOR)
    assert {r.briefing_id for r in only} == {second.id} and len(only) == 3
    assert briefings.stated_forecasts(session, "Nobody's Weekly") == []


def test_the_page_filters_by_author(two_issues):
    boss, _ = two_issues
    page = boss.get(f"/briefings/stated?publication={PUBLICATION}").get_data(as_text=True)
    per_author = re.search(r'data-testid="per-author".*?</table>', page, re.S).group(0)
    assert "Tomasz Wierzbicki" in per_author and OTHER_AUTHOR in per_author
    assert page.count("<td><a href=\"/questions/") == 6
    mine = boss.get(f"/briefings/stated?publication={PUBLICATION}&author={OTHER_AUTHOR}")
    assert mine.status_code == 200
    text = mine.get_data(as_text=True)
    assert text.count("<td><a href=\"/questions/") == 3
    assert "3 stated, 0 resolved." in text
    assert "Tomasz Wierzbicki</a></td>" not in text.split('data-testid="stated-table"')[1]
    nobody = boss.get(f"/briefings/stated?publication={PUBLICATION}&author=Nobody")
    assert 'data-testid="empty"' in nobody.get_data(as_text=True)


def test_the_publication_terms_and_estimative_pages_link_to_it(two_issues):
    boss, _ = two_issues
    listed = boss.get("/briefings/publications").get_data(as_text=True)
    assert f'href="/briefings/stated?publication={PUBLICATION.replace(" ", "+")}' \
           f'&amp;author={OTHER_AUTHOR.replace(" ", "+")}"' in listed
    terms = boss.get(f"/briefings/terms?publication={PUBLICATION}").get_data(as_text=True)
    assert "/briefings/stated?publication=" in terms
    estimative = boss.get("/dashboards/estimative").get_data(as_text=True)
    table = re.search(r'data-testid="term-table".*?</table>', estimative, re.S).group(0)
    assert f'href="/briefings/stated?publication={PUBLICATION.replace(" ", "+")}"' in table


@pytest.mark.sqlite_only
def test_forecasters_may_not_see_it(two_issues, sign_in, forecaster):
    assert sign_in(forecaster).get("/briefings/stated").status_code == 403


@pytest.mark.sqlite_only
def test_nothing_stated_yet_says_what_to_do(sign_in, manager):
    page = sign_in(manager).get("/briefings/stated").get_data(as_text=True)
    assert 'data-testid="empty"' in page and "publish a briefing" in page

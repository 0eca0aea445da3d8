"""Publications: a multi-source newsletter is credited to one publication, wherever it shows."""

from __future__ import annotations

import re

from sqlmodel import select

from forecasts import briefings, resolution
from forecasts.models import Briefing, Publication, User, UserKind
from forecasts.questions import forecasting
from tests.support.briefing_files import FIXTURES
from tests.support.briefing_review import publish_all

NEWSLETTER = (FIXTURES / "eastern-flank-monitor.txt").read_text("utf-8")


def import_issue(boss, session, publication: str = "") -> Briefing:  # type: ignore[no-untyped-def]
    response = boss.post("/briefings", {"published": "2026-11-27", "yardstick": "icd203",
                                        "publication": publication, "text": NEWSLETTER})
    assert response.status_code == 302, response.get_data(as_text=True)
    return session.exec(select(Briefing).order_by(Briefing.id.desc())).first()  # type: ignore[union-attr]


def test_a_multi_source_newsletter_credits_one_publication_everywhere(
        sign_in, session, manager, forecaster, clock):
    boss = sign_in(manager)
    first = import_issue(boss, session, publication="Eastern Flank Risk Monitor")
    # The next issue names no publication: the footer's "Get the latest … news" finds it.
    second = import_issue(boss, session)
    assert first.publication_id == second.publication_id
    assert first.publication == "Eastern Flank Risk Monitor"
    for briefing in (first, second):
        publish_all(boss, session, briefing)
    stated_by = session.exec(select(User).where(User.kind == UserKind.publication)).all()
    assert [u.display_name for u in stated_by] == ["Eastern Flank Risk Monitor (stated)"]
    questions = [q for b in (first, second)
                 for q in briefings.published_questions(session, b).values()]
    # The cited source is what each question draws from, its date kept apart from its name;
    # the quote itself is the publication's.
    assert {(q.cited_source, q.source_date.isoformat()) for q in questions} == {
        ("Reuters", "2026-11-27"), ("Financial Times", "2026-11-26")}
    assert {q.source_name for q in questions} == {"Eastern Flank Risk Monitor"}
    for question in questions:
        forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.4,
                                    now=clock.now())
        resolution.resolve(session, question, outcome="yes", actor=manager,
                           now=clock.advance(minutes=1))
    leaderboard = boss.get("/leaderboard").get_data(as_text=True)
    assert leaderboard.count("Eastern Flank Risk Monitor (stated)") == 1
    assert "Reuters" not in leaderboard and "Financial Times" not in leaderboard
    estimative = boss.get("/dashboards/estimative").get_data(as_text=True)
    table = re.search(r'data-testid="term-table".*?</table>', estimative, re.S).group(0)
    names = set(re.findall(r"<tr>\s*<td>(?:<a [^>]*>)?([^<]+)</", table))
    assert names == {"Eastern Flank Risk Monitor"}
    terms = boss.get("/briefings/terms").get_data(as_text=True)
    assert "Reuters" not in terms and "Eastern Flank Risk Monitor" in terms
    by_author = boss.get("/briefings/terms?author=Tomasz Wierzbicki").get_data(as_text=True)
    assert "Eastern Flank Risk Monitor" in by_author
    listed = boss.get("/briefings/publications").get_data(as_text=True)
    assert "Tomasz Wierzbicki" in listed and listed.count("<tr><td>") == 1


def test_a_manager_corrects_the_guessed_publication_before_publishing(sign_in, session,
                                                                     manager):
    boss = sign_in(manager)
    guessed = import_issue(boss, session)
    assert guessed.publication == "Eastern Flank Risk Monitor"
    url = f"/briefings/{guessed.id}/publication"
    review = f"/briefings/{guessed.id}"
    assert "Name the publication." in boss.post_refused(url, {"name": ""}, review).get_data(
        as_text=True)
    assert "x" * 201 in boss.post_refused(url, {"name": "x" * 201}, review).get_data(
        as_text=True)  # what was typed comes back, with the message
    assert boss.post(url, {"name": "EFRM Weekly"}).status_code == 302
    session.expire_all()
    assert session.get(Briefing, guessed.id).publication == "EFRM Weekly"
    # The wrong guess is gone, kept as an alias: the next issue goes to the right publication.
    assert [p.name for p in session.exec(select(Publication))] == ["EFRM Weekly"]
    again = import_issue(boss, session)
    assert again.publication == "EFRM Weekly"
    publish_all(boss, session, again)
    refused = boss.post_refused(f"/briefings/{again.id}/publication", {"name": "Someone Else"},
                                f"/briefings/{again.id}")
    assert 'class="flash flash-error"' in refused.get_data(as_text=True)
    session.expire_all()
    assert session.get(Briefing, again.id).publication == "EFRM Weekly"

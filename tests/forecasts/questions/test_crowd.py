"""Who is in the crowd: one rule for the list's count, the page's count and the median."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import text

from forecasts.models import Forecast, UserKind
from forecasts.questions import forecasting, listing
from forecasts.questions.crowd import crowd_member_sql, in_crowd
from tests.support.builders import T0, make_publication, make_question, make_user


def test_people_are_the_crowd_and_publications_are_not():
    assert in_crowd(UserKind.person) and in_crowd("person")
    assert not in_crowd(UserKind.publication)
    with pytest.raises(ValueError):
        in_crowd("robot")


def test_the_sql_form_refuses_anything_but_an_identifier():
    assert crowd_member_sql("u") == "u.kind NOT IN ('publication')"
    with pytest.raises(ValueError):
        crowd_member_sql("u; DROP TABLE user")


def test_list_count_page_count_and_median_leave_out_the_publication(session, manager):
    question = make_question(session, manager)
    ana, ben = make_user(session, "ana"), make_user(session, "ben")
    stated = make_publication(session, "pub-harbour-desk")
    now = T0 + timedelta(hours=1)
    session.add(Forecast(question_id=question.id, forecaster_id=stated.id, probability=0.9,
                         created_at=T0))
    session.commit()
    for user, p in ((ana, 0.2), (ben, 0.4)):
        forecasting.submit_forecast(session, question, forecaster=user, probability=p, now=now)
    later = now + timedelta(minutes=1)
    [row] = listing.list_questions(session, viewer=manager, now=later).rows
    crowd = forecasting.crowd_now(session, question, later)
    assert row.forecasters == crowd.forecasters == 2  # "2 forecasters" on the list and the page
    assert crowd.median == pytest.approx(0.3)  # the publication's 90 % is not pooled
    assert row.crowd_median == crowd.median  # the list shows the page's median


def test_the_sql_form_selects_the_same_people(session, manager):
    make_publication(session, "pub-weekly")
    make_user(session, "cara")
    rule = crowd_member_sql("u")
    names = session.exec(text(f'SELECT u.username FROM "user" u WHERE {rule} ORDER BY 1')).all()
    assert [n for (n,) in names] == sorted(["cara", manager.username])

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


def test_one_standing_rule_for_forecasts_made_at_one_instant(session, manager):
    """Two forecasts by one forecaster at the same instant: the highest probability stands, in
    the page's median, the list, the forecaster's own latest, the crowd's history and the
    stored score alike (stored in the opposite order, so "last stored" would say otherwise)."""
    from forecasts import resolution
    from forecasts.scoring.aggregates import crowd_history
    from forecasts.scoring.history import CrowdHistories, crowd_forecasts
    from forecasts.scoring.store import read_rows

    question = make_question(session, manager)
    ana, ben = make_user(session, "ana"), make_user(session, "ben")
    at = T0 + timedelta(hours=1)
    for forecaster, p in ((ana, 0.7), (ana, 0.3), (ben, 0.5)):  # ana's 0.3 stored last
        session.add(Forecast(question_id=question.id, forecaster_id=forecaster.id,
                             probability=p, created_at=at))
    session.commit()
    later = at + timedelta(minutes=1)
    assert forecasting.crowd_now(session, question, later).median == pytest.approx(0.6)
    [row] = listing.list_questions(session, viewer=manager, now=later).rows
    assert row.crowd_median == pytest.approx(0.6)
    latest = forecasting.latest_forecasts(session, question)
    assert sorted(f.probability for f in latest) == [0.5, 0.7]
    assert forecasting.history(session, question, ana)[0].probability == 0.7
    assert forecasting.reaffirm(session, question, forecaster=ana, now=later).probability == 0.7
    session.commit()
    forecasts = crowd_forecasts(session.connection(), question.id)
    assert crowd_history(forecasts.loc[forecasts["created_at"] == at])["probability"].tolist() \
        == [pytest.approx(0.6)]
    points = CrowdHistories().history(session.connection(), question.id).points
    assert points["median"].iloc[0] == pytest.approx(0.6)
    resolution.resolve(session, question, outcome="yes", actor=manager, now=later)
    session.commit()
    rows = read_rows(session.connection()).set_index("subject_id")
    assert rows.loc[ana.id, "probability"] == pytest.approx(0.7)

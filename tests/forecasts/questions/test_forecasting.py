import math
from datetime import timedelta

import pytest

from forecasts import resolution
from forecasts.errors import Conflict, NotFound, ValidationFailed
from forecasts.questions import forecasting
from tests.support.builders import T0, make_publication, make_question, make_user


@pytest.mark.parametrize(
    ("typed", "probability"),
    [("30", 0.30), ("30.5", 0.305), (" 1 ", 0.01), ("99", 0.99), ("12,5 %", 0.125)],
)
def test_percent_parsing(typed, probability):
    assert math.isclose(forecasting.probability_from_percent(typed), probability)


@pytest.mark.parametrize("typed", ["0", "100", "150", "-1", "abc", "", "nan", "inf", "30.55",
                                   "0.5", "99.5"])
def test_percent_parsing_refuses(typed):
    with pytest.raises(ValidationFailed) as refused:
        forecasting.probability_from_percent(typed)
    assert "probability" in refused.value.fields


def test_updates_are_new_rows_and_history_is_newest_first(session, manager, forecaster):
    question = make_question(session, manager)
    for day, p in [(1, 0.3), (2, 0.2)]:
        forecasting.submit_forecast(session, question, forecaster=forecaster, probability=p,
                                    rationale=f"day {day}", now=T0 + timedelta(days=day))
    mine = forecasting.history(session, question, forecaster)
    assert [f.probability for f in mine] == [0.2, 0.3]
    assert mine[0].created_at == T0 + timedelta(days=2)


@pytest.mark.parametrize("probability", [0.0, 1.0, 1.5, -0.1, float("nan"), 0.005])
def test_submit_refuses_probabilities_outside_1_to_99_percent(session, manager, forecaster,
                                                               probability):
    question = make_question(session, manager)
    with pytest.raises(ValidationFailed):
        forecasting.submit_forecast(session, question, forecaster=forecaster,
                                    probability=probability, now=T0 + timedelta(days=1))
    assert forecasting.history(session, question, forecaster) == []


def test_submit_refuses_drafts_closed_and_resolved_questions(session, manager, forecaster):
    draft = make_question(session, manager, published=False)
    with pytest.raises(NotFound):
        forecasting.submit_forecast(session, draft, forecaster=forecaster, probability=0.5,
                                    now=T0 + timedelta(days=1))
    question = make_question(session, manager)
    with pytest.raises(Conflict, match="closed"):
        forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.5,
                                    now=question.closes_at)
    resolution.resolve(session, question, outcome="no", actor=manager,
                       now=question.closes_at + timedelta(days=1))
    with pytest.raises(Conflict, match="resolved"):
        forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.5,
                                    now=question.closes_at + timedelta(days=2))


def test_crowd_is_the_median_of_each_forecasters_latest(session, manager, forecaster):
    question = make_question(session, manager)
    others = [make_user(session, name) for name in ("gus", "hana")]
    moments = iter(range(1, 10))
    for person, probabilities in [(forecaster, [0.9, 0.2]), (others[0], [0.4]),
                                  (others[1], [0.6, 0.7])]:
        for p in probabilities:
            forecasting.submit_forecast(session, question, forecaster=person, probability=p,
                                        now=T0 + timedelta(hours=next(moments)))
    crowd = forecasting.crowd_now(session, question, T0 + timedelta(days=1))
    # latest: 0.2, 0.4, 0.7 → median 0.4
    assert crowd == forecasting.CrowdView(median=0.4, forecasters=3)
    early = forecasting.crowd_now(session, question, T0 + timedelta(hours=1, minutes=30))
    assert early == forecasting.CrowdView(median=0.9, forecasters=1)


def test_crowd_is_hidden_until_the_forecaster_has_forecast(session, manager, forecaster):
    question = make_question(session, manager)
    now = T0 + timedelta(days=1)
    assert not forecasting.may_see_crowd(session, question, forecaster, now)
    assert forecasting.may_see_crowd(session, question, manager, now)
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.5, now=now)
    assert forecasting.may_see_crowd(session, question, forecaster, now)


def test_a_publications_stated_forecast_is_not_part_of_the_crowd(session, manager, forecaster):
    question = make_question(session, manager)
    stated = make_publication(session, "riskwire")
    for person, p in [(stated, 0.9), (forecaster, 0.3)]:
        forecasting.submit_forecast(session, question, forecaster=person, probability=p,
                                    now=T0 + timedelta(days=1))
    crowd = forecasting.crowd_now(session, question, T0 + timedelta(days=2))
    assert crowd == forecasting.CrowdView(median=0.3, forecasters=1)

"""The sample data publishes its briefing through the domain, so a first `make run` shows the
publication's stated forecasts and the estimative-language page with something in them."""

from __future__ import annotations

from sqlmodel import col, select

from forecasts import briefings, sample
from forecasts.models import Briefing, DraftState, Forecast, Question, User, UserKind
from forecasts.questions.crowd import in_crowd
from tests.support.builders import T0, cheap_hashes

# The demo users' scrypt hashes cost 2 s per load; tests/test_wheel.py loads the real thing.


def test_the_sample_briefing_is_published_with_its_stated_forecasts(session):
    with cheap_hashes():
        assert sample.load(session, now=T0)
    [briefing] = session.exec(select(Briefing)).all()
    assert briefing.publication == sample.SOURCE_NAME and briefing.author == "Jordan Avery"
    published = session.exec(select(Question).where(Question.briefing_id == briefing.id)).all()
    assert len(published) >= 5
    stated_by = session.exec(select(User).where(User.kind == UserKind.publication)).one()
    assert stated_by.display_name == f"{sample.SOURCE_NAME} (stated)"
    for question in published:
        assert question.opens_at == question.published_at  # opens when published
        forecasts = session.exec(select(Forecast).where(Forecast.question_id == question.id)
                                 .order_by(col(Forecast.created_at))).all()
        stated = [f for f in forecasts if f.forecaster_id == stated_by.id]
        assert len(stated) == 1 and stated[0].created_at == question.opens_at
        people = {f.forecaster_id for f in forecasts if f.forecaster_id != stated_by.id}
        assert len(people) == 3  # the demo forecasters, so it is scored against a crowd
        assert all(T0 > f.created_at >= question.opens_at for f in forecasts)
    # what the hand-made questions already ask, and the conditional pair, wait for review
    pending = [d for d in briefings.drafts(session, briefing) if d.state is DraftState.pending]
    assert any(d.conditional for d in pending) and any(d.is_condition for d in pending)
    titles = {q.title for q in session.exec(select(Question))}
    assert len(titles) == len(session.exec(select(Question)).all())  # nothing asked twice
    assert not in_crowd(stated_by.kind)


def test_the_estimative_page_is_not_empty_after_the_sample(session, sign_in, manager):
    with cheap_hashes():
        sample.load(session, now=T0)
    records = briefings.term_record(session, sample.SOURCE_NAME)
    assert sum(r.said for r in records) >= 5
    page = sign_in(manager).get("/dashboards/estimative").get_data(as_text=True)
    assert 'data-testid="term-table"' in page and sample.SOURCE_NAME in page
    assert "very likely" in page

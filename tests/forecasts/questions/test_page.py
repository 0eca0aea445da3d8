"""The question page's builder: one call gathers what one viewer may see of a question, with the
crowd hidden until they forecast, scores and automation by role, the chart's options applied."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from forecasts import resolution
from forecasts.errors import NotFound, ValidationFailed
from forecasts.questions import forecasting
from forecasts.questions import page as question_pages
from forecasts.questions.crowd_chart import ChartOptions
from forecasts.questions.page import MINE_SHOWN, QuestionPage, question_page
from forecasts.resolution import sources
from forecasts.resolution.sources import SourceInput
from forecasts.scoring import history
from forecasts.scoring.history import CrowdHistories
from forecasts.scoring.reader import ScoreCache
from tests.support.builders import (
    LOCAL,
    T0,
    make_briefing,
    make_forecasts,
    make_question,
    make_user,
)

NOW = T0 + timedelta(days=10)
DAY = timedelta(days=1)


def page_of(session, question_id, viewer, now=NOW, every_forecast=False,  # type: ignore[no-untyped-def]
            every_score=False, **options) -> QuestionPage:
    return question_page(session, question_id, viewer, now, ChartOptions(**options),
                         scores=ScoreCache(), histories=CrowdHistories(),
                         every_forecast=every_forecast, every_score=every_score)


def forecast(session, question, person, probability, day):  # type: ignore[no-untyped-def]
    forecasting.submit_forecast(session, question, forecaster=person, probability=probability,
                                now=T0 + day * DAY)


def test_the_crowd_and_its_chart_stay_hidden_until_the_viewer_forecasts(
        session, manager, forecaster):
    question = make_question(session, manager)
    forecast(session, question, make_user(session, "rowena"), 0.7, 1)

    before = page_of(session, question.id, forecaster)
    assert not before.sees_crowd and before.crowd is None
    assert before.chart.lines == {} and not before.chart.drawn and before.chart.rows == []
    assert before.mine == [] and before.status.value == "open"
    assert before.automation is None and before.similar == []  # managers' parts

    forecast(session, question, forecaster, 0.2, 2)
    after = page_of(session, question.id, forecaster)
    assert after.sees_crowd and after.crowd is not None
    assert (after.crowd.median, after.crowd.forecasters) == (pytest.approx(0.45), 2)
    assert [f.probability for f in after.mine] == [0.2]
    assert list(after.chart.lines) == ["median", "recency_weighted_median"]
    assert after.chart.mine == [(T0 + 2 * DAY, 0.2)]
    assert [row["median"] for row in after.chart.rows] == [pytest.approx(0.7),
                                                          pytest.approx(0.45)]
    assert after.chart.until == NOW  # the lines run to now while the question is open
    assert [label for label, _ in after.chart.marks] == ["Closes"]


def test_the_chart_compares_the_chosen_aggregate_and_refuses_an_unknown_one(
        session, manager, forecaster):
    question = make_question(session, manager)
    forecast(session, question, forecaster, 0.3, 1)
    page = page_of(session, question.id, manager, aggregate="mean")
    assert list(page.chart.lines) == ["median", "mean"] and page.chart.aggregate == "mean"
    with pytest.raises(ValidationFailed, match="Compare the median with one of"):
        ChartOptions(aggregate="loudest")
    with pytest.raises(ValidationFailed):
        ChartOptions(aggregate="median")  # always drawn: not a second line


def test_a_busy_chart_is_sampled_and_every_value_comes_when_asked(
        session, manager, monkeypatch):
    monkeypatch.setattr(history, "POINTS", 5)
    question = make_question(session, manager)
    people = [make_user(session, f"busy{i}") for i in range(4)]
    for step in range(8):  # the crowd moves 8 times
        forecast(session, question, people[step % 4], 0.1 + 0.1 * step, step)
    sampled = page_of(session, question.id, manager).chart
    assert sampled.sampled and sampled.changes == 8 and sampled.points == 5
    # history.evenly: the first and the latest instant are always drawn
    drawn = sampled.lines["median"]["created_at"]
    assert (drawn.iloc[0], drawn.iloc[-1]) == (pd.Timestamp(T0), pd.Timestamp(T0 + 7 * DAY))
    assert sampled.rows == []  # no table of a sample
    exact = page_of(session, question.id, manager, every_value=True).chart
    assert not exact.sampled and exact.points == 8 and len(exact.rows) == 8
    assert exact.rows[-1]["median"] == pytest.approx(0.65)


def test_scores_on_a_resolved_question_are_the_viewers_own_and_the_crowds(
        session, manager, forecaster):
    question = make_question(session, manager)
    rowena = make_user(session, "rowena")
    forecast(session, question, forecaster, 0.2, 1)
    forecast(session, question, rowena, 0.7, 1)
    resolution.resolve(session, question, outcome="no", actor=manager,
                       now=question.closes_at + DAY)
    session.commit()
    later = question.closes_at + 2 * DAY

    mine = page_of(session, question.id, forecaster, now=later)
    names = [row.name for row in mine.scores]
    assert "Finn" in names and "Rowena" not in names and "Crowd: median" in names
    finn = next(row for row in mine.scores if row.name == "Finn")
    # (0.2 − 0)² from day 1 to the close
    assert finn.brier == pytest.approx(0.04) and finn.subject_id == forecaster.id
    everyone = page_of(session, question.id, manager, now=later)
    assert {"Finn", "Rowena"} <= {row.name for row in everyone.scores}
    briers = [row.brier for row in everyone.scores]
    assert briers == sorted(briers)  # best first
    assert [label for label, _ in everyone.chart.marks] == ["Closed", "Resolved"]
    assert [e.to_outcome.value for e in everyone.trail] == ["no"]
    assert everyone.status.value == "resolved" and not everyone.reopenable


def test_managers_get_the_automation_with_its_failures_in_one_sentence(
        session, manager, forecaster):
    question = make_question(session, manager)
    source = sources.set_source(session, question, SourceInput(
        kind="http_json", url="http://127.0.0.1:9/status.json", pointer="/status",
        comparison="==", value="ended"), actor=manager, now=T0, allowed=LOCAL)
    source.failures, source.last_status, source.last_error = 3, 503, "read timed out"
    session.add(source)
    session.commit()

    automation = page_of(session, question.id, manager).automation
    assert automation is not None and automation.source is not None
    assert automation.source.url == "http://127.0.0.1:9/status.json"
    assert automation.failures == "3 failed checks in a row: HTTP 503, read timed out."
    assert automation.proposal is None and automation.checks == []
    assert page_of(session, question.id, forecaster).automation is None


def test_origin_shows_the_briefing_and_only_the_dependants_the_viewer_may_open(
        session, manager, forecaster):
    briefing = make_briefing(session, manager)
    parent = make_question(session, manager)
    parent.briefing_id = briefing.id
    child = make_question(session, manager, published=False,
                          title="Will the strike end before the ferry season opens?")
    child.condition_id = parent.id
    session.add_all([parent, child])
    session.commit()

    seen = page_of(session, parent.id, forecaster).origin
    assert seen.briefing is not None and seen.briefing.id == briefing.id
    assert seen.dependants == []  # a draft is for managers
    assert [q.id for q in page_of(session, parent.id, manager).origin.dependants] == [child.id]
    conditional = page_of(session, child.id, manager)
    assert conditional.origin.condition is not None
    assert conditional.origin.condition.id == parent.id
    assert [s.question_id for s in conditional.similar] == []  # nothing like its title


def test_a_draft_is_not_found_for_a_forecaster_and_has_look_alikes_for_a_manager(
        session, manager, forecaster):
    published = make_question(session, manager)
    draft = make_question(session, manager, published=False)  # the same title
    with pytest.raises(NotFound):
        page_of(session, draft.id, forecaster)
    with pytest.raises(NotFound):
        page_of(session, 999_999, manager)
    page = page_of(session, draft.id, manager)
    assert page.status.value == "draft" and page.is_manager
    assert [s.question_id for s in page.similar] == [published.id]


def test_a_forecasters_thousands_of_forecasts_are_thinned_on_the_chart_and_listed_newest_first(
        session, manager, forecaster):
    question = make_question(session, manager)
    make_forecasts(session, question, forecaster, 3_000, rationale="Because. " * 20)
    page = page_of(session, question.id, forecaster)
    assert page.mine_total == 3_000 and not page.every_forecast
    # the table: the newest MINE_SHOWN, newest first
    assert len(page.mine) == MINE_SHOWN
    newest = T0 + timedelta(hours=1) + 2_999 * timedelta(minutes=1)
    assert page.mine[0].created_at == newest
    assert [f.created_at for f in page.mine] == sorted((f.created_at for f in page.mine),
                                                       reverse=True)
    # the line: at most history.POINTS, oldest first, the first and the standing one kept
    line = page.chart.mine
    assert len(line) == history.POINTS and page.chart.mine_total == 3_000
    assert line[0] == (T0 + timedelta(hours=1), pytest.approx(0.05))
    assert line[-1] == (newest, pytest.approx(0.05 + 0.01 * (2_999 % 91)))
    assert [at for at, _ in line] == sorted(at for at, _ in line)
    # the rationales offered to share are bounded as well
    assert len(page.discussion.shareable) == MINE_SHOWN and page.discussion.more_shareable

    every = page_of(session, question.id, forecaster, every_forecast=True)
    assert len(every.mine) == 3_000 and every.every_forecast
    assert len(every.discussion.shareable) == 3_000 and not every.discussion.more_shareable
    assert len(every.chart.mine) == history.POINTS  # the chart stays thinned


def test_a_few_forecasts_are_all_shown_as_before(session, manager, forecaster):
    question = make_question(session, manager)
    for day, probability in [(1, 0.2), (2, 0.3), (3, 0.4)]:
        forecast(session, question, forecaster, probability, day)
    page = page_of(session, question.id, forecaster)
    assert [f.probability for f in page.mine] == [0.4, 0.3, 0.2] and page.mine_total == 3
    assert page.chart.mine == [(T0 + day * DAY, p) for day, p in [(1, 0.2), (2, 0.3), (3, 0.4)]]


def test_a_managers_score_table_lists_the_best_with_the_crowd_and_all_on_demand(
        session, manager, monkeypatch):
    monkeypatch.setattr(question_pages, "SCORES_SHOWN", 2)
    question = make_question(session, manager)
    people = [make_user(session, f"scored{i}") for i in range(5)]
    for i, person in enumerate(people):  # scored0 best (5 %) ... scored4 worst (45 %)
        forecast(session, question, person, 0.05 + 0.1 * i, 1)
    resolution.resolve(session, question, outcome="no", actor=manager,
                       now=question.closes_at + DAY)
    session.commit()
    later = question.closes_at + 2 * DAY
    every = page_of(session, question.id, manager, now=later, every_score=True)
    crowd = [row.name for row in every.scores if row.name.startswith("Crowd")]
    assert every.scores_total == len(every.scores) == 5 + len(crowd) and crowd
    best = page_of(session, question.id, manager, now=later)
    people_shown = [row.name for row in best.scores if not row.name.startswith("Crowd")]
    assert people_shown == ["Scored0", "Scored1"] and best.scores_total == every.scores_total
    assert [row.name for row in best.scores if row.name.startswith("Crowd")] == crowd
    # a forecaster sees their own row wherever it ranks
    own = page_of(session, question.id, people[4], now=later)
    assert "Scored4" in [row.name for row in own.scores]

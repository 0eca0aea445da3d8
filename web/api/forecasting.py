"""API: forecasts — submit, list your own, and a question's once you have forecast."""

from __future__ import annotations

from flask import Blueprint

from forecasts import bounds
from forecasts.exports.tables import ForecastFilter, ForecastRow, forecast_rows
from forecasts.models import Role
from forecasts.questions import catalog as questions
from forecasts.questions import forecasting
from web.api.auth import api_user
from web.api.problems import Problem
from web.api.schemas import (
    ForecastIn,
    ForecastOut,
    ForecastPage,
    ForecastQuery,
    PageQuery,
    QuestionForecasts,
)
from web.api.spec import ID, api_spec, responses
from web.database import get_session, now

TAG = "forecasts"


def _out(row: ForecastRow, *, show_rationale: bool) -> ForecastOut:
    return ForecastOut(id=row.id, question_id=row.question_id, forecaster=row.forecaster,
                       probability=row.probability, created_at=row.created_at,
                       rationale=row.rationale if show_rationale else None)


def _cursor(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:  # a forecast's id, as next_cursor gives it out
        return bounds.parse_id(raw, name="cursor")
    except bounds.OutOfBounds:
        raise Problem(400, "The cursor is not one this API gave out.") from None


def register(bp: Blueprint) -> None:
    """Add the forecast routes to the API blueprint."""

    @bp.post(f"/questions/<{ID}:question_id>/forecasts")
    @api_spec.validate(json=ForecastIn, resp=responses(HTTP_201=ForecastOut), tags=[TAG])
    def submit_forecast(question_id: int, json: ForecastIn) -> tuple[ForecastOut, int]:
        """Forecast P(YES) on an open question (an update is a new forecast); 409 once closed."""
        session, user = get_session(), api_user()
        question = questions.visible_question(session, question_id, user)
        forecast = forecasting.submit_forecast(session, question, forecaster=user,
                                               probability=json.probability,
                                               rationale=json.rationale, now=now())
        return ForecastOut(id=forecast.id, question_id=question_id,  # type: ignore[arg-type]
                           forecaster=user.username, probability=forecast.probability,
                           rationale=forecast.rationale, created_at=forecast.created_at), 201

    @bp.get(f"/questions/<{ID}:question_id>/forecasts")
    @api_spec.validate(query=PageQuery, resp=responses(HTTP_200=QuestionForecasts), tags=[TAG])
    def question_forecasts(question_id: int, query: PageQuery) -> QuestionForecasts:
        """Everyone's forecasts on a question, once you have forecast on it yourself (so the
        crowd cannot anchor you; managers, and everyone after the close, may always see them).
        Rationales are shown for your own forecasts, or to managers.
        """
        session, user, moment = get_session(), api_user(), now()
        question = questions.visible_question(session, question_id, user)
        if not forecasting.may_see_crowd(session, question, user, moment):
            raise Problem(403, "Forecast on this question first: the crowd's forecasts are "
                               "hidden until then, so they cannot anchor yours.")
        crowd = forecasting.crowd_now(session, question, moment)
        rows = forecast_rows(session, ForecastFilter(question_id=question.id),
                             after_id=_cursor(query.cursor), limit=query.limit + 1)
        page, manager = rows[:query.limit], user.has_role(Role.manager)
        return QuestionForecasts(
            crowd_median=crowd.median, forecasters=crowd.forecasters,
            items=[_out(r, show_rationale=manager or r.forecaster == user.username)
                   for r in page],
            next_cursor=str(page[-1].id) if len(rows) > query.limit else None)

    @bp.get("/forecasts")
    @api_spec.validate(query=ForecastQuery, resp=responses(HTTP_200=ForecastPage), tags=[TAG])
    def my_forecasts(query: ForecastQuery) -> ForecastPage:
        """Your own forecasts, oldest first; page with next_cursor."""
        where = ForecastFilter(forecaster_id=api_user().id, question_id=query.question_id)
        rows = forecast_rows(get_session(), where, after_id=_cursor(query.cursor),
                             limit=query.limit + 1)
        page = rows[:query.limit]
        more = len(rows) > query.limit
        return ForecastPage(items=[_out(r, show_rationale=True) for r in page],
                            next_cursor=str(page[-1].id) if more else None)

"""API: scores — the leaderboard with the page's filters, a forecaster's record, calibration."""

from __future__ import annotations

import math

import pandas as pd
from flask import Blueprint, current_app

from forecasts.accounts.people import get_user
from forecasts.errors import ValidationFailed
from forecasts.exports import standings
from forecasts.models import Role
from forecasts.scoring.records import track_record
from web.api.auth import api_user
from web.api.problems import Problem
from web.api.schemas import (
    CalibrationBin,
    CalibrationOut,
    CalibrationQuery,
    Leaderboard,
    LeaderboardQuery,
    RecordEntry,
    Standing,
    TrackRecordOut,
)
from web.api.spec import ID, api_spec, responses
from web.database import get_session, now

TAG = "scores"


def plain(records: list[dict[str, object]]) -> list[dict[str, object]]:
    """DataFrame records as JSON-safe values: NaN becomes null, numpy numbers plain numbers."""
    def value(v: object) -> object:
        if isinstance(v, float) and math.isnan(v):
            return None
        return v.item() if hasattr(v, "item") else v

    return [{str(k): value(v) for k, v in row.items()} for row in records]


def _filters(query: LeaderboardQuery) -> standings.LeaderboardFilters:
    tag, team = standings.named_filters(get_session(), tag=query.tag, team=query.team)
    if query.from_ and query.to and query.from_ > query.to:
        raise ValidationFailed(
            {"from": "The period's start (from) must not be after its end (to)."})
    return standings.LeaderboardFilters(
        by=query.by, policy=query.policy, two_term=query.scale == "two",
        min_questions=query.min, tag=tag, team=team,
        start=query.from_, end=query.to)


def register(bp: Blueprint) -> None:
    """Add the score routes to the API blueprint."""

    @bp.get("/scores/leaderboard")
    @api_spec.validate(query=LeaderboardQuery, resp=responses(HTTP_200=Leaderboard), tags=[TAG])
    def leaderboard(query: LeaderboardQuery) -> Leaderboard:
        """The leaderboard of resolved questions, with the page's filters and columns."""
        table = standings.leaderboard(get_session(), current_app.extensions["scores"],
                                      _filters(query))
        rows = plain(table.to_dict("records"))
        return Leaderboard(by=query.by, rows=[Standing(**row) for row in rows])  # type: ignore[arg-type]

    @bp.get(f"/scores/forecasters/<{ID}:user_id>")
    @api_spec.validate(resp=responses(HTTP_200=TrackRecordOut), tags=[TAG])
    def record(user_id: int) -> TrackRecordOut:
        """A forecaster's scored record: your own, or anyone's for managers."""
        user = api_user()
        if user.id != user_id and not user.has_role(Role.manager):
            raise Problem(403, "You can see your own record; managers can see everyone's.")
        session = get_session()
        person = get_user(session, user_id)
        found = track_record(session, person, now())
        entries = [RecordEntry(question_id=s.question.id, title=s.question.title,  # type: ignore[arg-type]
                               outcome=s.question.outcome, brier=s.brier,
                               final_probability=s.final.probability if s.final else None)
                   for s in found.resolved]
        return TrackRecordOut(forecaster=person.username, mean_brier=found.mean_brier,
                              scored=found.scored_count, resolved=entries)

    @bp.get("/scores/calibration")
    @api_spec.validate(query=CalibrationQuery, resp=responses(HTTP_200=CalibrationOut),
                       tags=[TAG])
    def calibration(query: CalibrationQuery) -> CalibrationOut:
        """The calibration table: yours, or (managers) any forecaster's or the crowd's."""
        user, session = api_user(), get_session()
        cache = current_app.extensions["scores"]
        wanted = query.id or user.id
        if (query.of == "crowd" or wanted != user.id) and not user.has_role(Role.manager):
            raise Problem(403, "Only managers may see calibration other than their own.")
        if query.of == "crowd":
            result = standings.crowd_calibration(session, cache, n_bins=query.bins,
                                                 strategy=query.strategy)
        else:
            get_user(session, wanted)  # type: ignore[arg-type]
            result = standings.forecaster_calibration(session, cache, wanted,  # type: ignore[arg-type]
                                                      n_bins=query.bins, strategy=query.strategy)
        if result is None:
            return CalibrationOut(n=0, questions=0, brier=None, log_score=None, bins=[])
        table: pd.DataFrame = result.table
        return CalibrationOut(
            n=result.n, questions=result.questions, brier=_finite(result.murphy.brier),
            log_score=_finite(result.log_score),
            bins=[CalibrationBin(**row) for row in plain(table.to_dict("records"))])


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None

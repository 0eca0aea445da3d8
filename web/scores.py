"""The leaderboard page: the stored scores summed by the database, once per change of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from flask import Blueprint, abort, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from forecasts.accounts.people import list_teams
from forecasts.exports import standings
from forecasts.names import name_key
from forecasts.questions.catalog import all_tags
from forecasts.scoring.book import aggregate_of, forecaster_names
from web import query
from web.caches import score_cache
from web.database import get_session

bp = Blueprint("scores", __name__)

RANK_BY = ("forecaster", "team", "tag")
POLICIES = ("active", "crowd", "uninformed")
SORTABLE = ("relative_brier", "brier", "questions", "coverage", "reliability", "resolution")


def _choice(name: str, allowed: tuple[str, ...], default: str,
            aliases: dict[str, str] | None = None) -> str:
    return query.choice(name, allowed, default, aliases)


def _minimum() -> int:
    return query.whole("min", 1, 1, 10_000)


@dataclass(frozen=True)
class Filters:
    """Which questions (tag, resolved between two days) and whose rows (team) the table keeps."""

    tag: str = ""
    team: str = ""
    start: date | None = None
    end: date | None = None

    def key(self) -> tuple[object, ...]:
        """The part of the cache key these filters make."""
        return (self.tag, self.team, self.start, self.end)


def _filters(tags: list[str], teams: list[str]) -> Filters:
    tag, team = query.text("tag"), query.text("team")
    # Names match ignoring case (forecasts.names); the filters then carry the stored spelling.
    tag_names, team_names = {name_key(t): t for t in tags}, {name_key(t): t for t in teams}
    if tag and name_key(tag) not in tag_names:
        abort(400, description=f"No tag named {tag!r}.")
    if team and name_key(team) not in team_names:
        abort(400, description=f"No team named {team!r}.")
    tag, team = tag_names.get(name_key(tag), ""), team_names.get(name_key(team), "")
    start, end = query.period()
    return Filters(tag, team, start, end)


@bp.get("/leaderboard")
@login_required
def leaderboard() -> ResponseReturnValue:
    """Forecasters (or teams, or tags) ranked by relative then time-weighted Brier."""
    by = _choice("by", RANK_BY, "forecaster")
    policy = _choice("policy", POLICIES, "active", standings.DEPRECATED_POLICY_NAMES)
    scale = _choice("scale", ("one", "two"), "one")
    sort = _choice("sort", SORTABLE, "relative_brier")
    minimum = _minimum()
    session = get_session()
    tags = all_tags(session)
    teams = [team.name for team in list_teams(session)]
    filters = _filters(tags, teams)
    table = standings.leaderboard_by_id(session, score_cache(), standings.LeaderboardFilters(
        by=by, policy=policy, two_term=scale == "two", min_questions=minimum,
        tag=filters.tag, team=filters.team, start=filters.start, end=filters.end))
    ascending = sort in ("relative_brier", "brier", "reliability")
    table = table.sort_values(sort, ascending=ascending, kind="stable")
    if by == "forecaster":  # the template asks which rows are crowd aggregates by this key
        table = table.assign(aggregate=aggregate_of(table["forecaster_id"]))
    return render_template(
        "scores/leaderboard.html", rows=table.to_dict("records"), by=by, policy=policy,
        scale=scale, sort=sort, minimum=minimum, names=_names(table, by),
        rank_by=RANK_BY, policies=POLICIES, filters=filters, tags=tags, teams=teams,
        # built once: url_for per row cost more than the whole ranking at 1,000 forecasters
        record_prefix=url_for("people.forecaster", user_id=1).removesuffix("1"),
    )


def _names(table: pd.DataFrame, by: str) -> dict[object, str]:
    if by != "forecaster" or table.empty:
        return {}
    return forecaster_names(get_session(), table["forecaster_id"])  # type: ignore[return-value]

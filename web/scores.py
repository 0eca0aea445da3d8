"""The leaderboard page: the stored scores summed by the database, once per change of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from flask import Blueprint, abort, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from forecasts import bounds
from forecasts.accounts.people import list_teams
from forecasts.exports import standings
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
    return query.whole("min", 1, 1, bounds.MIN_QUESTIONS_MAX)


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


def _filters() -> Filters:
    tag, team = standings.named_filters(get_session(), tag=query.text("tag"),
                                        team=query.text("team"))
    start, end = query.period()
    return Filters(tag, team, start, end)


PAGE_ROWS = 50  # rows per leaderboard page
MAX_PAGE = 100_000


@dataclass(frozen=True)
class Pages:
    """Which slice of the ranked table a page shows, and where the viewer's own row is."""

    number: int
    count: int
    offset: int
    rows: int  # rows in the whole table
    own_rank: int | None  # 1-based position of the viewer's row (or their team's), if any

    @property
    def own_page(self) -> int | None:
        """The page holding the viewer's row."""
        return None if self.own_rank is None else (self.own_rank - 1) // PAGE_ROWS + 1


def _own_position(table: pd.DataFrame, by: str, team: str | None) -> int | None:
    """1-based position of the signed-in viewer's row: their own, or their team's."""
    if by == "forecaster":
        found = (table["forecaster_id"] == current_user.id).to_numpy().nonzero()[0]
    elif by == "team" and team is not None:
        found = (table["team"] == team).to_numpy().nonzero()[0]
    else:
        return None
    return int(found[0]) + 1 if found.size else None


def _pages(table: pd.DataFrame, by: str, team: str | None) -> Pages:
    """The requested page (``?page=``, 1 by default); a page past the last is a 400."""
    number = query.whole("page", 1, 1, MAX_PAGE)
    count = max(-(-len(table) // PAGE_ROWS), 1)
    if number > count:
        abort(400, description=f"page: there {'is' if count == 1 else 'are'} only {count} "
                               f"page{'' if count == 1 else 's'} of this leaderboard.")
    return Pages(number, count, (number - 1) * PAGE_ROWS, len(table),
                 _own_position(table, by, team))


@bp.get("/leaderboard")
@login_required
def leaderboard() -> ResponseReturnValue:
    """Forecasters (or teams, or tags) ranked by relative then time-weighted Brier, a page of
    PAGE_ROWS rows at a time; the viewer's own row is found on whichever page holds it."""
    by = _choice("by", RANK_BY, "forecaster")
    policy = _choice("policy", POLICIES, "active", standings.DEPRECATED_POLICY_NAMES)
    scale = _choice("scale", ("one", "two"), "one")
    sort = _choice("sort", SORTABLE, "relative_brier")
    minimum = _minimum()
    session = get_session()
    tags = all_tags(session)
    team_names = {team.id: team.name for team in list_teams(session)}
    teams = list(team_names.values())
    filters = _filters()
    table = standings.leaderboard_by_id(session, score_cache(), standings.LeaderboardFilters(
        by=by, policy=policy, two_term=scale == "two", min_questions=minimum,
        tag=filters.tag, team=filters.team, start=filters.start, end=filters.end))
    ascending = sort in ("relative_brier", "brier", "reliability")
    table = table.sort_values(sort, ascending=ascending, kind="stable")
    pages = _pages(table, by, team_names.get(current_user.team_id))
    shown = table.iloc[pages.offset:pages.offset + PAGE_ROWS]
    if by == "forecaster":  # the template asks which rows are crowd aggregates by this key
        shown = shown.assign(aggregate=aggregate_of(shown["forecaster_id"]))
    # every link keeps the query as given (checked above), changing only what it is for
    kept: dict[str, Any] = {
        "by": by, "policy": policy, "scale": scale, "min": minimum, "sort": sort,
        "tag": filters.tag or None, "team": filters.team or None,
        "from": filters.start or None, "to": filters.end or None}

    def link(**changes: Any) -> str:
        return url_for("scores.leaderboard", **{**kept, **changes})

    return render_template(
        "scores/leaderboard.html", rows=shown.to_dict("records"), by=by, policy=policy,
        scale=scale, sort=sort, minimum=minimum, names=_names(shown, by), pages=pages,
        link=link, rank_by=RANK_BY, policies=POLICIES, filters=filters, tags=tags, teams=teams,
        # built once: url_for per row cost more than the whole ranking at 1,000 forecasters
        record_prefix=url_for("people.forecaster", user_id=1).removesuffix("1"),
    )


def _names(table: pd.DataFrame, by: str) -> dict[object, str]:
    if by != "forecaster" or table.empty:
        return {}
    return forecaster_names(get_session(), table["forecaster_id"])  # type: ignore[return-value]

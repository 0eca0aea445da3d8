"""Managers' dashboards: calibration, estimative language, scores over time.

Every number comes from the score store, read through `ScoreCache.derived` (keyed per page and
filters), so a page is computed once per change of the resolutions, not per request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from forecasts import bounds, briefings
from forecasts.briefings import estimative
from forecasts.models import Role, Tag, Team, User, UserKind
from forecasts.questions.crowd_chart import AGGREGATE_NAMES
from forecasts.scoring.book import CROWD_IDS, CROWD_NAMES
from forecasts.scoring.horizons import HORIZONS
from forecasts.scoring.reader import ScoreCache, Selection, StoredScores
from forecasts.scoring.reports import (
    Calibration,
    calibration,
    monthly_scores,
    snapshot_series,
    term_table,
)
from forecasts.scoring.subjects import choices, member_ids, tagged_question_ids
from web import query
from web.caches import score_cache
from web.charts import (
    calibration_figure,
    estimative_figure,
    monthly_figure,
    snapshot_figure,
)
from web.database import get_session
from web.permissions import role_required, viewer

bp = Blueprint("dashboards", __name__)

SUBJECTS = ("crowd", "forecaster", "team", "tag", "publication", "horizon")
STRATEGIES = ("uniform", "quantile")
INTERVALS = ("wilson", "jeffreys")


def _cache() -> ScoreCache:
    return score_cache()


def _choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    return query.choice(name, allowed, default)


def _whole(name: str, default: int | None, low: int, high: int) -> int | None:
    return query.whole(name, default, low, high)


@bp.get("/dashboards")
@role_required(Role.manager)
def index() -> ResponseReturnValue:
    """Links to every dashboard."""
    return render_template("dashboards/index.html", choices=choices(get_session()),
                           horizons=HORIZONS, aggregates=AGGREGATE_NAMES)


# ---------------------------------------------------------------- calibration


@dataclass(frozen=True)
class Subject:
    """Whose forecasts a calibration page shows, and how to read them from the score store."""

    kind: str
    key: str
    title: str
    empty: str
    sample: Callable[[StoredScores], pd.DataFrame]
    fingerprint: int = 0


def _finals(scores: StoredScores, selection: Selection) -> pd.DataFrame:
    return scores.book(selection).finals()


def _horizon(scores: StoredScores, key: str) -> pd.DataFrame:
    # counts kept beside the score store: no raw forecast is read, whatever the book's size
    sample, questions = scores.horizon_sample(key)
    sample.attrs["questions"] = questions
    return sample


def _crowd_subject(key: str) -> Subject:
    if key not in CROWD_IDS:
        abort(400, description=f"id must be one of: {', '.join(CROWD_IDS)}.")
    crowd_id = CROWD_IDS[key]
    return Subject("crowd", key, CROWD_NAMES[crowd_id],
                   "No resolved questions with forecasts yet, so the crowd has no record.",
                   lambda scores: scores.book(Selection(subjects=[crowd_id])).crowd_finals(
                       crowd_id))


def _forecaster_subject(key: str) -> Subject:
    # Whose it is is checked before whether it exists: a forecaster asking for any id but
    # their own gets the same 403, so the answer cannot tell which ids exist.
    if not (viewer().is_manager or _id(key) == viewer().id):
        abort(403, description="Forecasters may see their own calibration only.")
    user = _user(key, UserKind.person)
    return Subject("forecaster", key, user.display_name,
                   f"No resolved questions that {user.display_name} forecast on yet.",
                   lambda scores: _finals(scores, Selection(subjects=[user.id])))  # type: ignore[list-item]


def _publication_subject(key: str) -> Subject:
    user = _user(key, UserKind.publication)
    return Subject("publication", key, user.display_name,
                   f"No resolved questions from {user.display_name} yet: publish a briefing's "
                   "drafts and resolve its questions.",
                   lambda scores: _finals(scores, Selection(subjects=[user.id])))  # type: ignore[list-item]


def _team_subject(key: str) -> Subject:
    team = get_session().get(Team, _id(key))
    if team is None:
        abort(404, description=f"No team #{key}.")
    members = member_ids(get_session(), team.id)  # type: ignore[arg-type]
    return Subject("team", key, f"Team {team.name}",
                   f"No resolved questions yet for team {team.name}.",
                   lambda scores: _finals(scores, Selection(team_id=team.id)),
                   hash(tuple(members)))


def _tag_subject(key: str) -> Subject:
    tag = get_session().get(Tag, _id(key))
    if tag is None:
        abort(404, description=f"No tag #{key}.")
    tagged = tagged_question_ids(get_session(), tag.id)  # type: ignore[arg-type]
    return Subject("tag", key, f"Tag {tag.name}",
                   f"No resolved questions tagged {tag.name} yet.",
                   lambda scores: _finals(scores, Selection(tag_id=tag.id)),
                   hash(tuple(tagged)))


def _horizon_subject(key: str) -> Subject:
    if key not in HORIZONS:
        abort(400, description=f"id must be one of: {', '.join(HORIZONS)}.")
    return Subject("horizon", key, f"Forecasts {HORIZONS[key]}",
                   f"No forecasts {HORIZONS[key]} on resolved questions yet.",
                   lambda scores: _horizon(scores, key))


def _id(key: str) -> int:
    return query.parse_row_id(key)


def _user(key: str, kind: UserKind) -> User:
    user = get_session().get(User, _id(key))
    if user is None or user.kind != kind:
        abort(404, description=f"No {'forecaster' if kind is UserKind.person else kind.value} "
                               f"#{key}.")
    return user


SUBJECT_BUILDERS: dict[str, Callable[[str], Subject]] = {
    "crowd": _crowd_subject, "forecaster": _forecaster_subject, "team": _team_subject,
    "tag": _tag_subject, "publication": _publication_subject, "horizon": _horizon_subject,
}


def _default_key(kind: str, options: list[tuple[Any, str]]) -> str | None:
    if kind == "forecaster":
        return str(viewer().id) if not viewer().is_manager or not options else str(options[0][0])
    return str(options[0][0]) if options else None


def _options(kind: str) -> list[tuple[Any, str]]:
    """What the page's chooser offers; people and publications only once they have a score."""
    found = choices(get_session())
    scored = _cache().derived(get_session(), ("scored forecasters",),
                              lambda scores: scores.scored_subjects())
    options: dict[str, list[tuple[Any, str]]] = {
        "crowd": list(AGGREGATE_NAMES.items()), "horizon": list(HORIZONS.items()),
        "forecaster": [(i, n) for i, n in found.forecasters if i in scored],
        "team": found.teams, "tag": found.tags,
        "publication": [(i, n) for i, n in found.publications if i in scored],
    }
    return options[kind]


@bp.get("/dashboards/calibration")
@login_required
def calibration_page() -> ResponseReturnValue:
    """Reliability diagram with sharpness, Murphy terms and log score, for one subject."""
    kind = _choice("of", SUBJECTS, "forecaster" if not viewer().is_manager else "crowd")
    if kind != "forecaster" and not viewer().is_manager:
        abort(403, description="Only managers may see calibration other than their own.")
    strategy = _choice("strategy", STRATEGIES, "uniform")
    interval = _choice("interval", INTERVALS, "wilson")
    n_bins = _whole("bins", 10, *bounds.CALIBRATION_BINS)
    options = _options(kind) if viewer().is_manager else []
    key = (query.text("id") or None) or _default_key(kind, options)
    settings = {"of": kind, "strategy": strategy, "interval": interval, "bins": n_bins,
                "id": key, "options": options}
    if key is None:
        return render_template("dashboards/calibration.html", result=None, subject=None,
                               empty=f"Nothing to choose yet: no {kind}s exist.", **settings)
    subject = SUBJECT_BUILDERS[kind](key)
    cache_key = ("calibration", kind, key, subject.fingerprint, n_bins, strategy, interval)
    result, figure = _cache().derived(get_session(), cache_key, lambda book: _calibrate(
        subject.sample(book), n_bins, strategy, interval))
    horizons = _horizon_summary(n_bins, strategy, interval) if kind == "horizon" else None
    return render_template("dashboards/calibration.html", result=result, figure=figure,
                           subject=subject, empty=subject.empty, horizons=horizons, **settings)


def _horizon_summary(n_bins: int | None, strategy: str,
                     interval: str) -> list[tuple[str, str, Calibration | None]]:
    """Every horizon's scores side by side, to compare how calibration changes with lead time."""
    def build(scores: StoredScores) -> list[tuple[str, str, Calibration | None]]:
        samples = {key: _horizon(scores, key) for key in HORIZONS}
        return [(key, label, calibration(samples[key], n_bins=n_bins or 10, strategy=strategy,
                                         interval=interval,
                                         questions=samples[key].attrs["questions"]))
                for key, label in HORIZONS.items()]

    return _cache().derived(get_session(), ("horizons", n_bins, strategy, interval), build)


def _calibrate(sample: pd.DataFrame, n_bins: int | None, strategy: str,
               interval: str) -> tuple[Calibration | None, dict[str, Any] | None]:
    result = calibration(sample, n_bins=n_bins or 10, strategy=strategy, interval=interval,
                         questions=sample.attrs.get("questions"))
    return result, (calibration_figure(result) if result is not None else None)


# ---------------------------------------------------------------- estimative language


@bp.get("/dashboards/estimative")
@role_required(Role.manager)
def estimative_page() -> ResponseReturnValue:
    """How often each estimative term came true, against its band, per publication."""
    yardstick = _choice("yardstick", tuple(estimative.YARDSTICKS), estimative.DEFAULT_YARDSTICK)
    records = briefings.term_record(get_session())
    publications = sorted({r.publication for r in records}, key=str.lower)
    publication = query.text("publication")
    if publication and publication not in publications:
        abort(400, description=f"No published briefing drafts from {publication!r}.")
    chosen = [r for r in records if not publication or r.publication == publication]
    table = term_table(chosen, yardstick)
    resolved = table.loc[table["resolved"] > 0]
    figure = estimative_figure(resolved) if not resolved.empty else None
    return render_template(
        "dashboards/estimative.html", table=table, figure=figure, yardstick=yardstick,
        yardsticks=estimative.YARDSTICKS, publications=publications, publication=publication,
    )


# ---------------------------------------------------------------- scores over time


@bp.get("/dashboards/scores-over-time")
@role_required(Role.manager)
def scores_over_time() -> ResponseReturnValue:
    """Mean Brier and relative Brier by month of resolution, and the nightly snapshots."""
    kind = _choice("of", ("forecaster", "team"), "forecaster")
    options = _options(kind)
    key = (query.text("id") or None) or (str(options[0][0]) if options else None)
    settings = {"of": kind, "id": key, "options": options}
    if key is None:
        return render_template("dashboards/over_time.html", table=None, name=None,
                               **settings)
    if kind == "team":
        team = get_session().get(Team, _id(key))
        if team is None:
            abort(404, description=f"No team #{key}.")
        name, members = f"Team {team.name}", member_ids(get_session(), team.id)  # type: ignore[arg-type]
    else:
        name, members = _user(key, UserKind.person).display_name, [_id(key)]
    cache_key = ("monthly", kind, key, hash(tuple(members)))
    table, figure = _cache().derived(get_session(), cache_key, lambda scores: _monthly(
        scores, members, name))
    snapshots = snapshot_series(get_session(), kind, _id(key))
    return render_template(
        "dashboards/over_time.html", table=table, figure=figure, name=name,
        snapshots=snapshots,
        snapshot_chart=snapshot_figure(snapshots, name) if not snapshots.empty else None,
        **settings,
    )


def _monthly(scores: StoredScores, members: list[int],
             name: str) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    book = scores.book(Selection(subjects=members))
    table = monthly_scores(book.pairs, book.questions, members)
    return table, (monthly_figure(table, name) if not table.empty else None)

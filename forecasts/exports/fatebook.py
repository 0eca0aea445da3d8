"""Fatebook's CSV export, read into questions and forecasts.

Fatebook (github.com/Sage-Future/fatebook, ``lib/web/export.ts``) writes one row per forecast
with these columns: "Question title", "Multiple choice option", "Forecast created by",
"Forecast (scale = 0-1)", "Forecast created at", "Question created by", "Question created at",
"Question resolve by", "Resolution" (YES, NO or AMBIGUOUS; empty while unresolved),
"Resolved at", the viewer's Brier scores, "Question notes", sharing and comments. Its times are
written "YYYY-MM-DD HH:MM:S" (seconds not zero-padded) in the server's zone, which is UTC.

A Fatebook question has no close date: forecasting runs until it resolves. Imported, it opens
when it was created and closes when it was resolved (or at its resolve-by date if unresolved).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from forecasts.errors import ValidationFailed
from forecasts.exports.checks import (
    BadRow,
    ImportPlan,
    check_text,
    checked_forecast,
    find_user,
)
from forecasts.models import Action, Outcome, Question, User
from forecasts.questions.catalog import QuestionCreate, check_question

TITLE, OPTION, FORECASTER = "Question title", "Multiple choice option", "Forecast created by"
PROBABILITY, FORECAST_AT = "Forecast (scale = 0-1)", "Forecast created at"
CREATED_AT, RESOLVE_BY = "Question created at", "Question resolve by"
RESOLUTION, RESOLVED_AT, NOTES = "Resolution", "Resolved at", "Question notes"
REQUIRED = {TITLE, FORECASTER, PROBABILITY, FORECAST_AT, CREATED_AT, RESOLVE_BY, RESOLUTION}
OUTCOMES = {"YES": Outcome.yes, "NO": Outcome.no, "AMBIGUOUS": Outcome.annulled}
TIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?Z?$")
CRITERIA = "Imported from Fatebook: resolved there by its author."


def is_fatebook(columns: set[str]) -> bool:
    """Whether a header is Fatebook's export."""
    return columns >= REQUIRED


def fatebook_time(text: str, name: str) -> datetime:
    """A Fatebook time (UTC) → aware datetime; raises ValueError naming the column."""
    match = TIME.match(text.strip())
    if not match:
        raise ValueError(f"{name} {text!r} is not a time like 2024-03-05 14:07:05")
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        raise ValueError(f"{name} {text!r} is not a real date") from None
    if not 1970 <= moment.year < 2200:
        raise ValueError(f"{name} {text!r} is outside 1970–2200")
    return moment


def _users_by_name(users: dict[str, User]) -> Callable[[str], User]:
    by_display: dict[str, list[User]] = {}
    for user in users.values():
        by_display.setdefault(user.display_name.casefold(), []).append(user)

    def find(name: str) -> User:
        if name.strip().lower() in users:
            return find_user(users, name, "forecaster")
        matches = by_display.get(name.strip().casefold(), [])
        if len(matches) == 1:
            return matches[0]
        raise ValueError(f"forecaster {name!r} is not a username here, nor one person's "
                         "display name (create them first)")

    return find


def _question(row: dict[str, str], actor: User) -> tuple[Question, list[dict[str, object]]]:
    check_text({"title": row[TITLE].strip(), "description": row.get(NOTES, "")})
    opens_at = fatebook_time(row[CREATED_AT], CREATED_AT)
    resolve_by = fatebook_time(row[RESOLVE_BY], RESOLVE_BY)
    resolution = row[RESOLUTION].strip().upper()
    if resolution and resolution not in OUTCOMES:
        raise ValueError(f"Resolution {row[RESOLUTION]!r} is not YES, NO or AMBIGUOUS")
    resolved_at = fatebook_time(row[RESOLVED_AT], RESOLVED_AT) if resolution else None
    closes_at = resolved_at or resolve_by
    data = QuestionCreate(title=row[TITLE].strip(), description=row.get(NOTES, ""),
                          resolution_criteria=CRITERIA, opens_at=opens_at, closes_at=closes_at,
                          resolve_by=max(resolve_by, closes_at), source_name="Fatebook")
    check_question(data)
    question = Question(**data.model_dump(exclude={"tags"}),
                        created_by_id=actor.id,  # type: ignore[arg-type]
                        created_at=opens_at, published_at=opens_at,
                        outcome=OUTCOMES[resolution] if resolution else None,
                        resolved_at=resolved_at)
    trail: list[dict[str, object]] = []
    if resolved_at is not None:
        trail.append({"at": resolved_at, "action": Action.resolve, "actor_id": actor.id,
                      "from_outcome": None, "to_outcome": question.outcome,
                      "note": "Resolution imported from Fatebook."})
    return question, trail


def plan(rows: list[dict[str, str]], users: dict[str, User], titles: set[str], *, actor: User,
         progress: Callable[[int], None] | None = None) -> ImportPlan:
    """Check every row of a Fatebook export; questions are grouped by title and creation time."""
    result = ImportPlan()
    person = _users_by_name(users)
    made: dict[tuple[str, str], Question | None] = {}
    for index, row in enumerate(rows):
        if progress is not None and index % 1000 == 999:
            progress(1000)
        try:
            if row.get(OPTION, "").strip():
                raise ValueError("multiple-choice questions cannot be imported (yes/no only)")
            key = (row[TITLE].strip().casefold(), row[CREATED_AT].strip())
            if key not in made:
                made[key] = None  # a bad question row makes its other rows bad too
                if key[0] in titles:
                    raise ValueError(f"a question titled {row[TITLE].strip()!r} already exists")
                question, trail = _question(row, actor)
                made[key] = question
                result.questions.append((question, [], trail))
            found = made[key]
            if found is None:
                raise ValueError("its question could not be imported (see its first row)")
            result.forecasts.append(checked_forecast(
                found, person(row[FORECASTER]), row[PROBABILITY],
                fatebook_time(row[FORECAST_AT], FORECAST_AT), ""))
        except (ValueError, ValidationFailed) as error:
            reason = ("; ".join(f"{k}: {v}" for k, v in error.fields.items())
                      if isinstance(error, ValidationFailed) else str(error))
            result.bad.append(BadRow(index + 1, reason))
    titles.update(key for key, _ in made)
    return result

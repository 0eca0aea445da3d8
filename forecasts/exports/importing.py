"""Import questions and forecasts: the product's own export (CSV or JSON) and Fatebook's CSV.

Every row is checked before anything is stored; one bad row refuses the whole file, and the
refusal names each bad row and its reason. Forecasters are matched by username (Fatebook
names by display name when exactly one person has it); nobody is created. Forecast times are
kept, so an imported history scores as it happened.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session, col, select

from forecasts.errors import ValidationFailed
from forecasts.exports import fatebook
from forecasts.exports.cells import restore
from forecasts.exports.checks import (
    TEXT_LIMITS,
    BadRow,
    ImportPlan,
    ImportRefused,
    ImportReport,
    check_text,
    checked_forecast,
    find_user,
    optional_time,
    parse_time,
)
from forecasts.exports.datasets import FORECAST_COLUMNS, QUESTION_COLUMNS
from forecasts.models import Action, Forecast, Outcome, Question, ResolutionEvent, User
from forecasts.questions.catalog import QuestionCreate, check_question, require_manager, set_tags
from forecasts.scoring import store as score_store

Progress = Callable[[int], None]
BATCH = 5_000


def read_rows(text: str, *, json_file: bool = False) -> list[dict[str, str]]:
    """A CSV (header first) or a JSON list of objects, as rows of text; raises ValidationFailed."""
    if json_file:
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationFailed({"file": f"Not valid JSON: {error.msg}."}) from None
        if not isinstance(loaded, list) or not all(isinstance(r, dict) for r in loaded):
            raise ValidationFailed({"file": "Expected a JSON list of objects."})
        return [{str(k): "" if v is None else str(v) for k, v in r.items()} for r in loaded]
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    if not reader.fieldnames:
        raise ValidationFailed({"file": "The file is empty: expected a header row."})
    # Our exports neutralise formula-like cells; Fatebook's do not, and have no such cells to undo.
    return [{k: restore(v or "") for k, v in row.items() if k is not None} for row in reader]


def import_file(session: Session, text: str, *, kind: str, actor: User,
                json_file: bool = False, progress: Progress | None = None) -> ImportReport:
    """Read a file and import it with :func:`import_rows`; raises as that does."""
    require_manager(actor)
    return import_rows(session, read_rows(text, json_file=json_file), kind=kind, actor=actor,
                       progress=progress)


def import_rows(session: Session, rows: list[dict[str, str]], *, kind: str, actor: User,
                progress: Progress | None = None) -> ImportReport:
    """Import ``kind`` ("questions" or "forecasts") from the product's export or Fatebook's CSV
    (which holds both). ``progress(n)`` is told as rows are checked.

    Raises NotAllowed for a non-manager, ValidationFailed for unknown columns, ImportRefused
    (naming every bad row) when any row is bad; nothing is stored then.
    """
    require_manager(actor)
    columns = set(rows[0]) if rows else set()
    users = _users(session)
    if not rows:
        raise ValidationFailed({"file": "The file has a header but no rows."})
    if fatebook.is_fatebook(columns):
        plan = fatebook.plan(rows, users, _titles(session), actor=actor, progress=progress)
        kind = "fatebook"
    elif kind == "questions" and columns >= {"title", "resolution_criteria", "opens_at"}:
        plan = _plan_questions(rows, users, _titles(session), actor, progress)
    elif kind == "forecasts" and columns >= {"question_title", "forecaster", "probability"}:
        by_title = _questions_by_title(session)
        named = {q.id for row in rows
                 for q in by_title.get(row.get("question_title", "").strip().casefold(), [])}
        plan = _plan_forecasts(rows, users, by_title, progress,
                               stored=_stored_forecasts(session, named))
    else:
        wanted = QUESTION_COLUMNS if kind == "questions" else FORECAST_COLUMNS
        raise ValidationFailed({"file": f"Unknown columns. Expected this product's {kind} "
                                        f"export ({', '.join(wanted)}) or Fatebook's CSV."})
    if plan.bad:
        raise ImportRefused(plan.bad)
    return _store(session, plan, kind)


def _users(session: Session) -> dict[str, User]:
    return {u.username.lower(): u for u in session.exec(select(User))}


def _titles(session: Session) -> set[str]:
    return {t.casefold() for t in session.exec(select(Question.title))}


def _questions_by_title(session: Session) -> dict[str, list[Question]]:
    found: dict[str, list[Question]] = {}
    for question in session.exec(select(Question)):
        found.setdefault(question.title.casefold(), []).append(question)
    return found


def _tick(progress: Progress | None, index: int) -> None:
    if progress is not None and index % 1000 == 999:
        progress(1000)


def _plan_questions(rows: list[dict[str, str]], users: dict[str, User], titles: set[str],
                    actor: User, progress: Progress | None) -> ImportPlan:
    plan = ImportPlan()
    for index, row in enumerate(rows):
        _tick(progress, index)
        try:
            plan.questions.append(own_question(row, users, titles, actor))
        except (ValueError, ValidationFailed) as error:
            plan.bad.append(BadRow(index + 1, _reason(error)))
    return plan


def _reason(error: Exception) -> str:
    return str(error)  # a ValidationFailed's text is its messages, as sentences


def own_question(row: dict[str, str], users: dict[str, User], titles: set[str],
                 actor: User) -> tuple[Question, list[str], list[dict[str, object]]]:
    """One row of the product's questions export as a question, its tags and trail entries."""
    title = row.get("title", "").strip()
    check_text({name: row.get(name, "") for name in TEXT_LIMITS if name != "note"})
    if title.casefold() in titles:
        raise ValueError(f"a question titled {title!r} already exists")
    data = QuestionCreate(
        title=title, description=row.get("description", ""),
        resolution_criteria=row.get("resolution_criteria", ""),
        opens_at=parse_time(row.get("opens_at", ""), "opens_at"),
        closes_at=parse_time(row.get("closes_at", ""), "closes_at"),
        resolve_by=parse_time(row.get("resolve_by", ""), "resolve_by"),
        source_name=row.get("source_name", ""), source_url=row.get("source_url", ""),
        source_quote=row.get("source_quote", ""),
        tags=[t for t in row.get("tags", "").split(";") if t.strip()])
    check_question(data)
    if any(len(" ".join(tag.split())) > 60 for tag in data.tags):
        raise ValueError("a tag is longer than 60 characters")
    outcome_text = row.get("outcome", "").strip().lower()
    if outcome_text and outcome_text not in {o.value for o in Outcome}:
        raise ValueError(f"outcome {outcome_text!r} is not yes, no or annulled")
    author = find_user(users, row["created_by"], "created_by") if row.get("created_by") else actor
    question = Question(
        **data.model_dump(exclude={"tags"}), created_by_id=author.id,  # type: ignore[arg-type]
        created_at=optional_time(row.get("created_at", ""), "created_at") or data.opens_at,
        published_at=optional_time(row.get("published_at", ""), "published_at"),
        closed_early_at=optional_time(row.get("closed_early_at", ""), "closed_early_at"),
        outcome=Outcome(outcome_text) if outcome_text else None,
        resolved_at=optional_time(row.get("resolved_at", ""), "resolved_at"))
    if question.outcome is not None and question.resolved_at is None:
        raise ValueError("a resolved question needs resolved_at")
    titles.add(title.casefold())
    return question, data.tags, _trail(row.get("trail", ""), users)


def _trail(text: str, users: dict[str, User]) -> list[dict[str, object]]:
    if not text.strip():
        return []
    try:
        entries = json.loads(text)
    except json.JSONDecodeError:
        raise ValueError("trail is not valid JSON") from None
    if not isinstance(entries, list):
        raise ValueError("trail must be a JSON list")
    trail = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("action") not in {a.value for a in Action}:
            raise ValueError("a trail entry has no known action")
        outcomes = {o.value for o in Outcome} | {None}
        if entry.get("from") not in outcomes or entry.get("to") not in outcomes:
            raise ValueError("a trail entry has an unknown outcome")
        trail.append({
            "at": parse_time(str(entry.get("at", "")), "trail time"),
            "action": Action(entry["action"]),
            "actor_id": find_user(users, str(entry.get("actor", "")), "trail actor").id,
            "from_outcome": Outcome(entry["from"]) if entry.get("from") else None,
            "to_outcome": Outcome(entry["to"]) if entry.get("to") else None,
            "note": str(entry.get("note", "")),
        })
        check_text({"note": str(trail[-1]["note"])})
    return trail


def _stored_forecasts(session: Session,
                      question_ids: set[int | None]) -> set[tuple[int, int, datetime]]:
    """(question, forecaster, time) of the stored forecasts on these questions: an import never
    repeats one."""
    rows = session.exec(select(Forecast.question_id, Forecast.forecaster_id, Forecast.created_at)
                        .where(col(Forecast.question_id).in_(question_ids)))
    return {(q, f, t) for q, f, t in rows}


def _plan_forecasts(rows: list[dict[str, str]], users: dict[str, User],
                    by_title: dict[str, list[Question]], progress: Progress | None, *,
                    stored: set[tuple[int, int, datetime]]) -> ImportPlan:
    plan = ImportPlan()
    seen = set(stored)
    for index, row in enumerate(rows):
        _tick(progress, index)
        try:
            matches = by_title.get(row.get("question_title", "").strip().casefold(), [])
            if len(matches) != 1:
                raise ValueError(f"{'no' if not matches else 'more than one'} question titled "
                                 f"{row.get('question_title', '')!r}")
            forecast = checked_forecast(
                matches[0], find_user(users, row.get("forecaster", ""), "forecaster"),
                row.get("probability", ""), parse_time(row.get("created_at", ""), "created_at"),
                row.get("rationale", ""))
            # Forecasts are append-only history: the same forecaster cannot have forecast the
            # same question twice at one instant, so a repeat is a re-imported row, refused.
            key = (matches[0].id, forecast["forecaster_id"], forecast["created_at"])
            if key in seen:
                raise ValueError("this forecaster already has a forecast on this question at "
                                 "this time (was the file imported before?)")
            seen.add(key)  # type: ignore[arg-type]
            plan.forecasts.append(forecast)
        except (ValueError, ValidationFailed) as error:
            plan.bad.append(BadRow(index + 1, _reason(error)))
    return plan


def _store(session: Session, plan: ImportPlan, kind: str) -> ImportReport:
    """Store the plan in the caller's transaction (flushed; the caller commits).

    On any error the transaction is rolled back: all of the plan is stored, or none of it.
    """
    try:
        for question, tags, trail in plan.questions:
            session.add(question)
            session.flush()
            set_tags(session, question, tags)
            session.add_all(ResolutionEvent(question_id=question.id, **entry)  # type: ignore[arg-type]
                            for entry in trail)
        session.flush()
        rows = [{**{k: v for k, v in f.items() if k != "question"},
                 "question_id": f["question"].id} for f in plan.forecasts]  # type: ignore[attr-defined]
        for start in range(0, len(rows), BATCH):
            session.execute(insert(Forecast), rows[start:start + BATCH])
        # Imported resolutions and forecasts change scores as a resolution does: in the same
        # transaction, for exactly these questions (unresolved ones get no rows).
        touched = {question.id for question, _, _ in plan.questions} | {
            row["question_id"] for row in rows}
        score_store.rescore(session.connection(), touched)  # type: ignore[arg-type]
        session.flush()
    except Exception:
        session.rollback()
        raise
    return ImportReport(questions=len(plan.questions), forecasts=len(rows), kind=kind)

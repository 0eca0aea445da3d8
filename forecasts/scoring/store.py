"""The per-question score store: rows written when a question is resolved, read by every page.

Only a resolution (or its correction, or an annulment) can change a score: forecasts are refused
once a question closes, and resolved questions cannot be edited. So a question's rows are
rewritten in the same transaction as its resolution, and only that question's; nothing else
(a close, a proposal, a dismissal, a new forecast) touches them. `rebuild` rewrites the whole
table after a change to the scoring rules. Definitions: docs/scoring.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Connection, bindparam, text
from sqlalchemy.orm import Session as ORMSession
from sqlmodel import Session

from forecasts.models import Action, QuestionScore, ResolutionEvent
from forecasts.questions.crowd import crowd_member_sql
from forecasts.scoring import summary
from forecasts.scoring.driver import INSTANT, collector_paused, copy_rows, read_frame
from forecasts.scoring.horizons import FINAL_COLUMNS
from forecasts.scoring.table import SCORE_COLUMNS, empty_rows, score_rows

logger = logging.getLogger(__name__)

BATCH_QUESTIONS = 500  # questions scored per batch by rebuild: bounds its working set
_SCORE_TABLE = QuestionScore.__table__  # type: ignore[attr-defined]
_RESCORING_ACTIONS = (Action.resolve, Action.correct)

_QUESTIONS_SQL = text("""
SELECT id AS question_id, opens_at, closes_at, closed_early_at, resolved_at, outcome
FROM question WHERE outcome IN ('yes', 'no') AND id IN :ids
""").bindparams(bindparam("ids", expanding=True, type_=sa.Integer))
IN_CROWD = crowd_member_sql("u")  # the one crowd rule (forecasts/questions/crowd.py), as SQL
_FORECASTS_SQL = text(f"""
SELECT f.question_id, f.forecaster_id, f.probability, f.created_at,
       CASE WHEN {IN_CROWD} THEN 1 ELSE 0 END AS in_crowd
FROM forecast f JOIN "user" u ON u.id = f.forecaster_id
WHERE f.question_id IN :ids
""").bindparams(bindparam("ids", expanding=True, type_=sa.Integer))
_ALL_QUESTIONS_SQL = text("""
SELECT id AS question_id, opens_at, closes_at, closed_early_at, resolved_at, outcome
FROM question WHERE outcome IN ('yes', 'no')
""")
_ALL_FORECASTS_SQL = text(f"""
SELECT f.question_id, f.forecaster_id, f.probability, f.created_at,
       CASE WHEN {IN_CROWD} THEN 1 ELSE 0 END AS in_crowd
FROM forecast f JOIN question q ON q.id = f.question_id JOIN "user" u ON u.id = f.forecaster_id
WHERE q.outcome IN ('yes', 'no')
""")
# every column typed as read (driver.read_frame): no inference, instants parsed as text
_FORECAST_TYPES = {"question_id": "int64", "forecaster_id": "int64", "probability": "float64",
                   "created_at": INSTANT, "in_crowd": "int64"}
_RESOLVED_SQL = text("SELECT id FROM question WHERE outcome IN ('yes', 'no') ORDER BY id")


def _utc(values: pd.Series, *, coerce: bool = False) -> pd.Series:
    # SQLite hands back ISO strings, PostgreSQL aware datetimes: both become UTC instants.
    errors = "coerce" if coerce else "raise"
    return pd.to_datetime(values, utc=True, format="ISO8601", errors=errors)


def scoring_frames(
    connection: Connection, question_ids: Sequence[int] | None = None, *, skip_bad: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Forecasts and questions of these questions (None: all), those resolved YES or NO.

    As the engine takes them (frames.py). A question closed early ends at that moment.
    `in_crowd` is False for a publication's stated forecasts: the publication is scored against
    the crowd, not part of it. Raw SQL, because ORM rows would take seconds to build at scale.
    Raises ValueError (OutOfBoundsDatetime) for an instant pandas cannot hold, unless
    `skip_bad`, which leaves such questions out (with a warning in the log).
    """
    if question_ids is None:
        questions = read_frame(connection, _ALL_QUESTIONS_SQL)
        forecasts = read_frame(connection, _ALL_FORECASTS_SQL, _FORECAST_TYPES)
    else:
        ids = {"ids": [int(i) for i in question_ids]}
        questions = read_frame(connection, _QUESTIONS_SQL.bindparams(**ids))
        forecasts = read_frame(connection, _FORECASTS_SQL.bindparams(**ids), _FORECAST_TYPES)
    for column in ("opens_at", "closes_at", "closed_early_at", "resolved_at"):
        questions[column] = _utc(questions[column], coerce=skip_bad)
    if skip_bad:
        bad = questions[["opens_at", "closes_at", "resolved_at"]].isna().any(axis=1)
        if bad.any():
            logger.warning("Left out questions with instants out of range: %s",
                           questions.loc[bad, "question_id"].tolist())
        questions = questions.loc[~bad]
    questions["closes_at"] = questions[["closes_at", "closed_early_at"]].min(axis=1)
    questions["outcome"] = (questions["outcome"] == "yes").astype(np.int8)
    forecasts["in_crowd"] = forecasts["in_crowd"].astype(bool)
    forecasts = forecasts.loc[forecasts["question_id"].isin(questions["question_id"])]
    return forecasts, questions.drop(columns="closed_early_at")


def _rows_for(connection: Connection, question_ids: Sequence[int]) -> pd.DataFrame:
    """Fresh score rows for these questions; a question the engine refuses is logged, skipped."""
    try:
        return score_rows(*scoring_frames(connection, question_ids))
    except (ValueError, OverflowError):
        if len(question_ids) == 1:
            logger.exception("Question %d cannot be scored; it is left out of every score",
                             question_ids[0])
            return empty_rows()
    # one bad question must not cost its whole batch its scores
    parts = [_rows_for(connection, [question_id]) for question_id in question_ids]
    return pd.concat(parts, ignore_index=True) if parts else empty_rows()


def _write(connection: Connection, question_ids: Sequence[int], rows: pd.DataFrame) -> int:
    """Replace these questions' rows by `rows`, and the summaries' share of them likewise."""
    ids = [int(i) for i in question_ids]
    # RETURNING gives exactly the rows this transaction removed: their share of the summaries
    removed = connection.execute(
        sa.delete(_SCORE_TABLE).where(_SCORE_TABLE.c.question_id.in_(ids))
        .returning(*(_SCORE_TABLE.c[name] for name in summary.ROW_COLUMNS))).all()
    old = pd.DataFrame(removed, columns=list(summary.ROW_COLUMNS))
    written = _insert(connection, rows)
    summary.update(connection, old, rows)
    return written


def _insert(connection: Connection, rows: pd.DataFrame) -> int:
    """Bulk-insert score rows: binary COPY on PostgreSQL, one executemany on SQLite.

    Straight to the driver: SQLAlchemy's per-row parameter handling cost more than the scoring.
    """
    if rows.empty:
        return 0
    columns = list(SCORE_COLUMNS)
    values: list[list[object]] = []
    for column in columns:
        series = rows[column]
        if column == "resolved_at":
            # a few distinct instants (one per question): each converted once
            code, distinct = pd.factorize(_utc(series))
            if connection.dialect.name == "sqlite":  # UTCDateTime's stored form there
                stored = np.array(distinct.strftime("%Y-%m-%d %H:%M:%S.%f"), dtype=object)
            else:
                stored = np.array(list(distinct.to_pydatetime()), dtype=object)
            values.append(stored[code].tolist())
        elif column in FINAL_COLUMNS.values():
            final = series.to_numpy(dtype=float)
            cells = final.astype(object)
            cells[np.isnan(final)] = None
            values.append(cells.tolist())
        elif column == "in_crowd":
            values.append(series.astype(bool).tolist())
        else:
            values.append(series.tolist())
    records = list(zip(*values, strict=True))
    names = ", ".join(f'"{column}"' for column in columns)
    if connection.dialect.name == "postgresql":
        copy_rows(connection, _SCORE_TABLE, columns, records)
    else:
        marks = ", ".join("?" for _ in columns)
        connection.exec_driver_sql(f"INSERT INTO question_score ({names}) VALUES ({marks})",
                                   records)
    return len(records)


def rescore(connection: Connection, question_ids: Iterable[int]) -> int:
    """Rewrite these questions' rows (none for an unresolved or annulled one); returns rows."""
    ids = sorted({int(i) for i in question_ids})
    if not ids:
        return 0
    with collector_paused():  # a resolution's many short-lived objects (driver.py)
        return _write(connection, ids, _rows_for(connection, ids))


_PENDING = "forecasts.scoring.store:pending"  # session.info key: questions to rescore


def _pending_resolutions(session: Session) -> set[int]:
    return {event.question_id for event in session.new
            if isinstance(event, ResolutionEvent) and event.action in _RESCORING_ACTIONS}


@sa.event.listens_for(ORMSession, "before_flush")
def _note_resolutions(session: ORMSession, _context: object, _instances: object) -> None:
    # a query inside resolve() autoflushes the trail entries before the hook runs
    session.info.setdefault(_PENDING, set()).update(_pending_resolutions(session))  # type: ignore[arg-type]


@sa.event.listens_for(ORMSession, "after_commit")
@sa.event.listens_for(ORMSession, "after_rollback")
def _forget_resolutions(session: ORMSession) -> None:
    session.info.pop(_PENDING, None)


def rescore_resolved(session: Session) -> int:
    """Rescore the questions whose resolution changes in `session` before it commits.

    The hook `resolution.resolve` calls: it finds the resolve and correct entries of the audit
    trail added in this transaction (an annulment is one of those), so a close, a proposal or a
    dismissal rescores nothing. Same transaction: the scores commit or roll back with the
    resolution. Returns the rows written.
    """
    ids = session.info.pop(_PENDING, set()) | _pending_resolutions(session)
    if not ids:
        return 0
    session.flush()
    session.info.pop(_PENDING, None)
    return rescore(session.connection(), ids)


def rebuild(
    connection: Connection,
    *,
    batch: int = BATCH_QUESTIONS,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Rewrite the whole table, `batch` questions at a time; returns the rows written.

    `progress` is called with the number of questions each batch finished. The caller commits.
    """
    connection.execute(sa.delete(_SCORE_TABLE))
    summary.clear(connection)
    ids = [int(i) for i in connection.execute(_RESOLVED_SQL).scalars()]
    written = 0
    # batches hold different questions, so the summaries of the whole are sums of the batches';
    # they are folded in as they come (their size is set by forecasters, not forecasts)
    totals = summary.Totals()
    for start in range(0, len(ids), batch):
        part = ids[start:start + batch]
        rows = _rows_for(connection, part)
        written += _insert(connection, rows)
        totals.add(rows)
        if progress is not None:
            progress(len(part))
    totals.write(connection)
    return written


def resolved_count(connection: Connection) -> int:
    """How many questions are resolved YES or NO (what rebuild goes through)."""
    return int(connection.execute(
        text("SELECT count(*) FROM question WHERE outcome IN ('yes', 'no')")).scalar_one())


# newest first by the primary key, stopping at the first match: max(id) with a WHERE would
# read the whole trail on every request
_VERSION_SQL = text("""
SELECT (SELECT id FROM resolution_event WHERE action IN ('resolve', 'correct')
        ORDER BY id DESC LIMIT 1),
       (SELECT max(id) FROM question_score)
""")


def score_version(connection: Connection) -> tuple[int, int]:
    """Changes exactly when some stored score may have changed: a resolution, or a rebuild."""
    resolved, stored = connection.execute(_VERSION_SQL).one()
    return int(resolved or 0), int(stored or 0)


_READ_SQL = text("SELECT " + ", ".join(SCORE_COLUMNS) + " FROM question_score")


def score_frame(connection: Connection, statement: sa.Executable) -> pd.DataFrame:
    """Stored score rows selected by `statement` (columns: SCORE_COLUMNS), typed as the engine
    makes them: resolved_at as UTC instants, in_crowd as bools, the rest numbers (NaN for a
    missing final forecast). Read through the driver (read_frame): SQLAlchemy's per-row type
    handling cost a cold calibration page more than everything else it did."""
    rows = read_frame(connection, statement, _SCORE_TYPES)
    if rows.empty:
        return empty_rows().astype({"resolved_at": "datetime64[ns, UTC]", "in_crowd": bool,
                                    "kind": object, "option": object})
    return rows


def _column_types(table: sa.Table) -> dict[str, str]:
    """Each column's dtype for driver.read_frame, from the table's column types (a missing
    final forecast, the one nullable number, comes as NaN)."""
    found = {}
    for column in table.c:
        stored = getattr(column.type, "impl", column.type)  # UTCDateTime is a DateTime
        kind = stored.python_type
        found[column.name] = (INSTANT if kind is datetime else "bool" if kind is bool
                              else "int64" if kind is int and not column.nullable
                              else "float64" if kind in (int, float) else "object")
    return found


_SCORE_TYPES = _column_types(_SCORE_TABLE)


def read_rows(connection: Connection) -> pd.DataFrame:
    """Every stored row (score_frame's columns and types)."""
    return score_frame(connection, _READ_SQL)

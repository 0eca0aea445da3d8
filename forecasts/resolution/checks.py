"""Polling resolution sources: fetch them concurrently, judge each answer, record, propose.

A source check (``SourceCheck``) is the record of one poll. Elsewhere ``check_*`` only validates
input and raises; fetching a source is always "poll".

Fetching and judging happen in worker threads on plain values (at most 16 at once, each fetch
with a total deadline); results are written as they come, a batch per transaction (all or none;
a proposal that resolves at once gets its own), so a process killed mid-run leaves each source
either fully checked or not at all. A failed check leaves the question untouched and is retried
with backoff; a check never turns a failure into evidence.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from forecasts.accounts import actors
from forecasts.db import UTCDateTime
from forecasts.errors import DomainError
from forecasts.models import (
    Outcome,
    Proposal,
    Question,
    ResolutionSource,
    SourceCheck,
    SourceKind,
    User,
)
from forecasts.questions.catalog import require_manager
from forecasts.resolution import proposals
from forecasts.resolution.fetching import Fetcher
from forecasts.resolution.judging import Due, Verdict, check

logger = logging.getLogger(__name__)

CHECK_EVERY = timedelta(hours=1)
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=6)


def backoff(failures: int) -> timedelta:
    """Wait before retrying: 5 min, doubling per consecutive failure, at most 6 h."""
    return min(FIRST_RETRY * 2 ** max(failures - 1, 0), LONGEST_RETRY)


def due_sources(
    session: Session, *, now: datetime, after_id: int = 0, limit: int = 500
) -> list[Due]:
    """Sources whose next check has come, of open-for-checking questions, by id."""
    has_proposal = select(Proposal.question_id)
    rows = session.exec(
        select(ResolutionSource, Question)
        .join(Question, col(Question.id) == ResolutionSource.question_id)
        .where(
            col(ResolutionSource.id) > after_id,
            ResolutionSource.next_check_at <= now,
            col(Question.published_at).is_not(None),
            col(Question.outcome).is_(None),
            Question.opens_at <= now,
            col(Question.id).not_in(has_proposal),
            sa.or_(col(Question.resolve_by) >= now, col(ResolutionSource.no_event_means_no)),
        )
        .order_by(col(ResolutionSource.id))
        .limit(limit)
    )
    return [_due(source, question) for source, question in rows]


def _due(source: ResolutionSource, question: Question) -> Due:
    return Due(
        source_id=source.id, question_id=question.id, kind=source.kind,  # type: ignore[arg-type]
        url=source.url, pointer=source.pointer, comparison=source.comparison,
        value=source.value, pattern=source.pattern, pattern_is_regex=source.pattern_is_regex,
        no_event_means_no=source.no_event_means_no, auto_apply=source.auto_apply,
        created_by_id=source.created_by_id, failures=source.failures,
        last_checked_at=source.last_checked_at, opens_at=question.opens_at,
        closed_at=question.closed_at, resolve_by=question.resolve_by,
    )


def record(session: Session, due: Due, verdict: Verdict, *, now: datetime) -> str:
    """Write one check in its own transaction and propose if it decides; returns what happened.

    'failed', 'checked' or 'proposed'; 'gone' when the source was removed meanwhile.
    """
    # Plain UPDATE/INSERT statements: this runs once per source per run, 10,000s of times.
    now = verdict.checked_at or now
    table = ResolutionSource.__table__  # type: ignore[attr-defined]
    values: dict[str, Any] = {"last_checked_at": now, "last_status": verdict.status}
    if verdict.ok:
        values.update(failures=0, last_error="", next_check_at=now + CHECK_EVERY)
    else:
        failures = due.failures + 1
        values.update(failures=failures, last_error=verdict.error,
                      next_check_at=now + backoff(failures))
    updated = session.execute(sa.update(table).where(table.c.id == due.source_id).values(values))
    if updated.rowcount == 0:  # type: ignore[attr-defined]
        session.rollback()
        return "gone"
    session.execute(sa.insert(SourceCheck.__table__).values(  # type: ignore[attr-defined]
        source_id=due.source_id, checked_at=now, ok=verdict.ok, fired=verdict.fired,
        status_code=verdict.status, value=verdict.value, error=verdict.error,
    ))
    outcome = _decision(due, verdict, now) if verdict.ok else None
    if outcome is None:
        session.commit()
        return "checked" if verdict.ok else "failed"
    facts = _facts(due, verdict)
    question = session.get(Question, due.question_id)
    if due.auto_apply:  # resolving needs the authority of the manager who set the source up
        creator = session.get(User, due.created_by_id)
        require_manager(creator)  # type: ignore[arg-type]
    proposal = proposals.propose(session, question, outcome=outcome, facts=facts,  # type: ignore[arg-type]
                                 actor=actors.scheduler(session, now=now),
                                 auto_apply=due.auto_apply, now=now)
    session.commit()
    return "proposed" if proposal is not None else "checked"


def _decision(due: Due, verdict: Verdict, now: datetime) -> Outcome | None:
    if verdict.fired:
        return Outcome.yes
    if verdict.undecided:
        return None
    if due.no_event_means_no and (verdict.checked_at or now) > due.deadline:
        return Outcome.no
    return None


def _batches(session: Session, now: datetime, size: int) -> Iterator[list[Due]]:
    after = 0
    while batch := due_sources(session, now=now, after_id=after, limit=size):
        yield batch
        after = batch[-1].source_id


def poll_due(
    session: Session,
    *,
    now: datetime,
    clock: Callable[[], datetime] | None = None,
    fetcher: Fetcher | None = None,
    workers: int = 16,
    batch_size: int = 500,
) -> dict[str, int]:
    """Poll (fetch and judge) every source due at ``now``, ``workers`` at a time; counts.

    The counts say what happened (checked, proposed, failed ...).

    Each check is timed by ``clock`` (``now`` without one) when it starts, so its
    ``checked_at`` is when it ran. Results are written in groups of ``batch_size`` as checks
    finish, so a slow source holds up only its own worker: at most ``4 * workers`` checks are
    in flight, which keeps memory flat however many sources are due.
    """
    counts: Counter[str] = Counter()
    fetcher = fetcher or Fetcher()
    moment = clock or (lambda: now)
    in_flight: set[Future[tuple[Due, Verdict]]] = set()
    finished: list[tuple[Due, Verdict]] = []

    def collect() -> None:  # wait for at least one check to finish
        nonlocal in_flight
        done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
        finished.extend(future.result() for future in done)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="poll") as pool:
        for batch in _batches(session, now, batch_size):
            session.commit()  # end the read (and the caller's work so far) before the fetches
            for due in batch:
                while len(in_flight) >= 4 * workers:
                    collect()
                in_flight.add(pool.submit(_verdict, fetcher, due, moment))
                if len(finished) >= batch_size:
                    # Written in one burst, not one by one while threads parse answers: each
                    # database call would otherwise wait for the GIL (a convoy), 3x slower.
                    counts.update(_record_batch(session, finished, now))
                    finished = []
        while in_flight:
            collect()
            if len(finished) >= batch_size or not in_flight:
                counts.update(_record_batch(session, finished, now))
                finished = []
    return dict(counts)


def _record_batch(
    session: Session, results: list[tuple[Due, Verdict]], now: datetime
) -> Counter[str]:
    """Write a batch in one transaction: every check, and the proposals that need no more than
    a row and a trail entry. Auto-applied proposals (which resolve) go one by one, each in its
    own transaction; so does everything if the batch cannot be written together."""
    counts: Counter[str] = Counter()
    together = [(due, verdict) for due, verdict in results
                if not (due.auto_apply and verdict.ok and _decision(due, verdict, now))]
    try:
        counts.update(record_quietly(session, together, now=now, commit=False))
        decided = [(due, verdict, outcome) for due, verdict in together
                   if verdict.ok and (outcome := _decision(due, verdict, now)) is not None]
        proposed = proposals.propose_many(session, [
            (due.question_id, outcome, _facts(due, verdict), verdict.checked_at or now)
            for due, verdict, outcome in decided
        ], actor=actors.scheduler(session, now=now))
        session.commit()
    except (IntegrityError, OperationalError):  # e.g. a source removed meanwhile: one by one
        session.rollback()
        counts = Counter()
        for due, verdict in together:
            counts[_record_safely(session, due, verdict, now)] += 1
    else:
        counts["checked"] -= len(proposed)
        counts["proposed"] += len(proposed)
    for due, verdict in results:
        if due.auto_apply and verdict.ok and _decision(due, verdict, now):
            counts[_record_safely(session, due, verdict, now)] += 1
    return +counts


def _facts(due: Due, verdict: Verdict) -> dict[str, Any]:
    """The evidence for a proposal: what was seen, or why no event counts as NO."""
    if verdict.fired:
        return verdict.facts
    # the deadline stays a time, so each reader sees it in their own zone
    return {**verdict.facts, "reason": "No event by the deadline.",
            "deadline": due.deadline.isoformat()}


def record_quietly(
    session: Session, results: list[tuple[Due, Verdict]], *, now: datetime, commit: bool = True
) -> Counter[str]:
    """Write checks (their rows and their sources' state) in one transaction: all, or none."""
    if not results:
        return Counter()
    table = ResolutionSource.__table__  # type: ignore[attr-defined]
    rows = []
    for due, verdict in results:
        failures = 0 if verdict.ok else due.failures + 1
        wait = CHECK_EVERY if verdict.ok else backoff(failures)
        at = verdict.checked_at or now
        rows.append({"b_id": due.source_id, "b_status": verdict.status, "b_failures": failures,
                     "b_error": verdict.error, "b_next": at + wait, "b_at": at})
    session.execute(
        sa.update(table).where(table.c.id == sa.bindparam("b_id")).values(
            last_checked_at=sa.bindparam("b_at", type_=UTCDateTime()),
            last_status=sa.bindparam("b_status"),
            failures=sa.bindparam("b_failures"), last_error=sa.bindparam("b_error"),
            next_check_at=sa.bindparam("b_next", type_=UTCDateTime()),
        ),
        rows,
    )
    session.execute(sa.insert(SourceCheck.__table__), [  # type: ignore[attr-defined]
        {"source_id": due.source_id, "checked_at": verdict.checked_at or now, "ok": verdict.ok,
         "fired": verdict.fired, "status_code": verdict.status, "value": verdict.value,
         "error": verdict.error}
        for due, verdict in results
    ])
    if commit:
        session.commit()
    return Counter("checked" if verdict.ok else "failed" for _, verdict in results)


def _verdict(
    fetcher: Fetcher, due: Due, moment: Callable[[], datetime]
) -> tuple[Due, Verdict]:
    at = moment()
    if due.kind is SourceKind.http_json and at > due.deadline:
        # Too late for YES: a value seen now says nothing about the deadline. NO only when
        # the last check before it was good: a source that could not be read is no evidence.
        if due.last_checked_at is None or due.failures:
            return due, Verdict(ok=False, checked_at=at, error=(
                "No good check before the deadline, so NO is not proposed from missing data; "
                "resolve the question by hand or fix the source."))
        return due, Verdict(ok=True, checked_at=at,
                            facts={"url": due.url, "checked_at": at.isoformat()})
    return due, replace(check(fetcher, due, at), checked_at=at)


def _record_safely(session: Session, due: Due, verdict: Verdict, now: datetime) -> str:
    try:
        return record(session, due, verdict, now=now)
    except DomainError as error:  # e.g. auto-apply by a manager who has since lost the role
        session.rollback()
        logger.warning("Could not apply the proposal for question %d: %s", due.question_id, error)
        return "refused"
    except OperationalError as error:  # e.g. SQLite refusing a second concurrent writer
        session.rollback()
        logger.warning("Check of source %d not recorded, retried next run: %s", due.source_id,
                       error)
        return "deferred"


def recent_checks(session: Session, source_id: int, limit: int = 10) -> list[SourceCheck]:
    """The source's latest checks, newest first."""
    query = select(SourceCheck).where(SourceCheck.source_id == source_id)
    return list(session.exec(query.order_by(col(SourceCheck.id).desc()).limit(limit)))

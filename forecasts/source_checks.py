"""Checking resolution sources: fetch them concurrently, judge each answer, record, propose.

Fetching and judging happen in worker threads on plain values; every source's result is then
written in its own transaction, so a process killed mid-run leaves each source either fully
checked or not at all. A failed check leaves the question untouched and is retried with backoff.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
import requests
import sqlalchemy as sa
from jsonpointer import JsonPointer, JsonPointerException
from requests.adapters import HTTPAdapter
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Field, Session, SQLModel, col, select

from forecasts import proposals
from forecasts.db import UTCDateTime
from forecasts.errors import DomainError
from forecasts.models import Outcome, Question, User
from forecasts.sources import Comparison, ResolutionSource, SourceKind

logger = logging.getLogger(__name__)

CHECK_EVERY = timedelta(hours=1)
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=6)
MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT = (5.0, 10.0)  # connect, read (seconds)


class SourceCheck(SQLModel, table=True):
    """One check of one source: the answer's status, the value seen, or the error."""

    __tablename__ = "source_check"

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="resolution_source.id", index=True, ondelete="CASCADE")
    checked_at: datetime = Field(sa_type=UTCDateTime)
    ok: bool
    fired: bool = False
    status_code: int | None = None
    value: str = Field(default="", sa_type=sa.Text)
    error: str = Field(default="", sa_type=sa.Text)


class BadAnswer(Exception):
    """The source answered, but not with something the rule can be judged on."""


@dataclass(frozen=True)
class Due:
    """A source to check, copied out of the session so worker threads never touch the ORM."""

    source_id: int
    question_id: int
    kind: SourceKind
    url: str
    pointer: str
    comparison: Comparison | None
    value: str
    pattern: str
    pattern_is_regex: bool
    no_event_means_no: bool
    auto_apply: bool
    created_by_id: int
    failures: int
    opens_at: datetime
    closed_at: datetime
    resolve_by: datetime

    @property
    def deadline(self) -> datetime:
        """After this a source that has not fired proposes NO."""
        return self.resolve_by if self.kind is SourceKind.http_json else self.closed_at


@dataclass(frozen=True)
class Verdict:
    """What one check found."""

    ok: bool
    fired: bool = False
    status: int | None = None
    value: str = ""
    error: str = ""
    facts: dict[str, Any] = field(default_factory=dict)


def backoff(failures: int) -> timedelta:
    """Wait before retrying: 5 min, doubling per consecutive failure, at most 6 h."""
    return min(FIRST_RETRY * 2 ** max(failures - 1, 0), LONGEST_RETRY)


class Fetcher:
    """HTTP GETs with pooled keep-alive connections, one requests.Session per worker thread."""

    def __init__(self, *, timeout: tuple[float, float] = TIMEOUT) -> None:
        self.timeout = timeout
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    def _http(self) -> requests.Session:
        http = getattr(self._local, "http", None)
        if http is None:
            http = requests.Session()
            http.max_redirects = MAX_REDIRECTS
            http.mount("http://", HTTPAdapter(pool_connections=4, pool_maxsize=4))
            http.mount("https://", HTTPAdapter(pool_connections=4, pool_maxsize=4))
            http.headers["User-Agent"] = "forecast-tracker resolution check"
            self._local.http = http
            with self._lock:
                self._sessions.append(http)
        return http

    def get(self, url: str) -> tuple[int | None, bytes]:
        """Status and body (at most MAX_BODY_BYTES); raises BadAnswer with the status."""
        try:
            with self._http().get(url, timeout=self.timeout, stream=True) as response:
                if response.status_code >= 400:
                    raise _Failed(response.status_code, f"HTTP {response.status_code}")
                body = response.raw.read(MAX_BODY_BYTES + 1, decode_content=True)
                if len(body) > MAX_BODY_BYTES:
                    raise _Failed(response.status_code, "The answer is larger than 5 MB.")
                return response.status_code, body
        except requests.TooManyRedirects as error:
            status = error.response.status_code if error.response is not None else None
            raise _Failed(status, f"Redirected more than {MAX_REDIRECTS} times.") from None
        except requests.Timeout:
            raise _Failed(None, f"No answer within {self.timeout[1]:g} s.") from None
        except requests.RequestException as error:
            raise _Failed(None, f"Could not fetch: {type(error).__name__}.") from None

    def close(self) -> None:
        """Close every pooled connection."""
        with self._lock:
            for http in self._sessions:
                http.close()
            self._sessions.clear()


class _Failed(Exception):
    def __init__(self, status: int | None, message: str) -> None:
        super().__init__(message)
        self.status = status


def check(fetcher: Fetcher, due: Due, now: datetime) -> Verdict:
    """Fetch and judge one source (safe in a worker thread: no database)."""
    status: int | None = None
    try:
        status, body = fetcher.get(due.url)
        if due.kind is SourceKind.http_json:
            return _judge_json(due, body, status, now)
        return _judge_feed(due, body, status, now)
    except _Failed as failure:
        return Verdict(ok=False, status=failure.status, error=str(failure))
    except BadAnswer as error:
        return Verdict(ok=False, status=status, error=str(error))


def _judge_json(due: Due, body: bytes, status: int | None, now: datetime) -> Verdict:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadAnswer("The answer is not JSON.") from None
    try:
        found = JsonPointer(due.pointer).resolve(document)
    except JsonPointerException:
        raise BadAnswer(f"Nothing at {due.pointer or '(root)'} in the answer.") from None
    holds = compare(found, due.comparison or Comparison.equal, due.value)
    shown = json.dumps(found)[:500]
    facts = {"value": shown, "url": due.url, "pointer": due.pointer, "status": status,
             "fetched_at": now.isoformat(), "rule": f"{_rule(due)}"}
    return Verdict(ok=True, fired=holds, status=status, value=shown, facts=facts)


def _rule(due: Due) -> str:
    comparison = due.comparison.value if due.comparison else "=="
    return f"value {comparison} {due.value!r}"


def compare(found: Any, comparison: Comparison, expected: str) -> bool:
    """Does ``found`` (a JSON value) satisfy ``comparison`` against the manager's ``expected``?"""
    if comparison is Comparison.contains:
        return _contains(found, expected)
    if comparison in (Comparison.at_least, Comparison.at_most):
        number = _number(found)
        return number >= float(expected) if comparison is Comparison.at_least \
            else number <= float(expected)
    equal = _equal(found, expected)
    return equal if comparison is Comparison.equal else not equal


def _contains(found: Any, expected: str) -> bool:
    if isinstance(found, str):
        return expected.lower() in found.lower()
    if isinstance(found, list):
        return any(_equal(item, expected) for item in found)
    if isinstance(found, dict):
        return expected in found
    raise BadAnswer(f"Cannot look inside {json.dumps(found)[:80]} for {expected!r}.")


def _number(found: Any) -> float:
    if isinstance(found, bool) or not isinstance(found, int | float | str):
        raise BadAnswer(f"{json.dumps(found)[:80]} is not a number.")
    try:
        return float(found)
    except ValueError:
        raise BadAnswer(f"{json.dumps(found)[:80]} is not a number.") from None


def _equal(found: Any, expected: str) -> bool:
    if isinstance(found, bool):
        return expected.strip().lower() == str(found).lower()
    if isinstance(found, int | float):
        try:
            return float(expected) == found
        except ValueError:
            return False
    if found is None:
        return expected.strip().lower() in ("null", "none")
    if isinstance(found, str):
        return found == expected
    return json.dumps(found, sort_keys=True) == expected


def _judge_feed(due: Due, body: bytes, status: int | None, now: datetime) -> Verdict:
    parsed = feedparser.parse(body)
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        raise BadAnswer("The answer is not an RSS or Atom feed.")
    pattern = due.pattern if due.pattern_is_regex else re.escape(due.pattern)
    matcher = re.compile(pattern, re.IGNORECASE)
    facts: dict[str, Any] = {"url": due.url, "status": status, "fetched_at": now.isoformat(),
                             "entries": len(parsed.entries)}
    for entry in parsed.entries:
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        if not published:
            continue
        when = datetime(*published[:6], tzinfo=UTC)
        text = f"{entry.get('title', '')} {entry.get('summary', '')}"
        if due.opens_at <= when < due.closed_at and matcher.search(text):
            facts.update(title=entry.get("title", ""), link=entry.get("link", ""),
                         published=when.isoformat())
            return Verdict(ok=True, fired=True, status=status, value=facts["title"], facts=facts)
    return Verdict(ok=True, status=status, value=f"{len(parsed.entries)} entries, none matching",
                   facts=facts)


def due_sources(
    session: Session, *, now: datetime, after_id: int = 0, limit: int = 500
) -> list[Due]:
    """Sources whose next check has come, of open-for-checking questions, by id."""
    has_proposal = select(proposals.Proposal.question_id)
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
            sa.or_(Question.resolve_by >= now, col(ResolutionSource.no_event_means_no)),
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
        created_by_id=source.created_by_id, failures=source.failures, opens_at=question.opens_at,
        closed_at=question.closed_at, resolve_by=question.resolve_by,
    )


def record(session: Session, due: Due, verdict: Verdict, *, now: datetime) -> str:
    """Write one check in its own transaction and propose if it decides; returns what happened.

    'failed', 'checked' or 'proposed'; 'gone' when the source was removed meanwhile.
    """
    # Plain UPDATE/INSERT statements: this runs once per source per run, 10,000s of times.
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
    facts = verdict.facts if verdict.fired else {
        **verdict.facts, "reason": f"No event by the deadline ({due.deadline.isoformat()})."
    }
    question = session.get(Question, due.question_id)
    creator = session.get(User, due.created_by_id)
    proposal = proposals.propose(session, question, outcome=outcome, facts=facts,  # type: ignore[arg-type]
                                 actor=creator, auto_apply=due.auto_apply, now=now)  # type: ignore[arg-type]
    return "proposed" if proposal is not None else "checked"


def _decision(due: Due, verdict: Verdict, now: datetime) -> Outcome | None:
    if verdict.fired:
        return Outcome.yes
    if due.no_event_means_no and now > due.deadline:
        return Outcome.no
    return None


def _batches(session: Session, now: datetime, size: int) -> Iterator[list[Due]]:
    after = 0
    while batch := due_sources(session, now=now, after_id=after, limit=size):
        yield batch
        after = batch[-1].source_id


def check_due(
    session: Session,
    *,
    now: datetime,
    fetcher: Fetcher | None = None,
    workers: int = 16,
    batch_size: int = 500,
) -> dict[str, int]:
    """Check every due source, at most ``workers`` at a time; counts of what happened."""
    counts: Counter[str] = Counter()
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher()
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="check") as pool:
            for batch in _batches(session, now, batch_size):
                session.rollback()  # end the read before the slow fetches
                # Fetch the whole batch, then write it: writing while 16 threads parse answers
                # would make every database call wait for the GIL (a convoy), 3x slower.
                verdicts = list(pool.map(lambda due: _verdict(fetcher, due, now), batch))
                counts.update(_record_batch(session, list(zip(batch, verdicts, strict=True)),
                                            now))
    finally:
        if own_fetcher:
            fetcher.close()
    return dict(counts)


def _record_batch(
    session: Session, results: list[tuple[Due, Verdict]], now: datetime
) -> Counter[str]:
    """Checks that decide nothing go in together; each that proposes, in its own transaction."""
    counts: Counter[str] = Counter()
    quiet = [(due, verdict) for due, verdict in results
             if not verdict.ok or _decision(due, verdict, now) is None]
    try:
        counts.update(record_quietly(session, quiet, now=now))
    except (IntegrityError, OperationalError):  # e.g. a source removed meanwhile: one by one
        session.rollback()
        for due, verdict in quiet:
            counts[_record_safely(session, due, verdict, now)] += 1
    for due, verdict in results:
        if verdict.ok and _decision(due, verdict, now) is not None:
            counts[_record_safely(session, due, verdict, now)] += 1
    return counts


def record_quietly(
    session: Session, results: list[tuple[Due, Verdict]], *, now: datetime
) -> Counter[str]:
    """Write checks that propose nothing in one transaction: all of them, or none."""
    if not results:
        return Counter()
    table = ResolutionSource.__table__  # type: ignore[attr-defined]
    rows = []
    for due, verdict in results:
        failures = 0 if verdict.ok else due.failures + 1
        wait = CHECK_EVERY if verdict.ok else backoff(failures)
        rows.append({"b_id": due.source_id, "b_status": verdict.status, "b_failures": failures,
                     "b_error": verdict.error, "b_next": now + wait})
    session.execute(
        sa.update(table).where(table.c.id == sa.bindparam("b_id")).values(
            last_checked_at=now, last_status=sa.bindparam("b_status"),
            failures=sa.bindparam("b_failures"), last_error=sa.bindparam("b_error"),
            next_check_at=sa.bindparam("b_next", type_=UTCDateTime()),
        ),
        rows,
    )
    session.execute(sa.insert(SourceCheck.__table__), [  # type: ignore[attr-defined]
        {"source_id": due.source_id, "checked_at": now, "ok": verdict.ok,
         "fired": verdict.fired, "status_code": verdict.status, "value": verdict.value,
         "error": verdict.error}
        for due, verdict in results
    ])
    session.commit()
    return Counter("checked" if verdict.ok else "failed" for _, verdict in results)


def _verdict(fetcher: Fetcher, due: Due, now: datetime) -> Verdict:
    if due.kind is SourceKind.http_json and now > due.deadline:
        # Too late for YES: a value seen now says nothing about the deadline.
        return Verdict(ok=True, facts={"url": due.url, "checked_at": now.isoformat()})
    return check(fetcher, due, now)


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

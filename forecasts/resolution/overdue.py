"""Questions past their resolve-by date, and the managers' daily digest of what needs them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from forecasts.accounts import profile
from forecasts.models import Question, Role, User
from forecasts.notifications import emails
from forecasts.notifications.links import NO_LINKS, Links
from forecasts.notifications.mail import Email, Mailer, send_once
from forecasts.resolution import proposals, sources
from forecasts.timezones import format_moment

KIND = profile.DIGEST


def overdue_questions(session: Session, *, now: datetime) -> list[Question]:
    """Published questions still unresolved after their resolve-by date, most overdue first."""
    query = select(Question).where(
        col(Question.published_at).is_not(None),
        col(Question.outcome).is_(None),
        Question.resolve_by < now,
    )
    return list(session.exec(query.order_by(col(Question.resolve_by), col(Question.id))))


def digest_contents(session: Session, *, now: datetime) -> dict[str, list[Any]] | None:
    """What the digest lists (overdue, waiting, failing), or None when nothing needs a manager."""
    contents: dict[str, list[Any]] = {
        "overdue": overdue_questions(session, now=now),
        "waiting": proposals.pending(session),
        "failing": sources.failing_sources(session),
    }
    return contents if any(contents.values()) else None


def digest_email(manager: User, contents: dict[str, list[Any]], *, now: datetime,
                 time_zone: str | None = None, links: Links = NO_LINKS) -> Email:
    """One manager's digest (``managers_digest.txt``), dates in their zone."""
    day = format_moment(now, time_zone, with_time=False)
    subject = f"Forecast tracker: what needs a manager on {day}"
    return emails.email(manager.email or "", subject, "managers_digest.txt",
                        time_zone=time_zone, person=manager, now=now,
                        profile_url=links.profile(), **contents)


def send_managers_digest(session: Session, mailer: Mailer, *, now: datetime,
                         links: Links = NO_LINKS) -> dict[str, int]:
    """Email today's digest once to each active manager and admin with an address who wants
    it (``profile.wants``)."""
    counts = {"sent": 0, "already_sent": 0}
    contents = digest_contents(session, now=now)
    if contents is None:
        return counts
    managers = session.exec(
        select(User).where(col(User.active), col(User.email).is_not(None),
                           col(User.role).in_([Role.manager, Role.admin]))
        .order_by(col(User.id))
    )
    for manager in list(managers):
        if not profile.wants(session, manager, KIND):
            continue
        email = digest_email(manager, contents, now=now, links=links,
                             time_zone=profile.time_zone_of(session, manager))
        if send_once(session, mailer, email, kind=KIND, period=f"{now:%Y-%m-%d}", now=now):
            counts["sent"] += 1
        else:
            counts["already_sent"] += 1
    return counts

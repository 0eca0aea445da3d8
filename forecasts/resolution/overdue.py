"""Questions past their resolve-by date, and the managers' daily digest of what needs them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from forecasts.accounts import actors
from forecasts.models import Question, Role, User
from forecasts.notifications.mail import Email, Mailer, send_once
from forecasts.resolution import proposals, sources

KIND = "managers-digest"


def overdue_questions(session: Session, *, now: datetime) -> list[Question]:
    """Published questions still unresolved after their resolve-by date, most overdue first."""
    query = select(Question).where(
        col(Question.published_at).is_not(None),
        col(Question.outcome).is_(None),
        Question.resolve_by < now,
    )
    return list(session.exec(query.order_by(col(Question.resolve_by), col(Question.id))))


def digest_body(session: Session, *, now: datetime) -> str | None:
    """The digest's text, or None when nothing needs a manager."""
    overdue = overdue_questions(session, now=now)
    failing = sources.failing_sources(session)
    waiting = proposals.pending(session)
    if not (overdue or failing or waiting):
        return None
    lines: list[str] = []
    if overdue:
        lines.append(f"Overdue for resolution ({len(overdue)}):")
        lines += [f"- #{q.id} {q.title} (resolve by {q.resolve_by:%Y-%m-%d})" for q in overdue]
        lines.append("")
    if waiting:
        lines.append(f"Proposed resolutions to confirm ({len(waiting)}):")
        lines += [f"- #{q.id} {q.title}: {p.outcome.value.upper()}" for p, q in waiting]
        lines.append("")
    if failing:
        lines.append(f"Resolution sources failing repeatedly ({len(failing)}):")
        lines += [f"- #{q.id} {q.title}: {s.failures} failures, last: {s.last_error}"
                  for s, q in failing]
    return "\n".join(lines).strip() + "\n\n" + actors.SIGNATURE


def send_managers_digest(session: Session, mailer: Mailer, *, now: datetime) -> dict[str, int]:
    """Email today's digest once to each active manager and admin with an address."""
    counts = {"sent": 0, "already_sent": 0}
    body = digest_body(session, now=now)
    if body is None:
        return counts
    managers = session.exec(
        select(User).where(col(User.active), col(User.email).is_not(None),
                           col(User.role).in_([Role.manager, Role.admin]))
        .order_by(col(User.id))
    )
    subject = f"Forecast tracker: what needs a manager on {now:%Y-%m-%d}"
    for manager in list(managers):
        email = Email(to=manager.email or "", subject=subject, body=body)
        if send_once(session, mailer, email, kind=KIND, period=f"{now:%Y-%m-%d}", now=now):
            counts["sent"] += 1
        else:
            counts["already_sent"] += 1
    return counts

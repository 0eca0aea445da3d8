"""Emails to forecasters when a question they forecast is resolved, corrected or annulled.

Sent by the scheduler's ``resolution-emails`` job, never by the request that resolved it.
Each (recipient, trail entry) gets at most one email, through ``send_once``'s log (kind
``resolution``, period ``event-<id>``), and each send commits on its own: a run that dies
mid-batch leaves the rest to the next run, which skips whoever has theirs. Only the latest
resolution or correction of each question is mailed, so a resolution corrected before its
emails went out is announced once, as corrected, and the score quoted is the stored one.
Entries older than RECENT are no longer news and are left alone.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from forecasts.accounts import profile
from forecasts.models import (
    Action,
    EmailLog,
    Forecast,
    Outcome,
    Question,
    QuestionScore,
    ResolutionEvent,
    User,
    UserKind,
)
from forecasts.notifications import emails
from forecasts.notifications.links import NO_LINKS, Links
from forecasts.notifications.mail import Email, Mailer, send_once
from forecasts.scoring.scores import brier

logger = logging.getLogger(__name__)

KIND = profile.RESOLUTION
RECENT = timedelta(days=7)
CHANGES = (Action.resolve, Action.correct)


def period_of(event: ResolutionEvent) -> str:
    """The email log's period for one trail entry: one email per recipient per entry."""
    return f"event-{event.id}"


def latest_changes(session: Session, *, now: datetime) -> list[ResolutionEvent]:
    """Each question's latest resolution or correction made within RECENT, oldest first."""
    recent = (col(ResolutionEvent.action).in_(CHANGES), ResolutionEvent.at >= now - RECENT)
    latest = (select(ResolutionEvent.question_id, func.max(ResolutionEvent.id).label("last"))
              .where(*recent).group_by(col(ResolutionEvent.question_id)).subquery())
    query = (select(ResolutionEvent)
             .join(latest, col(ResolutionEvent.id) == latest.c.last)
             .order_by(col(ResolutionEvent.id)))
    return list(session.exec(query))


def recipients(session: Session, event: ResolutionEvent) -> list[User]:
    """People who had forecast on the question by then, with an address, not yet emailed
    about this entry, who want resolution emails (``profile.wants``)."""
    forecasters = select(Forecast.forecaster_id).where(
        Forecast.question_id == event.question_id, Forecast.created_at <= event.at)
    emailed = select(EmailLog.recipient).where(EmailLog.kind == KIND,
                                               EmailLog.period == period_of(event))
    query = select(User).where(
        col(User.id).in_(forecasters), col(User.active), col(User.email).is_not(None),
        User.kind == UserKind.person, col(User.email).not_in(emailed),
    ).order_by(col(User.id))
    return [person for person in session.exec(query) if profile.wants(session, person, KIND)]


def score_of(session: Session, question: Question, person: User) -> QuestionScore | None:
    """The person's stored score row on the question (None when not scored)."""
    return session.exec(select(QuestionScore).where(
        QuestionScore.question_id == question.id, QuestionScore.subject_id == person.id,
        QuestionScore.kind == "binary", QuestionScore.option == "")).first()


def resolution_email(session: Session, event: ResolutionEvent, question: Question,
                     person: User, *, links: Links = NO_LINKS) -> Email:
    """The email telling one forecaster of a resolution or correction, with their score."""
    outcome = event.to_outcome or question.outcome
    said = outcome.value.upper() if outcome else "unresolved"
    corrected = event.action is Action.correct
    subject = f"{'Corrected to' if corrected else 'Resolved'} {said}: {question.title}"
    score = None if outcome is Outcome.annulled else score_of(session, question, person)
    return emails.email(
        person.email or "", subject[:200], "resolution.txt",
        time_zone=profile.time_zone_of(session, person), person=person, question=question,
        event=event, outcome=said, corrected=corrected,
        previous=event.from_outcome.value.upper() if event.from_outcome else "unresolved",
        annulled=outcome is Outcome.annulled, score=score,
        brier=None if score is None else float(brier(score.probability, score.outcome)),
        question_url=links.question(question.id),  # type: ignore[arg-type]
        profile_url=links.profile())


def send_resolution_emails(session: Session, mailer: Mailer, *, now: datetime,
                           links: Links = NO_LINKS) -> dict[str, int]:
    """Email each recent resolution or correction to its forecasters, once each.

    A recipient whose send fails is retried by the next run (``send_once`` removes its log
    row); the others are not held up.
    """
    counts = {"sent": 0, "already_sent": 0, "failed": 0}
    for event in latest_changes(session, now=now):
        question = session.get(Question, event.question_id)
        if question is None:
            continue
        for person in recipients(session, event):
            email = resolution_email(session, event, question, person, links=links)
            try:
                sent = send_once(session, mailer, email, kind=KIND, period=period_of(event),
                                 now=now)
            except Exception:  # kept unsent; the next run retries this recipient
                logger.exception("Resolution email %s to %s failed", event.id, email.to)
                counts["failed"] += 1
                continue
            counts["sent" if sent else "already_sent"] += 1
    return counts

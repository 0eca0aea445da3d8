"""The weekly reminder digest: forecasts a forecaster has let go stale on open questions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import type_coerce
from sqlmodel import Session, col, func, select

from forecasts.accounts import actors
from forecasts.accounts.profile import reminders_of
from forecasts.db import UTCDateTime
from forecasts.models import Forecast, Question, User
from forecasts.notifications.mail import Email, Mailer, send_once
from forecasts.questions.catalog import Status, status

KIND = "reminder"


@dataclass(frozen=True)
class Stale:
    """An open question whose latest forecast by this forecaster is older than they wanted."""

    question: Question
    last_forecast_at: datetime


def week_of(now: datetime) -> str:
    """The ISO week, e.g. 2026-W03: one reminder digest per forecaster per week."""
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"


def stale_forecasts(
    session: Session, forecaster: User, *, now: datetime, interval: timedelta
) -> list[Stale]:
    """Open questions where the forecaster's latest forecast is older than ``interval``."""
    latest = session.exec(
        select(Question, type_coerce(func.max(Forecast.created_at), UTCDateTime()))
        .join(Forecast, col(Forecast.question_id) == Question.id)
        .where(Forecast.forecaster_id == forecaster.id, col(Question.outcome).is_(None))
        .group_by(col(Question.id))
        .order_by(col(Question.closes_at))
    )
    return [
        Stale(question, last) for question, last in latest
        if status(question, now) is Status.open and now - last > interval
    ]


def digest(forecaster: User, stale: list[Stale], *, now: datetime) -> Email:
    """The reminder email for one forecaster."""
    lines = [f"Hello {forecaster.display_name},", "",
             "Your forecasts on these open questions have not been updated for a while:", ""]
    for item in stale:
        days = (now - item.last_forecast_at).days
        lines.append(f"- {item.question.title} (question #{item.question.id}, last forecast "
                     f"{days} days ago, closes {item.question.closed_at:%Y-%m-%d %H:%M} UTC)")
    lines += ["", "Change how often you are reminded, or stop these emails, on your profile page.",
              "", actors.SIGNATURE]
    return Email(to=forecaster.email or "", subject=f"{len(stale)} forecasts to revisit",
                 body="\n".join(lines))


def send_reminders(session: Session, mailer: Mailer, *, now: datetime) -> dict[str, int]:
    """Send this week's digest to each forecaster who wants one and has something stale."""
    counts = {"sent": 0, "already_sent": 0}
    people = session.exec(
        select(User).where(col(User.active), col(User.email).is_not(None)).order_by(col(User.id))
    )
    for person in list(people):
        wanted = reminders_of(session, person)
        if not wanted.enabled:
            continue
        stale = stale_forecasts(session, person, now=now,
                                interval=timedelta(days=wanted.interval_days))
        if not stale:
            continue
        if send_once(session, mailer, digest(person, stale, now=now), kind=KIND,
                     period=week_of(now), now=now):
            counts["sent"] += 1
        else:
            counts["already_sent"] += 1
    return counts

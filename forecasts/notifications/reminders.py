"""The weekly reminder digest: forecasts a forecaster has let go stale on open questions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import type_coerce
from sqlmodel import Session, col, func, select

from forecasts.accounts.profile import REMINDER, reminders_of, time_zone_of
from forecasts.db import UTCDateTime
from forecasts.messages import counted
from forecasts.models import Forecast, Question, User
from forecasts.notifications import emails
from forecasts.notifications.links import NO_LINKS, Links
from forecasts.notifications.mail import Email, Mailer, send_once
from forecasts.questions.catalog import Status, status

KIND = REMINDER


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


def digest(forecaster: User, stale: list[Stale], *, now: datetime, time_zone: str | None = None,
           links: Links = NO_LINKS) -> Email:
    """The reminder email for one forecaster (``reminder.txt``), times in their zone."""
    return emails.email(forecaster.email or "",
                        f"{counted(len(stale), 'forecast')} to revisit", "reminder.txt",
                        time_zone=time_zone, person=forecaster, stale=stale, now=now,
                        profile_url=links.profile())


def send_reminders(session: Session, mailer: Mailer, *, now: datetime,
                   links: Links = NO_LINKS) -> dict[str, int]:
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
        email = digest(person, stale, now=now, time_zone=time_zone_of(session, person),
                       links=links)
        if send_once(session, mailer, email, kind=KIND,
                     period=week_of(now), now=now):
            counts["sent"] += 1
        else:
            counts["already_sent"] += 1
    return counts

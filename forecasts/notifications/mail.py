"""Sending email at most once: a log row per (kind, recipient, period) is written before sending.

The unique key means a second run (or a second scheduler) cannot send the same digest twice;
if sending fails the row is removed again, so the next run retries.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from forecasts import bounds
from forecasts.config import Settings
from forecasts.models import EmailLog

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Email:
    """One message to one recipient."""

    to: str
    subject: str
    body: str


class Mailer(Protocol):
    """Anything that delivers an Email (raising if it cannot)."""

    def send(self, email: Email) -> None: ...


@dataclass
class ConsoleMailer:
    """Logs each message instead of sending it (the default, for development)."""

    sender: str = "forecasts@localhost"
    sent: list[Email] = field(default_factory=list)

    def send(self, email: Email) -> None:
        """Keep and log the message."""
        self.sent.append(email)
        logger.info("Email to %s: %s\n%s", email.to, email.subject, email.body)


@dataclass(frozen=True)
class SmtpMailer:
    """Sends through the SMTP server in the MAIL_* settings."""

    server: str
    port: int
    sender: str
    username: str = ""
    password: str = ""
    use_tls: bool = False
    timeout: float = 30.0

    def send(self, email: Email) -> None:
        """Deliver through SMTP; raises smtplib or socket errors."""
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, email.to, email.subject
        message.set_content(email.body)
        with smtplib.SMTP(self.server, self.port, timeout=self.timeout) as smtp:
            if self.use_tls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(message)


def make_mailer(settings: Settings) -> Mailer:
    """The mailer the settings ask for."""
    if settings.mail_backend == "smtp":
        return SmtpMailer(settings.mail_server, settings.mail_port, settings.mail_from,
                          settings.mail_username, settings.mail_password, settings.mail_use_tls)
    return ConsoleMailer(settings.mail_from)


def send_once(
    session: Session, mailer: Mailer, email: Email, *, kind: str, period: str, now: datetime
) -> bool:
    """Send unless this (kind, recipient, period) was sent already; True if sent now.

    Raises what the mailer raises, after removing the log row so a later run retries.
    """
    entry = EmailLog(kind=kind, recipient=email.to.lower(), period=period,
                     subject=bounds.shorten(email.subject, bounds.TextLimit(200)),
                     created_at=now)
    session.add(entry)
    try:
        session.commit()  # claim the send before sending: a crash now loses one email, not doubles
    except IntegrityError:
        session.rollback()
        return False
    try:
        mailer.send(email)
    except Exception:
        session.delete(entry)
        session.commit()
        raise
    entry.sent_at = now
    session.add(entry)
    session.commit()
    return True


def sent(session: Session, *, kind: str, period: str) -> list[EmailLog]:
    """The log rows of one kind and period."""
    query = select(EmailLog).where(EmailLog.kind == kind, EmailLog.period == period)
    return list(session.exec(query))

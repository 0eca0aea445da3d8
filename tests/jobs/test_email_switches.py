"""Each kind of email obeys its switch on the profile, and is written in the reader's zone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from forecasts.accounts import profile
from forecasts.config import Settings
from forecasts.notifications import mail, reminders
from forecasts.questions import discussion, forecasting
from forecasts.resolution import overdue
from tests.support.builders import T0, make_question
from tests.support.smtp import body_of


@pytest.fixture
def mailer(smtp_server) -> mail.Mailer:  # type: ignore[no-untyped-def]
    controller, _ = smtp_server
    return mail.make_mailer(Settings.from_env({
        "MAIL_BACKEND": "smtp", "MAIL_SERVER": controller.hostname,
        "MAIL_PORT": str(controller.port), "MAIL_FROM": "desk@forecasts.test"}))


def _switch(session, user, kind: str, on: bool, zone: str = "UTC") -> None:  # type: ignore[no-untyped-def]
    profile.update_profile(session, user, email=user.email, interval_days=7, time_zone=zone,
                           emails={kind: on})


def test_clarification_emails_obey_their_switch(session, manager, forecaster, clock, mailer,
                                               smtp_server):
    _, inbox = smtp_server
    question = make_question(session, manager)
    profile.set_email(session, forecaster, "finn@example.org")
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.4,
                                now=T0 + timedelta(days=1))
    _switch(session, forecaster, profile.CLARIFICATION, False)
    discussion.post_clarification(session, question, author=manager, now=clock.now(),
                                  body="Only the main port counts.")
    assert discussion.send_clarifications(session, mailer, now=clock.now())["sent"] == 0

    _switch(session, forecaster, profile.CLARIFICATION, True, zone="America/St_Johns")
    discussion.post_clarification(session, question, author=manager, body="Berths too.",
                                  now=clock.advance(hours=1))
    assert discussion.send_clarifications(session, mailer, now=clock.now())["sent"] == 1
    (message,) = inbox.messages
    local = clock.now() - timedelta(hours=3, minutes=30)  # Newfoundland in January: −03:30
    assert f"Clarification of {local:%Y-%m-%d %H:%M} -03:30:" in body_of(message)
    assert "Berths too." in body_of(message)


def test_the_managers_digest_obeys_its_switch(session, manager, clock, mailer, smtp_server):
    _, inbox = smtp_server
    make_question(session, manager)
    profile.set_email(session, manager, "maria@example.org")
    late = T0 + timedelta(days=60)  # past the question's resolve-by: overdue
    _switch(session, manager, profile.DIGEST, False)
    assert overdue.send_managers_digest(session, mailer, now=late)["sent"] == 0
    _switch(session, manager, profile.DIGEST, True, zone="Asia/Kolkata")
    assert overdue.send_managers_digest(session, mailer, now=late)["sent"] == 1
    body = body_of(inbox.messages[0])
    assert "resolve by 2026-02-14 14:30 +05:30" in body  # 09:00 UTC, in Kolkata


def test_reminders_obey_their_switch_and_the_readers_zone(session, manager, forecaster, clock,
                                                          mailer, smtp_server):
    _, inbox = smtp_server
    question = make_question(session, manager)
    profile.set_email(session, forecaster, "finn@example.org")
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.4,
                                now=T0 + timedelta(days=1))
    _switch(session, forecaster, profile.REMINDER, False)
    assert reminders.send_reminders(session, mailer, now=clock.now())["sent"] == 0
    _switch(session, forecaster, profile.REMINDER, True, zone="Asia/Kolkata")
    assert reminders.send_reminders(session, mailer, now=clock.now())["sent"] == 1
    body = body_of(inbox.messages[0])
    assert "closes 2026-02-04 14:30 +05:30" in body
    assert inbox.messages[0]["Subject"] == "1 forecast to revisit"

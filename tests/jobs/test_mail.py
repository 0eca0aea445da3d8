"""Digests and reminders through a real SMTP server: each sent once per period."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest
from sqlmodel import Session

from forecasts.accounts import profile
from forecasts.config import ConfigError, Settings
from forecasts.notifications import mail, reminders
from forecasts.notifications.mail import Email, SmtpMailer
from forecasts.questions import forecasting
from forecasts.resolution import overdue
from tests.support.builders import T0, make_question, make_user


@pytest.fixture
def mailer(smtp_server) -> SmtpMailer:  # type: ignore[no-untyped-def]
    controller, _ = smtp_server
    settings = Settings.from_env({"MAIL_BACKEND": "smtp", "MAIL_SERVER": controller.hostname,
                                  "MAIL_PORT": str(controller.port),
                                  "MAIL_FROM": "desk@forecasts.test"})
    return mail.make_mailer(settings)  # type: ignore[return-value]


def test_mail_settings_parse_strictly():
    assert Settings.from_env({}).mail_backend == "console"
    for bad in ({"MAIL_BACKEND": "carrier-pigeon"}, {"MAIL_PORT": "smtp"},
                {"MAIL_PORT": "70000"}, {"MAIL_USE_TLS": "perhaps"}, {"MAIL_FROM": "nobody"}):
        with pytest.raises(ConfigError):
            Settings.from_env(bad)
    settings = Settings.from_env({"MAIL_USE_TLS": "true", "MAIL_USERNAME": "u"})
    assert settings.mail_use_tls and settings.mail_username == "u"


def test_an_email_is_sent_once_per_period(session, mailer, smtp_server, clock):
    _, inbox = smtp_server
    email = Email(to="Maria@Example.org", subject="Digest", body="Hello")
    sent = [mail.send_once(session, mailer, email, kind="digest", period="2026-01-15",
                           now=clock.now()) for _ in range(2)]
    assert sent == [True, False]
    assert len(inbox.messages) == 1
    assert inbox.messages[0]["From"] == "desk@forecasts.test"


def test_concurrent_sends_of_one_email_deliver_it_once(engine, mailer, smtp_server, clock):
    _, inbox = smtp_server
    start = Barrier(2)

    def send(_: int) -> bool:
        with Session(engine) as session:
            start.wait()
            return mail.send_once(session, mailer, Email("a@example.org", "S", "B"),
                                  kind="digest", period="p", now=clock.now())

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(send, [1, 2])) == [False, True]
    assert len(inbox.messages) == 1


def test_a_failed_send_is_retried_next_time(session, clock):
    class Down:
        def send(self, email: Email) -> None:
            raise ConnectionRefusedError("no SMTP server")

    email = Email("a@example.org", "S", "B")
    with pytest.raises(ConnectionRefusedError):
        mail.send_once(session, Down(), email, kind="k", period="p", now=clock.now())
    console = mail.ConsoleMailer()
    assert mail.send_once(session, console, email, kind="k", period="p", now=clock.now())
    assert console.sent == [email]


def test_managers_get_one_daily_digest_of_overdue_questions(session, manager, mailer,
                                                            smtp_server, clock):
    _, inbox = smtp_server
    profile.set_email(session, manager, "maria@example.org")
    late = make_question(session, manager)
    clock.set(late.resolve_by + timedelta(days=1))

    assert overdue.overdue_questions(session, now=clock.now()) == [late]
    assert overdue.send_managers_digest(session, mailer, now=clock.now())["sent"] == 1
    assert overdue.send_managers_digest(session, mailer, now=clock.now())["sent"] == 0
    (message,) = inbox.to("maria@example.org")
    assert late.title in message.get_payload()
    clock.advance(days=1)
    assert overdue.send_managers_digest(session, mailer, now=clock.now())["sent"] == 1


def test_reminders_follow_each_forecasters_interval_and_opt_out(session, manager, forecaster,
                                                                mailer, smtp_server, clock):
    _, inbox = smtp_server
    question = make_question(session, manager)
    quiet = make_user(session, "quinn")
    for person, address in ((forecaster, "finn@example.org"), (quiet, "quinn@example.org")):
        profile.set_email(session, person, address)
        forecasting.submit_forecast(session, question, forecaster=person, probability=0.3,
                                    now=T0 + timedelta(days=1))
    profile.set_reminders(session, quiet, enabled=False, interval_days=14)
    clock.set(T0 + timedelta(days=10))  # 9 days old: not stale at the default 14
    assert reminders.send_reminders(session, mailer, now=clock.now())["sent"] == 0

    profile.set_reminders(session, forecaster, enabled=True, interval_days=7)
    assert reminders.send_reminders(session, mailer, now=clock.now())["sent"] == 1
    assert reminders.send_reminders(session, mailer, now=clock.now())["sent"] == 0  # same week
    (message,) = inbox.messages
    assert message["To"] == "finn@example.org" and question.title in message.get_payload()
    assert reminders.send_reminders(session, mailer, now=clock.advance(days=7))["sent"] == 1

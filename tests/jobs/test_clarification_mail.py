"""Clarifications emailed by the scheduler's job through a real SMTP server, once each."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from forecasts.accounts import profile
from forecasts.config import Settings
from forecasts.notifications import mail
from forecasts.questions import discussion, forecasting
from forecasts.scheduling.catalogue import JOBS_BY_ID, Context
from tests.support.builders import T0, make_question, make_user


def _smtp(controller) -> mail.Mailer:  # type: ignore[no-untyped-def]
    return mail.make_mailer(Settings.from_env({
        "MAIL_BACKEND": "smtp", "MAIL_SERVER": controller.hostname,
        "MAIL_PORT": str(controller.port), "MAIL_FROM": "desk@forecasts.test"}))


def test_the_job_emails_each_clarification_once_to_each_forecaster(engine, session, manager,
                                                                  forecaster, clock,
                                                                  smtp_server):
    controller, inbox = smtp_server
    question = make_question(session, manager)
    quiet = make_user(session, "quinn")  # forecast, but has no email address
    profile.set_email(session, forecaster, "finn@example.org")
    profile.set_email(session, manager, "maria@example.org")  # never forecast: not emailed
    for person in (forecaster, quiet):
        forecasting.submit_forecast(session, question, forecaster=person, probability=0.3,
                                    now=T0 + timedelta(days=1))
    discussion.post_clarification(session, question, author=manager, now=clock.now(),
                                  body="Only strikes called by the union count.\n"
                                       "Source: https://example.org/union")
    session.commit()  # the requests above end before the scheduler's run
    ctx = Context(engine=engine, clock=clock, mailer=_smtp(controller))
    job = JOBS_BY_ID["clarification-emails"]

    assert job.run(ctx) == {"sent": 1, "already_sent": 0, "failed": 0}
    assert job.run(ctx) == {"sent": 0, "already_sent": 0, "failed": 0}
    (message,) = inbox.messages
    assert message["To"] == "finn@example.org"
    assert message["Subject"] == f"Clarified: {question.title}"
    assert "Only strikes called by the union count." in message.get_payload()


def test_a_failed_send_is_retried_by_the_next_run(engine, session, manager, forecaster, clock,
                                                  smtp_server):
    controller, inbox = smtp_server
    question = make_question(session, manager)
    profile.set_email(session, forecaster, "finn@example.org")
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.3,
                                now=T0 + timedelta(days=1))
    discussion.post_clarification(session, question, author=manager, body="Times are UTC.",
                                  now=clock.now())
    session.commit()  # the requests above end before the scheduler's runs

    class Down:
        def send(self, email: mail.Email) -> None:
            raise ConnectionRefusedError("no SMTP server")

    with Session(engine) as other:
        assert discussion.send_clarifications(other, Down(), now=clock.now())["failed"] == 1
    ctx = Context(engine=engine, clock=clock, mailer=_smtp(controller))
    assert JOBS_BY_ID["clarification-emails"].run(ctx)["sent"] == 1
    assert [m["To"] for m in inbox.messages] == ["finn@example.org"]

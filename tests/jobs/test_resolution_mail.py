"""Resolutions and corrections emailed by the scheduler's job through a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from forecasts import resolution
from forecasts.accounts import profile
from forecasts.config import Settings
from forecasts.models import Role
from forecasts.notifications import mail
from forecasts.questions import forecasting
from forecasts.scheduling.catalogue import JOBS_BY_ID, Context
from tests.support.builders import T0, make_question, make_user
from tests.support.smtp import body_of


def _smtp(controller) -> mail.Mailer:  # type: ignore[no-untyped-def]
    return mail.make_mailer(Settings.from_env({
        "MAIL_BACKEND": "smtp", "MAIL_SERVER": controller.hostname,
        "MAIL_PORT": str(controller.port), "MAIL_FROM": "desk@forecasts.test"}))


def _job(session, engine, clock, mailer) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The job's run, after the test's own requests (through ``session``) have committed."""
    session.commit()
    ctx = Context(engine=engine, clock=clock, mailer=mailer,
                  public_url="https://forecasts.example.org")
    return JOBS_BY_ID["resolution-emails"].run(ctx)


@pytest.fixture
def forecast_question(session, manager, forecaster):  # type: ignore[no-untyped-def]
    question = make_question(session, manager)
    profile.set_email(session, forecaster, "finn@example.org")
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.3,
                                now=T0 + timedelta(days=1))
    return question


def test_a_forecaster_is_emailed_the_resolution_with_their_score_once(
        engine, session, manager, forecaster, clock, smtp_server, forecast_question):
    controller, inbox = smtp_server
    other = make_user(session, "olga")
    profile.set_email(session, other, "olga@example.org")
    forecasting.submit_forecast(session, forecast_question, forecaster=other, probability=0.9,
                                now=T0 + timedelta(days=2))
    profile.set_email(session, manager, "maria@example.org")  # never forecast: not emailed
    resolution.resolve(session, forecast_question, outcome="yes", actor=manager,
                       now=clock.now())
    assert inbox.messages == []  # the request that resolved it sent nothing

    smtp = _smtp(controller)
    assert _job(session, engine, clock, smtp) == {"sent": 2, "already_sent": 0, "failed": 0}
    assert _job(session, engine, clock, smtp) == {"sent": 0, "already_sent": 0, "failed": 0}
    (message,) = inbox.to("finn@example.org")
    assert message["Subject"] == f"Resolved YES: {forecast_question.title}"
    body = body_of(message)
    # 30 % on a YES: (0.3 − 1)² = 0.490, from the stored per-question score
    assert "Your last forecast before the end was 30 %" in body
    assert "your Brier score is 0.490" in body
    assert f"https://forecasts.example.org/questions/{forecast_question.id}" in body
    assert "was resolved YES on 2026-" in body and " UTC." in body
    olga = body_of(inbox.to("olga@example.org")[0])
    assert "your Brier score is 0.010" in olga  # (0.9 − 1)²
    assert [m["To"] for m in inbox.messages if m["To"] == "maria@example.org"] == []


def test_a_correction_is_emailed_with_the_new_score_and_the_note(
        engine, session, manager, forecaster, clock, smtp_server, forecast_question):
    controller, inbox = smtp_server
    resolution.resolve(session, forecast_question, outcome="yes", actor=manager,
                       now=clock.now())
    _job(session, engine, clock, _smtp(controller))
    clock.set(clock.now() + timedelta(hours=3))
    resolution.resolve(session, forecast_question, outcome="no", actor=manager,
                       note="The strike was called off on the eve.", now=clock.now())

    assert _job(session, engine, clock, _smtp(controller))["sent"] == 1
    _, second = inbox.to("finn@example.org")
    assert second["Subject"] == f"Corrected to NO: {forecast_question.title}"
    body = body_of(second)
    assert "it is now NO (it was YES)" in body and "The strike was called off" in body
    assert "your Brier score is 0.090" in body  # (0.3 − 0)²


def test_an_annulment_says_it_is_not_scored(engine, session, manager, forecaster, clock,
                                             smtp_server, forecast_question):
    controller, inbox = smtp_server
    resolution.resolve(session, forecast_question, outcome="annulled", actor=manager,
                       now=clock.now())
    _job(session, engine, clock, _smtp(controller))
    body = body_of(inbox.to("finn@example.org")[0])
    assert "annulled" in body and "not scored" in body and "Brier score is" not in body


def test_switched_off_on_the_profile_page_no_resolution_email_is_sent(
        engine, session, manager, forecaster, clock, smtp_server, forecast_question, sign_in):
    controller, inbox = smtp_server
    page = sign_in(forecaster)
    saved = page.post("/profile", {"email": "finn@example.org", "interval_days": "14",
                                   "time_zone": "UTC", "email_clarification": "y",
                                   "email_reminder": "y"})  # resolution left unticked
    assert saved.status_code == 302
    assert not profile.wants(session, forecaster, profile.RESOLUTION)
    assert profile.wants(session, forecaster, profile.CLARIFICATION)
    resolution.resolve(session, forecast_question, outcome="no", actor=manager,
                       now=clock.now())

    assert _job(session, engine, clock, _smtp(controller))["sent"] == 0
    assert inbox.messages == []


def test_the_email_is_written_in_the_recipients_time_zone(
        engine, session, manager, forecaster, clock, smtp_server, forecast_question):
    controller, inbox = smtp_server
    profile.update_profile(session, forecaster, email="finn@example.org", interval_days=14,
                           time_zone="Asia/Kolkata")
    resolution.resolve(session, forecast_question, outcome="yes", actor=manager,
                       now=clock.now())
    _job(session, engine, clock, _smtp(controller))
    body = body_of(inbox.to("finn@example.org")[0])
    local = clock.now() + timedelta(hours=5, minutes=30)
    assert f"was resolved YES on {local:%Y-%m-%d %H:%M} +05:30." in body


def test_a_run_that_dies_mid_batch_is_finished_by_the_next_without_repeats(
        engine, session, manager, clock, smtp_server):
    controller, inbox = smtp_server
    question = make_question(session, manager)
    people = [make_user(session, name) for name in ("ana", "ben", "cai")]
    for person in people:
        profile.set_email(session, person, f"{person.username}@example.org")
        forecasting.submit_forecast(session, question, forecaster=person, probability=0.6,
                                    now=T0 + timedelta(days=1))
    resolution.resolve(session, question, outcome="yes", actor=manager, now=clock.now())
    session.commit()  # the manager's request ends before the scheduler's runs

    class Killed(BaseException):
        """Stands for the process dying (SIGKILL) in the middle of the batch."""

    class DiesOnSecond:
        def __init__(self) -> None:
            self.real, self.calls = _smtp(controller), 0

        def send(self, email: mail.Email) -> None:
            self.calls += 1
            if self.calls == 2:
                raise Killed
            self.real.send(email)

    with pytest.raises(Killed), Session(engine) as doomed:
        from forecasts.notifications import resolution_emails

        resolution_emails.send_resolution_emails(doomed, DiesOnSecond(), now=clock.now())
    assert [m["To"] for m in inbox.messages] == ["ana@example.org"]

    # ben's claim was written before the crash: at most one email each, never two
    assert _job(session, engine, clock, _smtp(controller))["sent"] == 1
    assert sorted(m["To"] for m in inbox.messages) == ["ana@example.org", "cai@example.org"]


def test_a_failed_send_is_retried_by_the_next_run(engine, session, manager, forecaster, clock,
                                                  smtp_server, forecast_question):
    controller, inbox = smtp_server
    resolution.resolve(session, forecast_question, outcome="yes", actor=manager,
                       now=clock.now())

    class Down:
        def send(self, email: mail.Email) -> None:
            raise ConnectionRefusedError("no SMTP server")

    assert _job(session, engine, clock, Down())["failed"] == 1
    assert _job(session, engine, clock, _smtp(controller))["sent"] == 1
    assert [m["To"] for m in inbox.messages] == ["finn@example.org"]


def test_the_digest_kind_is_only_for_managers(session, forecaster):
    desk = make_user(session, "dora", Role.manager)
    assert profile.DIGEST not in {k.key for k in profile.email_kinds_for(forecaster)}
    assert profile.DIGEST in {k.key for k in profile.email_kinds_for(desk)}

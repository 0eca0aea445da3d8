"""Managers' automation pages, the Jobs page, the profile page, and emails for users."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from sqlmodel import Session

from forecasts.accounts import people as accounts
from forecasts.accounts.profile import Reminders, reminders_of
from forecasts.models import Action, Outcome
from forecasts.notifications.mail import ConsoleMailer
from forecasts.questions import forecasting
from forecasts.resolution import proposals, sources
from forecasts.resolution.fetching import Fetcher
from forecasts.scheduling import catalogue as tasks
from forecasts.scheduling import runs as job_runs
from tests.support.builders import LOCAL, T0, make_question


@pytest.fixture
def ctx(app, clock):  # type: ignore[no-untyped-def]
    context = tasks.Context(engine=app.extensions["engine"], clock=clock, mailer=ConsoleMailer(),
                            poll_workers=2, fetcher=Fetcher(allowed=LOCAL))
    yield context
    context.fetcher.close()


def test_a_json_source_is_proposed_confirmed_and_scored(sign_in, session, manager, forecaster,
                                                        clock, httpserver, ctx):
    question = make_question(session, manager)
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.8,
                                now=T0 + timedelta(days=1))
    httpserver.expect_request("/ferries").respond_with_json({"strike": {"over": True}})
    desk = sign_in(manager)
    saved = desk.post(f"/questions/{question.id}/source", {
        "kind": "http_json", "url": httpserver.url_for("/ferries"), "pointer": "/strike/over",
        "comparison": "==", "value": "true", "no_event_means_no": "y"})
    assert saved.status_code == 302

    assert tasks.poll_sources(ctx) == {"proposed": 1}

    page = desk.get(f"/questions/{question.id}").get_data(as_text=True)
    assert 'data-testid="proposal"' in page
    assert '<code data-testid="evidence-value">true</code>' in page
    assert clock.now().isoformat() in page  # fetched-at time
    proposal = proposals.proposal_for(session, question.id)
    confirmed = desk.post(f"/proposals/{proposal.id}/confirm")
    assert confirmed.status_code == 302
    session.expire_all()
    assert session.get(type(question), question.id).outcome is Outcome.yes
    trail = desk.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "Confirmed the automatic proposal" in trail and Action.propose.value in trail
    record = sign_in(forecaster).get(f"/forecasters/{forecaster.id}").get_data(as_text=True)
    assert 'data-testid="mean-brier">0.040' in record  # (0.8 - 1)²
    assert desk.post(f"/proposals/{proposal.id}/confirm").status_code == 303  # decided already


def test_a_manager_dismisses_a_wrong_proposal(sign_in, session, manager, clock, httpserver,
                                              ctx):
    question = make_question(session, manager)
    httpserver.expect_request("/ferries").respond_with_json({"strike": {"over": True}})
    desk = sign_in(manager)
    desk.post(f"/questions/{question.id}/source", {
        "kind": "http_json", "url": httpserver.url_for("/ferries"), "pointer": "/strike/over",
        "comparison": "==", "value": "true"})
    tasks.poll_sources(ctx)
    proposal = proposals.proposal_for(session, question.id)
    long_note = "Stale cache. " + "x" * 6_000  # over the note's limit: refused, and kept
    refused = desk.post_refused(f"/proposals/{proposal.id}/dismiss", {"note": long_note},
                                page=f"/questions/{question.id}")
    assert long_note in refused.get_data(as_text=True)  # the text comes back beside its message
    dismissed = desk.post(f"/proposals/{proposal.id}/dismiss", {"note": "Stale cache."})
    assert dismissed.status_code == 302
    page = desk.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "dismissed YES" in page and "Stale cache." in page
    session.expire_all()
    assert session.get(type(question), question.id).outcome is None


def test_a_bad_source_is_refused_with_the_reason(sign_in, session, manager, forecaster):
    question = make_question(session, manager)
    desk = sign_in(manager)
    refused = desk.post(f"/questions/{question.id}/source", {
        "kind": "http_json", "url": "http://x.org/", "pointer": "status", "comparison": ">=",
        "value": "many"}, follow_redirects=True)
    page = refused.get_data(as_text=True)
    assert "Source not saved" in page and "JSON Pointer" in page
    assert sources.source_of(session, question.id) is None
    analyst = sign_in(forecaster)
    assert analyst.post(f"/questions/{question.id}/source",
                        {"kind": "feed", "url": "http://x.org/"}).status_code == 403
    assert 'id="automation"' not in analyst.get(f"/questions/{question.id}").get_data(as_text=True)


def test_the_jobs_page_shows_runs_next_times_and_what_needs_a_manager(
    sign_in, session, engine, manager, forecaster, clock
):
    late = make_question(session, manager)
    clock.set(late.resolve_by + timedelta(days=2))
    with Session(engine) as own:
        run = job_runs.start_run(own, "close-questions", holder="h", now=clock.now())
        job_runs.finish_run(own, run, now=clock.now(), counts={"closed": 3})
        job_runs.record_next_runs(own, {"close-questions": ("Close questions",
                                                            clock.now() + timedelta(minutes=1))},
                                  now=clock.now())
    page = sign_in(manager).get("/jobs").get_data(as_text=True)
    assert "3 closed" in page and "succeeded" in page
    assert (clock.now() + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M UTC") in page
    assert late.title in page.split('data-testid="overdue"')[1]
    assert sign_in(forecaster).get("/jobs").status_code == 403


def test_the_jobs_page_names_sources_that_keep_failing(sign_in, session, manager, clock,
                                                       httpserver, ctx):
    question = make_question(session, manager)
    httpserver.expect_request("/down").respond_with_data("maintenance", status=503)
    source = sources.set_source(session, question, sources.SourceInput(
        kind="feed", url=httpserver.url_for("/down"), pattern="strike"), actor=manager,
        now=clock.now(), allowed=LOCAL)
    session.commit()  # the manager's request ends before the scheduler's polls
    for _ in range(sources.ALERT_AFTER_FAILURES):
        assert tasks.poll_sources(ctx) == {"failed": 1}
        session.refresh(source)
        clock.set(source.next_check_at)
    page = sign_in(manager).get("/jobs").get_data(as_text=True)
    failing = page.split('data-testid="failing"')[1]
    entry = failing.split("</li>")[0]
    assert question.title in entry and "5 failed checks in a row: HTTP 503." in entry
    assert entry.count("HTTP 503") == 1  # the status is said once, not "(HTTP 503): HTTP 503"


def test_users_set_their_email_and_reminders_on_their_profile(sign_in, session, forecaster):
    client = sign_in(forecaster)
    assert "14" in client.get("/profile").get_data(as_text=True)
    saved = client.post("/profile", {"email": "Finn@Example.org", "interval_days": "7"})
    assert saved.status_code == 302
    session.refresh(forecaster)
    assert forecaster.email == "finn@example.org"
    assert reminders_of(session, forecaster) == Reminders(False, 7)  # the box was unticked
    bad = client.post_refused("/profile", {"email": "not-an-address", "email_reminder": "y",
                                           "interval_days": "0"}, page="/profile")
    text = bad.get_data(as_text=True)
    assert "between 1 and 365" in text and "name@example.org" in text
    assert 'value="not-an-address"' in text  # what was typed is shown again, once
    session.refresh(forecaster)
    assert forecaster.email == "finn@example.org"


def test_admins_and_the_cli_give_users_an_email(sign_in, session, admin, runner):
    client = sign_in(admin)
    created = client.post("/admin/users", {"username": "zoe", "password": "long-enough-1",
                                           "role": "forecaster", "team_id": "0",
                                           "email": "zoe@example.org"})
    assert created.status_code == 302
    zoe = accounts.find_user(session, "zoe")
    assert zoe.email == "zoe@example.org"
    client.post_refused("/admin/users", {"username": "zed", "password": "long-enough-1",
                                         "role": "forecaster", "team_id": "0", "email": "zed"},
                        "/admin/users")
    assert accounts.find_user(session, "zed") is None
    changed = client.post(f"/admin/users/{zoe.id}", {"role": "forecaster", "team_id": "0",
                                                     "active": "y", "email": "zoe@desk.org"})
    assert changed.status_code == 302
    session.refresh(zoe)
    assert zoe.email == "zoe@desk.org"
    client.post(f"/admin/users/{zoe.id}", {"role": "forecaster", "team_id": "0",
                                           "active": "y", "email": "nope"})
    session.refresh(zoe)
    assert zoe.email == "zoe@desk.org"

    result = runner.invoke(args=["users", "create", "ivan", "--email", "ivan@example.org",
                                 "--password", "long-enough-1"])
    assert result.exit_code == 0, result.output
    assert accounts.find_user(session, "ivan").email == "ivan@example.org"
    refused = runner.invoke(args=["users", "create", "ivy", "--email", "ivy",
                                  "--password", "long-enough-1"])
    assert refused.exit_code == 2 and "email" in refused.output
    assert accounts.find_user(session, "ivy") is None


def test_web_workers_list_the_jobs_without_loading_the_scheduler():
    """The Jobs page reads the catalogue as plain data; APScheduler stays in the jobs process."""
    probe = ("import sys, web, web.jobs; "
             "print(sorted(m for m in sys.modules if m.startswith('apscheduler')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

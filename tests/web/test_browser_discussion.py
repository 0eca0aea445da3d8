"""Discussion in a real browser against a real gunicorn, with the real scheduler mailing through a
real local SMTP server: hidden before forecasting, comments after, a clarification pinned and
emailed."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from forecasts.models import JobSchedule, Role
from tests.support.live import BIN, ROOT
from tests.support.site import add_user, live_session
from tests.support.smtp import smtp_server  # noqa: F401  (fixture)
from tests.web.test_browser import sign_in

pytestmark = pytest.mark.browser

TITLE = "Will the Thessaloniki port workers strike for more than five days?"
# seconds: an upper bound for a slow, shared machine, not a sleep.
WAIT = 150.0


def _missed_clarification_run(live_server) -> None:  # type: ignore[no-untyped-def]
    """Record that the clarification emails were due a minute ago, as after a scheduler restart.

    A job with no recorded run time waits for its first regular time (a minute for this one);
    a missed run is run at once when the scheduler starts, so the emails go out without waiting.
    """
    now = datetime.now(UTC)
    with live_session(live_server) as session:
        session.add(JobSchedule(job_id="clarification-emails",
                                next_run_at=now - timedelta(minutes=1),
                                updated_at=now - timedelta(minutes=2)))
        session.commit()


def _scheduler(live_server, controller) -> subprocess.Popen[bytes]:  # type: ignore[no-untyped-def]
    env = {**live_server.env, "MAIL_BACKEND": "smtp", "MAIL_SERVER": controller.hostname,
           "MAIL_PORT": str(controller.port), "MAIL_FROM": "desk@forecasts.test"}
    with (live_server.log.parent / "scheduler.log").open("wb") as log:
        return subprocess.Popen([str(BIN / "forecasts"), "jobs", "run"], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _wait_for(inbox, count: int, process) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT
    while len(inbox.messages) < count:
        assert process.poll() is None, "the scheduler stopped"
        assert time.monotonic() < deadline, f"{len(inbox.messages)} of {count} emails arrived"
        time.sleep(0.1)


def test_discussion_opens_after_forecasting_and_clarifications_are_pinned_and_emailed(
        chromium, live_server, artifacts, smtp_server):  # noqa: F811
    controller, inbox = smtp_server
    # the manager has the product's own scrypt hash: one sign-in checked as in production (each
    # scrypt hash and check costs about 0.4 s; the forecasters have the builders' cheap one)
    add_user(live_server, "maria", "manager-pass-1", Role.manager, email="maria@example.org",
             scrypt=True)
    for name in ("finn", "gus"):
        add_user(live_server, name, f"{name}-pass-123", email=f"{name}@example.org")

    boss, boss_watch = sign_in(chromium, live_server, "maria", "manager-pass-1")
    boss.get_by_role("link", name="New question").first.click()
    boss.get_by_label("Question").fill(TITLE)
    boss.get_by_label("Resolution criteria").fill(
        "YES if the dockers' union reports a strike lasting over five days.")
    boss.get_by_label("Closes (UTC)").fill(
        (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"))
    boss.get_by_role("button", name="Save draft").click()
    boss.get_by_role("button", name="Publish").click()
    question_url = boss.url

    gus, gus_watch = sign_in(chromium, live_server, "gus", "gus-pass-123")
    gus.goto(question_url)
    gus.get_by_label("Your probability of YES (%)").fill("65")
    gus.get_by_role("button", name="Submit forecast").click()
    gus.get_by_label("Comment", exact=True).fill(
        "The union voted 4 to 1; see https://example.org/vote")
    gus.get_by_role("button", name="Post", exact=True).click()
    expect(gus.get_by_test_id("comment")).to_have_count(1)  # waits for the page it lands on

    finn, finn_watch = sign_in(chromium, live_server, "finn", "finn-pass-123")
    finn.goto(question_url)
    assert finn.get_by_test_id("discussion-hidden").is_visible()
    assert finn.get_by_test_id("comment").count() == 0
    assert finn.get_by_text("The union voted 4 to 1").count() == 0
    finn.screenshot(path=str(artifacts / "discussion-hidden.png"), full_page=True)

    finn.get_by_label("Your probability of YES (%)").fill("30")
    finn.get_by_label("Rationale", exact=True).fill("Strikes at this port ended within a week.")
    finn.get_by_role("button", name="Submit forecast").click()
    link = finn.get_by_test_id("comment").get_by_role("link", name="https://example.org/vote")
    assert link.get_attribute("href") == "https://example.org/vote"
    finn.get_by_label("Comment", exact=True).fill("Funds for strike pay run out in days.")
    finn.get_by_role("button", name="Post", exact=True).click()
    finn.get_by_role("button", name="Share this rationale").click()
    # (all_inner_texts would not wait for the page the click lands on; expect does)
    expect(finn.get_by_test_id("comment").locator(".comment-body")).to_have_text([
        "The union voted 4 to 1; see https://example.org/vote",
        "Funds for strike pay run out in days.",
        "Strikes at this port ended within a week."])

    boss.goto(question_url)
    boss.get_by_label("Clarification").fill("A strike counts from the first full day off work.")
    boss.get_by_role("button", name="Pin clarification").click()

    finn.reload()
    pinned = finn.get_by_test_id("clarification")
    assert pinned.locator(".comment-body").inner_text() == \
        "A strike counts from the first full day off work."
    assert "Clarified 20" in pinned.inner_text()  # dated
    first_comment = finn.get_by_test_id("comment").first
    assert pinned.bounding_box()["y"] < first_comment.bounding_box()["y"]  # pinned above
    finn.screenshot(path=str(artifacts / "discussion-clarified.png"), full_page=True)
    finn.set_viewport_size({"width": 390, "height": 844})
    assert finn.evaluate("(s => s.scrollWidth <= s.clientWidth)"
                         "(document.getElementById('discussion'))")
    finn.screenshot(path=str(artifacts / "discussion-phone.png"), full_page=True)

    _missed_clarification_run(live_server)
    scheduler = _scheduler(live_server, controller)
    try:
        _wait_for(inbox, 2, scheduler)
    finally:
        os.killpg(scheduler.pid, signal.SIGTERM)
        scheduler.wait(timeout=WAIT)
    assert sorted(m["To"] for m in inbox.messages) == ["finn@example.org", "gus@example.org"]
    for message in inbox.messages:
        assert " ".join(message["Subject"].split()) == f"Clarified: {TITLE}"  # unfolded
        assert "A strike counts from the first full day off work." in message.get_payload()
    assert inbox.to("maria@example.org") == []  # the manager never forecast

    for watch in (boss_watch, gus_watch, finn_watch):
        assert watch.errors == []
        assert watch.foreign == []

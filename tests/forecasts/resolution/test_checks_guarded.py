"""Checks under hostile and messy sources, on real local servers: an internal address, a slow
drip, a catastrophic pattern, a slashed date; and who the trail credits for automatic acts."""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from forecasts import resolution
from forecasts.errors import ValidationFailed
from forecasts.models import Action, Outcome, SourceCheck, User
from forecasts.outbound import parse_networks
from forecasts.resolution import checks, proposals, sources
from forecasts.resolution.fetching import Fetcher
from forecasts.resolution.sources import SourceInput
from tests.support.builders import LOCAL, make_question


def json_source(url: str, **changes: object) -> SourceInput:
    values: dict[str, object] = {"kind": "http_json", "url": url, "pointer": "/status",
                                 "comparison": "==", "value": "ended"}
    return SourceInput(**{**values, **changes})  # type: ignore[arg-type]


def feed_source(url: str, pattern: str, **changes: object) -> SourceInput:
    return SourceInput(kind="feed", url=url, pattern=pattern, **changes)  # type: ignore[arg-type]


def actor_name(session, event) -> str:  # type: ignore[no-untyped-def]
    return session.get(User, event.actor_id).display_name  # type: ignore[no-any-return]


def all_checks(session) -> list[SourceCheck]:  # type: ignore[no-untyped-def]
    return list(session.exec(select(SourceCheck).order_by(SourceCheck.id)))  # type: ignore[arg-type]


# --- Internal addresses ---------------------------------------------------------------------

def test_an_internal_address_is_a_form_error_on_save(session, manager, clock, httpserver):
    question = make_question(session, manager)
    for url in (f"http://127.0.0.1:{httpserver.port}/healthz", "http://2130706433/healthz",
                "http://[::ffff:127.0.0.1]/", "http://169.254.169.254/latest/meta-data/",
                "http://localhost/"):
        with pytest.raises(ValidationFailed) as refused:
            sources.set_source(session, question, json_source(url), actor=manager,
                               now=clock.now())
        assert "not a public address" in refused.value.fields["url"]
    assert sources.source_of(session, question.id) is None
    assert httpserver.log == []


def test_an_internal_address_is_a_recorded_failure_and_its_answer_never_shown(
    session, manager, clock, httpserver
):
    """Saved while allowed, then checked by a checker that does not allow it; and a chain that
    redirects three times before it reaches loopback."""
    httpserver.expect_request("/healthz").respond_with_json({"status": "ended", "db": "up"})
    for hop, location in (("/a", "/b"), ("/b", "/c"),
                          ("/c", f"http://2130706434:{httpserver.port}/healthz")):
        httpserver.expect_request(hop).respond_with_data("", status=302,
                                                         headers={"Location": location})
    direct, chained = make_question(session, manager), make_question(session, manager)
    sources.set_source(session, direct, json_source(f"http://127.0.0.1:{httpserver.port}/healthz"),
                       actor=manager, now=clock.now(), allowed=LOCAL)

    assert checks.poll_due(session, now=clock.now(), fetcher=Fetcher(deadline=2.0)) == \
        {"failed": 1}

    sources.set_source(session, chained, json_source(f"http://127.0.0.1:{httpserver.port}/a"),
                       actor=manager, now=clock.now(), allowed=LOCAL)
    first_hops_only = Fetcher(deadline=2.0, allowed=parse_networks("127.0.0.1/32"))
    assert checks.poll_due(session, now=clock.now(), fetcher=first_hops_only) == {"failed": 1}

    recorded = all_checks(session)
    assert [c.ok for c in recorded] == [False, False]
    assert all("not a public address" in c.error and c.status_code is None for c in recorded)
    assert all("db" not in c.value and "ended" not in c.value for c in recorded)
    assert [entry[0].path for entry in httpserver.log] == ["/a", "/b", "/c"]
    assert proposals.proposal_for(session, direct.id) is None


# --- A slow drip among many ---------------------------------------------------------------

@pytest.fixture
def drip_url() -> Iterator[str]:
    """A source that sends its answer one byte every 0.5 s, holding the connection open."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()

    def serve() -> None:
        with contextlib.suppress(OSError):
            connection, _ = listener.accept()
            with connection:
                connection.recv(4096)
                answer = b'HTTP/1.1 200 OK\r\nContent-Length: 19\r\n\r\n{"status": "ended"}'
                for byte in answer:
                    if stop.wait(0.5):
                        return
                    connection.sendall(bytes([byte]))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/drip"
    stop.set()
    listener.close()
    thread.join(timeout=5)


def test_a_slow_drip_source_delays_nobody_and_each_check_is_timed_when_it_ran(
    session, manager, clock, httpserver, drip_url
):
    httpserver.expect_request("/fast").respond_with_json({"status": "ongoing"})
    slow = make_question(session, manager)
    sources.set_source(session, slow, json_source(drip_url), actor=manager, now=clock.now(),
                       allowed=LOCAL)
    for _ in range(12):
        sources.set_source(session, make_question(session, manager),
                           json_source(httpserver.url_for("/fast")), actor=manager,
                           now=clock.now(), allowed=LOCAL)
    ticks = itertools.count()
    lock = threading.Lock()
    start = clock.now()

    def ticking() -> datetime:  # a settable clock that moves one second per reading
        with lock:
            return start + timedelta(seconds=next(ticks))

    started = time.monotonic()
    counts = checks.poll_due(session, now=start, clock=ticking, workers=2, batch_size=4,
                              fetcher=Fetcher(deadline=1.5, allowed=LOCAL))
    elapsed = time.monotonic() - started

    assert counts == {"checked": 12, "failed": 1}
    assert elapsed < 10  # the drip alone would take 20 s; one worker was held 1.5 s at most
    recorded = all_checks(session)
    dripped = next(c for c in recorded if not c.ok)
    assert "No complete answer within 1.5 s" in dripped.error
    times = sorted(c.checked_at for c in recorded)
    assert times == [start + timedelta(seconds=n) for n in range(13)]  # each when it ran
    source = sources.source_of(session, slow.id)
    assert source.last_checked_at == dripped.checked_at


# --- Patterns and dates ----------------------------------------------------------------------

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>
<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate></item>
</channel></rss>"""


def serve_feed(httpserver, title: str, date: str, link: str = "http://example.org/x") -> str:  # type: ignore[no-untyped-def]
    httpserver.expect_request("/feed").respond_with_data(
        RSS.format(title=title, date=date, link=link), content_type="application/rss+xml")
    return httpserver.url_for("/feed")  # type: ignore[no-any-return]


def test_a_catastrophic_pattern_cannot_freeze_the_checks(session, manager, clock, httpserver):
    question = make_question(session, manager)
    url = serve_feed(httpserver, "a" * 5000 + "!", "Fri, 09 Jan 2026 10:00:00 GMT")
    sources.set_source(session, question, feed_source(url, "(a+)+$", pattern_is_regex=True),
                       actor=manager, now=clock.now(), allowed=LOCAL)
    started = time.monotonic()

    assert checks.poll_due(session, now=clock.now(), fetcher=Fetcher(allowed=LOCAL)) == \
        {"checked": 1}

    assert time.monotonic() - started < 5


def test_an_unrunnable_pattern_is_a_form_error(session, manager, clock):
    question = make_question(session, manager)
    with pytest.raises(ValidationFailed) as refused:
        sources.set_source(session, question,
                           feed_source("http://192.0.2.1/f", r"(strike)\1", pattern_is_regex=True),
                           actor=manager, now=clock.now(), allowed=parse_networks("192.0.2.0/24"))
    assert "RE2" in refused.value.fields["pattern"]


def test_a_slashed_date_is_no_evidence_for_yes_or_no(session, manager, clock, httpserver):
    """Open from 2026-10-15 to 12-15; feedparser alone would read 2026/03/15 as this month."""
    question = make_question(session, manager, opens_at=datetime(2026, 10, 15, tzinfo=UTC),
                             closes_at=datetime(2026, 12, 15, tzinfo=UTC),
                             resolve_by=datetime(2026, 12, 20, tzinfo=UTC))
    url = serve_feed(httpserver, "Strike called off", "2026/03/15 09:00:00")
    sources.set_source(session, question, feed_source(url, "called off"), actor=manager,
                       now=clock.now(), allowed=LOCAL)
    fetcher = Fetcher(allowed=LOCAL)

    for day in (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC),
                datetime(2026, 12, 16, tzinfo=UTC)):  # the last one after the close
        clock.set(day)
        assert checks.poll_due(session, now=clock.now(), fetcher=fetcher) == {"checked": 1}

    assert proposals.proposal_for(session, question.id) is None
    assert "without a usable date" in all_checks(session)[-1].value


# --- Who the trail credits -------------------------------------------------------------------

def test_automatic_proposals_and_resolutions_are_credited_to_the_scheduler(
    session, manager, clock, httpserver
):
    httpserver.expect_request("/s").respond_with_json({"status": "ended"})
    confirmed, applied = make_question(session, manager), make_question(session, manager)
    sources.set_source(session, confirmed, json_source(httpserver.url_for("/s")),
                       actor=manager, now=clock.now(), allowed=LOCAL)
    sources.set_source(session, applied, json_source(httpserver.url_for("/s"), auto_apply=True),
                       actor=manager, now=clock.now(), allowed=LOCAL)

    assert checks.poll_due(session, now=clock.now(), fetcher=Fetcher(allowed=LOCAL)) == \
        {"proposed": 2}
    proposals.confirm(session, proposals.proposal_for(session, confirmed.id), actor=manager,
                      now=clock.now())

    assert [(e.action, actor_name(session, e)) for e in resolution.trail(session, confirmed)] == [
        (Action.propose, "Scheduler"), (Action.close, "Maria"), (Action.resolve, "Maria")]
    assert [(e.action, actor_name(session, e)) for e in resolution.trail(session, applied)] == [
        (Action.propose, "Scheduler"), (Action.close, "Scheduler"),
        (Action.resolve, "Scheduler")]
    scheduler = session.exec(select(User).where(User.display_name == "Scheduler")).one()
    assert scheduler.kind.value == "system" and not scheduler.active


def test_a_conditional_annulment_is_credited_to_the_scheduler(session, manager, clock):
    condition = make_question(session, manager, title="Will the talks open by February?")
    dependant = make_question(session, manager, title="Will dredging start?")
    dependant.condition_id = condition.id
    session.add(dependant)
    session.commit()

    resolution.resolve(session, condition, outcome=Outcome.no, actor=manager, now=clock.now())

    assert [(e.action, actor_name(session, e)) for e in resolution.trail(session, condition)] \
        == [(Action.close, "Maria"), (Action.resolve, "Maria")]
    assert [(e.action, actor_name(session, e)) for e in resolution.trail(session, dependant)] \
        == [(Action.close, "Scheduler"), (Action.resolve, "Scheduler")]
    session.refresh(dependant)
    assert dependant.outcome is Outcome.annulled

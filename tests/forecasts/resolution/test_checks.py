"""Automatic resolution sources, checked against a real local HTTP server."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest
from sqlmodel import Session, select

from forecasts import resolution
from forecasts.errors import NotAllowed, ValidationFailed
from forecasts.models import Action, Outcome, Proposal, Question, SourceCheck
from forecasts.resolution import checks as source_checks
from forecasts.resolution import overdue, proposals, sources
from forecasts.resolution.fetching import Fetcher
from forecasts.resolution.sources import SourceInput
from tests.support.builders import LOCAL, T0, make_question

# Short enough that the one silent-server test stays quick, long enough for a loaded CI machine.
FAST = Fetcher(deadline=2.0, allowed=LOCAL)
# For a port that never answers, any deadline passes: a short one keeps the test from waiting.
IMPATIENT = Fetcher(deadline=0.25, allowed=LOCAL)


def json_source(url: str, pointer: str = "/data/status", comparison: str = "==",
                value: str = "ended", **changes: object) -> SourceInput:
    return SourceInput(kind="http_json", url=url, pointer=pointer, comparison=comparison,
                       value=value, **changes)  # type: ignore[arg-type]


def run_checks(session, clock) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return source_checks.poll_due(session, now=clock.now(), fetcher=FAST, workers=4)


@pytest.fixture
def question(session, manager) -> Question:  # type: ignore[no-untyped-def]
    return make_question(session, manager)


def test_a_json_value_that_holds_is_proposed_yes_with_its_evidence(
    session, manager, question, clock, httpserver
):
    httpserver.expect_request("/strike").respond_with_json({"data": {"status": "ended"}})
    sources.set_source(session, question, json_source(httpserver.url_for("/strike")),
                       actor=manager, now=clock.now(), allowed=LOCAL)

    assert run_checks(session, clock) == {"proposed": 1}

    proposal = proposals.proposal_for(session, question.id)
    assert proposal.outcome is Outcome.yes and proposal.status.value == "pending"
    assert proposal.evidence["value"] == '"ended"'
    assert proposal.evidence["fetched_at"] == clock.now().isoformat()
    session.refresh(question)
    assert question.outcome is None  # a proposal waits for a manager
    assert [e.action for e in resolution.trail(session, question)] == [Action.propose]
    # Running again at the same instant, or later, proposes nothing more.
    assert run_checks(session, clock) == {}
    clock.advance(hours=2)
    assert run_checks(session, clock) == {}
    assert len(session.exec(select(Proposal)).all()) == 1
    assert len(resolution.trail(session, question)) == 1


def test_a_value_that_does_not_hold_is_checked_again_in_an_hour(
    session, manager, question, clock, httpserver
):
    httpserver.expect_request("/count").respond_with_json({"data": {"count": 3}})
    source = sources.set_source(
        session, question, json_source(httpserver.url_for("/count"), "/data/count", ">=", "5"),
        actor=manager, now=clock.now(), allowed=LOCAL)

    assert run_checks(session, clock) == {"checked": 1}
    session.refresh(source)
    assert source.next_check_at == clock.now() + timedelta(hours=1)
    assert proposals.proposal_for(session, question.id) is None
    assert run_checks(session, clock) == {}  # not due again yet


def test_past_resolve_by_a_source_that_never_fired_proposes_no_without_fetching(
    session, manager, question, clock, httpserver
):
    httpserver.expect_request("/strike").respond_with_json({"data": {"status": "ongoing"}})
    sources.set_source(session, question, json_source(httpserver.url_for("/strike")),
                       actor=manager, now=clock.now(), allowed=LOCAL)
    assert run_checks(session, clock) == {"checked": 1}  # a good check before the deadline
    fetched = len(httpserver.log)
    clock.set(question.resolve_by + timedelta(minutes=1))

    assert run_checks(session, clock) == {"proposed": 1}
    assert len(httpserver.log) == fetched
    proposal = proposals.proposal_for(session, question.id)
    assert proposal.outcome is Outcome.no
    assert "No event by the deadline" in proposal.evidence["reason"]


@pytest.mark.parametrize("before", ["never checked", "last check failed"])
def test_a_source_that_could_not_be_read_before_the_deadline_never_proposes_no(
    session, manager, question, clock, httpserver, before
):
    httpserver.expect_request("/strike").respond_with_data("<html>down", status=200)
    sources.set_source(session, question, json_source(httpserver.url_for("/strike")),
                       actor=manager, now=clock.now(), allowed=LOCAL)
    if before == "last check failed":
        assert run_checks(session, clock) == {"failed": 1}
    clock.set(question.resolve_by + timedelta(days=1))

    assert run_checks(session, clock) == {"failed": 1}

    assert proposals.proposal_for(session, question.id) is None
    assert session.get(Question, question.id).outcome is None
    latest = source_checks.recent_checks(session, sources.source_of(session, question.id).id)[0]
    assert "NO is not proposed from missing data" in latest.error


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield listener.getsockname()[1]
    listener.close()


def _serve_failure(kind: str, httpserver, silent_port: int) -> tuple[str, int | None, str]:  # type: ignore[no-untyped-def]
    if kind == "timeout":
        return f"http://127.0.0.1:{silent_port}/slow", None, "No complete answer within"
    if kind == "server error":
        httpserver.expect_request("/x").respond_with_data("oops", status=500)
        return httpserver.url_for("/x"), 500, "HTTP 500"
    if kind == "garbage":
        httpserver.expect_request("/x").respond_with_data("<html>not json", status=200)
        return httpserver.url_for("/x"), 200, "not JSON"
    httpserver.expect_request("/x").respond_with_data("", status=302,
                                                      headers={"Location": "/x"})
    return httpserver.url_for("/x"), 302, "Redirected more than"


@pytest.mark.parametrize("kind", ["timeout", "server error", "garbage", "redirect loop"])
def test_a_failing_source_leaves_the_question_alone_and_records_the_error(
    session, manager, question, clock, httpserver, silent_port, kind
):
    url, status, message = _serve_failure(kind, httpserver, silent_port)
    source = sources.set_source(session, question, json_source(url), actor=manager,
                                now=clock.now(), allowed=LOCAL)

    fetcher = IMPATIENT if kind == "timeout" else FAST
    assert source_checks.poll_due(session, now=clock.now(), fetcher=fetcher) == {"failed": 1}

    session.refresh(source)
    check = session.exec(select(SourceCheck)).one()
    assert not check.ok and check.status_code == status and message in check.error
    assert source.failures == 1 and source.last_status == status
    assert source.next_check_at == clock.now() + timedelta(minutes=5)
    assert proposals.proposal_for(session, question.id) is None
    assert resolution.trail(session, question) == []


def test_failures_back_off_then_managers_are_told_and_a_good_answer_resets(
    session, manager, question, clock, httpserver
):
    httpserver.expect_request("/x").respond_with_data("down", status=503)
    source = sources.set_source(session, question, json_source(httpserver.url_for("/x")),
                                actor=manager, now=clock.now(), allowed=LOCAL)
    waits = []
    for _ in range(sources.ALERT_AFTER_FAILURES):
        assert run_checks(session, clock) == {"failed": 1}
        session.refresh(source)
        waits.append(source.next_check_at - clock.now())
        clock.set(source.next_check_at)
    assert waits == [timedelta(minutes=m) for m in (5, 10, 20, 40, 80)]
    assert [s.id for s, _ in sources.failing_sources(session)] == [source.id]
    contents = overdue.digest_contents(session, now=clock.now())
    assert contents is not None
    body = overdue.digest_email(manager, contents, now=clock.now()).body
    assert "failing repeatedly" in body and "5 failed checks in a row" in body

    httpserver.clear()
    httpserver.expect_request("/x").respond_with_json({"data": {"status": "ongoing"}})
    assert run_checks(session, clock) == {"checked": 1}
    session.refresh(source)
    assert source.failures == 0 and sources.failing_sources(session) == []


FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Union news</title><link>http://example.org/</link>
<description>News</description>
<item><title>Strike called off after talks</title><link>http://example.org/called-off</link>
<pubDate>{inside}</pubDate></item>
<item><title>Strike called off in 2019</title><link>http://example.org/old</link>
<pubDate>Mon, 07 Jan 2019 10:00:00 GMT</pubDate></item>
</channel></rss>"""


def test_a_feed_entry_matching_in_the_window_is_proposed_yes(
    session, manager, question, clock, httpserver
):
    inside = (T0 + timedelta(days=3)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    httpserver.expect_request("/feed").respond_with_data(
        FEED.format(inside=inside), content_type="application/rss+xml")
    sources.set_source(session, question, SourceInput(
        kind="feed", url=httpserver.url_for("/feed"), pattern=r"called\s+off",
        pattern_is_regex=True), actor=manager, now=clock.now(), allowed=LOCAL)

    assert run_checks(session, clock) == {"proposed": 1}
    facts = proposals.proposal_for(session, question.id).evidence
    assert facts["title"] == "Strike called off after talks"
    assert facts["link"] == "http://example.org/called-off"


def test_a_feed_without_a_match_by_the_close_proposes_no(
    session, manager, question, clock, httpserver
):
    httpserver.expect_request("/feed").respond_with_data(
        FEED.format(inside="Mon, 07 Jan 2019 10:00:00 GMT"), content_type="application/rss+xml")
    sources.set_source(session, question, SourceInput(
        kind="feed", url=httpserver.url_for("/feed"), pattern="called off"),
        actor=manager, now=clock.now(), allowed=LOCAL)
    assert run_checks(session, clock) == {"checked": 1}  # still open: nothing yet

    clock.set(question.closes_at + timedelta(hours=1))
    assert run_checks(session, clock) == {"proposed": 1}
    assert proposals.proposal_for(session, question.id).outcome is Outcome.no


def test_auto_apply_resolves_at_once_with_the_trail(session, manager, question, clock,
                                                      httpserver):
    httpserver.expect_request("/strike").respond_with_json({"data": {"status": "ended"}})
    sources.set_source(session, question,
                       json_source(httpserver.url_for("/strike"), auto_apply=True),
                       actor=manager, now=clock.now(), allowed=LOCAL)

    assert run_checks(session, clock) == {"proposed": 1}
    session.refresh(question)
    assert question.outcome is Outcome.yes
    assert [e.action for e in resolution.trail(session, question)] == [
        Action.propose, Action.close, Action.resolve]
    assert proposals.proposal_for(session, question.id).status.value == "applied"


def test_a_manager_confirms_a_proposal_once(session, manager, question, clock, httpserver):
    httpserver.expect_request("/strike").respond_with_json({"data": {"status": "ended"}})
    sources.set_source(session, question, json_source(httpserver.url_for("/strike")),
                       actor=manager, now=clock.now(), allowed=LOCAL)
    run_checks(session, clock)
    proposal = proposals.proposal_for(session, question.id)

    proposals.confirm(session, proposal, actor=manager, now=clock.advance(minutes=5))

    session.refresh(question)
    assert question.outcome is Outcome.yes
    resolved = resolution.trail(session, question)[-1]
    assert resolved.action is Action.resolve and "Confirmed the automatic proposal" in resolved.note
    with pytest.raises(Exception, match="decided already"):
        proposals.confirm(session, proposal, actor=manager, now=clock.now())


def test_a_dismissed_proposal_stays_quiet_until_the_source_changes(session, manager, question,
                                                                     clock, httpserver):
    httpserver.expect_request("/strike").respond_with_json({"data": {"status": "ended"}})
    source = json_source(httpserver.url_for("/strike"))
    sources.set_source(session, question, source, actor=manager, now=clock.now(), allowed=LOCAL)
    run_checks(session, clock)
    proposal = proposals.proposal_for(session, question.id)
    with pytest.raises(ValidationFailed):
        proposals.dismiss(session, proposal, actor=manager, note=" ", now=clock.now())

    proposals.dismiss(session, proposal, actor=manager, note="The feed shows a test value.",
                      now=clock.advance(minutes=1))

    session.refresh(question)
    assert question.outcome is None
    dismissed = resolution.trail(session, question)[-1]
    assert dismissed.action is Action.dismiss and "test value" in dismissed.note
    clock.advance(hours=1)
    run_checks(session, clock)  # still firing, but dismissed: no second proposal
    assert proposals.proposal_for(session, question.id).status.value == "dismissed"
    sources.set_source(session, question, source, actor=manager, now=clock.now(), allowed=LOCAL)
    assert run_checks(session, clock) == {"proposed": 1}
    assert proposals.proposal_for(session, question.id).status.value == "pending"


def test_sources_are_checked_for_sense_and_set_by_managers_only(session, manager, forecaster,
                                                                 question, clock):
    with pytest.raises(ValidationFailed) as refused:
        sources.set_source(session, question, json_source("ftp://x", pointer="no-slash",
                                                          comparison=">=", value="high"),
                           actor=manager, now=clock.now(), allowed=LOCAL)
    assert set(refused.value.fields) == {"url", "pointer", "value"}
    with pytest.raises(ValidationFailed, match="regular expression"):
        sources.set_source(session, question, SourceInput(kind="feed", url="http://x.org/f",
                                                          pattern="(", pattern_is_regex=True),
                           actor=manager, now=clock.now(), allowed=LOCAL)
    with pytest.raises(NotAllowed):
        sources.set_source(session, question, json_source("http://x.org/"), actor=forecaster,
                           now=clock.now(), allowed=LOCAL)


def test_evidence_survives_as_json(session, manager, question, clock, httpserver):
    httpserver.expect_request("/n").respond_with_json({"data": {"count": [1, 2]}})
    sources.set_source(session, question,
                       json_source(httpserver.url_for("/n"), "/data/count", "contains", "2"),
                       actor=manager, now=clock.now(), allowed=LOCAL)
    run_checks(session, clock)
    assert json.loads(proposals.proposal_for(session, question.id).evidence["value"]) == [1, 2]


def test_two_check_runs_at_the_same_instant_propose_once(engine, session, manager, question,
                                                         clock, httpserver):
    httpserver.expect_request("/strike").respond_with_json({"data": {"status": "ended"}})
    sources.set_source(session, question, json_source(httpserver.url_for("/strike")),
                       actor=manager, now=clock.now(), allowed=LOCAL)
    session.commit()  # the manager's request ends before the scheduler's runs start
    start = Barrier(2)

    def run(_: int) -> dict[str, int]:
        with Session(engine) as own:
            start.wait()
            return source_checks.poll_due(own, now=clock.now(), fetcher=FAST, workers=2)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(run, [1, 2]))
    assert sum(r.get("proposed", 0) for r in results) == 1
    assert len(session.exec(select(Proposal)).all()) == 1
    assert [e.action for e in resolution.trail(session, question)] == [Action.propose]

"""Outgoing webhooks against a real local receiver: signed, queued with the event, retried."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from werkzeug import Request, Response

from forecasts.clock import FixedClock
from forecasts.errors import NotAllowed, ValidationFailed
from forecasts.models import WebhookDelivery
from forecasts.notifications import webhooks
from forecasts.notifications.mail import ConsoleMailer
from forecasts.resolution import outcomes
from forecasts.resolution.fetching import Fetcher
from forecasts.scheduling.catalogue import Context, deliver_webhooks
from tests.support.builders import LOCAL, make_question

SECRET = "s3cret-shared-with-the-receiver"


@pytest.fixture
def ctx(engine, clock) -> Iterator[Context]:  # type: ignore[no-untyped-def]
    yield Context(engine=engine, clock=clock, mailer=ConsoleMailer(),
                  fetcher=Fetcher(allowed=LOCAL))


def verifying(received: list[dict]):  # type: ignore[no-untyped-def,type-arg]
    """A receiver that checks the signature as the README says, and keeps what it accepted."""
    def handler(request: Request) -> Response:
        timestamp = request.headers["X-Forecasts-Timestamp"]
        expected = "sha256=" + hmac.new(SECRET.encode(), timestamp.encode() + b"."
                                        + request.get_data(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, request.headers["X-Forecasts-Signature"]):
            return Response("bad signature", status=401)
        received.append(json.loads(request.get_data()))
        return Response("", status=204)
    return handler


def hook(session, manager, httpserver, *, events=("question.resolved",), style="json"):  # type: ignore[no-untyped-def]
    return webhooks.register(session, url=httpserver.url_for("/hook"), events=events,
                             style=style, secret=SECRET, actor=manager, now=manager.created_at)


def deliver(session, ctx) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The delivery job's run, after the test's own requests (through ``session``) committed."""
    session.commit()
    return deliver_webhooks(ctx)


def deliveries(session) -> list[WebhookDelivery]:  # type: ignore[no-untyped-def]
    """What is stored, read afresh once the test's own requests (through ``session``) commit."""
    session.commit()
    with Session(session.get_bind()) as fresh:
        return list(fresh.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)))  # type: ignore[arg-type]


def test_a_resolution_is_sent_by_the_job_signed_and_verified_by_the_receiver(
        ctx, engine, session, manager, clock, httpserver):
    received: list[dict] = []  # type: ignore[type-arg]
    httpserver.expect_request("/hook", method="POST").respond_with_handler(verifying(received))
    hook(session, manager, httpserver)
    question = make_question(session, manager, title="Will the ferry strike end by May?")

    outcomes.resolve(session, question, outcome="yes", actor=manager, now=clock.now())

    assert httpserver.log == []  # queued with the resolution, not sent in the request
    assert deliver(session, ctx) == {"delivered": 1, "retrying": 0, "failed": 0}
    assert [(r["event"], r["data"]["title"], r["data"]["outcome"]) for r in received] == [
        ("question.resolved", "Will the ferry strike end by May?", "yes")]
    [sent] = deliveries(session)
    assert (sent.delivered_at, sent.attempts, sent.last_status) == (clock.now(), 1, 204)
    assert deliver(session, ctx)["delivered"] == 0  # sent once


def test_a_wrong_secret_is_refused_by_the_receiver_and_retried(
        ctx, engine, session, manager, clock, httpserver):
    httpserver.expect_request("/hook").respond_with_handler(verifying([]))
    webhooks.register(session, url=httpserver.url_for("/hook"), events=["question.resolved"],
                      style="json", secret="not-the-shared-one", actor=manager, now=clock.now())
    outcomes.resolve(session, make_question(session, manager), outcome="no", actor=manager,
                     now=clock.now())

    assert deliver(session, ctx) == {"delivered": 0, "retrying": 1, "failed": 0}
    assert deliveries(session)[0].last_status == 401


def test_a_500_is_retried_at_the_next_due_time_then_delivered(
        ctx, engine, session, manager, clock: FixedClock, httpserver):
    received: list[dict] = []  # type: ignore[type-arg]
    httpserver.expect_oneshot_request("/hook").respond_with_data("down", status=500)
    httpserver.expect_request("/hook").respond_with_handler(verifying(received))
    hook(session, manager, httpserver)
    outcomes.resolve(session, make_question(session, manager), outcome="yes", actor=manager,
                     now=clock.now())

    assert deliver(session, ctx) == {"delivered": 0, "retrying": 1, "failed": 0}
    [waiting] = deliveries(session)
    assert (waiting.last_status, waiting.last_error) == (500, "HTTP 500")
    assert waiting.next_attempt_at == clock.now() + timedelta(minutes=1)
    clock.advance(seconds=59)
    assert deliver(session, ctx) == {"delivered": 0, "retrying": 0, "failed": 0}  # not due
    clock.advance(seconds=1)
    assert deliver(session, ctx) == {"delivered": 1, "retrying": 0, "failed": 0}
    assert len(httpserver.log) == 2 and len(received) == 1
    assert deliveries(session)[0].attempts == 2


def test_the_backoff_doubles_up_to_six_hours_and_gives_up_after_the_last_attempt(
        ctx, engine, session, manager, clock: FixedClock, httpserver):
    assert [webhooks.backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert webhooks.backoff(20) == timedelta(hours=6)
    httpserver.expect_request("/hook").respond_with_data("down", status=503)
    hook(session, manager, httpserver)
    outcomes.resolve(session, make_question(session, manager), outcome="yes", actor=manager,
                     now=clock.now())
    for _ in range(webhooks.MAX_ATTEMPTS - 1):
        assert deliver(session, ctx)["retrying"] == 1
        clock.set(deliveries(session)[0].next_attempt_at)  # type: ignore[arg-type]
    assert deliver(session, ctx)["failed"] == 1
    assert deliver(session, ctx) == {"delivered": 0, "retrying": 0, "failed": 0}
    assert len(httpserver.log) == webhooks.MAX_ATTEMPTS


def test_an_event_is_queued_once_per_webhook(session, engine, manager, clock, httpserver):
    first = hook(session, manager, httpserver)
    hook(session, manager, httpserver)
    data = {"question_id": 1, "title": "t", "outcome": "yes"}
    assert webhooks.enqueue(session, "question.resolved", "k:1", data, now=clock.now()) == 2
    session.commit()
    assert webhooks.enqueue(session, "question.resolved", "k:1", data, now=clock.now()) == 0
    assert len(deliveries(session)) == 2
    session.add(WebhookDelivery(webhook_id=first.id, event="question.resolved",  # type: ignore[arg-type]
                                event_key="k:1", payload="{}", created_at=clock.now()))
    with pytest.raises(IntegrityError):  # the database holds the rule too
        session.commit()


def test_each_event_is_queued_in_its_own_transaction_and_a_correction_is_a_new_event(
        session, engine, manager, clock, httpserver):
    hook(session, manager, httpserver,
         events=("question.published", "question.resolved", "proposal.waiting"))
    question = make_question(session, manager)
    outcomes.resolve(session, question, outcome="yes", actor=manager, now=clock.now())
    outcomes.resolve(session, question, outcome="no", note="Misread the notice.", actor=manager,
                     now=clock.now())
    events = [(d.event, json.loads(d.payload)["data"].get("corrected"))
              for d in deliveries(session)]
    assert events == [("question.published", None), ("question.resolved", False),
                      ("question.resolved", True)]


@pytest.mark.parametrize(("style", "expected"), [
    ("slack", {"text": "Resolved YES: Will the canal reopen?"}),
    ("teams", {"@type": "MessageCard", "@context": "https://schema.org/extensions",
               "summary": "Resolved YES: Will the canal reopen?",
               "text": "Resolved YES: Will the canal reopen?"}),
])
def test_slack_and_teams_get_their_incoming_webhook_format(
        ctx, session, manager, clock, httpserver, style, expected):
    httpserver.expect_request("/hook", method="POST", json=expected).respond_with_data("ok")
    hook(session, manager, httpserver, style=style)
    outcomes.resolve(session, make_question(session, manager, title="Will the canal reopen?"),
                     outcome="yes", actor=manager, now=clock.now())

    # a body that differs finds no handler, and pytest-httpserver answers 500
    assert deliver(session, ctx)["delivered"] == 1


def test_an_internal_address_is_refused_unless_allowed(engine, session, manager, clock,
                                                       httpserver):
    hook(session, manager, httpserver)
    outcomes.resolve(session, make_question(session, manager), outcome="yes", actor=manager,
                     now=clock.now())
    counts = webhooks.deliver_due(session, now=clock.now())  # no SOURCE_ALLOWED_NETWORKS
    assert counts["retrying"] == 1 and httpserver.log == []
    assert "not a public address" in deliveries(session)[0].last_error


def test_only_managers_register_and_only_http_urls_with_known_events(session, manager,
                                                                     forecaster, clock):
    with pytest.raises(NotAllowed):
        webhooks.register(session, url="https://example.org/h", events=["question.published"],
                          style="json", secret="", actor=forecaster, now=clock.now())
    with pytest.raises(ValidationFailed) as caught:
        webhooks.register(session, url="file:///etc/passwd", events=["nope"], style="xml",
                          secret="x" * 201, actor=manager, now=clock.now())
    assert set(caught.value.fields) == {"url", "events", "style", "secret"}
    made = webhooks.register(session, url="https://example.org/h", events=["digest.weekly"],
                             style="json", secret="", actor=manager, now=clock.now())
    assert len(made.secret) >= 40  # a random secret when none is given


def test_the_weekly_digest_counts_the_past_week_and_is_queued_once_per_week(
        session, engine, manager, clock: FixedClock, httpserver):
    hook(session, manager, httpserver, events=("digest.weekly",))
    clock.set(clock.now() - timedelta(days=10))  # the builders publish at T0
    question = make_question(session, manager)
    outcomes.resolve(session, question, outcome="yes", actor=manager, now=clock.now())
    clock.advance(days=2)

    assert webhooks.queue_weekly_digest(session, now=clock.now()) == {"queued": 1}
    assert webhooks.queue_weekly_digest(session, now=clock.now()) == {"queued": 0}
    [digest] = deliveries(session)
    data = json.loads(digest.payload)["data"]
    assert (data["published"], data["resolved"], data["proposals_waiting"]) == (1, 1, 0)
    assert webhooks.summary("digest.weekly", data)== (
        "This week: 1 question published, 1 resolved, 0 proposals waiting.")


def test_a_conditional_annulled_by_its_condition_is_a_resolved_event_too(
        session, engine, manager, clock, httpserver):
    hook(session, manager, httpserver)
    condition = make_question(session, manager, title="Will the budget pass?")
    conditional = make_question(session, manager, title="Will dredging start?")
    conditional.condition_id = condition.id
    session.add(conditional)
    session.commit()

    outcomes.resolve(session, condition, outcome="no", actor=manager, now=clock.now())

    sent = sorted((json.loads(d.payload)["data"]["title"], json.loads(d.payload)["data"]["outcome"])
                  for d in deliveries(session))
    assert sent == [("Will dredging start?", "annulled"), ("Will the budget pass?", "no")]

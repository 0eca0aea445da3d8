"""Outgoing webhooks: registering receivers, queueing events, signing and sending them.

An event is queued (a ``WebhookDelivery`` row per subscribed webhook) in the same transaction
as what caused it, so a rolled-back resolution sends nothing and a committed one is never
lost; the scheduler's ``deliver-webhooks`` job sends what is due through the guarded
outbound client. The unique (webhook, event key) pair makes queueing idempotent.

Signing follows Stripe's scheme: ``X-Forecasts-Signature: sha256=<hex>`` is the HMAC-SHA256,
keyed with the webhook's secret, of ``<timestamp>.<raw body>``, where ``<timestamp>`` is the
``X-Forecasts-Timestamp`` header (Unix seconds), so a receiver can also refuse stale replays.

A failed attempt is retried on a schedule, not in a loop: the next attempt is due
``min(1 min × 2^(attempts − 1), 6 h)`` after the failure, and after ``MAX_ATTEMPTS`` the
delivery is marked failed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from forecasts import bounds, outbound
from forecasts.errors import NotAllowed, NotFound, ValidationFailed
from forecasts.models import Role, User, Webhook, WebhookDelivery
from forecasts.outbound import IPNetwork, OutboundError

EVENTS: dict[str, str] = {
    "question.published": "A question is published",
    "question.resolved": "A question is resolved or its resolution corrected",
    "proposal.waiting": "A proposed resolution waits for a manager",
    "digest.weekly": "The weekly digest (Mondays)",
}
STYLES: dict[str, str] = {
    "json": "Signed JSON",
    "slack": "Slack incoming webhook",
    "teams": "Microsoft Teams incoming webhook",
}
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
DEADLINE = 10.0  # seconds for one attempt, connect and answer together
MAX_ANSWER_BYTES = 64 * 1024  # a receiver's answer is read only to be discarded
USER_AGENT = "forecast-tracker webhooks"


def _require_manager(user: User) -> None:
    if not user.has_role(Role.manager):
        raise NotAllowed("Only managers can manage webhooks.")


def register(
    session: Session,
    *,
    url: str,
    events: Iterable[str],
    style: str,
    secret: str,
    actor: User,
    now: datetime,
) -> Webhook:
    """Store a webhook; a blank ``secret`` gets a random one (the caller shows it once).

    Raises NotAllowed for non-managers and ValidationFailed naming each bad field (a URL
    that is not http(s) with a host, an unknown or missing event or style, text over its limit).
    """
    _require_manager(actor)
    url, secret, chosen = url.strip(), secret.strip(), sorted(set(events))
    errors = bounds.text_errors({"url": (url, bounds.URL),
                                 "secret": (secret, bounds.WEBHOOK_SECRET)})
    parts = urlsplit(url)
    if "url" not in errors and (parts.scheme not in ("http", "https") or not parts.hostname):
        errors["url"] = "Give an http:// or https:// address."
    if not chosen or any(event not in EVENTS for event in chosen):
        errors["events"] = "Choose at least one of the listed events."
    if style not in STYLES:
        errors["style"] = "Choose one of the listed formats."
    if errors:
        raise ValidationFailed(errors)
    webhook = Webhook(url=url, events=" ".join(chosen), style=style,
                      secret=secret or secrets.token_urlsafe(32),
                      created_by_id=actor.id, created_at=now)  # type: ignore[arg-type]
    session.add(webhook)
    session.flush()
    session.refresh(webhook)
    return webhook


def remove(session: Session, webhook_id: int, *, actor: User, now: datetime) -> Webhook:
    """Stop sending to a webhook (its delivery log stays).

    Raises NotAllowed for non-managers, NotFound for an unknown or already removed webhook.
    """
    _require_manager(actor)
    webhook = session.get(Webhook, webhook_id)
    if webhook is None or webhook.removed_at is not None:
        raise NotFound("No such webhook.")
    webhook.removed_at = now
    session.add(webhook)
    session.flush()
    return webhook


def active(session: Session) -> list[Webhook]:
    """The webhooks that receive events, oldest first."""
    return list(session.exec(select(Webhook).where(col(Webhook.removed_at).is_(None))
                             .order_by(col(Webhook.id))))


def recent_deliveries(session: Session, limit: int = 50) -> list[WebhookDelivery]:
    """The latest deliveries, newest first, for the managers' log."""
    return list(session.exec(select(WebhookDelivery)
                             .order_by(col(WebhookDelivery.id).desc()).limit(limit)))


def subscribers(session: Session, event: str) -> list[Webhook]:
    """The active webhooks that receive ``event``."""
    return [hook for hook in active(session) if event in hook.events.split()]


def enqueue(session: Session, event: str, key: str, data: dict[str, Any], *,
            now: datetime, hooks: list[Webhook] | None = None) -> int:
    """Queue ``event`` for every webhook subscribed to it, in the caller's transaction.

    ``key`` names this occurrence of the event; a webhook that already has it queued is
    skipped, so calling twice queues once. ``hooks`` (from ``subscribers``) saves the lookup
    when queueing many. Returns the number of rows added (not committed).
    """
    subscribed = subscribers(session, event) if hooks is None else hooks
    if not subscribed:
        return 0
    queued = set(session.exec(select(WebhookDelivery.webhook_id).where(
        WebhookDelivery.event_key == key)))
    payload = json.dumps({"event": event, "id": key, "occurred_at": now.isoformat(),
                          "data": data}, sort_keys=True, default=str)
    added = 0
    for hook in subscribed:
        if hook.id in queued:
            continue
        session.add(WebhookDelivery(webhook_id=hook.id, event=event, event_key=key,  # type: ignore[arg-type]
                                    payload=payload, created_at=now, next_attempt_at=now))
        added += 1
    return added


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 keyed with ``secret`` of ``timestamp + "." + body``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def summary(event: str, data: dict[str, Any]) -> str:
    """One line of question-level text for a chat channel (no one's personal scores)."""
    title = data.get("title", "")
    if event == "question.published":
        return f"New question: {title} (closes {data.get('closes_at', '')[:10]})"
    if event == "question.resolved":
        outcome = str(data.get("outcome", "")).upper()
        verb = "Corrected to" if data.get("corrected") else "Resolved"
        return f"{verb} {outcome}: {title}"
    if event == "proposal.waiting":
        return f"Proposed {str(data.get('outcome', '')).upper()}, waiting for a manager: {title}"
    if event == "digest.weekly":
        published, waiting = data.get("published", 0), data.get("proposals_waiting", 0)
        return (f"This week: {published} question{'' if published == 1 else 's'} published, "
                f"{data.get('resolved', 0)} resolved, {waiting} "
                f"proposal{'' if waiting == 1 else 's'} waiting.")
    return event


def body_for(style: str, payload: str) -> bytes:
    """The request body: the JSON event itself, or a Slack or Teams message about it."""
    if style == "json":
        return payload.encode()
    event = json.loads(payload)
    text = summary(event["event"], event["data"])
    if style == "slack":
        message: dict[str, Any] = {"text": text}
    else:  # Teams' incoming-webhook MessageCard
        message = {"@type": "MessageCard", "@context": "https://schema.org/extensions",
                   "summary": text, "text": text}
    return json.dumps(message).encode()


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 1 min doubling per failure, at most 6 h."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def send(delivery: WebhookDelivery, webhook: Webhook, *, now: datetime,
         allowed: Iterable[IPNetwork] = ()) -> tuple[int | None, str]:
    """POST one delivery; returns (HTTP status or None, why it failed or "" on a 2xx).

    Redirects are not followed: a receiver's address is the one registered.
    """
    body = body_for(webhook.style, delivery.payload)
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json", "User-Agent": USER_AGENT,
        "X-Forecasts-Event": delivery.event, "X-Forecasts-Delivery": delivery.event_key,
        "X-Forecasts-Timestamp": timestamp,
        "X-Forecasts-Signature": signature(webhook.secret, timestamp, body),
    }
    try:
        answer = outbound.fetch(webhook.url, method="POST", body=body, headers=headers,
                                max_bytes=MAX_ANSWER_BYTES, deadline=DEADLINE,
                                allowed=allowed, max_redirects=0)
    except OutboundError as error:
        return error.status, str(error)
    if 200 <= answer.status < 300:
        return answer.status, ""
    return answer.status, f"HTTP {answer.status}"


def deliver_due(session: Session, *, now: datetime, allowed: Iterable[IPNetwork] = (),
                limit: int = 200) -> dict[str, int]:
    """Send every delivery due by ``now`` to a webhook still registered; commits each result.

    Returns counts: delivered, retrying (failed, another attempt scheduled), failed (gave up).
    """
    networks = tuple(allowed)
    rows = session.exec(
        select(WebhookDelivery, Webhook)
        .join(Webhook, col(Webhook.id) == WebhookDelivery.webhook_id)
        .where(col(Webhook.removed_at).is_(None), col(WebhookDelivery.delivered_at).is_(None),
               col(WebhookDelivery.failed_at).is_(None),
               col(WebhookDelivery.next_attempt_at) <= now)
        .order_by(col(WebhookDelivery.next_attempt_at), col(WebhookDelivery.id)).limit(limit)
    ).all()
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    for delivery, webhook in rows:
        status, error = send(delivery, webhook, now=now, allowed=networks)
        delivery.attempts += 1
        delivery.last_status, delivery.last_error = status, bounds.shorten(
            error, bounds.DELIVERY_ERROR)
        if not error:
            delivery.delivered_at, delivery.next_attempt_at = now, None
            counts["delivered"] += 1
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.failed_at, delivery.next_attempt_at = now, None
            counts["failed"] += 1
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
            counts["retrying"] += 1
        session.add(delivery)
        session.commit()
    return counts


def question_data(question: Any) -> dict[str, Any]:
    """The question-level facts every question event carries."""
    return {"question_id": question.id, "title": question.title,
            "closes_at": question.closed_at.isoformat()}


def queue_weekly_digest(session: Session, *, now: datetime) -> dict[str, int]:
    """Queue this ISO week's digest (the past 7 days' counts) once per webhook."""
    # Imported here: the resolution package imports questions, which imports this module.
    from forecasts.models import Proposal, ProposalStatus, Question

    since = now - timedelta(days=7)
    published = session.exec(select(Question.id).where(
        col(Question.published_at) > since, col(Question.published_at) <= now)).all()
    resolved = session.exec(select(Question.id).where(
        col(Question.resolved_at) > since, col(Question.resolved_at) <= now)).all()
    waiting = session.exec(select(Proposal.id).where(
        Proposal.status == ProposalStatus.pending)).all()
    year, week, _ = now.isocalendar()
    queued = enqueue(session, "digest.weekly", f"digest.weekly:{year}-W{week:02d}", {
        "since": since.isoformat(), "published": len(published), "resolved": len(resolved),
        "proposals_waiting": len(waiting)}, now=now)
    return {"queued": queued}

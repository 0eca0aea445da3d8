"""Personal API tokens and outgoing webhooks."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from forecasts import bounds
from forecasts.db import utc_timestamp


class ApiToken(SQLModel, table=True):
    """A named bearer token for the JSON API; only its SHA-256 is kept, never the token."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=80)
    # SHA-256 hex of the whole token: the token has 256 random bits, so no salt or slow hash
    # is needed (unlike a password, it cannot be guessed from a dictionary).
    token_hash: str = Field(max_length=64, unique=True, index=True)
    prefix: str = Field(max_length=16)  # the token's first characters, to tell tokens apart
    can_write: bool = False
    created_at: datetime = utc_timestamp()
    last_used_at: datetime | None = utc_timestamp(nullable=True)
    revoked_at: datetime | None = utc_timestamp(nullable=True)


class Webhook(SQLModel, table=True):
    """A receiver a manager registered: where to POST, which events, how to sign and shape them.

    ``secret`` is kept in clear because every delivery is signed with it (HMAC needs the key);
    the pages never show it again after creation. ``events`` is a space-separated list of
    event names; ``style`` is "json" (signed), "slack" or "teams" (incoming-webhook text).
    """

    __tablename__ = "webhook"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=bounds.URL.max_length)
    events: str = Field(max_length=200)
    style: str = Field(default="json", max_length=16)
    secret: str = Field(max_length=bounds.WEBHOOK_SECRET.max_length)
    created_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = utc_timestamp()
    removed_at: datetime | None = utc_timestamp(nullable=True)


class WebhookDelivery(SQLModel, table=True):
    """One event for one webhook: written in the event's transaction, sent by the scheduler.

    ``event_key`` names the event instance (e.g. "question.resolved:12:40" for trail entry 40),
    so the same event is never queued twice for a webhook.
    """

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        sa.UniqueConstraint("webhook_id", "event_key", name="one_delivery_per_event"),
        sa.Index("ix_webhook_delivery_due", "delivered_at", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(foreign_key="webhook.id", index=True, ondelete="CASCADE")
    event: str = Field(max_length=40)
    event_key: str = Field(max_length=200)
    payload: str = Field(sa_type=sa.Text)  # the JSON event, as queued
    created_at: datetime = utc_timestamp()
    attempts: int = 0
    next_attempt_at: datetime | None = utc_timestamp(nullable=True)
    delivered_at: datetime | None = utc_timestamp(nullable=True)
    failed_at: datetime | None = utc_timestamp(nullable=True)
    last_status: int | None = None
    last_error: str = Field(default="", max_length=bounds.DELIVERY_ERROR.max_length)

"""Personal API tokens: created, shown once, stored as a SHA-256, checked, revoked."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from forecasts import bounds
from forecasts.errors import NotAllowed, NotFound, ValidationFailed
from forecasts.models import ApiToken, Role, User, UserKind

TOKEN_PREFIX = "fct_"  # marks our tokens, so secret scanners and people can recognise one
MAX_NAME = 80
MAX_TOKENS_PER_USER = 50
# Recording every call would make each read a write; a minute is precise enough to see use.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """A new token and the only copy of its secret, to show to its owner once."""

    token: ApiToken
    secret: str


def digest(secret: str) -> str:
    """The stored form of a token: SHA-256 hex (the token has 256 random bits, so no salt)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(
    session: Session, owner: User, *, name: str, can_write: bool, now: datetime
) -> IssuedToken:
    """Issue a token for ``owner``; raises ValidationFailed for a missing or over-long name."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationFailed({"name": "Name the token after what will use it."})
    if len(cleaned) > MAX_NAME:
        raise ValidationFailed({"name": f"Keep the name to {MAX_NAME} characters."})
    bounds.check_texts({"name": (cleaned, bounds.TextLimit(MAX_NAME))})
    if len(tokens_of(session, owner)) >= MAX_TOKENS_PER_USER:
        raise ValidationFailed({"name": f"Revoke a token first: at most {MAX_TOKENS_PER_USER}."})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=owner.id, name=cleaned, token_hash=digest(secret),  # type: ignore[arg-type]
                     prefix=secret[:12], can_write=can_write, created_at=now)
    session.add(token)
    session.flush()
    session.refresh(token)
    return IssuedToken(token=token, secret=secret)


def tokens_of(session: Session, owner: User) -> list[ApiToken]:
    """The owner's live (unrevoked) tokens, newest first."""
    query = select(ApiToken).where(ApiToken.user_id == owner.id,
                                   col(ApiToken.revoked_at).is_(None))
    return list(session.exec(query.order_by(col(ApiToken.created_at).desc(),
                                            col(ApiToken.id).desc())))


def all_tokens(session: Session, viewer: User) -> list[tuple[ApiToken, User]]:
    """Every live token with its owner, for a manager; raises NotAllowed for anyone else."""
    if not viewer.has_role(Role.manager):
        raise NotAllowed("Only managers can see everyone's tokens.")
    query = (select(ApiToken, User).join(User, col(User.id) == ApiToken.user_id)
             .where(col(ApiToken.revoked_at).is_(None))
             .order_by(col(User.username), col(ApiToken.id)))
    return list(session.exec(query).all())


def revoke_token(session: Session, token_id: int, *, actor: User, now: datetime) -> ApiToken:
    """Revoke a token: its owner or a manager may. Raises NotFound otherwise (no hint it exists)."""
    token = session.get(ApiToken, token_id)
    if token is None or token.revoked_at is not None or (
        token.user_id != actor.id and not actor.has_role(Role.manager)
    ):
        raise NotFound("No such token.")
    token.revoked_at = now
    session.add(token)
    session.flush()
    return token


def authenticate_token(
    session: Session, secret: str, *, now: datetime
) -> tuple[User, ApiToken] | None:
    """The person and token a bearer secret stands for, or None (unknown, revoked, inactive).

    Records the use in ``last_used_at`` (to the minute).
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    found = session.exec(
        select(ApiToken, User).join(User, col(User.id) == ApiToken.user_id)
        .where(ApiToken.token_hash == digest(secret))
    ).first()
    if found is None:
        return None
    token, user = found
    if token.revoked_at is not None or not user.active or user.kind is not UserKind.person:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        session.add(token)
        session.flush()
    return user, token


def revoke_all(session: Session, owner: User, *, now: datetime) -> int:
    """Revoke every live token of ``owner`` (an admin's reset after a compromise); returns how
    many. Flushes; the caller's transaction commits."""
    live = [t for t in tokens_of(session, owner) if t.revoked_at is None]
    for token in live:
        token.revoked_at = now
        session.add(token)
    session.flush()
    return len(live)

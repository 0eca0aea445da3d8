"""Password reset by email: a signed, expiring, single-use link (itsdangerous).

The token carries the user's id and a fingerprint of their current password hash, signed with
the app's secret. It expires after an hour, and it is single-use because using it changes the
password hash, so the fingerprint no longer matches (a password change by other means voids
it too).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer
from sqlmodel import Session, select

from forecasts.accounts import people as accounts
from forecasts.email_addresses import AddressRefused, normalise_email
from forecasts.errors import ValidationFailed
from forecasts.models import User, UserKind
from forecasts.notifications.mail import Email, Mailer

SALT = "password-reset"
LIFETIME = timedelta(hours=1)
INVALID = "This reset link has expired or has been used. Ask for a new one."


def _serializer(secret: str, now: datetime) -> URLSafeTimedSerializer:
    # itsdangerous reads the time through the signer; this one reads the caller's clock.
    class ClockSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(now.timestamp())

    return URLSafeTimedSerializer(secret, salt=SALT, signer=ClockSigner)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def make_token(user: User, *, secret: str, now: datetime) -> str:
    """A reset token for ``user``, valid for LIFETIME from ``now`` and until used."""
    return _serializer(secret, now).dumps({"user": user.id, "password": _fingerprint(user)})


def user_for_token(session: Session, token: str, *, secret: str, now: datetime) -> User:
    """The user a still-valid token was made for; raises ValidationFailed on "token"."""
    try:
        claims = _serializer(secret, now).loads(token[:1000],
                                                max_age=int(LIFETIME.total_seconds()))
    except BadData:
        raise ValidationFailed({"token": INVALID}) from None
    user = session.get(User, claims.get("user")) if isinstance(claims, dict) else None
    if (user is None or not user.active or user.kind is not UserKind.person
            or claims.get("password") != _fingerprint(user)):
        raise ValidationFailed({"token": INVALID})
    return user


def reset_password(session: Session, token: str, password: str, *, secret: str,
                   now: datetime) -> User:
    """Set a new password through a reset link, which it uses up; raises ValidationFailed."""
    user = user_for_token(session, token, secret=secret, now=now)
    accounts.set_password(session, user, password)
    return user


def find_by_name_or_email(session: Session, identifier: str) -> User | None:
    """The active person with this username or email address, if any."""
    identifier = identifier.strip().lower()[:254]
    if not identifier:
        return None
    field = User.email if "@" in identifier else User.username
    if "@" in identifier:
        try:  # stored addresses are normalised; look the address up in the same form
            identifier = normalise_email(identifier)
        except AddressRefused:
            return None
    user = session.exec(select(User).where(field == identifier)).first()
    if user is None or not user.active or user.kind is not UserKind.person:
        return None
    return user


def send_reset_link(session: Session, mailer: Mailer, identifier: str, *, secret: str,
                    link_for: Callable[[str], str], now: datetime) -> bool:
    """Email a reset link to the person named by ``identifier`` if they have an address.

    Returns whether an email went out; callers must not tell the requester, or the answer
    would reveal which accounts exist. Raises what the mailer raises.
    """
    user = find_by_name_or_email(session, identifier)
    if user is None or not user.email:
        return False
    link = link_for(make_token(user, secret=secret, now=now))
    hours = int(LIFETIME.total_seconds() // 3600)
    body = (f"Hello {user.display_name},\n\n"
            f"Someone (we hope you) asked to reset the password of {user.username}.\n"
            f"Choose a new one here within {hours} hour{'s' if hours != 1 else ''}:\n\n"
            f"{link}\n\n"
            "The link works once. If you did not ask, ignore this email: your password "
            "stays as it is.\n")
    mailer.send(Email(to=user.email, subject="Reset your forecast tracker password",
                      body=body))
    return True

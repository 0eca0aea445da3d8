"""A user's own settings: their email address and how often they want reminding."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from forecasts import bounds
from forecasts.email_addresses import AddressRefused, normalise_email
from forecasts.errors import ValidationFailed
from forecasts.models import ReminderPreference, User
from forecasts.models.notifications import DEFAULT_INTERVAL_DAYS

MAX_INTERVAL_DAYS = 365


@dataclass(frozen=True)
class Reminders:
    """A user's reminder settings."""

    enabled: bool
    interval_days: int


def clean_email(email: str | None) -> str | None:
    """The address normalised by email-validator, None when blank; raises ValidationFailed."""
    email = (email or "").strip()
    if not email:
        return None
    problem = bounds.EMAIL.problem(email)
    if problem:
        raise ValidationFailed({"email": problem})
    try:
        return normalise_email(email)
    except AddressRefused as error:
        raise ValidationFailed({"email": f"{error} Give an address like name@example.org."}) \
            from None


def set_email(session: Session, user: User, email: str | None) -> User:
    """Change (or, with a blank, remove) the user's address; raises ValidationFailed."""
    user.email = clean_email(email)
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def reminders_of(session: Session, user: User) -> Reminders:
    """The user's reminder settings, the defaults when never set."""
    row = session.get(ReminderPreference, user.id)
    if row is None:
        return Reminders(True, DEFAULT_INTERVAL_DAYS)
    return Reminders(row.enabled, row.interval_days)


def _interval_error(interval_days: int) -> dict[str, str]:
    if 1 <= interval_days <= MAX_INTERVAL_DAYS:
        return {}
    return {"interval_days": f"Choose between 1 and {MAX_INTERVAL_DAYS} days."}


def update_profile(
    session: Session, user: User, *, email: str | None, enabled: bool, interval_days: int
) -> Reminders:
    """Save what the user chose on their profile page; raises ValidationFailed for all fields."""
    errors = _interval_error(interval_days)
    try:
        clean_email(email)
    except ValidationFailed as error:
        errors.update(error.fields)
    if errors:
        raise ValidationFailed(errors)
    set_email(session, user, email)
    return set_reminders(session, user, enabled=enabled, interval_days=interval_days)


def set_reminders(
    session: Session, user: User, *, enabled: bool, interval_days: int
) -> Reminders:
    """Opt in or out and choose after how many days a forecast counts as stale."""
    if errors := _interval_error(interval_days):
        raise ValidationFailed(errors)
    row = session.get(ReminderPreference, user.id) or ReminderPreference(user_id=user.id)  # type: ignore[arg-type]
    row.enabled, row.interval_days = enabled, interval_days
    session.add(row)
    session.commit()
    return Reminders(enabled, interval_days)

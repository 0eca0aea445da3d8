"""A user's own settings: email address, time zone, which emails they want, reminders."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from forecasts import bounds, timezones
from forecasts.email_addresses import AddressRefused, normalise_email
from forecasts.errors import ValidationFailed
from forecasts.models import Preferences, ReminderPreference, Role, User
from forecasts.models.notifications import DEFAULT_INTERVAL_DAYS

MAX_INTERVAL_DAYS = 365


@dataclass(frozen=True)
class EmailKind:
    """A kind of email a user can switch off on their profile."""

    key: str  # the EmailLog kind it is sent as
    label: str  # what the profile's switch says
    role: Role  # the lowest role that receives it
    column: str | None  # the Preferences column; None: reminder_preference.enabled


RESOLUTION, CLARIFICATION, REMINDER, DIGEST = "resolution", "clarification", "reminder", \
    "managers-digest"
EMAIL_KINDS: tuple[EmailKind, ...] = (
    EmailKind(RESOLUTION, "A question I forecast is resolved or its resolution corrected, "
              "with my score", Role.forecaster, "resolution_emails"),
    EmailKind(CLARIFICATION, "A manager clarifies a question I forecast", Role.forecaster,
              "clarification_emails"),
    EmailKind(REMINDER, "A weekly reminder of forecasts I have let go stale", Role.forecaster,
              None),
    EmailKind(DIGEST, "The managers' daily digest: overdue questions, proposals, failing "
              "sources", Role.manager, "digest_emails"),
)
KINDS_BY_KEY = {kind.key: kind for kind in EMAIL_KINDS}


def email_kinds_for(user: User) -> list[EmailKind]:
    """The kinds of email this user's role receives (managers also get the digest)."""
    return [kind for kind in EMAIL_KINDS if user.has_role(kind.role)]


def preferences_of(session: Session, user: User) -> Preferences:
    """The user's stored preferences, or the defaults (UTC, every email on), unsaved."""
    return session.get(Preferences, user.id) or Preferences(user_id=user.id)  # type: ignore[arg-type]


def time_zone_of(session: Session, user: User) -> str:
    """The IANA name of the zone the user reads times in (UTC unless they chose one)."""
    return preferences_of(session, user).time_zone


def wants(session: Session, user: User, kind: str) -> bool:
    """Whether the user wants emails of this kind (one of EMAIL_KINDS' keys): the one rule
    every sender asks before sending."""
    column = KINDS_BY_KEY[kind].column
    if column is None:
        return reminders_of(session, user).enabled
    return bool(getattr(preferences_of(session, user), column))


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
        raise ValidationFailed({"email": f"{error} Give an email address like name@example.org."}) \
            from None


def set_email(session: Session, user: User, email: str | None) -> User:
    """Change (or, with a blank, remove) the user's address; raises ValidationFailed."""
    user.email = clean_email(email)
    session.add(user)
    session.flush()
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
    session: Session, user: User, *, email: str | None, interval_days: int,
    time_zone: str | None = None, emails: dict[str, bool] | None = None,
) -> Reminders:
    """Save what the user chose on their profile page; raises ValidationFailed for all fields.

    ``emails`` maps EMAIL_KINDS' keys to on/off; kinds left out keep their setting. A
    ``time_zone`` of None keeps the zone; a blank one is UTC.
    """
    errors = _interval_error(interval_days)
    for check in (lambda: clean_email(email),
                  lambda: time_zone is None or timezones.check_zone(time_zone)):
        try:
            check()
        except ValidationFailed as error:
            errors.update(error.fields)
    if unknown := set(emails or {}) - set(KINDS_BY_KEY):
        raise ValueError(f"Unknown email kinds: {sorted(unknown)}")
    if errors:
        raise ValidationFailed(errors)
    chosen = dict(emails or {})
    preferences = preferences_of(session, user)
    if time_zone is not None:
        preferences.time_zone = timezones.check_zone(time_zone)
    for key, on in chosen.items():
        if (column := KINDS_BY_KEY[key].column) is not None:
            setattr(preferences, column, on)
    session.add(preferences)
    set_email(session, user, email)
    enabled = chosen.get(REMINDER, reminders_of(session, user).enabled)
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
    session.flush()
    return Reminders(enabled, interval_days)

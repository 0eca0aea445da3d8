"""Users, teams and passwords."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from forecasts import bounds
from forecasts.accounts import passwords, tokens
from forecasts.errors import Conflict, NotFound, ValidationFailed
from forecasts.models import Role, Team, User, UserKind
from forecasts.names import name_key, stored_spelling, tidy_name

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MAX_USERNAME_INPUT = 100  # longer input cannot be a username; no need to look it up


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    display_name: str = "",
    role: Role | str = Role.forecaster,
    team: Team | None = None,
    now: datetime,
) -> User:
    """Add a user; raises ValidationFailed for a bad name, role or password, Conflict if taken."""
    username = username.strip().lower()
    errors: dict[str, str] = {}
    if not USERNAME.match(username):
        errors["username"] = (
            "Use 2–40 characters: lower-case letters, digits, dots, dashes or underscores."
        )
    try:
        passwords.check_password(password, username=username)
    except ValidationFailed as error:
        errors.update(error.fields)
    errors |= bounds.text_errors({"display_name": (display_name.strip(), bounds.DISPLAY_NAME)})
    try:
        role = Role(role)
    except ValueError:
        errors["role"] = f"Choose one of: {', '.join(r.value for r in Role)}."
    if errors:
        raise ValidationFailed(errors)
    if find_user(session, username) is not None:
        raise Conflict(f"The username {username!r} is taken.")
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=passwords.hash_password(password, username=username),
        role=Role(role),
        team_id=team.id if team else None,
        created_at=now,
    )
    session.add(user)
    session.flush()
    session.refresh(user)
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username.strip().lower())).first()


def get_user(session: Session, user_id: int) -> User:
    """The user with this id; raises NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active person with these credentials, or None (never say which part was wrong).

    Every attempt verifies one hash, a dummy one for unknown users, so the time taken is the
    same whether or not the username exists.
    """
    user = find_user(session, username[:MAX_USERNAME_INPUT])
    can_sign_in = user is not None and user.active and user.kind is UserKind.person
    matches = passwords.verify(user.password_hash if can_sign_in else None,  # type: ignore[union-attr]
                               password[:passwords.MAX_LENGTH + 1])
    return user if can_sign_in and matches else None


def create_team(session: Session, name: str, *, now: datetime) -> Team:
    """Add a team; raises ValidationFailed for an empty name, Conflict if it exists.

    Names are compared ignoring case and spacing, so "Eastern Flank cell" and
    "eastern flank cell" cannot both exist.
    """
    name = tidy_name(name)
    if not name or len(name) > bounds.TEAM_NAME.max_length:
        raise ValidationFailed({"name": "Give the team a name of 1–80 characters."})
    bounds.check_texts({"name": (name, bounds.TEAM_NAME)})
    existing = find_team(session, name)
    if existing is not None:
        raise Conflict(_team_taken(existing.name))
    team = Team(name=name, key=name_key(name), created_at=now)
    session.add(team)
    try:
        session.flush()
    except IntegrityError:  # created by someone else since the check above
        session.rollback()
        raise Conflict(_team_taken(name)) from None
    session.refresh(team)
    return team


def _team_taken(name: str) -> str:
    return f"A team called “{name}” exists already (team names ignore case)."


def find_team(session: Session, name: str) -> Team | None:
    """The team with this name, ignoring case and spacing (see forecasts.names)."""
    return session.exec(select(Team).where(Team.key == name_key(name))).first()


def team_named(session: Session, name: str | None) -> str:
    """The stored spelling of the team a filter names ("" when none is named), through
    ``names.stored_spelling``. Raises ValidationFailed (field ``team``) for no such team."""
    return stored_spelling(session, name, find_team, "team")


def update_user(
    session: Session, user: User, *, role: Role | str, team: Team | None, active: bool = True
) -> User:
    """Change a user's role, team, or whether they may sign in; raises ValidationFailed."""
    try:
        user.role = Role(role)
    except ValueError:
        raise ValidationFailed({"role": f"Choose one of: {', '.join(r.value for r in Role)}."}) \
            from None
    user.team_id = team.id if team else None
    if user.active and not active:
        user.session_version += 1  # a deactivated user is signed out everywhere at once
    user.active = active
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str, *, temporary: bool = False,
                 now: datetime | None = None) -> None:
    """Give the user a new password and end all their sessions; raises ValidationFailed.

    A ``temporary`` password (an admin's) must be replaced by the user at their next sign-in,
    and revokes their API tokens as of ``now`` (required then): an admin resets an account
    because it may be in other hands, and a token would keep those hands in.
    """
    user.password_hash = passwords.hash_password(password, username=user.username)
    user.must_change_password = temporary
    if temporary:
        if now is None:
            raise ValueError("a temporary password needs the time its tokens are revoked")
        tokens.revoke_all(session, user, now=now)
    end_sessions(session, user)


def change_password(session: Session, user: User, *, current: str, new: str) -> None:
    """The user replaces their own password; raises ValidationFailed when ``current`` is wrong
    or ``new`` breaks the rules. Every session of theirs ends, including this one."""
    if not passwords.verify(user.password_hash, current[:passwords.MAX_LENGTH + 1]):
        raise ValidationFailed({"current": "That is not your current password."})
    if new == current:
        raise ValidationFailed({"password": "Choose a password different from the current one."})
    set_password(session, user, new)


MAX_DISPLAY_NAME = bounds.DISPLAY_NAME.max_length


def set_display_name(session: Session, user: User, display_name: str) -> User:
    """Change the name shown on pages; raises ValidationFailed for a blank or long name."""
    name = " ".join(display_name.split())
    if not name or len(name) > MAX_DISPLAY_NAME:
        raise ValidationFailed({"display_name":
                                f"Give a name of 1–{MAX_DISPLAY_NAME} characters."})
    bounds.check_texts({"display_name": (name, bounds.DISPLAY_NAME)})
    if any(not ch.isprintable() and ch not in bounds.VISIBLE_OR_NEEDED_FORMAT for ch in name):
        raise ValidationFailed({"display_name": "Use letters, digits and punctuation only."})
    user.display_name = name
    session.add(user)
    session.flush()
    return user


def end_sessions(session: Session, user: User) -> None:
    """Sign the user out of every browser: their session ids all carry the old version."""
    user.session_version += 1
    session.add(user)
    session.flush()


def user_for_session(session: Session, session_id: str) -> User | None:
    """The person a session id ("<id>:<version>") belongs to, or None when it no longer holds.

    Only active people sign in: a publication's pseudo-user, a deactivated user, or a session
    whose version was raised (sign-out, password change) gets None.
    """
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()) or len(user_id) > 18:
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or user.kind is not UserKind.person:
        return None
    return user if user.session_version == int(version) else None


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.username))))


def list_teams(session: Session) -> list[Team]:
    return list(session.exec(select(Team).order_by(col(Team.name))))

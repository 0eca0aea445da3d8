"""Users, teams and passwords."""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session, col, select
from werkzeug.security import check_password_hash, generate_password_hash

from forecasts import bounds
from forecasts.errors import Conflict, NotFound, ValidationFailed
from forecasts.models import Role, Team, User

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD_LENGTH = 8


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
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = f"Use at least {MIN_PASSWORD_LENGTH} characters."
    errors |= bounds.text_errors({"display_name": (display_name.strip(), bounds.DISPLAY_NAME),
                                  "password": (password, bounds.PASSWORD)})
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
        password_hash=generate_password_hash(password),
        role=Role(role),
        team_id=team.id if team else None,
        created_at=now,
    )
    session.add(user)
    session.commit()
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
    """The active user with these credentials, or None (never say which part was wrong)."""
    user = find_user(session, username)
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
        return None
    return user


def create_team(session: Session, name: str, *, now: datetime) -> Team:
    """Add a team; raises ValidationFailed for an empty name, Conflict if it exists."""
    name = " ".join(name.split())
    if not name or len(name) > bounds.TEAM_NAME.max_length:
        raise ValidationFailed({"name": "Give the team a name of 1–80 characters."})
    bounds.check_texts({"name": (name, bounds.TEAM_NAME)})
    if find_team(session, name) is not None:
        raise Conflict(f"A team called {name!r} exists already.")
    team = Team(name=name, created_at=now)
    session.add(team)
    session.commit()
    session.refresh(team)
    return team


def find_team(session: Session, name: str) -> Team | None:
    return session.exec(select(Team).where(Team.name == " ".join(name.split()))).first()


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
    user.active = active
    session.add(user)
    session.commit()
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.username))))


def list_teams(session: Session) -> list[Team]:
    return list(session.exec(select(Team).order_by(col(Team.name))))

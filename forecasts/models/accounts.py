"""People, their roles and teams."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from forecasts import bounds
from forecasts.db import text_enum, utc_timestamp


class Role(StrEnum):
    forecaster = "forecaster"
    manager = "manager"
    admin = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


class UserKind(StrEnum):
    """A person signs in; a publication only carries a briefing's stated forecasts."""

    person = "person"
    publication = "publication"
    system = "system"  # the Scheduler: credited with automatic actions, never signs in


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=bounds.TEAM_NAME.max_length, unique=True)
    key: str = Field(max_length=255, unique=True, index=True)  # forecasts.names.name_key(name)
    created_at: datetime = utc_timestamp()


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=bounds.USERNAME.max_length, unique=True, index=True)
    display_name: str = Field(max_length=bounds.DISPLAY_NAME.max_length)
    email: str | None = Field(default=None, max_length=bounds.EMAIL.max_length)
    password_hash: str = Field(max_length=255)
    role: Role = Field(default=Role.forecaster, sa_type=text_enum(Role))
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET NULL")
    active: bool = True
    kind: UserKind = Field(  # publications carry briefings' stated forecasts
        default=UserKind.person, sa_type=text_enum(UserKind),
        sa_column_kwargs={"server_default": UserKind.person.value},
    )
    created_at: datetime = utc_timestamp()
    # Part of every session's id: raising it ends all of this user's sessions (sign-out,
    # password change, deactivation).
    session_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Set by an admin's temporary password: the user must choose their own before anything else.
    must_change_password: bool = Field(default=False,
                                       sa_column_kwargs={"server_default": sa.false()})

    # Flask-Login reads these four names; defining them here keeps Flask out of the domain.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """The session's user id: "<id>:<session version>", so a raised version ends it."""
        return f"{self.id}:{self.session_version}"

    def has_role(self, role: Role) -> bool:
        """Roles are ordered: admins may do what managers may, managers what forecasters may."""
        return self.role.rank >= role.rank

    @property
    def is_manager(self) -> bool:
        return self.has_role(Role.manager)

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.admin)

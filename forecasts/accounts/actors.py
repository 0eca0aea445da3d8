"""The system actor: who the trail, the job log and emails name for what the service did itself.

Automatic closes, proposals, automatic resolutions and the annulment of conditional questions
are credited to "Scheduler", a User row of kind ``system``: it has no password (its hash
matches none), is never active, so it can never sign in, and is created on first use. A
manager who confirms a proposal is still credited by name.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from forecasts.models import Role, User, UserKind

SCHEDULER_USERNAME = "system:scheduler"  # a colon, so no person's username can take it
SCHEDULER_NAME = "Scheduler"
SIGNATURE = "— Scheduler (sent automatically by the forecast tracker)"  # ends every email it sends


def scheduler(session: Session, *, now: datetime) -> User:
    """The Scheduler's User row, created at ``now`` if missing (safe against a racing creator)."""
    query = select(User).where(User.username == SCHEDULER_USERNAME)
    user = session.exec(query).first()
    if user is not None:
        return user
    try:
        with session.begin_nested():
            # A manager's rank, so what a manager may do automatically it may record.
            session.add(User(username=SCHEDULER_USERNAME, display_name=SCHEDULER_NAME,
                             password_hash="!", role=Role.manager, active=False,
                             kind=UserKind.system, created_at=now))
    except IntegrityError:  # another process created it first
        pass
    return session.exec(query).one()

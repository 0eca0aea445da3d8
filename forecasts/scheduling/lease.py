"""A lease in the database: of several scheduler processes, only the holder acts.

One row per lease name, with its holder and expiry. Taking or renewing it is a single
conditional UPDATE, which both SQLite and PostgreSQL apply atomically, so two processes can
never both hold it; a holder that dies stops renewing and another takes over at expiry.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from forecasts.models import Lease

SCHEDULER = "scheduler"
LEASE_TTL = timedelta(seconds=60)


def acquire(
    session: Session,
    holder: str,
    *,
    now: datetime,
    name: str = SCHEDULER,
    ttl: timedelta = LEASE_TTL,
) -> bool:
    """Take or renew the lease for ``ttl``; False while someone else holds an unexpired one."""
    table = Lease.__table__  # type: ignore[attr-defined]
    taken = session.execute(
        sa.update(table)
        .where(
            table.c.name == name,
            sa.or_(table.c.holder == holder, table.c.expires_at <= now),
        )
        .values(holder=holder, expires_at=now + ttl)
    )
    if taken.rowcount == 1:  # type: ignore[attr-defined]
        session.commit()
        return True
    session.rollback()
    if session.get(Lease, name) is not None:
        return False
    session.add(Lease(name=name, holder=holder, expires_at=now + ttl))
    try:
        session.commit()
    except IntegrityError:  # another process created the row first, so it holds the lease
        session.rollback()
        return False
    return True


def release(session: Session, holder: str, *, now: datetime, name: str = SCHEDULER) -> None:
    """Give the lease up (on a clean shutdown) so a standby need not wait for expiry."""
    table = Lease.__table__  # type: ignore[attr-defined]
    session.execute(
        sa.update(table)
        .where(table.c.name == name, table.c.holder == holder)
        .values(expires_at=now)
    )
    session.commit()


def current(session: Session, *, name: str = SCHEDULER) -> Lease | None:
    """The lease row, for showing who runs the jobs."""
    return session.exec(select(Lease).where(Lease.name == name)).first()

"""The Scheduler system actor: one row however many create it at once, and it never signs in."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlmodel import Session, select

from forecasts.accounts import actors
from forecasts.accounts import people as accounts
from forecasts.models import User, UserKind
from tests.support.builders import PASSWORD, _password_hash


def test_concurrent_first_uses_create_one_scheduler(engine, clock):
    start = Barrier(2)

    def first_use(_: int) -> int:
        with Session(engine) as own:
            start.wait()
            scheduler = actors.scheduler(own, now=clock.now())
            own.commit()
            return scheduler.id  # type: ignore[return-value]

    with ThreadPoolExecutor(2) as pool:
        ids = set(pool.map(first_use, [1, 2]))

    with Session(engine) as check:
        rows = check.exec(select(User).where(User.kind == UserKind.system)).all()
    assert len(rows) == 1 and ids == {rows[0].id}
    assert rows[0].display_name == "Scheduler"


def test_the_scheduler_never_signs_in_even_if_given_a_password_and_activated(session, clock):
    scheduler = actors.scheduler(session, now=clock.now())
    assert accounts.authenticate(session, actors.SCHEDULER_USERNAME, "!") is None
    scheduler.password_hash, scheduler.active = _password_hash(), True
    session.add(scheduler)
    session.commit()

    assert accounts.authenticate(session, actors.SCHEDULER_USERNAME, PASSWORD) is None

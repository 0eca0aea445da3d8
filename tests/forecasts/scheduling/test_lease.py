"""The scheduler lease: one holder at a time, taken over after expiry."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

from sqlmodel import Session

from forecasts.scheduling import lease


def test_one_holder_at_a_time_until_the_lease_expires(session, clock):
    assert lease.acquire(session, "a", now=clock.now())
    assert not lease.acquire(session, "b", now=clock.now())
    assert lease.acquire(session, "a", now=clock.advance(seconds=30))  # renewed
    assert not lease.acquire(session, "b", now=clock.advance(seconds=59))
    assert lease.acquire(session, "b", now=clock.advance(seconds=1))  # a stopped renewing
    assert lease.current(session).holder == "b"
    assert not lease.acquire(session, "a", now=clock.now())


def test_a_released_lease_is_taken_at_once(session, clock):
    assert lease.acquire(session, "a", now=clock.now())
    lease.release(session, "a", now=clock.now())
    assert lease.acquire(session, "b", now=clock.now())


def test_two_processes_racing_for_a_new_lease_get_one_holder(engine, clock):
    start = Barrier(2)

    def race(holder: str) -> bool:
        with Session(engine) as session:
            start.wait()
            return lease.acquire(session, holder, now=clock.now())

    with ThreadPoolExecutor(2) as pool:
        won = list(pool.map(race, ["a", "b"]))
    assert sorted(won) == [False, True]
    with Session(engine) as session:
        assert lease.current(session).expires_at == clock.now() + timedelta(seconds=60)

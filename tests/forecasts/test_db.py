"""The unit of work for jobs and commands: committed if it ends, rolled back if it raises."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from forecasts.accounts import people
from forecasts.db import unit_of_work
from forecasts.models import Role, Team
from tests.support.builders import T0


def _teams(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with Session(engine) as fresh:
        return [team.name for team in fresh.exec(select(Team))]


def test_a_unit_of_work_that_ends_is_committed(engine):
    with unit_of_work(engine) as session:
        people.create_team(session, "Balkans desk", now=T0)
    assert _teams(engine) == ["Balkans desk"]


def test_a_unit_of_work_that_raises_keeps_nothing(engine):
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        people.create_team(session, "Balkans desk", now=T0)  # flushed, then the step fails
        people.create_user(session, username="ines", password="correct-horse-9",
                           role=Role.forecaster, now=T0)
        raise RuntimeError("the job died half way")
    assert _teams(engine) == []


def test_domain_functions_flush_and_leave_the_commit_to_their_caller(engine, session):
    people.create_team(session, "Caucasus desk", now=T0)
    assert [team.name for team in session.exec(select(Team))] == ["Caucasus desk"]
    assert _teams(engine) == []  # not committed: the caller decides
    session.commit()
    assert _teams(engine) == ["Caucasus desk"]

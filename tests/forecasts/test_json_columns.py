"""JSON columns: documents go in and come out as Python values, and the migration converts the
text stored before it (and back) on both engines without losing a row."""

from __future__ import annotations

from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import text
from sqlmodel import Session, select

from forecasts import schema
from forecasts.config import Settings
from forecasts.db import make_engine
from forecasts.models import Briefing, JobRun, Outcome, Proposal, Role
from tests.support.builders import make_question, make_user

BEFORE = "b8d2f4a6c1e9"  # the last revision with these columns as text
AT = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
EVIDENCE = {"value": '"ended"', "url": "https://example.org/status.json", "status": 200,
            "fetched_at": AT.isoformat(), "entries": 3, "published": AT}
LAYOUT = {"blocks": [{"index": 0, "source": "Desk", "source_date": None}],
          "sentences": [{"index": 0, "block": 0, "paragraph": 0, "text": "Ports will reopen."}]}


def _store(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        manager = make_user(session, "maria", Role.manager)
        question = make_question(session, manager)
        session.add(JobRun(job_id="close-questions", started_at=AT, counts={"closed": 3}))
        session.add(Proposal(question_id=question.id, outcome=Outcome.yes, evidence=EVIDENCE,
                             proposed_at=AT))
        for sentences in (LAYOUT, None):
            session.add(Briefing(publication="Desk", published=date(2026, 11, 30),
                                 yardstick="icd203", text="Ports will reopen.",
                                 imported_at=AT, sentences=sentences))
        session.commit()


def _read(engine) -> tuple[object, object, list[object]]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        run = session.exec(select(JobRun)).one()
        proposal = session.exec(select(Proposal)).one()
        layouts = [b.sentences for b in session.exec(select(Briefing).order_by(Briefing.id))]
        return run.counts, proposal.evidence, layouts


def test_json_survives_the_migration_down_and_up(blank_url):
    schema.upgrade(blank_url)
    engine = make_engine(Settings(database_url=blank_url))
    try:
        _store(engine)
        stored = {**EVIDENCE, "published": str(AT)}  # a datetime is stored as its text
        assert _read(engine) == ({"closed": 3}, stored, [LAYOUT, None])

        engine.dispose()
        command.downgrade(schema.alembic_config(blank_url), BEFORE)
        with engine.connect() as db:  # text again, exactly the JSON documents
            assert db.execute(text("SELECT counts FROM job_run")).scalar_one() == '{"closed": 3}'
            assert db.execute(text("SELECT sentences FROM briefing WHERE sentences IS NULL")
                              ).all() == [(None,)]
        schema.upgrade(blank_url)
        engine.dispose()
        assert _read(engine) == ({"closed": 3}, stored, [LAYOUT, None])
        with engine.connect() as db:  # a missing layout stays NULL, not the JSON text 'null'
            nulls = db.execute(text("SELECT count(*) FROM briefing WHERE sentences IS NULL"))
            assert nulls.scalar_one() == 1
    finally:
        engine.dispose()

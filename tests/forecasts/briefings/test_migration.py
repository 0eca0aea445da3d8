"""The publications migration moves existing rows: one publication, stated forecasts re-credited."""

from __future__ import annotations

from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import inspect, text
from sqlmodel import Session, select

from forecasts import schema
from forecasts.config import Settings
from forecasts.db import make_engine
from forecasts.models import Forecast, Question

BEFORE = "86bdae895b36"
OPENED = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # the old rule: 00:00 on the briefing's date
PUBLISHED = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


def _at(value: datetime, url: str) -> datetime:
    """A time as UTCDateTime stores it: naive UTC on SQLite, aware on PostgreSQL."""
    return value.replace(tzinfo=None) if url.startswith("sqlite") else value


def _old_rows(url: str) -> None:
    """A newsletter imported and published under the old rules: credited to its sources."""
    engine = make_engine(Settings(database_url=url))
    when = {"t": _at(PUBLISHED, url), "o": _at(OPENED, url)}
    with engine.begin() as db:
        def insert_user(name: str, display: str, kind: str) -> int:
            db.execute(text(
                'INSERT INTO "user" (username, display_name, password_hash, role, active, kind, '
                "created_at) VALUES (:u, :d, 'x', 'manager', true, :k, :t)"
            ), {"u": name, "d": display, "k": kind, "t": when["t"]})
            return db.execute(text('SELECT id FROM "user" WHERE username = :u'),
                              {"u": name}).scalar_one()

        boss = insert_user("boss", "Boss", "person")
        ana = insert_user("ana", "Ana", "person")
        reuters = insert_user("pub-reuters-27", "Reuters, 27 November 2026 (stated)",
                              "publication")
        db.execute(text(
            "INSERT INTO briefing (id, title, publication, author, published, yardstick, text, "
            "imported_at) VALUES (1, 'Issue 48', 'Eastern Flank Risk Monitor', 'Tomasz W', "
            ":d, 'icd203', 'text', :t)"), {"d": date(2026, 11, 27), "t": when["t"]})
        db.execute(text(
            "INSERT INTO briefing_draft (id, briefing_id, state, block, source, publication, "
            "sentence_index, quote, promoted, term, yardstick, negated, title, "
            "resolution_criteria, closes_at, resolve_by, probability, tags, conditional, "
            "condition_negated, is_condition) VALUES (1, 1, 'published', 0, "
            "'Reuters, 27 November 2026', 'Reuters, 27 November 2026', 1, 'A closure is "
            "unlikely.', false, 'unlikely', 'icd203', false, 'Will it close?', 'YES if it "
            "closes.', :c, :r, 0.325, '', false, false, false)"),
            {"c": _at(datetime(2027, 3, 1, tzinfo=UTC), url),
             "r": _at(datetime(2027, 3, 15, tzinfo=UTC), url)})
        db.execute(text(
            "INSERT INTO question (id, title, description, resolution_criteria, opens_at, "
            "closes_at, resolve_by, source_name, source_url, source_quote, created_by_id, "
            "created_at, published_at, briefing_id, briefing_draft_id, condition_negated) "
            "VALUES (1, 'Will it close?', '', 'YES if it closes.', :o, :c, :r, "
            "'Reuters, 27 November 2026', '', 'A closure is unlikely.', :b, :t, :t, 1, 1, false)"),
            {**when, "b": boss, "c": _at(datetime(2027, 3, 1, tzinfo=UTC), url),
             "r": _at(datetime(2027, 3, 15, tzinfo=UTC), url)})
        for forecaster, probability, at in ((reuters, 0.325, when["o"]), (ana, 0.4, when["t"])):
            db.execute(text(
                "INSERT INTO forecast (question_id, forecaster_id, probability, rationale, "
                "created_at) VALUES (1, :f, :p, '', :at)"),
                {"f": forecaster, "p": probability, "at": at})
    engine.dispose()


def test_existing_rows_are_credited_to_the_briefings_publication(blank_url):
    schema.upgrade(blank_url, BEFORE)
    _old_rows(blank_url)
    schema.upgrade(blank_url)
    engine = make_engine(Settings(database_url=blank_url))
    with engine.connect() as db:
        publications = db.execute(text(
            'SELECT p.name, u.display_name FROM publication p JOIN "user" u '
            "ON u.id = p.forecaster_id")).all()
        assert [tuple(row) for row in publications] == [
            ("Eastern Flank Risk Monitor", "Eastern Flank Risk Monitor (stated)")]
        kinds = db.execute(text(
            "SELECT display_name FROM \"user\" WHERE kind = 'publication'")).scalars().all()
        assert kinds == ["Eastern Flank Risk Monitor (stated)"]  # the source's one is gone
        stated = db.execute(text(
            'SELECT u.display_name, f.probability FROM forecast f JOIN "user" u '
            "ON u.id = f.forecaster_id WHERE u.kind = 'publication'")).one()
        assert tuple(stated) == ("Eastern Flank Risk Monitor (stated)", 0.325)
        draft = db.execute(text("SELECT source, source_date FROM briefing_draft")).one()
        assert draft[0] == "Reuters" and str(draft[1]) == "2026-11-27"
        question = db.execute(text(
            "SELECT source_name, cited_source, source_date FROM question")).one()
        # The quote is the newsletter's: it speaks; Reuters is only what it drew from.
        assert tuple(question[:2]) == ("Eastern Flank Risk Monitor", "Reuters")
        assert str(question[2]) == "2026-11-27"
        author = db.execute(text(
            "SELECT a.name FROM briefing b JOIN publication_author a ON a.id = b.author_id"
        )).scalar_one()
        assert author == "Tomasz W"
    with Session(engine) as session:
        question = session.get(Question, 1)
        assert question.opens_at == PUBLISHED  # opens when it was published
        times = sorted(f.created_at for f in session.exec(select(Forecast)))
        assert times == [PUBLISHED, PUBLISHED]  # the stated forecast is held from the opening
    engine.dispose()
    # And back: the drafts name their briefing's publication again.
    command.downgrade(schema.alembic_config(blank_url), BEFORE)
    engine = make_engine(Settings(database_url=blank_url))
    with engine.connect() as db:
        assert db.execute(text("SELECT publication FROM briefing_draft")).scalar_one() == \
            "Eastern Flank Risk Monitor"
    engine.dispose()


NUMERIC_TERMS = {  # a draft's term as an older import stored it -> its words after the migration
    "likely (60–70 %)": "likely", "probably (60%)": "probably", "60%": None, "1 in 5": None,
    "1 in 5 chance": None, "one in four": None, "odds of 3 to 1 against": None,
    "30% chance": None, "3-to-1 odds": None, "unlikely": "unlikely",
}


def test_numeric_terms_lose_their_numbers(blank_url):
    schema.upgrade(blank_url, BEFORE)
    _old_rows(blank_url)
    schema.upgrade(blank_url, "b3d8f1a6c2e4")  # the revision before the one under test
    engine = make_engine(Settings(database_url=blank_url))
    columns = [c["name"] for c in inspect(engine).get_columns("briefing_draft")
               if c["name"] != "id"]
    listed = ", ".join(columns)
    with engine.begin() as db:
        for offset, term in enumerate(NUMERIC_TERMS, start=2):
            db.execute(text(f"INSERT INTO briefing_draft (id, {listed}) SELECT :id, {listed} "
                            "FROM briefing_draft WHERE id = 1"), {"id": offset})
            db.execute(text("UPDATE briefing_draft SET term = :term WHERE id = :id"),
                       {"term": term, "id": offset})
    engine.dispose()
    schema.upgrade(blank_url)
    engine = make_engine(Settings(database_url=blank_url))
    with engine.connect() as db:
        terms = dict(db.execute(text("SELECT id, term FROM briefing_draft WHERE id > 1")).all())
    engine.dispose()
    assert [terms[i] for i in range(2, 2 + len(NUMERIC_TERMS))] == list(NUMERIC_TERMS.values())

"""Case-insensitive names through one stored key: non-ASCII tags and teams on both engines."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select

from forecasts import schema
from forecasts.accounts import people as accounts
from forecasts.config import Settings
from forecasts.db import make_engine
from forecasts.errors import Conflict
from forecasts.models import QuestionTag, Tag, Team
from forecasts.names import name_key
from forecasts.questions import catalog as questions
from forecasts.questions import listing
from forecasts.questions.listing import ListQuery
from tests.support.builders import T0, make_question

NOW = T0 + timedelta(days=10)
KEYS_REVISION = "c4d1e0a7b2f9"  # the migration that adds the keys


def test_name_keys_fold_case_spacing_and_unicode_form():
    assert name_key("  Eastern   Flank cell ") == name_key("eastern flank cell")
    assert name_key("Straße") == name_key("STRASSE")
    assert name_key("ÄRZTE") == name_key("ärzte") == name_key("A\u0308rzte")  # decomposed Ä
    assert name_key("РОССИЯ") == name_key("Россия")
    assert name_key("Russia") != name_key("Россия")


@given(st.text(max_size=40))
def test_a_key_is_its_own_key(name):
    assert name_key(name_key(name)) == name_key(name)


@pytest.mark.parametrize("asked", ["Россия", "россия", "РОССИЯ", " Россия ", "Ärzte", "ÄRZTE",
                                   "ärzte"])
def test_non_ascii_tags_filter_the_list_in_any_case(session, manager, forecaster, asked):
    russia = make_question(session, manager, title="Will Russia hold a snap election?",
                           tags=["Россия"])
    doctors = make_question(session, manager, title="Will German doctors strike?",
                            tags=["Ärzte", "Germany"])
    expected = russia if name_key(asked) == name_key("Россия") else doctors
    rows = listing.list_questions(session, viewer=forecaster, now=NOW,
                                       query=ListQuery(tag=asked)).rows
    assert [row.question.id for row in rows] == [expected.id]


def test_a_tag_spelled_differently_reuses_the_existing_tag(session, manager):
    first = make_question(session, manager, tags=["Ärzte"])
    second = make_question(session, manager, tags=["ÄRZTE", "ärzte"])
    assert questions.tag_names(session, second) == ["Ärzte"]
    assert len(session.exec(select(Tag)).all()) == 1
    assert questions.tag_names(session, first) == ["Ärzte"]


def test_tags_used_only_on_drafts_stay_out_of_the_forecasters_filter(session, manager):
    make_question(session, manager, tags=["Greece"])
    make_question(session, manager, published=False, tags=["ECOWAS", "Greece"])
    assert questions.all_tags(session) == ["Greece"]
    assert questions.all_tags(session, drafts=True) == ["ECOWAS", "Greece"]


def test_team_names_differing_only_in_case_cannot_both_exist(session):
    team = accounts.create_team(session, "Eastern Flank cell", now=T0)
    for variant in ("eastern flank cell", "EASTERN  FLANK CELL", " Eastern Flank cell "):
        with pytest.raises(Conflict, match="Eastern Flank cell"):
            accounts.create_team(session, variant, now=T0)
    assert accounts.find_team(session, "eastern FLANK cell") == team
    assert [t.name for t in accounts.list_teams(session)] == ["Eastern Flank cell"]


def test_the_database_refuses_a_second_team_with_the_same_key(session):
    accounts.create_team(session, "Balkans desk", now=T0)
    session.add(Team(name="BALKANS DESK", key=name_key("BALKANS DESK"), created_at=T0))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()


def test_the_migration_keys_existing_rows_merging_tags_and_renaming_teams(database_url):
    """Rows written before the keys existed: tags that collide merge, teams get "(2)"."""
    engine = make_engine(Settings(database_url=database_url))
    config = schema.alembic_config(database_url)
    command.downgrade(config, ScriptDirectory.from_config(config)
                      .get_revision(KEYS_REVISION).down_revision)  # type: ignore[union-attr,arg-type]
    try:
        with engine.begin() as db:
            db.execute(sa.text("INSERT INTO \"user\" (id, username, display_name, password_hash,"
                               " role, active, kind, created_at) VALUES (1, 'maria', 'Maria', '!',"
                               " 'manager', true, 'person', :t)"), {"t": T0})
            for team_id, name in ((1, "Eastern Flank cell"), (2, "eastern flank cell")):
                db.execute(sa.text("INSERT INTO team (id, name, created_at) VALUES (:i, :n, :t)"),
                           {"i": team_id, "n": name, "t": T0})
            for tag_id, name in ((1, "Straße"), (2, "STRASSE"), (3, "Россия")):
                db.execute(sa.text("INSERT INTO tag (id, name) VALUES (:i, :n)"),
                           {"i": tag_id, "n": name})
            for question_id in (1, 2):
                db.execute(sa.text(
                    "INSERT INTO question (id, title, description, resolution_criteria, opens_at,"
                    " closes_at, resolve_by, source_name, source_url, source_quote,"
                    " created_by_id, created_at, condition_negated) VALUES (:i, 'Q', '', 'C', :o,"
                    " :c, :c, '', '', '', 1, :o, false)"),
                    {"i": question_id, "o": T0, "c": T0 + timedelta(days=9)})
            for question_id, tag_id in ((1, 1), (1, 2), (2, 2), (2, 3)):
                db.execute(sa.text("INSERT INTO question_tag (question_id, tag_id)"
                                   " VALUES (:q, :t)"), {"q": question_id, "t": tag_id})
        schema.upgrade(database_url)
        with Session(engine) as session:
            assert [(t.name, t.key) for t in session.exec(select(Tag).order_by(Tag.id))] == [
                ("Straße", "strasse"), ("Россия", "россия")]
            links = session.exec(select(QuestionTag.question_id, QuestionTag.tag_id)
                                 .order_by(QuestionTag.question_id, QuestionTag.tag_id)).all()
            assert [tuple(link) for link in links] == [(1, 1), (2, 1), (2, 3)]
            assert [t.name for t in session.exec(select(Team).order_by(Team.id))] == [
                "Eastern Flank cell", "eastern flank cell (2)"]
            assert accounts.find_team(session, "EASTERN FLANK CELL").id == 1
    finally:
        engine.dispose()
        schema.upgrade(database_url)

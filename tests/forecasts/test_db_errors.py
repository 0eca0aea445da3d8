"""Database faults explained in one line; a program's own SQL fault is left to propagate."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from forecasts import db_errors
from tests.support import databases


def test_a_faulty_query_on_a_current_schema_is_not_explained_away(engine, database_url):
    with pytest.raises(DBAPIError) as fault, engine.connect() as connection:
        connection.execute(text('SELECT no_such_column FROM "user"'))
    assert db_errors.explain(fault.value, database_url) is None  # a bug: the traceback stays


def test_the_same_query_on_a_database_behind_says_to_upgrade(engine, database_url):
    with databases.stamped(engine, None):
        with pytest.raises(DBAPIError) as fault, engine.connect() as connection:
            connection.execute(text('SELECT no_such_column FROM "user"'))
        assert db_errors.explain(fault.value, database_url) == db_errors.NOT_MIGRATED


def test_other_errors_are_left_alone(database_url):
    assert db_errors.explain(ValueError("not a database fault"), database_url) is None

"""input length limits: every bounded text column is VARCHAR(n) with CHECK length <= n

Free-text columns that were TEXT get the length of forecasts.bounds, and every VARCHAR(n)
column gets a CHECK constraint, so SQLite (which ignores VARCHAR lengths) refuses over-long
text just as PostgreSQL does. The lengths are written out here, as migrations must not change
when the code does. Rows already over a limit stop the upgrade with a list of them: nothing is
cut.

Revision ID: adaab6af4095
Revises: c7e2b1d4a8f3
Create Date: 2026-11-30 00:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from forecasts.schema import MigrationRefused

revision: str = 'adaab6af4095'
down_revision: str | None = 'c7e2b1d4a8f3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, limit, was TEXT before this revision, nullable)
LIMITS: list[tuple[str, str, int, bool, bool]] = [
    ('briefing', 'title', 300, False, False),
    ('briefing', 'publication', 200, False, False),
    ('briefing', 'author', 200, False, False),
    ('briefing', 'yardstick', 16, False, False),
    ('briefing', 'text', 2097152, True, False),
    ('briefing_draft', 'source', 200, False, True),
    ('briefing_draft', 'quote', 5000, True, False),
    ('briefing_draft', 'term', 60, False, True),
    ('briefing_draft', 'band', 60, False, True),
    ('briefing_draft', 'yardstick', 16, False, False),
    ('briefing_draft', 'title', 300, False, False),
    ('briefing_draft', 'resolution_criteria', 5000, True, False),
    ('briefing_draft', 'tags', 800, False, False),
    ('briefing_draft', 'condition', 5000, True, True),
    ('briefing_draft', 'confidence', 20, False, True),
    ('briefing_draft', 'horizon', 120, False, True),
    ('email_log', 'kind', 40, False, False),
    ('email_log', 'recipient', 254, False, False),
    ('email_log', 'period', 20, False, False),
    ('email_log', 'subject', 200, False, False),
    ('forecast', 'rationale', 10000, True, False),
    ('job_run', 'job_id', 40, False, False),
    ('job_run', 'holder', 200, False, False),
    ('job_schedule', 'job_id', 40, False, False),
    ('job_schedule', 'description', 200, False, False),
    ('lease', 'name', 40, False, False),
    ('lease', 'holder', 200, False, False),
    ('question', 'title', 300, False, False),
    ('question', 'description', 10000, True, False),
    ('question', 'resolution_criteria', 5000, True, False),
    ('question', 'source_name', 200, False, False),
    ('question', 'source_url', 1000, False, False),
    ('question', 'source_quote', 5000, True, False),
    ('question', 'confidence', 20, False, True),
    ('publication', 'name', 200, False, False),
    ('publication_alias', 'alias', 200, False, False),
    ('publication_author', 'name', 200, False, False),
    ('question_revision', 'field_name', 40, False, False),
    ('question_revision', 'old_value', 10000, True, False),
    ('question_revision', 'new_value', 10000, True, False),
    ('resolution_event', 'note', 20000, True, False),
    ('resolution_source', 'url', 1000, False, False),
    ('resolution_source', 'pointer', 500, False, False),
    ('resolution_source', 'value', 500, False, False),
    ('resolution_source', 'pattern', 500, False, False),
    ('score_snapshot', 'subject_kind', 16, False, False),
    ('tag', 'name', 60, False, False),
    ('tag', 'key', 255, False, False),
    ('team', 'name', 80, False, False),
    ('team', 'key', 255, False, False),
    ('user', 'username', 40, False, False),
    ('user', 'display_name', 80, False, False),
    ('user', 'email', 254, False, True),
    ('user', 'password_hash', 255, False, False),
]


def _name(table: str, column: str) -> str:
    return f'ck_{table}_{column}_length'


def _tables() -> list[str]:
    return sorted({table for table, *_ in LIMITS})


def _refuse_over_long_rows() -> None:
    """Stop before changing anything when stored text is over a new limit (nothing is cut)."""
    connection = op.get_bind()
    preparer = connection.dialect.identifier_preparer
    found = []
    for table, column, limit, _, _ in LIMITS:
        quoted_table, quoted_column = preparer.quote(table), preparer.quote(column)
        count = connection.execute(sa.text(
            f'SELECT count(*) FROM {quoted_table} WHERE length({quoted_column}) > {limit}'
        )).scalar()
        if count:
            found.append(f'{table}.{column}: {count} row(s) longer than {limit} characters')
    if found:
        raise MigrationRefused(
            'Cannot add the input length limits: shorten these values first, then run '
            '`forecasts db upgrade` again (nothing was changed). ' + '; '.join(found)
        )


def upgrade() -> None:
    _refuse_over_long_rows()
    for table in _tables():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, column, limit, was_text, nullable in LIMITS:
                if name != table:
                    continue
                if was_text:
                    batch_op.alter_column(column, existing_type=sa.Text(),
                                          type_=sqlmodel.sql.sqltypes.AutoString(length=limit),
                                          existing_nullable=nullable)
                batch_op.create_check_constraint(_name(table, column),
                                                 f'length("{column}") <= {limit}')


def downgrade() -> None:
    for table in _tables():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, column, limit, was_text, nullable in LIMITS:
                if name != table:
                    continue
                batch_op.drop_constraint(_name(table, column), type_='check')
                if was_text:
                    batch_op.alter_column(column, existing_type=sqlmodel.sql.sqltypes.AutoString(
                                              length=limit),
                                          type_=sa.Text(), existing_nullable=nullable)

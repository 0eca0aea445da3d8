"""JSON stored as text becomes JSON columns

Revision ID: 59408cf64768
Revises: b8d2f4a6c1e9
Create Date: 2026-11-30 04:00:00

job_run.counts, proposal.evidence and briefing.sentences held JSON documents in TEXT
columns that the code parsed by hand; they become JSON columns (PostgreSQL's json type; SQLite
keeps the text, which SQLAlchemy's JSON type reads). Every stored document is converted in
place: on PostgreSQL the cast refuses (and rolls back) a row that is not JSON instead of losing
it. webhook_delivery.payload stays text: it is signed byte for byte.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '59408cf64768'
down_revision: str | None = 'b8d2f4a6c1e9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, nullable)
COLUMNS = (
    ('job_run', 'counts', False),
    ('proposal', 'evidence', False),
    ('briefing', 'sentences', True),
)


def upgrade() -> None:
    for table, column, nullable in COLUMNS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(column, existing_type=sa.Text(), type_=sa.JSON(),
                                  existing_nullable=nullable,
                                  postgresql_using=f'"{column}"::json')


def downgrade() -> None:
    for table, column, nullable in COLUMNS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(column, existing_type=sa.JSON(), type_=sa.Text(),
                                  existing_nullable=nullable,
                                  postgresql_using=f'"{column}"::text')

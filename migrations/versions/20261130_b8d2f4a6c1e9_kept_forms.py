"""failed forms kept across a redirect; the question list's search key

Revision ID: b8d2f4a6c1e9
Revises: e7a1c3b5d9f2
Create Date: 2026-11-30 03:30:00

Creates kept_form: a failed submission's values and messages, read back once by the form's own
page after a redirect (Post/Redirect/Get), see forecasts/kept_forms.py. Adds
question.search_key, forecasts.names.text_key(title, criteria, background), filled in here for
the questions already stored, which the list's search compares in any case and any script.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import forecasts.db
from forecasts.names import text_key

revision: str = 'b8d2f4a6c1e9'
down_revision: str | None = 'e7a1c3b5d9f2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('kept_form',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('form', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('page', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('created_at', forecasts.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    # SQLite ignores VARCHAR's length: the checks hold the limits there too (see adaab6af4095)
    sa.CheckConstraint('length("token") <= 64', name='ck_kept_form_token_length'),
    sa.CheckConstraint('length("form") <= 80', name='ck_kept_form_form_length'),
    sa.CheckConstraint('length("page") <= 1000', name='ck_kept_form_page_length'),
    )
    with op.batch_alter_table('kept_form', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kept_form_token'), ['token'], unique=True)
        batch_op.create_index(batch_op.f('ix_kept_form_created_at'), ['created_at'],
                              unique=False)
    _add_search_key()


def _add_search_key() -> None:
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_key', sa.Text(), server_default='',
                                      nullable=False))
    question = sa.table('question', sa.column('id', sa.Integer()),
                        sa.column('title', sa.Text()),
                        sa.column('resolution_criteria', sa.Text()),
                        sa.column('description', sa.Text()),
                        sa.column('search_key', sa.Text()))
    connection = op.get_bind()
    rows = connection.execute(sa.select(question.c.id, question.c.title,
                                        question.c.resolution_criteria,
                                        question.c.description)).all()
    for row in rows:
        connection.execute(question.update().where(question.c.id == row.id).values(
            search_key=text_key(row.title, row.resolution_criteria, row.description)))


def downgrade() -> None:
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('search_key')
    with op.batch_alter_table('kept_form', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kept_form_created_at'))
        batch_op.drop_index(batch_op.f('ix_kept_form_token'))
    op.drop_table('kept_form')

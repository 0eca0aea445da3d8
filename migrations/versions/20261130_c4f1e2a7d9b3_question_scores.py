"""per-question score store

Revision ID: c4f1e2a7d9b3
Revises: 4f2c8e1a7b3d
Create Date: 2026-11-30 00:30:00

Creates question_score and fills it once with the engine's scores of every resolved question
(what `forecasts scores rebuild` does), so pages never score from raw forecasts.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import forecasts.db

revision: str = 'c4f1e2a7d9b3'
down_revision: str | None = '4f2c8e1a7b3d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('question_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('option', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('in_crowd', sa.Boolean(), nullable=False),
    sa.Column('peers', sa.Integer(), nullable=False),
    sa.Column('resolved_at', forecasts.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.Float(), nullable=False),
    sa.Column('probability', sa.Float(), nullable=False),
    sa.Column('decile', sa.Integer(), nullable=False),
    sa.Column('forecasts', sa.Integer(), nullable=False),
    sa.Column('coverage', sa.Float(), nullable=False),
    sa.Column('log_score', sa.Float(), nullable=False),
    sa.Column('brier_active', sa.Float(), nullable=False),
    sa.Column('brier_crowd', sa.Float(), nullable=False),
    sa.Column('brier_ignorance', sa.Float(), nullable=False),
    sa.Column('crowd_brier_active', sa.Float(), nullable=False),
    sa.Column('crowd_brier_crowd', sa.Float(), nullable=False),
    sa.Column('crowd_brier_ignorance', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('question_id', 'kind', 'option', 'subject_id',
                        name='one_score_per_subject'),
    # SQLite ignores VARCHAR's length: the checks hold the limits there too (see adaab6af4095)
    sa.CheckConstraint('length("kind") <= 16', name='ck_question_score_kind_length'),
    sa.CheckConstraint('length("option") <= 200', name='ck_question_score_option_length'),
    )
    with op.batch_alter_table('question_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_score_question_id'), ['question_id'],
                              unique=False)
        batch_op.create_index('ix_question_score_subject', ['subject_id'], unique=False)
    # Filled by b5d2f8e1c3a7, once the table has its final columns: the scoring code writes
    # today's shape of the table, which does not exist yet at this revision.


def downgrade() -> None:
    with op.batch_alter_table('question_score', schema=None) as batch_op:
        batch_op.drop_index('ix_question_score_subject')
        batch_op.drop_index(batch_op.f('ix_question_score_question_id'))
    op.drop_table('question_score')

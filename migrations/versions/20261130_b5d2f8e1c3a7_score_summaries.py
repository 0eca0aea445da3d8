"""score summaries and final forecasts per horizon

Revision ID: b5d2f8e1c3a7
Revises: 59408cf64768
Create Date: 2026-11-30 03:40:00

Adds each score row's last forecast per horizon (calibration by horizon reads those, not raw
forecasts) and the running sums kept beside question_score (score_cell for the leaderboard,
horizon_cell and horizon_sample for calibration by horizon), then rebuilds the store once so
every row and sum is filled.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'b5d2f8e1c3a7'
down_revision: str | None = '59408cf64768'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('question_score', schema=None) as batch_op:
        for horizon in ('short', 'medium', 'long'):
            batch_op.add_column(sa.Column(f'final_{horizon}', sa.Float(), nullable=True))
    op.create_table('score_cell',
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('subject_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('decile', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('scores', sa.Integer(), nullable=False),
    sa.Column('probability', sa.Float(), nullable=False),
    sa.Column('outcome', sa.Float(), nullable=False),
    sa.Column('forecasts', sa.Integer(), nullable=False),
    sa.Column('coverage', sa.Float(), nullable=False),
    sa.Column('peered', sa.Integer(), nullable=False),
    sa.Column('brier_active', sa.Float(), nullable=False),
    sa.Column('brier_crowd', sa.Float(), nullable=False),
    sa.Column('brier_ignorance', sa.Float(), nullable=False),
    sa.Column('relative_active', sa.Float(), nullable=False),
    sa.Column('relative_crowd', sa.Float(), nullable=False),
    sa.Column('relative_ignorance', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'subject_id', 'decile'),
    # SQLite ignores VARCHAR's length: the checks hold the limits there too (see adaab6af4095)
    sa.CheckConstraint('length("kind") <= 16', name='ck_score_cell_kind_length'),
    )
    op.create_table('horizon_cell',
    sa.Column('horizon', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('probability', sa.Float(), nullable=False),
    sa.Column('outcome', sa.Float(), nullable=False),
    sa.Column('forecasts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('horizon', 'probability', 'outcome'),
    sa.CheckConstraint('length("horizon") <= 16', name='ck_horizon_cell_horizon_length'),
    )
    op.create_table('horizon_sample',
    sa.Column('horizon', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('questions', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('horizon'),
    sa.CheckConstraint('length("horizon") <= 16', name='ck_horizon_sample_horizon_length'),
    )
    # Fill the new columns and sums once (what `forecasts scores rebuild` does).
    from forecasts.scoring.store import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_table('horizon_sample')
    op.drop_table('horizon_cell')
    op.drop_table('score_cell')
    with op.batch_alter_table('question_score', schema=None) as batch_op:
        for horizon in ('long', 'medium', 'short'):
            batch_op.drop_column(f'final_{horizon}')

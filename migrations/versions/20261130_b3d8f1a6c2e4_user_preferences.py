"""user preferences: time zone and email switches

Revision ID: b3d8f1a6c2e4
Revises: b5d2f8e1c3a7
Create Date: 2026-11-30 03:30:00

Creates user_preference: each user's IANA time zone (UTC by default) and whether they want
resolution, clarification and digest emails (all on by default; a user without a row has the
defaults). The weekly reminders keep their switch in reminder_preference.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'b3d8f1a6c2e4'
down_revision: str | None = 'b5d2f8e1c3a7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('user_preference',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('time_zone', sqlmodel.sql.sqltypes.AutoString(length=64), server_default='UTC',
              nullable=False),
    sa.Column('resolution_emails', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('clarification_emails', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('digest_emails', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id'),
    # SQLite ignores VARCHAR's length: the check holds the limit there too (see adaab6af4095)
    sa.CheckConstraint('length("time_zone") <= 64', name='ck_user_preference_time_zone_length'),
    )


def downgrade() -> None:
    op.drop_table('user_preference')

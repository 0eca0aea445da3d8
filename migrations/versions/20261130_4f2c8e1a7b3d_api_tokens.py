"""api tokens

Revision ID: 4f2c8e1a7b3d
Revises: adaab6af4095
Create Date: 2026-11-30 00:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import forecasts.db


revision: str = '4f2c8e1a7b3d'
down_revision: str | None = 'adaab6af4095'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('can_write', sa.Boolean(), nullable=False),
    sa.Column('created_at', forecasts.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', forecasts.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', forecasts.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    # SQLite ignores VARCHAR's length: the checks hold the limits there too (see adaab6af4095)
    sa.CheckConstraint('length("name") <= 80', name='ck_api_token_name_length'),
    sa.CheckConstraint('length("token_hash") <= 64', name='ck_api_token_token_hash_length'),
    sa.CheckConstraint('length("prefix") <= 16', name='ck_api_token_prefix_length'),
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_token_hash'), ['token_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))
        batch_op.drop_index(batch_op.f('ix_api_token_token_hash'))
    op.drop_table('api_token')

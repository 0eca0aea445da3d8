"""outgoing webhooks

Revision ID: e7a1c3b5d9f2
Revises: c4f1e2a7d9b3
Create Date: 2026-11-30 02:15:00

Creates webhook (the receivers managers register) and webhook_delivery (one row per event
and webhook, unique per pair, sent by the scheduler).
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import forecasts.db

revision: str = 'e7a1c3b5d9f2'
down_revision: str | None = 'c4f1e2a7d9b3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('webhook',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('events', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('style', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('secret', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', forecasts.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('removed_at', forecasts.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    # SQLite ignores VARCHAR's length: the checks hold the limits there too (see adaab6af4095)
    sa.CheckConstraint('length("url") <= 1000', name='ck_webhook_url_length'),
    sa.CheckConstraint('length("events") <= 200', name='ck_webhook_events_length'),
    sa.CheckConstraint('length("style") <= 16', name='ck_webhook_style_length'),
    sa.CheckConstraint('length("secret") <= 200', name='ck_webhook_secret_length'),
    )
    op.create_table('webhook_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('webhook_id', sa.Integer(), nullable=False),
    sa.Column('event', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('event_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('created_at', forecasts.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', forecasts.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', forecasts.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failed_at', forecasts.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['webhook_id'], ['webhook.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('webhook_id', 'event_key', name='one_delivery_per_event'),
    sa.CheckConstraint('length("event") <= 40', name='ck_webhook_delivery_event_length'),
    sa.CheckConstraint('length("event_key") <= 200',
                       name='ck_webhook_delivery_event_key_length'),
    sa.CheckConstraint('length("last_error") <= 500',
                       name='ck_webhook_delivery_last_error_length'),
    )
    with op.batch_alter_table('webhook_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_delivery_webhook_id'), ['webhook_id'],
                              unique=False)
        batch_op.create_index('ix_webhook_delivery_due', ['delivered_at', 'next_attempt_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('webhook_delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_delivery_due')
        batch_op.drop_index(batch_op.f('ix_webhook_delivery_webhook_id'))
    op.drop_table('webhook_delivery')
    op.drop_table('webhook')

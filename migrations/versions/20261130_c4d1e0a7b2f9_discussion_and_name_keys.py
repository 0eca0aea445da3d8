"""discussion comments, and case-insensitive keys for tags and teams

Revision ID: c4d1e0a7b2f9
Revises: c4e1a7b2d9f3
Create Date: 2026-11-30 00:40:00

Existing tags and teams get ``key = name_key(name)``. Tags whose keys collide ("NATO", "nato")
are merged into the oldest, keeping every question's links; teams whose keys collide are kept
apart by renaming the later ones "<name> (2)", "(3)" ..., so no membership changes silently.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import forecasts.db
from forecasts.names import name_key

revision: str = 'c4d1e0a7b2f9'
down_revision: str | None = 'c4e1a7b2d9f3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'comment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('comment', 'rationale', 'request', 'clarification',
                                  name='commentkind', native_enum=False, length=16),
                  nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('forecast_id', sa.Integer(), nullable=True),
        sa.Column('created_at', forecasts.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('mailed_at', forecasts.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint('length(body) <= 4000', name='comment_body_length'),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'], ),
        sa.ForeignKeyConstraint(['forecast_id'], ['forecast.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['question_id'], ['question.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('forecast_id'),
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_question_id'), ['question_id'], unique=False)

    for table in ('tag', 'team'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=255),
                                          nullable=True))
    connection = op.get_bind()
    _key_tags(connection)
    _key_teams(connection)
    for table in ('tag', 'team'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('key', existing_type=sqlmodel.sql.sqltypes.AutoString(length=255),
                                  nullable=False)
            batch_op.create_index(batch_op.f(f'ix_{table}_key'), ['key'], unique=True)


def _key_tags(connection: sa.Connection) -> None:
    tag = sa.table('tag', sa.column('id', sa.Integer), sa.column('name', sa.String),
                   sa.column('key', sa.String))
    link = sa.table('question_tag', sa.column('question_id', sa.Integer),
                    sa.column('tag_id', sa.Integer))
    kept: dict[str, int] = {}
    for tag_id, name in connection.execute(sa.select(tag.c.id, tag.c.name).order_by(tag.c.id)):
        key = name_key(name)
        if key not in kept:
            kept[key] = tag_id
            connection.execute(tag.update().where(tag.c.id == tag_id).values(key=key))
            continue
        target = kept[key]
        already = {row[0] for row in connection.execute(
            sa.select(link.c.question_id).where(link.c.tag_id == target))}
        for (question_id,) in connection.execute(
                sa.select(link.c.question_id).where(link.c.tag_id == tag_id)).all():
            if question_id not in already:
                connection.execute(link.insert().values(question_id=question_id, tag_id=target))
        connection.execute(link.delete().where(link.c.tag_id == tag_id))
        connection.execute(tag.delete().where(tag.c.id == tag_id))


def _key_teams(connection: sa.Connection) -> None:
    team = sa.table('team', sa.column('id', sa.Integer), sa.column('name', sa.String),
                    sa.column('key', sa.String))
    rows = connection.execute(sa.select(team.c.id, team.c.name).order_by(team.c.id)).all()
    taken = {name_key(name) for _, name in rows}
    used: set[str] = set()
    for team_id, name in rows:
        new_name, n = name, 1
        while name_key(new_name) in used or (new_name != name and name_key(new_name) in taken):
            n += 1
            suffix = f' ({n})'
            new_name = name[:80 - len(suffix)] + suffix
        used.add(name_key(new_name))
        connection.execute(team.update().where(team.c.id == team_id)
                           .values(name=new_name, key=name_key(new_name)))


def downgrade() -> None:
    for table in ('team', 'tag'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_key'))
            batch_op.drop_column('key')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_question_id'))
    op.drop_table('comment')

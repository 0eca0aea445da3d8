"""the before-first policy "ignorance" is renamed "uninformed"

Revision ID: ae1f2760f2b7
Revises: f4a9c2e7b1d6
Create Date: 2026-11-30 06:20:00

The policy that scores the time before a forecaster's first forecast as a 50 % forecast (the
uninformed Brier, 0.25) was called "ignorance", which collides with the literature's ignorance
score (the logarithmic score). Its stored columns follow the new name; the values are kept.
"""
from collections.abc import Sequence

from alembic import op

revision: str = 'ae1f2760f2b7'
down_revision: str | None = 'f4a9c2e7b1d6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> the columns that carry the policy's name in their own
COLUMNS = {
    'question_score': ('brier_{}', 'crowd_brier_{}'),
    'score_cell': ('brier_{}', 'relative_{}'),
}


def _rename(old: str, new: str) -> None:
    for table, patterns in COLUMNS.items():
        # batch mode: SQLite before 3.25 cannot rename a column in place; Alembic copies the table
        with op.batch_alter_table(table, schema=None) as batch_op:
            for pattern in patterns:
                batch_op.alter_column(pattern.format(old), new_column_name=pattern.format(new))


def upgrade() -> None:
    _rename('ignorance', 'uninformed')


def downgrade() -> None:
    _rename('uninformed', 'ignorance')

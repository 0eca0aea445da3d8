"""briefing attribution and word terms

Revision ID: f4a9c2e7b1d6
Revises: b3d8f1a6c2e4
Create Date: 2026-11-30 07:10:00

A published briefing question quotes the publication's own sentence, so its ``source_name`` is
the publication; the ``Source:`` line it drew from moves to the new ``question.cited_source``.
Term records are for words: a draft's term that holds a number ("likely (60 %)", "1 in 5")
keeps only its words, or none ("60 %"); the number stays on the stated forecast.
"""
import re
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'f4a9c2e7b1d6'
down_revision: str | None = 'b3d8f1a6c2e4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The parser's rule at this revision (forecasts.briefings.numbers.words_only), frozen here so
# the migration means the same thing whatever the code later becomes.
_NUMBER = (r"(?:between\s+)?\d{1,3}(?:\.\d+)?(?:\s*(?:%|percent|per\s*cent))?\s*"
           r"(?:-?(?:to|and|in)-?|-|–|—)\s*(?:a\s+)?\d{1,3}(?:\.\d+)?(?:\s*(?:%|percent|per\s*cent))?"
           r"(?:\s+odds)?"
           r"(?:\s+(?:against|on|in\s+favou?r))?|\d{1,3}(?:\.\d+)?\s*(?:%|percent|per\s*cent)"
           r"|0?\.\d{1,4}"
           r"|\b(?:an?\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten)(?:-|\s+)"
           r"(?:chance\s+)?(?:in|to)(?:-|\s+)(?:a\s+)?(?:one|two|three|four|five|six|seven|eight|"
           r"nine|ten|twenty|hundred)\b(?:\s+(?:against|on))?")


def words_only(term: str) -> str | None:
    words = re.sub(r"\([^()]*\d[^()]*\)", " ", term)
    words = re.sub(_NUMBER, " ", words, flags=re.IGNORECASE)
    words = " ".join(words.split()).strip(" ,;:-–—")
    bare = re.sub(r"\b(?:chance|probability|likelihood|risk|odds|an?|of|at|about)\b", "", words,
                  flags=re.IGNORECASE)
    return words if bare.strip(" ,;:-–—") else None


def upgrade() -> None:
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cited_source', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=True))
        # SQLite ignores VARCHAR's length: the check holds the limit there too
        batch_op.create_check_constraint('ck_question_cited_source_length',
                                         'length("cited_source") <= 200')
    bind = op.get_bind()
    # Questions published from a briefing whose source_name is the cited source.
    rows = bind.execute(sa.text(
        "SELECT q.id, d.source, b.publication FROM question q "
        "JOIN briefing_draft d ON d.id = q.briefing_draft_id "
        "JOIN briefing b ON b.id = d.briefing_id "
        "WHERE d.source IS NOT NULL AND q.source_name = d.source")).all()
    for question_id, cited, publication in rows:
        bind.execute(sa.text("UPDATE question SET cited_source = :cited, source_name = :name "
                             "WHERE id = :id"),
                     {"cited": cited, "name": (publication or "")[:200], "id": question_id})
    terms = bind.execute(sa.text("SELECT id, term FROM briefing_draft WHERE term IS NOT NULL"))
    for draft_id, term in terms.all():
        if re.search(r"\d", term) or re.search(r"\b(?:one|two|three|four|five)[-\s]+(?:in|to)\b",
                                               term, re.IGNORECASE):
            bind.execute(sa.text("UPDATE briefing_draft SET term = :term WHERE id = :id"),
                         {"term": words_only(term), "id": draft_id})


def downgrade() -> None:
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE question SET source_name = cited_source "
                         "WHERE cited_source IS NOT NULL"))
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint('ck_question_cited_source_length', type_='check')
        batch_op.drop_column('cited_source')
    # The numbers taken out of terms are not put back: they are on the stated forecasts.

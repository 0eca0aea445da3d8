"""Briefings: turn an analyst's briefing into draft questions, review them, publish them.

The parser is pure (no database, no Flask, no clock) and runs by stage:

- ``text``: bytes, HTML and Markdown to plain text; the refusals (empty, binary, too large);
- ``layout``: title, byline, ``Source:`` blocks, footers, paragraphs;
- ``sentences``: one sentence numbering for the whole briefing;
- ``horizons``: "before March", "in the next six months" ... as dates;
- ``gazetteer``: the countries, organisations and regions named;
- ``normalise``: contractions, existentials, inversions and asides in plain form;
- ``judgments`` and ``clauses``: where a clause states a likelihood, its term, numbers, negation,
  condition and coordination; ``levels`` ("the probability of X is low"), ``stated`` (a number
  stated for a judgment, odds in any word order, labels), ``ellipsis`` ("…, though Y will not");
- ``dates`` and ``deadlines``: numeric dates, holidays, relative quarters; a clause's deadline;
- ``wording``: the yes/no question and its resolution criteria;
- ``assembly``: ``parse_briefing``, which walks the sentences and returns a ``ParsedBriefing``.

``estimative`` holds the yardsticks (words of estimative probability). The stored side:
``importing`` (store a briefing and its drafts), ``criteria`` (a stored draft's generated
criteria, quoting its publication), ``review`` (edit, accept, reject, promote),
``publications`` (whose judgments they are: names, aliases, authors, one forecaster each),
``publishing`` (accepted drafts become questions with the publication's stated forecast) and
``records`` (each term's record, and every stated forecast, per publication and author).
"""

from forecasts.briefings.assembly import parse_briefing
from forecasts.briefings.importing import (
    NO_ASSESSMENTS,
    RESOLVE_GRACE,
    import_briefing,
    parse,
    readable_text,
)
from forecasts.briefings.parsed import Block, ContextSentence, Draft, ParsedBriefing
from forecasts.briefings.publications import (
    STATED,
    PublicationSummary,
    find_publication,
    forecaster_of,
    get_publication,
    list_publications,
    publication_for,
    set_briefing_publication,
)
from forecasts.briefings.publishing import QuestionOrigin, publish_accepted, question_origin
from forecasts.briefings.records import (
    AuthorSummary,
    StatedForecast,
    TermRecord,
    by_author,
    stated_forecasts,
    summarise,
    term_record,
)
from forecasts.briefings.review import (
    DraftEdit,
    ReviewText,
    accept_draft,
    draft_counts,
    draft_criteria,
    drafts,
    get_briefing,
    get_draft,
    list_briefings,
    promote_sentence,
    published_questions,
    reject_draft,
    review_text,
    stored_layout,
    update_draft,
)
from forecasts.briefings.text import MAX_BRIEFING_BYTES, BriefingError

__all__ = [
    "MAX_BRIEFING_BYTES", "NO_ASSESSMENTS", "RESOLVE_GRACE", "STATED", "AuthorSummary", "Block",
    "BriefingError", "ContextSentence", "Draft", "DraftEdit", "ParsedBriefing",
    "PublicationSummary", "QuestionOrigin", "ReviewText", "StatedForecast", "TermRecord",
    "accept_draft", "by_author", "draft_counts", "draft_criteria", "drafts", "find_publication",
    "forecaster_of", "get_briefing", "get_draft", "get_publication", "import_briefing",
    "list_briefings", "list_publications", "parse", "parse_briefing", "promote_sentence",
    "publication_for", "publish_accepted", "published_questions", "question_origin",
    "readable_text", "reject_draft", "review_text", "set_briefing_publication", "stated_forecasts",
    "stored_layout", "summarise", "term_record", "update_draft"
]

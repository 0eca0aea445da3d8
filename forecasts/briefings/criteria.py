"""Criteria: a stored draft's generated resolution criteria, in the publication's words."""

from __future__ import annotations

from forecasts.briefings.judgments import Condition
from forecasts.briefings.wording import criteria_for
from forecasts.models import BriefingDraft


def draft_criteria(draft: BriefingDraft, publication: str | None) -> str:
    """The generated criteria for the draft's current title, close date and condition, the
    quote credited to ``publication`` (drawing from the draft's cited source)."""
    condition = (Condition(draft.condition, "unless" if draft.condition_negated else "if",
                           draft.condition_negated) if draft.condition else None)
    return criteria_for(draft.title, draft.source, draft.quote, draft.closes_at.date(),
                        condition, continuing=f" until {draft.closes_at:%Y-%m-%d}" in draft.title,
                        horizon=draft.horizon,  # set only when undated or dated by its month
                        publication=publication, dated=not draft.date_needed)

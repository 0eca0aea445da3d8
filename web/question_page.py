"""The question page drawn from the domain's ``QuestionPage``: the forms (each with what a
failed post typed, through ``web.prg``) and the chart's figure are added here, nothing is read.
"""

from __future__ import annotations

from typing import Any

from forecasts.questions.page import QuestionPage
from forecasts.resolution import comparison, feeds
from web import prg
from web.charts import crowd_figure
from web.filters import percent, when
from web.forms import (
    ActionForm,
    ClarificationForm,
    CloseForm,
    CommentForm,
    DismissForm,
    ForecastForm,
    ReopenForm,
    ResolveForm,
    ShareForm,
)
from web.source_form import source_form


def context(page: QuestionPage) -> dict[str, Any]:
    """The template context of ``questions/detail.html`` for ``page``."""
    form = ForecastForm()
    if not prg.restore(form) and page.mine:
        form.probability.data = f"{page.mine[0].probability * 100:g}"  # prefilled: your latest
    chart = page.chart
    return {
        "page": page,
        "question": page.question,
        "status": page.status,
        "tags": page.tags,
        "mine": page.mine,
        "crowd": page.crowd,
        "trail": page.trail,
        "revisions": page.revisions,
        "people": page.people,
        "is_manager": page.is_manager,
        "scores": page.scores,
        "origin": page.origin,
        "similar": page.similar,
        "form": form,
        "resolve_form": prg.restored(ResolveForm()),
        "close_form": prg.restored(CloseForm()),
        "action_form": ActionForm(),
        "reopen_form": prg.restored(ReopenForm()) if page.reopenable else None,
        "crowd_chart": chart,
        "crowd_figure": crowd_figure(chart.lines, chart.names, chart.mine, until=chart.until,
                                     marks=chart.marks) if chart.drawn else None,
        "discussion": _discussion(page),
        "automation": _automation(page),
    }


def _discussion(page: QuestionPage) -> dict[str, Any]:
    """The thread with its forms (comment, clarification, share a rationale)."""
    share = prg.restored(ShareForm())
    share.forecast_id.choices = [(f.id, f"{percent(f.probability)} of {when(f.created_at)}")
                                 for f in page.discussion.shareable]
    return {
        "thread": page.discussion,
        "comment_form": prg.restored(CommentForm()),
        "clarification_form": prg.restored(ClarificationForm()),
        "share_form": share,
        "is_manager": page.is_manager,
    }


def _automation(page: QuestionPage) -> dict[str, Any] | None:
    """Managers' automatic resolution with its forms; None for anyone else."""
    if page.automation is None:
        return None
    return {
        "source": page.automation.source,
        "checks": page.automation.checks,
        "proposal": page.automation.proposal,
        "failures": page.automation.failures,
        "form": prg.restored(source_form(page.automation.source)),  # after a refusal: as typed
        "action_form": ActionForm(formdata=None),
        "dismiss_form": prg.restored(DismissForm(formdata=None)),
        "comparison_rule": comparison.RULE,
        "feed_rule": feeds.RULE,
    }

"""The scheduler's page: managers' Jobs page (each user's profile is in web/account.py)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from forecasts.models import Role
from forecasts.resolution import overdue, proposals, sources
from forecasts.scheduling import lease
from forecasts.scheduling import runs as job_runs
from forecasts.scheduling.catalogue import JOBS
from web.database import get_session, now
from web.permissions import role_required

bp = Blueprint("jobs", __name__)


@bp.get("/jobs")
@role_required(Role.manager)
def index() -> ResponseReturnValue:
    """Each job's next and last run, recent runs, and what needs a manager."""
    session, moment = get_session(), now()
    return render_template(
        "jobs/index.html",
        jobs=job_runs.summaries(session, [spec.job_id for spec in JOBS]),
        descriptions={spec.job_id: spec.description for spec in JOBS},
        runs=job_runs.recent_runs(session),
        holder=lease.current(session),
        overdue=overdue.overdue_questions(session, now=moment),
        failing=sources.failing_sources(session),
        waiting=proposals.pending(session),
        now=moment,
    )


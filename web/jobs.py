"""The scheduler's pages: managers' Jobs page and dashboard, and each user's profile."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import InputRequired, Optional

from forecasts import bounds
from forecasts.accounts import profile
from forecasts.errors import ValidationFailed
from forecasts.models import Role
from forecasts.resolution import overdue, proposals, sources
from forecasts.scheduling import lease
from forecasts.scheduling import runs as job_runs
from forecasts.scheduling.catalogue import JOBS
from web.database import get_session, now
from web.forms import WholeField, text_field
from web.permissions import role_required, viewer

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


class ProfileForm(FlaskForm):
    """A user's email address and reminder settings."""

    email = text_field("Email", bounds.EMAIL, Optional())
    reminders = BooleanField("Email me a weekly reminder of forecasts I have let go stale")
    interval_days = WholeField(
        "Remind me when my latest forecast is older than (days)",
        validators=[InputRequired(message="Give a number of days.")],
        low=0, high=bounds.ID_MAX,  # digits 0–9 here; the domain says which days it takes
    )


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def settings() -> ResponseReturnValue:
    """The signed-in user's email address and reminder settings."""
    session, user = get_session(), viewer()
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            profile.update_profile(session, user, email=form.email.data,
                                   enabled=bool(form.reminders.data),
                                   interval_days=form.interval_days.data or 0)
        except ValidationFailed as error:
            session.rollback()
            for name, message in error.fields.items():
                getattr(form, name).errors = [message]
        else:
            flash("Profile saved.", "success")
            return redirect(url_for("jobs.settings"))
    elif not form.is_submitted():
        wanted = profile.reminders_of(session, user)
        form.email.data = user.email or ""
        form.reminders.data = wanted.enabled
        form.interval_days.data = wanted.interval_days
    return render_template("jobs/profile.html", form=form), (400 if form.errors else 200)

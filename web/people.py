"""Forecasters' pages: their standing forecasts and their scored record."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from forecasts.accounts.people import get_user
from forecasts.models import Role, Team
from forecasts.scoring.records import track_record
from web.caches import score_cache
from web.database import get_session, now
from web.permissions import viewer

bp = Blueprint("people", __name__)


@bp.get("/me")
@login_required
def me() -> ResponseReturnValue:
    return redirect(url_for("people.forecaster", user_id=viewer().id))


@bp.get("/forecasters/<int:user_id>")
@login_required
def forecaster(user_id: int) -> ResponseReturnValue:
    """A forecaster's record; their open forecasts are private to them and to managers."""
    user = viewer()
    if user.id != user_id and not user.has_role(Role.manager):
        abort(403, description="You can see your own record; managers can see everyone's.")
    session = get_session()
    person = get_user(session, user_id)
    team = session.get(Team, person.team_id) if person.team_id else None
    over_time = score_cache().book(session).for_forecaster(person.id)  # type: ignore[arg-type]
    return render_template(
        "people/forecaster.html", person=person, team=team,
        record=track_record(session, person, now()), is_self=user.id == user_id,
        over_time=over_time.set_index("question_id").to_dict("index"),
        mean_over_time=over_time[["brier", "relative_brier"]].mean().to_dict()
        if not over_time.empty else None,
    )

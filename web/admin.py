"""Admins' pages: users and teams."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice
from wtforms.validators import DataRequired

from forecasts import bounds
from forecasts.accounts import passwords, profile
from forecasts.accounts import people as accounts
from forecasts.errors import DomainError
from forecasts.models import Role, Team, UserKind
from web import prg
from web.database import get_session, now
from web.forms import Bounded, TeamForm, UserForm, UserUpdateForm
from web.permissions import role_required, viewer

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _team_choices() -> list[SelectChoice]:
    teams = accounts.list_teams(get_session())
    return [SelectChoice("0", "— no team —"), *(SelectChoice(str(t.id), t.name) for t in teams)]


@bp.route("/users", methods=["GET", "POST"])
@role_required(Role.admin)
def users() -> ResponseReturnValue:
    """List users and add one."""
    session = get_session()
    form = UserForm()
    form.team_id.choices = _team_choices()
    prg.restore(form)  # after a refused submission: its messages and text (never the password)
    if form.validate_on_submit():
        team = session.get(Team, form.team_id.data) if form.team_id.data else None
        try:
            email = profile.clean_email(form.email.data)
            user = accounts.create_user(
                session, username=form.username.data, password=form.password.data,
                display_name=form.display_name.data or "", role=form.role.data, team=team,
                now=now(),
            )
        except DomainError as error:
            return prg.refuse(form, error, url_for("admin.users"), field="username")
        if email:
            profile.set_email(session, user, email)
        flash(f"User {user.username} created.", "success")
        return redirect(url_for("admin.users"))
    if request.method == "POST":  # Post/Redirect/Get: a reload does not submit again
        return prg.redirect_with(form, url_for("admin.users"))
    teams = {t.id: t.name for t in accounts.list_teams(session)}
    return render_template(
        "admin/users.html", form=form, users=accounts.list_users(session), teams=teams,
        team_choices=_team_choices(), roles=[r.value for r in Role],
        password_rules=passwords.RULES,
    )


@bp.post("/users/<int:user_id>")
@role_required(Role.admin)
def update_user(user_id: int) -> ResponseReturnValue:
    """Change a user's role, team or whether they can sign in."""
    session = get_session()
    person = accounts.get_user(session, user_id)
    form = UserUpdateForm()
    form.team_id.choices = _team_choices()
    if not form.validate_on_submit():
        flash("Choose a role and a team from the lists.", "error")
        return redirect(url_for("admin.users")), 303
    if person.id == viewer().id and (form.role.data != Role.admin.value or not form.active.data):
        flash("You cannot remove your own admin rights or sign-in.", "error")
        return redirect(url_for("admin.users")), 303
    try:
        email = profile.clean_email(form.email.data)
    except DomainError as error:
        return prg.refuse(form, error, url_for("admin.users"),
                          lead=f"User {person.username} not updated.")
    team = session.get(Team, form.team_id.data) if form.team_id.data else None
    accounts.update_user(session, person, role=form.role.data, team=team,
                         active=form.active.data)
    if form.email.raw_data:  # a form without the field leaves the address alone
        profile.set_email(session, person, email)
    flash(f"{person.username} updated.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/password")
@role_required(Role.admin)
def temporary_password(user_id: int) -> ResponseReturnValue:
    """Give a user a temporary password, to be replaced at their next sign-in."""
    session = get_session()
    person = accounts.get_user(session, user_id)
    form = TemporaryPasswordForm()
    if person.kind is not UserKind.person:
        abort(404, description="Only people sign in; this account cannot have a password.")
    if not form.validate_on_submit():
        flash(f"Enter a temporary password for {person.username}.", "error")
        return redirect(url_for("admin.users")), 303
    try:
        accounts.set_password(session, person, form.password.data, temporary=True, now=now())
    except DomainError as error:
        return prg.refuse(form, error, url_for("admin.users"),
                          lead=f"No temporary password set for {person.username}.")
    if person.id == viewer().id:
        login_user(person)  # setting your own keeps you signed in, under the new version
    flash(f"Temporary password set for {person.username}: they choose their own at their next "
          "sign-in, and every session of theirs has ended.", "success")
    return redirect(url_for("admin.users"))


class TemporaryPasswordForm(FlaskForm):
    password = PasswordField("Temporary password",
                             validators=[DataRequired(), Bounded(bounds.PASSWORD)],
                             description=bounds.PASSWORD.hint)


@bp.route("/teams", methods=["GET", "POST"])
@role_required(Role.admin)
def teams() -> ResponseReturnValue:
    """List teams with their members, and add one."""
    session = get_session()
    form = TeamForm()
    prg.restore(form)
    if form.validate_on_submit():
        try:
            team = accounts.create_team(session, form.name.data, now=now())
        except DomainError as error:
            return prg.refuse(form, error, url_for("admin.teams"), field="name")
        flash(f"Team {team.name} created.", "success")
        return redirect(url_for("admin.teams"))
    if request.method == "POST":  # Post/Redirect/Get: a reload does not submit again
        return prg.redirect_with(form, url_for("admin.teams"))
    members: dict[int | None, list[str]] = {}
    for user in accounts.list_users(session):
        members.setdefault(user.team_id, []).append(user.display_name)
    return render_template("admin/teams.html", form=form, teams=accounts.list_teams(session),
                           members=members)

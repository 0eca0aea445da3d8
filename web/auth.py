"""Signing in and out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from forecasts.accounts import authenticate, end_sessions
from web.database import get_session
from web.forms import ActionForm, LoginForm
from web.permissions import viewer
from web.redirects import local_target

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    """Show the sign-in form; on success go where the user was heading."""
    if current_user.is_authenticated:
        return redirect(url_for("questions.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(get_session(), form.username.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(local_target(request.args.get("next")) or url_for("questions.index"))
        form.password.errors.append("Wrong username or password.")
    status = 400 if form.errors else 200
    return render_template("login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():  # type: ignore[no-untyped-def]
    """Sign out (a POST, so a stray link cannot do it)."""
    if ActionForm().validate_on_submit():
        end_sessions(get_session(), viewer())  # a copy of the cookie kept elsewhere dies too
        logout_user()
        flash("Signed out.", "info")
    return redirect(url_for("auth.login"))

"""Signing in and out, with failed sign-ins rate-limited per account and per address."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from forecasts.accounts.people import MAX_USERNAME_INPUT, authenticate, end_sessions
from web import prg
from web.database import get_session
from web.extensions import limiter
from web.forms import LoginForm
from web.permissions import viewer
from web.redirects import local_target

bp = Blueprint("auth", __name__)

TOO_MANY = ("Too many failed sign-ins {}. Wait a few minutes and try again, or ask an admin "
            "to reset your password.")


def _failed(response: Response) -> bool:
    # Only failures count towards the limits: a successful sign-in answers with a redirect.
    return response.status_code != 302


def _account_key() -> str:
    username = request.form.get("username", "").strip().lower()[:MAX_USERNAME_INPUT]
    return f"account:{username}"


def _per_account() -> str:
    return current_app.config["SETTINGS"].login_limit_per_account


def _per_address() -> str:
    return current_app.config["SETTINGS"].login_limit_per_address


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_per_address, methods=["POST"], deduct_when=_failed,
               error_message=TOO_MANY.format("from your network"))
@limiter.limit(_per_account, methods=["POST"], key_func=_account_key, deduct_when=_failed,
               error_message=TOO_MANY.format("for this account"))
def login() -> ResponseReturnValue:
    """Show the sign-in form; on success go where the user was heading."""
    if current_user.is_authenticated:
        return redirect(url_for("questions.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(get_session(), form.username.data, form.password.data)
        if user is not None:
            login_user(user)
            if user.must_change_password:
                flash("An admin set a temporary password for you: choose your own now.", "info")
                return redirect(url_for("account.password"))
            return redirect(local_target(request.args.get("next")) or url_for("questions.index"))
        form.password.errors.append("Wrong username or password.")
    if form.is_submitted():  # refused: back to the form's own page (the password is never kept)
        return prg.redirect_with(form, url_for("auth.login", next=request.args.get("next")))
    prg.restore(form)
    return render_template("login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Sign out (a POST, so a stray link cannot do it)."""
    end_sessions(get_session(), viewer())  # a copy of the cookie kept elsewhere dies too
    logout_user()  # CSRFProtect has checked the token already, as on every POST
    flash("Signed out.", "info")
    return redirect(url_for("auth.login"))

"""Account self-service: your profile (email, time zone, which emails), password and display
name, and resetting a forgotten password."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Optional

from forecasts import bounds, timezones
from forecasts.accounts import password_reset, passwords, profile
from forecasts.accounts import people as accounts
from forecasts.errors import DomainError, ValidationFailed
from forecasts.models import User
from forecasts.notifications import mail
from web import prg
from web.database import get_session, now
from web.extensions import limiter
from web.forms import Bounded, WholeField, text_field
from web.permissions import viewer

logger = logging.getLogger(__name__)
bp = Blueprint("account", __name__)

# Pages a user with a temporary password may still open: choosing a new one, and leaving.
OPEN_WHILE_TEMPORARY = {"account.password", "auth.logout", "static", "health.healthz"}


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), Bounded(bounds.PASSWORD)],
                             description=bounds.PASSWORD.hint)
    confirm = PasswordField("New password again", validators=[
        DataRequired(), EqualTo("password", message="The two passwords differ.")])


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField("Current password", validators=[DataRequired()])


class DisplayNameForm(FlaskForm):
    display_name = text_field("Display name", bounds.DISPLAY_NAME, DataRequired())


class ProfileForm(FlaskForm):
    """A user's email address, time zone, and which emails they want."""

    email = text_field("Email", bounds.EMAIL, Optional())
    time_zone = SelectField("Time zone", validate_choice=False)  # the domain checks the name
    interval_days = WholeField(
        "Remind me when my latest forecast is older than (days)",
        validators=[InputRequired(message="Give a number of days.")],
        # Digits and the number bound here, so the domain can judge the range together with the
        # email address; both state the same rule.
        low=0, high=bounds.ID_MAX,
        message=f"Choose between 1 and {profile.MAX_INTERVAL_DAYS} days, in the digits 0–9.",
    )


# One switch per kind of email (profile.EMAIL_KINDS), named for the form.
SWITCHES = {f"email_{kind.key.replace('-', '_')}": kind for kind in profile.EMAIL_KINDS}
for _name, _kind in SWITCHES.items():
    setattr(ProfileForm, _name, BooleanField(_kind.label))


def _switches(user: User) -> list[tuple[str, profile.EmailKind]]:
    """The form's switches this user sees (the digest only for managers)."""
    mine = {kind.key for kind in profile.email_kinds_for(user)}
    return [(name, kind) for name, kind in SWITCHES.items() if kind.key in mine]


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile_page() -> ResponseReturnValue:
    """The signed-in user's email address, time zone, emails wanted and reminder interval."""
    session, user = get_session(), viewer()
    form = ProfileForm()
    form.time_zone.choices = list(timezones.zone_names())
    switches = _switches(user)
    if form.validate_on_submit():
        try:
            profile.update_profile(
                session, user, email=form.email.data, time_zone=form.time_zone.data,
                emails={kind.key: bool(form[name].data) for name, kind in switches},
                interval_days=form.interval_days.data or 0)
        except DomainError as error:
            return prg.refuse(form, error, url_for("account.profile_page"))
        flash("Profile saved.", "success")
        return redirect(url_for("account.profile_page"))
    if form.is_submitted():  # refused: back to the page, with what was typed and why, once
        return prg.redirect_with(form, url_for("account.profile_page"))
    if not prg.restore(form):
        form.email.data = user.email or ""
        form.time_zone.data = profile.time_zone_of(session, user)
        form.interval_days.data = profile.reminders_of(session, user).interval_days
        for name, kind in switches:
            form[name].data = profile.wants(session, user, kind.key)
    name_form = DisplayNameForm()
    if not prg.restore(name_form):
        name_form.display_name.data = user.display_name
    return render_template("account/profile.html", form=form, name_form=name_form,
                           switches=[form[name] for name, _ in switches])


class ForgotForm(FlaskForm):
    identifier = text_field("Username or email address", bounds.EMAIL, DataRequired())


@bp.before_app_request
def _temporary_password_first() -> ResponseReturnValue | None:
    """Someone signed in with an admin's temporary password must replace it before anything."""
    if request.endpoint in OPEN_WHILE_TEMPORARY or not current_user.is_authenticated:
        return None
    if current_user.must_change_password:
        return redirect(url_for("account.password"))
    return None


def _changer_key() -> str:
    return f"change-password:{current_user.get_id().partition(':')[0]}"


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
# Someone holding a stolen session could otherwise guess the current password here.
@limiter.limit(lambda: current_app.config["SETTINGS"].login_limit_per_account,
               methods=["POST"], key_func=_changer_key,
               deduct_when=lambda response: response.status_code != 302,
               error_message="Too many wrong current passwords. Wait a few minutes.")
def password() -> ResponseReturnValue:
    """Change your own password; every other session of yours ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = viewer()
        try:
            accounts.change_password(get_session(), user, current=form.current.data,
                                     new=form.password.data)
        except DomainError as error:
            return prg.refuse(form, error, url_for("account.password"))
        login_user(user)  # this browser gets a session under the new version
        flash("Password changed. Other browsers signed in as you are signed out.", "success")
        return redirect(url_for("account.profile_page"))
    if form.is_submitted():  # refused: the messages are kept, the passwords never
        return prg.redirect_with(form, url_for("account.password"))
    prg.restore(form)
    return render_template("account/password.html", form=form, rules=passwords.RULES,
                           temporary=viewer().must_change_password)


@bp.post("/profile/name")
@login_required
def display_name() -> ResponseReturnValue:
    """Change the name shown beside your forecasts and on the leaderboard."""
    form, page = DisplayNameForm(), url_for("account.profile_page")
    if not form.validate_on_submit():
        return prg.redirect_with(form, page)
    try:
        accounts.set_display_name(get_session(), viewer(), form.display_name.data)
    except DomainError as error:
        return prg.refuse(form, error, page)
    flash("Display name saved.", "success")
    return redirect(page)


def _forgot_key() -> str:
    return "reset:" + request.form.get("identifier", "").strip().lower()[:254]


def _reset_limit() -> str:
    return current_app.config["SETTINGS"].login_limit_per_account


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SETTINGS"].login_limit_per_address,
               methods=["POST"], error_message="Too many reset requests from your network. "
               "Wait a few minutes and try again.")
@limiter.limit(_reset_limit, methods=["POST"], key_func=_forgot_key,
               error_message="Too many reset requests for this account. Wait a few minutes.")
def forgot() -> ResponseReturnValue:
    """Ask for a reset link by email; the answer is the same whether or not the account exists."""
    form = ForgotForm()
    if form.validate_on_submit():
        settings = current_app.config["SETTINGS"]
        try:
            password_reset.send_reset_link(
                get_session(), mail.make_mailer(settings), form.identifier.data,
                secret=current_app.secret_key,  # type: ignore[arg-type]
                link_for=lambda token: settings.public_url + url_for("account.reset",
                                                                     token=token),
                now=now())
        except OSError:  # smtplib's errors are OSErrors; the reply must not differ
            logger.exception("Could not send a password-reset email")
        flash("If that account has an email address, a reset link is on its way. "
              "It works once, within an hour.", "info")
        return redirect(url_for("auth.login"))
    if form.is_submitted():
        return prg.redirect_with(form, url_for("account.forgot"))
    prg.restore(form)
    return render_template("account/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset(token: str) -> ResponseReturnValue:
    """Choose a new password through an emailed link."""
    secret = current_app.secret_key
    try:
        password_reset.user_for_token(get_session(), token, secret=secret,  # type: ignore[arg-type]
                                      now=now())
    except ValidationFailed as error:
        flash(error.fields["token"], "error")
        return redirect(url_for("account.forgot"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            password_reset.reset_password(get_session(), token, form.password.data,
                                          secret=secret, now=now())  # type: ignore[arg-type]
        except DomainError as error:
            return prg.refuse(form, error, url_for("account.reset", token=token))
        flash("Password changed: sign in with it now.", "success")
        return redirect(url_for("auth.login"))
    if form.is_submitted():
        return prg.redirect_with(form, url_for("account.reset", token=token))
    prg.restore(form)
    return render_template("account/reset.html", form=form, rules=passwords.RULES)

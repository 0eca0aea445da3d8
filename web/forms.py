"""WTForms forms: they parse and check shapes; the domain checks the rules."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    Field,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional, ValidationError

from forecasts.errors import ValidationFailed
from forecasts.forecasting import probability_from_percent
from forecasts.models import Outcome, Role
from forecasts.questions import QuestionCreate

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=40)])
    password = PasswordField("Password", validators=[DataRequired()])


class ForecastForm(FlaskForm):
    probability = StringField(
        "Your probability of YES (%)",
        validators=[InputRequired(message="Enter a number from 1 to 99.")],
        render_kw={"inputmode": "decimal", "autocomplete": "off", "placeholder": "e.g. 30"},
    )
    rationale = TextAreaField(
        "Rationale", validators=[Optional(), Length(max=10_000)],
        render_kw={"rows": 4, "placeholder": "What moved you? Evidence, base rates, signposts."},
    )

    def validate_probability(self, field: Field) -> None:
        try:
            self.parsed_probability = probability_from_percent(field.data or "")
        except ValidationFailed as error:
            raise ValidationError(error.fields["probability"]) from None


class QuestionForm(FlaskForm):
    title = StringField("Question", validators=[DataRequired(), Length(max=300)],
                        render_kw={"placeholder": "Will … before …?"})
    description = TextAreaField("Background", validators=[Optional()], render_kw={"rows": 4})
    resolution_criteria = TextAreaField(
        "Resolution criteria",
        validators=[DataRequired(message="Say exactly what counts as YES, and which source "
                                         "decides.")],
        render_kw={"rows": 4},
    )
    opens_at = DateTimeLocalField("Opens (UTC)", format=DATETIME_FORMAT,
                                  validators=[InputRequired(message="Give a date and time.")])
    closes_at = DateTimeLocalField("Closes (UTC): forecasting stops", format=DATETIME_FORMAT,
                                   validators=[InputRequired(message="Give a date and time.")])
    resolve_by = DateTimeLocalField("Resolve by (UTC)", format=DATETIME_FORMAT,
                                    validators=[InputRequired(message="Give a date and time.")])
    source_name = StringField("Source publication", validators=[Optional(), Length(max=200)])
    source_url = StringField("Source link", validators=[Optional(), URL(), Length(max=1000)])
    source_quote = TextAreaField("Quoted sentence", validators=[Optional()], render_kw={"rows": 2})
    tags = StringField("Tags (comma-separated)", validators=[Optional(), Length(max=600)],
                       render_kw={"placeholder": "Ukraine, NATO"})

    def to_domain(self) -> QuestionCreate:
        """The form's values as the domain's input (datetimes in UTC)."""
        return QuestionCreate(
            title=self.title.data.strip(),
            description=(self.description.data or "").strip(),
            resolution_criteria=self.resolution_criteria.data.strip(),
            opens_at=_utc(self.opens_at.data),
            closes_at=_utc(self.closes_at.data),
            resolve_by=_utc(self.resolve_by.data),
            source_name=(self.source_name.data or "").strip(),
            source_url=(self.source_url.data or "").strip(),
            source_quote=(self.source_quote.data or "").strip(),
            tags=[t for t in (self.tags.data or "").split(",") if t.strip()],
        )


def _utc(value: datetime) -> datetime:
    # The form labels every time as UTC, so a naive value from the browser is UTC.
    return value.replace(tzinfo=UTC)


class ResolveForm(FlaskForm):
    outcome = RadioField(
        "Outcome",
        choices=[SelectChoice(Outcome.yes.value, "YES"), SelectChoice(Outcome.no.value, "NO"),
                 SelectChoice(Outcome.annulled.value, "Annulled (not scored)")],
        validators=[InputRequired(message="Choose YES, NO or annulled.")],
    )
    note = TextAreaField("Note (evidence; required to correct a resolution)",
                         validators=[Optional(), Length(max=5000)], render_kw={"rows": 3})


class CloseForm(FlaskForm):
    note = TextAreaField("Why close early?", validators=[Optional(), Length(max=5000)],
                         render_kw={"rows": 2})


class ActionForm(FlaskForm):
    """A button that only needs its CSRF token (publish ...)."""


class UserForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=40)])
    display_name = StringField("Display name", validators=[Optional(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired()])
    role = SelectField("Role", choices=[SelectChoice(r.value) for r in Role],
                       default=Role.forecaster.value)
    team_id = SelectField("Team", coerce=int, default=0)


class UserUpdateForm(FlaskForm):
    role = SelectField("Role", choices=[SelectChoice(r.value) for r in Role])
    team_id = SelectField("Team", coerce=int)
    active = BooleanField("Active")


class TeamForm(FlaskForm):
    name = StringField("Team name", validators=[DataRequired(), Length(max=80)])

"""Export pages (CSV, JSON, the zip of everything you may see) and managers' import page."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField

from forecasts import bounds
from forecasts.errors import ValidationFailed
from forecasts.exports import files, importing
from forecasts.exports.datasets import DATASETS, ExportFilter, export_filter
from forecasts.models import Role
from forecasts.questions.catalog import all_tags
from web import prg, query
from web.database import get_session, now
from web.permissions import role_required, viewer

bp = Blueprint("exports", __name__)
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
MAX_IMPORT_BYTES = 8 * 1024 * 1024  # the app's MAX_CONTENT_LENGTH caps an upload anyway


class ImportForm(FlaskForm):
    kind = SelectField("What the file holds", choices=[SelectChoice("questions", "Questions"),
                                                      SelectChoice("forecasts", "Forecasts")])
    file = FileField("CSV or JSON file (this product's export, or Fatebook's CSV)",
                     validators=[FileRequired()])


def _filter() -> ExportFilter:
    start, end = query.period()
    return export_filter(get_session(), tag=query.text("tag", limit=bounds.TAG), start=start,
                         end=end)


def _download(body: str | bytes, filename: str, media: str) -> Response:
    return Response(body, mimetype=media, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store"})


@bp.get("/exports")
@login_required
def index() -> ResponseReturnValue:
    """Choose a dataset, a format and filters; or download everything you may see."""
    return render_template("exports/index.html", datasets=DATASETS, formats=files.FORMATS,
                           tags=all_tags(get_session()), where=_filter(),
                           is_manager=viewer().has_role(Role.manager),
                           days=(bounds.FIRST_DAY.isoformat(), bounds.LAST_DAY.isoformat()))


@bp.get("/exports/<dataset>.<fmt>")
@login_required
def dataset(dataset: str, fmt: str) -> ResponseReturnValue:
    """One dataset as CSV or JSON, filtered by tag and period."""
    if dataset not in DATASETS or fmt not in files.FORMATS:
        abort(404)
    body = files.render(dataset, fmt, get_session(), current_app.extensions["scores"],
                        viewer(), _filter())
    return _download(body, f"{dataset}.{fmt}", MEDIA[fmt])


@bp.get("/exports/archive.zip")
@login_required
def archive() -> ResponseReturnValue:
    """All your data (everything, for a manager) as CSV files in a zip with a README."""
    body = files.bundle(get_session(), current_app.extensions["scores"], viewer(), _filter(),
                        now())
    return _download(body, f"forecasts-{now():%Y%m%d}.zip", "application/zip")


@bp.route("/exports/import", methods=["GET", "POST"])
@role_required(Role.manager)
def import_page() -> ResponseReturnValue:
    """Upload a file; every row is checked, and one bad row stores nothing."""
    form, report, bad_rows = ImportForm(), None, []
    if form.validate_on_submit():
        data = form.file.data.read(MAX_IMPORT_BYTES + 1)
        name = form.file.data.filename or ""
        try:
            if len(data) > MAX_IMPORT_BYTES:
                raise ValidationFailed({"file": "The file is over 8 MB: import it with the "
                                                "forecasts import command."})
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            form.file.errors = ["The file is not UTF-8 text."]
        except ValidationFailed as error:
            prg.attach_errors(form, error, field="file")
        else:
            try:
                report = importing.import_file(get_session(), text, kind=form.kind.data,
                                               actor=viewer(),
                                               json_file=name.lower().endswith(".json"))
            except importing.ImportRefused as error:
                bad_rows = error.bad_rows
            except ValidationFailed as error:
                prg.attach_errors(form, error, field="file")
    # Shown in place, not through prg.refuse: a file cannot be kept for the next page. A
    # refused import answers 400, so the request's transaction is rolled back.
    failed = bool(form.errors or bad_rows)
    return render_template("exports/import.html", form=form, report=report,
                           bad_rows=bad_rows), (400 if failed else 200)

"""Forms kept across a redirect: a failed submission's values and messages, read back once.

When a form fails, the page answers with a redirect to the form's own page (Post/Redirect/Get),
so the address bar shows that page and a reload does not submit again. What the user typed and
the messages are kept here, in the database rather than the session cookie (a cookie holds about
4 KB; a rationale may be 10,000 characters), under a random token that the user's session
carries. The page takes them back once; a kept form expires after ``KEEP_FOR``, and expired
rows are deleted whenever a form is kept. The web layer never passes passwords or files here.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select

from forecasts.models import KeptForm
from forecasts.models.forms import FORM_NAME_LENGTH, PAGE_LENGTH

KEEP_FOR = timedelta(hours=1)
__all__ = ["FORM_NAME_LENGTH", "KEEP_FOR", "PAGE_LENGTH", "KeptForm", "keep", "take"]


def keep(session: Session, *, form: str, page: str, values: dict[str, list[str]],
         errors: dict[str, list[str]], user_id: int | None, now: datetime) -> str:
    """Store a failed form for ``page`` and return its token. Deletes expired rows.

    Raises ValueError for a form name or page longer than the columns hold (callers pass
    their own constants and paths, so this is a programming error, not user input).
    """
    if len(form) > FORM_NAME_LENGTH or len(page) > PAGE_LENGTH:
        raise ValueError("form name or page too long to keep")
    session.exec(delete(KeptForm).where(col(KeptForm.created_at) < now - KEEP_FOR))
    token = secrets.token_urlsafe(32)
    session.add(KeptForm(token=token, user_id=user_id, form=form, page=page, created_at=now,
                         state={"values": values, "errors": errors}))
    session.flush()
    return token


def take(session: Session, token: str, *, form: str, page: str, user_id: int | None,
         now: datetime) -> tuple[dict[str, list[str]], dict[str, list[str]]] | None:
    """The kept (values, errors) for this token, form, page and user, deleted as read.

    None when there is no such row, it expired, or it belongs to another form, page or user.
    """
    kept = session.exec(select(KeptForm).where(KeptForm.token == token)).first()
    if kept is None or kept.form != form or kept.page != page or kept.user_id != user_id:
        return None
    session.delete(kept)
    session.flush()
    if kept.created_at < now - KEEP_FOR:
        return None
    return dict(kept.state.get("values", {})), dict(kept.state.get("errors", {}))

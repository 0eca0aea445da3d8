"""Forms kept across a redirect (Post/Redirect/Get): the rules are in forecasts/kept_forms.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from forecasts.db import UTCDateTime

FORM_NAME_LENGTH = 80
PAGE_LENGTH = 1_000  # a page's path, as a query-less URL


class KeptForm(SQLModel, table=True):
    """One failed submission waiting for its page: the raw values and the messages, as JSON."""

    __tablename__ = "kept_form"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=64, unique=True, index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="CASCADE")
    form: str = Field(max_length=FORM_NAME_LENGTH)  # which form on the page
    page: str = Field(max_length=PAGE_LENGTH)  # the path that may read it back
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)
    # {"values": {field name: [raw strings]}, "errors": {field name: [messages]}}
    state: dict[str, Any] = Field(sa_type=sa.JSON)

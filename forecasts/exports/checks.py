"""Row checks shared by the importers: bad rows, times, users and forecasts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from forecasts import bounds
from forecasts.errors import DomainError
from forecasts.models import Question, User
from forecasts.questions.forecasting import check_probability

EARLIEST, LATEST = datetime(1970, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)
# The longest text each imported field may hold: the table's own limits (PostgreSQL enforces
# them), and the forms' limits for the free-text fields.
# Each imported column's limit is the bound the forms and the database hold (forecasts/bounds.py).
TEXT_LIMITS = {"title": bounds.TITLE, "description": bounds.DESCRIPTION,
               "resolution_criteria": bounds.CRITERIA, "source_name": bounds.SOURCE_NAME,
               "source_url": bounds.URL, "source_quote": bounds.QUOTE, "note": bounds.TRAIL_NOTE}


def check_text(values: dict[str, str]) -> None:
    """Raise ValueError naming the first field that is too long or holds control characters."""
    for name, value in values.items():
        limit = TEXT_LIMITS.get(name, bounds.TextLimit(len(value) or 1, multiline=True))
        problem = limit.problem(value)
        if problem:
            raise ValueError(f"{name}: {problem}")


@dataclass(frozen=True)
class BadRow:
    row: int  # data rows counted from 1 (the header is not a row)
    reason: str


class ImportRefused(DomainError):
    """The file has bad rows; nothing was stored. ``bad_rows`` names each one."""

    def __init__(self, bad_rows: list[BadRow]) -> None:
        self.bad_rows = bad_rows
        shown = "; ".join(f"row {b.row}: {b.reason}" for b in bad_rows[:20])
        more = f" (and {len(bad_rows) - 20} more)" if len(bad_rows) > 20 else ""
        super().__init__(f"Nothing was imported: {len(bad_rows)} bad rows. {shown}{more}")


@dataclass
class ImportReport:
    questions: int = 0
    forecasts: int = 0
    kind: str = ""


@dataclass
class ImportPlan:
    """Checked rows, ready to store."""

    questions: list[tuple[Question, list[str], list[dict[str, object]]]] = field(
        default_factory=list)
    forecasts: list[dict[str, object]] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)


def parse_time(text: str, name: str) -> datetime:
    """An ISO 8601 time with its offset (Z for UTC), 1970–2200; raises ValueError with a reason."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name} {text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise ValueError(f"{name} {text!r} has no time zone (add Z for UTC)")
    if not EARLIEST <= moment < LATEST:
        raise ValueError(f"{name} {text!r} is outside 1970–2200")
    return moment.astimezone(UTC)


def optional_time(text: str, name: str) -> datetime | None:
    return parse_time(text, name) if text.strip() else None


def find_user(users: dict[str, User], username: str, what: str) -> User:
    user = users.get(username.strip().lower())
    if user is None:
        raise ValueError(f"{what} {username!r} is not a user here (create them first)")
    return user


def checked_forecast(question: Question, forecaster: User, probability: str,
                     created_at: datetime, rationale: str) -> dict[str, object]:
    """A forecast row to insert, after the product's rules; raises ValueError with the reason."""
    try:  # digits 0-9 only: float() would also read "١٢" or "1e-1"
        number = bounds.parse_decimal(probability.strip().rstrip("%"), name="probability")
    except bounds.OutOfBounds:
        raise ValueError(f"probability {probability!r} is not a number") from None
    value = float(number) / (100 if "%" in probability else 1)
    check_probability(value)
    problem = bounds.RATIONALE.problem(rationale)
    if problem:
        raise ValueError(f"rationale: {problem}")
    if question.published_at is None and question.id is not None:
        raise ValueError("the question is a draft")
    if not question.opens_at <= created_at < question.closed_at:
        raise ValueError(f"made at {created_at.isoformat()}, outside the question's open time")
    return {"question": question, "forecaster_id": forecaster.id,
            "probability": round(value, 4), "rationale": rationale.strip(),
            "created_at": created_at}

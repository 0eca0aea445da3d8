"""Builders for test data, in one place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import cache

import pytest
from sqlmodel import Session
from werkzeug.security import generate_password_hash

from forecasts.accounts import passwords
from forecasts.models import Role, User, UserKind
from forecasts.outbound import parse_networks
from forecasts.questions import catalog as questions
from forecasts.questions.catalog import QuestionCreate

PASSWORD = "correct-horse-9"
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# SOURCE_ALLOWED_NETWORKS for tests: their HTTP servers listen on loopback.
LOCAL_SPEC = "127.0.0.0/8, ::1/128"
LOCAL = parse_networks(LOCAL_SPEC)


@cache
def _password_hash() -> str:
    # The product's hash (scrypt) is deliberately slow, about 0.4 s per check; test users get a
    # one-round PBKDF2 hash so sign-ins cost nothing. tests/web/test_auth.py keeps one user on
    # the product's own hash, through the real form.
    return generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")


def _cheap_hash(password: str) -> str:
    return generate_password_hash(password, method="pbkdf2:sha256:1")


@contextmanager
def cheap_hashes() -> Iterator[None]:
    """Users the product creates inside (the sample's, a command's) get the same one-round
    PBKDF2 hash as the builders' users; the product's password rules still apply."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "generate_password_hash", _cheap_hash)
        yield


def make_user(session: Session, username: str, role: Role = Role.forecaster) -> User:
    user = User(username=username, display_name=username.title(), password_hash=_password_hash(),
                role=role, created_at=T0)
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def make_publication(session: Session, username: str) -> User:
    """A publication's pseudo-forecaster, as briefing import makes them."""
    user = make_user(session, username)
    user.kind = UserKind.publication
    session.add(user)
    session.commit()
    return user


def question_input(**changes: object) -> QuestionCreate:
    values: dict[str, object] = {
        "title": "Will the Aegean ferry strike last beyond 1 March?",
        "resolution_criteria": "YES if the ferry union's strike is still on at 1 March 00:00 UTC, "
                               "per the union's own statements.",
        "opens_at": T0,
        "closes_at": T0 + timedelta(days=30),
        "resolve_by": T0 + timedelta(days=40),
        "source_name": "Test Briefing",
        "source_quote": "The strike is unlikely to last into March.",
        "tags": ["Greece", "Shipping"],
    }
    values.update(changes)
    return QuestionCreate(**values)  # type: ignore[arg-type]


def make_question(
    session: Session, author: User, *, published: bool = True, **changes: object
):  # type: ignore[no-untyped-def]
    """A question (published unless ``published=False``), committed as its request would be."""
    question = questions.create_question(session, question_input(**changes), author=author,
                                         now=T0)
    if published:
        questions.publish_question(session, question, actor=author, now=T0)
    session.commit()
    return question


BRIEFING_TEXT = """Channel Ports Weekly

Source: Port authority notice
The pilots' overtime ban is likely to continue through the spring.

Source: Shipping desk
A second terminal closure is unlikely before the summer. Berths were reassigned last week.
"""


def make_briefing(session: Session, importer: User, text: str = BRIEFING_TEXT, *,
                  publication: str = "Channel Ports Weekly"):  # type: ignore[no-untyped-def]
    """A briefing imported by ``importer``, with its pending drafts."""
    from forecasts import briefings

    briefing = briefings.import_briefing(session, text, published=T0.date(),
                                         publication=publication, importer=importer, now=T0)
    session.commit()
    return briefing


def make_proposal(session: Session, question, manager: User, *,  # type: ignore[no-untyped-def]
                  facts: dict[str, object] | None = None):
    """A pending automatic-resolution proposal (YES) on ``question``, as a source check makes."""
    from forecasts.models import Outcome
    from forecasts.resolution import proposals

    proposal = proposals.propose(session, question, outcome=Outcome.yes,
                                 facts=facts or {"reason": "The feed reported the event."},
                                 actor=manager, auto_apply=False, now=T0 + timedelta(days=2))
    session.commit()
    return proposal


def make_resolved_pair(session: Session, manager: User, forecaster: User):  # type: ignore[no-untyped-def]
    """A question open 30 days where ``forecaster`` (20 %) and Rowena (70 %) forecast after the
    first day; resolved NO a day after its close, and committed as its requests would be.
    Returns (question, Rowena)."""
    from forecasts import resolution
    from forecasts.questions import forecasting

    question = make_question(session, manager)
    other = make_user(session, "rowena")
    for person, p in [(forecaster, 0.2), (other, 0.7)]:
        forecasting.submit_forecast(session, question, forecaster=person, probability=p,
                                    now=T0 + timedelta(days=1))
    resolution.resolve(session, question, outcome="no", actor=manager,
                       now=question.closes_at + timedelta(days=1))
    session.commit()
    return question, other

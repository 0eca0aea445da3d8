"""Hostile content: script, event-handler and javascript: payloads in every free-text field.

``seed`` fills a database through the domain the way users and outside sources would, so the
XSS browser test can open every page that shows the text. Where a rule upstream would refuse a
payload today or later (a URL's scheme, a length), the row is written directly: pages must be
safe for whatever is stored, including rows written before a rule existed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from forecasts import briefings, resolution
from forecasts.accounts import people as accounts
from forecasts.models import Briefing, Outcome, Role, SourceCheck, Tag, Team, User
from forecasts.questions import catalog as questions
from forecasts.questions import discussion, forecasting
from forecasts.resolution import proposals, sources
from forecasts.scheduling import runs as job_runs
from forecasts.scoring import snapshots
from tests.support import builders

# Each payload sets window.__xss if it ever runs.
SCRIPT = "<script>window.__xss=1</script>"
ONERROR = '<img src=x onerror="window.__xss=1">'
LINK = '<a href="javascript:window.__xss=1">x</a>'  # plotly's pseudo-HTML makes links of <a>
OFFSITE = '<a href="https://evil.example/">x</a>'  # a link in a chart would lead off-site
JS_URL = "javascript:window.__xss=1"
# A javascript: URL that passes WTForms' URL() check (the "//" comments out the host line).
JS_URL_LOOKS_VALID = "javascript://example.org/%0Awindow.__xss=1"

BOTH = f"{SCRIPT} {ONERROR}"
PUBLICATION = f"Wire {ONERROR} {OFFSITE}"
ALL = f"{SCRIPT} {ONERROR} {LINK}"

PLAIN_BRIEFING = """Harbour Pilot Notes

Source: Coastal wire
The pilots' overtime ban is likely to continue through the spring.

Source: Shipping desk
A second terminal closure is unlikely before the summer. Berths were reassigned last week.
"""


@dataclass
class Seeded:
    """Ids of the rows holding payloads, for the pages that show them."""

    forecaster: int
    other: int
    publication: int
    teams: list[int]
    tags: list[int]
    resolved: list[int]
    open: int
    pending_proposal: int
    overdue: int
    draft: int
    briefing: int
    tag_names: list[str]
    publication_name: str


def _user(session: Session, username: str, role: Role, display_name: str,
          team: Team | None = None, email: str | None = None) -> User:
    user = builders.make_user(session, username, role)
    user.display_name, user.team_id, user.email = display_name, team.id if team else None, email
    session.add(user)
    session.commit()
    return user


def _team(session: Session, name: str, now: datetime) -> Team:
    team = accounts.create_team(session, name, now=now)
    team.name = name  # stored as given, whatever the domain normalises
    session.commit()
    return team


def _fields(label: str, **changes: object) -> dict[str, Any]:
    return {"title": f"Will {label} {ALL} happen?",
            "resolution_criteria": f"YES if {BOTH} per {LINK}.",
            "description": f"Background {ALL}", "source_name": f"Source {BOTH}",
            "source_quote": f"Quote {ALL}", "tags": [f"t1 {SCRIPT}", f"t2 {ONERROR}"], **changes}


def _question(session: Session, author: User, label: str, **changes: object):  # type: ignore[no-untyped-def]
    question = builders.make_question(session, author, **_fields(label, **changes))
    question.source_url = JS_URL_LOOKS_VALID  # pages must not link a javascript: URL
    session.add(question)
    session.commit()
    return question


def seed(session: Session, now: datetime) -> Seeded:
    """Users, teams, questions, forecasts, sources, proposals, a briefing and runs, all hostile."""
    desk = _team(session, f"Desk {ONERROR} {OFFSITE}", now)
    wire = _team(session, f"Wire {LINK}", now)
    _user(session, "ada", Role.admin, f"Ada {SCRIPT}", email=f'a"><b>{SCRIPT}@example.org')
    maria = _user(session, "maria", Role.manager, f"Maria {ONERROR}")
    finn = _user(session, "finn", Role.forecaster, f"Finn {BOTH}", desk,
                 email=f'f"{ONERROR}@example.org')
    gus = _user(session, "gus", Role.forecaster, f"Gus {LINK}", wire)

    resolved = []
    for n, outcome in enumerate((Outcome.yes, Outcome.no)):
        question = _question(session, maria, f"resolved-{n}")
        for who, p, day in ((finn, 0.7 - 0.4 * n, 1), (gus, 0.4, 2), (finn, 0.8 - 0.5 * n, 3)):
            forecasting.submit_forecast(session, question, forecaster=who, probability=p,
                                        rationale=f"Because {ALL}",
                                        now=builders.T0 + timedelta(days=day))
        edit = builders.question_input(**_fields(f"edited-{n}", description=f"Edited {ALL}"))
        questions.update_question(session, question, edit, editor=maria,
                                  now=builders.T0 + timedelta(days=4))
        questions.close_early(session, question, actor=maria, note=f"Closing {ALL}",
                              now=builders.T0 + timedelta(days=5))
        resolution.resolve(session, question, outcome=outcome, actor=maria,
                           note=f"Resolved {ALL}", now=builders.T0 + timedelta(days=6))
        question.source_url = JS_URL_LOOKS_VALID  # the edit cleared it
        session.add(question)
        session.commit()
        resolved.append(question.id)

    opened = now - timedelta(days=10)
    live = _question(session, maria, "open", opens_at=opened, closes_at=now + timedelta(days=30),
                     resolve_by=now + timedelta(days=40))
    forecasting.submit_forecast(session, live, forecaster=finn, probability=0.3,
                                rationale=f"Open {ALL}", now=now - timedelta(days=1))
    _hostile_source(session, live, maria, now)
    _hostile_thread(session, live, finn, gus, maria, now)
    dismissed = builders.make_proposal(session, live, maria, facts=_facts())
    proposals.dismiss(session, dismissed, actor=maria, note=f"Wrong {ALL}", now=now)

    waiting = _question(session, maria, "proposed", opens_at=opened,
                        closes_at=now + timedelta(days=30), resolve_by=now + timedelta(days=40))
    builders.make_proposal(session, waiting, maria, facts=_facts())
    overdue = _question(session, maria, "overdue")  # closed, past resolve-by, unresolved
    draft = _question(session, maria, "drafted", published=False)

    briefing, publication = _briefing(session, maria, finn, now)
    run = job_runs.start_run(session, "close-questions", holder=f"host {BOTH}", now=now)
    job_runs.finish_run(session, run, now=now, error=f"Failed {ALL}")
    snapshots.take_snapshot(session, now=now)

    tags = list(session.exec(select(Tag).order_by(col(Tag.id))))
    return Seeded(
        forecaster=finn.id, other=gus.id, publication=publication.id,  # type: ignore[arg-type]
        teams=[desk.id, wire.id], tags=[t.id for t in tags],  # type: ignore[list-item]
        resolved=resolved, open=live.id, pending_proposal=waiting.id, overdue=overdue.id,
        draft=draft.id, briefing=briefing.id, tag_names=[t.name for t in tags],
        publication_name=PUBLICATION,
    )


def _hostile_thread(session: Session, question, forecaster: User, other: User,  # type: ignore[no-untyped-def]
                    manager: User, now: datetime) -> None:
    """A comment with links, a shared rationale, a clarification request and a clarification."""
    body = f"Comment {ALL} see https://example.org/a?{SCRIPT} and {JS_URL} or {JS_URL_LOOKS_VALID}"
    discussion.post_comment(session, question, author=forecaster, body=body, now=now)
    discussion.post_comment(session, question, author=other, body=f"Request {ALL}",
                            request=True, now=now)
    mine = forecasting.history(session, question, forecaster)[0]
    discussion.share_rationale(session, question, forecaster=forecaster, forecast_id=mine.id,  # type: ignore[arg-type]
                               now=now)
    discussion.post_clarification(session, question, author=manager,
                                  body=f"Clarified {ALL} https://example.org/{ONERROR}", now=now)


def _facts() -> dict[str, object]:
    """Evidence as a feed controlled by an outsider would give it."""
    return {"reason": f"Reason {ALL}", "value": f"Value {ALL}", "title": f"Entry {ALL}",
            "link": JS_URL, "url": f"https://example.org/feed?{SCRIPT}", "rule": f"contains {LINK}",
            "published": f"{ONERROR}", "fetched_at": f"{SCRIPT}"}


def _hostile_source(session: Session, question, manager: User, now: datetime) -> None:  # type: ignore[no-untyped-def]
    # a loopback address the test allows: a name like example.org cannot be resolved here
    source = sources.set_source(session, question, sources.SourceInput(
        kind="feed", url=f"https://127.0.0.1/feed/{SCRIPT}", pattern=f"pattern {ALL}",
        value=f"value {BOTH}"), actor=manager, now=now, allowed=builders.LOCAL)
    source.url, source.failures = JS_URL, 6
    source.last_error, source.last_status = f"Error {ALL}", 500
    session.add(source)
    session.add(SourceCheck(source_id=source.id, checked_at=now, ok=False, status_code=500,  # type: ignore[arg-type]
                            value=f"Seen {ALL}", error=f"Error {ALL}"))
    session.commit()


def _briefing(session: Session, manager: User, forecaster: User,
              now: datetime) -> tuple[Briefing, User]:
    """A briefing with hostile text, one draft published (its publication scored), one pending."""
    briefing = briefings.import_briefing(session, PLAIN_BRIEFING,
                                         published=(now - timedelta(days=20)).date(),
                                         publication=PUBLICATION, importer=manager,
                                         now=now)
    briefing.title, briefing.author = f"Notes {ALL}", f"Author {ALL}"
    briefing.text = PLAIN_BRIEFING + f"\nSource: Hostile {BOTH}\nA sentence {ALL} here.\n"
    session.add(briefing)
    published, pending = briefings.drafts(session, briefing)
    for draft in (published, pending):
        draft.title, draft.quote = f"Will {ALL} hold?", f"Quote {ALL}"
        draft.resolution_criteria, draft.source = f"YES if {ALL}", f"Source {BOTH}"
        draft.tags = f"t1 {SCRIPT}, t3 {LINK}"
        session.add(draft)
    session.commit()
    briefings.accept_draft(session, published, actor=manager)
    [question] = briefings.publish_accepted(session, briefing, actor=manager, now=now)
    forecasting.submit_forecast(session, question, forecaster=forecaster, probability=0.35,
                                rationale=f"Stated {ALL}", now=now)
    resolution.resolve(session, question, outcome=Outcome.no, actor=manager,
                       now=now + timedelta(seconds=1))
    origin = session.exec(select(User).where(User.kind == "publication")).one()
    return briefing, origin

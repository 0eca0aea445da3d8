"""Sample data for `make run`: a briefing of our own turned into questions, users and forecasts.

The briefing goes through the same steps as a manager's import: imported a month ago, its
drafts accepted and published (with the publication's stated forecasts), then forecast on, so
the estimative-language page and the publication's stated forecasts have something to show;
the drafts that the hand-made questions below already ask, or that name no date, wait on the
review page. The hand-made questions carry the resolved history. Loaded once: if the demo
manager exists, nothing is touched, so a second `make run` keeps whatever people have entered
since.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources

from sqlmodel import Session

from forecasts import briefings, resolution
from forecasts.accounts import people as accounts
from forecasts.models import Outcome, Question, Role, User
from forecasts.questions import catalog as questions
from forecasts.questions import forecasting
from forecasts.questions.catalog import QuestionCreate

SOURCE_NAME = "Meridian Risk Weekly"
BRIEFING_AGE = timedelta(days=30)  # imported then, published two hours later


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    display_name: str
    role: Role
    team: str | None = None


DEMO_USERS = (
    DemoUser("admin", "admin-demo-pass", "Ada Admin", Role.admin),
    DemoUser("manager", "manager-demo-pass", "Maria Okafor", Role.manager),
    DemoUser("amir", "amir-demo-pass", "Amir Haddad", Role.forecaster, "Europe desk"),
    DemoUser("bea", "bea-demo-pass", "Bea Lindqvist", Role.forecaster, "Europe desk"),
    DemoUser("chen", "chen-demo-pass", "Chen Wei", Role.forecaster, "Africa desk"),
)


@dataclass(frozen=True)
class SampleQuestion:
    """A question, its timeline in days relative to loading, and how it turned out."""

    title: str
    criteria: str
    quote: str
    tags: tuple[str, ...]
    opened: int
    closes: int
    signal: float
    outcome: Outcome | None = None
    published: bool = True


QUESTIONS = (
    SampleQuestion(
        "Will Mali's transitional authorities hold a constitutional referendum before the "
        "end of the quarter?",
        "YES if a nationwide referendum vote takes place, as reported by Mali's electoral "
        "authority or two major wire services.",
        "Mali's transitional authorities have postponed the promised elections once more.",
        ("Mali", "Sahel", "Elections"), -70, -14, 0.3, Outcome.no),
    SampleQuestion(
        "If Mali holds a referendum, will protests in Bamako cause at least one death within "
        "its week?",
        "YES if ACLED or a wire service reports a protest-related death in Bamako in the seven "
        "days after the vote. Annulled if no referendum is held.",
        "If the junta calls a referendum on a new charter, protests in Bamako will probably "
        "turn violent.",
        ("Mali", "Sahel"), -70, -14, 0.6, Outcome.annulled),
    SampleQuestion(
        "Will insurers raise Black Sea war-risk premiums again before the end of the month?",
        "YES if Lloyd's List or the Joint War Committee reports a further increase in listed "
        "war-risk rates for Black Sea ports.",
        "Insurers raised war-risk premiums for Black Sea routes twice last month.",
        ("Black Sea", "Shipping", "Insurance"), -63, -21, 0.65, Outcome.yes),
    SampleQuestion(
        "Will Finland or Estonia attribute the recent cable damage to a state actor within "
        "six weeks?",
        "YES if either government publicly attributes either incident to a state or "
        "state-directed actor.",
        "Investigators have not yet attributed either incident.",
        ("Baltic", "Finland", "Estonia"), -63, -20, 0.3, Outcome.no),
    SampleQuestion(
        "Will Odesa-corridor grain shipments exceed 6 million tonnes in a single month this "
        "quarter?",
        "YES if the Ukrainian Grain Association or the Ministry of Agrarian Policy reports "
        "monthly corridor exports above 6.0 Mt.",
        "Grain shipments through the Odesa corridor nevertheless reached their highest monthly "
        "volume this year.",
        ("Black Sea", "Ukraine", "Food security"), -56, -18, 0.6, Outcome.yes),
    SampleQuestion(
        "Will Estonia request NATO Article 4 consultations over a Baltic Sea incident?",
        "YES if Estonia formally invokes Article 4 of the North Atlantic Treaty, per NATO's "
        "press releases.",
        "Two undersea data cables between Finland and Estonia were damaged in separate "
        "incidents in recent weeks.",
        ("Baltic", "NATO", "Estonia"), -49, -3, 0.15),
    SampleQuestion(
        "Will ECOWAS readmit Mali, Burkina Faso or Niger before the end of the year?",
        "YES if an ECOWAS summit communiqué readmits any of the three states as full members.",
        "ECOWAS will almost certainly not readmit Mali, Burkina Faso or Niger before the end "
        "of the year.",
        ("Sahel", "ECOWAS", "Mali"), 0, 40, 0.03, published=False),
)

RATIONALES = (
    "Base rate from the last two years, adjusted for this month's reporting.",
    "New wire reports since my last update; moving towards the briefing's view.",
    "Signposts I am watching have not moved; small adjustment only.",
    "Status quo usually wins over this horizon.",
)


def briefing_text() -> str:
    """The sample briefing the questions were drawn from."""
    return resources.files("forecasts").joinpath("data/sample_briefing.txt").read_text("utf-8")


def load(session: Session, *, now: datetime, seed: int = 7) -> bool:
    """Create the demo users, questions, forecasts and resolutions; False if already there."""
    if accounts.find_user(session, "manager") is not None:
        return False
    people = _create_users(session, now - timedelta(days=90))
    manager = people["manager"]
    forecasters = [people[u.username] for u in DEMO_USERS if u.role is Role.forecaster]
    rng = random.Random(seed)
    for question, stated in _publish_briefing(session, manager, now):
        _forecast(session, question, stated, forecasters, rng, now)
    for spec in QUESTIONS:
        question = _create_question(session, spec, manager, now)
        if spec.published:
            _forecast(session, question, spec.signal, forecasters, rng, now)
        if spec.outcome is not None:
            resolution.resolve(
                session, question, outcome=spec.outcome, actor=manager,
                note="Resolved from the sources named in the criteria.",
                now=question.closes_at + timedelta(days=2),
            )
    return True


def _publish_briefing(session: Session, manager: User,
                      now: datetime) -> list[tuple[Question, float]]:
    """Import the briefing, accept and publish its drafts through the domain, as a manager would.

    Left pending for the review page: drafts the hand-made questions already ask (the same
    quoted sentence), drafts that name no date, and any that would close within a week of
    ``now`` (the horizons count from the briefing's date). Returns each published question
    with its stated probability.
    """
    dated = now - BRIEFING_AGE
    briefing = briefings.import_briefing(
        session, briefing_text(), published=dated.date(), publication=SOURCE_NAME,
        importer=manager, now=dated,
    )
    asked = {spec.quote for spec in QUESTIONS}
    stated = {}
    for draft in briefings.drafts(session, briefing):
        if draft.quote in asked or draft.date_needed or draft.probability is None \
                or draft.closes_at <= now + timedelta(days=7):
            continue
        briefings.accept_draft(session, draft, actor=manager)
        stated[draft.id] = draft.probability
    if not stated:
        return []
    published = briefings.publish_accepted(session, briefing, actor=manager,
                                           now=dated + timedelta(hours=2))
    return [(question, stated[question.briefing_draft_id]) for question in published]


def _create_users(session: Session, when: datetime) -> dict[str, User]:
    people = {}
    for demo in DEMO_USERS:
        team = None
        if demo.team:
            team = accounts.find_team(session, demo.team) or accounts.create_team(
                session, demo.team, now=when)
        people[demo.username] = accounts.create_user(
            session, username=demo.username, password=demo.password,
            display_name=demo.display_name, role=demo.role, team=team, now=when)
    return people


def _create_question(
    session: Session, spec: SampleQuestion, manager: User, now: datetime
) -> Question:
    day = now.replace(hour=12, minute=0, second=0, microsecond=0)
    opens = day + timedelta(days=spec.opened)
    data = QuestionCreate(
        title=spec.title,
        description=f"Drawn from the sample briefing in {SOURCE_NAME}.",
        resolution_criteria=spec.criteria,
        opens_at=opens,
        closes_at=day + timedelta(days=spec.closes),
        resolve_by=day + timedelta(days=spec.closes + 14),
        source_name=SOURCE_NAME,
        source_quote=spec.quote,
        tags=list(spec.tags),
    )
    question = questions.create_question(session, data, author=manager, now=opens)
    if spec.published:
        questions.publish_question(session, question, actor=manager, now=opens)
    return question


def _forecast(
    session: Session,
    question: Question,
    signal: float,
    forecasters: list[User],
    rng: random.Random,
    now: datetime,
) -> None:
    """Each forecaster updates one to four times between opening and close (or today)."""
    end = min(question.closes_at, now)
    span = (end - question.opens_at).total_seconds()
    for person in forecasters:
        updates = rng.randint(1, 4)
        moments = sorted(rng.uniform(0.02, 0.98) * span for _ in range(updates))
        for offset in moments:
            probability = min(0.97, max(0.03, rng.gauss(signal, 0.12)))
            forecasting.submit_forecast(
                session, question, forecaster=person, probability=round(probability, 2),
                rationale=rng.choice(RATIONALES),
                now=question.opens_at + timedelta(seconds=offset),
            )

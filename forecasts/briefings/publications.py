"""Publications: whose judgments a briefing states, with their aliases, authors and forecaster.

A briefing's judgments belong to its publication (and the author in its byline), never to the
sources its ``Source:`` lines cite. Each publication has exactly one pseudo-forecaster,
"<name> (stated)" (a user of kind ``publication`` that cannot sign in), which carries every stated
forecast of every issue, so each term's track record builds up across issues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from forecasts import bounds
from forecasts.briefings.criteria import draft_criteria
from forecasts.errors import Conflict, NotFound, ValidationFailed
from forecasts.models import (
    Briefing,
    BriefingDraft,
    DraftState,
    Publication,
    PublicationAlias,
    PublicationAuthor,
    User,
    UserKind,
)

STATED = " (stated)"
MAX_NAME = 200


def clean_name(name: str) -> str:
    """The name with its spaces collapsed; raises ValidationFailed if empty or too long."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationFailed({"publication": "Name the publication."})
    if len(cleaned) > MAX_NAME:
        raise ValidationFailed({"publication": f"Use at most {MAX_NAME} characters "
                                               f"(this is {len(cleaned)})."})
    bounds.check_texts({"publication": (cleaned, bounds.PUBLICATION)})
    return cleaned


def find_publication(session: Session, name: str) -> Publication | None:
    """The publication called ``name`` or known by it as an alias (case ignored), if any."""
    key = " ".join(name.split()).lower()
    if not key:
        return None
    found = session.exec(select(Publication).where(func.lower(Publication.name) == key)).first()
    if found is not None:
        return found
    alias = session.exec(
        select(PublicationAlias).where(func.lower(PublicationAlias.alias) == key)).first()
    return session.get(Publication, alias.publication_id) if alias is not None else None


def publication_for(session: Session, name: str, *, now: datetime,
                    also_known_as: str | None = None) -> Publication:
    """The publication called ``name`` (or by that alias), created with its forecaster if new.

    ``also_known_as`` (e.g. the masthead's wording) is recorded as an alias when no other
    publication uses it. Raises ValidationFailed for an empty or over-long name. Flushes, does
    not commit.
    """
    publication = find_publication(session, name)
    if publication is None:
        publication = Publication(name=clean_name(name),
                                  forecaster_id=_new_forecaster(session, clean_name(name), now).id,  # type: ignore[arg-type]
                                  created_at=now)
        session.add(publication)
        session.flush()
    if also_known_as:
        add_alias(session, publication, also_known_as)
    return publication


def add_alias(session: Session, publication: Publication, alias: str) -> None:
    """Record another name for the publication, unless it is its name or anyone's already."""
    cleaned = bounds.shorten(" ".join(alias.split()), bounds.PUBLICATION)
    if not cleaned or find_publication(session, cleaned) is not None:
        return
    session.add(PublicationAlias(publication_id=publication.id, alias=cleaned))  # type: ignore[arg-type]
    session.flush()


def record_author(session: Session, publication: Publication,
                  name: str | None) -> PublicationAuthor | None:
    """The author from a byline, remembered per publication; None when there is no byline."""
    cleaned = bounds.shorten(" ".join((name or "").split()), bounds.AUTHOR)
    if not cleaned:
        return None
    query = select(PublicationAuthor).where(PublicationAuthor.publication_id == publication.id,
                                            PublicationAuthor.name == cleaned)
    author = session.exec(query).first()
    if author is None:
        author = PublicationAuthor(publication_id=publication.id,  # type: ignore[arg-type]
                                   name=cleaned)
        session.add(author)
        session.flush()
    return author


def forecaster_of(session: Session, publication: Publication) -> User:
    """The publication's pseudo-forecaster, which carries its stated forecasts."""
    user = session.get(User, publication.forecaster_id)
    assert user is not None  # a foreign key, never deleted
    return user


def _new_forecaster(session: Session, name: str, now: datetime) -> User:
    """A user that cannot sign in (its password hash matches no password)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:28] or "publication"
    username, n = f"pub-{slug}", 1
    while session.exec(select(User.id).where(User.username == username)).first() is not None:
        n += 1
        username = f"pub-{slug}-{n}"
    # the display name is the service's own text: shortened visibly, never cut mid-word
    display = bounds.shorten(name, bounds.TextLimit(bounds.DISPLAY_NAME.max_length - len(STATED)))
    user = User(username=username, display_name=display + STATED,
                password_hash="!", kind=UserKind.publication, created_at=now)
    session.add(user)
    session.flush()
    return user


@dataclass(frozen=True)
class PublicationSummary:
    """A publication with its aliases, the authors seen in its bylines and its briefings."""

    publication: Publication
    aliases: list[str]
    authors: list[str]
    briefings: int


def list_publications(session: Session) -> list[PublicationSummary]:
    """Every publication by name, with aliases, authors and how many briefings it has."""
    aliases: dict[int, list[str]] = {}
    for alias in session.exec(select(PublicationAlias).order_by(col(PublicationAlias.alias))):
        aliases.setdefault(alias.publication_id, []).append(alias.alias)
    authors: dict[int, list[str]] = {}
    for author in session.exec(select(PublicationAuthor).order_by(col(PublicationAuthor.name))):
        authors.setdefault(author.publication_id, []).append(author.name)
    counts = dict(session.exec(select(Briefing.publication_id, func.count())
                               .group_by(col(Briefing.publication_id))).all())
    publications = session.exec(select(Publication).order_by(func.lower(Publication.name)))
    return [PublicationSummary(p, aliases.get(p.id, []), authors.get(p.id, []),  # type: ignore[arg-type]
                               counts.get(p.id, 0)) for p in publications]


def get_publication(session: Session, publication_id: int) -> Publication:
    """The publication; raises NotFound."""
    publication = session.get(Publication, publication_id)
    if publication is None:
        raise NotFound("No such publication.")
    return publication


def set_briefing_publication(session: Session, briefing: Briefing, name: str, *,
                             now: datetime) -> Publication:
    """Credit the briefing (and its author) to another publication, found or created by name.

    The name the briefing was credited to before is kept as an alias of the new one, so the next
    issue is recognised. Raises Conflict once any draft is published (its stated forecasts are
    already credited), ValidationFailed for an empty or over-long name.
    """
    published = session.exec(select(BriefingDraft.id).where(
        BriefingDraft.briefing_id == briefing.id,
        BriefingDraft.state == DraftState.published)).first()
    if published is not None:
        raise Conflict("Questions from this briefing are published with their stated forecasts; "
                       "the publication can no longer change.")
    previous = session.get(Publication, briefing.publication_id) if briefing.publication_id \
        else None
    publication = publication_for(session, name, now=now)
    if previous is not None and previous.id != publication.id:
        _fold_if_unused(session, previous, briefing, into=publication)
    author = record_author(session, publication, briefing.author)
    briefing.publication_id, briefing.publication = publication.id, publication.name
    briefing.author_id = author.id if author else None
    session.add(briefing)
    for draft in session.exec(select(BriefingDraft).where(
            BriefingDraft.briefing_id == briefing.id,
            col(BriefingDraft.criteria_edited).is_(False))):
        # generated criteria quote the publication: they follow it (hand-written ones stay)
        draft.resolution_criteria = bounds.shorten(draft_criteria(draft, publication.name),
                                                   bounds.CRITERIA)
        session.add(draft)
    session.flush()
    return publication


def _fold_if_unused(session: Session, previous: Publication, briefing: Briefing, *,
                    into: Publication) -> None:
    """A publication created by this import alone (a guess the manager corrected) is removed,
    and its name kept as an alias of the right one, so the next issue is credited right."""
    others = session.exec(select(Briefing.id).where(Briefing.publication_id == previous.id,
                                                    Briefing.id != briefing.id)).first()
    if others is not None:
        return
    names = [previous.name, *session.exec(select(PublicationAlias.alias).where(
        PublicationAlias.publication_id == previous.id))]
    forecaster = session.get(User, previous.forecaster_id)
    briefing.publication_id = None
    briefing.author_id = None
    session.add(briefing)
    session.flush()
    for author in session.exec(select(PublicationAuthor).where(
            PublicationAuthor.publication_id == previous.id)):
        session.delete(author)
    for alias in session.exec(select(PublicationAlias).where(
            PublicationAlias.publication_id == previous.id)):
        session.delete(alias)
    session.delete(previous)
    session.flush()
    if forecaster is not None:
        session.delete(forecaster)
        session.flush()
    for name in names:
        add_alias(session, into, name)

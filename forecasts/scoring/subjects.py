"""Who and what a dashboard or leaderboard can be drawn for: people, teams, tags, publications."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from forecasts.models import QuestionTag, Tag, Team, User, UserKind


@dataclass(frozen=True)
class Choices:
    """What a dashboard can be drawn for: (id, name) pairs."""

    forecasters: list[tuple[int, str]]
    teams: list[tuple[int, str]]
    tags: list[tuple[int, str]]
    publications: list[tuple[int, str]]


def choices(session: Session) -> Choices:
    """People, teams, tags and publications, by name."""
    users = session.exec(select(User.id, User.display_name, User.kind)
                         .order_by(col(User.display_name))).all()
    teams = session.exec(select(Team.id, Team.name).order_by(col(Team.name))).all()
    tags = session.exec(select(Tag.id, Tag.name).order_by(col(Tag.name))).all()
    # ids read back from a table are never None, though the models declare them Optional
    return Choices(
        forecasters=[(i, n) for i, n, kind in users if kind == UserKind.person],  # type: ignore[misc]
        teams=[(i, n) for i, n in teams],  # type: ignore[misc]
        tags=[(i, n) for i, n in tags],  # type: ignore[misc]
        publications=[(i, n) for i, n, kind in users if kind == UserKind.publication],  # type: ignore[misc]
    )


def member_ids(session: Session, team_id: int) -> list[int]:
    """Ids of the team's members."""
    return list(session.exec(select(User.id).where(User.team_id == team_id)).all())  # type: ignore[arg-type]


def tagged_question_ids(session: Session, tag_id: int) -> list[int]:
    """Ids of the questions carrying the tag."""
    return list(session.exec(select(QuestionTag.question_id)
                             .where(QuestionTag.tag_id == tag_id)).all())

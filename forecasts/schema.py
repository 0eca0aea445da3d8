"""Bringing a database's schema up to date with the Alembic migrations.

The migrations ship inside this package (``forecasts/migrations``, the repository's top-level
``migrations/`` folder), so an installed wheel migrates its own database without a checkout.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import Engine

# Alembic is imported where it is used: with mako and pygments under it, it costs about 0.1 s of
# CPU, which every web worker and every CLI call would pay at start while most never migrate.
if TYPE_CHECKING:
    from alembic.config import Config


class MigrationRefused(RuntimeError):
    """A migration stopped itself and was rolled back; the message says what the operator must
    do first (shorten over-long values, repair rows pointing nowhere). The `forecasts` command
    shows it as one line."""


def alembic_config(database_url: str) -> Config:
    """Alembic's configuration for one database, with the packaged migration scripts."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("forecasts") / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Apply every migration up to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def pending(engine: Engine) -> bool:
    """True when the database is behind the newest migration."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return set(current) != set(script.get_heads())


@functools.cache
def expected_heads() -> frozenset[str]:
    """The newest migration ids in migrations/ (read the scripts once per process).

    The scripts ship inside the package and do not change while it runs; parsing them costs
    about 0.1 s, which every app built in one process (each test's, each worker's) would repeat.
    """
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(""))
    return frozenset(script.get_heads())


def is_current(engine: Engine, heads: frozenset[str]) -> bool:
    """True when the database stands at ``heads``: one small query, no script parsing."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) == set(heads)


def unknown_revisions(engine: Engine) -> list[str]:
    """The revisions the database is stamped with that no migration here defines (newer code
    migrated it, or another branch's); empty when every stamp is known."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(""))
    known = {revision.revision for revision in script.walk_revisions()}
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return sorted(set(current) - known)

"""`python -m jobs`: run the scheduler in the foreground until SIGTERM or Ctrl-C."""

from __future__ import annotations

import logging
import signal
import sys

from sqlalchemy.exc import DBAPIError

from forecasts import db_errors, schema
from forecasts.clock import SystemClock
from forecasts.config import ConfigError, Settings
from forecasts.db import make_engine
from forecasts.notifications.mail import make_mailer
from forecasts.resolution.fetching import Fetcher
from forecasts.scheduling.catalogue import Context
from jobs.scheduler import build


class NotReady(Exception):
    """The scheduler cannot start; the message says why."""


def serve(settings: Settings) -> None:
    """Run the scheduler until stopped; raises NotReady when the schema is behind."""
    engine = make_engine(settings)
    try:
        if schema.pending(engine):
            unknown = schema.unknown_revisions(engine)
            raise NotReady(db_errors.newer_code(unknown) if unknown else
                           "The database schema is behind; run `forecasts db upgrade` first.")
        ctx = Context(engine=engine, clock=SystemClock(), mailer=make_mailer(settings),
                      fetcher=Fetcher(allowed=settings.source_allowed_networks),
                      public_url=settings.public_url)
        runner = build(ctx)
        # SIGTERM (systemd, make, a supervisor) stops cleanly so the lease is handed over at once.
        signal.signal(signal.SIGTERM, lambda *_: runner.scheduler.shutdown(wait=False))
        logging.getLogger(__name__).info("Scheduler starting as %s", runner.holder)
        try:
            runner.scheduler.start()
        except KeyboardInterrupt:
            pass
        finally:
            runner.release()
            ctx.fetcher.close()
    finally:
        engine.dispose()


def main() -> int:
    """Entry point; exit status 2 with a one-line message for bad configuration or a database
    the deployment got wrong (unreachable, never migrated)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    try:
        serve(settings)
    except NotReady as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    except DBAPIError as error:
        reason = db_errors.explain(error, settings.database_url)
        if reason is None:
            raise
        print(f"Error: {reason}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

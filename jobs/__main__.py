"""`python -m jobs`: run the scheduler in the foreground until SIGTERM or Ctrl-C."""

from __future__ import annotations

import logging
import signal
import sys

from forecasts import schema
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
            raise NotReady("The database schema is behind; run `forecasts db upgrade` first.")
        ctx = Context(engine=engine, clock=SystemClock(), mailer=make_mailer(settings),
                      fetcher=Fetcher(allowed=settings.source_allowed_networks))
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
    """Entry point; exit status 2 with a one-line message for bad configuration."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        serve(Settings.from_env())
    except (ConfigError, NotReady) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""gunicorn settings; every value can be overridden on the command line or by the environment."""

import os
import sys

from forecasts.config import ConfigError, Settings

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"
# The scheduler runs as its own process (see jobs/), never inside a web worker.
preload_app = False
# The first request after a resolution recomputes every score; on a million forecasts that takes
# tens of seconds, longer than gunicorn's default 30 s worker timeout.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "180"))


def on_starting(server) -> None:  # type: ignore[no-untyped-def]
    """Refuse to start with bad settings (the development secret, say): message, exit status 2.

    Workers would refuse too, but gunicorn would only say "Worker failed to boot".
    """
    try:
        Settings.from_env().check_secret()
    except ConfigError as error:
        print(f"Not starting: {error}", file=sys.stderr)
        sys.exit(2)

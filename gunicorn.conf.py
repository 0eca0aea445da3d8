"""gunicorn settings; every value can be overridden on the command line or by the environment."""

import sys

from forecasts.config import ConfigError, ServerSettings, Settings

try:
    # HOST, PORT, WEB_CONCURRENCY and GUNICORN_TIMEOUT, parsed as strictly as every setting
    server = ServerSettings.from_env()
except ConfigError as error:
    print(f"Not starting: {error}", file=sys.stderr)
    sys.exit(2)

bind = server.bind
workers = server.web_concurrency
accesslog = "-"
# The scheduler runs as its own process (see jobs/), never inside a web worker.
preload_app = False
# Scores are stored per question at resolution time, so no request waits for the whole book;
# gunicorn's default 30 s worker timeout holds.
timeout = server.gunicorn_timeout


def on_starting(server) -> None:  # type: ignore[no-untyped-def]
    """Refuse to start with bad settings (the development secret, say): message, exit status 2.

    Workers would refuse too, but gunicorn would only say "Worker failed to boot".
    """
    try:
        Settings.from_env().check_secret()
    except ConfigError as error:
        print(f"Not starting: {error}", file=sys.stderr)
        sys.exit(2)

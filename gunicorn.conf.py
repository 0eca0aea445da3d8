"""gunicorn settings; every value can be overridden on the command line or by the environment."""

import gc
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
# gunicorn's control socket (for `gunicornc`) has one path per user, ~/.gunicorn/gunicorn.ctl:
# each server started on a machine would take it from the one before, and stopping any would
# remove another's. Nothing here uses it.
control_socket_disable = True
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


def post_worker_init(worker) -> None:  # type: ignore[no-untyped-def]
    """Take the loaded app's objects out of the garbage collector's full collections.

    A worker holds a few hundred thousand long-lived objects (Flask, SQLAlchemy, pandas and
    their modules); a full collection walks them all, 55-100 ms that land on whichever request
    set it off (benchmarks/README.md, fourth round). They live as long as the worker, so
    `gc.freeze()` moves them to the permanent generation once, after the app has loaded.
    """
    gc.freeze()

"""gunicorn settings; every value can be overridden on the command line or by the environment."""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"
# The scheduler runs as its own process (see jobs/), never inside a web worker.
preload_app = False
# Scores are stored per question at resolution time, so no request waits for the whole book;
# gunicorn's default 30 s worker timeout holds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))

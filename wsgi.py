"""The app for gunicorn: `gunicorn wsgi:app` (settings from the environment)."""

import logging

from web import create_app

# The workers' own messages (the console mailer's emails among them) go to gunicorn's stderr.
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
app = create_app()

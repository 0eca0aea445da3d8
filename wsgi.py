"""The app for gunicorn: `gunicorn wsgi:app` (settings from the environment)."""

import logging

from web import create_app

# The workers' own messages (the console mailer's emails among them) go to gunicorn's stderr.
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
# Alembic reports its plugins and its context at INFO each time /healthz reads the schema's
# revision: with a load balancer polling, thousands of lines a day that say nothing.
logging.getLogger("alembic").setLevel(logging.WARNING)
app = create_app()

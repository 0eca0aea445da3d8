"""The jobs' tests share the real local SMTP server (tests/support/smtp.py)."""

from tests.support.smtp import Inbox, smtp_server  # noqa: F401  (fixture, and its handler)

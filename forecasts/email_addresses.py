"""Email addresses, checked by email-validator: the one rule for every address the service takes.

The profile and admin forms and the CLI (through ``accounts.profile.clean_email``), the
password-reset look-up and the ``MAIL_FROM`` setting all come here, so an address refused in one
place is refused in all of them (the API and the imports take no addresses). Deliverability
(a DNS look-up) is never checked: a form must not wait on DNS, and the mail server reports
bounces.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


class AddressRefused(ValueError):
    """Not an email address; the message says why, in the library's words."""


def normalise_email(raw: str) -> str:
    """A recipient's address, trimmed, normalised and lower-cased; raises AddressRefused.

    Addresses are compared lower-cased (one account per address whatever its case), so they are
    stored that way. Non-ASCII local parts are refused: they need SMTPUTF8, which many mail
    servers lack, and the mail would silently not arrive.
    """
    try:
        checked = validate_email(raw.strip(), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise AddressRefused(str(error)) from None
    return checked.normalized.lower()


def sender_address(raw: str) -> str:
    """The service's own From address, trimmed and normalised; raises AddressRefused.

    Unlike a recipient's, it may be on an internal mail domain (``desk@mailhost``,
    ``desk@forecasts.test``): the operator's mail server decides what it relays.
    """
    try:
        checked = validate_email(raw.strip(), check_deliverability=False, allow_smtputf8=False,
                                 globally_deliverable=False, test_environment=True)
    except EmailNotValidError as error:
        raise AddressRefused(str(error)) from None
    return checked.normalized

"""One rule for email addresses (email-validator), wherever an address comes in."""

from __future__ import annotations

import pytest

from forecasts.accounts import profile
from forecasts.email_addresses import AddressRefused, normalise_email, sender_address
from forecasts.errors import ValidationFailed


@pytest.mark.parametrize("raw", ["nobody", "a@@example.org", "a@example", "a@b..org",
                                 "a b@example.org", "a@localhost", "a@example.test",
                                 "Ana <ana@example.org>", "ünïcode@example.org",
                                 "a@-example.org", "." + "a" * 70 + "@example.org"])
def test_what_is_not_an_address_is_refused_with_the_reason(raw):
    with pytest.raises(AddressRefused) as refused:
        normalise_email(raw)
    assert str(refused.value)  # the library's reason, shown to the user
    with pytest.raises(ValidationFailed) as failed:
        profile.clean_email(raw)
    assert "name@example.org" in failed.value.fields["email"]


def test_addresses_are_stored_in_one_form():
    assert normalise_email("  Finn@Example.ORG ") == "finn@example.org"
    assert profile.clean_email("Finn@Example.ORG") == "finn@example.org"
    assert profile.clean_email("   ") is None
    # an internationalised domain is fine; mail servers reach it through its ASCII form
    assert normalise_email("ana@bücher.example.org") == "ana@bücher.example.org"


def test_the_sender_may_be_on_an_internal_mail_domain():
    assert sender_address("desk@forecasts.test") == "desk@forecasts.test"
    assert sender_address("desk@mailhost") == "desk@mailhost"
    with pytest.raises(AddressRefused):
        sender_address("desk")

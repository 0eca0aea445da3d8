"""Password rules and hashing, after NIST SP 800-63B §5.1.1.2 (memorized secrets).

The rules are the guideline's: at least 10 characters (it asks for at least 8; we take 10),
long passphrases allowed (up to 256 characters), no composition rules, and a refusal of
passwords found in a list of commonly used ones. That list is the 30,000 most common passwords
shipped with the ``zxcvbn`` package (from leaked password sets), compared case-insensitively.
"""

from __future__ import annotations

from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from forecasts import bounds
from forecasts.errors import ValidationFailed

MIN_LENGTH = 10
MAX_LENGTH = bounds.PASSWORD.max_length  # 256: any passphrase, yet hashing stays cheap
RULES = f"At least {MIN_LENGTH} characters, not a commonly used password and not your username."


@cache
def _common() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password(password: str, *, username: str = "") -> None:
    """Refuse a password that breaks the rules above; raises ValidationFailed on "password"."""
    if len(password) < MIN_LENGTH:
        problem = f"Use at least {MIN_LENGTH} characters; a few words make a good password."
    elif len(password) > MAX_LENGTH:
        problem = f"Use at most {MAX_LENGTH} characters."
    elif password.lower() in _common():
        problem = "This is one of the most commonly used passwords; choose another."
    elif username and password.strip().lower() == username.strip().lower():
        problem = "Do not use your username as your password."
    else:
        return
    raise ValidationFailed({"password": problem})


def hash_password(password: str, *, username: str = "") -> str:
    """The stored hash of an acceptable password; raises ValidationFailed (see check_password)."""
    check_password(password, username=username)
    return generate_password_hash(password)


@cache
def _dummy_hash() -> str:
    # Same method and cost as real hashes, so checking it takes as long as a real check.
    return generate_password_hash("not-anyone's-password")


def verify(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches ``password_hash``.

    With no usable hash (an unknown user, a publication) it still checks a dummy hash and
    returns False, so the time taken does not tell which usernames exist.
    """
    if not password_hash or "$" not in password_hash:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)

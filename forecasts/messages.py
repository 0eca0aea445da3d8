"""Messages people read: field messages joined as sentences, counts with their nouns.

The one formatter from a domain error's or a form's field messages to text a person reads:
"Source not saved. Give an http:// or https:// address. Give a JSON Pointer …", never
"url: …; pointer: …". Every message is written to stand alone beside its field, so the field's
name is not repeated in front of it.
"""

from __future__ import annotations

from collections.abc import Iterable

_ENDINGS = (".", "!", "?", "…", ":")


def sentence(text: str) -> str:
    """``text`` trimmed, with a capital first letter and a full stop unless it ends in one."""
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    # a closing quote or bracket after the stop ends the sentence too: (as "this.")
    last = text.rstrip("”’\")'")
    return text if last.endswith(_ENDINGS) else text + "."


def sentences(messages: Iterable[str], *, lead: str = "") -> str:
    """The messages as sentences, each once, in order, after an optional lead sentence."""
    parts: list[str] = [sentence(lead)] if lead.strip() else []
    for message in messages:
        written = sentence(message)
        if written and written not in parts:
            parts.append(written)
    return " ".join(parts)


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``1 failed check``, ``3 failed checks``: the count with its noun in the right number."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def with_article(word: str) -> str:
    """``a manager``, ``an admin``: the indefinite article by the word's first letter."""
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def source_failures(failures: int, status: int | None, error: str | None) -> str:
    """One sentence for a source's failed checks in a row, its HTTP status said once.

    ``(1, 404, "HTTP 404")`` → "1 failed check in a row: HTTP 404."
    """
    reason = (error or "").strip()
    if status and f"HTTP {status}" not in reason:
        reason = f"HTTP {status}" + (f", {reason}" if reason else "")
    head = counted(failures, "failed check") + " in a row"
    return sentence(f"{head}: {reason}" if reason else head)


def percent(probability: float | None) -> str:
    """0.305 → '30.5 %'; one decimal at most, as forecasters enter them."""
    if probability is None:
        return "—"
    return f"{probability * 100:.1f}".removesuffix(".0") + " %"


def score(value: float | None) -> str:
    """A Brier or log score to three decimals; a dash when there is none."""
    return "—" if value is None or value != value else f"{value:.3f}"  # NaN != NaN

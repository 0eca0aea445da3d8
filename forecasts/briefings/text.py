"""Briefing input: bytes to text, HTML to text, and the refusals (empty, binary, too large)."""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, Comment, MarkupResemblesLocatorWarning

MAX_BRIEFING_BYTES = 2 * 1024 * 1024


class BriefingError(ValueError):
    """The briefing cannot be read: empty, binary or undecodable, or too large."""


_HTML_SNIFF = re.compile(r"^\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b)|<(?:p|div|h[1-6]|br)\b",
                         re.IGNORECASE)
_BLOCK_TAGS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article",
               "header", "footer", "blockquote", "pre", "title", "table", "ul", "ol", "dd", "dt")
_INVISIBLE_TAGS = ("script", "style", "noscript", "template", "head", "svg", "iframe")


def decode_briefing(raw: bytes) -> str:
    """Decode an uploaded briefing (UTF-8, or UTF-16 with a byte-order mark); HTML becomes text.

    Raises BriefingError if it is larger than MAX_BRIEFING_BYTES, binary, or not valid text.
    """
    _check_size(len(raw))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _decode(raw, "utf-16")
    else:
        if b"\x00" in raw:
            raise BriefingError("This file looks binary (it contains NUL bytes); upload the "
                                "briefing as plain text or HTML.")
        text = _decode(raw, "utf-8-sig")
    _check_text(text)
    return html_to_text(text) if looks_like_html(text) else text


def looks_like_html(text: str) -> bool:
    """True when the text is an HTML document or fragment rather than plain text."""
    return bool(_HTML_SNIFF.search(text[:4096]))


def html_to_text(html: str) -> str:
    """The visible text of an HTML page, one block element a line; scripts and styles dropped."""
    with warnings.catch_warnings():
        # A short fragment such as "report.html" makes bs4 warn that it resembles a file name.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(html, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup.find_all(_INVISIBLE_TAGS):
        tag.decompose()
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = [" ".join(line.split()) for line in soup.get_text().splitlines()]
    lines = [line for line in lines if line]
    if title and not soup.find("h1"):
        lines.insert(0, title)
    return "\n".join(lines)


def _decode(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise BriefingError(
            f"This file is not readable text (byte {error.start} is not valid "
            f"{encoding.upper()}); save the briefing as UTF-8 and try again."
        ) from None


def _check_size(size: int) -> None:
    if size > MAX_BRIEFING_BYTES:
        limit = MAX_BRIEFING_BYTES // (1024 * 1024)
        raise BriefingError(
            f"This briefing is {size / 1024 / 1024:.1f} MB; the limit is {limit} MB. "
            "Split it and import the parts."
        )


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise BriefingError("This text contains NUL characters, so it looks binary; paste or "
                            "upload the briefing as plain text or HTML.")
    if not text.strip():
        raise BriefingError("The briefing is empty: there is no text to read.")


def validated_text(text: str | bytes) -> str:
    if isinstance(text, bytes):
        return decode_briefing(text)
    if len(text) > MAX_BRIEFING_BYTES:
        _check_size(len(text))
    _check_size(len(text.encode("utf-8", errors="surrogatepass")))
    _check_text(text)
    return html_to_text(text) if looks_like_html(text) else text


"""Briefing input: bytes, HTML and Markdown to plain text, and the refusals.

HTML goes through lexbor (selectolax), Markdown through markdown-it's CommonMark rules (the Rust
port, markdown-it-pyrs: the Python port reads about 0.15 MB/s, too slow for a 2 MB upload) and
then the same HTML path, so ``**probably not**`` reads as "probably not". A briefing is refused
(:class:`BriefingError`) when it is empty, binary, undecodable, over ``MAX_BRIEFING_BYTES``, or
HTML nested deeper than ``MAX_HTML_DEPTH``: HTML tree builders spend time growing with the
square of the nesting depth, so a 150 KB tower of ``<div>`` would hold a worker for minutes.
The depth is counted by one linear scan of the tags before any tree is built.

What a reader does not see is not read: hidden elements (``hidden``, ``aria-hidden``, inline
``display: none`` such as an email's preheader), struck-out text (``<s>``, ``<del>``, Markdown's
``~~``) and footnote markers. A Markdown file's YAML front matter gives its title and author.
"""

from __future__ import annotations

import re

import yaml  # type: ignore[import-untyped]  # no stubs installed (types-PyYAML would be)
from markdown_it_pyrs import MarkdownIt
from selectolax.lexbor import LexborHTMLParser

MAX_BRIEFING_BYTES = 2 * 1024 * 1024
# Real pages nest a few dozen elements deep; past this the parser's cost runs away.
MAX_HTML_DEPTH = 400


class BriefingError(ValueError):
    """The briefing cannot be read: empty, binary or undecodable, too large or too deeply nested."""


_HTML_SNIFF = re.compile(r"^\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b)|<(?:p|div|h[1-6]|br)\b",
                         re.IGNORECASE)
_MARKDOWN_SNIFF = re.compile(
    r"^#{1,6}\s+\S|\*\*[^*\n]+\*\*|__[^_\n]+__|(?<![\w*])\*[^*\s][^*\n]*\*(?![\w*])|"
    r"\[[^\]\n]+\]\([^)\s]+\)|^>\s",
    re.MULTILINE,
)
_BLOCK_TAGS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article",
               "header", "footer", "blockquote", "pre", "table", "ul", "ol", "dd", "dt", "br",
               "main", "aside", "figure", "figcaption", "address", "hr", "td", "th")
_INVISIBLE_TAGS = ("script", "style", "noscript", "template", "head", "svg", "iframe", "nav",
                   "form", "button", "select", "object", "canvas")
# Struck-out text and footnote markers: on the page, but not what the briefing says.
_UNREAD_TAGS = ("s", "del", "strike", "sup.footnote-ref", "section.footnotes", "hr.footnotes-sep",
                "[hidden]", '[aria-hidden="true"]', ".preheader")
_ALWAYS_DROPPED = ", ".join(_INVISIBLE_TAGS + _UNREAD_TAGS)
_NOT_READ = _ALWAYS_DROPPED + ", sup, [style]"
_HIDING_STYLE = re.compile(r"(?:display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all)",
                           re.IGNORECASE)
_TAG = re.compile(r"<(?P<close>/)?(?P<name>[a-zA-Z][a-zA-Z0-9-]{0,30})\b[^<>]*?(?P<self>/)?>")
# Elements that never hold children, or whose end tag the parser implies at the next sibling.
_NOT_NESTING = frozenset((
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead",
    "tbody", "tfoot", "colgroup", "rp", "rt", "caption", "html", "head", "body",
))
_FOREIGN = frozenset(("svg", "math"))
# CommonMark's rules without raw HTML, which is shown as text and never interpreted.
_MARKDOWN = MarkdownIt("zero").enable_many([
    "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
    "autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline",
    "strikethrough", "table", "footnote", "front_matter",
])
_FRONT_MATTER_START = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n")


def decode_briefing(raw: bytes) -> str:
    """Decode an uploaded briefing (UTF-8, or UTF-16 with a byte-order mark) to readable text.

    HTML and Markdown become plain text (see :func:`readable`). Raises BriefingError if it is
    larger than MAX_BRIEFING_BYTES, binary, not valid text or nested too deeply.
    """
    _check_size(len(raw))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _decode(raw, "utf-16")
    else:
        if b"\x00" in raw:
            raise BriefingError("This file looks binary (it contains NUL bytes); upload the "
                                "briefing as plain text, Markdown or HTML.")
        text = _decode(raw, "utf-8-sig")
    _check_text(text)
    return readable(text)


def validated_text(text: str | bytes) -> str:
    """The briefing as the parser reads it, from a string or an upload's bytes.

    Raises BriefingError as :func:`decode_briefing` does.
    """
    if isinstance(text, bytes):
        return decode_briefing(text)
    if len(text) > MAX_BRIEFING_BYTES:
        _check_size(len(text))
    _check_size(len(text.encode("utf-8", errors="surrogatepass")))
    _check_text(text)
    return readable(text)


def readable(text: str) -> str:
    """Plain text for the parser: HTML and Markdown converted, plain text kept as written."""
    if looks_like_html(text):
        return html_to_text(text)
    if looks_like_markdown(text):
        return markdown_to_text(text)
    return text


def looks_like_html(text: str) -> bool:
    """True when the text is an HTML document or fragment rather than plain text."""
    return bool(_HTML_SNIFF.search(text[:4096]))


def looks_like_markdown(text: str) -> bool:
    """True when the text uses Markdown markup: headings, emphasis, links or quotes."""
    return bool(_MARKDOWN_SNIFF.search(text))


def markdown_to_text(markdown: str) -> str:
    """The text of a Markdown document, one block a line; emphasis and links reduced to words.

    Raw HTML inside the Markdown is shown as text, never interpreted. A YAML front matter's
    ``title`` and ``author`` (or ``authors``) open the text as its masthead and byline.
    """
    text = html_to_text(_MARKDOWN.render(markdown))
    if _FRONT_MATTER_START.match(markdown):
        text = front_matter_lines(markdown) + text
    return text


def front_matter_lines(markdown: str) -> str:
    """The front matter's title and "By <author>" lines, or "" (none, or not YAML)."""
    tree = _MARKDOWN.tree(markdown)
    first = tree.children[0] if tree.children else None
    if first is None or first.name != "front_matter":
        return ""
    try:
        fields = yaml.safe_load(first.meta.get("content", ""))
    except yaml.YAMLError:
        return ""  # not YAML: nothing to learn from it, and it is not shown
    if not isinstance(fields, dict):
        return ""
    title, author = fields.get("title"), fields.get("author") or fields.get("authors")
    if isinstance(author, list):
        author = " and ".join(str(name) for name in author if isinstance(name, str))
    lines = [" ".join(value.split()) for value in (title,) if isinstance(value, str)]
    if isinstance(author, str) and author.strip():
        lines.append("By " + " ".join(author.split()))
    return "".join(f"{line}\n" for line in lines if line) + "\n" if lines else ""


def html_to_text(html: str) -> str:
    """The visible text of an HTML page, one block element a line; scripts, styles, navigation
    and comments dropped. Raises BriefingError for nesting deeper than MAX_HTML_DEPTH."""
    check_html_depth(html)
    page = LexborHTMLParser(html)
    title_node = page.css_first("title")
    title = " ".join(title_node.text().split()) if title_node is not None else ""
    # One pass over the tree for everything not read (each pass costs ~0.1 s on 2 MB).
    for node in page.css(_NOT_READ):
        if node.tag == "sup" and node.css_first("a") is None and "footnote-ref" not in (
                node.attributes.get("class") or ""):
            continue  # a superscript, not a footnote's marker ("2027.¹" is not "20271")
        if node.tag != "sup" and not _always_dropped(node) \
                and not _HIDING_STYLE.search(node.attributes.get("style") or ""):
            continue  # an element with a style that does not hide it
        node.decompose()
    root = page.body or page.root
    if root is None:
        return title
    if "<tr" in html or "<TR" in html:
        _rows_as_lines(root)
    for node in root.css(", ".join(_BLOCK_TAGS)):
        node.insert_before("\n")
        node.insert_after("\n")
    for node in root.css("h1, h2, h3, h4, h5, h6"):
        node.insert_after(f"\n{_AFTER_HEADING}\n")
    lines = [" ".join(line.split()) for line in root.text(separator="").splitlines()]
    # A blank line after each heading, as plain text sets one off: the layout ends a section there.
    lines = ["" if line == _AFTER_HEADING else line for line in lines if line]
    lines = [line for index, line in enumerate(lines) if line or (index and lines[index - 1])]
    if title and root.css_first("h1") is None:
        lines.insert(0, title)
    return "\n".join(lines)


_AFTER_HEADING = "\ue000"  # a private-use mark, where a heading ends, turned into a blank line
_DROPPED_TAGS = frozenset((*_INVISIBLE_TAGS, "s", "del", "strike"))


def _always_dropped(node) -> bool:  # type: ignore[no-untyped-def]
    """Whether the node itself (not a descendant) is one ``_ALWAYS_DROPPED`` names."""
    attributes = node.attributes
    classes = (attributes.get("class") or "").split()
    return (node.tag in _DROPPED_TAGS or "hidden" in attributes
            or (attributes.get("aria-hidden") or "").lower() == "true" or "preheader" in classes
            or (node.tag == "section" and "footnotes" in classes)
            or (node.tag == "hr" and "footnotes-sep" in classes))


_CELL = "td, th"
_IN_CELL_BLOCKS = "p, div, br, ul, ol, table, h1, h2, h3, h4, h5, h6, blockquote"


def _rows_as_lines(root) -> None:  # type: ignore[no-untyped-def]
    """A table row of plain cells reads as one line, cells joined by " — " ("X happens before
    March — Likely", as a risk register writes it); a layout table's cells, which hold
    paragraphs, stay blocks of their own."""
    for row in root.css("tr"):
        cells = row.css(_CELL)
        if len(cells) < 2 or any(cell.css_first(_IN_CELL_BLOCKS) is not None for cell in cells):
            continue
        line = " — ".join(" ".join(cell.text(separator=" ").split()) for cell in cells)
        # a row is a statement of its own, not a heading: it ends as a sentence does
        row.insert_before("\n")
        row.replace_with(line + ("" if re.search(r"[.!?]$", line) else ".") + "\n")


def check_html_depth(html: str) -> int:
    """The deepest nesting of elements in ``html``, by one linear scan of its tags.

    Raises BriefingError when it exceeds MAX_HTML_DEPTH, before any tree is built.
    """
    depth = deepest = foreign = 0
    for tag in _TAG.finditer(html):
        name = tag["name"].lower()
        if name in _FOREIGN:
            foreign = max(foreign - 1, 0) if tag["close"] else foreign + 1
        # "<div/>" opens a div in HTML; only SVG and MathML close an element with "/>".
        if name in _NOT_NESTING or (tag["self"] and foreign):
            continue
        depth = max(depth - 1, 0) if tag["close"] else depth + 1
        deepest = max(deepest, depth)
        if deepest > MAX_HTML_DEPTH:
            raise BriefingError(
                f"This HTML nests elements more than {MAX_HTML_DEPTH} deep (near character "
                f"{tag.start()}), so it cannot be read safely; save the briefing as plain text or "
                "simplify the page and try again."
            )
    return deepest


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
                            "upload the briefing as plain text, Markdown or HTML.")
    if not text.strip():
        raise BriefingError("The briefing is empty: there is no text to read.")

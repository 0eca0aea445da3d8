"""Reading pages as a user reads them: the cells of one table, not the whole page's text.

An assertion on the whole page can pass on text that the layout always holds (the signed-in
user's name in the header, say); scoping to the table under test keeps it honest.
"""

from __future__ import annotations

from bs4 import BeautifulSoup


def table_rows(page: str, selector: str) -> list[list[str]]:
    """The body rows of the first table matching a CSS selector, each as its cells' text.

    Raises AssertionError when no table matches, so a renamed table fails loudly.
    """
    table = BeautifulSoup(page, "html.parser").select_one(selector)
    assert table is not None, f"no table matches {selector!r}"
    body = table.find("tbody") or table
    return [[cell.get_text(" ", strip=True) for cell in row.find_all(["td", "th"])]
            for row in body.find_all("tr")]


def column(page: str, selector: str, index: int) -> list[str]:
    """One column of a table's body rows (0-based), top to bottom."""
    return [row[index] for row in table_rows(page, selector) if len(row) > index]

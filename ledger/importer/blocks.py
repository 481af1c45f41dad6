"""What every reader turns a document into: lines of text and tables, each knowing where it came from.

Keeping the place ("第3页第12行", "表2第5行") on every piece lets the imported task table name its source, so a
clerk can check each row against the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(kw_only=True)
class Line:
    """One line (or Word paragraph) of running text."""

    text: str
    where: str
    page_start: bool = False  # the first line of a page: a table's cells may continue from the page before


@dataclass(kw_only=True)
class Table:
    """A real table (Word, HTML, a ruled PDF table, a Markdown or pipe table): rows of cell text."""

    rows: list[list[str]]
    where: str
    row_where: list[str] = field(default_factory=list)


Block = Line | Table

"""Markdown tables of links: each row with a link is a headline.

The linked cell is the headline, a column named like a section (분야, category …) opens
sections, and the other cells make its summary. Rows without a link are header rows (their
names are remembered) or layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from news.archive.parsing.headlines import HeadlineParts, read_headline, split_bare_url
from news.archive.parsing.inline import plain_text

_TABLE_RULE = re.compile(r":?-{2,}:?")
_SECTION_COLUMNS = frozenset(
    {"분야", "카테고리", "구분", "분류", "주제", "섹션", "category", "section", "topic", "type"}
)


@dataclass(frozen=True, slots=True)
class TableRow:
    parts: HeadlineParts
    section: str | None  # a section this row opens, when its section cell changed


class TableReader:
    """Reads the rows of one article's tables, remembering the last header row."""

    def __init__(self) -> None:
        self._header: list[str] = []
        self._section_column: int | None = None
        self._section: str | None = None

    def read(self, text: str, *, after_headline: bool) -> TableRow | None:
        """The headline a row holds, or None for a rule, a header or a row without a link.

        ``after_headline``: the line above was a headline, so a row without a link is no header.
        """
        cells = [cell.strip() for cell in text.strip("|").split("|")]
        if all(_TABLE_RULE.fullmatch(cell) for cell in cells if cell):
            return None
        linked = next((i for i, cell in enumerate(cells) if _has_link(cell)), None)
        if linked is None:
            if not after_headline:  # a header row: remember its column names
                self._header = [plain_text(cell).casefold() for cell in cells]
                self._section_column = next(
                    (i for i, name in enumerate(self._header) if name in _SECTION_COLUMNS),
                    None,
                )
                self._section = None
            return None
        parts = read_headline(cells[linked], split_summary=False)
        if parts is None:
            return None
        column = self._section_column
        opened = None
        if column is not None and column < len(cells) and column != linked:
            section = plain_text(cells[column])
            if section and section != self._section:
                self._section = opened = section
        rest = [
            plain_text(cell)
            for i, cell in enumerate(cells)
            if i not in (linked, column) and plain_text(cell)
        ]
        summary = " · ".join(filter(None, [parts.summary, *rest]))
        return TableRow(replace(parts, summary=summary), opened)


def _has_link(cell: str) -> bool:
    return ("](" in cell and plain_text(cell) != "") or split_bare_url(cell) is not None

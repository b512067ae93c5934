"""Which layout an article uses, decided from simple counts over its lines."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from news.archive.parsing.blocks import is_source_note, opens_fence, parse_heading
from news.archive.parsing.headlines import split_bare_url, split_bullet
from news.archive.parsing.korean import has_photo_credit, is_copyright_footer, split_byline
from news.archive.parsing.lines import SourceLine

LAYOUT_SAMPLE_LINES = 500


class Layout(StrEnum):
    KOREAN_COLUMN = "korean-column"
    MARKDOWN = "markdown"
    LINK_LIST = "link-list"
    TEXT = "text"


@dataclass(slots=True)
class _Signals:
    interpunct_bullets: int = 0  # lines starting with ㆍ
    list_items: int = 0  # -, *, +, 1.
    headings: int = 0
    links: int = 0  # Markdown [text](url)
    bare_urls: int = 0
    fences: int = 0
    front_matter: bool = False
    column_parts: int = 0  # byline, photo credit, copyright footer

    def count(self, line: SourceLine) -> None:
        text = line.text
        bullet = split_bullet(text)
        if bullet is not None:
            self.interpunct_bullets += bullet.is_interpunct
            self.list_items += bullet.is_list_marker
        heading = parse_heading(line)
        self.headings += heading is not None and not is_source_note(text)
        self.links += "](" in text
        self.bare_urls += "](" not in text and split_bare_url(text) is not None
        self.fences += opens_fence(line) is not None
        self.column_parts += bool(
            has_photo_credit(text) or is_copyright_footer(text) or split_byline(text)
        )


def _starts_with_front_matter(lines: Sequence[SourceLine]) -> bool:
    for line in lines:
        if line.text and not is_source_note(line.text):
            return line.text == "---"
    return False


def detect_layout(lines: Sequence[SourceLine]) -> Layout:
    """ㆍ bullets that outnumber Markdown lists and links mean a Korean column, Markdown syntax
    means Markdown, column parts alone still mean a column, bare URLs a link list."""
    signals = _Signals(front_matter=_starts_with_front_matter(lines))
    # The first lines tell the layout as well as all of them; a week of 2,000 headlines
    # need not be classified twice over.
    written = (line for line in lines if line.text)
    for line in itertools.islice(written, LAYOUT_SAMPLE_LINES):
        signals.count(line)
    korean_bullets = signals.interpunct_bullets
    if (
        korean_bullets
        and korean_bullets >= signals.list_items
        and korean_bullets >= signals.links
        and not signals.front_matter
    ):
        return Layout.KOREAN_COLUMN
    if signals.front_matter or signals.headings or signals.links or signals.fences:
        return Layout.MARKDOWN
    if korean_bullets or signals.column_parts:
        return Layout.KOREAN_COLUMN
    if signals.bare_urls:
        return Layout.LINK_LIST
    return Layout.TEXT

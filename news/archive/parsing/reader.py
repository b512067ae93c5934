"""Walks normalised lines once and turns them into sections, metadata and skipped lines.

Every layout is read by the same walk; the layout only switches on the few rules that would
misread another one (joining wrapped Markdown paragraphs, ``Lead: text`` paragraphs of plain
newsletters, splitting ``title - summary``), so a Korean column keeps its titles exactly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum, auto

from news.archive.parsing import blocks
from news.archive.parsing.blocks import Heading
from news.archive.parsing.headlines import (
    Bullet,
    HeadlineParts,
    is_bare_url,
    linked_heading,
    read_headline,
    split_bare_url,
    split_bullet,
)
from news.archive.parsing.html_email import FOOTER, chrome_reason
from news.archive.parsing.inline import leading_link, plain_text
from news.archive.parsing.korean import (
    copyright_owner,
    is_caption,
    is_copyright_footer,
    split_byline,
)
from news.archive.parsing.layout import Layout
from news.archive.parsing.lines import LineHint, SourceLine
from news.archive.parsing.metadata import Metadata
from news.archive.parsing.not_news import NOT_NEWS, NotNewsBlocks
from news.archive.parsing.paragraphs import (
    lead_headline,
    lead_paragraphs,
    links_are_usual,
    story_paragraph,
)
from news.archive.parsing.sections import DraftHeadline, SectionBuilder
from news.archive.parsing.tables import TableReader
from news.core.models import ParsedSection, SkippedLine

SPONSOR = "sponsor"
READ_MORE = "read more link"
_SPONSOR_BLOCK_LINES = 8
_LEAD_FORMAT_MIN = 2
_SKIPPED_TEXT_MAX = 200
_NESTED_INDENT = 2
_TITLE_BEFORE_URL_MAX = 200
_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)


class _Last(Enum):
    """What the previous non-blank line became; continuation lines depend on it."""

    NOTHING = auto()
    PARAGRAPH = auto()
    HEADLINE = auto()
    OTHER = auto()


@dataclass(frozen=True, slots=True)
class ReadResult:
    title: str | None
    publisher: str | None
    author: str | None
    copyright: str | None
    sections: tuple[ParsedSection, ...]
    skipped: tuple[SkippedLine, ...]
    published_at: datetime | None = None


def read_lines(lines: Sequence[SourceLine], layout: Layout, *, html: bool = False) -> ReadResult:
    """``html``: the lines come from an HTML page or e-mail (see :mod:`html_blocks`)."""
    return _Reader(lines, layout, html=html).read()


class _Reader:
    def __init__(self, lines: Sequence[SourceLine], layout: Layout, *, html: bool) -> None:
        self._lines = lines
        self._korean = layout is Layout.KOREAN_COLUMN
        # In HTML a headline alone in its block (a row, a linked heading) takes the paragraph
        # right below it as its summary: e-mails put the two in consecutive rows or cells.
        self._html = html and not self._korean
        self._awaiting_summary: DraftHeadline | None = None
        self._markdown = layout is Layout.MARKDOWN
        self._plain = layout in (Layout.TEXT, Layout.LINK_LIST)
        self._sections = SectionBuilder(match_titles=not self._korean)
        self._skipped: list[SkippedLine] = []
        self._meta = Metadata()
        self._not_news = NotNewsBlocks()
        self._resume_at = 0  # lines before this index were consumed by a look-ahead
        self._in_preamble = True  # nothing but "# source:" notes and front matter so far
        self._has_body = False
        self._byline_checked = False
        self._enumeration = False  # list items after "Why it matters:" are commentary
        self._last = _Last.NOTHING
        self._after_blank = False
        self._item_indent = 0
        # The last heading, and the story headline it names once known: "[원본 기사](url)" below
        # a story heading gives that story its link.
        self._heading_title: str | None = None
        self._heading_story: DraftHeadline | None = None
        # Markdown lists whose items usually carry links: items without one right after a
        # paragraph are its points ("- Jane Doe - head of research"), not stories.
        self._links_usual = self._markdown and links_are_usual(lines)
        # "Lead: story" paragraphs make a lead-paragraph newsletter, where the paragraphs
        # after the introduction are stories even without a lead.
        self._lead_format = (
            not self._korean and lead_paragraphs(lines, plain=self._plain) >= _LEAD_FORMAT_MIN
        )
        self._paragraphs_read = 0
        self._tables = TableReader()

    def read(self) -> ReadResult:
        for index, line in enumerate(self._lines):
            if not line.text:
                self._after_blank = True
                continue
            if index >= self._resume_at:
                self._read_line(index, line)
            self._after_blank = False
        meta = self._meta
        return ReadResult(
            title=meta.title,
            publisher=meta.publisher,
            author=meta.author,
            copyright=meta.copyright,
            sections=self._sections.build(),
            skipped=tuple(self._skipped),
            published_at=meta.published_at,
        )

    # --- dispatch ------------------------------------------------------------------------

    def _read_line(self, index: int, line: SourceLine) -> None:
        if line.hint is not None:
            self._read_hinted(line)
        elif self._not_news.in_fence(line):
            self._skip(line, NOT_NEWS)
        else:
            self._read_unfenced(index, line, blocks.parse_heading(line))

    def _read_unfenced(self, index: int, line: SourceLine, heading: Heading | None) -> None:
        if (reason := self._not_news.reason(line, heading)) is not None:
            self._skip(line, reason)
            return
        if self._in_preamble and self._read_preamble(index, line):
            return
        self._in_preamble = False
        if heading is None and (reason := self._chrome_reason(index, line)) is not None:
            self._skip(line, reason)
        elif heading is not None:
            self._read_heading(line, heading)
        elif blocks.is_table_row(line.text):
            self._read_table_row(line)
        elif (reason := blocks.structure_reason(line.text)) is not None:
            self._skip(line, reason)
        elif blocks.is_sponsor_marker(line.text):
            self._not_news.open_for_lines(_SPONSOR_BLOCK_LINES, SPONSOR)
            self._skip(line, SPONSOR)
        elif (bullet := split_bullet(line.text)) is not None:
            self._read_bullet(line, bullet)
        elif is_copyright_footer(line.text):
            self._meta.copyright = self._meta.copyright or copyright_owner(line.text)
            self._skip(line, "footer")
        elif is_caption(self._lines, index):
            self._skip(line, "photo caption")
        else:
            self._read_text(index, line)

    def _chrome_reason(self, index: int, line: SourceLine) -> str | None:
        if self._korean:
            return None
        in_tail = (self._html or self._markdown) and index * 2 >= len(self._lines)
        reason = chrome_reason(line.text, footer_allowed=in_tail)
        if reason == FOOTER:
            self._not_news.open_rest(FOOTER)  # the rest of the mail is its footer
        return reason

    def _skip(self, line: SourceLine, reason: str) -> None:
        self._skipped.append(SkippedLine(line.line_no, line.text[:_SKIPPED_TEXT_MAX], reason))
        self._last = _Last.OTHER

    # --- code, hints, preamble, headings ------------------------------------------------------

    def _read_hinted(self, line: SourceLine) -> None:
        if line.hint is LineHint.PAGE_FOOTER and is_copyright_footer(line.text):
            self._meta.copyright = self._meta.copyright or copyright_owner(line.text)
            self._skip(line, "footer")
        elif line.hint is not None:
            self._skip(line, line.hint.value)

    def _read_preamble(self, index: int, line: SourceLine) -> bool:
        """``# source:`` notes and YAML front matter, allowed only before the article starts."""
        if blocks.is_source_note(line.text):
            self._skip(line, "metadata")
            return True
        front_matter = blocks.read_front_matter(self._lines, index)
        if front_matter is None:
            return False
        used = {field.index for field in front_matter.fields if self._meta.use(field)}
        for position in range(index + 1, front_matter.end):
            inner = self._lines[position]
            if inner.text and position not in used:
                self._skip(inner, "front matter")
        self._resume_at = front_matter.end + 1
        self._last = _Last.OTHER
        return True

    def _read_heading(self, line: SourceLine, heading: Heading) -> None:
        self._enumeration = False
        self._last = _Last.OTHER
        self._awaiting_summary = None
        if not heading.title:
            self._skip(line, "empty heading")
        elif blocks.is_prompt_heading(heading):
            self._not_news.open_prompt(heading.level)
            self._skip(line, NOT_NEWS)
        elif (reason := blocks.not_news_heading(heading)) is not None:
            self._not_news.open_under_heading(heading.level, reason)
            self._skip(line, reason)
        elif heading.level == 1 and self._meta.title is None and not self._has_body:
            self._meta.title = heading.title
        elif not self._korean and (parts := linked_heading(line.text)) is not None:
            # "### [OpenAI ships X](url)": a heading that is one link names a story, not a section.
            self._add_headline(line, parts)
            self._awaiting_summary = self._sections.last_headline if self._html else None
        else:
            story = blocks.numbered_story_title(heading)
            draft = DraftHeadline(title=story, line_no=line.line_no) if story else None
            if draft is not None and blocks.is_read_more(draft.title):
                draft = None
            self._sections.open_section(heading.title, story=draft)
            self._heading_title, self._heading_story = heading.title, draft
            self._has_body = True

    # --- headlines ------------------------------------------------------------------------

    def _read_bullet(self, line: SourceLine, bullet: Bullet) -> None:
        if self._is_nested_item(line, bullet):
            self._extend_summary(plain_text(bullet.content), separator="; ")
            return
        if self._is_enumerated(bullet):
            self._add_paragraph(plain_text(bullet.content), join=False)
            self._enumeration = True
            return
        parts = read_headline(bullet.content, split_summary=not self._korean)
        if parts is None:
            empty = blocks.is_image_line(bullet.content) or not bullet.content.strip()
            self._skip(line, "empty bullet" if empty else "unreadable bullet")
            return
        if self._is_read_more(line, parts):
            return
        if blocks.is_sponsored_title(bullet.content):
            self._skip(line, SPONSOR)
            return
        self._add_headline(line, parts)
        self._item_indent = line.indent

    def _read_table_row(self, line: SourceLine) -> None:
        """A row of a Markdown table of links (see :mod:`tables`)."""
        row = self._tables.read(line.text, after_headline=self._last is _Last.HEADLINE)
        if row is None:
            self._skip(line, "table")
            return
        if row.section is not None:
            self._sections.open_section(row.section)
        self._add_headline(line, row.parts)

    def _is_read_more(self, line: SourceLine, parts: HeadlineParts) -> bool:
        """``Read more…`` is the link of the story above it, never a story of its own."""
        if not blocks.is_read_more(parts.title):
            return False
        headline = self._sections.last_headline
        if headline is not None and headline.url is None and parts.url:
            headline.url = parts.url
        self._skip(line, READ_MORE)
        return True

    def _is_enumerated(self, bullet: Bullet) -> bool:
        """An item without a link, listed under "Why it matters:": commentary, not a story."""
        return (
            self._enumeration
            and not self._korean
            and not bullet.is_interpunct
            and split_bare_url(bullet.content) is None
            and "](" not in bullet.content
        )

    def _is_nested_item(self, line: SourceLine, bullet: Bullet) -> bool:
        """A Markdown sub-item under a headline adds to its summary rather than being one."""
        return (
            self._markdown
            and bullet.is_list_marker
            and self._last is _Last.HEADLINE
            and line.indent >= self._item_indent + _NESTED_INDENT
        )

    def _add_headline(self, line: SourceLine, parts: HeadlineParts) -> DraftHeadline:
        draft = DraftHeadline(
            title=parts.title,
            line_no=line.line_no,
            url=parts.url,
            tag=parts.tag,
            summary=parts.summary,
        )
        self._sections.add_headline(draft)
        self._has_body = True
        self._enumeration = False
        self._last = _Last.HEADLINE
        self._awaiting_summary = None
        return draft

    def _extend_summary(self, text: str, separator: str = " ") -> None:
        headline = self._sections.last_headline
        if headline is not None:
            headline.extend_summary(text, separator)
        self._last = _Last.HEADLINE

    def _continuation(self, line: SourceLine) -> str | None:
        """The text of a line that continues the headline above it, or None.

        ``<br>summary`` and ``: summary`` always do; in Markdown an indented line does too.
        """
        if self._last is not _Last.HEADLINE:
            return None
        text = line.text
        if _BREAK_TAG.match(text):
            return _BREAK_TAG.sub(" ", text)
        if text.startswith(":") and not text.startswith("::"):
            return text[1:]
        if self._markdown and line.indent >= _NESTED_INDENT and not self._after_blank:
            return text
        return None

    # --- text lines -----------------------------------------------------------------------

    def _read_text(self, index: int, line: SourceLine) -> None:
        continuation = self._continuation(line)
        if continuation is not None:
            self._extend_summary(plain_text(continuation))
        elif self._read_more_line(line):
            return
        elif blocks.is_navigation(line.text):
            self._skip(line, "navigation")
        elif leading_link(line.text) is not None:
            self._read_link_line(line)
        elif is_bare_url(line.text):
            self._read_url_alone(line)
        elif not self._read_titled_url(index, line):
            self._read_prose(line)

    def _read_more_line(self, line: SourceLine) -> bool:
        """A ``[Read more](url)`` line: the link of the story above it."""
        lead = leading_link(line.text)
        if lead is None or lead[1].strip(" .…→»›"):
            return False
        parts = HeadlineParts(title=plain_text(lead[0].text), url=lead[0].url or None)
        return self._is_read_more(line, parts)

    def _read_link_line(self, line: SourceLine) -> None:
        """A line that starts with a link: a story, or the "[원본 기사](url)" of a story section."""
        source = blocks.source_link(line.text)
        if source is None:
            parts = read_headline(line.text, split_summary=not self._korean)
            if parts is not None:
                draft = self._add_headline(line, parts)
                if self._html and not draft.summary:
                    self._awaiting_summary = draft
            else:
                self._skip(line, "empty link")
            return
        story = self._heading_story
        if story is not None and story.url is None:
            story.url = source.url
            self._last = _Last.OTHER
        elif story is None and self._heading_title is not None:
            draft = DraftHeadline(title=self._heading_title, line_no=line.line_no, url=source.url)
            self._sections.name_story(draft)
            self._heading_story = draft
            self._last = _Last.OTHER
        else:
            self._skip(line, "navigation")

    def _read_url_alone(self, line: SourceLine) -> None:
        """A URL on its own line belongs to the headline right above it."""
        headline = self._sections.last_headline
        found = split_bare_url(line.text)
        if (
            found is not None
            and headline is not None
            and headline.url is None
            and self._last is _Last.HEADLINE
        ):
            headline.url = found[1]
            self._last = _Last.HEADLINE
        else:
            self._skip(line, "link without a title")

    def _read_titled_url(self, index: int, line: SourceLine) -> bool:
        """``title - https://…`` on one line, or a title with its URL alone on the next line."""
        if self._korean or "](" in line.text:
            return False
        found = split_bare_url(line.text)
        if found is not None:
            if len(found[0]) > _TITLE_BEFORE_URL_MAX:
                return False
            parts = read_headline(line.text, split_summary=True)
            if parts is not None:
                self._add_headline(line, parts)
            return parts is not None
        following = self._lines[index + 1] if index + 1 < len(self._lines) else None
        if following is None or not is_bare_url(following.text):
            return False
        url = split_bare_url(following.text)
        title = plain_text(line.text)
        if url is None or not title:
            return False
        self._add_headline(line, HeadlineParts(title=title, url=url[1]))
        self._resume_at = index + 2
        return True

    def _read_prose(self, line: SourceLine) -> None:
        text = line.text
        if not self._byline_checked:
            self._byline_checked = True
            byline = split_byline(text)
            if byline is not None:
                self._meta.publisher, self._meta.author = byline.publisher, byline.author
                text = byline.rest
                if not text:
                    self._last = _Last.OTHER
                    return
        text, more_url, had_more = blocks.split_read_more(text)
        if had_more:
            self._skipped.append(
                SkippedLine(line.line_no, line.text[len(text) :].strip(), READ_MORE)
            )
        awaiting, self._awaiting_summary = self._awaiting_summary, None
        if awaiting is not None and self._last is _Last.HEADLINE and (summary := plain_text(text)):
            awaiting.extend_summary(summary)
            awaiting.url = awaiting.url or more_url
            return
        self._paragraphs_read += 1
        # In Markdown "**What happened:** …" is a label; a "Read more" after it makes a story.
        story_like = self._plain or (had_more and not self._korean)
        if story_like and (lead := lead_headline(text)) is not None:
            self._add_headline(line, replace(lead, url=more_url))
            return
        if (
            story_like
            and self._lead_format
            and self._paragraphs_read > 1
            and (story := story_paragraph(text))
        ):
            self._add_headline(line, replace(story, url=more_url)).from_paragraph = True
            return
        paragraph = " ".join(text.split()) if self._korean else plain_text(text)
        if not paragraph:
            self._skip(line, "empty paragraph")
            return
        join = self._markdown and self._last is _Last.PARAGRAPH and not self._after_blank
        self._add_paragraph(paragraph, join=join)

    def _add_paragraph(self, text: str, *, join: bool) -> None:
        if join:
            self._sections.extend_paragraph(text)
        else:
            self._sections.add_paragraph(text)
        self._has_body = True
        self._enumeration = not self._korean and (text.endswith(":") or self._links_usual)
        self._last = _Last.PARAGRAPH

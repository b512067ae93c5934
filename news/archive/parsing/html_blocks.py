"""HTML turned into the lines a Markdown reader understands (headings ``#``, items ``-``,
links ``[text](url)``, data tables ``| a | b |``), using only the standard library's tolerant
``html.parser``, which streams: nothing here recurses, however deep the nesting.

HTML e-mails are read as their reader sees them: layout tables are only boxes (a row or a
block is a line), a link wrapped around a whole block (heading, picture, text) links the
block's first line, a bold short row alone is a section heading, links lose their
click-tracking redirect and ``utm_*`` parameters, and what the reader never sees (preheader
text hidden with CSS, spacer and tracking images, icon-only social links) is reported in
``skipped`` instead of read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser

from news.archive.parsing.dates import published_time
from news.archive.parsing.html_email import (
    hides_content,
    image_reason,
    is_bold,
    link_reason,
)
from news.archive.parsing.lines import LineHint, SourceLine, make_line, normalise
from news.archive.parsing.links import clean_link
from news.core.models import SkippedLine

_DROPPED = frozenset(
    {"script", "style", "noscript", "template", "svg", "head", "iframe", "button", "select"}
)
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "li",
        "blockquote",
        "figcaption",
        "figure",
        "pre",
        "tr",
        "dd",
        "dt",
        "section",
        "article",
        "header",
        "main",
        "aside",
        "ul",
        "ol",
        "table",
        "body",
        "html",
        "nav",
        "footer",
        "hr",
        *_HEADINGS,
    }
)
_HINTS = {
    "figcaption": LineHint.CAPTION,
    "pre": LineHint.CODE,
    "nav": LineHint.NAVIGATION,
    "footer": LineHint.PAGE_FOOTER,
}
_HTML_START = re.compile(
    r"\s*(?:<!doctype\s+html|<html|<(?:head|body|article|main|section|div|p|h[1-6]|ul|ol|table"
    r"|figure|header|meta|title)[\s>/])",
    re.IGNORECASE,
)
_CLOSING_BLOCK = re.compile(r"</(?:p|li|h[1-6]|div|article|section)\s*>", re.IGNORECASE)
_CLOSING_BLOCKS_FOR_HTML = 5
# The keywords html.parser accepts right after "<![" (anything else makes it raise).
_UNKNOWN_MARKED_SECTION = re.compile(
    r"<!\[(?!(?:cdata|temp|ignore|include|rcdata|if|else|endif)(?![-_.a-z0-9]))[^>]*>?",
    re.IGNORECASE,
)
_COLLAPSIBLE = re.compile(r"[ \t\r\n\f]+")
_AUTHOR_META = frozenset({"author", "article:author", "byl"})
_PUBLISHER_META = frozenset({"og:site_name", "application-name", "publisher"})
_TITLE_META = frozenset({"og:title"})
_TIME_META = frozenset({"article:published_time", "og:article:published_time", "pubdate"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_SECTION_ROW_MAX = 60  # characters of a bold line alone that reads as a section heading
_SECTION_ROW_WORDS = 8
_SECTION_LEVEL = "## "
_SKIPPED_TEXT_MAX = 200


@dataclass(slots=True)
class HtmlPage:
    lines: list[SourceLine] = field(default_factory=list)
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published_at: datetime | None = None
    skipped: list[SkippedLine] = field(default_factory=list)


def looks_like_html(text: str) -> bool:
    """Starts with a document or block tag, or is full of closing block tags."""
    head = normalise(text[:2000])
    if _HTML_START.match(head):
        return True
    return len(_CLOSING_BLOCK.findall(text, 0, 200_000)) >= _CLOSING_BLOCKS_FOR_HTML


def html_to_lines(text: str) -> HtmlPage:
    collector = _BlockCollector()
    # html.parser raises AssertionError on a marked section it does not know ("<![foo[",
    # "<![ x"): such broken markup holds no news, so it is dropped first.
    collector.feed(_UNKNOWN_MARKED_SECTION.sub("", text))
    collector.close()
    return collector.page


@dataclass(slots=True)
class _Anchor:
    href: str
    start: int | None  # chunk index where its text starts; None once it spans blocks
    line_no: int
    has_image: bool = False
    spent: bool = False  # its link has been written


@dataclass(slots=True)
class _Open:
    """An element still open, and what it changes while it is."""

    tag: str
    hidden: bool = False
    bold: bool = False


class _BlockCollector(HTMLParser):
    """Gathers the text of each block; a block's first line carries its Markdown prefix."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = HtmlPage()
        self._dropped_depth = 0
        self._title_parts: list[str] | None = None
        self._chunks: list[tuple[str, int]] = []  # text and the source line it starts on
        self._prefix = ""  # "## " or "- " for the block being read
        self._continuation_prefix = ""  # "<br>" for the lines after a <br> inside an item
        self._hints: list[tuple[str, LineHint]] = []
        self._anchors: list[_Anchor] = []
        self._open: list[_Open] = []
        self._hidden = 0  # open elements hidden with CSS
        self._bold = 0  # open bold elements
        self._hidden_text: list[str] = []
        self._hidden_line = 0
        self._plain_text = False  # the block holds text outside bold elements
        self._bold_text = False
        self._tables: list[bool] = []  # per open <table>: a data table (it has <th> cells)
        self._cells = 0  # cells read in the current data-table row

    # --- parser callbacks -------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "meta":
            self._read_meta(attributes)
        elif tag == "title":
            self._title_parts = []
        if tag in _DROPPED:
            self._dropped_depth += 1
        if self._dropped_depth:
            return
        if tag not in _VOID:
            self._push(tag, attributes)
        if self._hidden:
            return
        if tag == "br":
            self._chunks.append(("\n", self.getpos()[0]))
        elif tag == "img":
            self._read_image(attributes)
        elif tag == "table":
            self._flush()
            self._tables.append(False)
        elif tag in _BLOCKS:
            self._open_block(tag)
        elif tag == "a":
            self._close_anchors()
            href = clean_link(attributes.get("href", "").strip())
            self._anchors.append(_Anchor(href, len(self._chunks), self.getpos()[0]))
        elif tag in ("td", "th"):
            self._open_cell(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._title_parts is not None:
            self.page.title = " ".join("".join(self._title_parts).split()) or None
            self._title_parts = None
        if tag in _DROPPED:
            self._dropped_depth = max(0, self._dropped_depth - 1)
            return
        if self._dropped_depth:
            return
        was_hidden = self._hidden > 0
        if tag not in _VOID:
            self._pop(tag)
        if was_hidden:
            if not self._hidden:
                self._end_hidden()
            return
        if tag == "a" and self._anchors:
            self._close_anchor(self._anchors.pop())
        elif tag in _BLOCKS:
            self._flush()
            if tag == "table" and self._tables:
                self._tables.pop()
            if tag == "li" or tag in _HEADINGS:
                # An item or heading without text must not lend its prefix to the next block.
                self._prefix, self._continuation_prefix = "", ""
            if self._hints and self._hints[-1][0] == tag:
                self._hints.pop()

    def handle_data(self, data: str) -> None:
        if self._title_parts is not None:
            self._title_parts.append(data)
        if self._dropped_depth or not data:
            return
        line_no = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
        if self._hidden:
            if not self._hidden_text:
                self._hidden_line = line_no
            self._hidden_text.append(data)
            return
        if data.strip():
            if self._bold:
                self._bold_text = True
            else:
                self._plain_text = True
        if self._hint() is LineHint.CODE:
            self._chunks.append((data, line_no))
        else:
            self._chunks.append((_COLLAPSIBLE.sub(" ", data), line_no))

    def close(self) -> None:
        super().close()
        self._close_anchors()
        self._flush()
        if self._hidden_text:
            self._end_hidden()

    # --- open elements --------------------------------------------------------------------

    def _push(self, tag: str, attributes: dict[str, str]) -> None:
        element = _Open(tag, hidden=hides_content(attributes), bold=is_bold(tag, attributes))
        if element.hidden and not self._hidden:
            self._hidden_text, self._hidden_line = [], self.getpos()[0]
        self._open.append(element)
        self._hidden += element.hidden
        self._bold += element.bold

    def _pop(self, tag: str) -> None:
        """Close the nearest open ``tag`` and everything opened inside it; a stray end tag
        with no open element is ignored."""
        for position in range(len(self._open) - 1, -1, -1):
            if self._open[position].tag == tag:
                for element in self._open[position:]:
                    self._hidden -= element.hidden
                    self._bold -= element.bold
                del self._open[position:]
                return

    def _end_hidden(self) -> None:
        text = " ".join(normalise("".join(self._hidden_text)).split())
        self._hidden_text = []
        if text:
            self._report(self._hidden_line, text, "preheader (hidden text)")

    def _report(self, line_no: int, text: str, reason: str) -> None:
        self.page.skipped.append(SkippedLine(line_no, text[:_SKIPPED_TEXT_MAX], reason))

    # --- helpers --------------------------------------------------------------------------

    def _read_meta(self, attributes: dict[str, str]) -> None:
        name = (attributes.get("name") or attributes.get("property") or "").lower()
        content = " ".join(attributes.get("content", "").split())
        if not content:
            return
        if name in _AUTHOR_META and self.page.author is None:
            self.page.author = content
        elif name in _PUBLISHER_META and self.page.publisher is None:
            self.page.publisher = content
        elif name in _TITLE_META and self.page.title is None:
            self.page.title = content
        elif name in _TIME_META and self.page.published_at is None:
            self.page.published_at = published_time(content)

    def _hint(self) -> LineHint | None:
        return self._hints[-1][1] if self._hints else None

    def _read_image(self, attributes: dict[str, str]) -> None:
        """An image is no text: inside a link it marks the link, alone it is reported."""
        if self._anchors:
            self._anchors[-1].has_image = True
            return
        src = attributes.get("src", "")
        self._report(self.getpos()[0], attributes.get("alt") or src, image_reason(attributes))

    def _open_cell(self, tag: str) -> None:
        if self._tables and tag == "th":
            self._tables[-1] = True
        if self._tables and self._tables[-1]:
            # A data table's row: "| a | b |", which the reader reads as a table of links.
            self._chunks.append(("| " if not self._cells else " | ", self.getpos()[0]))
            self._cells += 1
        else:
            self._chunks.append((" ", self.getpos()[0]))

    def _open_block(self, tag: str) -> None:
        self._flush()
        if tag in _HINTS:
            self._hints.append((tag, _HINTS[tag]))
        if tag in _HEADINGS:
            self._prefix, self._continuation_prefix = "#" * _HEADINGS[tag] + " ", ""
        elif tag == "li":
            self._prefix, self._continuation_prefix = "- ", "<br>"
        elif tag != "p" or not self._prefix:
            # A <p> inside an <li> keeps the item's "- "; any other block starts afresh.
            self._prefix, self._continuation_prefix = "", ""

    def _close_anchor(self, anchor: _Anchor) -> None:
        start = anchor.start
        if start is None:  # a link around blocks: its first line was linked when written
            if not anchor.spent and anchor.has_image:
                self._report(anchor.line_no, anchor.href, link_reason(anchor.href))
            return
        if start > len(self._chunks):
            return
        text = " ".join("".join(chunk for chunk, _ in self._chunks[start:]).split())
        line_no = self._chunks[start][1] if start < len(self._chunks) else self.getpos()[0]
        usable = anchor.href and not anchor.href.lower().startswith(("javascript:", "#"))
        if text and usable:
            self._chunks[start:] = [(f"[{text}]({anchor.href})", line_no)]
        elif not text and anchor.has_image:
            self._report(line_no, anchor.href, link_reason(anchor.href))

    def _close_anchors(self) -> None:
        """Links left open (a new <a> closes the one before, as browsers do)."""
        while self._anchors:
            self._close_anchor(self._anchors.pop())

    def _flush(self) -> None:
        """Emit the gathered text as lines (split at <br>), then a blank line.

        A link still open here wraps blocks: what it held so far is its text, or else the
        first line written after this is.
        """
        for anchor in self._anchors:
            if anchor.start is not None:
                if "".join(chunk for chunk, _ in self._chunks[anchor.start :]).strip():
                    self._close_anchor(anchor)
                    anchor.spent = True
                anchor.start = None
        chunks, self._chunks = self._chunks, []
        section_row = self._bold_text and not self._plain_text and not self._prefix
        self._bold_text = self._plain_text = False
        table_row = bool(self._cells)
        self._cells = 0
        emitted = False
        for text, line_no in _split_at_breaks(chunks):
            stripped = normalise(text).strip(" ") if self._hint() is not LineHint.CODE else text
            if not stripped.strip() or stripped.strip(" |") == "":
                continue
            prefix = self._continuation_prefix if emitted else self._prefix
            stripped = self._link_block(stripped)
            if table_row:
                stripped = f"{stripped} |"
            elif section_row and not emitted and _is_section_row(stripped):
                prefix = _SECTION_LEVEL
            self.page.lines.append(make_line(line_no, normalise(prefix + stripped), self._hint()))
            emitted = True
        if emitted:
            self.page.lines.append(make_line(self.getpos()[0], ""))
            self._prefix, self._continuation_prefix = "", ""

    def _link_block(self, text: str) -> str:
        """The first line inside a link that wraps blocks carries that link."""
        for anchor in self._anchors:
            if anchor.start is None and not anchor.spent:
                anchor.spent = True
                if "](" not in text and anchor.href:
                    return f"[{text}]({anchor.href})"
        return text


def _is_section_row(text: str) -> bool:
    return (
        "](" not in text
        and len(text) <= _SECTION_ROW_MAX
        and len(text.split()) <= _SECTION_ROW_WORDS
        and not text.rstrip().endswith((".", ":", "!", "?"))
    )


def _split_at_breaks(chunks: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Join chunks into lines: a "\\n" chunk (a <br>, or a newline inside <pre>) ends a line.

    A line is numbered by its first visible text, not by the spaces a cell or tag opened with.
    """
    lines: list[tuple[str, int]] = []
    pieces: list[str] = []
    first_line: int | None = None
    for text, line_no in chunks:
        parts = text.split("\n")
        for position, part in enumerate(parts):
            if position > 0:
                lines.append(("".join(pieces), first_line or line_no))
                pieces, first_line = [], None
            if part:
                if first_line is None and part.strip():
                    first_line = line_no + position
                pieces.append(part)
    lines.append(("".join(pieces), first_line or 0))
    return lines

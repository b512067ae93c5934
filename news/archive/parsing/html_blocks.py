"""HTML turned into the lines a Markdown reader understands (headings ``#``, items ``-``,
links ``[text](url)``), using only the standard library's tolerant ``html.parser``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser

from news.archive.parsing.dates import published_time
from news.archive.parsing.lines import LineHint, SourceLine, make_line, normalise

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


@dataclass(slots=True)
class HtmlPage:
    lines: list[SourceLine] = field(default_factory=list)
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published_at: datetime | None = None


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
        self._anchors: list[tuple[int, str]] = []  # chunk index where an <a> opened, href

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
        if tag == "br":
            self._chunks.append(("\n", self.getpos()[0]))
        elif tag in _BLOCKS:
            self._open_block(tag)
        elif tag == "a":
            self._anchors.append((len(self._chunks), attributes.get("href", "").strip()))
        elif tag in ("td", "th"):
            self._chunks.append((" ", self.getpos()[0]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._title_parts is not None:
            self.page.title = " ".join("".join(self._title_parts).split()) or None
            self._title_parts = None
        if tag in _DROPPED:
            self._dropped_depth = max(0, self._dropped_depth - 1)
            return
        if self._dropped_depth:
            return
        if tag == "a" and self._anchors:
            self._close_anchor()
        elif tag in _BLOCKS:
            self._flush()
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
        if self._hint() is LineHint.CODE:
            self._chunks.append((data, line_no))
        else:
            self._chunks.append((_COLLAPSIBLE.sub(" ", data), line_no))

    def close(self) -> None:
        super().close()
        self._flush()

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

    def _close_anchor(self) -> None:
        start, href = self._anchors.pop()
        if start > len(self._chunks):
            return
        text = " ".join("".join(chunk for chunk, _ in self._chunks[start:]).split())
        line_no = self._chunks[start][1] if start < len(self._chunks) else self.getpos()[0]
        if text and href and not href.lower().startswith(("javascript:", "#")):
            self._chunks[start:] = [(f"[{text}]({href})", line_no)]

    def _flush(self) -> None:
        """Emit the gathered text as lines (split at <br>), then a blank line."""
        chunks, self._chunks = self._chunks, []
        self._anchors.clear()
        emitted = False
        for text, line_no in _split_at_breaks(chunks):
            stripped = normalise(text).strip(" ") if self._hint() is not LineHint.CODE else text
            if not stripped.strip():
                continue
            prefix = self._continuation_prefix if emitted else self._prefix
            self.page.lines.append(make_line(line_no, normalise(prefix + stripped), self._hint()))
            emitted = True
        if emitted:
            self.page.lines.append(make_line(self.getpos()[0], ""))
            self._prefix, self._continuation_prefix = "", ""


def _split_at_breaks(chunks: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Join chunks into lines: a "\\n" chunk (a <br>, or a newline inside <pre>) ends a line."""
    lines: list[tuple[str, int]] = []
    pieces: list[str] = []
    first_line = 0
    for text, line_no in chunks:
        parts = text.split("\n")
        for position, part in enumerate(parts):
            if position > 0:
                lines.append(("".join(pieces), first_line))
                pieces = []
            if part and not pieces:
                first_line = line_no + position
            pieces.append(part)
    lines.append(("".join(pieces), first_line))
    return lines

"""Reads a roundup article (a Korean news column, Markdown, HTML, a link list or plain text)
into sections of commentary and headlines, reporting every line it did not use.

Entry point: :func:`parse_roundup`. The layouts and the rules for each part are described in
``ROUNDUP_FORMAT.md``; the building blocks live in :mod:`news.archive.parsing`.

Choices where the layouts leave room for more than one reading:

- ``- **OpenAI launched X** that …``: a bold lead of three words or more is the title and the
  rest the summary; a shorter bold label (``**OpenAI:** …``) leaves the whole line as title.
- ``Lead: story`` paragraphs are headlines only in plain text; in Markdown the same shape is
  a label (``**What happened:** …``) and stays commentary.
- Items without a link listed right after a paragraph ending in ``:`` are commentary.
- ``Story 3: …`` headings name a headline; ``[원본 기사](url)`` below a heading links it.
- Headings lose a leading emoji; setext underlines (``===``) are read as rules.
- URLs are kept as given, except that Markdown escapes (a backslash before ``&``) are undone,
  and links written in HTML (a page, an e-mail, inline HTML in Markdown) lose their
  click-tracking redirect when it names its target, and their ``utm_*``-style parameters.
- In HTML a headline alone in its block (a row with just a link, a heading that is one link)
  takes the paragraph right below it as its summary; e-mails lay them out in two rows.
- In a Korean column titles are never split at `` - `` or `` : ``; elsewhere that is a summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from news.archive.parsing.html_blocks import HtmlPage, html_to_lines, looks_like_html
from news.archive.parsing.inline_html import rewrite_inline_html
from news.archive.parsing.layout import Layout, detect_layout
from news.archive.parsing.lines import looks_binary, split_lines
from news.archive.parsing.reader import read_lines
from news.core.errors import ImportRejected
from news.core.models import ParsedRoundup, SkippedLine

_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
_HTML_FORMAT = "html"


def parse_roundup(text: str, *, filename: str | None = None) -> ParsedRoundup:
    """Parse a roundup article; ``filename`` hints at the format (.html/.htm, .md).

    Raises ImportRejected, with a message a user can act on, when no headline is found.
    """
    if not text.strip():
        raise ImportRejected("import.empty")
    if looks_binary(text):
        raise ImportRejected("import.binary")
    suffix = PurePath(filename).suffix.lower() if filename else ""
    page = HtmlPage()
    if suffix in _HTML_SUFFIXES or (not suffix and looks_like_html(text)):
        page = html_to_lines(text)
        lines, layout_format = page.lines, _HTML_FORMAT
        layout = detect_layout(lines)
    else:
        lines = split_lines(text)
        if "<" in text:
            lines = rewrite_inline_html(lines)
        layout = Layout.MARKDOWN if suffix in _MARKDOWN_SUFFIXES else detect_layout(lines)
        layout_format = layout.value
    result = read_lines(lines, layout, html=layout_format == _HTML_FORMAT)
    roundup = ParsedRoundup(
        title=result.title or page.title,
        publisher=result.publisher or page.publisher,
        author=result.author or page.author,
        copyright=result.copyright,
        sections=result.sections,
        skipped=_merged(result.skipped, page.skipped),
        format=layout_format,
        published_at=result.published_at or page.published_at,
    )
    if roundup.headline_count == 0:
        raise ImportRejected("import.no_headlines")
    return roundup


def _merged(read: Sequence[SkippedLine], html: Sequence[SkippedLine]) -> tuple[SkippedLine, ...]:
    """What the reader skipped and what the HTML never showed (hidden text, spacers), in
    the order of the source."""
    if not html:
        return tuple(read)
    return tuple(sorted([*read, *html], key=lambda skipped: skipped.line_no))

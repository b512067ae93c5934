"""Turning what a feed says into clean values: HTML and entities into one line of plain text,
cut at a word; links made absolute (http and https only); counts of minutes."""

from __future__ import annotations

import html
import html.entities
import re
from urllib.parse import urljoin, urlsplit

from news.core.text import Cut, clean_text, truncate

_INVISIBLE_BLOCKS = re.compile(
    r"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")
_WHITESPACE = re.compile(r"\s+")
_UNKNOWN_ENTITY = re.compile(r"&[A-Za-z][A-Za-z0-9]*;")


def html_to_text(markup: str, limit: int) -> str:
    """Visible text of an HTML fragment on one line, cut at a word near ``limit`` with "…"."""
    if "<" in markup:
        markup = _TAG.sub(" ", _INVISIBLE_BLOCKS.sub(" ", markup))
    return plain_text(markup, limit)


def plain_text(value: str, limit: int) -> str:
    """Text with its entities resolved, cleaned (news.core.text.clean_text: where feed text
    enters), on one line, cut at a word near ``limit``."""
    text = clean_text(html.unescape(value))
    if "&" in text:
        text = _UNKNOWN_ENTITY.sub(_bare_ampersand, text)
    return truncate(_WHITESPACE.sub(" ", text).strip(), limit, at=Cut.WORD)


def _bare_ampersand(match: re.Match[str]) -> str:
    """feedparser's lenient parser writes a raw "Q&A " as "Q&A; "; the ";" is its own."""
    reference = match.group(0)
    return reference if reference[1:] in html.entities.html5 else reference[:-1]


def absolute_link(link: object, base: str) -> str | None:
    """``link`` resolved against ``base``; None unless it is an http(s) URL."""
    if not isinstance(link, str) or not link.strip():
        return None
    try:
        absolute = urljoin(base, link.strip())
    except ValueError:
        return None
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def minutes(value: object) -> int | None:
    """A positive whole number of minutes, or None."""
    try:
        count = int(str(value).strip())
    except ValueError:
        return None
    return count if count > 0 else None

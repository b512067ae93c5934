"""Feeds (RSS 0.9x/1.0/2.0, Atom, JSON Feed) read into clean items, whatever the web sent.

:func:`parse_feed` reads a fetched document (RSS and Atom through feedparser, JSON Feed by hand)
into drafts that news.feeds.items settles into clean items. It is pure: the bytes come from a
:class:`news.feeds.ports.Fetcher` (news.feeds.fetching) and are decoded by news.core.decoding;
a page that links to its feed is read by news.feeds.discovery.

Choices where the web leaves room for more than one reading:

- Encoding: see news.core.decoding. The document is handed to feedparser as UTF-8, so
  feedparser's own guessing never runs.
- Dates: a missing date, one in the future (beyond a small clock skew), or one date shared by
  every item (scrapers stamp their run time) is replaced by ``now``, the time first seen.
- Language: see news.feeds.items.
- Items: the first of several with one guid is kept; an item with neither title nor
  description is dropped and noted in ``problems``.
- Categories: an item's <category>/Atom category terms and JSON Feed tags, as plain text,
  plus the first path segment of a category domain that is a web address (a section such as
  /technology/); they tell the analysis what kind of story it is (news.catalog.relevance).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import feedparser

from news.core.decoding import decode_document
from news.core.errors import InvalidInput
from news.core.text import clean_text
from news.core.urls import canonical_url
from news.feeds.cleaning import absolute_link, html_to_text, minutes, plain_text
from news.feeds.dates import entry_date, rfc3339
from news.feeds.items import (
    CATEGORY_LIMIT,
    SUMMARY_LIMIT,
    TITLE_LIMIT,
    Draft,
    FeedItem,
    settle_items,
)

ICON_LIMIT = 500


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    format: str  # feedparser's version ("rss20", "atom10", "rss092" …) or "json10"/"json11"
    title: str | None
    link: str | None  # the site's home page
    language: str | None  # as declared, e.g. "ko-KR"
    ttl: int | None  # minutes the publisher asks readers to wait between polls
    items: tuple[FeedItem, ...]
    problems: tuple[str, ...] = ()  # what was wrong and read leniently, short English notes
    icon: str | None = None  # the feed's image (RSS image, Atom icon/logo, JSON Feed icon)


class _Syntax(StrEnum):
    XML = "xml"
    JSON = "json"


def parse_feed(
    data: bytes, *, url: str, content_type: str | None = None, now: datetime
) -> ParsedFeed:
    """Read a fetched feed document; ``url`` is where it came from (the base of relative links).

    Never raises anything but InvalidInput ("not a feed: …") for a document that holds no feed;
    a feed with some broken items returns the others and notes the rest in ``problems``.
    """
    if not data.strip():
        raise InvalidInput("feed.empty")
    text, problems = decode_document(data, content_type)
    body = text.lstrip("\ufeff \t\r\n")
    if _format_of(body, content_type) is _Syntax.JSON:
        return _parse_json_feed(body, url, now, problems)
    return _parse_xml_feed(body, url, now, problems)


def _format_of(body: str, content_type: str | None) -> _Syntax:
    if body.startswith(("{", "[")) or "json" in (content_type or "").lower():
        return _Syntax.JSON
    return _Syntax.XML


# --- XML feeds ---------------------------------------------------------------------------

_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_HTML_PAGE = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)
_MAX_EXCEPTION_TEXT = 120


def _parse_xml_feed(text: str, url: str, now: datetime, problems: list[str]) -> ParsedFeed:
    # Already decoded: say so, and let the declaration agree, so feedparser reads UTF-8.
    utf8 = _XML_DECLARATION.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)
    utf8 = _safe_references(utf8)
    try:
        result = feedparser.parse(
            io.BytesIO(utf8.encode("utf-8", errors="replace")),
            # No content-location: feedparser would resolve guids against it in its loose
            # mode only, so one feed's guids would change with its well-formedness. Links
            # are made absolute below instead (xml:base is still honoured by feedparser).
            response_headers={"content-type": "application/xml; charset=utf-8"},
            sanitize_html=False,  # descriptions become plain text here anyway
            resolve_relative_uris=False,
        )
    except Exception as error:  # feedparser's loose parser has bugs on line noise
        raise InvalidInput("feed.parser_failed", error=type(error).__name__) from error
    version = str(result.get("version") or "")
    entries: list[Any] = list(result.get("entries") or [])
    if not version and not entries:
        raise _not_a_feed(text, result)
    if result.get("bozo"):
        problems.append(f"malformed XML, read leniently: {_describe(result.get('bozo_exception'))}")
    feed = result.get("feed") or {}
    drafts = [_xml_item(entry, url) for entry in entries]
    return _assemble(
        format=version or "unknown",
        title=_optional_text(feed.get("title")),
        link=absolute_link(feed.get("link"), url),
        language=_optional_text(feed.get("language")),
        ttl=minutes(feed.get("ttl")),
        drafts=drafts,
        now=now,
        problems=problems,
        icon=_xml_icon(feed, url),
    )


_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9A-Fa-f]{1,8})|([0-9]{1,10}));")


def _safe_references(text: str) -> str:
    """The document with references to characters that cannot be stored or printed (lone
    surrogates, controls but tab and newline, beyond Unicode) made U+FFFD; feedparser fails
    on some of them, and one item must not cost the whole feed."""
    if "&#" not in text:
        return text
    return _CHARACTER_REFERENCE.sub(_safe_reference, text)


def _safe_reference(match: re.Match[str]) -> str:
    hexadecimal, decimal = match.groups()
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    if code > 0x10FFFF or clean_text(chr(code)) != chr(code):
        return "&#xFFFD;"
    return match.group(0)


def _not_a_feed(text: str, result: Any) -> InvalidInput:
    if _HTML_PAGE.match(text):
        return InvalidInput("feed.web_page")
    if result.get("bozo"):
        return InvalidInput("feed.malformed", problem=_describe(result.get("bozo_exception")))
    return InvalidInput("feed.no_content")


def _describe(error: object) -> str:
    text = " ".join(str(error).split()).replace("<unknown>:", "line ")
    return (text or type(error).__name__)[:_MAX_EXCEPTION_TEXT]


def _xml_item(entry: Any, base: str) -> Draft:
    title_detail = entry.get("title_detail") or {}
    raw_title = str(entry.get("title") or "")
    if "html" in str(title_detail.get("type", "")):
        title = html_to_text(raw_title, TITLE_LIMIT)
    else:
        title = plain_text(raw_title, TITLE_LIMIT)
    link = absolute_link(entry.get("link") or _permalink_guid(entry), base)
    return Draft(
        guid=str(entry.get("id") or "").strip(),
        url=canonical_url(link) if link else None,
        title=title,
        summary=html_to_text(_description(entry), SUMMARY_LIMIT),
        published=entry_date(entry),
        categories=_categories(
            [
                (str(t.get("term") or t.get("label") or ""), str(t.get("scheme") or ""))
                for t in entry.get("tags") or ()
                if isinstance(t, dict)
            ]
        ),
    )


def _permalink_guid(entry: Any) -> str | None:
    guid = str(entry.get("id") or "")
    return guid if guid.startswith(("http://", "https://")) else None


def _description(entry: Any) -> str:
    if entry.get("summary"):
        return str(entry["summary"])
    for content in entry.get("content") or ():
        if content.get("value"):
            return str(content["value"])
    return ""


# --- JSON Feed ---------------------------------------------------------------------------

_JSON_FEED_VERSION = re.compile(r"https?://jsonfeed\.org/version/(\d+)(?:\.(\d+))?")


def _parse_json_feed(text: str, url: str, now: datetime, problems: list[str]) -> ParsedFeed:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput("feed.malformed_json", problem=error.msg) from error
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise InvalidInput("feed.json_without_items")
    version = _JSON_FEED_VERSION.fullmatch(str(document.get("version", "")))
    if version is None:
        problems.append("no JSON Feed version; read as 1.1")
    base = absolute_link(document.get("feed_url"), url) or url
    drafts: list[Draft] = []
    for position, item in enumerate(document["items"], start=1):
        if isinstance(item, dict):
            drafts.append(_json_item(item, base))
        else:
            problems.append(f"item {position} is not a JSON object")
    return _assemble(
        format=f"json{version.group(1)}{version.group(2) or 0}" if version else "json11",
        title=_optional_text(document.get("title")),
        link=absolute_link(document.get("home_page_url"), base),
        language=_optional_text(document.get("language")),
        ttl=None,
        drafts=drafts,
        now=now,
        problems=problems,
        icon=_web_link(document.get("icon") or document.get("favicon"), base),
    )


def _json_item(item: dict[str, Any], base: str) -> Draft:
    link = absolute_link(item.get("url") or item.get("external_url"), base)
    if isinstance(item.get("summary"), str):
        summary = plain_text(item["summary"], SUMMARY_LIMIT)
    elif isinstance(item.get("content_text"), str):
        summary = plain_text(item["content_text"], SUMMARY_LIMIT)
    else:
        summary = html_to_text(str(item.get("content_html") or ""), SUMMARY_LIMIT)
    return Draft(
        guid=str(item.get("id") or "").strip(),
        url=canonical_url(link) if link else None,
        title=plain_text(str(item.get("title") or ""), TITLE_LIMIT),
        summary=summary,
        published=rfc3339(item.get("date_published")) or rfc3339(item.get("date_modified")),
        categories=_categories([(str(tag), "") for tag in _list(item.get("tags"))]),
    )


_SECTION = re.compile(r"^https?://[^/]+/([a-z][a-z0-9-]*)", re.IGNORECASE)


def _categories(tags: list[tuple[str, str]]) -> tuple[str, ...]:
    """Category terms, and the section a category's web-address domain names, each once."""
    found: list[str] = []
    for term, scheme in tags:
        section = _SECTION.match(scheme)
        found += [html_to_text(term, 80), section.group(1).replace("-", " ") if section else ""]
    return tuple(dict.fromkeys(c for c in found if c))[:CATEGORY_LIMIT]


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _assemble(
    *,
    format: str,
    title: str | None,
    link: str | None,
    language: str | None,
    ttl: int | None,
    drafts: list[Draft],
    now: datetime,
    problems: list[str],
    icon: str | None = None,
) -> ParsedFeed:
    items = settle_items(drafts, language=language, now=now, problems=problems)
    return ParsedFeed(format, title, link, language, ttl, items, tuple(problems), icon)


def _xml_icon(feed: Any, base: str) -> str | None:
    """RSS <image><url>, else Atom <icon>, else Atom <logo> (feedparser's names)."""
    image = feed.get("image") or {}
    candidate = image.get("href") if hasattr(image, "get") else None
    return _web_link(candidate or feed.get("icon") or feed.get("logo"), base)


def _web_link(value: object, base: str) -> str | None:
    """An absolute http(s) link of at most 500 characters (a webhook avatar), or None."""
    if not isinstance(value, str):
        return None
    link = absolute_link(value, base)
    return link if link and len(link) <= ICON_LIMIT else None


def _optional_text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return html_to_text(value, TITLE_LIMIT) or None

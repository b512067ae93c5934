"""Feeds (RSS 0.9x/1.0/2.0, Atom, JSON Feed) read into clean items, whatever the web sent.

Entry points: :func:`parse_feed` for a fetched document and :func:`discover_feed_links` for a
web page that links to its feed. Both are pure: the bytes come from a
:class:`news.feeds.ports.Fetcher` (``bot.fetch.SafeFetcher``), whose result and errors are
defined here so that services in ``news`` can use them without importing ``bot``.

Choices where the web leaves room for more than one reading:

- Encoding: a byte-order mark wins; then the charset of the HTTP ``Content-Type``, then the
  XML declaration, each only if the bytes really decode with it (servers and templates often
  lie); then UTF-8; then CP949 when that reads as Korean (old Korean sites omit the
  declaration); then Windows-1252. EUC-KR is read as CP949, its superset. The document is
  handed to feedparser as UTF-8, so feedparser's own guessing never runs.
- Dates: a missing date, one in the future (beyond a small clock skew), or one date shared by
  every item (scrapers stamp their run time) is replaced by ``now``, the time first seen.
- Language: the models know "ko" and "en"; Hangul in the item decides, because many Korean
  sites leave their CMS's default ``en-us`` in the feed. The feed's declared language only
  speaks for items without letters.
- Items: the first of several with one guid is kept; an item with neither title nor
  description is dropped and noted in ``problems``.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import html.entities
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from news.core.errors import InvalidInput, RoundupError
from news.core.text import detect_language
from news.core.urls import canonical_url

TITLE_LIMIT = 300
SUMMARY_LIMIT = 500
# Publishers' clocks and time zones are often a little off; beyond this a date is a mistake.
FUTURE_SKEW = timedelta(minutes=10)


# --- What a fetcher hands back -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One HTTP answer after redirects: a 2xx body, or a 304 when the validators still hold."""

    status: int
    url: str  # the final URL, after redirects
    body: bytes  # empty when not_modified
    content_type: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool = False
    max_age: int | None = None  # seconds, from Cache-Control: how long the answer stays fresh


class FetchError(RoundupError):
    """A URL could not be fetched; the message says why in words a user can act on."""


class UnsupportedScheme(FetchError):
    def __init__(self) -> None:
        super().__init__(
            "Only http:// and https:// addresses can be fetched.",
            ko="http:// 또는 https:// 주소만 가져올 수 있습니다.",
        )


class AddressRefused(FetchError):
    def __init__(self, host: str) -> None:
        super().__init__(
            f"Refused: {host} points to a private, local or reserved network address; "
            "the bot only fetches public web addresses.",
            ko=f"거부됨: {host}은(는) 사설·로컬·예약 네트워크 주소를 가리킵니다. "
            "공개된 웹 주소만 가져올 수 있습니다.",
        )
        self.host = host


class TooManyRedirects(FetchError):
    def __init__(self, limit: int) -> None:
        super().__init__(
            f"The address redirected more than {limit} times.",
            ko=f"주소가 {limit}번 넘게 다른 곳으로 넘겨졌습니다.",
        )


class ResponseTooLarge(FetchError):
    def __init__(self, limit_bytes: int) -> None:
        megabytes = limit_bytes / (1024 * 1024)
        super().__init__(
            f"The answer is larger than {megabytes:g} MB.",
            ko=f"응답이 {megabytes:g} MB보다 큽니다.",
        )


class FetchTimeout(FetchError):
    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"The site did not answer within {seconds:g} seconds.",
            ko=f"사이트가 {seconds:g}초 안에 응답하지 않았습니다.",
        )


class HttpStatusError(FetchError):
    def __init__(self, status: int) -> None:
        super().__init__(
            f"The site answered with HTTP status {status}.",
            ko=f"사이트가 HTTP 상태 {status}(으)로 응답했습니다.",
        )
        self.status = status


class Unreachable(FetchError):
    def __init__(self, host: str) -> None:
        super().__init__(
            f"Could not connect to {host}.",
            ko=f"{host}에 연결할 수 없습니다.",
        )
        self.host = host


class BadResponse(FetchError):
    def __init__(self) -> None:
        super().__init__(
            "The site sent an answer that could not be read.",
            ko="사이트가 읽을 수 없는 응답을 보냈습니다.",
        )


# --- What a feed becomes -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedItem:
    guid: str  # the feed's id for the item; its URL, or a digest of its text, when it has none
    url: str | None  # canonical (news.core.urls.canonical_url); None when not http(s)
    title: str  # plain text, single-spaced, at most TITLE_LIMIT characters
    summary: str  # the description as plain text, at most SUMMARY_LIMIT characters
    published: datetime  # aware UTC; `now` when the feed's date was missing or unusable
    language: str  # "ko" or "en"
    date_from_feed: bool = True  # False when `published` is the time first seen


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    format: str  # feedparser's version ("rss20", "atom10", "rss092" …) or "json10"/"json11"
    title: str | None
    link: str | None  # the site's home page
    language: str | None  # as declared, e.g. "ko-KR"
    ttl: int | None  # minutes the publisher asks readers to wait between polls
    items: tuple[FeedItem, ...]
    problems: tuple[str, ...] = ()  # what was wrong and read leniently, short English notes


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
        raise InvalidInput("not a feed: the document is empty.")
    text, problems = decode_document(data, content_type)
    body = text.lstrip("\ufeff \t\r\n")
    if _format_of(body, content_type) is _Syntax.JSON:
        return _parse_json_feed(body, url, now, problems)
    return _parse_xml_feed(body, url, now, problems)


def _format_of(body: str, content_type: str | None) -> _Syntax:
    if body.startswith(("{", "[")) or "json" in (content_type or "").lower():
        return _Syntax.JSON
    return _Syntax.XML


# --- Encodings ---------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_XML_CHARSET = re.compile(rb"<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
# Declared names read as the superset that browsers use, so more real documents decode.
_SUPERSETS = {
    "euc_kr": "cp949",
    "ascii": "utf-8",
    "latin_1": "cp1252",
    "iso8859_1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
}
_HANGUL_SYLLABLE = re.compile("[\uac00-\ud7a3]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def decode_document(data: bytes, content_type: str | None = None) -> tuple[str, list[str]]:
    """The text of a feed or page, and notes on what the declarations got wrong."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_or_replace(data, encoding)
    if data.startswith(b"<\x00") or data.startswith(b"\x00<"):  # UTF-16 without its mark
        return _decode_or_replace(data, "utf-16-le" if data[0] == ord("<") else "utf-16-be")
    problems: list[str] = []
    for declared in _declared_charsets(data, content_type):
        codec = _codec_name(declared)
        if codec is None:
            problems.append(f"unknown encoding {declared!r} declared")
        elif codec.startswith(("utf_16", "utf_32")):
            continue  # a transcoded document often keeps the UTF-16 declaration of its source
        elif (text := _strict(data, codec)) is not None:
            return text, problems
        else:
            problems.append(f"the bytes are not valid {declared}")
    text, guessed = _undeclared(data)
    if problems or guessed != "utf-8":
        problems.append(f"read as {guessed}")
    return text, problems


def _declared_charsets(data: bytes, content_type: str | None) -> list[str]:
    declared: list[str] = []
    if content_type and (match := _HTTP_CHARSET.search(content_type)):
        declared.append(match.group(1))
    if match_xml := _XML_CHARSET.search(data, 0, 1024):
        declared.append(match_xml.group(1).decode("ascii"))
    return list(dict.fromkeys(name.lower() for name in declared))


def _codec_name(declared: str) -> str | None:
    try:
        name = codecs.lookup(declared).name.replace("-", "_")
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _undeclared(data: bytes) -> tuple[str, str]:
    if (text := _strict(data, "utf-8")) is not None:
        return text, "utf-8"
    if (text := _strict(data, "cp949")) is not None and _reads_as_korean(text):
        return text, "cp949"
    return data.decode("cp1252", errors="replace"), "cp1252"


def _reads_as_korean(text: str) -> bool:
    """CP949 decodes many Western byte pairs as rare Hanja; real Korean is mostly Hangul."""
    hangul = len(_HANGUL_SYLLABLE.findall(text))
    return hangul > 0 and hangul * 2 >= len(_NON_ASCII.findall(text))


def _decode_or_replace(data: bytes, encoding: str) -> tuple[str, list[str]]:
    if (text := _strict(data, encoding)) is not None:
        return text.lstrip("\ufeff"), []
    text = data.decode(encoding, errors="replace").lstrip("\ufeff")
    return text, [f"invalid {encoding} bytes replaced"]


# --- Text --------------------------------------------------------------------------------

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
    return _plain_text(markup, limit)


def _plain_text(value: str, limit: int) -> str:
    text = html.unescape(value)
    if "&" in text:
        text = _UNKNOWN_ENTITY.sub(_bare_ampersand, text)
    return _bounded(_WHITESPACE.sub(" ", text).strip(), limit)


def _bare_ampersand(match: re.Match[str]) -> str:
    """feedparser's lenient parser writes a raw "Q&A " as "Q&A; "; the ";" is its own."""
    reference = match.group(0)
    return reference if reference[1:] in html.entities.html5 else reference[:-1]


def _bounded(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


# --- XML feeds ---------------------------------------------------------------------------

_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_HTML_PAGE = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)
_MAX_EXCEPTION_TEXT = 120


def _parse_xml_feed(text: str, url: str, now: datetime, problems: list[str]) -> ParsedFeed:
    # Already decoded: say so, and let the declaration agree, so feedparser reads UTF-8.
    utf8 = _XML_DECLARATION.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)
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
        raise InvalidInput(f"not a feed: the parser failed ({type(error).__name__}).") from error
    version = str(result.get("version") or "")
    entries: list[Any] = list(result.get("entries") or [])
    if not version and not entries:
        raise InvalidInput(_not_a_feed_reason(text, result))
    if result.get("bozo"):
        problems.append(f"malformed XML, read leniently: {_describe(result.get('bozo_exception'))}")
    feed = result.get("feed") or {}
    drafts = [_xml_item(entry, url) for entry in entries]
    return _assemble(
        format=version or "unknown",
        title=_optional_text(feed.get("title")),
        link=_absolute(feed.get("link"), url),
        language=_optional_text(feed.get("language")),
        ttl=_minutes(feed.get("ttl")),
        drafts=drafts,
        now=now,
        problems=problems,
    )


def _not_a_feed_reason(text: str, result: Any) -> str:
    if _HTML_PAGE.match(text):
        return "not a feed: this is a web page (HTML); its feed may be linked from it."
    if result.get("bozo"):
        return f"not a feed: {_describe(result.get('bozo_exception'))}."
    return "not a feed: no RSS, Atom or JSON Feed content found."


def _describe(error: object) -> str:
    text = " ".join(str(error).split()).replace("<unknown>:", "line ")
    return (text or type(error).__name__)[:_MAX_EXCEPTION_TEXT]


@dataclass(frozen=True, slots=True)
class _Draft:
    """An item as the feed gave it, before dates and duplicates are settled."""

    guid: str
    url: str | None
    title: str
    summary: str
    published: datetime | None


def _xml_item(entry: Any, base: str) -> _Draft:
    title_detail = entry.get("title_detail") or {}
    raw_title = str(entry.get("title") or "")
    if "html" in str(title_detail.get("type", "")):
        title = html_to_text(raw_title, TITLE_LIMIT)
    else:
        title = _plain_text(raw_title, TITLE_LIMIT)
    link = _absolute(entry.get("link") or _permalink_guid(entry), base)
    return _Draft(
        guid=str(entry.get("id") or "").strip(),
        url=canonical_url(link) if link else None,
        title=title,
        summary=html_to_text(_description(entry), SUMMARY_LIMIT),
        published=_entry_date(entry),
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


def _entry_date(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                year, month, day, hour, minute, second = parsed[:6]
                return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
            except (TypeError, ValueError):
                continue
    return None


# --- JSON Feed ---------------------------------------------------------------------------

_JSON_FEED_VERSION = re.compile(r"https?://jsonfeed\.org/version/(\d+)(?:\.(\d+))?")


def _parse_json_feed(text: str, url: str, now: datetime, problems: list[str]) -> ParsedFeed:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(f"not a feed: malformed JSON ({error.msg}).") from error
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise InvalidInput("not a feed: JSON without a JSON Feed 'items' list.")
    version = _JSON_FEED_VERSION.fullmatch(str(document.get("version", "")))
    if version is None:
        problems.append("no JSON Feed version; read as 1.1")
    base = _absolute(document.get("feed_url"), url) or url
    drafts: list[_Draft] = []
    for position, item in enumerate(document["items"], start=1):
        if isinstance(item, dict):
            drafts.append(_json_item(item, base))
        else:
            problems.append(f"item {position} is not a JSON object")
    return _assemble(
        format=f"json{version.group(1)}{version.group(2) or 0}" if version else "json11",
        title=_optional_text(document.get("title")),
        link=_absolute(document.get("home_page_url"), base),
        language=_optional_text(document.get("language")),
        ttl=None,
        drafts=drafts,
        now=now,
        problems=problems,
    )


def _json_item(item: dict[str, Any], base: str) -> _Draft:
    link = _absolute(item.get("url") or item.get("external_url"), base)
    if isinstance(item.get("summary"), str):
        summary = _plain_text(item["summary"], SUMMARY_LIMIT)
    elif isinstance(item.get("content_text"), str):
        summary = _plain_text(item["content_text"], SUMMARY_LIMIT)
    else:
        summary = html_to_text(str(item.get("content_html") or ""), SUMMARY_LIMIT)
    return _Draft(
        guid=str(item.get("id") or "").strip(),
        url=canonical_url(link) if link else None,
        title=_plain_text(str(item.get("title") or ""), TITLE_LIMIT),
        summary=summary,
        published=_rfc3339(item.get("date_published")) or _rfc3339(item.get("date_modified")),
    )


def _rfc3339(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:  # JSON Feed requires an offset; a missing one is most often UTC
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


# --- Items -------------------------------------------------------------------------------


def _assemble(
    *,
    format: str,
    title: str | None,
    link: str | None,
    language: str | None,
    ttl: int | None,
    drafts: list[_Draft],
    now: datetime,
    problems: list[str],
) -> ParsedFeed:
    usable = _usable(drafts, problems)
    settled = _settled_dates(usable, now, problems)
    feed_language = _primary_language(language)
    items = tuple(
        FeedItem(
            guid=draft.guid,
            url=draft.url,
            title=draft.title,
            summary=draft.summary,
            published=published,
            language=_item_language(f"{draft.title} {draft.summary}", feed_language),
            date_from_feed=from_feed,
        )
        for draft, (published, from_feed) in zip(usable, settled, strict=True)
    )
    return ParsedFeed(format, title, link, language, ttl, items, tuple(problems))


def _usable(drafts: list[_Draft], problems: list[str]) -> list[_Draft]:
    """Items with something to show, each guid once; a missing title borrows the summary."""
    seen: set[str] = set()
    usable: list[_Draft] = []
    untitled = repeated = 0
    for draft in drafts:
        title = draft.title or _bounded(draft.summary, 120)
        if not title:
            untitled += 1
            continue
        guid = draft.guid or draft.url or _digest(title, draft.summary)
        if guid in seen:
            repeated += 1
            continue
        seen.add(guid)
        usable.append(
            _Draft(guid, draft.url, title, draft.summary, draft.published)
            if (guid, title) != (draft.guid, draft.title)
            else draft
        )
    if untitled:
        problems.append(f"{untitled} item(s) without title or description dropped")
    if repeated:
        problems.append(f"{repeated} item(s) repeating an earlier guid dropped")
    return usable


def _digest(title: str, summary: str) -> str:
    return "sha1:" + hashlib.sha1(f"{title}\n{summary}".encode()).hexdigest()


def _settled_dates(
    drafts: list[_Draft], now: datetime, problems: list[str]
) -> list[tuple[datetime, bool]]:
    """Each item's date and whether the feed gave it: missing, future and feed-wide identical
    dates are replaced by now."""
    dates = [draft.published for draft in drafts]
    known = [date for date in dates if date is not None]
    if len(known) > 1 and len(known) == len(dates) and len(set(known)) == 1:
        problems.append("every item has the same date; using the time first seen")
        return [(now, False)] * len(dates)
    latest = now + FUTURE_SKEW
    future = sum(1 for date in known if date > latest)
    if future:
        problems.append(f"{future} item(s) dated in the future; using the time first seen")
    return [(date, True) if date and date <= latest else (now, False) for date in dates]


def _item_language(text: str, feed_language: str | None) -> str:
    if any(char.isalpha() for char in text):
        return detect_language(text)
    return feed_language or "en"


def _primary_language(declared: str | None) -> str | None:
    primary = (declared or "").split("-")[0].split("_")[0].strip().lower()
    return primary if primary in ("ko", "en") else None


def _optional_text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return html_to_text(value, TITLE_LIMIT) or None


def _absolute(link: object, base: str) -> str | None:
    if not isinstance(link, str) or not link.strip():
        return None
    try:
        absolute = urljoin(base, link.strip())
    except ValueError:
        return None
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def _minutes(value: object) -> int | None:
    try:
        minutes = int(str(value).strip())
    except ValueError:
        return None
    return minutes if minutes > 0 else None


# --- Finding a page's feed -----------------------------------------------------------------

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml"}
)


def discover_feed_links(html_text: str, base_url: str) -> list[str]:
    """Absolute URLs of the feeds a page announces with ``<link rel="alternate" type=…>``,
    in page order, each once (``<base href>`` honoured)."""
    finder = _FeedLinkFinder(base_url)
    try:
        finder.feed(html_text)
        finder.close()
    except AssertionError:  # html.parser's reaction to some broken markup: keep what we have
        pass
    return list(dict.fromkeys(finder.links))


class _FeedLinkFinder(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "base" and attributes.get("href"):
            self.base_url = urljoin(self.base_url, attributes["href"].strip())
        elif tag == "link" and _announces_feed(attributes):
            link = _absolute(attributes.get("href"), self.base_url)
            if link:
                self.links.append(link)


def _announces_feed(attributes: dict[str, str]) -> bool:
    rel = attributes.get("rel", "").lower().split()
    kind = attributes.get("type", "").split(";")[0].strip().lower()
    return "alternate" in rel and kind in FEED_TYPES

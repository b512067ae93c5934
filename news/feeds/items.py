"""Feed items made usable: each guid once, a title for every item, dates settled, a language.

Language: the models know "ko" and "en"; Hangul in the item decides, because many Korean sites
leave their CMS's default ``en-us`` in the feed. The feed's declared language only speaks for
items without letters.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from news.core.text import Cut, clean_text, detect_language, truncate
from news.feeds.dates import settled_dates

TITLE_LIMIT = 300
SUMMARY_LIMIT = 500
CATEGORY_LIMIT = 10  # an item's categories kept (sections and tags); each at most 80 chars


@dataclass(frozen=True, slots=True)
class FeedItem:
    guid: str  # the feed's id for the item; its URL, or a digest of its text, when it has none
    url: str | None  # canonical (news.core.urls.canonical_url); None when not http(s)
    title: str  # plain text, single-spaced, at most TITLE_LIMIT characters
    summary: str  # the description as plain text, at most SUMMARY_LIMIT characters
    published: datetime  # aware UTC; `now` when the feed's date was missing or unusable
    language: str  # "ko" or "en"
    date_from_feed: bool = True  # False when `published` is the time first seen
    categories: tuple[str, ...] = ()  # the feed's sections and tags for the item, as written


@dataclass(frozen=True, slots=True)
class Draft:
    """An item as the feed gave it, before dates and duplicates are settled."""

    guid: str
    url: str | None
    title: str
    summary: str
    published: datetime | None
    categories: tuple[str, ...] = ()


def settle_items(
    drafts: list[Draft], *, language: str | None, now: datetime, problems: list[str]
) -> tuple[FeedItem, ...]:
    """The feed's items from its drafts; what was dropped or replaced is noted in ``problems``."""
    usable = _usable(drafts, problems)
    settled = settled_dates([draft.published for draft in usable], now, problems)
    feed_language = _primary_language(language)
    return tuple(
        FeedItem(
            guid=draft.guid,
            url=draft.url,
            title=draft.title,
            summary=draft.summary,
            published=published,
            language=_item_language(f"{draft.title} {draft.summary}", feed_language),
            date_from_feed=from_feed,
            categories=draft.categories,
        )
        for draft, (published, from_feed) in zip(usable, settled, strict=True)
    )


def _usable(drafts: list[Draft], problems: list[str]) -> list[Draft]:
    """Items with something to show, each guid once; a missing title borrows the summary."""
    seen: set[str] = set()
    usable: list[Draft] = []
    untitled = repeated = 0
    for draft in drafts:
        title = draft.title or truncate(draft.summary, 120, at=Cut.WORD)
        if not title:
            untitled += 1
            continue
        guid = draft.guid or draft.url or _digest(title, draft.summary)
        if guid in seen:
            repeated += 1
            continue
        seen.add(guid)
        usable.append(
            Draft(guid, draft.url, title, draft.summary, draft.published, draft.categories)
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


def _item_language(text: str, feed_language: str | None) -> str:
    if any(char.isalpha() for char in text):
        return detect_language(text)
    return feed_language or "en"


def _primary_language(declared: str | None) -> str | None:
    primary = (declared or "").split("-")[0].split("_")[0].strip().lower()
    return primary if primary in ("ko", "en") else None


def is_news(item: FeedItem, newest_before: datetime | None) -> bool:
    """Whether an item may be announced: undated (first seen now), or dated no earlier than
    the newest item the feed gave before (a feed re-sending old items announces nothing)."""
    return not item.date_from_feed or newest_before is None or item.published >= newest_before


def newest_date(items: Sequence[FeedItem], before: datetime | None) -> datetime | None:
    """The newest date the feed has given, this poll's items included (their own dates)."""
    dates = [item.published for item in items if item.date_from_feed]
    if before is not None:
        dates.append(before)
    return max(dates, default=None)


def item_label(title: str, url: str | None) -> str:
    """An item named for a log line or a report: its link, or its title, escaped and short."""
    return truncate(clean_text(url or title), 120)

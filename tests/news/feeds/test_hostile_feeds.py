"""Hostile text where it enters (issue 17): whatever a feed, a file or a page holds, what is
kept can be stored and printed: no control character but tab and newline, no lone surrogate,
titles and summaries capped; and filing it never fails. Strategies: testkit/hostile.py."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given

from db import Database, SqlCompanyRepository, SqlFeedRepository, SqlTopicRepository
from news.archive.importing import RoundupBuilder
from news.core.text import clean_text
from news.feeds.items import SUMMARY_LIMIT, TITLE_LIMIT
from news.feeds.parse import parse_feed
from news.feeds.sources import FeedSource
from testkit.hostile import hostile_entering_text, hostile_settings

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def is_clean(text: str) -> bool:
    text.encode("utf-8")  # raises on a lone surrogate
    return UNSAFE.search(text) is None


@hostile_settings(200)
@given(text=hostile_entering_text())
def test_cleaned_text_is_clean_and_cleaning_twice_changes_nothing(text: str) -> None:
    cleaned = clean_text(text)

    assert is_clean(cleaned)
    assert clean_text(cleaned) == cleaned


def json_feed(title: str, summary: str, feed_title: str) -> bytes:
    item = {"id": "1", "title": title, "content_text": summary, "url": "https://n.test/1"}
    plain = {"id": "2", "title": "A plain story", "url": "https://n.test/2"}
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed_title,
        "items": [item, plain],
    }
    return json.dumps(document, ensure_ascii=True).encode()  # "\ud800" as its JSON escape


def rss_feed(title: str, summary: str) -> bytes:
    def refs(text: str) -> str:  # every character as a reference: entities carry anything
        return "".join(f"&#x{ord(char):x};" for char in text)

    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F</title>'
        f"<item><title>{refs(title)}</title><description>{refs(summary)}</description>"
        "<link>https://n.test/1</link></item></channel></rss>"
    ).encode()


@hostile_settings()
@given(
    title=hostile_entering_text(0, 2000),
    summary=hostile_entering_text(0, 5000),
    feed_title=hostile_entering_text(0, 500),
)
def test_a_json_feeds_hostile_text_comes_out_clean_and_capped(
    title: str, summary: str, feed_title: str
) -> None:
    parsed = parse_feed(json_feed(title, summary, feed_title), url="https://n.test/", now=NOW)

    assert parsed.title is None or is_clean(parsed.title)
    assert any(item.title == "A plain story" for item in parsed.items)
    for item in parsed.items:
        assert is_clean(item.title) and is_clean(item.summary)
        assert len(item.title) <= TITLE_LIMIT and len(item.summary) <= SUMMARY_LIMIT


@hostile_settings()
@given(title=hostile_entering_text(1, 500), summary=hostile_entering_text(0, 2000))
def test_an_rss_feeds_character_references_come_out_clean(title: str, summary: str) -> None:
    parsed = parse_feed(rss_feed(title, summary), url="https://n.test/", now=NOW)

    for item in parsed.items:
        assert is_clean(item.title) and is_clean(item.summary)


async def file_one(path: Path, title: str, summary: str) -> tuple[int, int]:
    async with await Database.open(path) as database:
        builder = RoundupBuilder(
            await SqlCompanyRepository(database).all_companies(),
            await SqlTopicRepository(database).all_topics(),
        )
        repo = SqlFeedRepository(database)
        followed, _ = await repo.follow_feed(
            1, FeedSource(0, "https://n.test/feed", "F"), name=None, added_by=None, added_at=NOW
        )
        parsed = parse_feed(json_feed(title, summary, "F"), url="https://n.test/", now=NOW)
        headlines = [
            builder.headline(
                item.title,
                url=item.url,
                summary=item.summary,
                language=item.language,
                published_at=item.published,
            )
            for item in parsed.items
        ]
        _, linked = await repo.file_stories(followed.source.id, headlines, alert=False)
        return linked, len(headlines)


@hostile_settings(20)
@given(title=hostile_entering_text(1, 1000), summary=hostile_entering_text(0, 3000))
def test_filing_a_hostile_feed_item_never_fails(tmp_path: Path, title: str, summary: str) -> None:
    path = tmp_path / "hostile.db"
    path.unlink(missing_ok=True)

    linked, items = asyncio.run(file_one(path, title, summary))

    assert linked == items == 2

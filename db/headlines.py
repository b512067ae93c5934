"""Headlines as every feature stores and reads them: one row per story (deduplicated by
canonical URL, or normalised title when there is no link), linked to the sources that brought it,
tagged with companies and topics, and waiting for the alert matcher when it is news.

A feed's stories are shared by URL: a feed entry reads the same for every server following the
feed. An imported roundup owns its headlines (``roundup_id``; keys prefixed with
``roundup:<id>:``), so that what one import files never rewrites what another filed.

Imports (db/roundups.py) and feeds (db/feeds.py) file headlines through here; every reader turns
a headline_view row into a Headline with headline_from_row.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from news.core.models import Headline, NewHeadline
from news.core.text import normalize
from news.core.weeks import week_bounds, week_of

from db import guild_tags
from db.backend import Dialect, Row, Session, json_list_sql
from db.times import from_unix, unix

ID_BITS = 32
# The low ID_BITS bits of a sort key are the headline id (a CHECK in the schema holds it).
ID_MASK = (1 << ID_BITS) - 1
ALL_KEYS = (-(2**63), 2**63 - 1)

_HEADLINES_BY_KEY = json_list_sql(
    "SELECT id, dedupe_key, sort_key, url FROM headlines WHERE dedupe_key IN {keys}",
    keys="text",
)
# On PostgreSQL, writers of other processes run at once: a transaction-scoped advisory lock
# serialises the writers of headlines, as BEGIN IMMEDIATE does on SQLite, so the max(id)
# read below stays the max until commit. The key is an arbitrary constant of ours.
_LOCK_HEADLINES = "SELECT pg_advisory_xact_lock(1801)"
_NEXT_HEADLINE_ID = "SELECT coalesce(max(id), 0) + 1 AS next_id FROM headlines"
_INSERT_HEADLINE = """
INSERT INTO headlines (id, dedupe_key, url, title, summary, language, published_at, week,
                       sort_key, relevance, roundup_id)
VALUES (:id, :dedupe_key, :url, :title, :summary, :language, :published_at, :week, :sort_key,
        :relevance, :roundup_id)
"""
_UPDATE_HEADLINE = """
UPDATE headlines
   SET url = coalesce(:url, url), title = :title, summary = :summary, language = :language,
       published_at = :published_at, week = :week, sort_key = :sort_key,
       relevance = :relevance
 WHERE id = :id
"""
_LINK_SOURCE = """
INSERT INTO headline_sources (headline_id, source_id) VALUES (:id, :source_id)
ON CONFLICT DO NOTHING
"""
_QUEUE_FOR_ALERTS = "INSERT INTO alert_inbox (headline_id) VALUES (:id) ON CONFLICT DO NOTHING"
_LINKED_TO_SOURCE = json_list_sql(
    """
SELECT headline_id FROM headline_sources WHERE source_id = :source_id AND headline_id IN {ids}
""",
    ids="bigint",
)
_UNLINK_COMPANIES = "DELETE FROM headline_companies WHERE headline_id = :id"
_UNLINK_TOPICS = "DELETE FROM headline_topics WHERE headline_id = :id"
_UNLINK_MENTIONS = "DELETE FROM headline_mentions WHERE headline_id = :id"
_LINK_MENTION = """
INSERT INTO headline_mentions (headline_id, company_id) VALUES (:id, :company_id)
ON CONFLICT DO NOTHING
"""
_LINK_COMPANY = """
INSERT INTO headline_companies (headline_id, company_id, sort_key)
VALUES (:id, :company_id, :sort_key)
ON CONFLICT DO NOTHING
"""
_LINK_TOPIC = """
INSERT INTO headline_topics (headline_id, topic_id) VALUES (:id, :topic_id)
ON CONFLICT DO NOTHING
"""


def sort_key(published_at: int, headline_id: int) -> int:
    """Newest-first order key: the minute of publication, then the id as a tie-breaker."""
    return (published_at // 60 << ID_BITS) + headline_id


def week_key_range(week: str) -> tuple[int, int]:
    """The inclusive range of sort keys of headlines published in ``week`` (UTC)."""
    start, end = week_bounds(week)
    return sort_key(unix(start), 0), sort_key(unix(end), 0) - 1


@functools.lru_cache(maxsize=8192)  # asked three times per headline during one save
def dedupe_key(headline: NewHeadline) -> str:
    """Its canonical URL, or its normalised title when it has no link."""
    url = (headline.url or "").strip()
    return url or "title:" + normalize(headline.title)


@dataclass(frozen=True, slots=True)
class StoredHeadline:
    id: int
    sort_key: int
    old_sort_key: int | None  # None when the headline is new
    url: str | None  # as stored: an update without a link keeps the link it had
    headline: NewHeadline  # the text that was written (the last occurrence of its key)


async def store_headlines(
    tx: Session,
    headlines: Sequence[NewHeadline],
    source_id: int,
    *,
    alert: bool,
    roundup_id: int | None = None,
) -> dict[str, StoredHeadline]:
    """Upsert the headlines with their links and index rows; returns what each key became
    (by dedupe_key, without the roundup's prefix). With ``roundup_id``, they are the
    roundup's own rows. With ``alert``, the headlines new to the archive wait in the inbox of
    the alert matcher, written in this transaction so that no stored headline escapes it."""
    # The last occurrence of a key wins, as the freshest text of that story.
    latest = {dedupe_key(headline): headline for headline in headlines}
    prefix = roundup_key_prefix(roundup_id)
    stored = await _assign_ids(tx, latest, prefix)
    # FTS5 flushes its pending terms to a new segment whenever a rowid is lower than the one
    # before it, so rows go in by ascending sort key: one segment per save, not hundreds.
    keys = sorted(latest, key=lambda key: stored[key].sort_key)
    all_rows = [_headline_row(key, latest[key], stored[key], prefix, roundup_id) for key in keys]
    new_rows = [row for row in all_rows if row["old_sort_key"] is None]
    updated_rows = [row for row in all_rows if row["old_sort_key"] is not None]
    await tx.executemany(_INSERT_HEADLINE, new_rows)
    if alert:
        await tx.executemany(_QUEUE_FOR_ALERTS, new_rows)
        known = [stored[key].id for key in keys if stored[key].old_sort_key is not None]
        await _queue_new_to_source(tx, known, source_id)
    await tx.executemany(_UPDATE_HEADLINE, updated_rows)
    await tx.index.unindex_headlines(tx, updated_rows)
    await tx.executemany(_UNLINK_COMPANIES, updated_rows)
    await tx.executemany(_UNLINK_TOPICS, updated_rows)
    await tx.executemany(_UNLINK_MENTIONS, updated_rows)
    await tx.index.index_headlines(tx, all_rows)
    await tx.executemany(_LINK_SOURCE, [{"id": r["id"], "source_id": source_id} for r in all_rows])
    await tx.executemany(_LINK_COMPANY, _company_links(latest, stored))
    await tx.executemany(_LINK_TOPIC, _topic_links(latest, stored))
    await tx.executemany(_LINK_MENTION, _mention_links(latest, stored))
    return stored


async def store_new_headlines(
    tx: Session, headlines: Sequence[NewHeadline], source_id: int, *, alert: bool
) -> tuple[int, int]:
    """File the headlines the archive lacks, and link every headline to the source.

    A story already filed (by this source or another) keeps its text, date and id: it is
    only linked, so that every guild following the source sees it and a feed polled again
    never moves a story to another week. Returns (stories filed now, stories linked in all).
    """
    latest = {dedupe_key(headline): headline for headline in headlines}
    await _lock_headlines(tx)
    rows = await tx.fetch_all(_HEADLINES_BY_KEY, {"keys": json.dumps(list(latest))})
    keys = {row["dedupe_key"]: (int(row["id"]), int(row["sort_key"])) for row in rows}
    known = {key: headline_id for key, (headline_id, _) in keys.items()}
    fresh = [headline for key, headline in latest.items() if key not in known]
    if fresh:  # most polls of a busy feed bring nothing new: spare the id lookups
        stored = await store_headlines(tx, fresh, source_id, alert=alert)
        keys.update((key, (row.id, row.sort_key)) for key, row in stored.items())
    if alert:
        await _queue_new_to_source(tx, list(known.values()), source_id)
    await tx.executemany(_LINK_SOURCE, [{"id": i, "source_id": source_id} for i in known.values()])
    # The following servers' own tags, in this transaction: the alert matcher reads them.
    own = [
        {"guild_id": guild, "id": keys[key][0], "company_id": company, "sort_key": keys[key][1]}
        for key, headline in latest.items()
        for guild, company in headline.guild_company_ids
    ]
    await guild_tags.link(tx, own)
    return len(fresh), len(latest)


async def _queue_new_to_source(tx: Session, headline_ids: list[int], source_id: int) -> None:
    """Stories the archive had from elsewhere but this source brings for the first time wait
    for the alert matcher again: they are news to the servers that follow only this source.
    Nobody hears twice, as the outbox holds one row per user and headline."""
    if not headline_ids:
        return
    params = {"source_id": source_id, "ids": json.dumps(headline_ids)}
    linked = {row["headline_id"] for row in await tx.fetch_all(_LINKED_TO_SOURCE, params)}
    await tx.executemany(_QUEUE_FOR_ALERTS, [{"id": i} for i in headline_ids if i not in linked])


async def _lock_headlines(tx: Session) -> None:
    """Hold the writers of headlines off until commit; SQLite's BEGIN IMMEDIATE already has."""
    if tx.dialect is Dialect.POSTGRES:
        await tx.fetch_one(_LOCK_HEADLINES)


def roundup_key_prefix(roundup_id: int | None) -> str:
    """What prefixes the dedupe keys of a roundup's own headlines ('' for shared rows)."""
    return "" if roundup_id is None else f"roundup:{roundup_id:d}:"


async def _assign_ids(
    tx: Session, latest: dict[str, NewHeadline], prefix: str = ""
) -> dict[str, StoredHeadline]:
    """Known headlines keep their id; new ones get the next free ids.

    We choose ids ourselves because the sort key embeds the id and must be written with the
    row; BEGIN IMMEDIATE guarantees nobody else inserts meanwhile.
    """
    await _lock_headlines(tx)
    keys = [prefix + key for key in latest]
    known_rows, next_rows = await tx.fetch_each(
        [(_HEADLINES_BY_KEY, {"keys": json.dumps(keys)}), (_NEXT_HEADLINE_ID, {})]
    )
    existing = {row["dedupe_key"].removeprefix(prefix): row for row in known_rows}
    next_id = int(next_rows[0]["next_id"]) if next_rows else 1
    stored = {}
    for key, headline in latest.items():
        known = existing.get(key)
        old_key: int | None = None
        url = headline.url
        if known is None:
            headline_id = next_id
            next_id += 1
        else:
            headline_id, old_key = int(known["id"]), int(known["sort_key"])
            url = url or known["url"]
        new_key = sort_key(unix(headline.published_at), headline_id)
        stored[key] = StoredHeadline(headline_id, new_key, old_key, url, headline)
    return stored


def _headline_row(
    key: str,
    headline: NewHeadline,
    stored: StoredHeadline,
    prefix: str = "",
    roundup_id: int | None = None,
) -> dict[str, object]:
    published, _, week = publication(headline.published_at)
    return {
        "id": stored.id,
        "dedupe_key": prefix + key,
        "roundup_id": roundup_id,
        "url": headline.url,
        "title": headline.title,
        "summary": headline.summary,
        "language": headline.language,
        "published_at": published,
        "week": week,
        "sort_key": stored.sort_key,
        "old_sort_key": stored.old_sort_key,
        "relevance": min(max(headline.relevance, 0.0), 1.0),
        "company_ids": headline.company_ids,
        "topic_ids": headline.topic_ids,
    }


def _company_links(
    latest: dict[str, NewHeadline], stored: dict[str, StoredHeadline]
) -> list[dict[str, int]]:
    return [
        {"id": stored[key].id, "company_id": company_id, "sort_key": stored[key].sort_key}
        for key, headline in latest.items()
        for company_id in headline.company_ids
    ]


def _mention_links(
    latest: dict[str, NewHeadline], stored: dict[str, StoredHeadline]
) -> list[dict[str, int]]:
    return [
        {"id": stored[key].id, "company_id": company_id}
        for key, headline in latest.items()
        for company_id in headline.mention_ids
        if company_id not in headline.company_ids
    ]


def _topic_links(
    latest: dict[str, NewHeadline], stored: dict[str, StoredHeadline]
) -> list[dict[str, int]]:
    return [
        {"id": stored[key].id, "topic_id": topic_id}
        for key, headline in latest.items()
        for topic_id in headline.topic_ids
    ]


def headline_from_row(row: Row) -> Headline:
    """A Headline from a headline_view row; companies and topics sorted for stable output."""
    return Headline(
        id=row["id"],
        title=row["title"],
        url=row["url"],
        summary=row["summary"],
        language=row["language"],
        published_at=from_unix(row["published_at"]),
        week=row["week"],
        companies=tuple(sorted(json.loads(row["companies_json"]))),
        topics=tuple(sorted(json.loads(row["topics_json"]))),
    )


@functools.lru_cache(maxsize=1024)  # the headlines of one import share their time
def publication(moment: datetime) -> tuple[int, datetime, str]:
    """Seconds since the epoch, the UTC time they stand for, and its ISO week."""
    seconds = unix(moment)
    utc = from_unix(seconds)
    return seconds, utc, week_of(utc)

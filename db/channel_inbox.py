"""The channel inbox, written by a feed poll in the transaction that files its stories: every
story the source brings for the first time waits there for the channels that post the source
(db/channels.py reads it). Only sources some channel posts keep an inbox at all."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from news.core.models import NewHeadline

from db.backend import Session, json_list_sql
from db.headlines import dedupe_key
from db.times import unix

_POSTED = """
SELECT 1 FROM channel_feeds WHERE source_id = :source_id AND channel_id IS NOT NULL LIMIT 1
"""
_LINKED = json_list_sql(
    """
SELECT h.dedupe_key FROM headlines AS h
  JOIN headline_sources AS hs ON hs.headline_id = h.id AND hs.source_id = :source_id
 WHERE h.dedupe_key IN {keys}
""",
    keys="text",
)
_QUEUE = json_list_sql(
    """
INSERT INTO channel_inbox (source_id, headline_id, queued_at)
SELECT CAST(:source_id AS bigint), id, CAST(:queued_at AS bigint) FROM headlines
 WHERE dedupe_key IN {keys}
ON CONFLICT DO NOTHING
""",
    keys="text",
)


async def channels_post(tx: Session, source_id: int) -> bool:
    """Whether some server posts this source to a channel."""
    return await tx.fetch_one(_POSTED, {"source_id": source_id}) is not None


async def linked_keys(tx: Session, source_id: int, headlines: Sequence[NewHeadline]) -> set[str]:
    """The dedupe keys of these headlines the source brought before (a re-sent item, whatever
    its new date or GUID, has the same canonical URL, so the same key)."""
    keys = json.dumps(sorted({dedupe_key(headline) for headline in headlines}))
    rows = await tx.fetch_all(_LINKED, {"source_id": source_id, "keys": keys})
    return {str(row["dedupe_key"]) for row in rows}


async def queue_for_channels(
    tx: Session, source_id: int, headlines: Sequence[NewHeadline], now: datetime
) -> None:
    if not headlines:
        return
    keys = json.dumps(sorted({dedupe_key(headline) for headline in headlines}))
    await tx.execute(_QUEUE, {"source_id": source_id, "keys": keys, "queued_at": unix(now)})

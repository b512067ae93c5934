"""Weekly digests: the posting record, the week's candidate headlines, each guild's options."""

from __future__ import annotations

from collections.abc import Collection

from news.catalog.relevance import Strictness
from news.core.models import DigestCandidate, GuildSettings
from news.digest.posts import DigestOptions, DigestPart, DigestPost, OptionPart, PostState

from db import guild_tags
from db.backend import Database, Row, part_columns
from db.headlines import headline_from_row, week_key_range
from db.times import from_unix, from_unix_or_none, unix

# The week's visible headlines, newest first, with the story each was placed in when it
# arrived (NULL for rows stored before) and the outlet that ran each: the title of a
# followed feed, else the publisher of the guild's roundup of that week that listed it.
# Imported headlines are filed under their roundup's week, so one week of roundups suffices.
_WEEK_CANDIDATES = """
WITH week_headlines AS MATERIALIZED (
    SELECT h.id, h.sort_key, h.cluster_id, h.relevance
      FROM headlines AS h
     WHERE h.sort_key BETWEEN :low AND :high
       AND EXISTS (SELECT 1 FROM guild_headlines AS g
                    WHERE g.guild_id = :guild_id AND g.headline_id = h.id)
),
publishers AS MATERIALIZED (
    SELECT i.headline_id, max(r.publisher) AS publisher
      FROM roundups AS r
      JOIN roundup_sections AS s ON s.roundup_id = r.id
      JOIN roundup_items AS i ON i.section_id = s.id
     WHERE r.guild_id = :guild_id AND r.week = :week AND r.publisher IS NOT NULL
     GROUP BY i.headline_id
)
SELECT v.*,
       w.cluster_id,
       w.relevance,
       coalesce(
           (SELECT nullif(src.title, '')
              FROM headline_sources AS hs
              JOIN guild_sources AS gs ON gs.source_id = hs.source_id AND gs.guild_id = :guild_id
              JOIN sources AS src ON src.id = hs.source_id
             WHERE hs.headline_id = w.id AND src.kind = 'feed'
             ORDER BY src.id
             LIMIT 1),
           p.publisher
       ) AS source
  FROM week_headlines AS w
  JOIN headline_view AS v ON v.sort_key = w.sort_key
  LEFT JOIN publishers AS p ON p.headline_id = w.id
 ORDER BY w.sort_key DESC
"""
_GET_POST = "SELECT * FROM digest_posts WHERE guild_id = :guild_id AND week = :week"
_GET_PARTS = """
SELECT part, nonce, marker, message_id FROM digest_parts
 WHERE guild_id = :guild_id AND week = :week AND edition = :edition
 ORDER BY part
"""
_SAVE_POST = """
INSERT INTO digest_posts (guild_id, week, state, channel_id, edition, part_count, created_at,
                          updated_at, last_error)
VALUES (:guild_id, :week, :state, :channel_id, :edition, :part_count, :created_at, :updated_at,
        :last_error)
ON CONFLICT (guild_id, week) DO UPDATE
   SET state = excluded.state,
       channel_id = excluded.channel_id,
       edition = excluded.edition,
       part_count = excluded.part_count,
       updated_at = excluded.updated_at,
       last_error = excluded.last_error
"""
_PLAN_PART = """
INSERT INTO digest_parts (guild_id, week, edition, part, nonce, marker, message_id)
VALUES (:guild_id, :week, :edition, :part, :nonce, :marker, :message_id)
ON CONFLICT (guild_id, week, edition, part) DO UPDATE
   SET nonce = excluded.nonce, marker = excluded.marker, message_id = excluded.message_id
"""
_RECORD_PART = """
UPDATE digest_parts SET message_id = :message_id
 WHERE guild_id = :guild_id AND week = :week AND edition = :edition AND part = :part
"""
_UNFINISHED = """
SELECT guild_id, week FROM digest_posts
 WHERE state IN ('pending', 'posting', 'failed')
 ORDER BY guild_id, week
"""
_SCHEDULED_GUILDS = """
SELECT guild_id, digest_channel_id, digest_weekday, digest_hour, timezone, language,
       alert_channel_id
  FROM guild_settings
 WHERE digest_channel_id IS NOT NULL
 ORDER BY guild_id
"""
_GET_OPTIONS = """
SELECT digest_thread, digest_max_sections, digest_max_items, digest_scheduled_since,
       digest_relevance
  FROM guild_settings
 WHERE guild_id = :guild_id
"""
# The column of each part of the options that is written apart (see OptionPart).
_OPTION_COLUMNS = {
    OptionPart.THREAD: ("digest_thread",),
    OptionPart.SECTIONS: ("digest_max_sections",),
    OptionPart.ITEMS: ("digest_max_items",),
    OptionPart.RELEVANCE: ("digest_relevance",),
    OptionPart.SCHEDULE: ("digest_scheduled_since",),
}


def _save_options_sql(parts: Collection[OptionPart]) -> str:
    """Set the columns of ``parts`` in the guild's settings row, returning the row's key (no
    row: not set up); with no parts, only whether the row exists."""
    columns = part_columns(parts, _OPTION_COLUMNS)
    if not columns:
        return "SELECT guild_id FROM guild_settings WHERE guild_id = :guild_id"
    sets = ", ".join(f"{column} = :{column}" for column in columns)
    return f"UPDATE guild_settings SET {sets} WHERE guild_id = :guild_id RETURNING guild_id"


class SqlDigestRepository:
    """news.digest.ports.DigestRepository on either backend."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def week_candidates(self, guild_id: int, week: str) -> list[DigestCandidate]:
        low, high = week_key_range(week)
        rows = await self._db.fetch_all(
            _WEEK_CANDIDATES, {"guild_id": guild_id, "week": week, "low": low, "high": high}
        )
        # The companies shown include the guild's own tags on feed headlines (db/guild_tags.py).
        headlines = await guild_tags.with_own_companies(
            self._db, guild_id, map(headline_from_row, rows)
        )
        return [
            DigestCandidate(headline, row["source"], row["cluster_id"], row["relevance"])
            for headline, row in zip(headlines, rows, strict=True)
        ]

    async def get_post(self, guild_id: int, week: str) -> DigestPost | None:
        async with self._db.snapshot() as reads:
            row = await reads.fetch_one(_GET_POST, {"guild_id": guild_id, "week": week})
            if row is None:
                return None
            parts = await reads.fetch_all(
                _GET_PARTS, {"guild_id": guild_id, "week": week, "edition": row["edition"]}
            )
        return _post(row, parts)

    async def save_post(self, post: DigestPost) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                _SAVE_POST,
                {
                    "guild_id": post.guild_id,
                    "week": post.week,
                    "state": str(post.state),
                    "channel_id": post.channel_id,
                    "edition": post.edition,
                    "part_count": post.part_count,
                    "created_at": unix(post.created_at),
                    "updated_at": unix(post.updated_at),
                    "last_error": post.last_error,
                },
            )

    async def plan_part(self, post: DigestPost, part: DigestPart) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                _PLAN_PART,
                {
                    **_part_key(post, part.index),
                    "nonce": part.nonce,
                    "marker": part.marker,
                    "message_id": part.message_id,
                },
            )

    async def record_part(self, post: DigestPost, index: int, message_id: int) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(_RECORD_PART, {**_part_key(post, index), "message_id": message_id})

    async def unfinished_posts(self) -> list[DigestPost]:
        keys = await self._db.fetch_all(_UNFINISHED)
        posts = [await self.get_post(row["guild_id"], row["week"]) for row in keys]
        return [post for post in posts if post is not None]

    async def scheduled_guilds(self) -> list[GuildSettings]:
        rows = await self._db.fetch_all(_SCHEDULED_GUILDS)
        return [GuildSettings(**dict(row)) for row in rows]

    async def digest_options(self, guild_id: int) -> DigestOptions:
        row = await self._db.fetch_one(_GET_OPTIONS, {"guild_id": guild_id})
        if row is None:
            return DigestOptions()
        since = row["digest_scheduled_since"]
        return DigestOptions(
            thread=bool(row["digest_thread"]),
            max_sections=row["digest_max_sections"],
            max_items=row["digest_max_items"],
            scheduled_since=from_unix_or_none(since),
            relevance=Strictness(row["digest_relevance"]),
        )

    async def save_digest_options(
        self, guild_id: int, options: DigestOptions, parts: Collection[OptionPart]
    ) -> bool:
        """Write ``parts`` of ``options``; False when the guild was never set up."""
        since = options.scheduled_since
        # Every column's value: the statement reads only those of ``parts``.
        params = {
            "guild_id": guild_id,
            "digest_thread": int(options.thread),
            "digest_max_sections": options.max_sections,
            "digest_max_items": options.max_items,
            "digest_scheduled_since": None if since is None else unix(since),
            "digest_relevance": str(options.relevance),
        }
        async with self._db.transaction() as tx:
            changed = await tx.fetch_one(_save_options_sql(parts), params)
        return changed is not None


def _part_key(post: DigestPost, index: int) -> dict[str, object]:
    return {"guild_id": post.guild_id, "week": post.week, "edition": post.edition, "part": index}


def _post(row: Row, parts: list[Row]) -> DigestPost:
    return DigestPost(
        guild_id=row["guild_id"],
        week=row["week"],
        state=PostState(row["state"]),
        channel_id=row["channel_id"],
        edition=row["edition"],
        part_count=row["part_count"],
        created_at=from_unix(row["created_at"]),
        updated_at=from_unix(row["updated_at"]),
        last_error=row["last_error"],
        parts=tuple(
            DigestPart(part["part"], part["nonce"], part["marker"], part["message_id"])
            for part in parts
        ),
    )

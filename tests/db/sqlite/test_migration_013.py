"""Migration 013 on an archive indexed before it: the search index rebuilt with its prefix
index and pair terms, every row and tag kept, and phrases and one-character words found."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from db import Database, SqlArchiveRepository
from db.sqlite.database import bundled_migrations
from news.core.models import HeadlineQuery

GUILD = 1
PUBLISHED = 1795600000  # 2026-11-25
WEEK = "2026-W48"
TITLES = {1: "AI chip maker", 2: "chip and AI", 3: "AI 칩이 나왔다", 4: "새 앱 출시"}


def sort_key(headline_id: int) -> int:
    return ((PUBLISHED // 60) << 32) + headline_id


def archive_before_013(path: Path) -> None:
    """Four feed headlines of one followed feed, indexed as the code before 013 did."""
    before = [m for m in bundled_migrations() if m.version < 13]
    connection = sqlite3.connect(path)
    for migration in before:
        connection.executescript(migration.sql)
    terms = {1: "ai chip maker", 2: "chip and ai", 3: "ai 칩이 이 나왔 왔다 다", 4: "새 앱 출시 시"}
    connection.executescript(
        f"""
        INSERT INTO sources (id, kind, key) VALUES (1, 'feed', 'https://feed.test/rss');
        INSERT INTO guild_sources (guild_id, source_id) VALUES ({GUILD}, 1);
        """
    )
    for headline_id, title in TITLES.items():
        connection.execute(
            "INSERT INTO headlines (id, dedupe_key, url, title, language, published_at, week,"
            " sort_key) VALUES (?, ?, ?, ?, 'ko', ?, ?, ?)",
            (headline_id, title, None, title, PUBLISHED, WEEK, sort_key(headline_id)),
        )
        connection.execute("INSERT INTO headline_sources VALUES (?, 1)", (headline_id,))
        connection.execute(
            "INSERT INTO headline_search (rowid, terms, tags) VALUES (?, ?, 'c7')",
            (sort_key(headline_id), terms[headline_id]),
        )
    connection.execute(f"PRAGMA user_version = {len(before)}")
    connection.commit()
    connection.close()


async def found(archive: SqlArchiveRepository, text: str) -> list[str]:
    page = await archive.search_headlines(GUILD, HeadlineQuery(text))
    return sorted(h.title for h in page.headlines)


async def test_013_rebuilds_the_index_with_pairs_and_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    archive_before_013(path)
    async with await Database.open(path) as database:
        archive = SqlArchiveRepository(database)
        assert await found(archive, '"AI chip"') == ["AI chip maker"]
        assert await found(archive, "AI chip") == ["AI chip maker", "chip and AI"]
        assert await found(archive, '"AI 칩"') == ["AI 칩이 나왔다"]
        assert await found(archive, "앱") == ["새 앱 출시"]
        pairs = await database.fetch_all("SELECT pairs FROM headline_search ORDER BY rowid")
        assert [row["pairs"] for row in pairs] == [
            "ai_chip chip_maker",
            "chip_and and_ai",
            "ai_칩이",
            "",
        ]
        tagged = await archive.search_headlines(GUILD, HeadlineQuery("", company_id=7))
        assert tagged.total == len(TITLES)

"""Migration 007 on an archive written before it: shared headline rows split per roundup,
every text, tag, index row and link kept, and the catalogue scoped."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from db import Database, SqlArchiveRepository, SqlCompanyRepository
from db.sqlite.database import bundled_migrations
from news.core.models import HeadlineQuery

A, B = 1, 2
PUBLISHED = 1795600000  # 2026-11-25
WEEK = "2026-W48"


def sort_key(headline_id: int) -> int:
    return ((PUBLISHED // 60) << 32) + headline_id


def archive_before_007(path: Path) -> None:
    """Server A and server B imported a roundup listing the same link (one shared row, with
    B's text, as the old import left it); A's roundup has a row of its own too, and a feed
    both follow brought a third."""
    before = [m for m in bundled_migrations() if m.version < 7]
    connection = sqlite3.connect(path)
    for migration in before:
        connection.executescript(migration.sql)
    rows = f"""
    INSERT INTO companies (id, name, english_name) VALUES (1, '엔비디아', 'Nvidia');
    INSERT INTO company_aliases (company_id, alias, normalized, language)
    VALUES (1, '엔비디아', '엔비디아', 'ko'), (1, 'Nvidia', 'nvidia', 'en');
    INSERT INTO sources (id, kind, key) VALUES (1, 'import', 'import:guild:{A}'),
        (2, 'import', 'import:guild:{B}'), (3, 'feed', 'https://feed.test/rss');
    INSERT INTO guild_sources (guild_id, source_id) VALUES ({A}, 1), ({B}, 2), ({A}, 3), ({B}, 3);
    INSERT INTO headlines (id, dedupe_key, url, title, summary, language, published_at, week,
                           sort_key)
    VALUES (1, 'https://x.test/shared', 'https://x.test/shared', '엔비디아 공유 기사', '요약',
            'ko', {PUBLISHED}, '{WEEK}', {sort_key(1)}),
           (2, 'https://x.test/own', 'https://x.test/own', '에이만의 기사', '', 'ko',
            {PUBLISHED}, '{WEEK}', {sort_key(2)}),
           (3, 'https://x.test/fed', 'https://x.test/fed', '피드 기사', '', 'ko',
            {PUBLISHED}, '{WEEK}', {sort_key(3)});
    INSERT INTO headline_search (rowid, terms, tags) VALUES
        ({sort_key(1)}, '엔비 비디 디아 공유 기사', 'c1'),
        ({sort_key(2)}, '에이 기사', ''), ({sort_key(3)}, '피드 기사', '');
    INSERT INTO headline_companies VALUES (1, 1, {sort_key(1)});
    INSERT INTO headline_mentions VALUES (2, 1);
    UPDATE headlines SET relevance = 0.25 WHERE id = 1;
    INSERT INTO headline_sources VALUES (1, 1), (1, 2), (2, 1), (3, 3), (3, 1);
    INSERT INTO roundups (id, guild_id, week, kind, slug, title, publisher, published_at)
    VALUES (1, {A}, '{WEEK}', 'imported', '에이', '에이', 'P', {PUBLISHED}),
           (2, {B}, '{WEEK}', 'imported', '비', '비', 'P', {PUBLISHED});
    INSERT INTO roundup_sections (id, roundup_id, position, title) VALUES (1, 1, 0, 's'),
        (2, 2, 0, 's');
    INSERT INTO roundup_items VALUES (1, 0, 1), (1, 1, 2), (1, 2, 3), (2, 0, 1);
    INSERT INTO roundup_section_companies VALUES (1, 1);
    """
    connection.executescript(rows)
    connection.execute(f"PRAGMA user_version = {len(before)}")
    connection.commit()
    connection.close()


async def test_007_gives_each_roundup_its_own_rows_and_keeps_what_each_server_saw(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    archive_before_007(path)
    async with await Database.open(path) as database:
        archive = SqlArchiveRepository(database)
        a = await archive.roundup_for_week(A, WEEK)
        b = await archive.roundup_for_week(B, WEEK)
        assert a is not None and b is not None
        a_items = a.sections[0].headlines
        b_items = b.sections[0].headlines
        assert [h.title for h in a_items] == ["엔비디아 공유 기사", "에이만의 기사", "피드 기사"]
        assert [h.title for h in b_items] == ["엔비디아 공유 기사"]
        assert a_items[0].companies == b_items[0].companies == ("엔비디아",)
        assert a.sections[0].mentioned_companies == ("엔비디아",)
        # Four rows for what was three: the shared one split, the feed's kept for the feed.
        ids = {a_items[0].id, a_items[1].id, a_items[2].id, b_items[0].id}
        assert len(ids) == 4 and a_items[2].id != 3
        found = await archive.search_headlines(B, HeadlineQuery("공유"))
        assert [h.id for h in found.headlines] == [b_items[0].id]
        tagged = await archive.search_headlines(A, HeadlineQuery("", company_id=1))
        assert [h.id for h in tagged.headlines] == [a_items[0].id]
        # The feed's own row stays with the feed, for both servers.
        feed = await archive.search_headlines(B, HeadlineQuery("피드"))
        assert [h.id for h in feed.headlines] == [3]
        # What 006 stored (relevance, passing mentions) survives, on the copies too.
        relevance = await database.fetch_all(
            "SELECT relevance FROM headlines WHERE title = '엔비디아 공유 기사'"
        )
        assert [row["relevance"] for row in relevance] == [0.25, 0.25]
        mentions = await database.fetch_all("SELECT headline_id FROM headline_mentions")
        assert [row["headline_id"] for row in mentions] == [a_items[1].id]
        problems = await database.fetch_all("PRAGMA foreign_key_check")
        assert problems == []
        assert [c.name for c in await SqlCompanyRepository(database).all_companies()] == [
            "엔비디아"
        ]

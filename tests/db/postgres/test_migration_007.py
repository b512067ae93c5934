"""Migration 007's PostgreSQL twin on an archive written before it: the same split of shared
headline rows per roundup as on SQLite (tests/db/sqlite/test_migration_007.py), the copies
found by the GIN search through the index rows they carry, and the catalogue scoped."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from db import PostgresDatabase, SqlArchiveRepository, SqlCompanyRepository
from db.postgres import search_index
from db.postgres.database import postgres_migrations
from news.core.models import CompanySpec, HeadlineQuery
from testkit.postgres import TemplateServer, with_database

A, B = 1, 2
PUBLISHED = 1795600000  # 2026-11-25
WEEK = "2026-W48"
NVIDIA = 1


def sort_key(headline_id: int) -> int:
    return ((PUBLISHED // 60) << 32) + headline_id


def index_row(headline_id: int, text: str, company_ids: list[int]) -> tuple[object, ...]:
    """The headline_search row the index of the time wrote for the headline."""
    row = search_index.index_row(sort_key(headline_id), text, company_ids, [])
    return row["sort_key"], row["terms"], row["keys"]


ROWS = f"""
INSERT INTO companies (id, name, english_name) VALUES (1, '엔비디아', 'Nvidia');
INSERT INTO company_aliases (company_id, alias, normalized, language)
VALUES (1, '엔비디아', '엔비디아', 'ko'), (1, 'Nvidia', 'nvidia', 'en');
INSERT INTO sources (id, kind, key) VALUES (1, 'import', 'import:guild:{A}'),
    (2, 'import', 'import:guild:{B}'), (3, 'feed', 'https://feed.test/rss');
INSERT INTO guild_sources (guild_id, source_id) VALUES ({A}, 1), ({B}, 2), ({A}, 3), ({B}, 3);
INSERT INTO headlines (id, dedupe_key, url, title, summary, language, published_at, week,
                       sort_key, relevance)
VALUES (1, 'https://x.test/shared', 'https://x.test/shared', '엔비디아 공유 기사', '요약',
        'ko', {PUBLISHED}, '{WEEK}', {sort_key(1)}, 0.25),
       (2, 'https://x.test/own', 'https://x.test/own', '에이만의 기사', '', 'ko',
        {PUBLISHED}, '{WEEK}', {sort_key(2)}, 1.0),
       (3, 'https://x.test/fed', 'https://x.test/fed', '피드 기사', '', 'ko',
        {PUBLISHED}, '{WEEK}', {sort_key(3)}, 1.0);
INSERT INTO headline_companies VALUES (1, 1, {sort_key(1)});
INSERT INTO headline_mentions VALUES (2, 1);
INSERT INTO headline_sources VALUES (1, 1), (1, 2), (2, 1), (3, 3), (3, 1);
INSERT INTO roundups (id, guild_id, week, kind, slug, title, publisher, published_at)
VALUES (1, {A}, '{WEEK}', 'imported', '에이', '에이', 'P', {PUBLISHED}),
       (2, {B}, '{WEEK}', 'imported', '비', '비', 'P', {PUBLISHED});
INSERT INTO roundup_sections (id, roundup_id, position, title) VALUES (1, 1, 0, 's'),
    (2, 2, 0, 's');
INSERT INTO roundup_items VALUES (1, 0, 1), (1, 1, 2), (1, 2, 3), (2, 0, 1);
INSERT INTO roundup_section_companies VALUES (1, 1);
"""
# The rows above give their ids, as the code of the time let the identity columns do.
SEQUENCES = ("companies", "sources", "roundups", "roundup_sections")


@pytest.fixture
async def archive_before_007(postgres_server: TemplateServer) -> AsyncIterator[str]:
    """A database at schema 6 holding what the old import left (see the SQLite test): server
    A and B share one row for the same link, A has a row of its own, a feed brought a third."""
    name = f"{postgres_server.prefix}_before_007"
    await postgres_server._admin(f'CREATE DATABASE "{name}"')
    url = with_database(postgres_server.url, name)
    connection = await asyncpg.connect(url)
    try:
        async with connection.transaction():
            await connection.execute(
                "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            for migration in postgres_migrations()[:6]:
                await connection.execute(migration.sql)
                await connection.execute(
                    "INSERT INTO schema_version (version, name) VALUES ($1, $2)",
                    migration.version,
                    migration.name,
                )
            await connection.execute(ROWS)
            for table in SEQUENCES:
                await connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
                )
            await connection.executemany(
                "INSERT INTO headline_search (sort_key, terms, keys) VALUES ($1, $2, $3)",
                [
                    index_row(1, "엔비디아 공유 기사\n요약", [NVIDIA]),
                    index_row(2, "에이만의 기사\n", []),
                    index_row(3, "피드 기사\n", []),
                ],
            )
    finally:
        await connection.close()
    yield url
    await postgres_server.drop(url)


async def test_007_twin_gives_each_roundup_its_own_rows_and_index_entries(
    archive_before_007: str,
) -> None:
    async with await PostgresDatabase.open(archive_before_007, max_size=2) as database:
        assert await database.schema_version() == database.latest_version
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
        ids = {a_items[0].id, a_items[1].id, a_items[2].id, b_items[0].id}
        assert len(ids) == 4 and a_items[2].id != 3
        # The copies are found through their own index rows: terms and tag keys alike.
        found = await archive.search_headlines(B, HeadlineQuery("공유"))
        assert [h.id for h in found.headlines] == [b_items[0].id]
        tagged = await archive.search_headlines(A, HeadlineQuery("", company_id=NVIDIA))
        assert [h.id for h in tagged.headlines] == [a_items[0].id]
        tagged = await archive.search_headlines(B, HeadlineQuery("엔비", company_id=NVIDIA))
        assert [h.id for h in tagged.headlines] == [b_items[0].id]
        feed = await archive.search_headlines(B, HeadlineQuery("피드"))
        assert [h.id for h in feed.headlines] == [3]
        # One index row per headline, under its own sort key.
        unindexed = await database.fetch_all(
            "SELECT h.id FROM headlines AS h WHERE NOT EXISTS"
            " (SELECT 1 FROM headline_search AS s WHERE s.sort_key = h.sort_key)"
        )
        orphans = await database.fetch_all(
            "SELECT s.sort_key FROM headline_search AS s WHERE NOT EXISTS"
            " (SELECT 1 FROM headlines AS h WHERE h.sort_key = s.sort_key)"
        )
        assert unindexed == [] and orphans == []
        relevance = await database.fetch_all(
            "SELECT relevance FROM headlines WHERE title = '엔비디아 공유 기사'"
        )
        assert [row["relevance"] for row in relevance] == [0.25, 0.25]
        mentions = await database.fetch_all("SELECT headline_id FROM headline_mentions")
        assert [row["headline_id"] for row in mentions] == [a_items[1].id]
        owners = await database.fetch_all(
            "SELECT roundup_id, dedupe_key FROM headlines ORDER BY id"
        )
        assert [(row["roundup_id"], row["dedupe_key"]) for row in owners] == [
            (1, "roundup:1:https://x.test/shared"),
            (1, "roundup:1:https://x.test/own"),
            (None, "https://x.test/fed"),
            (2, "roundup:2:https://x.test/shared"),
            (1, "roundup:1:https://x.test/fed"),
        ]
        companies = SqlCompanyRepository(database)
        assert [c.name for c in await companies.all_companies()] == ["엔비디아"]
        # The catalogue is scoped now: two servers may each add the same name.
        spec = CompanySpec("에이크미", "Acme")
        added = [await companies.add_company(spec, guild) for guild in (A, B)]
        assert added[0].id != added[1].id
        assert [c.name for c in await companies.guild_companies(B)] == ["엔비디아", "에이크미"]

"""Story ids stored with headlines: which are placed, which wait, and what the digest reads."""

from __future__ import annotations

from datetime import timedelta

from db import (
    AnyDatabase,
    Database,
    SqlArchiveRepository,
    SqlDigestRepository,
    SqlStoryRepository,
)
from db.backend import Dialect
from db.headlines import week_key_range
from db.stories import _PLACED_HEADLINES as PLACED_HEADLINES
from db.stories import _UNPLACED_HEADLINES as UNPLACED_HEADLINES
from testkit.builders import WEDNESDAY, headline, roundup, section

WEEK = "2026-W48"


async def store_three(archive: SqlArchiveRepository) -> list[int]:
    """Three headlines of WEEK, published an hour apart, newest listed first; their ids
    in publication order."""
    saved, _ = await archive.save_roundup(
        roundup(
            section(
                headline("HBM4 양산 앞당겨", "https://a.test/3", at=WEDNESDAY + timedelta(hours=2)),
                headline("HBM4 양산 일정 앞당겼다", "https://a.test/2", at=WEDNESDAY),
                headline(
                    "폴더블폰 출시 연기", "https://a.test/1", at=WEDNESDAY + timedelta(hours=1)
                ),
            )
        )
    )
    stored = sorted(saved.sections[0].headlines, key=lambda h: h.published_at)
    return [h.id for h in stored]


async def test_new_headlines_wait_for_a_story_in_publication_order(
    database: Database, archive: SqlArchiveRepository
) -> None:
    ids = await store_three(archive)
    waiting = await SqlStoryRepository(database).unplaced_headlines(WEEK)
    assert [(c.headline.id, c.story_id) for c in waiting] == [(i, None) for i in ids]


async def test_placed_headlines_carry_their_stored_story_ids(
    database: Database, archive: SqlArchiveRepository
) -> None:
    first, second, third = await store_three(archive)
    stories = SqlStoryRepository(database)
    await stories.save_story_ids(WEEK, {first: first, third: first})
    placed = await stories.placed_headlines(WEEK)
    assert [(c.headline.id, c.story_id) for c in placed] == [(first, first), (third, first)]
    assert [c.headline.id for c in await stories.unplaced_headlines(WEEK)] == [second]


async def test_placed_headlines_name_the_outlet_that_ran_them(
    database: Database, archive: SqlArchiveRepository
) -> None:
    await store_three(archive)
    waiting = await SqlStoryRepository(database).unplaced_headlines(WEEK)
    assert {c.source for c in waiting} == {"테크 주간지"}


async def test_other_weeks_are_left_out(database: Database, archive: SqlArchiveRepository) -> None:
    await store_three(archive)
    assert await SqlStoryRepository(database).unplaced_headlines("2026-W47") == []


async def test_week_candidates_carry_the_stored_story_ids(
    database: Database, archive: SqlArchiveRepository
) -> None:
    first, second, third = await store_three(archive)
    await SqlStoryRepository(database).save_story_ids(WEEK, {first: first, third: first})
    candidates = await SqlDigestRepository(database).week_candidates(1, WEEK)
    story_of = {c.headline.id: c.story_id for c in candidates}
    assert story_of == {first: first, second: None, third: first}


async def query_plan(database: AnyDatabase, sql: str, params: dict[str, object]) -> str:
    """The plan of ``sql``, as text; on PostgreSQL with sequential scans priced out, so that
    an empty table does not hide a missing index."""
    async with database.transaction() as tx:
        if database.dialect is Dialect.POSTGRES:
            await tx.execute("SET LOCAL enable_seqscan = off")
            rows = await tx.fetch_all("EXPLAIN " + sql, params)
        else:
            rows = await tx.fetch_all("EXPLAIN QUERY PLAN " + sql, params)
    return "\n".join(str(row[-1]) for row in rows)


async def test_a_weeks_headlines_find_the_roundup_that_listed_them_by_index(
    database: AnyDatabase,
) -> None:
    # Read after every feed poll and by every process that builds a week's story index: a
    # scan of every roundup item for each headline made it quadratic (50 s for 16,000).
    low, high = week_key_range(WEEK)
    for sql in (UNPLACED_HEADLINES, PLACED_HEADLINES):
        plan = await query_plan(database, sql, {"low": low, "high": high})
        assert "roundup_items_headline" in plan, plan

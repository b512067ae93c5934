"""The paths of PostgreSQL's search plan (db/postgres/search.py), with the probe shrunk to
three rows so that a handful of headlines takes each: the page and the total must be the same
whichever part of the statement found them. The same tests run on SQLite, where the probe
does not exist and the answers must not differ."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db import AnyDatabase, PostgresDatabase, SqlArchiveRepository
from db import search as search_module
from db.postgres import search as postgres_search
from news.core.models import HeadlineQuery
from testkit.builders import WEDNESDAY, headline, roundup, section
from tests.backends import TEST_SETTINGS

_SETTINGS = """
SELECT current_setting('enable_seqscan') AS seqscan,
       current_setting('max_parallel_workers_per_gather') AS workers,
       current_setting('gin_fuzzy_search_limit') AS sample
"""


@pytest.fixture(autouse=True)
def small_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres_search, "PROBE_ROWS", 3)


async def file_newest_first(archive: SqlArchiveRepository, *titles: str) -> None:
    """One roundup whose headlines are a minute apart, the first title the newest."""
    count = len(titles)
    await archive.save_roundup(
        roundup(
            section(
                *(
                    headline(title, at=WEDNESDAY + timedelta(minutes=count - n))
                    for n, title in enumerate(titles)
                )
            )
        )
    )


async def search(archive: SqlArchiveRepository, query: HeadlineQuery) -> tuple[list[str], int]:
    page = await archive.search_headlines(1, query)
    assert page.total_exact
    return [h.title for h in page.headlines], page.total


async def test_matches_older_than_the_probe_fill_the_page(
    archive: SqlArchiveRepository,
) -> None:
    await file_newest_first(archive, "날씨 1", "날씨 2", "날씨 3", "날씨 4", "보안 A", "보안 B")
    found = await search(archive, HeadlineQuery("보안", limit=1))
    assert found == (["보안 A"], 2)


async def test_page_joins_the_probe_and_older_matches_in_order(
    archive: SqlArchiveRepository,
) -> None:
    await file_newest_first(archive, "보안 A", "날씨 1", "날씨 2", "보안 B", "날씨 3", "보안 C")
    found = await search(archive, HeadlineQuery("보안", limit=5))
    assert found == (["보안 A", "보안 B", "보안 C"], 3)


async def test_full_page_from_the_probe_still_counts_older_matches(
    archive: SqlArchiveRepository,
) -> None:
    await file_newest_first(archive, "보안 A", "보안 B", "날씨 1", "보안 C", "날씨 2", "보안 D")
    found = await search(archive, HeadlineQuery("보안", limit=2))
    assert found == (["보안 A", "보안 B"], 4)


async def test_later_page_beyond_the_probe(archive: SqlArchiveRepository) -> None:
    await file_newest_first(archive, "보안 A", "보안 B", "날씨 1", "보안 C", "날씨 2", "보안 D")
    found = await search(archive, HeadlineQuery("보안", offset=2, limit=2))
    assert found == (["보안 C", "보안 D"], 4)


async def test_no_match_anywhere_in_a_range_longer_than_the_probe(
    archive: SqlArchiveRepository,
) -> None:
    await file_newest_first(archive, "날씨 1", "날씨 2", "날씨 3", "날씨 4", "날씨 5")
    assert await search(archive, HeadlineQuery("보안")) == ([], 0)


async def test_week_longer_than_the_probe_is_searched_whole(
    archive: SqlArchiveRepository,
) -> None:
    await file_newest_first(archive, "보안 A", "날씨 1", "날씨 2", "날씨 3", "보안 B", "보안 C")
    found = await search(archive, HeadlineQuery("보안", week="2026-W48", limit=2))
    assert found == (["보안 A", "보안 B"], 3)


@pytest.mark.parametrize("backend", ["postgres"])
async def test_guard_settings_do_not_outlive_the_search(
    archive: SqlArchiveRepository, database: AnyDatabase
) -> None:
    assert isinstance(database, PostgresDatabase)
    await file_newest_first(archive, "보안 A", "날씨 1", "날씨 2", "날씨 3", "보안 B")
    # One connection, so the statements after the search run where it ran.
    async with await PostgresDatabase.open(
        database.url, max_size=1, server_settings=TEST_SETTINGS
    ) as single:
        before = await single.fetch_one(_SETTINGS)
        # A full page of one key: its total is counted on a sample first.
        query = HeadlineQuery("보안", limit=1)
        page = await SqlArchiveRepository(single).search_headlines(1, query)
        after = await single.fetch_one(_SETTINGS)
    assert page.total == 2
    assert before is not None and after is not None
    assert dict(after) == dict(before)
    assert (after["seqscan"], after["sample"]) == ("on", "0")


# A full page of one key has its total counted on a sample of the key's headlines (as many as
# SAMPLE_LIMIT): 3000 takes every one here, 1 almost none, so that the exact count decides.
SAMPLES = [3000, 1]


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("word", ["보안", "반도체", "자율주행"])
async def test_a_full_page_of_one_word_counts_up_to_the_cap(
    archive: SqlArchiveRepository, monkeypatch: pytest.MonkeyPatch, sample: int, word: str
) -> None:
    """One key, or several (a sample of the middle one, checked for all): the same total.
    Headlines with only some of the word's keys (반도, 주행) are no match."""
    monkeypatch.setattr(search_module, "TOTAL_CAP", 3)
    monkeypatch.setattr(postgres_search, "SAMPLE_LIMIT", sample)
    titles = [f"{word} A", "한반도 날씨", f"{word} B", f"{word} C", "도로 주행 시험", f"{word} D"]
    await file_newest_first(archive, *titles)
    page = await archive.search_headlines(1, HeadlineQuery(word, limit=1))
    assert [h.title for h in page.headlines] == [f"{word} A"]
    assert (page.total, page.total_exact) == (3, False)


async def test_two_words_on_a_full_page_are_counted_exactly(
    archive: SqlArchiveRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres_search, "SAMPLE_LIMIT", 1)
    await file_newest_first(
        archive, "삼성 보안 A", "보안 B", "삼성 보안 C", "삼성 D", "삼성 보안 E"
    )
    assert await search(archive, HeadlineQuery("삼성 보안", limit=1)) == (["삼성 보안 A"], 3)


@pytest.mark.parametrize("sample", SAMPLES)
async def test_a_full_page_of_one_key_below_the_cap_is_counted_exactly(
    archive: SqlArchiveRepository, monkeypatch: pytest.MonkeyPatch, sample: int
) -> None:
    monkeypatch.setattr(search_module, "TOTAL_CAP", 10)
    monkeypatch.setattr(postgres_search, "SAMPLE_LIMIT", sample)
    await file_newest_first(archive, "보안 A", "날씨 1", "보안 B", "보안 C", "날씨 2", "보안 D")
    assert await search(archive, HeadlineQuery("보안", limit=2)) == (["보안 A", "보안 B"], 4)

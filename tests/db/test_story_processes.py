"""Several processes placing one week's headlines in stories over one database: each keeps
its own index, and the database decides. Two StoryService instances stand for two processes,
on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from db import AnyDatabase, SqlArchiveRepository, SqlStoryRepository
from news.core.models import DigestCandidate
from news.stories.service import StoryService
from testkit.builders import WEDNESDAY, headline, roundup, section

WEEK = "2026-W48"
OPENING = "삼성전자, HBM4 양산 앞당겨"  # the story's first report ...
RETELLING = "삼성전자가 HBM4 양산 일정을 앞당겼다"  # ... and another outlet's
OTHER = "네이버, 세종에 초대형 AI 데이터센터 짓는다"


async def file(
    archive: SqlArchiveRepository, guild: int, title: str, outlet: str, at: datetime
) -> int:
    """A headline of WEEK, filed by a roundup of its own (one per server): its id."""
    report = headline(title, f"https://{guild}.test/{guild}", at=at)
    saved, _ = await archive.save_roundup(
        roundup(section(report), guild_id=guild, at=at, publisher=outlet)
    )
    return saved.sections[0].headlines[0].id


async def story_of(database: AnyDatabase, headline_id: int) -> int | None:
    row = await database.fetch_one(
        "SELECT cluster_id FROM headlines WHERE id = :id", {"id": headline_id}
    )
    assert row is not None
    return None if row["cluster_id"] is None else int(row["cluster_id"])


class CountingRepository(SqlStoryRepository):
    """The repository, counting the rebuilds of an index (reads of a whole placed week)."""

    def __init__(self, database: AnyDatabase) -> None:
        super().__init__(database)
        self.rebuilds = 0

    async def placed_headlines(self, week: str) -> list[DigestCandidate]:
        self.rebuilds += 1
        return await super().placed_headlines(week)


class LateSaving(CountingRepository):
    """A process that is overtaken once between placing headlines and saving them."""

    def __init__(self, database: AnyDatabase, overtake: Callable[[], Awaitable[object]]) -> None:
        super().__init__(database)
        self._overtake: Callable[[], Awaitable[object]] | None = overtake

    async def save_story_ids(self, week: str, story_ids: Mapping[int, int]) -> set[int]:
        if self._overtake is not None:
            overtake, self._overtake = self._overtake, None
            await overtake()
        return await super().save_story_ids(week, story_ids)


async def test_a_process_places_a_report_in_the_story_another_process_opened_since(
    database: AnyDatabase, archive: SqlArchiveRepository
) -> None:
    first, second = (
        StoryService(SqlStoryRepository(database)),
        StoryService(SqlStoryRepository(database)),
    )
    await file(archive, 1, OTHER, "데이터 뉴스", WEDNESDAY)
    await second.place_new([WEEK])  # the second process's index is built now
    opening = await file(archive, 2, OPENING, "반도체 일보", WEDNESDAY + timedelta(hours=1))
    assert await first.place_new([WEEK]) == 1
    retelling = await file(archive, 3, RETELLING, "경제 신문", WEDNESDAY + timedelta(hours=2))

    assert await second.place_new([WEEK]) == 1
    assert await story_of(database, retelling) == await story_of(database, opening) == opening


async def test_a_headline_both_processes_placed_keeps_the_first_story_and_the_loser_rebuilds(
    database: AnyDatabase, archive: SqlArchiveRepository
) -> None:
    winner_repository = CountingRepository(database)
    winner = StoryService(winner_repository)
    opening_ids: list[int] = []

    async def overtake() -> None:
        # The winner files an earlier report of the same story and places both before the
        # loser saves: the loser, which never saw it, opened a story of the retelling's own.
        opening_ids.append(await file(archive, 2, OPENING, "반도체 일보", WEDNESDAY))
        assert await winner.place_new([WEEK]) == 2

    loser_repository = LateSaving(database, overtake)
    loser = StoryService(loser_repository)
    retelling = await file(archive, 3, RETELLING, "경제 신문", WEDNESDAY + timedelta(hours=1))

    assert await loser.place_new([WEEK]) == 0
    [opening] = opening_ids
    assert await story_of(database, retelling) == await story_of(database, opening) == opening

    # Both indexes agree with the database now: a further report joins the same story
    # whichever process places it, the loser's index rebuilt from the stored ids.
    later = WEDNESDAY + timedelta(hours=2)
    for number, service in ((4, loser), (5, winner)):
        report = await file(archive, number, RETELLING, f"{number}번 신문", later)
        assert await service.place_new([WEEK]) == 1
        assert await story_of(database, report) == opening
    assert (loser_repository.rebuilds, winner_repository.rebuilds) == (2, 1)


async def test_the_story_id_of_a_placed_headline_is_not_saved_again(
    database: AnyDatabase, archive: SqlArchiveRepository
) -> None:
    opening = await file(archive, 1, OPENING, "반도체 일보", WEDNESDAY)
    other = await file(archive, 2, OTHER, "데이터 뉴스", WEDNESDAY)
    stories = SqlStoryRepository(database)
    assert await stories.save_story_ids(WEEK, {opening: opening}) == {opening}

    assert await stories.save_story_ids(WEEK, {opening: other, other: other}) == {other}
    assert await story_of(database, opening) == opening


async def test_a_weeks_placed_headlines_are_summed_and_read_by_id(
    database: AnyDatabase, archive: SqlArchiveRepository
) -> None:
    opening = await file(archive, 1, OPENING, "반도체 일보", WEDNESDAY + timedelta(hours=1))
    other = await file(archive, 2, OTHER, "데이터 뉴스", WEDNESDAY)
    await file(archive, 3, RETELLING, "경제 신문", WEDNESDAY)  # not placed
    stories = SqlStoryRepository(database)
    await stories.save_story_ids(WEEK, {opening: opening, other: other})

    summary = await stories.placed_summary(WEEK)
    assert (summary.count, summary.id_sum) == (2, opening + other)
    assert await stories.placed_ids(WEEK) == {opening, other}
    among = await stories.placed_among(WEEK, [opening, other])
    assert [(c.headline.id, c.story_id) for c in among] == [(other, other), (opening, opening)]

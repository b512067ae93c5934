"""StoryService over an in-memory repository: what it asks of storage, and that rebuilding a
week's index leaves the event loop free."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from news.core.models import DigestCandidate, Headline
from news.stories.ports import PlacedSummary
from news.stories.service import StoryService

WEEK = "2026-W48"
MONDAY = datetime(2026, 11, 23, 9, tzinfo=UTC)
# Long enough to show a blocked loop (the test would fail), never reached when it is free.
GATE_TIMEOUT = 30.0


def candidate(
    number: int, title: str, story_id: int | None = None, *, link: int | None = None
) -> DigestCandidate:
    headline = Headline(
        id=number,
        title=title,
        url=f"https://news.test/{link or number}",
        summary="",
        language="ko",
        published_at=MONDAY + timedelta(minutes=number),
        week=WEEK,
    )
    return DigestCandidate(headline, f"outlet {number % 7}", story_id)


class MemoryRepository:
    """news.stories.ports.StoryRepository over a dict, counting what is asked of it."""

    def __init__(self, candidates: list[DigestCandidate]) -> None:
        self.rows = {c.headline.id: c for c in candidates}
        self.asked: Counter[str] = Counter()

    def _placed(self) -> list[DigestCandidate]:
        return sorted(
            (c for c in self.rows.values() if c.story_id is not None),
            key=lambda c: c.headline.published_at,
        )

    async def placed_headlines(self, week: str) -> list[DigestCandidate]:
        self.asked["placed_headlines"] += 1
        return self._placed()

    async def placed_summary(self, week: str) -> PlacedSummary:
        self.asked["placed_summary"] += 1
        ids = [c.headline.id for c in self._placed()]
        return PlacedSummary(len(ids), sum(ids))

    async def placed_ids(self, week: str) -> set[int]:
        self.asked["placed_ids"] += 1
        return {c.headline.id for c in self._placed()}

    async def placed_among(self, week: str, ids: Collection[int]) -> list[DigestCandidate]:
        self.asked["placed_among"] += 1
        return [c for c in self._placed() if c.headline.id in ids]

    async def unplaced_headlines(self, week: str) -> list[DigestCandidate]:
        return [c for c in self.rows.values() if c.story_id is None]

    async def save_story_ids(self, week: str, story_ids: Mapping[int, int]) -> set[int]:
        saved = {i for i in story_ids if self.rows[i].story_id is None}
        for i in saved:
            self.rows[i] = replace(self.rows[i], story_id=story_ids[i])
        return saved


class GatedList(list[DigestCandidate]):
    """Candidates that cannot be read until the event loop has run another task."""

    def __init__(self, items: list[DigestCandidate], gate: threading.Event) -> None:
        super().__init__(items)
        self._gate = gate

    def __iter__(self) -> Iterator[DigestCandidate]:
        if not self._gate.wait(GATE_TIMEOUT):
            raise AssertionError("the event loop ran nothing while the index was rebuilt")
        return super().__iter__()


class GatedRepository(MemoryRepository):
    """Hands out the week's placed headlines behind a gate, saying when it has."""

    def __init__(self, candidates: list[DigestCandidate]) -> None:
        super().__init__(candidates)
        self.gate = threading.Event()
        self.rebuilding = asyncio.Event()

    async def placed_headlines(self, week: str) -> list[DigestCandidate]:
        self.rebuilding.set()
        return GatedList(await super().placed_headlines(week), self.gate)


def a_placed_week(size: int) -> list[DigestCandidate]:
    """``size`` placed headlines of distinct stories, and one new report of the first (the
    same link)."""
    placed = [candidate(n, f"회사{n}, 신제품{n} 모델 공개", story_id=n) for n in range(1, size)]
    return [*placed, candidate(size, "회사1 신제품1 모델 공개했다", link=1)]


async def test_the_event_loop_answers_while_a_weeks_index_is_rebuilt() -> None:
    repository = GatedRepository(a_placed_week(500))
    answered: list[str] = []

    async def answer_an_interaction() -> None:
        await repository.rebuilding.wait()
        answered.append("pong")
        repository.gate.set()  # the rebuild may read its headlines only after this ran

    placing = asyncio.create_task(StoryService(repository).place_new([WEEK]))
    await answer_an_interaction()

    assert await placing == 1
    assert answered == ["pong"]
    assert repository.rows[500].story_id == 1


async def test_one_process_asks_one_summary_per_round_and_reads_nothing_else() -> None:
    repository = MemoryRepository(a_placed_week(20))
    service = StoryService(repository)
    await service.place_new([WEEK])
    for number in (21, 22):
        repository.rows[number] = candidate(number, f"새 소식{number} 발표")
        assert await service.place_new([WEEK]) == 1

    assert repository.asked == Counter(placed_headlines=1, placed_summary=2)


async def test_headlines_another_process_placed_are_restored_before_placing() -> None:
    repository = MemoryRepository(a_placed_week(20))
    service = StoryService(repository)
    await service.place_new([WEEK])
    # Another process opened a story and placed it, then a report of it arrives here.
    repository.rows[21] = candidate(21, "오픈소스 칩 설계 도구 나왔다", story_id=21)
    repository.rows[22] = candidate(22, "오픈소스 칩 설계 도구 나왔다")

    assert await service.place_new([WEEK]) == 1
    assert repository.rows[22].story_id == 21
    assert repository.asked["placed_among"] == 1

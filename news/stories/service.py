"""Placing headlines in stories as they arrive, so that a digest only has to read them.

Grouping a week of 20,000 headlines takes seconds; placing one as it arrives takes a fraction
of a millisecond. Feeds and imports call ``place_new`` after they store headlines; each new
headline gets the id of its story (the id of the headline that opened it), stored with it.

One StoryIndex per week is kept in memory. The first time a week is needed, its index is
rebuilt from the stored story ids, without matching anything again: a restart changes no
story, and the headlines that arrive next are matched against everything the week has.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime

from news.core.models import NewHeadline
from news.core.weeks import week_of
from news.stories.clustering import StoryIndex
from news.stories.ports import StoryRepository

# Indexes kept in memory: this week's, last week's (late items) and one more.
KEPT_WEEKS = 3


class StoryService:
    """Gives each newly stored headline the id of its story, across every server."""

    def __init__(self, repository: StoryRepository) -> None:
        self._repository = repository
        self._indexes: dict[str, StoryIndex] = {}
        # Feeds are polled concurrently: one placement at a time, so no headline is read as
        # new by two of them.
        self._lock = asyncio.Lock()

    async def place_new(self, weeks: Iterable[str]) -> int:
        """Place the headlines of these weeks that have no story yet; how many there were."""
        placed = 0
        async with self._lock:
            for week in sorted(set(weeks)):
                placed += await self._place_week(week)
        return placed

    async def _place_week(self, week: str) -> int:
        arrived = await self._repository.unplaced_headlines(week)
        if not arrived:
            return 0
        index = await self._index(week)
        story_ids = {candidate.headline.id: index.add(candidate) for candidate in arrived}
        try:
            await self._repository.save_story_ids(story_ids)
        except BaseException:
            # The index now knows headlines the database does not: rebuild it next time, or
            # they would count twice.
            del self._indexes[week]
            raise
        return len(story_ids)

    async def _index(self, week: str) -> StoryIndex:
        """The week's index, rebuilt from the stored ids when it is not in memory."""
        index = self._indexes.pop(week, None)
        if index is None:
            index = StoryIndex()
            for candidate in await self._repository.placed_headlines(week):
                assert candidate.story_id is not None  # placed_headlines reads stored ids
                index.restore(candidate, candidate.story_id)
        self._indexes[week] = index  # the most recently used last
        # Headlines of older weeks arrive rarely: their indexes are rebuilt when they do.
        while len(self._indexes) > KEPT_WEEKS:
            del self._indexes[next(iter(self._indexes))]
        return index


def arrival_weeks(headlines: Iterable[NewHeadline]) -> set[str]:
    """The weeks the archive files these headlines under (by their UTC publication time)."""
    return {week_of(_utc(headline).astimezone(UTC)) for headline in headlines}


def _utc(headline: NewHeadline) -> datetime:
    moment = headline.published_at
    # A naive time is UTC, as the models promise and the archive reads it.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

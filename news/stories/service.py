"""Placing headlines in stories as they arrive, so that a digest only has to read them.

Grouping a week of 20,000 headlines takes seconds; placing one as it arrives takes a fraction
of a millisecond. Feeds and imports call ``place_new`` after they store headlines; each new
headline gets the id of its story (the id of the headline that opened it), stored with it.

One StoryIndex per week is kept in memory. The first time a week is needed, its index is
rebuilt from the stored story ids, without matching anything again: a restart changes no
story, and the headlines that arrive next are matched against everything the week has.

Several processes may share one database (PostgreSQL), each with its own indexes. Before a
round of placement, a process compares what its index holds with what the database has
placed (one aggregate) and restores what the others placed since; a story id is stored only
for a headline that has none yet, so the first process to place a headline wins, and the
others drop their index of the week and rebuild it from the database.

Work on an index (rebuilding a week of 16,000 headlines takes seconds on a loaded machine)
runs in a worker thread, so the event loop keeps answering interactions and renewing leases.
An index is touched by one thread at a time: a fresh one by the thread that builds it, a kept
one only under the service's lock. What indexes share is only read: the bundled entity
recognizer (built once, never changed after) and the Korean analyser (locked inside).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from news.core.models import DigestCandidate, NewHeadline
from news.core.weeks import week_of
from news.stories.clustering import StoryIndex
from news.stories.ports import PlacedSummary, StoryRepository

# Indexes kept in memory: this week's, last week's (late items) and one more.
KEPT_WEEKS = 3


@dataclass(slots=True)
class _Week:
    """A week's index, and the ids of the placed headlines it holds that the database holds
    placed too."""

    index: StoryIndex
    placed: set[int]

    def summary(self) -> PlacedSummary:
        return PlacedSummary(len(self.placed), sum(self.placed))

    def restore(self, candidates: Sequence[DigestCandidate]) -> None:
        """Files headlines placed before (in publication order) under their stored story."""
        for candidate in candidates:
            assert candidate.story_id is not None  # placed headlines carry their stored id
            self.index.restore(candidate, candidate.story_id)
            self.placed.add(candidate.headline.id)

    def add(self, arrived: Sequence[DigestCandidate]) -> dict[int, int]:
        """Places new headlines: headline id -> story id."""
        return {candidate.headline.id: self.index.add(candidate) for candidate in arrived}


class StoryService:
    """Gives each newly stored headline the id of its story, across every server."""

    def __init__(self, repository: StoryRepository) -> None:
        self._repository = repository
        self._weeks: dict[str, _Week] = {}
        # Feeds are polled concurrently: one placement at a time, so no headline is read as
        # new by two of them, and a kept index is worked on by one thread at a time.
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
        try:
            known = await self._week(week)
            # Another process may have placed some of them since they were read.
            arrived = [c for c in arrived if c.headline.id not in known.placed]
            if not arrived:
                return 0
            story_ids = await asyncio.to_thread(known.add, arrived)
            saved = await self._repository.save_story_ids(week, story_ids)
        except BaseException:
            # The index may know headlines the database does not (or be half restored, or
            # still be worked on by a cancelled thread): rebuild it next time, or they would
            # count twice.
            self._weeks.pop(week, None)
            raise
        if len(saved) < len(story_ids):
            # Another process placed some of these headlines first, perhaps in other stories:
            # this index holds them where the database does not, and its stories have gone
            # wrong for them. Rebuild it from the database next time.
            self._weeks.pop(week, None)
        else:
            known.placed.update(saved)
        return len(saved)

    async def _week(self, week: str) -> _Week:
        """The week's index, rebuilt from the stored ids when it is not in memory, and up to
        date with what other processes placed."""
        known = self._weeks.pop(week, None)
        if known is None:
            placed = await self._repository.placed_headlines(week)
            known = await asyncio.to_thread(_rebuilt, placed)
        else:
            await self._catch_up(week, known)
        self._weeks[week] = known  # the most recently used last
        # Headlines of older weeks arrive rarely: their indexes are rebuilt when they do.
        while len(self._weeks) > KEPT_WEEKS:
            del self._weeks[next(iter(self._weeks))]
        return known

    async def _catch_up(self, week: str, known: _Week) -> None:
        """Restores the headlines other processes placed since the index last looked; one
        aggregate when there are none, as when one process has the database to itself."""
        if await self._repository.placed_summary(week) == known.summary():
            return
        stored = await self._repository.placed_ids(week)
        missing = stored - known.placed
        # A headline deleted since (a roundup filed again) is no longer counted; the index
        # keeps what it read of it, as it would have had the headline stayed.
        known.placed &= stored
        if missing:
            found = await self._repository.placed_among(week, missing)
            await asyncio.to_thread(known.restore, found)


def _rebuilt(placed: Sequence[DigestCandidate]) -> _Week:
    """A fresh index of a week's placed headlines (in publication order), built in a worker
    thread: nothing else sees it until it is returned."""
    known = _Week(StoryIndex(), set())
    known.restore(placed)
    return known


def arrival_weeks(headlines: Iterable[NewHeadline]) -> set[str]:
    """The weeks the archive files these headlines under (by their UTC publication time)."""
    return {week_of(_utc(headline).astimezone(UTC)) for headline in headlines}


def _utc(headline: NewHeadline) -> datetime:
    moment = headline.published_at
    # A naive time is UTC, as the models promise and the archive reads it.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

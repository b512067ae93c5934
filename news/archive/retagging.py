"""Re-tagging one server's headlines after its catalogue changed (``companies add|alias``), so
that /company finds what the archive already held under the new name.

Two kinds of headline are re-read, each the way ingest reads it (news.catalog.guild_tags):
- the headlines the server's own roundups filed are its own rows: their company tags are
  rewritten with the server's whole catalogue;
- the commentary of the server's roundups: the companies each section names are found again;
- a feed's headlines are shared by every server following the feed and keep the bundled
  catalogue's tags; what the server's additions find in them beyond those is written as that
  server's own tags (guild_headline_companies), which no other server reads.

A small archive is re-tagged before the command answers; a big one in a background task, the
answer saying how many headlines it is working through.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol, TypeVar

from news.catalog.guild_tags import GuildTagger

log = logging.getLogger(__name__)

# More of the server's headlines than this, and the re-tagging goes on after the answer.
FOREGROUND_LIMIT = 2_000
BATCH = 500


@dataclass(frozen=True, slots=True)
class TaggedText:
    """A headline's text and company tags, as re-tagging reads and writes them: for a
    server's own row its tags; for a feed's row the server's own tags, and in ``shared`` the
    tags every server sees."""

    id: int
    sort_key: int
    title: str
    summary: str
    company_ids: tuple[int, ...]
    topic_ids: tuple[int, ...] = ()
    shared_ids: tuple[int, ...] = ()
    mention_ids: tuple[int, ...] = ()  # a server's own row: the companies named in passing


@dataclass(frozen=True, slots=True)
class TaggedSection:
    """A section of one of the server's roundups: its commentary and the companies it names."""

    id: int
    commentary: str
    company_ids: tuple[int, ...]


class RetagRepository(Protocol):
    async def own_headline_count(self, guild_id: int) -> int:
        """How many headlines the guild's roundups filed."""

    async def own_headlines(self, guild_id: int, after_id: int, limit: int) -> list[TaggedText]:
        """The next ``limit`` of them by id, after ``after_id``."""

    async def save_company_tags(self, headlines: Sequence[TaggedText]) -> None:
        """Replace the company tags, passing mentions and index tags of these headlines."""

    async def own_sections(self, guild_id: int, after_id: int, limit: int) -> list[TaggedSection]:
        """The next ``limit`` sections with commentary of the guild's roundups, by id."""

    async def save_section_mentions(self, sections: Sequence[TaggedSection]) -> None:
        """Replace the companies these sections' commentary names."""

    async def feed_headline_count(self, guild_id: int) -> int:
        """How many feed headlines (no roundup's own) the guild sees."""

    async def feed_headlines(self, guild_id: int, after_id: int, limit: int) -> list[TaggedText]:
        """The next ``limit`` of them by id, after ``after_id``, with the guild's own tags."""

    async def save_guild_tags(self, guild_id: int, headlines: Sequence[TaggedText]) -> None:
        """Replace the guild's own tags of these headlines (``company_ids``)."""


@dataclass(slots=True)
class Retag:
    """One re-tagging run: how far it got, and the task when it runs in the background."""

    guild_id: int
    total: int
    done: int = 0
    changed: int = 0
    task: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def in_background(self) -> bool:
        return self.task is not None and not self.task.done()

    async def wait(self) -> None:
        if self.task is not None:
            await asyncio.shield(self.task)


class Retagger:
    """Runs re-taggings; keeps a reference to the background ones until they finish."""

    def __init__(self, repository: RetagRepository) -> None:
        self._repository = repository
        self._running: set[asyncio.Task[None]] = set()

    async def start(
        self,
        guild_id: int,
        tagger: Callable[[], GuildTagger],
    ) -> Retag:
        """Re-tag the guild's headlines with the tagger ``tagger()`` gives (read at each
        batch, so that a later addition is used from then on)."""
        own = await self._repository.own_headline_count(guild_id)
        retag = Retag(guild_id, own + await self._repository.feed_headline_count(guild_id))
        if retag.total <= FOREGROUND_LIMIT:
            await self._run(retag, tagger)
            return retag
        task = asyncio.create_task(self._run(retag, tagger), name=f"retag-{guild_id}")
        self._running.add(task)
        task.add_done_callback(self._finished)
        retag.task = task
        return retag

    async def close(self) -> None:
        """Wait for the background runs (a CLI process waits before it exits)."""
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("re-tagging failed: %s", task.get_name(), exc_info=error)

    async def _run(self, retag: Retag, tagger: Callable[[], GuildTagger]) -> None:
        await self._own_headlines(retag, tagger)
        await self._commentary(retag.guild_id, tagger)
        await self._feed_headlines(retag, tagger)

    async def _own_headlines(self, retag: Retag, tagger: Callable[[], GuildTagger]) -> None:
        async for batch in _by_id(self._repository.own_headlines, retag.guild_id):
            read = tagger().subjects_and_mentions
            changed = [
                replace(h, company_ids=tags[0], mention_ids=tags[1])
                for h in batch
                if _changed(tags := read(h.title, h.summary), h)
            ]
            await self._repository.save_company_tags(changed)
            await self._progress(retag, len(batch), len(changed))

    async def _commentary(self, guild_id: int, tagger: Callable[[], GuildTagger]) -> None:
        async for sections in _by_id(self._repository.own_sections, guild_id):
            mentions = tagger().commentary_mentions
            await self._repository.save_section_mentions(
                [
                    replace(s, company_ids=named)
                    for s in sections
                    if set(named := mentions(s.commentary)) != set(s.company_ids)
                ]
            )
            await asyncio.sleep(0)

    async def _feed_headlines(self, retag: Retag, tagger: Callable[[], GuildTagger]) -> None:
        async for batch in _by_id(self._repository.feed_headlines, retag.guild_id):
            own_tags = tagger().own_tags
            changed = [
                replace(h, company_ids=found)
                for h in batch
                if set(found := own_tags(h.title, h.summary, h.shared_ids)) != set(h.company_ids)
            ]
            await self._repository.save_guild_tags(retag.guild_id, changed)
            await self._progress(retag, len(batch), len(changed))

    async def _progress(self, retag: Retag, done: int, changed: int) -> None:
        retag.done += done
        retag.changed += changed
        if retag.task is not None:
            log.info(
                "re-tagging guild=%s: %d/%d headlines", retag.guild_id, retag.done, retag.total
            )
        await asyncio.sleep(0)  # let the bot answer between batches


class _Row(Protocol):
    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=_Row)


async def _by_id(
    read: Callable[[int, int, int], Awaitable[Sequence[R]]], guild_id: int
) -> AsyncIterator[Sequence[R]]:
    """The guild's rows ``read`` gives, BATCH at a time, by id."""
    after = 0
    while batch := await read(guild_id, after, BATCH):
        yield batch
        after = batch[-1].id


def _changed(tags: tuple[tuple[int, ...], tuple[int, ...]], headline: TaggedText) -> bool:
    subjects, mentions = tags
    return set(subjects) != set(headline.company_ids) or set(mentions) != set(headline.mention_ids)

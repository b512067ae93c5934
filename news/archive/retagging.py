"""Re-tagging one server's headlines after its catalogue changed (``companies add|alias``), so
that /company finds what the archive already held under the new name.

Only the headlines the server's own roundups filed are re-tagged: they are its own rows. A
feed's headlines are shared by every server following the feed, so they keep the tags of the
bundled catalogue (a server's additions must not change what another server sees).

A small archive is re-tagged before the command answers; a big one in a background task, the
answer saying how many headlines it is working through.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from news.catalog.recognition import CompanyRecognizer

log = logging.getLogger(__name__)

# More of the server's headlines than this, and the re-tagging goes on after the answer.
FOREGROUND_LIMIT = 2_000
BATCH = 500


@dataclass(frozen=True, slots=True)
class TaggedText:
    """A headline's text and company tags, as re-tagging reads and writes them."""

    id: int
    sort_key: int
    text: str
    company_ids: tuple[int, ...]
    topic_ids: tuple[int, ...] = ()


class RetagRepository(Protocol):
    async def own_headline_count(self, guild_id: int) -> int:
        """How many headlines the guild's roundups filed."""

    async def own_headlines(self, guild_id: int, after_id: int, limit: int) -> list[TaggedText]:
        """The next ``limit`` of them by id, after ``after_id``."""

    async def save_company_tags(self, headlines: Sequence[TaggedText]) -> None:
        """Replace the company tags (and their index tags) of these headlines."""


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
        recognizer: Callable[[], CompanyRecognizer],
    ) -> Retag:
        """Re-tag the guild's headlines with the recognizer ``recognizer()`` gives (read at
        each batch, so that a later addition is used from then on)."""
        retag = Retag(guild_id, await self._repository.own_headline_count(guild_id))
        if retag.total <= FOREGROUND_LIMIT:
            await self._run(retag, recognizer)
            return retag
        task = asyncio.create_task(self._run(retag, recognizer), name=f"retag-{guild_id}")
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

    async def _run(self, retag: Retag, recognizer: Callable[[], CompanyRecognizer]) -> None:
        after = 0
        while True:
            batch = await self._repository.own_headlines(retag.guild_id, after, BATCH)
            if not batch:
                break
            find = recognizer().find
            changed = [
                TaggedText(h.id, h.sort_key, h.text, found, h.topic_ids)
                for h in batch
                if set(found := find(h.text)) != set(h.company_ids)
            ]
            await self._repository.save_company_tags(changed)
            retag.done += len(batch)
            retag.changed += len(changed)
            after = batch[-1].id
            if retag.task is not None:
                log.info(
                    "re-tagging guild=%s: %d/%d headlines", retag.guild_id, retag.done, retag.total
                )
            await asyncio.sleep(0)  # let the bot answer between batches

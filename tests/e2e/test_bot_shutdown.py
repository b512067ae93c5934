"""SIGTERM while a command is running: the bot closes cleanly and the archive stays whole."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import closing
from pathlib import Path

import pytest

from news.archive.importing import ImportRequest
from news.core.models import ImportResult
from testkit.fake_discord import InteractionRecord, Upload
from tests.e2e.bot_harness import KOREAN_COLUMN, BotWorld, bot_world

COLUMN = Upload("column.txt", KOREAN_COLUMN.encode(), "text/plain")


class HeldImport:
    """Stands in for ArchiveService.import_roundup and holds every import until released."""

    def __init__(self, real: Callable[[ImportRequest], Awaitable[ImportResult]]) -> None:
        self._real = real
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, request: ImportRequest) -> ImportResult:
        self.started.set()
        await self.release.wait()
        return await self._real(request)


def hold_imports(world: BotWorld, monkeypatch: pytest.MonkeyPatch) -> HeldImport:
    archive = world.bot.services.archive
    held = HeldImport(archive.import_roundup)
    monkeypatch.setattr(archive, "import_roundup", held)
    return held


async def start_import(world: BotWorld, held: HeldImport) -> InteractionRecord:
    record = await world.run(world.alpha, "roundup-import", {"file": COLUMN}, admin=True)
    await asyncio.wait_for(held.started.wait(), timeout=2.0)
    return record


async def sigterm(world: BotWorld) -> None:
    """What the SIGTERM handler does; then let the close task take its first step."""
    world.bot.request_close("SIGTERM")
    await asyncio.sleep(0)


def stored_roundup(database: Path, guild_id: int) -> tuple[int, int, int]:
    """(roundups, sections, items) of a server, read with a connection of our own."""
    with closing(sqlite3.connect(database)) as connection:
        row = connection.execute(
            """
            SELECT count(DISTINCT r.id), count(DISTINCT s.id), count(i.headline_id)
            FROM roundups r
            LEFT JOIN roundup_sections s ON s.roundup_id = r.id
            LEFT JOIN roundup_items i ON i.section_id = s.id
            WHERE r.guild_id = :guild_id
            """,
            {"guild_id": guild_id},
        ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def test_sigterm_stops_the_scheduler_and_closes_cleanly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with bot_world(tmp_path) as world:
        await sigterm(world)
        bot = world.bot

    assert not bot.scheduler.running
    assert bot.is_closed()
    assert errors(caplog) == []


async def test_sigterm_lets_a_running_import_finish_and_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async with bot_world(tmp_path) as world:
        held = hold_imports(world, monkeypatch)
        record = await start_import(world, held)
        await sigterm(world)
        held.release.set()

    (summary,) = record.followups
    assert summary.content.startswith("Imported")
    assert stored_roundup(world.database, world.alpha.id) == (1, 2, 4)
    assert errors(caplog) == []


async def test_sigterm_cancels_an_import_still_held_after_the_grace_period(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async with bot_world(tmp_path) as world:
        world.bot.shutdown_grace = 0.0
        held = hold_imports(world, monkeypatch)
        record = await start_import(world, held)
        await sigterm(world)

    assert stored_roundup(world.database, world.alpha.id) == (0, 0, 0)
    assert errors(caplog) == []
    # The admin is told, rather than left looking at "thinking…".
    assert record.original is not None
    assert "restarting" in record.original.content

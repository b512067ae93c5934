"""Waking the other processes: ``NOTIFY roundup_work, '<topic>'`` on PostgreSQL, heard by every
process that LISTENs on its own connection; on SQLite (one process) the handlers of this
process are called directly. Topics: ``digest`` (a schedule changed), ``alerts`` (a poll
filed news). A lost listening connection is opened again by ``check``; meanwhile every loop
still runs on its polling fallback, so a notification lost is a wake-up late, never work lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import asyncpg

from db.backend import Database
from db.postgres.database import PostgresDatabase

log = logging.getLogger(__name__)

CHANNEL = "roundup_work"


class WorkSignals:
    def __init__(self, database: Database) -> None:
        self._postgres = database if isinstance(database, PostgresDatabase) else None
        self._handlers: dict[str, list[Callable[[], None]]] = {}
        self._listener: asyncpg.Connection | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def on(self, topic: str, handler: Callable[[], None]) -> None:
        self._handlers.setdefault(topic, []).append(handler)

    async def start(self) -> None:
        await self.check()

    async def check(self) -> None:
        """Listen again when the connection was lost (a restarted or terminated backend)."""
        if self._postgres is None:
            return
        if self._listener is not None and not self._listener.is_closed():
            return
        try:
            self._listener = await asyncpg.connect(self._postgres.url, timeout=10)
            await self._listener.add_listener(CHANNEL, self._heard)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            self._listener = None
            log.warning("cannot LISTEN %s (%s); polling meanwhile", CHANNEL, error)

    def send(self, topic: str) -> None:
        """Notify from synchronous code: the notification goes out in a task."""
        task = asyncio.get_running_loop().create_task(self.notify(topic))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def notify(self, topic: str) -> None:
        if self._postgres is None:
            self._call(topic)
            return
        try:
            await self._postgres.pool.execute("SELECT pg_notify($1, $2)", CHANNEL, topic)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            # The others find the work on their next poll; this process need not wait.
            log.warning("NOTIFY %s failed (%s); waking this process only", topic, error)
            self._call(topic)

    async def close(self) -> None:
        if self._listener is not None and not self._listener.is_closed():
            await self._listener.close()
        self._listener = None

    def _heard(self, connection: object, pid: int, channel: str, payload: str) -> None:
        self._call(payload)

    def _call(self, topic: str) -> None:
        for handler in self._handlers.get(topic, []):
            handler()

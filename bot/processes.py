"""This process among the others: its heartbeat, and its share of Discord's rate budget.

Every ``LEASE_SECONDS / 3`` the process writes its row in ``processes`` (holder name, shard
ids, time seen) and counts the processes seen in the last ``LIVE_PERIODS`` lease periods.
Discord's global limit (about 50 requests per second) is per bot, across all its processes,
so each process paces its bulk sends (alert messages) at ALERT_REQUESTS_PER_SECOND divided by
that count: the sum stays under the budget whatever each process is doing. A process that
dies stops counting after a few lease periods, and the others' shares grow back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.jobs import every, stopped_by_shutdown
from cogs.alerts.delivery import RequestPacer
from db.notify import WorkSignals
from news.core.leases import LIVE_PERIODS, Leases

log = logging.getLogger(__name__)

JOB_ID = "processes:heartbeat"


class ProcessRegistry:
    def __init__(
        self,
        scheduler: AsyncIOScheduler,
        leases: Leases,
        signals: WorkSignals,
        pacer: RequestPacer,
        *,
        budget: float,
        shards: str,
        clock: Callable[[], datetime],
    ) -> None:
        self._scheduler = scheduler
        self._leases = leases
        self._signals = signals
        self._pacer = pacer
        self._budget = budget
        self._shards = shards
        self._clock = clock
        self.live = 1

    def start(self) -> None:
        every(
            self._scheduler,
            self.beat,
            seconds=max(1.0, self._leases.seconds / 3),
            job_id=JOB_ID,
            name="heartbeat and rate share",
            misfire_grace_seconds=int(self._leases.seconds),
        )

    async def beat(self) -> int:
        """Record this process alive, and take its share of the rate budget; never raises."""
        with stopped_by_shutdown(JOB_ID):
            try:
                repository = self._leases.repository
                now = self._clock()
                await repository.heartbeat(self._leases.holder, self._shards, now)
                self.live = await repository.live_processes(
                    now - self._leases.period * LIVE_PERIODS
                )
            except Exception:
                log.warning("heartbeat failed; keeping the last rate share", exc_info=True)
                return self.live
            self._pacer.rate = self._budget / self.live
            await self._signals.check()
        return self.live

    async def leave(self) -> None:
        try:
            await self._leases.repository.leave(self._leases.holder)
        except Exception:
            log.warning("could not remove this process's row; it ages out")

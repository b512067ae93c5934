"""What the scheduled jobs share: how a periodic one is registered, and how they end when the
bot shuts down under them."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from news.core.leases import LeaseLost, Leases

log = logging.getLogger(__name__)


@contextmanager
def stopped_by_shutdown(job: str) -> Iterator[None]:
    """APScheduler cancels the jobs still running when it shuts down, and would log each as
    an error with its traceback. Every job here keeps its work on record and resumes it at the
    next start, so being stopped is one line of information, not an error."""
    try:
        yield
    except asyncio.CancelledError:
        log.info("%s stopped by shutdown; it resumes at the next start", job)


def every(
    scheduler: AsyncIOScheduler,
    job: Callable[[], Awaitable[object]],
    *,
    seconds: float,
    job_id: str,
    name: str,
    misfire_grace_seconds: int,
) -> None:
    """Run ``job`` every ``seconds``, one run at a time: runs missed while one was going (or
    the loop was busy) collapse into one, and registering again replaces the job."""
    scheduler.add_job(
        job,
        IntervalTrigger(seconds=seconds),
        id=job_id,
        name=name,
        replace_existing=True,
        misfire_grace_time=misfire_grace_seconds,
        coalesce=True,
        max_instances=1,
    )


def run_now(scheduler: AsyncIOScheduler, job_id: str) -> None:
    """Run the job now rather than at its next tick (there is work for it); before the job
    is registered, the work simply waits for its first run."""
    try:
        scheduler.modify_job(job_id, next_run_time=datetime.now(UTC))
    except JobLookupError:
        log.debug("job %s not scheduled (yet): its work waits for the first run", job_id)


# A job whose run failed (the database unreachable, most likely) waits at most this long.
LONGEST_BACKOFF_SECONDS = 300.0


class Backoff:
    """A periodic job's pause after failed runs: the runs that come before the delay has
    passed are skipped, the delay doubles at each failure from the job's own period up to
    LONGEST_BACKOFF_SECONDS, and one run that succeeds ends the pause. Without it, every
    process would hit a database that is down (or just back) at every tick, logging each
    time. ``clock`` is monotonic seconds (injected by tests)."""

    def __init__(
        self,
        first_seconds: float,
        *,
        longest_seconds: float = LONGEST_BACKOFF_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._first = min(first_seconds, longest_seconds)
        self._longest = longest_seconds
        self._clock = clock
        self.delay = 0.0  # 0 when the last run succeeded
        self._not_before = 0.0

    def due(self) -> bool:
        """Whether a run may go now."""
        return self.delay == 0 or self._clock() >= self._not_before

    def failed(self) -> float:
        """Note a failed run; the seconds until the next run may go."""
        self.delay = min(self._longest, self.delay * 2) if self.delay else self._first
        self._not_before = self._clock() + self.delay
        return self.delay

    def succeeded(self) -> None:
        self.delay = 0.0


S = TypeVar("S")
R = TypeVar("R")
S_contra = TypeVar("S_contra", contravariant=True)
R_co = TypeVar("R_co", covariant=True)


class Delivering(Protocol[S_contra, R_co]):
    """A service whose pass matches what arrived, then delivers what waits (alerts, channel
    posts)."""

    async def match_new(self) -> int: ...

    async def deliver(self, sender: S_contra) -> R_co: ...


async def claimed_pass(
    service: Delivering[S, R],
    sender: S,
    *,
    leases: Leases | None,
    lease: tuple[str, str],
    backoff: Backoff,
    what: str,
) -> tuple[int, R | None]:
    """One pass of ``service`` under its lease: how many it queued, and its delivery report;
    (0, None) when another process holds the lease or the database cannot be reached (the
    next run tries again, after ``backoff``'s pause). Without ``leases``, no claim."""
    if leases is None:
        return await _match_and_deliver(service, sender, backoff, what)
    try:
        async with leases.holding(*lease) as held:
            backoff.succeeded()  # the database answered the claim
            if held is None:
                return 0, None
            return await _match_and_deliver(service, sender, backoff, what)
    except Exception:
        delay = backoff.failed()
        log.exception("claiming the %s failed; tried again in %.0f s", what, delay)
        return 0, None


async def _match_and_deliver(
    service: Delivering[S, R], sender: S, backoff: Backoff, what: str
) -> tuple[int, R | None]:
    try:
        queued = await service.match_new()
        report = await service.deliver(sender)
    except LeaseLost as lost:
        log.warning("%s given up to another process: %s", what, lost)
        return 0, None
    except Exception:
        delay = backoff.failed()
        log.exception("%s failed; everything on record resumes in %.0f s", what, delay)
        return 0, None
    backoff.succeeded()
    return queued, report

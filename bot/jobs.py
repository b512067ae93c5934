"""What the scheduled jobs share: how a periodic one is registered, and how they end when the
bot shuts down under them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

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

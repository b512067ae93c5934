"""What the scheduled jobs share: how they end when the bot shuts down under them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager

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

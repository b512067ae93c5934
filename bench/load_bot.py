"""``python -m bot run`` for the load benchmark: the same bot, with its feed job every second
instead of every 60, so the feeds due at start are polled by the bot's own job while the
benchmark sends commands, instead of a minute later.

    python -m bench.load_bot        (configured by the environment, as ``python -m bot run``)

A run polls at most POLL_BATCH feeds; the next run starts a second after it ends (the job
never runs twice at once), so 1,000 due feeds take two runs back to back.

With LOAD_SLOW_CALLBACK_MS set, every callback that holds the event loop longer than that is
logged (``held the event loop for N ms``) with where its task stopped next: the line right
after the work that held the loop. Cheaper than asyncio's debug mode, which records a stack
for every task and slows the bot several times over.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from pathlib import Path
from types import CoroutineType, FrameType
from typing import Any

import bot.feed_poller
from bot.cli import main

POLL_EVERY_SECONDS = 1
SLOW_CALLBACK_ENV = "LOAD_SLOW_CALLBACK_MS"
PROJECT = str(Path(__file__).resolve().parent.parent) + "/"
VENV = "/.venv/"
PROJECT_FRAMES = 4

log = logging.getLogger("bench.load_bot")


def stopping_place(callback: Any) -> str:
    """Where a task step left off, innermost first ("callee ← caller"): the frame it waits
    in, then the project's last PROJECT_FRAMES frames of its coroutine chain."""
    task = getattr(callback, "__self__", None)
    if not isinstance(task, asyncio.Task):
        return repr(callback)[:200]
    coro: Any = task.get_coro()
    frames: list[FrameType] = []
    while isinstance(coro, CoroutineType) and coro.cr_frame is not None:
        frames.append(coro.cr_frame)
        coro = coro.cr_await
    ours = [f for f in frames if _ours(f)]
    # The callers matter: the work that held the loop ran in one of them, before the call
    # that suspended the task.
    return " ← ".join(
        f"{f.f_code.co_filename.removeprefix(PROJECT)}:{f.f_lineno} {f.f_code.co_name}"
        for f in [*frames[-1:], *reversed(ours[-PROJECT_FRAMES:])]
    )


def _ours(frame: FrameType) -> bool:
    filename = frame.f_code.co_filename
    return filename.startswith(PROJECT) and VENV not in filename


def report_slow_callbacks(threshold_ms: float) -> None:
    """Time every callback the loop runs (Handle._run); log the slow ones."""
    run = asyncio.events.Handle._run

    def timed(handle: asyncio.events.Handle) -> None:
        started = time.monotonic()  # the clock the fake stamps interactions with
        run(handle)
        held_ms = (time.monotonic() - started) * 1000
        if held_ms > threshold_ms:
            where = stopping_place(getattr(handle, "_callback", None))
            log.warning(
                "held the event loop for %.0f ms at %.3f; next stop: %s",
                held_ms,
                started,
                where,
            )

    setattr(asyncio.events.Handle, "_run", timed)  # noqa: B010 (mypy refuses the assignment)


def run() -> int:
    # The job reads this when it is scheduled, in setup_hook: nothing else changes.
    bot.feed_poller.POLL_EVERY_SECONDS = POLL_EVERY_SECONDS
    threshold = os.environ.get(SLOW_CALLBACK_ENV)
    if threshold:
        report_slow_callbacks(float(threshold))
    return main(["run"])


if __name__ == "__main__":
    sys.exit(run())

"""``python -m bot run`` for the crash harnesses: the same bot, with its feed, alert and channel
jobs and its digest loop's polling fallback every second instead of every 60, 15, 15 and 60
seconds, so that a trial does not wait for a tick.

    python -m bench.crash_bot        (configured by the environment, as ``python -m bot run``)
"""

from __future__ import annotations

import sys

import bot.alert_dispatcher
import bot.channel_poster
import bot.digest_scheduler
import bot.feed_poller
from bot.cli import main

JOB_EVERY_SECONDS = 1


def run() -> int:
    # The jobs read these when they are scheduled, in setup_hook: nothing else changes.
    bot.feed_poller.POLL_EVERY_SECONDS = JOB_EVERY_SECONDS
    bot.alert_dispatcher.RUN_EVERY_SECONDS = JOB_EVERY_SECONDS
    bot.channel_poster.RUN_EVERY_SECONDS = JOB_EVERY_SECONDS
    bot.digest_scheduler.POLL_EVERY_SECONDS = JOB_EVERY_SECONDS
    return main(["run"])


if __name__ == "__main__":
    sys.exit(run())

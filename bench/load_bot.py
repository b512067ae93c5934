"""``python -m bot run`` for the load benchmark: the same bot, with its feed job every second
instead of every 60, so the feeds due at start are polled by the bot's own job while the
benchmark sends commands, instead of a minute later.

    python -m bench.load_bot        (configured by the environment, as ``python -m bot run``)

A run polls at most POLL_BATCH feeds; the next run starts a second after it ends (the job
never runs twice at once), so 1,000 due feeds take two runs back to back.
"""

from __future__ import annotations

import sys

import bot.feed_poller
from bot.cli import main

POLL_EVERY_SECONDS = 1


def run() -> int:
    # The job reads this when it is scheduled, in setup_hook: nothing else changes.
    bot.feed_poller.POLL_EVERY_SECONDS = POLL_EVERY_SECONDS
    return main(["run"])


if __name__ == "__main__":
    sys.exit(run())

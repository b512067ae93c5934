"""Feed benchmarks: pipeline throughput, 1,000 feeds in a 15-minute window, memory over
10,000 polls.

    python bench/feeds.py [--corpus ../shared/corpus/feeds] [--feeds 1000] [--rounds 10]

1. Throughput: every feed file of the corpus through the whole pipeline of a poll (parse,
   normalise, recognise companies and topics, store in SQLite, record the poll), against
   ``feedparser.parse`` alone on the same bytes; items per second, best of five (the two
   interleaved).
2. Window: ``--feeds`` feeds of 20 items each served by an aiohttp server on 127.0.0.1 (in a
   second process, so its CPU is not counted) and polled by FeedService.poll_due through the
   real SafeFetcher: the first round (every feed new: full parse and store), then steady rounds
   where one feed in ten has a new item and the rest answer 304. CPU is the bot process's own
   (user + system); its share of one core over the 15-minute window is CPU seconds / 900.
3. Memory: ``--rounds`` rounds of ``--feeds`` polls (10 × 1,000 = 10,000 polls), the resident
   set size after each.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from ipaddress import ip_network
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import feedparser
from aiohttp import web

from bot.app import open_services
from bot.fetch import SafeFetcher
from bot.settings import Settings
from db import SqlFeedRepository
from news.feeds.fetching import FetchResult
from news.feeds.ports import Fetcher
from news.feeds.service import FeedService
from news.feeds.sources import FeedSource, PollResult

SIDECAR_SUFFIXES = frozenset({".source", ".tsv", ".md"})
WINDOW_SECONDS = 15 * 60
ITEMS_PER_FEED = 20
START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@asynccontextmanager
async def feed_service(
    database_path: Path, fetcher: Fetcher, clock: Callable[[], datetime]
) -> AsyncIterator[tuple[FeedService, SqlFeedRepository]]:
    """The feed service as the bot wires it (new items are placed into stories as they
    arrive), fetching through ``fetcher``; and the repository, to follow feeds directly."""
    settings = Settings(_env_file=None, database_path=database_path)
    async with open_services(settings, clock=clock, fetcher=fetcher) as services:
        yield services.feeds, SqlFeedRepository(services.database)


# --- 1. throughput -------------------------------------------------------------------------


class FileFetcher:
    """news.feeds.ports.Fetcher serving the corpus files by their path."""

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        path = Path(url.removeprefix("file://"))
        return FetchResult(
            200, f"https://feeds.test/{path.name}", path.read_bytes(), None, None, None
        )


def corpus_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix not in SIDECAR_SUFFIXES)


def feedparser_pass(documents: list[bytes]) -> tuple[int, float]:
    started = time.perf_counter()
    items = sum(len(feedparser.parse(data).entries) for data in documents)
    return items, time.perf_counter() - started


async def pipeline_pass(files: list[Path]) -> tuple[int, float]:
    """Every file polled once into a fresh database (so every item is stored)."""
    with tempfile.TemporaryDirectory() as folder:
        async with feed_service(Path(folder) / "bench.db", FileFetcher(), Clock()) as opened:
            service, repo = opened
            sources = []
            for path in files:
                source = FeedSource(id=0, url=f"file://{path}", title=path.name)
                followed, _ = await repo.follow_feed(
                    1, source, name=None, added_by=None, added_at=START
                )
                # Not a first poll: every item is filed, not only this week's.
                sources.append(replace(followed.source, last_success_at=START))
            started = time.perf_counter()
            results = [await service.poll_one(source) for source in sources]
            elapsed = time.perf_counter() - started
    return sum(result.linked for result in results), elapsed


async def throughput(files: list[Path], repeats: int = 5) -> None:
    """Best of ``repeats`` for each, the two interleaved so that a busy machine slows both."""
    documents = [path.read_bytes() for path in files]
    parsed, piped = (0, float("inf")), (0, float("inf"))
    for _ in range(repeats):
        parsed = min(parsed, feedparser_pass(documents), key=lambda run: run[1])
        piped = min(piped, await pipeline_pass(files), key=lambda run: run[1])
    parse_rate, pipe_rate = parsed[0] / parsed[1], piped[0] / piped[1]
    print(f"{len(files)} corpus files")
    print(
        f"feedparser.parse alone: {parsed[0]} items in {parsed[1]:.3f} s = "
        f"{parse_rate:,.0f} items/s"
    )
    print(
        f"whole pipeline (parse, normalise, recognise, store): {piped[0]} items in "
        f"{piped[1]:.3f} s = {pipe_rate:,.0f} items/s ({pipe_rate / parse_rate:.0%} of feedparser)"
    )


# --- 2 and 3. a thousand feeds on 127.0.0.1 ------------------------------------------------------


def newest_story(number: int, round_number: int) -> int:
    """Feed ``number`` gains a story every tenth round, in turn: one feed in ten per round."""
    return (round_number + 10 - number % 10) // 10


def feed_document(number: int, round_number: int) -> bytes:
    newest = newest_story(number, round_number)
    entries = []
    for offset in range(ITEMS_PER_FEED):
        serial = newest - offset
        moment = START - timedelta(hours=offset)
        entries.append(
            f"<item><guid>f{number}-{serial}</guid><title>Feed {number} story {serial}: "
            f"chip makers and cloud security</title>"
            f"<link>https://news{number % 50}.test/{number}/{serial}?utm_source=rss</link>"
            f"<description>&lt;p&gt;Story {serial} of feed {number}, about Samsung and "
            f"Nvidia.&lt;/p&gt;</description><pubDate>{format_datetime(moment)}</pubDate>"
            "</item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Bench feed {number}</title><link>https://news.test/</link>"
        f"{''.join(entries)}</channel></rss>"
    ).encode()


def serve_feeds(port_out: multiprocessing.connection.Connection) -> None:
    """The feed server's process: /round/{k} moves every feed to round k."""
    state = {"round": 0}

    async def feed(request: web.Request) -> web.Response:
        number = int(request.match_info["number"])
        etag = f'"{number}-{newest_story(number, state["round"])}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        body = feed_document(number, state["round"])
        return web.Response(body=body, content_type="application/rss+xml", headers={"ETag": etag})

    async def next_round(request: web.Request) -> web.Response:
        state["round"] = int(request.match_info["k"])
        return web.Response(text="ok")

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/f/{number}.xml", feed)
        app.router.add_get("/round/{k}", next_round)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port_out.send(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


async def poll_everything_due(service: FeedService) -> list[PollResult]:
    """What the minutely job polls over a window: poll_due takes a batch at a time."""
    results: list[PollResult] = []
    while batch := await service.poll_due():
        results += batch
    return results


def rss_megabytes() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def window(feed_count: int, rounds: int) -> None:
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    server = context.Process(target=serve_feeds, args=(sender,), daemon=True)
    server.start()
    port = receiver.recv()
    base = f"http://127.0.0.1:{port}"
    clock = Clock()
    try:
        with tempfile.TemporaryDirectory() as folder:
            loopback = (ip_network("127.0.0.1/32"),)
            async with (
                SafeFetcher(allow_private=False, allowed_networks=loopback) as fetcher,
                feed_service(Path(folder) / "window.db", fetcher, clock) as opened,
            ):
                service, repo = opened
                for number in range(feed_count):
                    source = FeedSource(
                        id=0, url=f"{base}/f/{number}.xml", title="", next_poll_at=START
                    )
                    await repo.follow_feed(
                        1 + number % 20, source, name=None, added_by=None, added_at=START
                    )
                print(f"{feed_count} feeds of {ITEMS_PER_FEED} items on 127.0.0.1")
                print("round  polls  new  304s  fail  wall s  CPU s  CPU share of 15 min  RSS MB")
                for round_number in range(rounds):
                    await fetcher.fetch(f"{base}/round/{round_number}")
                    cpu, wall = cpu_seconds(), time.perf_counter()
                    results = await poll_everything_due(service)
                    cpu, wall = cpu_seconds() - cpu, time.perf_counter() - wall
                    print(
                        f"{round_number + 1:5d}  {len(results):5d}  "
                        f"{sum(r.new_headlines for r in results):4d}  "
                        f"{sum(r.not_modified for r in results):4d}  "
                        f"{sum(r.error is not None for r in results):4d}  "
                        f"{wall:6.1f}  {cpu:5.1f}  {cpu / WINDOW_SECONDS:18.1%}  "
                        f"{rss_megabytes():6.1f}"
                    )
                    clock.now += timedelta(hours=7)  # past every feed's next poll
    finally:
        server.terminate()
        server.join()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus/feeds"))
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    await throughput(corpus_files(args.corpus))
    await window(args.feeds, args.rounds)


if __name__ == "__main__":
    asyncio.run(main())

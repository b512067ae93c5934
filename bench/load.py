"""Load: bursts of slash commands through the fake Discord while the bot polls a thousand
feeds from 127.0.0.1 and posts a digest.

    python bench/load.py [--commands 200] [--feeds 1000] [--rounds 5]
                         [--slow-callbacks] [--profile PATH]

The bot runs as its own process (bench/load_bot.py: ``python -m bot run`` with its feed job
every second, so the feeds due at start are polled by the bot's own job at once instead of a
minute later), with ALLOW_PRIVATE_URLS=true, against the FakeDiscord this process serves, in
bench/commands.py's loopback-only network namespace. The feeds (``--feeds`` of
ITEMS_PER_FEED fresh items each, followed FEEDS_PER_GUILD to a server) are served by an
aiohttp app in a second process; every one is due when the bot starts and was polled before,
so every item is filed and may alert the subscribers set up beforehand.

``--rounds`` bursts of ``--commands`` commands (/company, /headlines, /roundup,
/digest preview, /subscribe, /subscriptions, each from a different user in one of three
servers) are injected back to back on the gateway; the next burst starts when every reply of
this one is in. Two admins' ``/digest post`` of this week join the first burst that starts
after the digest server's feeds were polled: the digest must be posted exactly once.

Reported, on the fake's clock (the time the interaction was delivered on the gateway): the
time to each interaction's first callback (Discord refuses it after 3 s) and to its visible
reply, p50/p99/max; interactions acknowledged late or never (must be 0); the time the poll
of every feed took, from its first fetch until all were on record; the digest post, from
the first /digest post to its last part in the channel; the alerts the poll queued and how
many were delivered (while the bursts ran, and in all once the bot has sent them).

``--slow-callbacks`` lists every time a callback held the bot's event loop over 100 ms, with
the code its task was in (bench/load_bot.py times each callback; wall time, so a callback
kept waiting for the GIL by the bot's other threads counts too).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import math
import multiprocessing
import random
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from multiprocessing.connection import Connection
from pathlib import Path

from aiohttp import ClientSession, web
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.commands import (
    ACK_DEADLINE_S,
    BenchError,
    BotCpu,
    BotProcess,
    Command,
    Timeline,
    bot_environment,
    enter_loopback_only_network,
)
from bench.load_bot import SLOW_CALLBACK_ENV
from bot.app import open_services
from bot.settings import Settings
from db import SqlFeedRepository
from news.core.weeks import week_of
from news.digest.posts import MARKER_PREFIX
from news.feeds.service import MAX_FEEDS_PER_GUILD
from news.feeds.sources import FeedSource
from testkit.fake_discord import FakeDiscord, InteractionRecord, Member, Perm

SEED = 20261128
ITEMS_PER_FEED = 5
FEEDS_PER_GUILD = MAX_FEEDS_PER_GUILD
COMMAND_GUILDS = 3
MEMBERS_PER_GUILD = 70  # 3 × 70 users: every command of a burst of 200 from its own user
SUBSCRIBERS_PER_GUILD = 20

READY_WITHIN_S = 60.0
REPLY_WITHIN_S = 10.0  # well past 3 s, so a slow reply is measured, not lost
POLL_WITHIN_S = 300.0
POLL_WATCH_EVERY_S = 0.1
ALERTS_WITHIN_S = 300.0  # after the poll: every alert matched and sent
SLOW_CALLBACK_MS = 100.0
SLOW_CALLBACK = re.compile(r"held the event loop for (\d+) ms at ([\d.]+); next stop: (.*)")

COMPANY_NAMES = ("엔비디아", "MS", "삼성전자", "Microsoft", "애플", "구글")
HEADLINE_QUERIES = ("보안", "AI", "삼성")
# Every keyword is in some of the stories the feeds tell, so the poll queues alerts and their
# delivery shares the bot with the commands.
KEYWORDS = ("엔비디아", "보안", "데이터센터", "cloud", "AI")
# Feed items tell these stories; several feeds carry each one, as outlets do.
STORIES = (
    "엔비디아, 데이터센터 AI 칩 공급 확대",
    "삼성전자, 파운드리 보안 인증 획득",
    "Microsoft patches a cloud security flaw",
    "MS, 한국 AI 데이터센터 투자",
    "Apple opens an AI research lab in Seoul",
    "구글, 검색 광고 AI 개편",
    "랜섬웨어 공격에 병원 보안 경고",
    "Nvidia and TSMC expand chip supply",
)
STORY_VARIANTS = 25


# -- the feeds --------------------------------------------------------------------------------


def feed_document(number: int, items: int, anchor: datetime) -> bytes:
    """Feed ``number``: ``items`` items published in the minutes before ``anchor``."""
    entries = []
    for item in range(items):
        story = STORIES[(number + item) % len(STORIES)]
        title = f"{story} ({(number % STORY_VARIANTS) * items + item})"
        published = anchor - timedelta(minutes=5 * item + number % 5)
        entries.append(
            f"<item><guid>load-{number}-{item}</guid><title>{html.escape(title)}</title>"
            f"<link>https://outlet{number}.example/news/{item}</link>"
            f"<pubDate>{format_datetime(published)}</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Load feed {number}</title><link>https://outlet{number}.example/</link>"
        f"{''.join(entries)}</channel></rss>"
    ).encode()


def feed_path(number: int) -> str:
    return f"/feed/{number}.xml"


def feed_site(count: int, items: int, anchor: datetime) -> web.Application:
    """``count`` feeds at /feed/<n>.xml; /stats tells how many fetches, first and last (on
    the monotonic clock, which the fake and every process on the machine share)."""
    documents = [feed_document(number, items, anchor) for number in range(count)]
    stats: dict[str, float | int | None] = {"hits": 0, "first": None, "last": None}

    async def feed(request: web.Request) -> web.Response:
        number = int(request.match_info["number"])
        if not 0 <= number < count:
            raise web.HTTPNotFound
        now = time.monotonic()
        stats["hits"] = int(stats["hits"] or 0) + 1
        stats["first"] = stats["first"] or now
        stats["last"] = now
        return web.Response(body=documents[number], content_type="application/rss+xml")

    async def report(request: web.Request) -> web.Response:
        return web.json_response(stats)

    app = web.Application()
    app.router.add_get("/feed/{number:\\d+}.xml", feed)
    app.router.add_get("/stats", report)
    return app


def serve_feed_site(port_out: Connection, count: int, items: int, anchor: str) -> None:
    """The feed server's process, so its CPU does not delay the fake's."""

    async def main() -> None:
        runner = web.AppRunner(
            feed_site(count, items, datetime.fromisoformat(anchor)), access_log=None
        )
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port_out.send(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


@dataclass(frozen=True, slots=True)
class FeedStats:
    hits: int
    first: float | None
    last: float | None


async def feed_stats(base: str) -> FeedStats:
    async with ClientSession() as session, session.get(f"{base}/stats") as response:
        body = await response.json()
    return FeedStats(int(body["hits"]), body["first"], body["last"])


# -- the servers and their users --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    guild_id: int
    channel_id: int
    members: tuple[Member, ...]


@dataclass(frozen=True, slots=True)
class LoadScene:
    """Servers following FEEDS_PER_GUILD feeds each; users type commands in the first
    COMMAND_GUILDS; the first also posts its digest in a channel of its own."""

    places: tuple[Place, ...]
    feed_guilds: tuple[int, ...]
    digest_channel_id: int
    admins: tuple[Member, Member]

    @property
    def dev_guild_id(self) -> int:
        return self.places[0].guild_id


def build_load_scene(fake: FakeDiscord, feeds: int) -> LoadScene:
    guild_count = max(COMMAND_GUILDS, math.ceil(feeds / FEEDS_PER_GUILD))
    guilds = [fake.add_guild(f"load{number}") for number in range(guild_count)]
    places = []
    for number, guild in enumerate(guilds[:COMMAND_GUILDS]):
        channel = fake.add_text_channel(guild, "news")
        members = [fake.add_member(guild, f"g{number}u{n}") for n in range(MEMBERS_PER_GUILD)]
        places.append(Place(guild.id, channel.id, tuple(members)))
    digest = fake.add_text_channel(guilds[0], "digest")
    admins = (
        fake.add_member(guilds[0], "admin1", permissions=Perm.MANAGE_GUILD),
        fake.add_member(guilds[0], "admin2", permissions=Perm.MANAGE_GUILD),
    )
    return LoadScene(tuple(places), tuple(g.id for g in guilds), digest.id, admins)


def feed_guild(scene: LoadScene, number: int) -> int:
    return scene.feed_guilds[number // FEEDS_PER_GUILD]


# -- the database before the bot starts -------------------------------------------------------


async def prepare_database(
    database: Path, scene: LoadScene, base: str, feeds: int, anchor: datetime
) -> None:
    """Every feed due and polled an hour ago; the digest scheduled (not due: a /digest post
    posts it); a few users subscribed to keywords the feeds carry."""
    earlier = anchor - timedelta(hours=1)
    settings = Settings(_env_file=None, database_path=database, allow_private_urls=True)
    async with open_services(settings) as services:
        repo = SqlFeedRepository(services.database)
        for number in range(feeds):
            source = FeedSource(id=0, url=f"{base}{feed_path(number)}", title=f"Load feed {number}")
            followed, _ = await repo.follow_feed(
                feed_guild(scene, number), source, name=None, added_by=None, added_at=earlier
            )
            # Polled before: this poll files every item and alerts on it, as a poll of a
            # feed followed for a while does (a first poll would file it silently).
            await repo.record_poll(
                replace(followed.source, last_success_at=earlier, next_poll_at=earlier)
            )

        # Three days from now: the start-up catch-up has nothing to post.
        await services.guild_settings.configure_digest(
            scene.dev_guild_id,
            channel_id=scene.digest_channel_id,
            weekday=(anchor.weekday() + 3) % 7,
            hour=12,
            timezone="UTC",
            language="ko",
        )
        for place in scene.places:
            for number, member in enumerate(place.members[:SUBSCRIBERS_PER_GUILD]):
                await services.alerts.subscribe(
                    place.guild_id, member.id, keyword=KEYWORDS[number % len(KEYWORDS)]
                )


def polled_count(database: Path, since: datetime) -> int:
    """Feeds whose poll since ``since`` is on record (a read-only connection: WAL lets it
    read while the bot writes)."""
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        row = db.execute(
            "SELECT count(*) FROM sources WHERE kind = 'feed' AND last_success_at > ?",
            (int(since.timestamp()),),
        ).fetchone()
    return int(row[0])


@dataclass(frozen=True, slots=True)
class AlertCounts:
    unmatched: int  # headlines waiting for the matcher
    queued: int  # alerts queued for a subscriber
    waiting: int  # queued, not yet in a message
    delivered: int  # alerts in a message that was sent

    @property
    def settled(self) -> bool:
        return self.unmatched == 0 and self.waiting == 0 and self.delivered == self.queued


def alert_counts(database: Path) -> AlertCounts:
    """Where the alerts stand (a read-only connection: WAL lets it read while the bot writes)."""
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        unmatched = db.execute("SELECT count(*) FROM alert_inbox").fetchone()[0]
        queued, waiting, delivered = db.execute(
            "SELECT count(*), count(*) FILTER (WHERE o.batch_id IS NULL),"
            "       count(*) FILTER (WHERE b.state = 'sent')"
            "  FROM alert_outbox AS o LEFT JOIN alert_batches AS b ON b.id = o.batch_id"
        ).fetchone()
    return AlertCounts(int(unmatched), int(queued), int(waiting), int(delivered))


async def wait_for_alerts(database: Path) -> float | None:
    """Seconds until every headline of the poll is matched and every alert sent (None if
    not within ALERTS_WITHIN_S)."""
    started = time.monotonic()
    while time.monotonic() - started < ALERTS_WITHIN_S:
        if alert_counts(database).settled:
            return time.monotonic() - started
        await asyncio.sleep(POLL_WATCH_EVERY_S)
    return None


class PollWatch:
    """Watches the database until every feed's poll is on record; stamps that moment."""

    def __init__(self, database: Path, since: datetime, feeds: int) -> None:
        self._database = database
        self._since = since
        self._feeds = feeds
        self.polled = 0
        self.done_at: float | None = None

    async def run(self) -> None:
        while True:
            self.polled = await asyncio.to_thread(polled_count, self._database, self._since)
            if self.polled >= self._feeds:
                self.done_at = time.monotonic()
                return
            await asyncio.sleep(POLL_WATCH_EVERY_S)


# -- the commands -----------------------------------------------------------------------------


def command_mix(count: int, rng: random.Random) -> list[Command]:
    """The six commands in turn, with names and queries in Korean and English."""
    makers: tuple[Callable[[], Command], ...] = (
        lambda: Command("company", {"name": rng.choice(COMPANY_NAMES)}),
        lambda: Command("headlines", {"query": rng.choice(HEADLINE_QUERIES)}),
        lambda: Command("roundup", {}),
        lambda: Command("digest preview", {}),
        lambda: Command("subscribe", {"keyword": rng.choice(KEYWORDS)}),
        lambda: Command("subscriptions", {}),
    )
    return [makers[number % len(makers)]() for number in range(count)]


@dataclass(frozen=True, slots=True)
class Shot:
    label: str
    record: InteractionRecord
    during_poll: bool


async def inject(fake: FakeDiscord, places: Sequence[Place], command: Command, serial: int) -> Shot:
    """Command number ``serial``: the servers in turn, each time another member of it."""
    place = places[serial % len(places)]
    member = place.members[(serial // len(places)) % len(place.members)]
    record = await fake.slash(
        place.guild_id, place.channel_id, member.id, command.name, command.options
    )
    return Shot(f"/{command.name}", record, during_poll=False)


async def post_digests(fake: FakeDiscord, scene: LoadScene, week: str) -> list[Shot]:
    """Two admins post this week's digest at once: one post, one 'already posted'."""
    return [
        Shot(
            "/digest post",
            await fake.slash(
                scene.dev_guild_id,
                scene.places[0].channel_id,
                admin.id,
                "digest post",
                {"week": week},
            ),
            during_poll=False,
        )
        for admin in scene.admins
    ]


async def settle(record: InteractionRecord) -> None:
    # A reply that never shows is counted from the timeline afterwards, not raised here.
    with contextlib.suppress(TimeoutError):
        await record.wait_reply(within=REPLY_WITHIN_S)


async def drive(
    fake: FakeDiscord, scene: LoadScene, args: argparse.Namespace, watch: PollWatch, week: str
) -> list[Shot]:
    rng = random.Random(SEED)
    shots: list[Shot] = []
    digest_after = min(args.feeds, FEEDS_PER_GUILD)  # the digest server's feeds come first
    for number in range(args.rounds):
        polling = watch.done_at is None
        burst = [
            await inject(fake, scene.places, command, serial)
            for serial, command in enumerate(command_mix(args.commands, rng))
        ]
        posted = any(shot.label == "/digest post" for shot in shots)
        if not posted and (watch.polled >= digest_after or number == args.rounds - 1):
            burst += await post_digests(fake, scene, week)
        await asyncio.gather(*(settle(shot.record) for shot in burst))
        shots += [replace(shot, during_poll=polling) for shot in burst]
    return shots


# -- figures ----------------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest rank; NaN when there is nothing to rank."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass(frozen=True, slots=True)
class Timing:
    label: str
    acknowledged_s: float | None
    replied_s: float | None


def timings_of(shots: Sequence[Shot], timeline: Timeline) -> list[Timing]:
    return [
        Timing(
            shot.label,
            timeline.acknowledged_after(shot.record),
            timeline.replied_after(shot.record),
        )
        for shot in shots
    ]


def late(timings: Sequence[Timing]) -> list[Timing]:
    """Never acknowledged, or acknowledged after Discord's 3 s."""
    return [t for t in timings if t.acknowledged_s is None or t.acknowledged_s > ACK_DEADLINE_S]


@dataclass(frozen=True, slots=True)
class DigestFigures:
    first_parts: int  # messages that open an edition of the week: 1 when posted once
    parts: int
    expected_parts: int | None
    seconds: float | None  # first /digest post delivered → last part accepted


def digest_figures(fake: FakeDiscord, channel_id: int, shots: Sequence[Shot]) -> DigestFigures:
    """What the digest channel shows, by the footer marker of each part."""
    messages = fake.messages(channel_id)
    # One marker a message, on whichever of its embeds carries it.
    markers = [
        footer
        for message in messages
        for embed in message.embeds
        if (footer := str(embed.get("footer", {}).get("text", ""))).startswith(MARKER_PREFIX)
    ]
    firsts = [f for f in markers if " · 1/" in f]
    expected = int(firsts[0].split(" · ")[2].split("/")[1]) if firsts else None
    posts = [shot.record.created_at for shot in shots if shot.label == "/digest post"]
    sent = [
        request.at
        for request in fake.requests_to("POST", f"/channels/{channel_id}/messages")
        if request.status < 300
    ]
    seconds = max(sent) - min(posts) if posts and sent else None
    return DigestFigures(len(firsts), len(markers), expected, seconds)


@dataclass(frozen=True, slots=True)
class Outcome:
    timings: list[Timing]
    during_poll: int
    polled: int
    poll_s: float | None
    feed_fetches: int
    digest: DigestFigures
    alert_dms: int
    alert_dms_during_bursts: int
    alerts: AlertCounts
    alerts_settled_s: float | None  # after the poll was on record
    rejections: list[str]
    unknown_routes: int
    bot_cpu: BotCpu
    wall_s: float


def latency_table(timings: Sequence[Timing]) -> Table:
    table = Table(title="delivered on the gateway → first callback (ack) / visible reply, ms")
    columns = ("command", "n", "ack p50", "ack p99", "ack max", "reply p50", "reply p99")
    for column in (*columns, "reply max", "late"):
        table.add_column(column, justify="left" if column == "command" else "right")
    for label in [*sorted({t.label for t in timings}), "all"]:
        chosen = [t for t in timings if label in ("all", t.label)]
        acks = [t.acknowledged_s * 1000 for t in chosen if t.acknowledged_s is not None]
        replies = [t.replied_s * 1000 for t in chosen if t.replied_s is not None]
        table.add_row(
            label,
            str(len(chosen)),
            f"{percentile(acks, 0.5):.0f}",
            f"{percentile(acks, 0.99):.0f}",
            f"{max(acks, default=math.nan):.0f}",
            f"{percentile(replies, 0.5):.0f}",
            f"{percentile(replies, 0.99):.0f}",
            f"{max(replies, default=math.nan):.0f}",
            str(len(late(chosen))),
        )
    return table


def report(outcome: Outcome, args: argparse.Namespace, out: Console) -> None:
    out.print(latency_table(outcome.timings))
    digest = outcome.digest
    poll = "not finished" if outcome.poll_s is None else f"{outcome.poll_s:.1f} s"
    digest_s = "—" if digest.seconds is None else f"{digest.seconds:.2f} s"
    out.print(
        f"interactions: {len(outcome.timings)}, sent while the poll ran: {outcome.during_poll}"
    )
    out.print(
        f"feeds: {outcome.polled}/{args.feeds} polled ({outcome.feed_fetches} fetches), "
        f"first fetch → all on record: {poll}"
    )
    out.print(
        f"digest: {digest.first_parts} post(s) of the week, {digest.parts} part(s) of "
        f"{digest.expected_parts}, first /digest post → last part: {digest_s}"
    )
    alerts = outcome.alerts
    settled = "never" if outcome.alerts_settled_s is None else f"{outcome.alerts_settled_s:.1f} s"
    out.print(
        f"alerts: {alerts.queued:,} queued, {alerts.delivered:,} delivered in "
        f"{outcome.alert_dms} DMs ({outcome.alert_dms_during_bursts} of them while the bursts "
        f"ran), {alerts.waiting:,} still waiting; all sent {settled} after the poll"
    )
    out.print(
        f"bot CPU over the run: event loop {outcome.bot_cpu.loop_s:.1f} s, other threads "
        f"{outcome.bot_cpu.other_threads_s:.1f} s, in {outcome.wall_s:.1f} s wall"
    )
    out.print(f"requests the fake refused: {len(outcome.rejections)} {outcome.rejections[:5]}")
    out.print(f"requests to unknown routes: {outcome.unknown_routes}")
    acks = [t.acknowledged_s for t in outcome.timings if t.acknowledged_s is not None]
    verdicts = [
        (
            not late(outcome.timings),
            f"{len(outcome.timings) - len(late(outcome.timings))}/"
            f"{len(outcome.timings)} acknowledged within {ACK_DEADLINE_S:.0f} s "
            f"(worst {max(acks, default=math.nan) * 1000:.0f} ms)",
        ),
        (outcome.polled == args.feeds, f"{outcome.polled}/{args.feeds} feeds polled"),
        (
            outcome.alerts.queued > 0 and outcome.alerts.settled,
            f"{outcome.alerts.delivered:,}/{outcome.alerts.queued:,} alerts delivered",
        ),
        (
            digest.first_parts == 1 and digest.parts == digest.expected_parts,
            "digest posted exactly once",
        ),
    ]
    for met, text in verdicts:
        out.print(f"[green]PASS[/green] {text}" if met else f"[red]FAIL[/red] {text}")


def print_slow_callbacks(log: str, first: float, last: float, out: Console) -> None:
    """bench/load_bot.py's log of each callback that held the loop too long, by the place
    its task stopped next (right after the work that held the loop)."""
    held: dict[str, list[int]] = {}
    for match in SLOW_CALLBACK.finditer(log):
        during = "during the bursts" if first <= float(match[2]) <= last else "outside them"
        held.setdefault(f"{match[3]} ({during})", []).append(int(match[1]))
    total = sum(len(times) for times in held.values())
    out.print(f"event loop held over {SLOW_CALLBACK_MS:.0f} ms: {total} times")
    for where, times in sorted(held.items(), key=lambda item: -max(item[1]))[:15]:
        out.print(
            f"  {len(times):4d} × max {max(times):5d} ms  {where[:150]}",
            markup=False,
            highlight=False,
        )


# -- main -------------------------------------------------------------------------------------


def alert_dms(fake: FakeDiscord, scene: LoadScene) -> int:
    """DMs the subscribers were sent so far (the only DMs the bot sends in this run)."""
    subscribers = [m for p in scene.places for m in p.members[:SUBSCRIBERS_PER_GUILD]]
    return sum(len(fake.dms(member.id)) for member in subscribers)


async def sync_globally(fake: FakeDiscord, environment: dict[str, str], scratch: Path) -> None:
    """``python -m bot sync --global``, so the servers other than the development one have
    the commands, as in production."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "bot", "sync", "--global"),
        cwd=scratch,
        env=environment,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    if process.returncode != 0 or not fake.commands(None):
        raise BenchError(f"bot sync --global failed: {output.decode(errors='replace')}")


def start_feed_site(
    feeds: int, anchor: datetime
) -> tuple[multiprocessing.context.SpawnProcess, str]:
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    server = context.Process(
        target=serve_feed_site,
        args=(sender, feeds, ITEMS_PER_FEED, anchor.isoformat()),
        daemon=True,
    )
    server.start()
    return server, f"http://127.0.0.1:{receiver.recv()}"


async def measure(
    args: argparse.Namespace, scratch: Path, base: str, anchor: datetime, out: Console
) -> Outcome:
    database = scratch / "load.db"
    fake = FakeDiscord()
    scene = build_load_scene(fake, args.feeds)
    out.print(f"following {args.feeds:,} feeds in {len(scene.feed_guilds)} servers")
    await prepare_database(database, scene, base, args.feeds, anchor)
    week = week_of(anchor)
    async with fake:
        environment = bot_environment(fake, database, scene.dev_guild_id) | {
            "ALLOW_PRIVATE_URLS": "true"
        }
        await sync_globally(fake, environment, scratch)
        if args.slow_callbacks:
            environment |= {SLOW_CALLBACK_ENV: str(SLOW_CALLBACK_MS)}
        bot = await BotProcess.launch(
            fake, database, scratch, args.profile, module="bench.load_bot", environment=environment
        )
        watch = PollWatch(database, anchor, args.feeds)
        watching = asyncio.create_task(watch.run())
        try:
            await bot.wait_until_serving(fake, scene.dev_guild_id)
            out.print(f"bot serving; {args.rounds} bursts of {args.commands} commands")
            cpu, wall = bot.cpu_seconds(), time.perf_counter()
            shots = await drive(fake, scene, args, watch, week)
            dms_during_bursts = alert_dms(fake, scene)
            await asyncio.wait_for(watching, POLL_WITHIN_S)
            cpu, wall = bot.cpu_seconds() - cpu, time.perf_counter() - wall
            settled_s = await wait_for_alerts(database)
        except BaseException:
            watching.cancel()
            await bot.stop()
            out.print(bot.log_tail(), markup=False, highlight=False)
            raise
        stats = await feed_stats(base)
        await bot.stop()
    if args.slow_callbacks:
        delivered = [shot.record.created_at for shot in shots]
        text = bot.log_path.read_text(encoding="utf-8", errors="replace")
        print_slow_callbacks(text, min(delivered), max(delivered) + REPLY_WITHIN_S, out)
    timeline = Timeline(fake.requests, fake.application_id)
    return Outcome(
        timings_of(shots, timeline),
        sum(shot.during_poll for shot in shots),
        watch.polled,
        None if watch.done_at is None or stats.first is None else watch.done_at - stats.first,
        stats.hits,
        digest_figures(fake, scene.digest_channel_id, shots),
        alert_dms(fake, scene),
        dms_during_bursts,
        alert_counts(database),
        settled_s,
        [f"{r.method} {r.path} {r.status}/{r.code}" for r in fake.rejections],
        len(fake.unknown_routes),
        cpu,
        wall,
    )


async def run(args: argparse.Namespace, out: Console) -> None:
    anchor = datetime.now(UTC).replace(microsecond=0)
    server, base = start_feed_site(args.feeds, anchor)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-load-") as scratch:
            outcome = await measure(args, Path(scratch), base, anchor, out)
    finally:
        server.terminate()
        server.join()
    report(outcome, args, out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--commands", type=int, default=200, help="commands per burst")
    parser.add_argument("--feeds", type=int, default=1000, help="feeds polled meanwhile")
    parser.add_argument("--rounds", type=int, default=5, help="bursts, back to back")
    parser.add_argument(
        "--profile", type=Path, help="run the bot under cProfile and write its stats here"
    )
    parser.add_argument(
        "--slow-callbacks",
        action="store_true",
        help=f"list what held the bot's event loop over {SLOW_CALLBACK_MS:.0f} ms",
    )
    args = parser.parse_args()
    out = Console(width=120)
    try:
        enter_loopback_only_network()
        asyncio.run(run(args, out))
    except BenchError as error:
        out.print(f"[red]error:[/red] {error}")
        sys.exit(1)


if __name__ == "__main__":
    main()

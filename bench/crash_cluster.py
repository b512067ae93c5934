"""Kill trials across processes: three bot processes, one gateway shard each, share one
PostgreSQL database; in every trial one of them is killed, frozen or cut off from the database
while digests fall due, feeds publish, and alerts and channel posts wait. Nothing may be lost
or done twice.

    python -m bench.crash_cluster --trials 100 --seed 1
    python -m bench.crash_cluster --trials 3 --fault stop      (one kind of fault only)

The bench makes its own database on the server TEST_DATABASE_URL names (by default
postgresql://postgres@127.0.0.1:5432/postgres) and drops it after; it serves the fake Discord
and the feeds on 127.0.0.1, and starts ``python -m bench.crash_bot`` (``python -m bot run``
with its jobs every second) three times, with SHARD_COUNT=3 and SHARD_IDS=0, 1 and 2, and
LEASE_SECONDS=5 (the smallest the settings allow) so that a trial lasts seconds.

Each trial brings new work: three servers' digests (one per shard) due ``DUE_AFTER_S`` from
now, and new stories in every feed, which the bots file, post to the channels some feeds
post to, and deliver as DM alerts to the trial's subscribers. Then, at a random moment from
just after the work appeared until just after the digests fell due, one random process is

kill       SIGKILLed, and started again a second later (it must resume its shard);
stop       SIGSTOPped for longer than its leases last, then SIGCONTinued: the others take its
           work over, and what it then tries to write under its expired leases is refused
           (the fence; its log says "lease lost");
terminate  cut off: ``pg_terminate_backend`` on its connections (found by their
           application_name), while it runs on.

A trial ends when every digest, filed story, alert and channel post of it is on record and in
the fake Discord, and the faulted process is back. It then checks: each digest part in its
channel exactly once, each story filed once, each subscriber alerted once per story, each
channel post once; and a slash command in a server of every shard is answered (by the one
process on that shard: the fake routes it there, as Discord does, and counts acknowledgements).
After the last trial everything is checked again, in case a late write landed.

Every trial files into the same week, about 50 headlines a trial. Kept small on purpose: a
process that rebuilds its in-memory story index of the week (news/stories/service.py: after a
restart, or a placement that failed when its lease or connection was lost) reads every headline
of the week and blocks its event loop while it indexes them; with 16,000 headlines in the week
on this loaded machine that took long enough (10-15 s) to leave interactions unanswered past
Discord's 3 s and digests 40 s late.

Takeover time: from the fault to the moment another holder claimed a lease the faulted
process held (kill and stop). Digest lateness: from a digest's due time to its last part in
the channel. Both are checked against LEASE_SECONDS + 60 s, the bound the product promises with
its 60-second polling fallback (the bench's bots poll every second, so the figures mostly show
the lease expiry itself).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from bench.channel_posts import nonsense_title
from bench.crash import (
    HarnessError,
    Process,
    alert_violations,
    digest_violations,
    environment,
    roundup_text,
)
from bench.crash_channels import ChannelPlan, posting_violations
from bot.app import Services, open_services
from bot.settings import Settings
from news.archive.importing import ImportRequest
from news.core.weeks import week_start
from news.digest.posts import covered_week
from testkit.fake_discord import FakeDiscord, Guild, Perm
from testkit.feed_server import Page, ScriptedSite, rss, running_scripted_site
from testkit.postgres import TemplateServer, server_url

FAULTS = ("kill", "stop", "terminate")
SHARDS = 3
LEASE_SECONDS = 5.0
BOUND_S = LEASE_SECONDS + 60
LATENCY_S = 0.2  # the fake Discord's answer delay: sends take long enough to be cut

DUE_AFTER_S = 2.5
FAULT_FROM_S, FAULT_UNTIL_S = DUE_AFTER_S - 1.0, DUE_AFTER_S + 1.5
RESTART_AFTER_S = 1.0
STOPPED_FOR_S = LEASE_SECONDS + 2.0
SETTLE_S = 1.0  # after a trial's work is done: time for a late repeat to show
START_WITHIN_S = 60.0
QUIET_WITHIN_S = BOUND_S + 30.0
POLL_S = 0.1
ANSWER_WITHIN_S = 3.0  # Discord's limit for the first answer to an interaction

FEEDS, CHANNEL_FEEDS, ITEMS_PER_FEED = 4, 2, 2
USERS_PER_TRIAL = 6
DIGEST_SECTIONS, DIGEST_ITEMS = 3, 4  # small: every trial files into one week (docstring)

# Ids: a guild's shard is (id >> 22) % SHARDS, so the high part picks it.
HOME_BLOCK, DIGEST_BLOCK = 1_000, 2_000
USER_BASE = 9_300_000_000_000_000


def guild_id(block: int, shard: int) -> int:
    return ((block * SHARDS + shard) << 22) + 1


def home_guild(shard: int) -> int:
    return guild_id(HOME_BLOCK, shard)


def digest_guild(trial: int, shard: int) -> int:
    return guild_id(DIGEST_BLOCK + trial, shard)


def channel_of(guild: int, number: int = 0) -> int:
    return guild + 1 + number


def trial_users(trial: int) -> list[int]:
    return [USER_BASE + trial * 100 + n for n in range(USERS_PER_TRIAL)]


NEWS_GUILD = home_guild(0)  # follows the feeds; its channels get the channel posts
ADMIN_BASE = USER_BASE - 10


# -- the cluster --------------------------------------------------------------------------------


class Cluster:
    """The fake Discord, the bench's own connection, and one bot process per shard."""

    def __init__(self, fake: FakeDiscord, database_url: str, scratch: Path) -> None:
        self.fake = fake
        self.database_url = database_url
        self.scratch = scratch
        self.processes: dict[int, Process] = {}

    def env(self, shard: int) -> dict[str, str]:
        # application_name tells this process's connections apart in pg_stat_activity.
        url = f"{self.database_url}?application_name={application_name(shard)}"
        return environment(url) | {
            "DISCORD_TOKEN": self.fake.token,
            "DISCORD_API_BASE": self.fake.api_base,
            "DISCORD_GATEWAY_URL": self.fake.gateway_url,
            "SHARD_COUNT": str(SHARDS),
            "SHARD_IDS": str(shard),
            "LEASE_SECONDS": str(LEASE_SECONDS),
        }

    async def sync_commands(self) -> None:
        process = await Process.launch("bot", ["sync", "--global"], self.env(0), self.scratch)
        if await process.finish() != 0:
            raise HarnessError(f"sync --global failed:\n{process.tail()}")

    async def start(self, shard: int) -> Process:
        """The shard's process, once it identified on the gateway for that shard."""
        before = self.identified(shard)
        process = await Process.launch("bench.crash_bot", [], self.env(shard), self.scratch)
        self.processes[shard] = process
        ready = asyncio.ensure_future(
            self.fake.wait_until(
                lambda: self.identified(shard) > before, START_WITHIN_S, f"IDENTIFY {shard}"
            )
        )
        exited = asyncio.ensure_future(process.process.wait())
        await asyncio.wait({ready, exited}, return_when=asyncio.FIRST_COMPLETED)
        exited.cancel()
        if process.process.returncode is not None:
            ready.cancel()
            raise HarnessError(f"shard {shard}'s process exited while starting:\n{process.tail()}")
        try:
            ready.result()
        except TimeoutError:
            process.kill()
            raise HarnessError(f"no IDENTIFY for shard {shard}: see {process.log}") from None
        return process

    def identified(self, shard: int) -> int:
        return self.fake.gateway.shards_identified().count((shard, SHARDS))

    def holder_prefix(self, shard: int) -> str:
        """Lease holders are host:pid:random (news.core.leases.process_name)."""
        return f"{socket.gethostname()}:{self.processes[shard].process.pid}:"

    async def stop_all(self) -> None:
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                process.process.send_signal(signal.SIGCONT)
        await asyncio.gather(*(process.terminate() for process in self.processes.values()))


def application_name(shard: int) -> str:
    return f"roundup-shard-{shard}"


# -- the work of a trial ------------------------------------------------------------------------


@dataclass(slots=True)
class Work:
    """What one trial asks of the bots, and what it found."""

    number: int
    word: str
    due_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    due_monotonic: float = 0.0
    week: str = ""
    story_urls: list[str] = field(default_factory=list)
    channel_urls: list[str] = field(default_factory=list)

    @property
    def digest_guilds(self) -> list[int]:
        return [digest_guild(self.number, shard) for shard in range(SHARDS)]

    @property
    def users(self) -> list[int]:
        return trial_users(self.number)


class Bench:
    """The bench's side: its own services and connection on the shared database, the feed
    site, and the record of what each feed published."""

    def __init__(
        self, services: Services, db: asyncpg.Connection, site: ScriptedSite, cluster: Cluster
    ) -> None:
        self.services = services
        self.db = db
        self.site = site
        self.cluster = cluster
        self.published: dict[int, list[tuple[str, str, str, str]]] = {f: [] for f in range(FEEDS)}

    async def follow_feeds(self) -> None:
        for feed in range(FEEDS):
            self.publish(feed, [("setup", "Feed setup story", self.site.url(f"/s/{feed}/0"))])
            added = await self.services.feeds.add(NEWS_GUILD, self.site.url(feed_path(feed)))
            if feed < CHANNEL_FEEDS:
                await self.services.channels.start_posting(
                    added.feed, channel_of(NEWS_GUILD, 10 + feed)
                )

    async def subscribe(self, work: Work) -> None:
        for user in work.users:
            await self.services.alerts.subscribe(NEWS_GUILD, user, keyword=work.word)

    def publish(self, feed: int, items: Sequence[tuple[str, str, str]]) -> None:
        stamp = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
        self.published[feed] += [(guid, title, url, stamp) for guid, title, url in items]
        self.published[feed] = self.published[feed][-3 * ITEMS_PER_FEED :]
        self.site.pages[feed_path(feed)] = Page(rss(f"Feed {feed}", self.published[feed]))

    async def bring(self, work: Work, rng: random.Random) -> None:
        """The trial's digests due in DUE_AFTER_S (roundups imported, settings saved, rows
        set, the others woken), and new stories in every feed, due for polling now."""
        due = datetime.now(UTC) + timedelta(seconds=DUE_AFTER_S)
        work.due_at = due.replace(microsecond=0) + timedelta(seconds=1)  # rows hold seconds
        work.due_monotonic = time.monotonic() + (work.due_at - datetime.now(UTC)).total_seconds()
        work.week = covered_week(work.due_at)
        day = week_start(work.week) + timedelta(days=2)
        for guild in work.digest_guilds:
            text = roundup_text(
                f"Week of trial {work.number}", DIGEST_SECTIONS, DIGEST_ITEMS, f"t{guild}"
            )
            await self.services.archive.import_roundup(
                ImportRequest(guild, text, filename="r.md", day=day)
            )
            await self.services.guild_settings.configure_digest(
                guild,
                channel_id=channel_of(guild),
                weekday=work.due_at.weekday(),
                hour=work.due_at.hour,
                timezone="UTC",
                language="en",
            )
            await self.services.digest_schedule.set_next(guild, work.due_at)
        await self.db.execute("SELECT pg_notify('roundup_work', 'digest')")
        for feed in range(FEEDS):
            items = [
                (
                    f"t{work.number}-{feed}-{n}",
                    f"{nonsense_title(rng)} {work.word}",
                    self.site.url(f"/s/{feed}/t{work.number}-{n}"),
                )
                for n in range(ITEMS_PER_FEED)
            ]
            self.publish(feed, items)
            work.story_urls += [url for _, _, url in items]
            if feed < CHANNEL_FEEDS:
                work.channel_urls += [url for _, _, url in items]
        await self.db.execute("UPDATE sources SET next_poll_at = 0 WHERE kind = 'feed'")

    # -- reading the record ---------------------------------------------------------------------

    async def digests_posted(self, work: Work) -> bool:
        posted = await self.db.fetchval(
            "SELECT count(*) FROM digest_posts"
            " WHERE guild_id = any($1::bigint[]) AND week = $2 AND state = 'posted'",
            work.digest_guilds,
            work.week,
        )
        return int(posted) == len(work.digest_guilds)

    async def filed(self, urls: Sequence[str]) -> Counter[str]:
        rows = await self.db.fetch(
            "SELECT url, count(*) AS n FROM headlines WHERE url = any($1::text[]) GROUP BY url",
            list(urls),
        )
        return Counter({str(row["url"]): int(row["n"]) for row in rows})

    async def nothing_waits(self) -> bool:
        """No alert or channel post waiting, unmatched or in doubt."""
        waiting = await self.db.fetchval(
            "SELECT (SELECT count(*) FROM alert_inbox)"
            " + (SELECT count(*) FROM alert_outbox WHERE batch_id IS NULL)"
            " + (SELECT count(*) FROM alert_batches WHERE state = 'sending')"
            " + (SELECT count(*) FROM channel_inbox)"
            " + (SELECT count(*) FROM channel_outbox WHERE post_id IS NULL OR shown = 0)"
            " + (SELECT count(*) FROM channel_posts WHERE state = 'sending')"
        )
        return int(waiting) == 0

    async def done(self, work: Work) -> bool:
        """Every digest, story, alert and channel post of the trial on record and in Discord."""
        if not await self.digests_posted(work):
            return False
        if len(await self.filed(work.story_urls)) < len(work.story_urls):
            return False
        if not await self.nothing_waits():
            return False
        return not alert_violations(self.cluster.fake, work.users, work.story_urls) and not (
            posting_violations(self.cluster.fake, self.channel_plan(work))
        )

    def channel_plan(self, work: Work) -> ChannelPlan:
        return ChannelPlan(
            [channel_of(NEWS_GUILD, 10 + feed) for feed in range(CHANNEL_FEEDS)], work.channel_urls
        )

    async def violations(self, work: Work) -> list[str]:
        """Each digest part, filed story, alert and channel post of the trial exactly once."""
        fake = self.cluster.fake
        problems = []
        for guild in work.digest_guilds:
            parts = await self.db.fetchval(
                "SELECT part_count FROM digest_posts WHERE guild_id = $1 AND week = $2",
                guild,
                work.week,
            )
            problems += [
                f"guild {guild}: {problem}"
                for problem in digest_violations(
                    fake.messages(channel_of(guild)), work.week, int(parts or 0)
                )
            ]
        filed = await self.filed(work.story_urls)
        problems += [f"story filed {filed[url]} times: {url}" for url in work.story_urls
                     if filed[url] != 1]  # fmt: skip
        problems += alert_violations(fake, work.users, work.story_urls)
        problems += posting_violations(fake, self.channel_plan(work))
        return problems

    async def held_by(self, prefix: str) -> dict[tuple[str, str], int]:
        """The unexpired leases whose holder starts with ``prefix``: their tokens."""
        rows = await self.db.fetch(
            "SELECT kind, key, token FROM leases WHERE starts_with(holder, $1)"
            " AND expires_at > extract(epoch FROM now())",
            prefix,
        )
        return {(str(row["kind"]), str(row["key"])): int(row["token"]) for row in rows}

    async def claimed_by_others(
        self, units: Sequence[tuple[str, str]], prefix: str
    ) -> dict[tuple[str, str], int]:
        """The tokens of those of ``units`` whose holder does not start with ``prefix``."""
        rows = await self.db.fetch(
            "SELECT kind, key, token FROM leases"
            " WHERE kind = any($1::text[]) AND NOT starts_with(holder, $2)",
            sorted({kind for kind, _ in units}),
            prefix,
        )
        wanted = set(units)
        return {
            (str(row["kind"]), str(row["key"])): int(row["token"])
            for row in rows
            if (str(row["kind"]), str(row["key"])) in wanted
        }

    async def terminate_connections(self, shard: int) -> int:
        rows = await self.db.fetch(
            "SELECT pg_terminate_backend(pid) AS gone FROM pg_stat_activity"
            " WHERE application_name = $1",
            application_name(shard),
        )
        return sum(bool(row["gone"]) for row in rows)


def feed_path(feed: int) -> str:
    return f"/feed/{feed}.xml"


# -- one trial ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Trial:
    number: int
    fault: str
    shard: int
    delay_s: float
    held: list[str] = field(default_factory=list)  # kinds of the leases held at the fault
    # Seconds from the fault until another holder claimed the lease, per lease taken over.
    taken: dict[str, list[float]] = field(default_factory=dict)
    lateness: list[float] = field(default_factory=list)  # seconds, per digest
    connections_cut: int = 0
    refused_writes: int = 0  # "lease lost" lines the frozen process logged once continued
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def takeovers(self) -> list[float]:
        return sorted(t for times in self.taken.values() for t in times)


class FaultRun:
    """Applying the trial's fault to its process, and undoing it (restart, SIGCONT)."""

    def __init__(self, bench: Bench, trial: Trial) -> None:
        self.bench = bench
        self.cluster = bench.cluster
        self.trial = trial
        self.at = 0.0
        self.prefix = ""  # the faulted process's holder names start with it
        self.held: dict[tuple[str, str], int] = {}
        self.taken: dict[tuple[str, str], float] = {}
        self.log_offset = 0

    async def run(self) -> None:
        """Wait for the fault's moment, apply it, and bring the process back."""
        await asyncio.sleep(self.trial.delay_s)
        shard = self.trial.shard
        process = self.cluster.processes[shard]
        self.prefix = prefix = self.cluster.holder_prefix(shard)
        self.at = time.monotonic()
        if self.trial.fault == "kill":
            process.kill()
            await process.process.wait()
            self.held = await self.bench.held_by(prefix)
            await asyncio.sleep(RESTART_AFTER_S)
            await self.cluster.start(shard)
        elif self.trial.fault == "stop":
            process.process.send_signal(signal.SIGSTOP)
            self.held = await self.bench.held_by(prefix)
            await asyncio.sleep(STOPPED_FOR_S)
            self.log_offset = process.log.stat().st_size
            process.process.send_signal(signal.SIGCONT)
        else:
            self.trial.connections_cut = await self.bench.terminate_connections(shard)
        self.trial.held = sorted(kind for kind, _ in self.held)

    async def note_takeovers(self) -> None:
        """Leases of the faulted process that another holder has claimed since (a new token;
        the frozen process's own claims once it is continued do not count)."""
        waiting = [unit for unit in self.held if unit not in self.taken]
        if not waiting:
            return
        tokens = await self.bench.claimed_by_others(waiting, self.prefix)
        for unit in waiting:
            if tokens.get(unit, self.held[unit]) > self.held[unit]:
                self.taken[unit] = time.monotonic() - self.at

    def refused_writes(self) -> int:
        if self.trial.fault != "stop":
            return 0
        log = self.cluster.processes[self.trial.shard].log
        with log.open("rb") as file:
            file.seek(self.log_offset)
            return file.read().decode("utf-8", "replace").count("lease lost")


async def run_trial(bench: Bench, work: Work, trial: Trial, rng: random.Random) -> None:
    await bench.bring(work, rng)
    fault = FaultRun(bench, trial)
    faulting = asyncio.create_task(fault.run())
    deadline = time.monotonic() + QUIET_WITHIN_S
    try:
        while not (faulting.done() and await bench.done(work)):
            if time.monotonic() > deadline:
                trial.violations.append(f"work not done within {QUIET_WITHIN_S:.0f} s")
                break
            if faulting.done() and faulting.exception() is not None:
                break
            await fault.note_takeovers()
            await asyncio.sleep(POLL_S)
        await faulting  # raises the harness's own failure, if any
    finally:
        faulting.cancel()
    await fault.note_takeovers()
    await asyncio.sleep(SETTLE_S)
    for (kind, _), seconds in sorted(fault.taken.items(), key=lambda item: item[1]):
        trial.taken.setdefault(kind, []).append(seconds)
    trial.lateness = digest_lateness(bench.cluster.fake, work)
    trial.refused_writes = fault.refused_writes()
    trial.violations += await bench.violations(work)
    trial.violations += await interaction_violations(bench.cluster.fake)


def digest_lateness(fake: FakeDiscord, work: Work) -> list[float]:
    """Seconds from the digest's due time to its last part, per server posted."""
    late = []
    for guild in work.digest_guilds:
        messages = fake.messages(channel_of(guild))
        if messages:
            late.append(max(message.sent_at for message in messages) - work.due_monotonic)
    return late


async def interaction_violations(fake: FakeDiscord) -> list[str]:
    """A slash command in a server of every shard is answered in time, once."""
    problems = []
    for shard in range(SHARDS):
        guild = home_guild(shard)
        record = await fake.slash(guild, channel_of(guild), ADMIN_BASE + shard, "help")
        try:
            await record.wait_response(ANSWER_WITHIN_S)
        except TimeoutError:
            problems.append(f"/help in shard {shard}'s server not answered")
    doubled = [r for r in fake.rejections if r.code == 40060]
    if doubled:
        problems.append(f"{len(doubled)} interactions acknowledged twice")
    return problems


# -- setting up ---------------------------------------------------------------------------------


def cluster_fake(trials: int) -> FakeDiscord:
    fake = FakeDiscord(response_delay=LATENCY_S)
    for shard in range(SHARDS):
        home = fake.add_guild(f"home-{shard}", guild_id=home_guild(shard))
        add_channels(fake, home, 1 + (10 + CHANNEL_FEEDS if shard == 0 else 0))
        fake.add_member(home, f"admin-{shard}", permissions=Perm.MANAGE_GUILD,
                        user_id=ADMIN_BASE + shard)  # fmt: skip
    news = fake.world.guilds[NEWS_GUILD]
    for number in range(1, trials + 1):
        for shard in range(SHARDS):
            guild = fake.add_guild(f"digest-{number}-{shard}", guild_id=digest_guild(number, shard))
            add_channels(fake, guild, 1)
        for user in trial_users(number):
            fake.add_member(news, f"reader-{user}", user_id=user)
    return fake


def add_channels(fake: FakeDiscord, guild: Guild, count: int) -> None:
    for number in range(count):
        fake.add_text_channel(guild, f"news-{number}", channel_id=channel_of(guild.id, number))


def trial_words(trials: int, rng: random.Random) -> list[str]:
    """One made-up keyword per trial, none inside another."""
    words: list[str] = []
    while len(words) < trials:
        word = nonsense_title(rng).split()[1]
        if all(word not in other and other not in word for other in words):
            words.append(word)
    return words


@contextlib.asynccontextmanager
async def scratch_database(server: TemplateServer | None) -> AsyncIterator[str]:
    """A migrated database of our own, dropped after: made from the template of ``server``
    (the test suite's), else from a template of our own on TEST_DATABASE_URL's server."""
    own = server is None
    if server is None:
        server = TemplateServer(server_url(), prefix=f"crash_cluster_{os.getpid()}")
        await server.create_template()
    url = await server.fresh()
    try:
        yield url
    finally:
        await server.drop(url)
        if own:
            await server.drop_template()


@contextlib.asynccontextmanager
async def running_bench(
    trials: int, scratch: Path, server: TemplateServer | None
) -> AsyncIterator[Bench]:
    async with (
        scratch_database(server) as url,
        running_scripted_site() as site,
        cluster_fake(trials) as fake,
    ):
        settings = Settings(
            _env_file=None,
            database_url=f"{url}?application_name=crash-bench",
            allow_private_urls=True,
            lease_seconds=LEASE_SECONDS,
        )
        cluster = Cluster(fake, url, scratch)
        connection = await asyncpg.connect(url, server_settings={"application_name": "crash-bench"})
        try:
            async with open_services(settings) as services:
                yield Bench(services, connection, site, cluster)
        finally:
            await cluster.stop_all()
            await connection.close()


# -- running ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Summary:
    trials: list[Trial] = field(default_factory=list)
    final: list[str] = field(default_factory=list)  # violations found at the end
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return bool(self.final) or any(trial.violations for trial in self.trials)

    def takeovers(self) -> list[float]:
        return sorted(t for trial in self.trials for t in trial.takeovers)

    def lateness(self) -> list[float]:
        return sorted(t for trial in self.trials for t in trial.lateness)

    def beyond_bound(self) -> bool:
        return any(t > BOUND_S for t in [*self.takeovers(), *self.lateness()])


async def run_trials(
    trials: int,
    *,
    seed: int,
    faults: Sequence[str] = FAULTS,
    report: bool = True,
    server: TemplateServer | None = None,
) -> Summary:
    """``trials`` trials, the faults in turn, each on a random shard's process; on a
    database made from ``server``'s template when given."""
    rng = random.Random(seed)
    summary = Summary()
    began = time.perf_counter()
    words = trial_words(trials, rng)
    with tempfile.TemporaryDirectory(prefix="crash-cluster-") as directory:
        async with running_bench(trials, Path(directory), server) as bench:
            works = [Work(number, words[number - 1]) for number in range(1, trials + 1)]
            await bench.follow_feeds()
            for work in works:
                await bench.subscribe(work)
            await asyncio.gather(
                bench.cluster.sync_commands(),
                *(bench.cluster.start(shard) for shard in range(SHARDS)),
            )
            for work in works:
                trial = Trial(
                    work.number,
                    faults[(work.number - 1) % len(faults)],
                    rng.randrange(SHARDS),
                    rng.uniform(FAULT_FROM_S, FAULT_UNTIL_S),
                )
                started = time.perf_counter()
                await run_trial(bench, work, trial, rng)
                trial.seconds = time.perf_counter() - started
                summary.trials.append(trial)
                if report:
                    print(trial_line(seed, trial), flush=True)
            await bench.cluster.stop_all()
            for work in works:
                summary.final += [f"trial {work.number}: {v}" for v in await bench.violations(work)]
            if summary.failed:
                keep_logs(Path(directory))
    summary.seconds = time.perf_counter() - began
    return summary


def keep_logs(directory: Path) -> None:
    kept = Path(tempfile.mkdtemp(prefix="crash-cluster-logs-"))
    for log in directory.glob("*.log"):
        log.rename(kept / log.name)
    print(f"the processes' logs are kept in {kept}", flush=True)


def trial_line(seed: int, trial: Trial) -> str:
    verdict = "ok" if not trial.violations else "VIOLATED: " + " | ".join(trial.violations)
    held = ", ".join(f"{kind} x{n}" for kind, n in sorted(Counter(trial.held).items()))
    detail = f"held {held or 'no lease'}"
    if trial.taken:
        taken = ", ".join(f"{kind} {max(times):.1f} s" for kind, times in trial.taken.items())
        detail += f"; taken over: {taken}"
    if trial.fault == "terminate":
        detail = f"{trial.connections_cut} connections cut"
    if trial.refused_writes:
        detail += f", {trial.refused_writes} late writes refused"
    late = f"{max(trial.lateness):.1f}" if trial.lateness else "-"
    return (
        f"seed={seed} trial={trial.number} {trial.fault} shard={trial.shard} "
        f"at={trial.delay_s:.2f}s: {detail}; digests late {late} s "
        f"({trial.seconds:.1f} s): {verdict}"
    )


def figures(values: Sequence[float]) -> str:
    if not values:
        return "none"
    return f"p50 {statistics.median(values):.1f} s, max {max(values):.1f} s (n={len(values)})"


def summary_text(summary: Summary) -> str:
    lines = [f"{'fault':<10} {'trials':>6} {'violations':>10} {'takeover (p50 / max)':>24}"]
    for fault in FAULTS:
        trials = [trial for trial in summary.trials if trial.fault == fault]
        if not trials:
            continue
        times = [t for trial in trials for t in trial.takeovers]
        spread = f"{statistics.median(times):.1f} / {max(times):.1f} s" if times else "-"
        failed = sum(bool(trial.violations) for trial in trials)
        lines.append(f"{fault:<10} {len(trials):>6} {failed:>10} {spread:>24}")
    refused = sum(trial.refused_writes > 0 for trial in summary.trials)
    lines += [
        f"takeover: {figures(summary.takeovers())}; digest lateness: {figures(summary.lateness())}"
        f"; bound LEASE_SECONDS + 60 = {BOUND_S:.0f} s"
        f" ({'exceeded' if summary.beyond_bound() else 'met'})",
        f"frozen processes whose late writes were refused: {refused}",
        f"final check: {len(summary.final)} violations"
        + (f", e.g. {summary.final[0]}" if summary.final else ""),
        f"{len(summary.trials)} trials in {summary.seconds:.0f} s",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.crash_cluster",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fault", choices=(*FAULTS, "all"), default="all")
    args = parser.parse_args(argv)
    faults = FAULTS if args.fault == "all" else (args.fault,)
    try:
        summary = asyncio.run(run_trials(args.trials, seed=args.seed, faults=faults))
    except HarnessError as error:
        print(f"the harness could not run: {error}", file=sys.stderr)
        return 2
    print(summary_text(summary))
    return 1 if summary.failed or summary.beyond_bound() else 0


if __name__ == "__main__":
    sys.exit(main())

"""Crash consistency: SIGKILL a real bot process at a random moment of its work, restart it,
and check that nothing was lost, doubled or corrupted.

    python -m bench.crash --activity all --trials 100 --seed 1
    python -m bench.crash --activity digest --seed 1 --trial 17      (replay one trial)

Activities, each on a fresh copy of a prepared database:

import  ``python -m bot import FILE`` of a roundup of many headlines, killed; then the import
        is run again to the end. Right after the kill the roundup is complete or absent; after
        the re-run it is complete, with every headline of the article exactly once.
feeds   ``python -m bot feeds poll --once`` over feeds (on 127.0.0.1) that published many new
        items, killed; then polled again to the end: every item stored exactly once.
digest  ``python -m bot run`` posting a weekly digest of several messages at start-up (its
        catch-up) to the fake Discord, killed; restarted until the post is on record: every
        part of the digest is in the channel exactly once.
alerts  ``python -m bot run`` delivering keyword alerts by DM to many users, killed;
        restarted until nothing waits: every (user, headline) is in exactly one DM.
channels ``python -m bot run`` posting feeds' new stories to their channels
        (bench/crash_channels.py), killed; restarted until nothing waits: every story is in
        its channel exactly once.

The bot runs as its own process (bench/crash_bot.py: ``bot run`` with its feed and alert jobs
every second) against a FakeDiscord served by this process, whose answers are held
``--latency`` seconds so that a kill often falls between a message existing and the bot
learning its id. After every trial ``PRAGMA integrity_check`` must answer ok.

Each trial draws its kill delay from its own seeded generator (seed, activity, trial): the
delay counts from the process's launch (import, feeds) or from its IDENTIFY on the gateway
(digest, alerts). Timing varies from run to run, so a replay repeats the delay, not every
instruction; a failing trial's scratch directory is kept (``--keep``) for the post-mortem.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.crash_channels import (
    ChannelPlan,
    channel_fake,
    channels_quiet,
    doubtful_channel_nonces,
    posting_violations,
    prepare_channels,
)
from bot.app import Services, open_services, utc_now
from bot.digest_scheduler import last_fire_time
from bot.settings import Settings
from news.archive.importing import ImportRequest
from news.core.weeks import week_of
from news.digest.posts import covered_week
from testkit.fake_discord import FakeDiscord, Op, StoredMessage
from testkit.feed_server import Page, ScriptedSite, rss, running_scripted_site

ROOT = Path(__file__).resolve().parent.parent
ACTIVITIES = ("import", "feeds", "digest", "alerts", "channels")

GUILD_ID = 7_100_000_000_000_001
DIGEST_CHANNEL_ID = 7_100_000_000_000_002
USER_ID_BASE = 7_100_000_000_001_000

# Kill delays are drawn uniformly from [0, window): a window a little longer than the work,
# measured on this machine, so that most kills land in it and a few after it.
WINDOW_S = {"import": 2.2, "feeds": 1.8, "digest": 3.0, "alerts": 4.5, "channels": 4.0}
DEFAULT_LATENCY_S = 0.15

# The workloads: big enough that the work lasts seconds, small enough for a hundred trials.
IMPORT_SECTIONS, IMPORT_ITEMS = 40, 25
FEEDS, FEED_ITEMS = 6, 150
DIGEST_SECTIONS, DIGEST_ITEMS = 10, 10
ALERT_USERS, ALERT_HEADLINES = 40, 8  # at most 10 per message are listed with their link
ALERT_KEYWORD = "kernel"

START_WITHIN_S = 30.0
FINISH_WITHIN_S = 60.0
QUIET_WITHIN_S = 40.0
STOP_WITHIN_S = 10.0
POLL_S = 0.05

_URL = re.compile(r"\]\((https?://[^)\s]+)\)")


class HarnessError(RuntimeError):
    """The harness itself could not run a trial (not an invariant violation)."""


# -- trials ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Trial:
    activity: str
    number: int
    delay_s: float
    killed: bool = False  # the process was still running when the kill came
    interrupted: bool = False  # and its work was unfinished on record
    # Messages planned (nonce on record) but without their id: the hard case. ``sent_in_doubt``
    # counts those Discord had accepted all the same, which the restart must find, not resend.
    in_doubt: int = 0
    sent_in_doubt: int = 0
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0


def kill_delay(seed: int, activity: str, number: int, window: float) -> float:
    return random.Random(f"{seed}:{activity}:{number}").uniform(0.0, window)


@dataclass(frozen=True, slots=True)
class Workspace:
    """Where an activity's trials run: its prepared database and the processes' settings."""

    scratch: Path
    template: Path
    latency: float

    def trial_dir(self, number: int) -> Path:
        path = self.scratch / f"trial-{number}"
        path.mkdir()
        return path

    def copy_template(self, directory: Path) -> Path:
        database = directory / "bot.db"
        with (
            contextlib.closing(sqlite3.connect(self.template)) as source,
            contextlib.closing(sqlite3.connect(database)) as target,
        ):
            source.backup(target)
        return database


def environment(database: Path | str) -> dict[str, str]:
    """A child's whole environment: the SQLite file at ``database``, or the PostgreSQL
    database at that URL."""
    where = (
        {"DATABASE_URL": database}
        if isinstance(database, str)
        else {"DATABASE_PATH": str(database.resolve())}
    )
    return where | {
        "PATH": os.environ.get("PATH", os.defpath),
        "PYTHONPATH": str(ROOT),
        "ALLOW_PRIVATE_URLS": "true",
        "ALERT_HOURLY_CAP": "60",
        "LOG_LEVEL": "INFO",
    }


class Process:
    """A ``python -m ...`` child, its output in a log file, killed or awaited."""

    def __init__(self, process: asyncio.subprocess.Process, log: Path) -> None:
        self.process = process
        self.log = log

    @classmethod
    async def launch(
        cls, module: str, args: Sequence[str], env: dict[str, str], cwd: Path
    ) -> Process:
        log = cwd / f"{module.replace('.', '_')}-{time.monotonic_ns()}.log"
        with log.open("wb") as out:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                module,
                *args,
                cwd=cwd,  # no stray .env can add settings
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
            )
        return cls(process, log)

    async def kill_after(self, delay: float) -> bool:
        """SIGKILL after ``delay`` seconds; False when it had exited by then."""
        try:
            await asyncio.wait_for(asyncio.shield(self.process.wait()), delay)
            return False
        except TimeoutError:
            self.kill()
            await self.process.wait()
            return True

    def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()

    async def finish(self, within: float = FINISH_WITHIN_S) -> int:
        try:
            return await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            self.kill()
            await self.process.wait()
            raise HarnessError(f"still running after {within:.0f} s: see {self.log}") from None

    async def terminate(self) -> int | None:
        """SIGTERM, as systemd would; None when it had to be killed."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.process.wait(), STOP_WITHIN_S)
        except TimeoutError:
            self.kill()
            await self.process.wait()
            return None

    def tail(self, lines: int = 15) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


# -- the database, read from outside ---------------------------------------------------------


@contextlib.contextmanager
def reading(database: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    try:
        yield connection
    finally:
        connection.close()


def scalar(database: Path, sql: str, params: Sequence[object] = ()) -> int:
    with reading(database) as db:
        row = db.execute(sql, params).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def integrity_violations(database: Path) -> list[str]:
    with reading(database) as db:
        result = [row[0] for row in db.execute("PRAGMA integrity_check")]
        foreign = db.execute("PRAGMA foreign_key_check").fetchall()
    problems = [] if result == ["ok"] else [f"integrity_check: {'; '.join(result[:5])}"]
    if foreign:
        problems.append(f"foreign_key_check: {len(foreign)} rows, e.g. {foreign[0]}")
    return problems


def duplicated_urls(database: Path) -> list[str]:
    with reading(database) as db:
        rows = db.execute(
            "SELECT url, count(*) FROM headlines WHERE url IS NOT NULL"
            " GROUP BY url HAVING count(*) > 1"
        ).fetchall()
    return [f"headline stored {n} times: {url}" for url, n in rows]


def missing_urls(database: Path, expected: Sequence[str]) -> list[str]:
    with reading(database) as db:
        stored = {row[0] for row in db.execute("SELECT url FROM headlines")}
    lost = [url for url in expected if url not in stored]
    return [f"{len(lost)} headlines lost, e.g. {lost[0]}"] if lost else []


# -- preparing: the services of the bot, in this process -------------------------------------


def settings_for(database: Path) -> Settings:
    return Settings(
        _env_file=None,  # pydantic-settings' init-only option: no .env here
        database_path=database,
        allow_private_urls=True,
    )


@contextlib.asynccontextmanager
async def services_on(
    database: Path, clock: Callable[[], datetime] | None = None
) -> AsyncIterator[Services]:
    settings = settings_for(database)
    async with open_services(settings, clock=clock or utc_now) as services:
        yield services


def roundup_text(title: str, sections: int, items: int, prefix: str, word: str = "") -> str:
    lines = [f"# {title}", ""]
    for number in range(sections):
        lines += [f"## Section {number}", "", f"Commentary on part {number}.", ""]
        lines += [
            f"- [{word}Story {number}-{item} of {prefix}](https://example.com/{prefix}/{number}-{item})"
            for item in range(items)
        ]
        lines.append("")
    return "\n".join(lines)


def article_urls(prefix: str, sections: int, items: int) -> list[str]:
    return [f"https://example.com/{prefix}/{s}-{i}" for s in range(sections) for i in range(items)]


# -- activity: import ------------------------------------------------------------------------

IMPORT_DAY = date(2026, 11, 18)


@dataclass(frozen=True, slots=True)
class ImportPlan:
    article: Path
    urls: list[str]
    sections: int
    items: int


async def prepare_import(scratch: Path, template: Path) -> ImportPlan:
    article = scratch / "roundup.md"
    article.write_text(
        roundup_text("Crash week", IMPORT_SECTIONS, IMPORT_ITEMS, "crash-import"), "utf-8"
    )
    async with services_on(template):
        pass  # migrations and the bundled catalogue, once
    # What a complete import files, measured on a copy rather than assumed.
    reference = scratch / "reference.db"
    shutil.copy(template, reference)
    async with services_on(reference) as services:
        await services.archive.import_roundup(
            ImportRequest(
                GUILD_ID, article.read_text("utf-8"), filename="roundup.md", day=IMPORT_DAY
            )
        )
    roundups, sections, items = roundup_shape(reference)
    if roundups != 1 or items == 0:
        raise HarnessError("the reference import filed no roundup items")
    return ImportPlan(
        article, article_urls("crash-import", IMPORT_SECTIONS, IMPORT_ITEMS), sections, items
    )


def roundup_shape(database: Path) -> tuple[int, int, int]:
    """Roundups, sections and items filed for the guild's week: (0, 0, 0) when absent."""
    week = week_of(IMPORT_DAY)
    with reading(database) as db:
        row = db.execute(
            "SELECT (SELECT count(*) FROM roundups WHERE guild_id = :guild AND week = :week),"
            " (SELECT count(*) FROM roundup_sections s JOIN roundups r ON r.id = s.roundup_id"
            "  WHERE r.guild_id = :guild AND r.week = :week),"
            " (SELECT count(*) FROM roundup_items i"
            "  JOIN roundup_sections s ON s.id = i.section_id"
            "  JOIN roundups r ON r.id = s.roundup_id"
            "  WHERE r.guild_id = :guild AND r.week = :week)",
            {"guild": GUILD_ID, "week": week},
        ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


async def import_trial(space: Workspace, plan: ImportPlan, trial: Trial) -> None:
    directory = space.trial_dir(trial.number)
    database = space.copy_template(directory)
    env = environment(database)
    args = ["import", str(plan.article), "--guild", str(GUILD_ID), "--date", IMPORT_DAY.isoformat()]
    process = await Process.launch("bot", args, env, directory)
    trial.killed = await process.kill_after(trial.delay_s)
    complete = (1, plan.sections, plan.items)
    shape = roundup_shape(database)
    trial.interrupted = shape != complete
    if shape not in (complete, (0, 0, 0)):
        trial.violations.append(f"after the kill the roundup is half there: {shape} of {complete}")
    trial.violations += duplicated_urls(database)
    rerun = await Process.launch("bot", args, env, directory)
    if await rerun.finish() != 0:
        trial.violations.append(f"the re-run import failed: {rerun.tail(3)}")
    shape = roundup_shape(database)
    if shape != complete:
        trial.violations.append(f"after the re-run the roundup is {shape}, not {complete}")
    trial.violations += duplicated_urls(database) + missing_urls(database, plan.urls)
    trial.violations += integrity_violations(database)


# -- activity: feeds -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedPlan:
    urls: list[str]


def feed_page(site: ScriptedSite, feed: int, items: int, now: datetime) -> Page:
    stamp = now.strftime("%a, %d %b %Y %H:%M:%S GMT")
    entries = [
        (f"f{feed}-{n}", f"Feed {feed} story {n}", site.url(f"/story/{feed}/{n}"), stamp)
        for n in range(items)
    ]
    return Page(rss(f"Feed {feed}", entries))


async def prepare_feeds(site: ScriptedSite, template: Path) -> FeedPlan:
    """Feeds the guild follows (their first poll done with one item each), that have since
    published many items and are due again."""
    now = datetime.now(UTC)
    for feed in range(FEEDS):
        site.pages[f"/feed/{feed}.xml"] = feed_page(site, feed, 1, now)
    async with services_on(template) as services:
        for feed in range(FEEDS):
            await services.feeds.add(GUILD_ID, site.url(f"/feed/{feed}.xml"))
    for feed in range(FEEDS):
        site.pages[f"/feed/{feed}.xml"] = feed_page(site, feed, FEED_ITEMS, now)
    with contextlib.closing(sqlite3.connect(template)) as db, db:
        db.execute("UPDATE sources SET next_poll_at = 0")
    urls = [site.url(f"/story/{f}/{n}") for f in range(FEEDS) for n in range(FEED_ITEMS)]
    return FeedPlan(urls)


async def feeds_trial(space: Workspace, plan: FeedPlan, trial: Trial) -> None:
    directory = space.trial_dir(trial.number)
    database = space.copy_template(directory)
    env = environment(database)
    args = ["feeds", "poll", "--once"]
    process = await Process.launch("bot", args, env, directory)
    trial.killed = await process.kill_after(trial.delay_s)
    trial.interrupted = bool(missing_urls(database, plan.urls))
    trial.violations += duplicated_urls(database)
    rerun = await Process.launch("bot", args, env, directory)
    if await rerun.finish() != 0:
        trial.violations.append(f"the second poll failed: {rerun.tail(3)}")
    trial.violations += duplicated_urls(database) + missing_urls(database, plan.urls)
    trial.violations += integrity_violations(database)


# -- the bot against a fake Discord (digest, alerts) -----------------------------------------


class BotRuns:
    """One trial's fake Discord and the bot processes started against it, in turn."""

    def __init__(self, fake: FakeDiscord, database: Path, directory: Path) -> None:
        self.fake = fake
        self.directory = directory
        self.env = environment(database) | {
            "DISCORD_TOKEN": fake.token,
            "DISCORD_API_BASE": fake.api_base,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
        }
        self.starts = 0

    async def start(self) -> Process:
        """A bot process, once it identified on the gateway."""
        self.starts += 1
        process = await Process.launch("bench.crash_bot", [], self.env, self.directory)
        wanted = self.starts

        def identified() -> bool:
            return len(self.fake.gateway.frames_received(Op.IDENTIFY)) >= wanted

        ready = asyncio.ensure_future(self.fake.wait_until(identified, START_WITHIN_S, "IDENTIFY"))
        exited = asyncio.ensure_future(process.process.wait())
        await asyncio.wait({ready, exited}, return_when=asyncio.FIRST_COMPLETED)
        exited.cancel()
        if process.process.returncode is not None:
            ready.cancel()
            raise HarnessError(f"the bot exited while starting:\n{process.tail()}")
        try:
            ready.result()
        except TimeoutError:
            process.kill()
            raise HarnessError(f"no IDENTIFY within {START_WITHIN_S:.0f} s") from None
        return process

    async def run_until(self, quiet: Callable[[], bool]) -> bool:
        """Start the bot, wait until ``quiet`` holds on record, stop it; False on timeout."""
        process = await self.start()
        deadline = time.monotonic() + QUIET_WITHIN_S
        try:
            while not quiet():
                if time.monotonic() > deadline or process.process.returncode is not None:
                    return False
                await asyncio.sleep(POLL_S)
            return True
        finally:
            await process.terminate()


def note_doubt(trial: Trial, fake: FakeDiscord, nonces: set[str]) -> None:
    trial.in_doubt = len(nonces)
    trial.sent_in_doubt = sum(message.nonce in nonces for message in fake.all_messages)


async def killed_run(runs: BotRuns, trial: Trial) -> None:
    process = await runs.start()
    trial.killed = await process.kill_after(trial.delay_s)


# -- activity: digest -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DigestPlan:
    week: str


def digest_hour() -> datetime:
    """The hour the digest is due: the current one, so the start-up catch-up posts it."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


async def prepare_digest(template: Path) -> DigestPlan:
    due = digest_hour()
    # Scheduled a day ago, so the catch-up knows this hour's post is due, not missed.
    async with services_on(template, clock=lambda: datetime.now(UTC) - timedelta(days=1)) as s:
        settings = await s.guild_settings.configure_digest(
            GUILD_ID,
            channel_id=DIGEST_CHANNEL_ID,
            weekday=due.weekday(),
            hour=due.hour,
            timezone="UTC",
            language="en",
        )
        await s.digest.configure(GUILD_ID, max_sections=DIGEST_SECTIONS, max_items=DIGEST_ITEMS)
        scheduled = last_fire_time(settings, datetime.now(UTC))
        if scheduled is None:
            raise HarnessError("the digest has no scheduled time")
        week = covered_week(scheduled)
        day = scheduled.date() - timedelta(days=4)
        text = roundup_text("Digest week", DIGEST_SECTIONS, DIGEST_ITEMS, "crash-digest")
        await s.archive.import_roundup(ImportRequest(GUILD_ID, text, filename="r.md", day=day))
    return DigestPlan(week)


def digest_fake(latency: float) -> FakeDiscord:
    fake = FakeDiscord(response_delay=latency)
    guild = fake.add_guild("crash", guild_id=GUILD_ID)
    fake.add_text_channel(guild, "digest", channel_id=DIGEST_CHANNEL_ID)
    return fake


def digest_state(database: Path, week: str) -> tuple[str | None, int]:
    with reading(database) as db:
        row = db.execute(
            "SELECT state, part_count FROM digest_posts WHERE guild_id = ? AND week = ?",
            (GUILD_ID, week),
        ).fetchone()
    return (None, 0) if row is None else (str(row[0]), int(row[1]))


def doubtful_digest_nonces(database: Path, week: str) -> set[str]:
    with reading(database) as db:
        rows = db.execute(
            "SELECT nonce FROM digest_parts WHERE guild_id = ? AND week = ? AND message_id IS NULL",
            (GUILD_ID, week),
        ).fetchall()
    return {str(row[0]) for row in rows}


def footer(message: StoredMessage) -> str:
    embeds = message.embeds
    return str(embeds[-1].get("footer", {}).get("text", "")) if embeds else ""


async def digest_trial(space: Workspace, plan: DigestPlan, trial: Trial) -> None:
    directory = space.trial_dir(trial.number)
    database = space.copy_template(directory)
    async with digest_fake(space.latency) as fake:
        runs = BotRuns(fake, database, directory)
        await killed_run(runs, trial)
        trial.interrupted = digest_state(database, plan.week)[0] != "posted"
        note_doubt(trial, fake, doubtful_digest_nonces(database, plan.week))
        if not await runs.run_until(lambda: digest_state(database, plan.week)[0] == "posted"):
            trial.violations.append(
                f"digest not posted after restart: {digest_state(database, plan.week)}"
            )
        messages = fake.messages(DIGEST_CHANNEL_ID)
    _, parts = digest_state(database, plan.week)
    if parts < 2:
        trial.violations.append(f"the digest has {parts} parts: the workload is too small")
    trial.violations += digest_violations(messages, plan.week, parts)
    trial.violations += integrity_violations(database)


def digest_violations(messages: Sequence[StoredMessage], week: str, parts: int) -> list[str]:
    """Every part of the week's digest in the channel exactly once, and nothing else."""
    markers = Counter(footer(message) for message in messages)
    expected = {f"roundup-bot · {week} · {n}/{parts}" for n in range(1, parts + 1)}
    problems = []
    for marker, count in sorted(markers.items()):
        if count > 1:
            problems.append(f"digest part posted {count} times: {marker!r}")
        elif marker not in expected:
            problems.append(f"unexpected message in the digest channel: {marker!r}")
    problems += [f"digest part never posted: {m!r}" for m in sorted(expected - set(markers))]
    return problems


# -- activity: alerts -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlertPlan:
    users: list[int]
    urls: list[str]


async def prepare_alerts(template: Path) -> AlertPlan:
    """Users following a keyword by DM, and an import today of headlines that all match it:
    the alerts wait in the matcher's inbox for the bot's first delivery run."""
    users = [USER_ID_BASE + n for n in range(ALERT_USERS)]
    async with services_on(template) as services:
        for user in users:
            await services.alerts.subscribe(GUILD_ID, user, keyword=ALERT_KEYWORD)
        text = roundup_text(
            "Alert week", 1, ALERT_HEADLINES, "crash-alert", word=f"{ALERT_KEYWORD.title()} "
        )
        today = datetime.now(UTC).date()
        await services.archive.import_roundup(
            ImportRequest(GUILD_ID, text, filename="r.md", day=today)
        )
    return AlertPlan(users, article_urls("crash-alert", 1, ALERT_HEADLINES))


def alert_fake(latency: float, users: Sequence[int]) -> FakeDiscord:
    fake = FakeDiscord(response_delay=latency)
    guild = fake.add_guild("crash", guild_id=GUILD_ID)
    fake.add_text_channel(guild, "news", channel_id=DIGEST_CHANNEL_ID)
    for number, user in enumerate(users):
        fake.add_member(guild, f"reader{number}", user_id=user)
    return fake


def alerts_quiet(database: Path) -> bool:
    """Everything matched and delivered on record: no inbox row, nothing waiting or in doubt."""
    with reading(database) as db:
        inbox, waiting, queued, doubt = db.execute(
            "SELECT (SELECT count(*) FROM alert_inbox),"
            " (SELECT count(*) FROM alert_outbox WHERE batch_id IS NULL),"
            " (SELECT count(*) FROM alert_outbox),"
            " (SELECT count(*) FROM alert_batches WHERE state = 'sending')"
        ).fetchone()
    return bool(inbox == 0 and waiting == 0 and doubt == 0 and queued > 0)


def doubtful_alert_nonces(database: Path) -> set[str]:
    with reading(database) as db:
        rows = db.execute("SELECT nonce FROM alert_batches WHERE state = 'sending'").fetchall()
    return {str(row[0]) for row in rows}


def linked_urls(message: StoredMessage) -> list[str]:
    text = " ".join(str(embed.get("description") or "") for embed in message.embeds)
    return _URL.findall(text)


async def alerts_trial(space: Workspace, plan: AlertPlan, trial: Trial) -> None:
    directory = space.trial_dir(trial.number)
    database = space.copy_template(directory)
    async with alert_fake(space.latency, plan.users) as fake:
        runs = BotRuns(fake, database, directory)
        await killed_run(runs, trial)
        trial.interrupted = not alerts_quiet(database)
        note_doubt(trial, fake, doubtful_alert_nonces(database))
        if not await runs.run_until(lambda: alerts_quiet(database)):
            trial.violations.append("alerts still waiting or in doubt after the restart")
        trial.violations += alert_violations(fake, plan.users, plan.urls)
    trial.violations += integrity_violations(database)


def alert_violations(fake: FakeDiscord, users: Sequence[int], urls: Sequence[str]) -> list[str]:
    """Every user's DMs link each of ``urls`` exactly once."""
    problems = []
    for user in users:
        counts = Counter(url for message in fake.dms(user) for url in linked_urls(message))
        twice = [url for url in urls if counts[url] > 1]
        lost = [url for url in urls if url not in counts]
        if twice:
            problems.append(f"user {user}: {len(twice)} alerts repeated, e.g. {twice[0]}")
        if lost:
            problems.append(f"user {user}: {len(lost)} alerts lost, e.g. {lost[0]}")
    return problems


# -- activity: channels -----------------------------------------------------------------------


async def channels_trial(space: Workspace, plan: ChannelPlan, trial: Trial) -> None:
    directory = space.trial_dir(trial.number)
    database = space.copy_template(directory)
    async with channel_fake(space.latency, GUILD_ID, plan.channels) as fake:
        runs = BotRuns(fake, database, directory)
        await killed_run(runs, trial)
        trial.interrupted = not channels_quiet(database)
        note_doubt(trial, fake, doubtful_channel_nonces(database))
        if not await runs.run_until(lambda: channels_quiet(database)):
            trial.violations.append("channel posts still waiting or in doubt after the restart")
        trial.violations += posting_violations(fake, plan)
    trial.violations += integrity_violations(database)


# -- running ----------------------------------------------------------------------------------

TrialRunner = Callable[[Trial], Awaitable[None]]


@contextlib.asynccontextmanager
async def activity_runner(
    activity: str, scratch: Path, latency: float
) -> AsyncIterator[TrialRunner]:
    """Prepare the activity's database once; yield what runs one trial on a copy of it."""
    template = scratch / "template.db"
    space = Workspace(scratch, template, latency)
    if activity == "import":
        import_plan = await prepare_import(scratch, template)
        yield lambda trial: import_trial(space, import_plan, trial)
    elif activity == "feeds":
        async with running_scripted_site() as site:
            feed_plan = await prepare_feeds(site, template)
            yield lambda trial: feeds_trial(space, feed_plan, trial)
    elif activity == "digest":
        digest_plan = await prepare_digest(template)
        yield lambda trial: digest_trial(space, digest_plan, trial)
    elif activity == "alerts":
        alert_plan = await prepare_alerts(template)
        yield lambda trial: alerts_trial(space, alert_plan, trial)
    elif activity == "channels":
        async with services_on(template):
            pass  # migrations and the bundled catalogue, once
        channel_plan = await prepare_channels(template, GUILD_ID, DIGEST_CHANNEL_ID)
        yield lambda trial: channels_trial(space, channel_plan, trial)
    else:
        raise HarnessError(f"unknown activity {activity!r}")


@dataclass(slots=True)
class Summary:
    activity: str
    trials: list[Trial] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[Trial]:
        return [trial for trial in self.trials if trial.violations]


async def run_activity(
    activity: str,
    numbers: Sequence[int],
    *,
    seed: int,
    latency: float,
    keep: bool,
    report: Callable[[Trial], None] = lambda trial: None,
) -> Summary:
    summary = Summary(activity)
    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix=f"crash-{activity}-"))
    try:
        async with activity_runner(activity, scratch, latency) as run_trial:
            for number in numbers:
                trial = Trial(
                    activity, number, kill_delay(seed, activity, number, WINDOW_S[activity])
                )
                began = time.perf_counter()
                await run_trial(trial)
                trial.seconds = time.perf_counter() - began
                summary.trials.append(trial)
                report(trial)
                if not trial.violations and not keep:
                    shutil.rmtree(scratch / f"trial-{number}", ignore_errors=True)
    finally:
        if keep or summary.failed:
            print(f"{activity}: trial directories kept in {scratch}", flush=True)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    summary.seconds = time.perf_counter() - started
    return summary


def trial_line(seed: int, trial: Trial) -> str:
    verdict = "ok" if not trial.violations else "VIOLATED: " + " | ".join(trial.violations)
    kill = "killed" if trial.killed else "finished first"
    state = " mid-work" if trial.interrupted else ""
    if trial.in_doubt:
        state += f", {trial.in_doubt} in doubt ({trial.sent_in_doubt} sent)"
    return (
        f"seed={seed} activity={trial.activity} trial={trial.number} "
        f"delay={trial.delay_s:.3f}s {kill}{state} ({trial.seconds:.1f} s): {verdict}"
    )


COLUMNS = (
    ("activity", "<8"),
    ("trials", ">6"),
    ("kills", ">6"),
    ("mid-work", ">8"),
    ("in doubt", ">8"),
    ("sent", ">5"),
    ("violations", ">10"),
    ("time", ">9"),
)
LEGEND = (
    "kills: the process was still running at its kill; mid-work: its work unfinished on "
    "record; in doubt: trials whose kill left a message planned without its id; sent: of "
    "those, trials where Discord already had it; violations: trials breaking an invariant"
)


def table(summaries: Sequence[Summary]) -> str:
    header = " ".join(f"{name:{align}}" for name, align in COLUMNS)
    rows = [header, "-" * len(header)]
    for s in summaries:
        values = (
            s.activity,
            len(s.trials),
            sum(t.killed for t in s.trials),
            sum(t.interrupted for t in s.trials),
            sum(t.in_doubt > 0 for t in s.trials),
            sum(t.sent_in_doubt > 0 for t in s.trials),
            len(s.failed),
            f"{s.seconds:.1f}s",
        )
        rows.append(" ".join(f"{v:{align}}" for v, (_, align) in zip(values, COLUMNS, strict=True)))
    return "\n".join([*rows, LEGEND])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.crash",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--activity", choices=(*ACTIVITIES, "all"), default="all")
    parser.add_argument("--trials", type=int, default=100, help="trials per activity")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--trial", type=int, help="replay only this trial of the seed")
    parser.add_argument(
        "--latency", type=float, default=DEFAULT_LATENCY_S, help="fake Discord's answer delay, s"
    )
    parser.add_argument("--keep", action="store_true", help="keep every trial's directory")
    args = parser.parse_args(argv)
    activities = ACTIVITIES if args.activity == "all" else (args.activity,)
    numbers = [args.trial] if args.trial is not None else list(range(1, args.trials + 1))
    summaries = []
    for activity in activities:
        try:
            summary = asyncio.run(
                run_activity(
                    activity,
                    numbers,
                    seed=args.seed,
                    latency=args.latency,
                    keep=args.keep,
                    report=lambda trial: print(trial_line(args.seed, trial), flush=True),
                )
            )
        except HarnessError as error:
            print(f"{activity}: the harness could not run: {error}", file=sys.stderr)
            return 2
        summaries.append(summary)
    print(table(summaries))
    return 1 if any(s.failed for s in summaries) else 0


if __name__ == "__main__":
    sys.exit(main())

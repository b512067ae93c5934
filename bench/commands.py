"""Command benchmark: /company and /headlines through the fake Discord, against the archive.

    python bench/commands.py [--db PATH] [--headlines N] [--runs N]

The bot runs as its own process, as deployed: ``python -m bot run`` configured only by the
environment (DISCORD_TOKEN, DISCORD_API_BASE, DISCORD_GATEWAY_URL, DEV_GUILD_ID,
DATABASE_PATH), against a FakeDiscord that this process serves on 127.0.0.1. Both live in a
network namespace of their own where only loopback is up, so the bot cannot reach any other
host (Linux; needs root or unprivileged user namespaces).

Measured from injecting an interaction on the gateway to its reply being visible in the fake:
p50 and p99 with one command at a time and with bursts of 100 at once; the time to every
acknowledgement (Discord drops answers after 3 s); the bot process's peak resident memory
(VmHWM); and its exit status after SIGTERM. Without --db, an archive of --headlines headlines
is built in a temporary directory; with --db, that archive is used, or built there when the
file is absent.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import fcntl
import math
import os
import random
import signal
import socket
import statistics
import struct
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.archive import GUILD_ID, benchmark_companies, build_archive
from bot.app import open_services
from bot.settings import Settings
from db import Database, SqlCompanyRepository
from testkit.fake_discord import (
    CallbackType,
    FakeDiscord,
    InteractionRecord,
    Op,
    RequestRecord,
    StoredMessage,
)

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261128

IN_FLIGHT_LEVELS = (1, 100)
P99_TARGET_MS = {1: 50.0, 100: 500.0}
ACK_DEADLINE_S = 3.0
MEMORY_TARGET_MB = 200.0
READERS = 20

# Start-up runs the migrations and loads the catalogue: generous on a large archive.
READY_WITHIN_S = 60.0
# Well past Discord's 3 s, so a slow reply is measured; a late one the fake refuses never shows.
REPLY_WITHIN_S = 10.0
STOP_WITHIN_S = 5.0

COMPANY_NAMES = (
    "엔비디아",
    "NVIDIA",
    "마이크로소프트",
    "Microsoft",
    "MS",
    "애플",
    "Apple",
    "구글",
    "테슬라",
    "Intel",
    "삼성전자",
    "TSMC",
)
HEADLINE_QUERIES = (
    "보안",
    "삼성",
    "AI",
    "MS",
    "반도체 공급망",
    "랜섬웨어",
    "security",
    "cloud pricing",
)

# Linux ABI: unshare(2) flags and the interface-flags ioctls on struct ifreq (name, flags).
CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1
IFREQ_FLAGS = struct.Struct("16sh22x")


class BenchError(RuntimeError):
    """The benchmark could not run (no sandbox, the bot did not start or answer)."""


# -- sandbox ----------------------------------------------------------------------------------


def enter_loopback_only_network() -> None:
    """Move this process, and so the bot it will start, into a new network namespace where
    only loopback is up: the bot reaches the fake and nothing else. Call before any thread
    starts (a user namespace requires a single-threaded caller)."""
    libc = ctypes.CDLL(None, use_errno=True)
    # A new network namespace needs CAP_SYS_ADMIN; without it, a new user namespace grants
    # that capability over the network namespace created with it.
    for flags in (CLONE_NEWNET, CLONE_NEWNET | CLONE_NEWUSER):
        if libc.unshare(flags) == 0:
            bring_loopback_up()
            return
    reason = os.strerror(ctypes.get_errno())
    raise BenchError(f"cannot give the bot a loopback-only network ({reason})")


def bring_loopback_up() -> None:
    # A new namespace starts with lo down, where even 127.0.0.1 is unreachable.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        request = IFREQ_FLAGS.pack(b"lo", 0)
        _, flags = IFREQ_FLAGS.unpack(fcntl.ioctl(probe, SIOCGIFFLAGS, request))
        fcntl.ioctl(probe, SIOCSIFFLAGS, IFREQ_FLAGS.pack(b"lo", flags | IFF_UP))


# -- archive ----------------------------------------------------------------------------------


async def prepare_archive(db: str | None, headlines: int, scratch: Path, out: Console) -> Path:
    path = Path(db) if db else scratch / "archive.db"
    if path.exists():
        out.print(f"using the archive in {path}")
        return path
    out.print(f"building an archive of {headlines:,} headlines in {path}")
    await build_into(path, headlines, out)
    return path


async def build_into(path: Path, headlines: int, out: Console) -> None:
    """The archive bench/archive.py builds, through the same import path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    async with open_services(Settings(_env_file=None, database_path=path)) as services:
        service = services.archive
        companies = await benchmark_companies(service, SqlCompanyRepository(services.database))
        await build_archive(service, companies, headlines, out)


async def count_headlines(path: Path) -> int:
    async with await Database.open(path) as db:
        row = await db.fetch_one("SELECT count(*) AS n FROM headlines", {})
    return int(row["n"]) if row else 0


# -- the scenario and the bot process ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scene:
    """The archive's server in the fake: one channel and a few readers taking turns."""

    channel_id: int
    reader_ids: tuple[int, ...]


def build_scene(fake: FakeDiscord) -> Scene:
    # The archive files everything under GUILD_ID, so the fake's server must carry that id.
    guild = fake.add_guild("bench", guild_id=GUILD_ID)
    channel = fake.add_text_channel(guild, "news")
    readers = [fake.add_member(guild, f"reader{number}") for number in range(READERS)]
    return Scene(channel.id, tuple(reader.id for reader in readers))


@dataclass(frozen=True, slots=True)
class Stopped:
    exit_code: int | None  # None: still running after STOP_WITHIN_S, then killed
    seconds: float


class BotProcess:
    """``python -m bot run`` in a child process, its output kept in a log file."""

    def __init__(self, process: asyncio.subprocess.Process, log_path: Path) -> None:
        self.process = process
        self.log_path = log_path

    @classmethod
    async def launch(
        cls,
        fake: FakeDiscord,
        database: Path,
        scratch: Path,
        profile: Path | None,
        *,
        module: str = "bot",
        environment: dict[str, str] | None = None,
    ) -> BotProcess:
        """``profile``: run the bot under cProfile, which writes its stats there on exit.
        ``module`` runs in place of ``python -m bot run`` (a bench's variant of it), and
        ``environment`` replaces the five settings of ``bot_environment``."""
        log_path = scratch / "bot.log"
        profiler = () if profile is None else ("-m", "cProfile", "-o", str(profile.resolve()))
        arguments = ("-m", "bot", "run") if module == "bot" else ("-m", module)
        with log_path.open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                *profiler,
                *arguments,
                # Outside the project, so no stray .env can add settings to the five.
                cwd=scratch,
                env=environment or bot_environment(fake, database),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )
        return cls(process, log_path)

    async def wait_until_serving(self, fake: FakeDiscord, guild_id: int = GUILD_ID) -> None:
        """Until the bot identified on the gateway and synced its commands to the server."""

        def serving() -> bool:
            identified = bool(fake.gateway.frames_received(Op.IDENTIFY))
            return identified and bool(fake.commands(guild_id))

        ready = asyncio.ensure_future(
            fake.wait_until(serving, READY_WITHIN_S, "IDENTIFY and the command sync")
        )
        exited = asyncio.ensure_future(self.process.wait())
        await asyncio.wait({ready, exited}, return_when=asyncio.FIRST_COMPLETED)
        exited.cancel()
        if self.process.returncode is not None:
            ready.cancel()
            raise BenchError(f"the bot exited with {self.process.returncode} while starting")
        try:
            ready.result()
        except TimeoutError:
            raise BenchError(f"the bot was not serving after {READY_WITHIN_S:.0f} s") from None

    def peak_memory_bytes(self) -> int:
        """VmHWM: the most resident memory the process has held since it started."""
        status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="ascii")
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024  # reported in kB (KiB)
        raise BenchError("no VmHWM in /proc status: is this Linux?")

    def cpu_seconds(self) -> BotCpu:
        """CPU time so far of the main thread, which runs the event loop, and of all the
        others (aiosqlite runs every query in a thread of its own)."""
        pid = self.process.pid
        everything = _cpu_seconds(Path(f"/proc/{pid}/stat"))
        loop = _cpu_seconds(Path(f"/proc/{pid}/task/{pid}/stat"))
        return BotCpu(loop, everything - loop)

    async def stop(self) -> Stopped:
        """SIGTERM, as systemd or docker would send it."""
        started = time.perf_counter()
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code: int | None = await asyncio.wait_for(self.process.wait(), STOP_WITHIN_S)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            code = None
        return Stopped(code, time.perf_counter() - started)

    def log_tail(self, lines: int = 25) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def _cpu_seconds(stat_path: Path) -> float:
    """User plus system time from a /proc ``stat`` file (fields 14 and 15, counted after
    the parenthesised command name, which may hold spaces)."""
    fields = stat_path.read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True, slots=True)
class BotCpu:
    loop_s: float
    other_threads_s: float

    def __sub__(self, earlier: BotCpu) -> BotCpu:
        return BotCpu(self.loop_s - earlier.loop_s, self.other_threads_s - earlier.other_threads_s)


def bot_environment(
    fake: FakeDiscord, database: Path, dev_guild_id: int = GUILD_ID
) -> dict[str, str]:
    """The five settings, plus what finds the interpreter and the project."""
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "PYTHONPATH": str(ROOT),
        "DISCORD_TOKEN": fake.token,
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "DEV_GUILD_ID": str(dev_guild_id),
        "DATABASE_PATH": str(database.resolve()),
    }


# -- driving the commands ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    options: dict[str, str]


def workload(count: int, rng: random.Random) -> list[Command]:
    """Alternately /company and /headlines, with names and queries in Korean and English."""
    return [
        Command("company", {"name": rng.choice(COMPANY_NAMES)})
        if number % 2 == 0
        else Command("headlines", {"query": rng.choice(HEADLINE_QUERIES)})
        for number in range(count)
    ]


@dataclass(frozen=True, slots=True)
class Fired:
    command: Command
    in_flight: int
    record: InteractionRecord


async def inject(
    fake: FakeDiscord, scene: Scene, command: Command, serial: int
) -> InteractionRecord:
    reader = scene.reader_ids[serial % len(scene.reader_ids)]
    return await fake.slash(GUILD_ID, scene.channel_id, reader, command.name, command.options)


async def settle(record: InteractionRecord) -> None:
    # A reply that never shows is counted from the timeline afterwards, not raised here.
    with contextlib.suppress(TimeoutError):
        await record.wait_reply(within=REPLY_WITHIN_S)


async def run_level(
    fake: FakeDiscord, scene: Scene, commands: Sequence[Command], in_flight: int
) -> list[Fired]:
    """Bursts of ``in_flight`` commands injected back to back; the next burst starts when
    every reply of this one is in."""
    fired: list[Fired] = []
    for start in range(0, len(commands), in_flight):
        burst = commands[start : start + in_flight]
        records = [
            await inject(fake, scene, command, serial)
            for serial, command in enumerate(burst, start)
        ]
        await asyncio.gather(*(settle(record) for record in records))
        fired += [
            Fired(command, in_flight, record)
            for command, record in zip(burst, records, strict=True)
        ]
    return fired


async def warm_up(fake: FakeDiscord, scene: Scene) -> None:
    """One of each command, untimed: the first answers pay for cold caches and imports.
    The search must find more than a page (so it carries a pager): proof that the bot reads
    the archive under this server's id, and not an empty database."""
    await answer(fake, scene, Command("company", {"name": COMPANY_NAMES[0]}))
    search = await answer(fake, scene, Command("headlines", {"query": HEADLINE_QUERIES[0]}))
    if not search.components:
        raise BenchError(f"/headlines found no more than a page in guild {GUILD_ID}")


async def answer(fake: FakeDiscord, scene: Scene, command: Command) -> StoredMessage:
    record = await inject(fake, scene, command, 0)
    try:
        return await record.wait_reply(within=REPLY_WITHIN_S)
    except TimeoutError:
        raise BenchError(f"the bot did not answer the warm-up /{command.name}") from None


@dataclass(frozen=True, slots=True)
class LevelCost:
    """Where a level's time went: wall clock, and CPU burnt by each process."""

    in_flight: int
    commands: int
    wall_s: float
    bot_cpu: BotCpu
    fake_cpu_s: float


async def drive(
    fake: FakeDiscord, scene: Scene, bot: BotProcess, runs: int
) -> tuple[list[Fired], list[LevelCost]]:
    rng = random.Random(SEED)
    fired: list[Fired] = []
    costs: list[LevelCost] = []
    for in_flight in IN_FLIGHT_LEVELS:
        commands = workload(math.ceil(runs / in_flight) * in_flight, rng)
        wall, bot_cpu, fake_cpu = time.perf_counter(), bot.cpu_seconds(), time.process_time()
        fired += await run_level(fake, scene, commands, in_flight)
        costs.append(
            LevelCost(
                in_flight,
                len(commands),
                time.perf_counter() - wall,
                bot.cpu_seconds() - bot_cpu,
                time.process_time() - fake_cpu,
            )
        )
    return fired, costs


# -- timing -----------------------------------------------------------------------------------


class Timeline:
    """When the fake saw each interaction acknowledged and its reply become visible, from the
    requests it recorded (stamped on the clock that stamps the interactions)."""

    def __init__(self, requests: Sequence[RequestRecord], application_id: int) -> None:
        self._by_path: dict[str, list[RequestRecord]] = defaultdict(list)
        for request in requests:
            self._by_path[request.path].append(request)
        self._application_id = application_id

    def acknowledged_after(self, record: InteractionRecord) -> float | None:
        """Seconds to the bot's first callback, accepted or refused as too late."""
        callbacks = self._by_path.get(_callback_path(record), [])
        return callbacks[0].at - record.created_at if callbacks else None

    def replied_after(self, record: InteractionRecord) -> float | None:
        """Seconds until the user could read the answer: a message callback, the deferred
        original edited, or a first followup, whichever the fake accepted first."""
        accepted = [request.at for request in self._reply_requests(record) if request.status < 300]
        return min(accepted) - record.created_at if accepted else None

    def _reply_requests(self, record: InteractionRecord) -> Iterator[RequestRecord]:
        for callback in self._by_path.get(_callback_path(record), []):
            if isinstance(callback.json, dict) and callback.json.get("type") in (
                CallbackType.CHANNEL_MESSAGE,
                CallbackType.UPDATE_MESSAGE,
            ):
                yield callback
        webhook = f"/webhooks/{self._application_id}/{record.token}"
        for edit in self._by_path.get(f"{webhook}/messages/@original", []):
            if edit.method == "PATCH":
                yield edit
        for followup in self._by_path.get(webhook, []):
            if followup.method == "POST":
                yield followup


def _callback_path(record: InteractionRecord) -> str:
    return f"/interactions/{record.id}/{record.token}/callback"


@dataclass(frozen=True, slots=True)
class Sample:
    command: str
    in_flight: int
    acknowledged_s: float | None
    replied_s: float | None


def samples_of(fired: Sequence[Fired], timeline: Timeline) -> list[Sample]:
    return [
        Sample(
            f"/{shot.command.name}",
            shot.in_flight,
            timeline.acknowledged_after(shot.record),
            timeline.replied_after(shot.record),
        )
        for shot in fired
    ]


@dataclass(frozen=True, slots=True)
class Figures:
    count: int
    unanswered: int
    p50_ms: float
    p99_ms: float
    max_ms: float


def figures(samples: Sequence[Sample]) -> Figures:
    timings = sorted(s.replied_s * 1000 for s in samples if s.replied_s is not None)
    unanswered = len(samples) - len(timings)
    if not timings:
        return Figures(len(samples), unanswered, math.nan, math.nan, math.nan)
    p99_index = min(len(timings) - 1, round(0.99 * (len(timings) - 1)))
    return Figures(
        len(samples), unanswered, statistics.median(timings), timings[p99_index], timings[-1]
    )


def late_acknowledgements(samples: Sequence[Sample]) -> list[Sample]:
    """Never acknowledged, or acknowledged after Discord's deadline."""
    return [s for s in samples if s.acknowledged_s is None or s.acknowledged_s > ACK_DEADLINE_S]


# -- report -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    headlines: int
    start_s: float
    samples: list[Sample]
    costs: list[LevelCost]
    peak_memory_bytes: int
    stopped: Stopped
    rejections: int
    unknown_routes: int


def latency_table(outcome: Outcome) -> Table:
    table = Table(title=f"round trip, injection → visible reply ({outcome.headlines:,} headlines)")
    for column in ("in flight", "command", "n", "no reply", "p50 ms", "p99 ms", "max ms"):
        table.add_column(column, justify="left" if column == "command" else "right")
    for in_flight in IN_FLIGHT_LEVELS:
        level = [s for s in outcome.samples if s.in_flight == in_flight]
        for command in [*sorted({s.command for s in level}), "all"]:
            chosen = [s for s in level if command in ("all", s.command)]
            row = figures(chosen)
            table.add_row(
                str(in_flight),
                command,
                str(row.count),
                str(row.unanswered),
                f"{row.p50_ms:.1f}",
                f"{row.p99_ms:.1f}",
                f"{row.max_ms:.1f}",
            )
    return table


def cost_table(outcome: Outcome) -> Table:
    table = Table(
        title="CPU per command",
        caption="bot threads: aiosqlite's query thread and any executor; "
        "the fake runs in this benchmark's process",
    )
    columns = ("in flight", "commands/s", "bot loop ms", "bot threads ms", "fake ms")
    for column in columns:
        table.add_column(column, justify="right")
    for cost in outcome.costs:
        table.add_row(
            str(cost.in_flight),
            f"{cost.commands / cost.wall_s:.0f}",
            f"{cost.bot_cpu.loop_s * 1000 / cost.commands:.2f}",
            f"{cost.bot_cpu.other_threads_s * 1000 / cost.commands:.2f}",
            f"{cost.fake_cpu_s * 1000 / cost.commands:.2f}",
        )
    return table


def run_table(outcome: Outcome) -> Table:
    acknowledged = [s.acknowledged_s for s in outcome.samples if s.acknowledged_s is not None]
    worst_ack = max(acknowledged, default=math.nan) * 1000
    stopped = outcome.stopped
    exit_text = "killed: no exit" if stopped.exit_code is None else f"{stopped.exit_code}"
    table = Table(title="the bot process", show_header=False)
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("start to serving (IDENTIFY + command sync)", f"{outcome.start_s:.2f} s")
    table.add_row("worst acknowledgement", f"{worst_ack:.1f} ms")
    table.add_row("acknowledged late or never", str(len(late_acknowledgements(outcome.samples))))
    table.add_row("peak memory (VmHWM)", f"{outcome.peak_memory_bytes / 1e6:.1f} MB")
    table.add_row("exit status after SIGTERM", f"{exit_text} in {stopped.seconds:.2f} s")
    table.add_row("requests the fake refused", str(outcome.rejections))
    table.add_row("requests to unknown routes", str(outcome.unknown_routes))
    return table


def target_lines(outcome: Outcome) -> list[str]:
    lines = []
    for in_flight, limit in P99_TARGET_MS.items():
        level = figures([s for s in outcome.samples if s.in_flight == in_flight])
        met = level.p99_ms <= limit and level.unanswered == 0
        lines.append(_verdict(met, f"p99 {level.p99_ms:.1f} ms ≤ {limit:.0f} ms at {in_flight}"))
    late = late_acknowledgements(outcome.samples)
    lines.append(
        _verdict(
            not late,
            f"{len(outcome.samples) - len(late)}/{len(outcome.samples)}"
            f" acknowledged within {ACK_DEADLINE_S:.0f} s",
        )
    )
    memory_mb = outcome.peak_memory_bytes / 1e6
    lines.append(
        _verdict(memory_mb <= MEMORY_TARGET_MB, f"peak memory {memory_mb:.1f} MB ≤ 200 MB")
    )
    return lines


def _verdict(met: bool, text: str) -> str:
    return f"[green]PASS[/green] {text}" if met else f"[red]FAIL[/red] {text}"


# -- main -------------------------------------------------------------------------------------


async def run(args: argparse.Namespace, out: Console) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-commands-") as scratch_dir:
        scratch = Path(scratch_dir)
        database = await prepare_archive(args.db, args.headlines, scratch, out)
        headlines = await count_headlines(database)
        outcome = await measure(database, headlines, scratch, args, out)
    out.print(latency_table(outcome))
    out.print(cost_table(outcome))
    out.print(run_table(outcome))
    for line in target_lines(outcome):
        out.print(line)


async def measure(
    database: Path, headlines: int, scratch: Path, args: argparse.Namespace, out: Console
) -> Outcome:
    fake = FakeDiscord()
    scene = build_scene(fake)
    async with fake:
        started = time.perf_counter()
        bot = await BotProcess.launch(fake, database, scratch, args.profile)
        try:
            await bot.wait_until_serving(fake)
            start_s = time.perf_counter() - started
            await warm_up(fake, scene)
            out.print(f"bot serving after {start_s:.2f} s; timing {args.runs:,} per level")
            fired, costs = await drive(fake, scene, bot, args.runs)
            peak = bot.peak_memory_bytes()
        except BaseException:
            await bot.stop()
            out.print(bot.log_tail(), markup=False, highlight=False)
            raise
        stopped = await bot.stop()
    timeline = Timeline(fake.requests, fake.application_id)
    return Outcome(
        headlines,
        start_s,
        samples_of(fired, timeline),
        costs,
        peak,
        stopped,
        len(fake.rejections),
        len(fake.unknown_routes),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", help="the archive to use (built there when absent)")
    parser.add_argument(
        "--headlines", type=int, default=20_000, help="size of an archive built here"
    )
    parser.add_argument("--runs", type=int, default=500, help="timed commands per level")
    parser.add_argument(
        "--profile", type=Path, help="run the bot under cProfile and write its stats here"
    )
    args = parser.parse_args()
    out = Console()
    try:
        enter_loopback_only_network()
        asyncio.run(run(args, out))
    except BenchError as error:
        out.print(f"[red]error:[/red] {error}")
        sys.exit(1)


if __name__ == "__main__":
    main()

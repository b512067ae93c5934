"""Korean search on PostgreSQL at 1,000,000 headlines: first page p50/p99 per kind of query.

    python bench/postgres_search.py [--headlines 1000000] [--server URL] [--samples 200] [--keep]

Makes a database on the server (default postgresql://postgres@127.0.0.1:5432/postgres, or
TEST_DATABASE_URL), migrated, and fills it with COPY: synthetic Korean and English titles
over ten years, every one in one source followed by the guild, with their headline_search
rows from the real index code. Then it times the repository's search_headlines (first page,
10 rows, total included) for common and rare two-syllable words, longer words, phrases of
two words, a single syllable, English words, a term that matches nothing and a week filter,
and checks every page against the truth computed from the generated titles (the newest ten
titles containing the query's words, as plain substrings).

The searches run on one pooled connection, and beside the wall-clock times the bench prints
the CPU time the server process spent per search (from /proc, when the server runs on this
machine): on a machine shared with other work the wall clock carries their load, the CPU
time much less of it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db import PostgresDatabase, SqlSearchRepository
from db.headlines import sort_key
from db.postgres.search_index import index_row
from news.core.models import HeadlineQuery
from news.core.weeks import week_of
from testkit.postgres import server_url, with_database

GUILD_ID = 1
SEED = 20261127
START = 1_480_000_000  # 2016-11
SPAN = 10 * 365 * 86400

COMMON = ["보안", "반도체", "클라우드", "인공지능", "데이터센터", "스마트폰", "플랫폼", "투자"]
MIDDLE = ["자율주행", "양자컴퓨터", "공급망", "요금제", "오픈소스", "로봇", "배터리", "위성"]
RARE = ["초전도체", "뉴로모픽", "탄소포집", "핵융합로"]
VERBS = ["강화", "발표", "확대", "출시", "논란", "점검", "인수", "협력", "공개", "축소"]
SUBJECTS = ["삼성전자", "네이버", "카카오", "엔비디아", "마이크로소프트", "구글", "애플", "LG"]
ENGLISH = ["AI", "chip", "cloud", "security", "model", "startup", "data", "robot"]


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    text: str
    week: str | None = None


def make_title(rng: random.Random, n: int) -> str:
    words = [rng.choice(SUBJECTS)]
    words.append(rng.choice(COMMON) if rng.random() < 0.5 else rng.choice(MIDDLE))
    if rng.random() < 0.0004:
        words.append(rng.choice(RARE))
    words.append(rng.choice(VERBS))
    if rng.random() < 0.3:
        words.append(rng.choice(ENGLISH) + ("s" if rng.random() < 0.2 else ""))
    words.append(f"#{n}")
    return " ".join(words)


async def build(url: str, count: int) -> list[tuple[int, str]]:
    """Fill the database; returns (sort key, title) of every headline."""
    rng = random.Random(SEED)
    rows, index_rows, links, truth = [], [], [], []
    for headline_id in range(1, count + 1):
        title = make_title(rng, headline_id)
        published = START + rng.randrange(SPAN)
        key = sort_key(published, headline_id)
        week = week_of(datetime.fromtimestamp(published, UTC))
        rows.append((headline_id, f"k{headline_id}", None, title, "", "ko", published, week, key))
        entry = index_row(key, title + "\n", (), ())
        index_rows.append((key, entry["terms"], entry["keys"]))
        links.append((headline_id, 1))
        truth.append((key, title))
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("INSERT INTO sources (id, kind, key) VALUES (1, 'feed', 'f')")
        await connection.execute("INSERT INTO guild_sources VALUES ($1, 1)", GUILD_ID)
        await connection.execute("DROP INDEX headline_search_keys")
        await connection.copy_records_to_table(
            "headlines",
            records=rows,
            columns=[
                "id", "dedupe_key", "url", "title", "summary", "language", "published_at",
                "week", "sort_key",
            ],
        )  # fmt: skip
        await connection.copy_records_to_table("headline_sources", records=links)
        await connection.copy_records_to_table(
            "headline_search", records=index_rows, columns=["sort_key", "terms", "keys"]
        )
        await connection.execute("SET maintenance_work_mem = '512MB'")
        await connection.execute(
            "CREATE INDEX headline_search_keys ON headline_search USING gin (keys)"
        )
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()
    return truth


def expected(truth: list[tuple[int, str]], case: Case, limit: int = 10) -> list[int]:
    words = [unicodedata.normalize("NFKC", w).casefold() for w in case.text.split()]
    hits = []
    for key, title in truth:
        folded = title.casefold()
        if all(_contains(folded, word) for word in words) and (
            case.week is None or week_of_key(key) == case.week
        ):
            hits.append(key)
    hits.sort(reverse=True)
    return hits[:limit]


def _contains(title: str, word: str) -> bool:
    if word.isascii():  # Latin words match whole words, or their plural
        tokens = title.split()
        return word in tokens or (len(word) >= 3 and word + "s" in tokens)
    return word in title


def week_of_key(key: int) -> str:
    return week_of(datetime.fromtimestamp((key >> 32) * 60, UTC))


async def run(args: argparse.Namespace) -> None:
    server = args.server or server_url()
    name = "bench_postgres_search"
    url = with_database(server, name)
    admin = await asyncpg.connect(server)
    reuse = args.keep and await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
    if not reuse:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    database = await PostgresDatabase.open(url, max_size=1)
    started = time.monotonic()
    if reuse:
        await database.close()
        truth = await build_truth_only(args.headlines)
        database = await PostgresDatabase.open(url, max_size=1)
    else:
        truth = await build(url, args.headlines)
    print(
        f"{args.headlines:,} headlines ready in {time.monotonic() - started:.0f} s; "
        f"load average {load_average()}"
    )
    repository = SqlSearchRepository(database)
    recent_week = week_of_key(max(key for key, _ in truth))
    cases = [
        Case("2-syllable, common (보안)", "보안"),
        Case("3-syllable, common (반도체)", "반도체"),
        Case("inside a word (전자)", "전자"),
        Case("middle (자율주행)", "자율주행"),
        Case("rare (초전도체)", "초전도체"),
        Case("rare 2-syllable inside (융합)", "융합"),
        Case("two words (삼성 보안)", "삼성 보안"),
        Case("rare + common (뉴로모픽 투자)", "뉴로모픽 투자"),
        Case("English (AI)", "AI"),
        Case("English plural (chip)", "chip"),
        Case("no match (없는말)", "없는말"),
        Case("week filter (보안, a recent week)", "보안", recent_week),
    ]
    backend = await server_process(database)
    print(f"{'case':38} {'matches':>8} {'p50 ms':>8} {'p99 ms':>8} {'cpu ms':>7}  right")
    worst = 0.0
    for case in cases:
        want = expected(truth, case)
        timings = []
        right = True
        cpu_before = cpu_ms(backend)
        for _ in range(args.samples):
            query = HeadlineQuery(case.text, week=case.week)
            began = time.perf_counter()
            page = await repository.search_headlines(GUILD_ID, query)
            timings.append((time.perf_counter() - began) * 1000)
            got = [sort_key(int(h.published_at.timestamp()), h.id) for h in page.headlines]
            right = right and got == want
        cpu = (cpu_ms(backend) - cpu_before) / args.samples if backend else None
        timings.sort()
        p99 = timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]
        worst = max(worst, p99)
        total = f"{page.total}{'' if page.total_exact else '+'}"
        print(
            f"{case.name:38} {total:>8} {statistics.median(timings):8.2f} {p99:8.2f} "
            f"{'n/a' if cpu is None else f'{cpu:.1f}':>7}  "
            f"{'yes' if right else 'NO'}"
        )
    print(f"worst first-page p99: {worst:.2f} ms (target 20 ms); load average {load_average()}")
    await database.close()
    if not args.keep:
        admin = await asyncpg.connect(server)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def server_process(database: PostgresDatabase) -> int | None:
    """The pid of the pool's one server process, when /proc shows it (a local server)."""
    row = await database.fetch_one("SELECT pg_backend_pid() AS pid")
    pid = int(row["pid"]) if row else 0
    return pid if Path(f"/proc/{pid}/stat").exists() else None


def cpu_ms(pid: int | None) -> float:
    """User and system CPU time of a process so far, in milliseconds."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


async def build_truth_only(count: int) -> list[tuple[int, str]]:
    rng = random.Random(SEED)
    truth = []
    for headline_id in range(1, count + 1):
        title = make_title(rng, headline_id)
        published = START + rng.randrange(SPAN)
        truth.append((sort_key(published, headline_id), title))
    return truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--headlines", type=int, default=1_000_000)
    parser.add_argument("--server", default=None, help="a database URL on the server")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the database")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()

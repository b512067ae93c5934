"""Archive benchmark: 1,000,000 headlines, search and company lookup against a LIKE baseline.

    python bench/archive.py [--headlines 1000000] [--daily] [--db PATH] [--keep]

Builds a synthetic archive (Korean and English headlines, 200 companies, 10 years of weekly
roundups, or with ``--daily`` one article per day) through the real import path (parse,
extract, store), then measures in one run on the same database: import throughput, p50/p99
of headline search (two-syllable Korean, longer Korean, two-letter English, English words,
with week and company filters) and of company lookup, and the naive ``title LIKE '%q%'``
baseline for the same searches.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import open_services
from bot.settings import Settings
from db import AnyDatabase, SqliteCompanyRepository
from news.archive.importing import ImportRequest
from news.archive.service import ArchiveService
from news.core.models import Company, CompanySpec, HeadlinePage
from news.core.weeks import week_of

GUILD_ID = 1
YEARS = 10
COMPANIES = 200
SEED = 20261127
FIRST_MONDAY = date(2016, 11, 28)

KOREAN_SUBJECTS = [
    "보안 취약점",
    "반도체 공급망",
    "클라우드 요금",
    "생성형 AI 서비스",
    "데이터센터 증설",
    "자율주행 시험",
    "스마트폰 신제품",
    "HBM 양산",
    "오픈소스 모델",
    "게임 신작",
    "5G 요금제",
    "로봇 플랫폼",
    "양자 컴퓨터",
    "랜섬웨어 공격",
    "개인정보 유출",
    "AI 규제 법안",
]
KOREAN_VERBS = [
    "공개",
    "발표",
    "출시",
    "강화",
    "확대",
    "인수",
    "투자 유치",
    "협력",
    "개편",
    "중단",
    "연기",
    "도입",
    "수주",
    "점검",
    "양산 돌입",
]
ENGLISH_SUBJECTS = [
    "security flaw",
    "chip supply",
    "cloud pricing",
    "AI assistant",
    "data center",
    "self-driving test",
    "new phone",
    "HBM output",
    "open model",
    "game launch",
    "5G plan",
    "robot platform",
    "quantum chip",
    "ransomware attack",
    "data breach",
    "AI rules",
]
ENGLISH_VERBS = [
    "unveils",
    "announces",
    "launches",
    "expands",
    "buys",
    "raises funds for",
    "partners on",
    "reorganises",
    "halts",
    "delays",
    "adopts",
    "wins deal for",
    "reviews",
    "ships",
]
PARTICLES = ["", "가", "이", "의", "는", "와", "도"]


@dataclass(frozen=True, slots=True)
class Figures:
    p50_ms: float
    p99_ms: float


class ArticleWriter:
    """Weekly articles in the formats the importer reads, with unique stories."""

    def __init__(self, companies: list[Company], rng: random.Random) -> None:
        self._companies = companies
        self._rng = rng
        self._serial = 0

    def article(self, week_number: int, count: int) -> str:
        """A Korean column on even weeks, a Markdown link list on odd weeks."""
        if week_number % 2 == 0:
            return self._korean_column(count)
        return self._markdown(count)

    def _korean_column(self, count: int) -> str:
        lines = ["[벤치위클리 홍길동 기자] 이번 주에도 업계 소식이 많았다.", ""]
        for index in range(count):
            if index and index % 20 == 0:
                lines += ["", f"{self._company().name}의 행보에 관심이 쏠렸다.", ""]
            lines.append("ㆍ" + self._korean_title())
        lines += ["", "저작권자 © 벤치위클리 무단전재 및 재배포 금지"]
        return "\n".join(lines)

    def _markdown(self, count: int) -> str:
        lines = ["# Bench Weekly", ""]
        for index in range(count):
            if index % 50 == 0:
                lines += ["", f"## Section {index // 50 + 1}", ""]
            self._serial += 1
            url = f"https://news.example.com/{self._serial}"
            lines.append(f"- [{self._english_title()}]({url})")
        return "\n".join(lines)

    def _korean_title(self) -> str:
        self._serial += 1
        company = self._company()
        alias = self._rng.choice((company.name, *company.aliases))
        subject = self._rng.choice(KOREAN_SUBJECTS)
        verb = self._rng.choice(KOREAN_VERBS)
        particle = self._rng.choice(PARTICLES)
        return f"{alias}{particle} {subject} {verb}...{self._serial}번째 소식"

    def _english_title(self) -> str:
        company = self._company()
        subject = self._rng.choice(ENGLISH_SUBJECTS)
        return f"{company.english_name} {self._rng.choice(ENGLISH_VERBS)} {subject}"

    def _company(self) -> Company:
        return self._rng.choice(self._companies)


async def benchmark_companies(
    service: ArchiveService, repo: SqliteCompanyRepository
) -> list[Company]:
    """The first 200 bundled companies, topped up with synthetic ones if the list is shorter."""
    companies = await repo.all_companies()
    synthetic = [
        CompanySpec(f"벤치기업{number}", f"Benchco {number}")
        for number in range(len(companies), COMPANIES)
    ]
    if synthetic:  # as bundled companies: every server knows them
        await repo.upsert_companies(synthetic)
    return (await repo.all_companies())[:COMPANIES]


@dataclass(slots=True)
class Stopwatch:
    """Time spent inside ``timed`` blocks (to take the synthetic writing out of a figure)."""

    seconds: float = 0.0

    def timed(self, make: Callable[[], ImportRequest]) -> ImportRequest:
        started = time.perf_counter()
        request = make()
        self.seconds += time.perf_counter() - started
        return request


async def build_archive(
    service: ArchiveService,
    companies: list[Company],
    total: int,
    out: Console,
    *,
    daily: bool = False,
) -> float:
    """Import ``total`` headlines as weekly roundups over ten years; returns headlines/s.

    The articles go through ``import_roundups``, the bulk path of ``python -m bot import``,
    which parses the next article while the previous one is written.
    """
    writer = ArticleWriter(companies, random.Random(SEED))
    weeks = YEARS * (365 if daily else 52)  # articles: one a day or one a week
    per_week = max(1, total // weeks)
    writing = Stopwatch()

    def request(number: int) -> ImportRequest:
        day = FIRST_MONDAY + (timedelta(days=number) if daily else timedelta(weeks=number))
        text = writer.article(number, per_week)
        title = f"Bench {day.isoformat() if daily else week_of(day)}"  # one roundup each
        return ImportRequest(GUILD_ID, text, day=day, title=title)

    with Progress(console=out, transient=True, disable=not out.is_terminal) as progress:
        task = progress.add_task("building the archive", total=weeks * per_week)
        started = time.perf_counter()
        await service.import_roundups(
            (writing.timed(functools.partial(request, n)) for n in range(weeks)),
            on_imported=lambda result: progress.advance(task, result.roundup.headline_count),
        )
        elapsed = time.perf_counter() - started - writing.seconds
    return weeks * per_week / elapsed


async def single_import_throughput(
    service: ArchiveService, companies: list[Company], articles: int, per_article: int
) -> float:
    """Headlines/s of ``import_roundup`` one article at a time (no overlap between them)."""
    writer = ArticleWriter(companies, random.Random(SEED + 2))
    texts = [writer.article(number, per_article) for number in range(articles)]
    started = time.perf_counter()
    for number, text in enumerate(texts):
        day = FIRST_MONDAY + timedelta(weeks=YEARS * 52 + number)
        await service.import_roundup(ImportRequest(GUILD_ID, text, day=day, title=f"Single {day}"))
    return articles * per_article / (time.perf_counter() - started)


async def measure(runs: list[Callable[[], Awaitable[object]]]) -> Figures:
    timings = []
    for run in runs:
        started = time.perf_counter()
        await run()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p99_index = min(len(timings) - 1, round(0.99 * (len(timings) - 1)))
    return Figures(statistics.median(timings), timings[p99_index])


async def search(
    service: ArchiveService,
    text: str,
    *,
    week: str | None = None,
    company: str | None = None,
) -> HeadlinePage:
    return await service.search_headlines(GUILD_ID, text, week=week, company=company)


async def like_baseline(db: AnyDatabase, term: str, week: str | None) -> int:
    """The naive search: scan every title, then sort the matches (what an index avoids)."""
    sql = (
        "SELECT h.id FROM headlines AS h WHERE h.title LIKE :pattern"
        " AND (:week IS NULL OR h.week = :week) ORDER BY h.published_at DESC LIMIT 10"
    )
    count_sql = (
        "SELECT count(*) AS n FROM headlines AS h WHERE h.title LIKE :pattern"
        " AND (:week IS NULL OR h.week = :week)"
    )
    params = {"pattern": f"%{term}%", "week": week}
    await db.fetch_all(sql, params)
    row = await db.fetch_one(count_sql, params)
    return int(row["n"]) if row else 0


SEARCHES = {
    "Korean, 2 syllables": ["보안", "삼성", "게임", "로봇", "양자"],
    "Korean, longer": ["반도체 공급망", "랜섬웨어", "클라우드 요금", "데이터센터"],
    "English, 2 letters": ["AI", "MS", "5G"],
    "English, words": ["security", "ransomware attack", "Nvidia", "cloud pricing"],
}


async def run(args: argparse.Namespace) -> None:
    out = Console()
    path = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "bench-archive.db"
    reuse = path.exists()
    async with open_services(Settings(_env_file=None, database_path=path)) as services:
        db = services.database
        companies_repo = SqliteCompanyRepository(db)
        service = services.archive
        companies = await benchmark_companies(service, companies_repo)
        if reuse:
            out.print(f"reusing {path}")
            throughput = float("nan")
        else:
            throughput = await build_archive(
                service, companies, args.headlines, out, daily=args.daily
            )
        count = await db.fetch_one("SELECT count(*) AS n FROM headlines", {})
        rng = random.Random(SEED + 1)
        weeks = [
            row["week"] for row in await db.fetch_all("SELECT DISTINCT week FROM headlines", {})
        ]
        table = Table(title=f"{count['n'] if count else 0:,} headlines, {len(companies)} companies")
        for column in ("case", "p50 ms", "p99 ms", "LIKE p50 ms", "LIKE p99 ms", "p50 speed-up"):
            table.add_column(column, justify="right" if column != "case" else "left")
        for label, terms in SEARCHES.items():
            for with_week in (False, True):
                cases = [
                    (rng.choice(terms), rng.choice(weeks) if with_week else None)
                    for _ in range(args.samples)
                ]
                ours = await measure(
                    [functools.partial(search, service, t, week=w) for t, w in cases]
                )
                base_cases = cases[: args.baseline_samples]
                base = await measure(
                    [functools.partial(like_baseline, db, t, w) for t, w in base_cases]
                )
                name = label + (" + week" if with_week else "")
                table.add_row(
                    name,
                    f"{ours.p50_ms:.2f}",
                    f"{ours.p99_ms:.2f}",
                    f"{base.p50_ms:.1f}",
                    f"{base.p99_ms:.1f}",
                    f"{base.p50_ms / ours.p50_ms:.0f}x",
                )
        company_cases = [rng.choice(companies) for _ in range(args.samples)]
        filtered = await measure(
            [functools.partial(search, service, "보안", company=c.name) for c in company_cases]
        )
        table.add_row(
            "Korean + company filter",
            f"{filtered.p50_ms:.2f}",
            f"{filtered.p99_ms:.2f}",
            "",
            "",
            "",
        )
        lookup = await measure(
            [
                functools.partial(service.lookup_company, GUILD_ID, c.english_name)
                for c in company_cases
            ]
        )
        lookup_base = await measure(
            [
                functools.partial(like_baseline, db, c.name, None)
                for c in company_cases[: args.baseline_samples]
            ]
        )
        table.add_row(
            "company lookup",
            f"{lookup.p50_ms:.2f}",
            f"{lookup.p99_ms:.2f}",
            f"{lookup_base.p50_ms:.1f}",
            f"{lookup_base.p99_ms:.1f}",
            f"{lookup_base.p50_ms / lookup.p50_ms:.0f}x",
        )
        single = await single_import_throughput(service, companies, 5, 2000)
        out.print(table)
        out.print(
            f"bulk import (import_roundups): {throughput:,.0f} headlines/s (parse, extract, store)"
        )
        out.print(f"one article at a time (import_roundup): {single:,.0f} headlines/s")
    if not args.keep and not args.db:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--headlines", type=int, default=1_000_000)
    parser.add_argument("--db", help="build into (or reuse) this database file")
    parser.add_argument(
        "--daily", action="store_true", help="one article per day instead of one a week"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    parser.add_argument("--samples", type=int, default=300, help="timed runs per case")
    parser.add_argument("--baseline-samples", type=int, default=10, help="timed LIKE runs per case")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()

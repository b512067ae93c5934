"""Archive benchmark: search and company lookup on a synthetic archive, every answer checked.

    python bench/archive.py [--headlines 200000] [--weekly] [--db PATH] [--keep]
                            [--samples 300] [--cold-samples 3] [--baseline-samples 10]
                            [--only import]
    python bench/archive.py --headlines 1000000 --db /tmp/bench-1m/archive.db   # 1 M
    python bench/archive.py --headlines 50000 --only import   # the import figures alone

Builds a synthetic archive (Korean and English headlines, 200 companies, ten years of one
article per day, or with ``--weekly`` one a week) through the real import path (parse,
extract, store) and reports the import rate. Then, on the same database: warm p50/p99 of
each class of search (this process, ``--samples`` runs back to back) and cold ones (the
first search of a fresh process, the OS page cache dropped before each when we may write
/proc/sys/vm/drop_caches; after all the warm runs, which a drop would send to the disk),
against a narrow LIKE scan (sort key, id, title; newest first, stopping at the page and the
capped count), and whether every class meets TARGET_P99_MS. Every answer is checked against
the truth the generator wrote, found by a plain scan of every title (before the timed runs):
the page must be exactly the newest matches at its offset and the total the true count up
to TOTAL_CAP; a wrong answer exits 1.
With ``--only import`` it builds the archive, imports the one-at-a-time articles into it and
prints the two import rates, without the searches.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import functools
import gc
import json
import math
import os
import random
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import open_services
from bot.settings import Settings
from db import AnyDatabase, SqlCompanyRepository
from db.headlines import ALL_KEYS, week_key_range
from db.search import TOTAL_CAP
from news.archive.importing import ImportRequest
from news.archive.search_terms import query_units
from news.archive.service import COMPANY_HEADLINES, ArchiveService
from news.core.models import Company, CompanySpec, HeadlinePage
from news.core.weeks import week_of

GUILD_ID = 1
YEARS = 10
COMPANIES = 200
SEED = 20261127
FIRST_MONDAY = date(2016, 11, 28)
WALK_PAGE_SIZE = 25
# The speed target of the archive's search: no class of search slower than this at the warm
# p99 over a million headlines (a smaller archive's line is only a rehearsal).
TARGET_P99_MS = 5.0
T = TypeVar("T")

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
    "칩 수급 차질",
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
# Rare subjects: words frequent alone (AI, 칩, chip) and rarely side by side, and a rare word
# (큐비트) for the particle forms of rare words. About one title in RARE_EVERY has one.
KOREAN_RARE = ["AI 칩 설계", "큐비트 오류 정정"]
ENGLISH_RARE = ["AI chip design"]
RARE_EVERY = 5000


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
        subject = self._subject(KOREAN_SUBJECTS, KOREAN_RARE)
        verb = self._rng.choice(KOREAN_VERBS)
        particle = self._rng.choice(PARTICLES)
        return f"{alias}{particle} {subject} {verb}...{self._serial}번째 소식"

    def _english_title(self) -> str:
        company = self._company()
        subject = self._subject(ENGLISH_SUBJECTS, ENGLISH_RARE)
        return f"{company.english_name} {self._rng.choice(ENGLISH_VERBS)} {subject}"

    def _subject(self, common: list[str], rare: list[str]) -> str:
        if self._rng.randrange(RARE_EVERY) == 0:
            return self._rng.choice(rare)
        return self._rng.choice(common)

    def _company(self) -> Company:
        return self._rng.choice(self._companies)


async def benchmark_companies(service: ArchiveService, repo: SqlCompanyRepository) -> list[Company]:
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
    cpu_seconds: float = 0.0

    def timed(self, make: Callable[[], ImportRequest]) -> ImportRequest:
        started, cpu_started = time.perf_counter(), time.process_time()
        request = make()
        self.seconds += time.perf_counter() - started
        self.cpu_seconds += time.process_time() - cpu_started
        return request


def cpu_seconds() -> float:
    """CPU time of this process (all its threads) and of its finished child processes: the
    worker that prepares a batch counts once the batch is done. Other tenants of a shared
    machine stretch the wall time of an import far more than its CPU time."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass(frozen=True, slots=True)
class ImportRate:
    headlines_per_second: float  # wall time
    cpu_us_per_headline: float  # CPU time of every process and thread involved

    def __str__(self) -> str:
        return (
            f"{self.headlines_per_second:,.0f} headlines/s "
            f"({self.cpu_us_per_headline:,.0f} µs of CPU a headline)"
        )


async def build_archive(
    service: ArchiveService,
    companies: list[Company],
    total: int,
    out: Console,
    *,
    daily: bool = False,
) -> ImportRate:
    """Import ``total`` headlines as weekly roundups over ten years, at what rate.

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
        started, cpu_started = time.perf_counter(), cpu_seconds()
        await service.import_roundups(
            (writing.timed(functools.partial(request, n)) for n in range(weeks)),
            on_imported=lambda result: progress.advance(task, result.roundup.headline_count),
        )
        elapsed = time.perf_counter() - started - writing.seconds
        cpu = cpu_seconds() - cpu_started - writing.cpu_seconds
    headlines = weeks * per_week
    return ImportRate(headlines / elapsed, cpu / headlines * 1e6)


async def single_import_throughput(
    service: ArchiveService, companies: list[Company], articles: int, per_article: int
) -> ImportRate:
    """The rate of ``import_roundup`` one article at a time (no overlap between them)."""
    writer = ArticleWriter(companies, random.Random(SEED + 2))
    texts = [writer.article(number, per_article) for number in range(articles)]
    started, cpu_started = time.perf_counter(), cpu_seconds()
    for number, text in enumerate(texts):
        day = FIRST_MONDAY + timedelta(weeks=YEARS * 52 + number)
        await service.import_roundup(ImportRequest(GUILD_ID, text, day=day, title=f"Single {day}"))
    headlines = articles * per_article
    elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
    return ImportRate(headlines / elapsed, cpu / headlines * 1e6)


# -- what the answers must be ------------------------------------------------------------------

# Outside a Latin word: the search matches Latin words whole (AI never inside "said"), while a
# Korean word is any substring of the text.
_LATIN_EDGE_BEFORE = "(?<![a-z0-9])"
_LATIN_EDGE_AFTER = "(?![a-z0-9])"
_BETWEEN_WORDS = r"[\W_]+"  # what may stand between the words of a quoted phrase


def latin(*forms: str) -> str:
    """A Latin word in any of its forms (the search also finds a word's English plural)."""
    return _LATIN_EDGE_BEFORE + "(?:" + "|".join(map(re.escape, forms)) + ")" + _LATIN_EDGE_AFTER


def korean(word: str) -> str:
    return re.escape(word)


def phrase(*parts: str) -> str:
    """Parts (already patterns) one after the other with only spaces or punctuation between."""
    return _BETWEEN_WORDS.join(parts)


@dataclass(frozen=True, slots=True)
class Case:
    """A query and, written out by hand, what a headline must contain to match it: every
    pattern of ``anywhere`` in its title or summary, and every pattern of ``in_one_field``
    inside the title or inside the summary (a quoted phrase never spans the two)."""

    query: str
    anywhere: tuple[str, ...] = ()
    in_one_field: tuple[str, ...] = ()


def case(query: str, *anywhere: str, phrases: tuple[str, ...] = ()) -> Case:
    return Case(query, anywhere, phrases)


CASES: dict[str, list[Case]] = {
    "Korean, 2 syllables": [case(w, korean(w)) for w in ("보안", "삼성", "게임", "로봇", "양자")],
    "Korean, longer": [
        case("반도체 공급망", korean("반도체"), korean("공급망")),
        case("랜섬웨어", korean("랜섬웨어")),
        case("클라우드 요금", korean("클라우드"), korean("요금")),
        case("데이터센터", korean("데이터센터")),
    ],
    "Korean particle forms": [
        case("엔비디아는", korean("엔비디아")),
        case("마이크로소프트가", korean("마이크로소프트")),
        case("반도체가", korean("반도체")),
        case("큐비트는", korean("큐비트")),  # a rare word
    ],
    "English, 2 letters": [case(w, latin(w.lower())) for w in ("AI", "MS", "5G")],
    "English, words": [
        case("security", latin("security", "securities")),
        case("ransomware attack", latin("ransomware", "ransomwares"), latin("attack", "attacks")),
        case("Nvidia", latin("nvidia", "nvidias")),
        case("cloud pricing", latin("cloud", "clouds"), latin("pricing", "pricings")),
    ],
    "rare co-occurring words": [
        case("AI 칩", latin("ai"), korean("칩")),
        case("AI chip", latin("ai"), latin("chip", "chips")),
        case("큐비트 정정", korean("큐비트"), korean("정정")),
        # Frequent words that meet only where a company's name brings the other along.
        case("보안 게임", korean("보안"), korean("게임")),
        case("quantum game", latin("quantum", "quantums"), latin("game", "games")),
    ],
    "quoted phrases": [
        case('"AI 칩"', phrases=(phrase(latin("ai"), korean("칩")),)),
        case('"보안 취약점"', phrases=(phrase(korean("보안"), korean("취약점")),)),
        case('"open model"', phrases=(phrase(latin("open"), latin("model", "models")),)),
        case('"AI chip"', phrases=(phrase(latin("ai"), latin("chip", "chips")),)),
    ],
    "no match": [
        case("블록체인", korean("블록체인")),
        case("zzqx", latin("zzqx", "zzqxes")),
        # Two frequent words that never meet: a Korean title's subject is Korean, an English
        # title has no Korean, so both doclists are walked for nothing.
        case("보안 security", korean("보안"), latin("security", "securities")),
    ],
}
WEEK_CLASSES = ("Korean, 2 syllables", "Korean, longer", "English, 2 letters", "English, words")
FILTER_CASE = case("보안", korean("보안"))


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True, slots=True)
class Stored:
    """The archive as generated, read back once: the truth every answer is checked against."""

    sort_keys: list[int]  # newest first
    ids: list[int]
    weeks: list[str]
    titles: list[str]  # folded
    summaries: list[str]
    companies: dict[int, set[int]]  # company id -> headline ids
    week_rows: dict[str, list[int]]  # week -> its positions in the lists above, newest first

    def matching(self, wanted: Case, week: str | None, company_id: int | None) -> list[int]:
        """Ids of the headlines that match, newest first, by a plain scan of every text (of
        the week's, with a week)."""
        anywhere = [re.compile(p) for p in wanted.anywhere]
        one_field = [re.compile(p) for p in wanted.in_one_field]
        tagged = self.companies.get(company_id, set()) if company_id is not None else None
        found = []
        rows = self.week_rows.get(week, []) if week is not None else range(len(self.ids))
        for index in rows:
            if tagged is not None and self.ids[index] not in tagged:
                continue
            title, summary = self.titles[index], self.summaries[index]
            text = title + "\n" + summary
            if all(p.search(text) for p in anywhere) and all(
                p.search(title) or p.search(summary) for p in one_field
            ):
                found.append(self.ids[index])
        return found


async def read_stored(db: AnyDatabase) -> Stored:
    rows = await db.fetch_all(
        "SELECT id, sort_key, week, title, summary FROM headlines ORDER BY sort_key DESC", {}
    )
    companies: dict[int, set[int]] = {}
    for row in await db.fetch_all("SELECT company_id, headline_id FROM headline_companies", {}):
        companies.setdefault(row["company_id"], set()).add(row["headline_id"])
    week_rows: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        week_rows.setdefault(row["week"], []).append(index)
    return Stored(
        [r["sort_key"] for r in rows],
        [r["id"] for r in rows],
        [r["week"] for r in rows],
        [fold(r["title"]) for r in rows],
        [fold(r["summary"]) for r in rows],
        companies,
        week_rows,
    )


class WrongAnswer(Exception):
    pass


@dataclass(slots=True)
class Checker:
    """Checks every answer against the truth: the page must be exactly the newest matches
    at its offset (precision and recall on it) and the total the true count up to the cap."""

    stored: Stored
    checked: int = 0
    _truth: dict[tuple[str, str | None, int | None], list[int]] = field(default_factory=dict)

    def truth(self, wanted: Case, week: str | None, company_id: int | None = None) -> list[int]:
        key = (wanted.query, week, company_id)
        if key not in self._truth:
            self._truth[key] = self.stored.matching(wanted, week, company_id)
        return self._truth[key]

    def check(self, page: HeadlinePage, expected: list[int], label: str) -> None:
        self.check_answer(Answer.of(page), expected, label)

    def check_answer(self, got: Answer, expected: list[int], label: str) -> None:
        want = expected[got.offset : got.offset + got.limit]
        total = min(len(expected), TOTAL_CAP)
        exact = len(expected) < TOTAL_CAP
        if list(got.ids) != want or got.total != total or got.exact != exact:
            missing = sorted(set(want) - set(got.ids))[:5]
            extra = sorted(set(got.ids) - set(want))[:5]
            raise WrongAnswer(
                f"{label}: total {got.total} (exact {got.exact}), expected {total}; "
                f"missing {missing}, not matching {extra}"
            )
        self.checked += 1


@dataclass(frozen=True, slots=True)
class Answer:
    """What a search answered, as the checker needs it (a cold run reports it as JSON)."""

    ids: tuple[int, ...]
    total: int
    exact: bool
    offset: int
    limit: int

    @classmethod
    def of(cls, page: HeadlinePage) -> Answer:
        ids = tuple(headline.id for headline in page.headlines)
        return cls(ids, page.total, page.total_exact, page.offset, page.limit)


# -- timing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figures:
    p50_ms: float
    p99_ms: float
    runs: int


def figures(timings: list[float]) -> Figures:
    timings = sorted(timings)
    p99_index = min(len(timings) - 1, round(0.99 * (len(timings) - 1)))
    return Figures(statistics.median(timings), timings[p99_index], len(timings))


@dataclass(frozen=True, slots=True)
class Sample:
    """One run's wall-clock time and the CPU time this process spent on it (every thread,
    SQLite's included): on a machine shared with other jobs the wall clock also counts the
    time the run waited for a core, the CPU time does not."""

    wall_ms: float
    cpu_ms: float


@dataclass(slots=True)
class Samples:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, sample: Sample) -> None:
        self.wall.append(sample.wall_ms)
        self.cpu.append(sample.cpu_ms)


async def timed(run: Callable[[], Awaitable[T]]) -> tuple[T, Sample]:
    started, cpu = time.perf_counter(), time.process_time()
    result = await run()
    return result, Sample(
        (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    )


def drop_page_cache() -> bool:
    """Write the dirty pages and drop the OS page cache (Linux, as root); False if we can't."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


async def search(
    service: ArchiveService, text: str, week: str | None = None, company: str | None = None
) -> HeadlinePage:
    return await service.search_headlines(GUILD_ID, text, week=week, company=company)


async def recall_walk(
    service: ArchiveService, checker: Checker, wanted: Case, week: str | None
) -> None:
    """Every page of a query with fewer matches than the cap: recall over all of them."""
    expected = checker.truth(wanted, week)
    if len(expected) >= TOTAL_CAP:
        return
    for page_number in range(1, len(expected) // WALK_PAGE_SIZE + 2):
        page = await service.search_headlines(
            GUILD_ID, wanted.query, week=week, page=page_number, per_page=WALK_PAGE_SIZE
        )
        checker.check(page, expected, f"{wanted.query!r} page {page_number}")


# -- the LIKE baseline ------------------------------------------------------------------------


class LikeBaseline:
    """The plain scan the index is compared with: a narrow table (sort key, id, title) in
    memory, scanned newest first with ``title LIKE`` for each word, stopping once it has the
    page and a count up to the cap, as the search does: one scan, no sort."""

    def __init__(self, stored: Stored, raw_titles: list[str]) -> None:
        self._db = sqlite3.connect(":memory:")
        self._db.execute("CREATE TABLE narrow (sort_key INTEGER PRIMARY KEY, id INTEGER, title)")
        self._db.executemany(
            "INSERT INTO narrow VALUES (?, ?, ?)",
            zip(stored.sort_keys, stored.ids, raw_titles, strict=True),
        )

    def run(self, query: str, key_range: tuple[int, int]) -> Sample:
        words = [w for w in query.replace('"', " ").split() if w]
        where = " AND ".join("title LIKE ?" for _ in words)
        sql = (
            f"SELECT id FROM narrow WHERE sort_key BETWEEN ? AND ? AND {where}"
            " ORDER BY sort_key DESC LIMIT ?"
        )
        params = [*key_range, *(f"%{w}%" for w in words), TOTAL_CAP + 1]
        started, cpu = time.perf_counter(), time.process_time()
        self._db.execute(sql, params).fetchall()
        return Sample((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000)


# -- cold runs: a fresh process, the page cache dropped ------------------------------------------


async def cold_child(args: argparse.Namespace) -> None:
    """One search in this fresh process, printed as JSON for the parent to check."""
    async with open_services(Settings(_env_file=None, database_path=Path(args.db))) as services:
        query_units(args.cold)  # the analyser's dictionary loads once per process, not per query
        page, sample = await timed(lambda: search(services.archive, args.cold, args.cold_week))
    print(json.dumps({"ms": sample.wall_ms, "answer": dataclasses.asdict(Answer.of(page))}))


def cold_run(path: Path, query: str, week: str | None) -> tuple[Answer, float]:
    """One search in a fresh process (after the caller dropped the page cache)."""
    command = [sys.executable, __file__, "--db", str(path), "--cold", query]
    if week:
        command += ["--cold-week", week]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    reply = json.loads(done.stdout.strip().splitlines()[-1])
    answer = reply["answer"]
    return Answer(
        tuple(answer["ids"]), *(answer[k] for k in ("total", "exact", "offset", "limit"))
    ), float(reply["ms"])


@dataclass(slots=True)
class Line:
    label: str
    warm: Figures
    cpu: Figures
    cold: Figures | None = None
    like: Figures | None = None
    like_cpu: Figures | None = None

    @classmethod
    def of(cls, label: str, samples: Samples) -> Line:
        return cls(label, figures(samples.wall), figures(samples.cpu))


COLUMNS = (
    "case",
    "warm p50 ms",
    "warm p99 ms",
    "CPU p50 ms",
    "CPU p99 ms",
    "cold p50 ms",
    "cold max ms",
    "LIKE p50 ms",
    "LIKE p99 ms",
    "LIKE CPU p50 ms",
    "speed-up (warm p50)",
    "speed-up (CPU p50)",
)


def speed_up(ratio: float) -> str:
    """A ratio with one decimal below 10, so that a loss (0.3x) does not print as 0x."""
    return f"{ratio:.0f}x" if ratio >= 10 else f"{ratio:.1f}x"


def cells(line: Line) -> list[str]:
    cold, like, like_cpu = line.cold, line.like, line.like_cpu
    return [
        line.label,
        f"{line.warm.p50_ms:.2f}",
        f"{line.warm.p99_ms:.2f}",
        f"{line.cpu.p50_ms:.2f}",
        f"{line.cpu.p99_ms:.2f}",
        f"{cold.p50_ms:.1f}" if cold else "",
        f"{cold.p99_ms:.1f}" if cold else "",
        f"{like.p50_ms:.1f}" if like else "",
        f"{like.p99_ms:.1f}" if like else "",
        f"{like_cpu.p50_ms:.1f}" if like_cpu else "",
        speed_up(like.p50_ms / line.warm.p50_ms) if like else "",
        speed_up(like_cpu.p50_ms / max(line.cpu.p50_ms, 0.001)) if like_cpu else "",
    ]


async def measure_class(
    service: ArchiveService,
    checker: Checker,
    sampled: list[tuple[Case, str | None]],
) -> Samples:
    """Warm figures: every sampled search timed in this process, and its answer checked."""
    samples = Samples()
    for wanted, week in sampled:
        page, sample = await timed(functools.partial(search, service, wanted.query, week))
        checker.check(page, checker.truth(wanted, week), repr(wanted.query))
        samples.add(sample)
    return samples


def measure_cold(
    path: Path, checker: Checker, sampled: list[tuple[Case, str | None]], dropped: bool
) -> Figures:
    timings = []
    for wanted, week in sampled:
        if dropped:
            drop_page_cache()
        answer, ms = cold_run(path, wanted.query, week)
        checker.check_answer(answer, checker.truth(wanted, week), f"cold {wanted.query!r}")
        timings.append(ms)
    return figures(timings)


async def run(args: argparse.Namespace) -> int:  # noqa: PLR0912
    out = Console(width=max(Console().width, 200))
    path = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "bench-archive.db"
    reuse = path.exists()
    daily = not args.weekly
    async with open_services(Settings(_env_file=None, database_path=path)) as services:
        db = services.database
        service = services.archive
        companies = await benchmark_companies(service, SqlCompanyRepository(db))
        if reuse:
            out.print(f"reusing {path}")
            throughput = ImportRate(math.nan, math.nan)
        else:
            throughput = await build_archive(service, companies, args.headlines, out, daily=daily)
        if args.only == "import":
            per_article = args.headlines // (YEARS * (365 if daily else 52))
            single = await single_import_throughput(
                service, companies, args.single_articles, per_article
            )
            print_import_rates(out, throughput, single, daily=daily)
            remove_unless_kept(args, path)
            return 0
        await db.fetch_one("PRAGMA wal_checkpoint(TRUNCATE)")
        stored = await read_stored(db)
        raw_titles = [
            row["title"]
            for row in await db.fetch_all("SELECT title FROM headlines ORDER BY sort_key DESC", {})
        ]
        checker = Checker(stored)
        baseline = LikeBaseline(stored, raw_titles)
        del raw_titles
        # The truth (a million titles, their weeks and companies) is the bench's, not the
        # bot's: out of the collector's sight, so that the full collections it would set off
        # among the timed searches do not count against them.
        gc.collect()
        gc.freeze()
        rng = random.Random(SEED + 1)
        weeks = sorted(set(stored.weeks))
        lines: list[Line] = []
        cold_cases: list[tuple[Line, list[tuple[Case, str | None]]]] = []
        load_before = os.getloadavg()
        for label, cases in CASES.items():
            for with_week in (False, True) if label in WEEK_CLASSES else (False,):
                sampled = [
                    (rng.choice(cases), rng.choice(weeks) if with_week else None)
                    for _ in range(args.samples)
                ]
                # The truth of every sampled search before timing any: computing it scans
                # the bench's titles, which would leave each timed search with the CPU's
                # caches full of them.
                for wanted, week in sampled:
                    checker.truth(wanted, week)
                line = Line.of(
                    label + (" + week" if with_week else ""),
                    await measure_class(service, checker, sampled),
                )
                like = Samples()
                for wanted, week in sampled[: args.baseline_samples]:
                    like.add(baseline.run(wanted.query, week_key_range(week) if week else ALL_KEYS))
                line.like, line.like_cpu = figures(like.wall), figures(like.cpu)
                cold_cases.append((line, sampled[: args.cold_samples]))
                lines.append(line)
        for cases in CASES.values():
            for wanted in cases:
                await recall_walk(service, checker, wanted, None)

        company_cases = [rng.choice(companies) for _ in range(args.samples)]
        for company in company_cases:  # before timing, as above
            checker.truth(FILTER_CASE, None, company.id)
        samples = Samples()
        for company in company_cases:
            page, sample = await timed(
                functools.partial(search, service, FILTER_CASE.query, company=company.name)
            )
            expected = checker.truth(FILTER_CASE, None, company.id)
            checker.check(page, expected, f"보안 + company {company.name}")
            samples.add(sample)
        lines.append(Line.of("Korean + company filter", samples))
        newest_tagged = {
            company_id: [i for i in stored.ids if i in stored.companies.get(company_id, set())][
                :COMPANY_HEADLINES
            ]
            for company_id in {company.id for company in company_cases}
        }
        samples = Samples()
        for company in company_cases:
            lookup, sample = await timed(
                functools.partial(service.lookup_company, GUILD_ID, company.english_name)
            )
            report = lookup.report
            expected = newest_tagged[company.id]
            got = [h.id for h in report.headlines] if report else None
            if got != expected:
                raise WrongAnswer(f"/company {company.english_name}: {got} != {expected}")
            checker.checked += 1
            samples.add(sample)
        lines.append(Line.of("company lookup (/company)", samples))
        load_warm = os.getloadavg()
        one_at_a_time: ImportRate | None = None
        if not reuse:  # a reused archive has them already: importing again would replace them
            one_at_a_time = await single_import_throughput(
                service, companies, args.single_articles, len(stored.ids) // 3650
            )
            # Those articles are now the newest of the archive: the cold answers are checked
            # against the archive as it is after them.
            checker = Checker(await read_stored(db), checked=checker.checked)

        # Cold runs last: dropping the OS page cache before each would otherwise leave the
        # next class's warm runs, and the imports, reading from the disk.
        dropped = args.cold_samples > 0 and drop_page_cache()
        for line, cold in cold_cases:
            line.cold = measure_cold(path, checker, cold, dropped) if cold else None

    gc.unfreeze()  # the timed part is over
    table = Table(title=f"{len(stored.ids):,} headlines, {len(companies)} companies")
    for column in COLUMNS:
        table.add_column(column, justify="left" if column == "case" else "right")
    for line in lines:
        table.add_row(*cells(line))
    out.print(table)
    out.print(target_line(lines, len(stored.ids)))
    out.print(
        f"answers checked against the generated truth: {checker.checked:,}, all right "
        "(page = the newest matches at its offset, total = the true count up to "
        f"{TOTAL_CAP:,}; every page of each query under {TOTAL_CAP:,} matches walked)"
    )
    out.print(
        f"warm: {args.samples} runs a case in this process, back to back; "
        + cold_note(args.cold_samples, dropped=dropped)
    )
    out.print(
        "CPU: the CPU time this process (all its threads, SQLite's included) spent on the same "
        "warm runs, which waiting for a core on a busy machine does not count"
    )
    out.print(
        "load average (1, 5, 15 min) before the warm runs: "
        + ", ".join(f"{load:.1f}" for load in load_before)
        + "; after them: "
        + ", ".join(f"{load:.1f}" for load in load_warm)
        + f" ({os.cpu_count()} cores)"
    )
    out.print(
        f"LIKE: a narrow (sort key, id, title) table in memory scanned newest first, "
        f"stopping at {TOTAL_CAP + 1:,} matches; {args.baseline_samples} runs a case"
    )
    if one_at_a_time is None:
        out.print("import: not measured, the archive was reused (build a new one to measure it)")
    else:
        print_import_rates(out, throughput, one_at_a_time, daily=daily)
    remove_unless_kept(args, path)
    return 0


def cold_note(runs: int, *, dropped: bool) -> str:
    if runs == 0:
        return "cold: not measured (--cold-samples 0)"
    cache = (
        "page cache dropped before each"
        if dropped
        else "page cache NOT dropped (writing /proc/sys/vm/drop_caches needs root)"
    )
    return (
        f"cold: {runs} runs, each the first search of a fresh process, after every warm run, "
        + cache
    )


def target_line(lines: list[Line], headlines: int) -> str:
    """Whether every class meets TARGET_P99_MS at the warm p99, and which do not."""
    over = [
        f"{line.label} ({line.warm.p99_ms:.2f} ms)"
        for line in lines
        if line.warm.p99_ms > TARGET_P99_MS
    ]
    worst = max(lines, key=lambda line: line.warm.p99_ms)
    verdict = "met" if not over else "missed by " + ", ".join(over)
    return (
        f"target (at 1,000,000 headlines; here {headlines:,}), no class over "
        f"{TARGET_P99_MS:g} ms warm p99: {verdict}; slowest: {worst.label}, "
        f"{worst.warm.p99_ms:.2f} ms"
    )


def print_import_rates(
    out: Console, throughput: ImportRate, single: ImportRate, *, daily: bool
) -> None:
    shape = "one article per day" if daily else "one article per week"
    out.print(f"import, {shape} (import_roundups): {throughput} (parse, extract, store)")
    out.print(f"one article at a time into the full archive (import_roundup): {single}")
    load = ", ".join(f"{figure:.2f}" for figure in os.getloadavg())
    out.print(f"load average while measured (1, 5, 15 min): {load}")


def remove_unless_kept(args: argparse.Namespace, path: Path) -> None:
    """The temporary database goes, unless ``--keep`` or ``--db`` asked for it."""
    if not args.keep and not args.db:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--headlines", type=int, default=200_000)
    parser.add_argument("--db", help="build into (or reuse) this database file")
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument("--daily", action="store_true", help="one article per day (the default)")
    shape.add_argument("--weekly", action="store_true", help="one article per week instead")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    parser.add_argument("--samples", type=int, default=300, help="warm timed runs per case")
    parser.add_argument("--cold-samples", type=int, default=3, help="cold runs per case")
    parser.add_argument("--baseline-samples", type=int, default=10, help="timed LIKE runs per case")
    parser.add_argument(
        "--only", choices=("import",), help="measure only this: the two import rates"
    )
    parser.add_argument(
        "--single-articles",
        type=int,
        default=20,
        help="articles imported one at a time into the full archive (more: steadier figure)",
    )
    parser.add_argument("--cold", help=argparse.SUPPRESS)  # the child of a cold run
    parser.add_argument("--cold-week", help=argparse.SUPPRESS)
    return parser


def main() -> None:
    args = argument_parser().parse_args()
    if args.cold is not None:
        asyncio.run(cold_child(args))
        return
    try:
        sys.exit(asyncio.run(run(args)))
    except WrongAnswer as error:
        Console(stderr=True).print(f"[red]wrong answer:[/red] {error}", highlight=False)
        sys.exit(1)


if __name__ == "__main__":
    main()

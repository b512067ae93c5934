"""Alert benchmark: matching 100,000 subscriptions against 1,000 new headlines, then delivering
10,000 DMs to a fake Discord that enforces the global rate limit.

    python bench/alerts.py [--subscriptions N] [--users N] [--headlines N] [--dms N]
                           [--naive-headlines N] [--corpus DIR] [--skip-matching] [--skip-delivery]

Matching: the subscriptions (keywords drawn from the headlines' own words, companies and
topics, 10 per user) are matched against every headline by the engine (news.alerts.matching:
one Aho-Corasick pass per headline) and by the naive loop (every subscription against every
headline) in one run. The naive loop runs on the first ``--naive-headlines`` (it would take
most of an hour on all of them), and the engine is timed again on exactly those, so the
ratio compares like with like; both must find the same alerts there. The headlines are
the items of the feeds in ``--corpus`` (default ../shared/corpus/feeds), or generated ones
when it is absent. Also timed: AlertService.match_new over SQLite, from the inbox to the
outbox (the engine plus reading the headlines and writing the alerts).

Delivery: the real bot against a FakeDiscord on 127.0.0.1 that allows 50 requests per
second globally (plus per-channel buckets of 5 per 5 s, as Discord's message route has);
``--dms`` users, each with one alert waiting, get their DM through the alert job (each
costs opening the DM channel and sending the message). Reported: the achieved request rate
as a share of the allowed 50 per second, and the share of requests answered 429.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import SIDECAR_SUFFIXES
from bot.app import open_services
from bot.settings import Settings
from db import AnyDatabase, SqlAlertRepository
from news.alerts.matching import AlertMatcher, NaiveMatcher, one_per_user
from news.alerts.models import (
    ArrivedHeadline,
    Delivery,
    Keyword,
    NewSubscription,
    Subscription,
    SubscriptionKind,
    parse_keyword,
)
from news.archive.importing import ImportRequest
from news.archive.search_terms import text_terms
from news.catalog.recognition import CompanyRecognizer, TopicRecognizer
from news.core.errors import InvalidInput
from news.core.models import Company, Topic
from news.feeds.parse import parse_feed
from testkit.bot_harness import roundup_bot
from testkit.catalogue import bundled_catalogue
from testkit.fake_discord import FakeDiscord
from testkit.fake_discord.ratelimit import RateLimitConfig

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "feeds"
SEED = 20261128
GUILD_ID = 1
GLOBAL_LIMIT = 50  # requests per second, as Discord allows a bot
SUBSCRIPTIONS_PER_USER = 10
# The mix of what people follow: keywords, companies, topics.
KIND_WEIGHTS = {SubscriptionKind.KEYWORD: 0.4, SubscriptionKind.COMPANY: 0.35}


@dataclass(frozen=True, slots=True)
class Catalogue:
    companies: list[Company]
    topics: list[Topic]

    @classmethod
    def bundled(cls) -> Catalogue:
        return cls(*bundled_catalogue())


# --- data ----------------------------------------------------------------------------------


def corpus_texts(folder: Path) -> list[str]:
    """Title and summary of every item of every feed file under ``folder``."""
    texts: list[str] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix in SIDECAR_SUFFIXES:
            continue
        try:
            parsed = parse_feed(
                path.read_bytes(), url=f"https://corpus.test/{path.name}", now=datetime.now(UTC)
            )
        except InvalidInput:
            continue
        texts += [f"{item.title}\n{item.summary}" for item in parsed.items if item.title]
    return texts


def generated_texts(rng: random.Random, count: int) -> list[str]:
    subjects = ["삼성전자", "엔비디아", "오픈AI", "네이버", "Apple", "Microsoft", "카카오"]
    things = ["HBM", "보안 패치", "AI 칩", "클라우드 리전", "LLM", "데이터센터", "반도체"]
    verbs = ["공개", "출시", "투자", "발표", "launches", "acquires"]
    return [
        f"{rng.choice(subjects)}, {rng.choice(things)} {rng.choice(verbs)}" for _ in range(count)
    ]


def headlines_for(texts: list[str], count: int, catalogue: Catalogue) -> list[ArrivedHeadline]:
    companies = CompanyRecognizer(catalogue.companies)
    topics = TopicRecognizer(catalogue.topics)
    now = datetime.now(UTC)
    return [
        ArrivedHeadline(
            id=number,
            text=text,
            published_at=now,
            company_ids=companies.find(text),
            topic_ids=topics.find(text),
            guild_ids=(GUILD_ID,),
        )
        for number, text in enumerate(_cycled(texts, count), start=1)
    ]


def _cycled(texts: list[str], count: int) -> Iterator[str]:
    for number in range(count):
        yield texts[number % len(texts)]


def keyword_pool(texts: list[str], rng: random.Random) -> list[str]:
    """Words people would follow: pieces of the headlines' Korean words and whole English
    words, and a few two-word and quoted phrases."""
    singles: set[str] = set()
    for text in texts:
        for word in text.split():
            letters = "".join(ch for ch in word if ch.isalnum())
            if 2 <= len(letters) <= 12:
                singles.add(letters)
    pool = sorted(singles)
    phrases = [f"{rng.choice(pool)} {rng.choice(pool)}" for _ in range(len(pool) // 10)]
    quoted = [f'"{rng.choice(pool)} {rng.choice(pool)}"' for _ in range(len(pool) // 20)]
    return pool + phrases + quoted


def subscriptions_for(
    users: int, total: int, texts: list[str], catalogue: Catalogue, rng: random.Random
) -> list[Subscription]:
    keywords = keyword_pool(texts, rng)
    found: list[Subscription] = []
    for number in range(total):
        user_id = 10_000 + number % users
        found.append(_subscription(number + 1, user_id, rng, keywords, catalogue))
    return found


def _subscription(
    number: int, user_id: int, rng: random.Random, keywords: list[str], catalogue: Catalogue
) -> Subscription:
    roll = rng.random()
    if roll < KIND_WEIGHTS[SubscriptionKind.KEYWORD]:
        keyword = _parsed_keyword(rng, keywords)
        return Subscription(
            GUILD_ID,
            user_id,
            SubscriptionKind.KEYWORD,
            None,
            keyword.query,
            f"keyword:{keyword.query}",
            keyword.label,
            Delivery.DM,
            id=number,
        )
    if roll < KIND_WEIGHTS[SubscriptionKind.KEYWORD] + KIND_WEIGHTS[SubscriptionKind.COMPANY]:
        company = rng.choice(catalogue.companies)
        return _by_id(number, user_id, SubscriptionKind.COMPANY, company.id, company.name)
    topic = rng.choice(catalogue.topics)
    return _by_id(number, user_id, SubscriptionKind.TOPIC, topic.id, topic.name_en)


def _parsed_keyword(rng: random.Random, keywords: list[str]) -> Keyword:
    while True:
        try:
            return parse_keyword(rng.choice(keywords))
        except InvalidInput:
            continue


def _by_id(
    number: int, user_id: int, kind: SubscriptionKind, target: int, label: str
) -> Subscription:
    return Subscription(
        GUILD_ID,
        user_id,
        kind,
        target,
        str(target),
        f"{kind}:{target}",
        label,
        Delivery.DM,
        id=number,
    )


# --- matching --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MatchFigures:
    build_seconds: float
    engine_seconds: float  # every headline
    answered: int  # subscriptions answered, a user's several ones counted each
    dedupe_seconds: float  # keeping one subscription per user and headline
    alerts: int  # (user, headline) pairs
    sample: int  # headlines both matchers were timed on
    engine_sample_seconds: float
    naive_sample_seconds: float
    same_answers: bool  # on the sample

    @property
    def speedup(self) -> float:
        return self.naive_sample_seconds / self.engine_sample_seconds


def measure_matching(
    subscriptions: Sequence[Subscription], headlines: Sequence[ArrivedHeadline], sample: int
) -> MatchFigures:
    started = time.perf_counter()
    engine = AlertMatcher(subscriptions)
    built = time.perf_counter()
    engine_found = [engine.subscribers(h) for h in headlines]
    matched = time.perf_counter()
    alerts = sum(len(one_per_user(found)) for found in engine_found)
    deduped = time.perf_counter()
    sampled = headlines[:sample]
    sample_started = time.perf_counter()
    engine_sample = [engine.subscribers(h) for h in sampled]
    engine_sampled = time.perf_counter()
    naive = NaiveMatcher(subscriptions)
    naive_started = time.perf_counter()
    naive_sample = [naive.subscribers(h) for h in sampled]
    naive_done = time.perf_counter()
    return MatchFigures(
        build_seconds=built - started,
        engine_seconds=matched - built,
        answered=sum(len(found) for found in engine_found),
        dedupe_seconds=deduped - matched,
        alerts=alerts,
        sample=len(sampled),
        engine_sample_seconds=engine_sampled - sample_started,
        naive_sample_seconds=naive_done - naive_started,
        same_answers=list(map(_answer, engine_sample)) == list(map(_answer, naive_sample)),
    )


def _answer(found: list[Subscription]) -> list[int]:
    return sorted(s.id for s in found)


async def measure_service_matching(
    subscriptions: Sequence[Subscription], texts: list[str], headline_count: int
) -> tuple[float, int]:
    """AlertService.match_new over SQLite: the inbox of ``headline_count`` imported headlines
    against ``subscriptions``, to the outbox. (seconds, alerts queued)"""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, database_path=Path(folder) / "alerts.db")
        async with open_services(settings) as services:
            await _store_subscriptions(services.database, subscriptions)
            lines = "\n".join(f"- {t.splitlines()[0]}" for t in _cycled(texts, headline_count))
            await services.archive.import_roundup(
                ImportRequest(GUILD_ID, lines, title="bench", filename="bench.md")
            )
            started = time.perf_counter()
            queued = await services.alerts.match_new()
            return time.perf_counter() - started, queued


async def _store_subscriptions(
    database: AnyDatabase, subscriptions: Sequence[Subscription]
) -> None:
    repository = SqlAlertRepository(database)
    now = datetime.now(UTC)
    for subscription in subscriptions:
        new = NewSubscription(
            subscription.guild_id,
            subscription.user_id,
            subscription.kind,
            subscription.target_id,
            subscription.query,
            subscription.key,
            subscription.label,
            subscription.delivery,
        )
        await repository.add_subscription(new, limit=SUBSCRIPTIONS_PER_USER * 10, now=now)


# --- delivery --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeliveryFigures:
    dms: int
    requests: int
    limited: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


async def measure_delivery(dm_count: int) -> DeliveryFigures:
    limits = RateLimitConfig(
        global_limit=GLOBAL_LIMIT,
        route_overrides={"POST /channels/{channel_id}/messages": (5, 5.0)},
    )
    async with FakeDiscord(rate_limits=limits) as fake:
        guild = fake.add_guild("bench")
        fake.add_text_channel(guild, "news")
        users = [fake.add_user(f"reader{n}") for n in range(dm_count)]
        with tempfile.TemporaryDirectory() as folder:
            async with roundup_bot(fake, Path(folder) / "bot.db", guild.id) as bot:
                alerts = bot.services.alerts
                for user in users:
                    await alerts.subscribe(guild.id, user.id, keyword="벤치마크")
                await bot.services.archive.import_roundup(
                    ImportRequest(guild.id, "- 벤치마크 알림 기사", filename="bench.md")
                )
                await alerts.match_new()
                first = len(fake.requests)
                started = time.perf_counter()
                await bot.alert_dispatcher.run_job()
                seconds = time.perf_counter() - started
                window = fake.requests[first:]
                delivered = sum(1 for user in users if fake.dms(user.id))
    limited = sum(1 for request in window if request.status == 429)
    return DeliveryFigures(delivered, len(window), limited, seconds)


# --- report ----------------------------------------------------------------------------------


def report_matching(
    console: Console, figures: MatchFigures, service: tuple[float, int], counts: tuple[int, ...]
) -> None:
    subscriptions, users, headlines = counts
    table = Table(
        title=f"{subscriptions:,} subscriptions of {users:,} users × {headlines:,} headlines"
    )
    table.add_column("what")
    table.add_column("seconds", justify="right")
    table.add_row("engine: build the index", f"{figures.build_seconds:.3f}")
    table.add_row(f"engine: match all {headlines:,} headlines", f"{figures.engine_seconds:.3f}")
    table.add_row("one alert per user and headline", f"{figures.dedupe_seconds:.3f}")
    table.add_row(
        f"engine: match the first {figures.sample:,}", f"{figures.engine_sample_seconds:.4f}"
    )
    table.add_row(
        f"naive loop: match the first {figures.sample:,}", f"{figures.naive_sample_seconds:.3f}"
    )
    table.add_row("service: inbox → outbox over SQLite", f"{service[0]:.3f}")
    console.print(table)
    console.print(
        f"subscriptions answered: {figures.answered:,}; alerts (one per user and headline): "
        f"{figures.alerts:,} (service, titles only: {service[1]:,}); "
        f"same answers on the sample: {figures.same_answers}; "
        f"engine vs naive: {figures.speedup:.0f}× faster; "
        f"naive over all {headlines:,} would take about "
        f"{figures.naive_sample_seconds * headlines / figures.sample:.0f} s"
    )


def report_delivery(console: Console, figures: DeliveryFigures) -> None:
    share = figures.rate / GLOBAL_LIMIT
    limited = figures.limited / figures.requests if figures.requests else 0.0
    console.print(
        f"delivery: {figures.dms:,} DMs, {figures.requests:,} requests in {figures.seconds:.1f} s "
        f"= {figures.rate:.1f} req/s = {share:.1%} of the allowed {GLOBAL_LIMIT}/s; "
        f"429s: {figures.limited} ({limited:.2%} of requests)"
    )


async def run(args: argparse.Namespace) -> None:
    console = Console()
    rng = random.Random(SEED)
    if not args.skip_matching:
        catalogue = Catalogue.bundled()
        texts = corpus_texts(args.corpus) if args.corpus.is_dir() else []
        source = f"{len(texts):,} corpus items" if texts else "generated headlines"
        texts = texts or generated_texts(rng, args.headlines)
        console.print(
            f"headlines from {source}; terms per headline: "
            f"{sum(len(text_terms(t)) for t in texts) / len(texts):.0f}"
        )
        headlines = headlines_for(texts, args.headlines, catalogue)
        subscriptions = subscriptions_for(args.users, args.subscriptions, texts, catalogue, rng)
        figures = measure_matching(subscriptions, headlines, args.naive_headlines)
        service = await measure_service_matching(subscriptions, texts, args.headlines)
        report_matching(console, figures, service, (args.subscriptions, args.users, args.headlines))
    if not args.skip_delivery:
        report_delivery(console, await measure_delivery(args.dms))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--headlines", type=int, default=1_000)
    parser.add_argument("--dms", type=int, default=10_000)
    # The naive loop costs about 20 µs per subscription and headline: 100,000 × 1,000 would
    # take most of an hour, so it runs on the first headlines, as the engine does again.
    parser.add_argument("--naive-headlines", type=int, default=50)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--skip-matching", action="store_true")
    parser.add_argument("--skip-delivery", action="store_true")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()

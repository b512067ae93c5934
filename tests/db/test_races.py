"""Check-then-write paths raced from two connections at once, as two bot processes would:
the subscription limit, a server's companies and spellings, a server's feed limit, one feed
named by two forms of its URL, and one article imported twice. On PostgreSQL each writer
takes its scope's advisory lock (db/locks.py); on SQLite, BEGIN IMMEDIATE already admits one
writer at a time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest

from db import (
    AnyDatabase,
    SqlAlertRepository,
    SqlArchiveRepository,
    SqlCompanyRepository,
    SqlFeedRepository,
    SqlSettingsRepository,
)
from news.alerts.models import Delivery, NewSubscription, SubscriptionKind
from news.core.errors import InvalidInput
from news.core.models import CompanySpec
from news.digest.guild_settings import GuildSettingsService
from news.feeds.sources import FeedSource
from testkit.builders import headlines_roundup
from tests.backends import reopen

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
GUILD, USER = 1, 10
RACERS = 12  # concurrent writers, split over the two connections
T = TypeVar("T")


@pytest.fixture
async def other(database: AnyDatabase, tmp_path: Path) -> AsyncIterator[AnyDatabase]:
    """A second connection (pool) to the same database: the other process."""
    second = await reopen(database, tmp_path / "archive.db")
    yield second
    await second.close()


async def race(*writes: Awaitable[T]) -> list[T | BaseException]:
    return await asyncio.gather(*writes, return_exceptions=True)


def topic(target: int) -> NewSubscription:
    kind = SubscriptionKind.TOPIC
    return NewSubscription(
        GUILD, USER, kind, target, str(target), f"{kind}:{target}", "Topic", Delivery.DM
    )


def failures(outcomes: Sequence[object]) -> list[BaseException]:
    return [outcome for outcome in outcomes if isinstance(outcome, BaseException)]


async def test_racing_subscribes_never_pass_the_limit(
    database: AnyDatabase, other: AnyDatabase
) -> None:
    repos = [SqlAlertRepository(database), SqlAlertRepository(other)]

    outcomes = await race(
        *(repos[n % 2].add_subscription(topic(n), limit=5, now=NOW) for n in range(RACERS))
    )

    assert not failures(outcomes)
    assert sum(outcome is not None for outcome in outcomes) == 5
    assert len(await repos[0].subscriptions(GUILD, USER)) == 5


async def test_racing_subscribes_to_one_thing_make_one_subscription(
    database: AnyDatabase, other: AnyDatabase
) -> None:
    repos = [SqlAlertRepository(database), SqlAlertRepository(other)]

    outcomes = await race(
        *(repos[n % 2].add_subscription(topic(7), limit=5, now=NOW) for n in range(RACERS))
    )

    created = [o for o in outcomes if isinstance(o, tuple) and o[1]]
    assert not failures(outcomes)
    assert len(created) == 1
    assert len(await repos[0].subscriptions(GUILD, USER)) == 1


async def test_racing_adds_of_one_company_name_refuse_all_but_one(
    database: AnyDatabase, other: AnyDatabase
) -> None:
    repos = [SqlCompanyRepository(database), SqlCompanyRepository(other)]
    spec = CompanySpec("리벨리온", "Rebellions", ("RBLN",))

    outcomes = await race(*(repos[n % 2].add_company(spec, GUILD) for n in range(RACERS)))

    refusals = failures(outcomes)
    assert len(refusals) == RACERS - 1
    assert all(isinstance(e, InvalidInput) and e.code == "company.exists" for e in refusals)
    assert [c.name for c in await repos[0].guild_additions(GUILD)] == ["리벨리온"]


async def test_racing_companies_with_one_spelling_refuse_all_but_one(
    database: AnyDatabase, other: AnyDatabase
) -> None:
    repos = [SqlCompanyRepository(database), SqlCompanyRepository(other)]
    specs = [CompanySpec(f"회사{n}", f"Firm {n}", ("Shared AI",)) for n in range(RACERS)]

    outcomes = await race(*(repos[n % 2].add_company(s, GUILD) for n, s in enumerate(specs)))

    refusals = failures(outcomes)
    assert len(refusals) == RACERS - 1
    assert all(isinstance(e, InvalidInput) and e.code == "alias.taken" for e in refusals)
    assert len(await repos[0].guild_additions(GUILD)) == 1


async def test_racing_aliases_give_a_spelling_to_one_company_only(
    database: AnyDatabase, other: AnyDatabase
) -> None:
    repos = [SqlCompanyRepository(database), SqlCompanyRepository(other)]
    firms = [
        await repos[0].add_company(CompanySpec(f"회사{n}", f"Firm {n}"), GUILD) for n in (1, 2)
    ]

    outcomes = await race(
        *(repos[n % 2].add_alias(firms[n % 2].id, "Shared AI", GUILD) for n in range(RACERS))
    )

    owners = {
        o.id for o in outcomes if not isinstance(o, BaseException) and "Shared AI" in o.aliases
    }
    assert len(owners) == 1
    # Nobody is told the spelling was added when it was not.
    assert all(isinstance(o, BaseException) or "Shared AI" in o.aliases for o in outcomes)
    assert all(isinstance(e, InvalidInput) and e.code == "alias.taken" for e in failures(outcomes))


def feed(url: str) -> FeedSource:
    return FeedSource(id=0, url=url, title="Wire", next_poll_at=NOW)


async def test_racing_follows_never_pass_a_servers_feed_limit(
    database: AnyDatabase, other: AnyDatabase
) -> None:
    repos = [SqlFeedRepository(database), SqlFeedRepository(other)]

    outcomes = await race(
        *(
            repos[n % 2].follow_feed(
                GUILD, feed(f"https://wire{n}.test/feed"), name=None, added_by=None,
                added_at=NOW, limit=4,
            )
            for n in range(RACERS)
        )
    )  # fmt: skip

    refusals = failures(outcomes)
    assert len(refusals) == RACERS - 4
    assert all(isinstance(e, InvalidInput) and e.code == "feed.too_many" for e in refusals)
    assert len(await repos[0].guild_feeds(GUILD)) == 4


async def test_racing_follows_of_one_feed_in_two_forms_store_one_source(
    database: AnyDatabase, other: AnyDatabase
) -> None:
    repos = [SqlFeedRepository(database), SqlFeedRepository(other)]
    forms = [
        "https://wire.test/feed",
        "http://wire.test/feed/",
        "https://wire.test/feed?utm_source=x",
    ]

    outcomes = await race(
        *(
            repos[n % 2].follow_feed(
                GUILD + n, feed(forms[n % 3]), name=None, added_by=None, added_at=NOW
            )
            for n in range(RACERS)
        )
    )

    assert not failures(outcomes)
    assert len({o[0].source.id for o in outcomes if isinstance(o, tuple)}) == 1


async def test_racing_imports_of_one_article_make_one_roundup(
    database: AnyDatabase, other: AnyDatabase
) -> None:
    repos = [SqlArchiveRepository(database), SqlArchiveRepository(other)]
    article = headlines_roundup("엔비디아, 새 칩 공개", "삼성, HBM 양산", guild_id=GUILD)

    outcomes = await race(*(repos[n % 2].save_roundup(article) for n in range(RACERS)))

    saved = [o for o in outcomes if isinstance(o, tuple)]
    assert not failures(outcomes)
    assert len({roundup.id for roundup, _ in saved}) == 1
    assert sorted(replaced for _, replaced in saved) == [False] + [True] * (RACERS - 1)


async def test_racing_settings_changes_of_two_admins_both_last(
    database: AnyDatabase, other: AnyDatabase
) -> None:
    digest = GuildSettingsService(SqlSettingsRepository(database))
    alerts = GuildSettingsService(SqlSettingsRepository(other))

    outcomes = await race(
        digest.configure_digest(
            GUILD, channel_id=500, weekday=4, hour=18, timezone="Asia/Seoul", language="en"
        ),
        alerts.set_alert_channel(GUILD, 600),
    )

    assert not failures(outcomes)
    stored = await digest.settings(GUILD)
    assert (stored.digest_channel_id, stored.digest_hour, stored.alert_channel_id) == (
        500,
        18,
        600,
    )

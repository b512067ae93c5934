"""The digest record, the week's candidates and the digest options on real SQLite."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from db import Database, SqlArchiveRepository, SqlDigestRepository, SqlSettingsRepository
from news.core.models import GuildSettings
from news.digest.posts import DigestOptions, DigestPart, DigestPost, OptionPart, PostState
from testkit.builders import WEDNESDAY, headline, roundup, section
from tests.backends import table_names

NOW = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)


def new_post(guild_id: int = 1, week: str = "2026-W48", **changes: Any) -> DigestPost:
    post = DigestPost(
        guild_id=guild_id,
        week=week,
        state=PostState.POSTING,
        channel_id=55,
        edition=1,
        part_count=2,
        created_at=NOW,
        updated_at=NOW,
    )
    return replace(post, **changes)


async def test_migrations_bring_an_empty_database_to_the_digest_schema(database: Database) -> None:
    assert await database.schema_version() == database.latest_version >= 2
    assert {"digest_posts", "digest_parts"} <= await table_names(database)


async def test_unknown_post_is_none(database: Database) -> None:
    assert await SqlDigestRepository(database).get_post(1, "2026-W48") is None


async def test_post_round_trip(database: Database) -> None:
    digests = SqlDigestRepository(database)
    post = new_post(last_error="forbidden")
    await digests.save_post(post)
    assert await digests.get_post(1, "2026-W48") == post


async def test_one_record_per_guild_and_week(database: Database) -> None:
    digests = SqlDigestRepository(database)
    await digests.save_post(new_post())
    await digests.save_post(new_post(state=PostState.POSTED))
    rows = await database.fetch_all("SELECT * FROM digest_posts")
    assert [row["state"] for row in rows] == ["posted"]


async def test_planned_part_has_no_message_id_until_recorded(database: Database) -> None:
    digests = SqlDigestRepository(database)
    post = new_post()
    await digests.save_post(post)
    await digests.plan_part(post, DigestPart(0, "nonce-a", "roundup-bot · 2026-W48 · 1/2"))
    planned = await digests.get_post(1, "2026-W48")
    assert planned is not None and planned.parts[0].message_id is None
    await digests.record_part(post, 0, 777)
    recorded = await digests.get_post(1, "2026-W48")
    assert recorded is not None and recorded.parts == (
        DigestPart(0, "nonce-a", "roundup-bot · 2026-W48 · 1/2", 777),
    )


async def test_a_post_shows_the_parts_of_its_current_edition_only(database: Database) -> None:
    digests = SqlDigestRepository(database)
    first = new_post()
    await digests.save_post(first)
    await digests.plan_part(first, DigestPart(0, "old", "m1", 1))
    second = replace(first, edition=2)
    await digests.save_post(second)
    await digests.plan_part(second, DigestPart(0, "new", "m2"))
    found = await digests.get_post(1, "2026-W48")
    assert found is not None and [p.nonce for p in found.parts] == ["new"]


async def test_unfinished_posts_leave_out_posted_and_missed(database: Database) -> None:
    digests = SqlDigestRepository(database)
    for week, state in [
        ("2026-W45", PostState.POSTED),
        ("2026-W46", PostState.MISSED),
        ("2026-W47", PostState.FAILED),
        ("2026-W48", PostState.POSTING),
    ]:
        await digests.save_post(new_post(week=week, state=state))
    assert [p.week for p in await digests.unfinished_posts()] == ["2026-W47", "2026-W48"]


async def test_options_default_before_setup(database: Database) -> None:
    assert await SqlDigestRepository(database).digest_options(1) == DigestOptions()


async def test_options_need_a_settings_row(database: Database) -> None:
    saved = await SqlDigestRepository(database).save_digest_options(
        1, DigestOptions(), set(OptionPart)
    )
    assert saved is False


async def test_options_round_trip_and_survive_a_settings_save(database: Database) -> None:
    settings = SqlSettingsRepository(database)
    digests = SqlDigestRepository(database)
    await settings.save_settings(GuildSettings(1, digest_channel_id=5))
    options = DigestOptions(thread=True, max_sections=3, max_items=7, scheduled_since=NOW)
    assert await digests.save_digest_options(1, options, set(OptionPart))
    await settings.save_settings(GuildSettings(1, digest_channel_id=6))
    assert await digests.digest_options(1) == options


async def test_saving_some_options_keeps_the_others(database: Database) -> None:
    await SqlSettingsRepository(database).save_settings(GuildSettings(1, digest_channel_id=5))
    digests = SqlDigestRepository(database)
    stored = DigestOptions(thread=True, max_sections=3, max_items=7, scheduled_since=NOW)
    await digests.save_digest_options(1, stored, set(OptionPart))
    # Decided on options read before the thread, sizes and schedule were stored.
    stale = DigestOptions(max_items=9)

    assert await digests.save_digest_options(1, stale, {OptionPart.ITEMS})
    assert await digests.save_digest_options(1, stale, ())

    assert await digests.digest_options(1) == replace(stored, max_items=9)
    assert await digests.save_digest_options(2, stale, ()) is False


async def test_scheduled_guilds_are_those_with_a_digest_channel(database: Database) -> None:
    settings = SqlSettingsRepository(database)
    await settings.save_settings(GuildSettings(1, digest_channel_id=5, timezone="Europe/Paris"))
    await settings.save_settings(GuildSettings(2))
    scheduled = await SqlDigestRepository(database).scheduled_guilds()
    assert [(s.guild_id, s.timezone) for s in scheduled] == [(1, "Europe/Paris")]


async def test_week_candidates_carry_the_publisher_of_their_roundup(database: Database) -> None:
    await SqlArchiveRepository(database).save_roundup(
        roundup(section(headline("칩 소식", "https://example.com/chip")), publisher="가상일보")
    )
    candidates = await SqlDigestRepository(database).week_candidates(1, "2026-W48")
    assert [(c.headline.title, c.source) for c in candidates] == [("칩 소식", "가상일보")]


async def test_week_candidates_prefer_a_followed_feed_title(database: Database) -> None:
    await SqlArchiveRepository(database).save_roundup(
        roundup(section(headline("칩 소식", "https://example.com/chip")))
    )
    async with database.transaction() as tx:
        await tx.execute("INSERT INTO sources (kind, key, title) VALUES ('feed', 'f', '피드뉴스')")
        await tx.execute(
            "INSERT INTO headline_sources SELECT h.id, s.id FROM headlines h, sources s "
            "WHERE s.key = 'f'"
        )
        await tx.execute(
            "INSERT INTO guild_sources (guild_id, source_id) "
            "SELECT 1, id FROM sources WHERE key = 'f'"
        )
    candidates = await SqlDigestRepository(database).week_candidates(1, "2026-W48")
    assert [c.source for c in candidates] == ["피드뉴스"]


async def test_week_candidates_stay_in_their_week_and_guild(database: Database) -> None:
    archive = SqlArchiveRepository(database)
    await archive.save_roundup(roundup(section(headline("이번 주"))))
    later = datetime(2026, 12, 2, tzinfo=UTC)
    await archive.save_roundup(roundup(section(headline("다음 주", at=later)), at=later))
    await archive.save_roundup(roundup(section(headline("남의 서버")), guild_id=2))
    candidates = await SqlDigestRepository(database).week_candidates(1, "2026-W48")
    assert [c.headline.title for c in candidates] == ["이번 주"]
    assert candidates[0].headline.published_at == WEDNESDAY

"""Hostile and oversized input: the longest options Discord allows, Markdown and mentions typed
by users or found in imported articles, and a roundup far larger than one message."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import pytest
import pytest_asyncio

from testkit.bot_harness import discord_accepts_everything
from testkit.fake_discord import StoredMessage
from tests.e2e.bot_harness import BotWorld, bot_world

pytestmark = pytest.mark.asyncio(loop_scope="module")

INJECTIONS = ["@everyone", "<@123>", "**bold**", "[x](javascript:alert(1))"]
INJECTED = " ".join(INJECTIONS)

HOSTILE_DAY = date(2026, 2, 4)
HOSTILE_WEEK = "2026-W06"
HOSTILE_ROUNDUP = f"""# {INJECTED}

## 공지 **굵게**

{INJECTED} 엔비디아를 언급한 논평.

- [엔비디아 @everyone 긴급 **공지** <@123>](javascript:alert(1))
- 엔비디아 [x](javascript:alert(1)) 두 번째 소식
"""

HUGE_DAY = date(2026, 2, 11)
HUGE_WEEK = "2026-W07"
HUGE_HEADLINES = 60


def huge_roundup() -> str:
    """Three sections, each with 5,000 characters of commentary and 20 headlines of 300."""
    lines = ["# 아주 긴 라운드업", ""]
    for section in range(3):
        lines += [f"## 긴 섹션 {section + 1}", "", ("논평 문장입니다. " * 500)[:5000], ""]
        for item in range(20):
            number = section * 20 + item
            title = f"긴 헤드라인 {number:02d} " + "가나다라마바사 " * 40
            lines.append(f"- [{title[:300]}](https://example.com/long/{number})")
        lines.append("")
    return "\n".join(lines)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def started(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotWorld]:
    async with bot_world(tmp_path_factory.mktemp("inputs")) as world:
        await world.import_roundup(world.alpha, HOSTILE_ROUNDUP, HOSTILE_DAY)
        huge = await world.import_roundup(world.alpha, huge_roundup(), HUGE_DAY)
        assert huge.roundup.headline_count == HUGE_HEADLINES
        yield world


@pytest.fixture
def world(started: BotWorld) -> Iterator[BotWorld]:
    with discord_accepts_everything(started.fake):
        yield started
        shown = [m for m in started.fake.all_messages if not m.loading]
        assert [m.id for m in shown if not m.mentions_disabled] == []


def visible_text(message: StoredMessage) -> str:
    """Everything a reader sees in a message: content, and every text part of its embeds."""
    parts = [message.content]
    for embed in message.embeds:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [(embed.get("footer") or {}).get("text") or ""]
        for embed_field in embed.get("fields") or []:
            parts += [embed_field["name"], embed_field["value"]]
    return "\n".join(parts)


def assert_inert(text: str) -> None:
    """No Markdown from outside is live: no bold, no link (a script link least of all)."""
    assert "**bold**" not in text
    assert "**공지**" not in text
    assert "[x](javascript:" not in text.replace("\\[x](javascript:", "")


def assert_shown_as_typed(text: str) -> None:
    """What a user typed reads as they typed it: its Markdown escaped, not removed."""
    assert_inert(text)
    assert "@everyone <@123> \\*\\*bold\\*\\* \\[x\\](javascript:alert(1))" in text


async def test_search_of_the_longest_query_is_answered(world: BotWorld) -> None:
    reply = await world.reply(world.alpha, "headlines", {"query": "보안" * 100})

    assert reply.embeds[0]["description"] == "No headlines match."


async def test_company_of_the_longest_name_is_answered(world: BotWorld) -> None:
    reply = await world.reply(world.alpha, "company", {"name": "가" * 100})

    assert "I don't know a company called" in reply.embeds[0]["description"]


async def test_markdown_and_mentions_typed_as_a_company_are_shown_inert(world: BotWorld) -> None:
    reply = await world.reply(world.alpha, "company", {"name": INJECTED})

    assert_shown_as_typed(visible_text(reply))
    assert reply.mentions_disabled


async def test_markdown_and_mentions_typed_as_a_query_are_shown_inert(world: BotWorld) -> None:
    reply = await world.reply(world.alpha, "headlines", {"query": INJECTED})

    assert_shown_as_typed(visible_text(reply))
    assert reply.mentions_disabled


async def test_markdown_and_mentions_in_an_imported_roundup_are_shown_inert(
    world: BotWorld,
) -> None:
    reply = await world.reply(world.alpha, "roundup", {"week": HOSTILE_WEEK})

    assert_inert(visible_text(reply))
    assert "@everyone <@123>" in visible_text(reply)
    assert reply.mentions_disabled


async def test_markdown_in_imported_headlines_is_inert_in_company_replies(
    world: BotWorld,
) -> None:
    reply = await world.reply(world.alpha, "company", {"name": "엔비디아"})

    assert_inert(visible_text(reply))
    assert "엔비디아 @everyone 긴급" in visible_text(reply)


async def test_huge_roundup_is_split_into_messages_within_embed_limits(world: BotWorld) -> None:
    record = await world.run(world.alpha, "roundup", {"week": HUGE_WEEK})

    def embeds() -> list[dict[str, Any]]:
        messages = [record.original, *record.followups]
        return [embed for message in messages if message for embed in message.embeds]

    def headlines_shown() -> int:
        return sum(e.get("description", "").count("• ") for e in embeds())

    await world.fake.wait_until(
        lambda: headlines_shown() == HUGE_HEADLINES, what="every headline of the roundup"
    )
    assert record.followups  # one message could not hold them all
    titles = [embed.get("title") for embed in embeds()[1:] if embed.get("title")]
    assert titles == [f"긴 섹션 {n}" for n in (1, 2, 3)]

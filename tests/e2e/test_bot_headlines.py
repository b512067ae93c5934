"""/headlines: results, pages turned with buttons, filters and their autocomplete."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import pytest
import pytest_asyncio

from cogs.archive.headlines import HeadlinePager
from testkit.bot_harness import discord_accepts_everything
from testkit.fake_discord import CallbackType, InteractionRecord, StoredMessage
from tests.e2e.bot_harness import OLDER_ROUNDUP_WEEK, BotWorld, bot_world, security_roundup

pytestmark = pytest.mark.asyncio(loop_scope="module")

PAGED_HEADLINES = 18  # three pages of 8, 8 and 2
PAGED_QUERY = {"query": "점검 소식"}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def started(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotWorld]:
    async with bot_world(tmp_path_factory.mktemp("headlines")) as world:
        await world.import_both_roundups(world.alpha)
        await world.import_roundup(world.alpha, security_roundup(PAGED_HEADLINES), date(2026, 5, 6))
        yield world


@pytest.fixture
def world(started: BotWorld) -> Iterator[BotWorld]:
    with discord_accepts_everything(started.fake):
        yield started


@pytest.fixture
def pagers(world: BotWorld, monkeypatch: pytest.MonkeyPatch) -> list[HeadlinePager]:
    """Every pager /headlines makes from now on, so a test can expire one at will."""
    # load_extension executed the cog's module afresh: patch the module the bot runs.
    module = sys.modules[type(world.bot.get_cog("HeadlinesCog")).__module__]
    made: list[HeadlinePager] = []

    class RecordedPager(module.HeadlinePager):  # type: ignore[name-defined,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(module, "HeadlinePager", RecordedPager)
    return made


def button(message: StoredMessage, label: str) -> dict[str, Any]:
    found = [c for c in message.interactive_components() if c.get("label") == label]
    assert found, f"no {label!r} button in {message.components}"
    return found[0]


def footer(message: StoredMessage) -> str:
    return str(message.embeds[0]["footer"]["text"])


def titles(message: StoredMessage) -> str:
    return str(message.embeds[0].get("description", ""))


async def click(
    world: BotWorld, message: StoredMessage, user_id: int, label: str
) -> InteractionRecord:
    record = await world.fake.component(message.id, user_id, button(message, label)["custom_id"])
    await record.wait_response()
    return record


async def search(world: BotWorld, locale: str = "en-US") -> StoredMessage:
    return await world.reply(world.alpha, "headlines", PAGED_QUERY, locale=locale)


async def test_headlines_lists_the_first_page_of_matches(world: BotWorld) -> None:
    message = await search(world)

    assert message.embeds[0]["title"] == "🔎 점검 소식"
    assert titles(message).count("• ") == 8
    assert "(https://example.com/security-" in titles(message)
    assert footer(message) == "1–8 of 18 · page 1/3"
    assert not message.ephemeral
    assert message.mentions_disabled


async def test_headlines_pager_speaks_korean_to_a_korean_client(world: BotWorld) -> None:
    message = await search(world, locale="ko")

    assert footer(message) == "18건 중 1–8 · 1/3쪽"
    assert button(message, "다음")
    assert button(message, "이전")["disabled"] is True


async def test_next_button_pressed_by_the_asker_shows_the_next_page(world: BotWorld) -> None:
    message = await search(world)

    record = await click(world, message, world.alpha.member.id, "Next")

    assert record.callback is not None
    assert record.callback.type == CallbackType.UPDATE_MESSAGE
    assert footer(message) == "9–16 of 18 · page 2/3"
    assert button(message, "Previous").get("disabled") is not True


async def test_last_page_disables_the_next_button(world: BotWorld) -> None:
    message = await search(world)

    await click(world, message, world.alpha.member.id, "Next")
    await click(world, message, world.alpha.member.id, "Next")

    assert footer(message) == "17–18 of 18 · page 3/3"
    assert titles(message).count("• ") == 2
    assert button(message, "Next")["disabled"] is True


async def test_previous_button_goes_back_a_page(world: BotWorld) -> None:
    message = await search(world)
    await click(world, message, world.alpha.member.id, "Next")

    await click(world, message, world.alpha.member.id, "Previous")

    assert footer(message) == "1–8 of 18 · page 1/3"


async def test_someone_else_pressing_the_buttons_is_refused_privately(world: BotWorld) -> None:
    message = await search(world)
    first_page = titles(message)

    record = await click(world, message, world.alpha.admin.id, "Next")

    refusal = await record.wait_reply()
    assert refusal.ephemeral
    assert refusal.content == "Only the person who ran this search can turn its pages."
    assert titles(message) == first_page
    assert message.edits == []


async def test_expired_pager_disables_its_buttons_on_the_message(
    world: BotWorld, pagers: list[HeadlinePager]
) -> None:
    message = await search(world)
    (pager,) = pagers

    # What discord.py does when the view's timeout fires, without waiting five minutes.
    pager.stop()
    await pager.on_timeout()

    assert pager.is_finished()
    assert [c.get("disabled") for c in message.interactive_components()] == [True, True]
    assert footer(message) == "1–8 of 18 · page 1/3"


async def test_single_page_of_results_comes_without_buttons(
    world: BotWorld, pagers: list[HeadlinePager]
) -> None:
    message = await world.reply(world.alpha, "headlines", {"query": "엔비디아"})

    assert message.components == []
    assert footer(message) == "1–1 of 1 · page 1/1"
    assert all(pager.is_finished() for pager in pagers)


async def test_search_without_matches_says_so(world: BotWorld) -> None:
    message = await world.reply(world.alpha, "headlines", {"query": "양자컴퓨터"})

    assert message.embeds[0]["description"] == "No headlines match."


async def test_week_filter_keeps_that_weeks_headlines(world: BotWorld) -> None:
    options = {"query": "마이크로소프트", "week": OLDER_ROUNDUP_WEEK}

    message = await world.reply(world.alpha, "headlines", options)

    assert "데이터센터 전력 계약" in titles(message)
    assert "새 AI 가속기" not in titles(message)


async def test_company_filter_keeps_that_companys_headlines(world: BotWorld) -> None:
    options = {"query": "데이터센터", "company": "엔비디아"}

    message = await world.reply(world.alpha, "headlines", options)

    assert "엔비디아, 데이터센터 매출 신기록" in titles(message)
    assert "마이크로소프트" not in titles(message)


async def test_topic_filter_keeps_that_topics_headlines(world: BotWorld) -> None:
    options = {"query": "마이크로소프트", "topic": "security"}

    message = await world.reply(world.alpha, "headlines", options)

    assert "보안 패치 일정" in titles(message)
    assert "새 AI 가속기" not in titles(message)


async def test_unknown_company_filter_gets_a_private_domain_message(world: BotWorld) -> None:
    options = {"query": "데이터센터", "company": "Zorblax"}

    message = await world.reply(world.alpha, "headlines", options)

    assert message.ephemeral
    assert message.content.startswith("I don't know a company called 'Zorblax'.")


async def test_malformed_week_filter_gets_a_private_domain_message(world: BotWorld) -> None:
    message = await world.reply(world.alpha, "headlines", {"query": "보안", "week": "next week"})

    assert message.ephemeral
    assert "next week" in message.content


async def test_company_filter_autocompletes_company_names(world: BotWorld) -> None:
    choices = await world.choices(world.alpha, "headlines", "company", "엔비")

    assert choices[0] == ("엔비디아 (NVIDIA)", "엔비디아")


async def test_topic_filter_autocompletes_in_korean_and_english(world: BotWorld) -> None:
    korean = await world.choices(world.alpha, "headlines", "topic", "보안", locale="ko")
    english = await world.choices(world.alpha, "headlines", "topic", "sec")

    assert korean[0] == ("보안 (Security)", "security")
    assert english[0] == ("보안 (Security)", "security")

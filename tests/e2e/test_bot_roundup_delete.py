"""/roundup-delete through the fake Discord: autocompleted among the server's own roundups,
asked for confirmation with buttons only the admin who asked may press, Manage Server only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio

from testkit.bot_harness import discord_accepts_everything
from testkit.fake_discord import InteractionRecord, StoredMessage
from tests.e2e.bot_harness import LINKED_ROUNDUP, OLDER_ROUNDUP, BotWorld, bot_world

pytestmark = pytest.mark.asyncio(loop_scope="module")

SECOND_ROUNDUP = """# 또 다른 라운드업

## 모바일

- [삼성, 새 폴더블 공개](https://example.com/fold)
"""


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def started(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotWorld]:
    async with bot_world(tmp_path_factory.mktemp("roundup_delete")) as world:
        yield world


@pytest.fixture
def world(started: BotWorld) -> Iterator[BotWorld]:
    with discord_accepts_everything(started.fake):
        yield started


def button(message: StoredMessage, label: str) -> dict[str, Any]:
    found = [c for c in message.interactive_components() if c.get("label") == label]
    assert found, f"no {label!r} button in {message.components}"
    return found[0]


async def press(
    world: BotWorld, message: StoredMessage, user_id: int, label: str
) -> InteractionRecord:
    record = await world.fake.component(message.id, user_id, button(message, label)["custom_id"])
    await record.wait_response()
    return record


async def ask_to_delete(world: BotWorld, roundup_id: int) -> StoredMessage:
    return await world.reply(world.alpha, "roundup-delete", {"roundup": roundup_id}, admin=True)


async def test_roundup_delete_autocompletes_only_this_servers_roundups(world: BotWorld) -> None:
    mine = await world.import_roundup(world.alpha, SECOND_ROUNDUP)
    theirs = await world.import_roundup(world.beta, OLDER_ROUNDUP)

    choices = await world.choices(world.alpha, "roundup-delete", "roundup", "")

    values = [int(value) for _, value in choices]
    assert mine.roundup.id in values and theirs.roundup.id not in values
    assert all(len(name) <= 100 for name, _ in choices) and len(choices) <= 25
    assert any("또 다른 라운드업" in name for name, _ in choices)


async def test_roundup_delete_asks_first_and_deletes_on_confirm(world: BotWorld) -> None:
    await world.import_roundup(world.alpha, LINKED_ROUNDUP)
    doomed = (await world.import_roundup(world.alpha, SECOND_ROUNDUP)).roundup

    question = await ask_to_delete(world, doomed.id)

    assert question.ephemeral and question.mentions_disabled
    assert question.content.startswith("Delete **또 다른 라운드업**")
    await press(world, question, world.alpha.admin.id, "Delete")
    assert question.content == f"Deleted **또 다른 라운드업** ({doomed.week})."
    assert question.interactive_components() == []
    found = await world.reply(world.alpha, "headlines", {"query": "폴더블"})
    assert found.embeds[0]["description"] == "No headlines match."
    shown = await world.reply(world.alpha, "roundup")
    assert "또 다른 라운드업" not in str(shown.embeds)


async def test_roundup_delete_cancel_keeps_the_roundup(world: BotWorld) -> None:
    kept = (await world.import_roundup(world.alpha, SECOND_ROUNDUP)).roundup
    question = await ask_to_delete(world, kept.id)

    await press(world, question, world.alpha.admin.id, "Cancel")

    assert question.content == "Nothing was deleted."
    assert kept.id in [r.id for r in await world.bot.services.archive.roundups(world.alpha.id)]


async def test_only_the_admin_who_asked_can_confirm(world: BotWorld) -> None:
    kept = (await world.import_roundup(world.alpha, SECOND_ROUNDUP)).roundup
    question = await ask_to_delete(world, kept.id)

    record = await press(world, question, world.alpha.member.id, "Delete")

    refusal = await record.wait_reply()
    assert refusal.ephemeral
    assert refusal.content == "Only the person who asked can answer this question."
    assert kept.id in [r.id for r in await world.bot.services.archive.roundups(world.alpha.id)]


async def test_roundup_delete_of_another_servers_roundup_is_refused(world: BotWorld) -> None:
    theirs = (await world.import_roundup(world.beta, OLDER_ROUNDUP)).roundup

    reply = await ask_to_delete(world, theirs.id)

    assert reply.ephemeral
    assert reply.content == f"There is no roundup #{theirs.id} in this server."
    assert theirs.id in [r.id for r in await world.bot.services.archive.roundups(world.beta.id)]


async def test_roundup_delete_needs_manage_server(world: BotWorld) -> None:
    mine = (await world.import_roundup(world.alpha, SECOND_ROUNDUP)).roundup

    refusal = await world.reply(world.alpha, "roundup-delete", {"roundup": mine.id})

    assert refusal.ephemeral
    assert refusal.content == "Only members with the Manage Server permission can do that."

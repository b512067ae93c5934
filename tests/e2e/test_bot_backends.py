"""Every slash command answers the same on both backends: the same scene played through the
fake Discord against a bot on SQLite and a bot on PostgreSQL, and the two transcripts (what
each member saw, ids aside) compared reply for reply."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from testkit.bot_harness import discord_accepts_everything
from testkit.fake_discord import OptionValue, StoredMessage
from testkit.postgres import TemplateServer
from tests.e2e.bot_harness import OLDER_ROUNDUP_WEEK, BotWorld, bot_world

FRIDAY = 4
# Snowflakes (guilds, channels, messages) differ between two runs of the fake; the archive's
# own ids (roundups, subscriptions) must not.
SNOWFLAKE = re.compile(r"\d{15,}")


@dataclass(frozen=True, slots=True)
class Step:
    command: str
    options: Mapping[str, OptionValue]
    admin: bool = False
    locale: str = "en-US"


SCENE = (
    Step("company", {"name": "MS"}),
    Step("company", {"name": "마이크로소프트가"}, locale="ko"),
    Step("company", {"name": "없는회사"}),
    Step("headlines", {"query": "보안"}),
    Step("headlines", {"query": "마이크로소프트", "week": OLDER_ROUNDUP_WEEK}),
    Step("headlines", {"query": '"보안 패치"'}, locale="ko"),
    Step("headlines", {"query": "데이터센터", "company": "엔비디아"}),
    Step("roundup", {}),
    Step("roundup", {"week": OLDER_ROUNDUP_WEEK}, locale="ko"),
    Step("companies add", {"name": "가상로봇", "english": "Fictobot"}, admin=True),
    Step("companies alias", {"company": "엔비디아", "alias": "녹색팀"}, admin=True),
    Step("company", {"name": "녹색팀"}),
    Step("setup show", {}, admin=True),
    Step("digest preview", {}, admin=True),
    Step("subscribe", {"keyword": "보안"}),
    Step("subscribe", {"company": "마이크로소프트"}),
    Step("subscriptions", {}),
    Step("alerts status", {}),
    Step("feed list", {}, admin=True),
    Step("help", {}),
)


def seen(message: StoredMessage) -> str:
    """What the member saw, with Discord's snowflakes (which differ per run) blanked."""
    shown = {
        "content": message.content,
        "embeds": [{k: v for k, v in e.items() if k != "timestamp"} for e in message.embeds],
        "components": message.components,
        "ephemeral": message.ephemeral,
    }
    return SNOWFLAKE.sub("<id>", json.dumps(shown, ensure_ascii=False, sort_keys=True))


async def transcript(tmp_path: Path, database_url: str | None = None) -> list[str]:
    async with bot_world(tmp_path, database_url=database_url) as world:
        await world.import_both_roundups(world.alpha)
        with discord_accepts_everything(world.fake):
            return [await play(world, step) for step in SCENE]


async def play(world: BotWorld, step: Step) -> str:
    reply = await world.reply(
        world.alpha, step.command, step.options, admin=step.admin, locale=step.locale
    )
    return seen(reply)


async def clean_database(server: TemplateServer) -> str:
    assert server.working is not None
    connection = await asyncpg.connect(server.working)
    try:
        await server.clean(connection)
    finally:
        await connection.close()
    return server.working


async def test_every_command_answers_the_same_on_sqlite_and_postgresql(
    postgres_server: TemplateServer, tmp_path: Path
) -> None:
    on_sqlite = await transcript(tmp_path / "sqlite")
    on_postgres = await transcript(tmp_path / "postgres", await clean_database(postgres_server))

    for step, sqlite_reply, postgres_reply in zip(SCENE, on_sqlite, on_postgres, strict=True):
        assert postgres_reply == sqlite_reply, f"/{step.command} {dict(step.options)}"
    # The scene is a real one: the archive answered, not an error on both sides.
    assert "마이크로소프트 (Microsoft)" in on_sqlite[0]
    assert "ms-patch" in on_sqlite[3]
    assert "가상로봇" in on_sqlite[9] and "엔비디아 (NVIDIA)" in on_sqlite[11]

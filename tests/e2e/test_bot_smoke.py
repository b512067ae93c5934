from __future__ import annotations

from pathlib import Path

from tests.e2e.bot_harness import add_server, roundup_bot
from tests.e2e.fake_discord import FakeDiscord


async def test_company_command_answers_through_discord(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    server = add_server(fake_discord, "alpha")
    async with roundup_bot(fake_discord, tmp_path / "bot.db", server.id):
        record = await fake_discord.slash(
            server.id, server.channel.id, server.member.id, "company", {"name": "MS"}
        )
        reply = await record.wait_reply()
    assert "마이크로소프트" in reply.embeds[0]["title"]
    assert not fake_discord.rejections
    assert not fake_discord.unknown_routes

"""``python -m bot sync [--global]``: pushing the commands without a gateway connection."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.client import sync_commands
from testkit.bot_harness import add_server, settings_for
from testkit.fake_discord import FakeDiscord, Op, point_discord_at


async def test_sync_global_pushes_every_command_without_connecting(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    server = add_server(fake_discord, "alpha")
    settings = settings_for(fake_discord, tmp_path / "bot.db", server.id)
    with point_discord_at(fake_discord):
        assert await sync_commands(settings, everywhere=True) == 0
    names = {command["name"] for command in fake_discord.commands(None)}
    assert {"company", "headlines", "roundup", "roundup-import", "setup", "help"} <= names
    assert fake_discord.gateway.frames_received(Op.IDENTIFY) == []


async def test_sync_to_the_development_server(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    server = add_server(fake_discord, "alpha")
    settings = settings_for(fake_discord, tmp_path / "bot.db", server.id)
    with point_discord_at(fake_discord):
        assert await sync_commands(settings, everywhere=False) == 0
    assert fake_discord.commands(server.id)
    assert fake_discord.commands(None) == []


async def test_sync_without_a_server_or_global_is_refused(
    fake_discord: FakeDiscord, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(fake_discord, tmp_path / "bot.db", 1).model_copy(
        update={"dev_guild_id": None}
    )
    with point_discord_at(fake_discord):
        assert await sync_commands(settings, everywhere=False) == 2
    assert "DEV_GUILD_ID" in capsys.readouterr().err

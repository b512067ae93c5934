"""The real roundup-bot, built exactly as ``python -m bot run`` builds it, against the fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from bot.client import RoundupBot, bot_session
from bot.settings import Settings
from tests.e2e.fake_discord import (
    Channel,
    FakeDiscord,
    Guild,
    LoopbackOnlyConnector,
    Member,
    Perm,
    running_bot,
)


@dataclass(frozen=True, slots=True)
class Server:
    """One Discord server of the scenario: an admin, a plain member and a text channel."""

    guild: Guild
    channel: Channel
    admin: Member
    member: Member

    @property
    def id(self) -> int:
        return self.guild.id


def add_server(fake: FakeDiscord, name: str, *, locale: str = "en-US") -> Server:
    guild = fake.add_guild(name, locale=locale)
    channel = fake.add_text_channel(guild, "news")
    admin = fake.add_member(guild, f"{name}-admin", permissions=Perm.MANAGE_GUILD)
    member = fake.add_member(guild, f"{name}-member")
    return Server(guild, channel, admin, member)


def settings_for(fake: FakeDiscord, database: Path, dev_guild_id: int) -> Settings:
    """The five settings the issue names, and nothing else."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]  # pydantic-settings' init-only option
        discord_token=SecretStr(fake.token),
        discord_api_base=fake.api_base,
        discord_gateway_url=fake.gateway_url,
        dev_guild_id=dev_guild_id,
        database_path=database,
    )


@asynccontextmanager
async def roundup_bot(
    fake: FakeDiscord, database: Path, dev_guild_id: int
) -> AsyncIterator[RoundupBot]:
    settings = settings_for(fake, database, dev_guild_id)
    async with bot_session(
        settings, connector=LoopbackOnlyConnector(), guild_ready_timeout=0.05
    ) as bot:
        async with running_bot(bot, fake):
            yield bot

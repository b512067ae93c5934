"""The real roundup-bot, built exactly as ``python -m bot run`` builds it (through
``bot.client.bot_session``, so through the one composition root), against the fake Discord;
and the servers of a scenario. Shared by the end-to-end tests and the benches."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from bot.client import RoundupBot, bot_session
from bot.settings import Settings
from testkit.fake_discord import (
    Channel,
    FakeDiscord,
    Guild,
    LoopbackOnlyConnector,
    Member,
    Perm,
    point_discord_at,
    running_bot,
)

# A read-only server (announcements style): nobody may post, the bot included, since its
# admins never granted it Send Messages.
READ_ONLY = Perm.VIEW_CHANNEL | Perm.READ_MESSAGE_HISTORY | Perm.USE_APPLICATION_COMMANDS


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


def add_server(fake: FakeDiscord, name: str, *, read_only: bool = False) -> Server:
    """A server; in a ``read_only`` one, neither @everyone nor the bot may send messages."""
    if read_only:
        guild = fake.add_guild(name, bot_permissions=READ_ONLY)
        guild.everyone.permissions = READ_ONLY
    else:
        guild = fake.add_guild(name)
    channel = fake.add_text_channel(guild, "news")
    admin = fake.add_member(guild, f"{name}-admin", permissions=Perm.MANAGE_GUILD)
    member = fake.add_member(guild, f"{name}-member")
    return Server(guild, channel, admin, member)


def settings_for(
    fake: FakeDiscord,
    database: Path,
    dev_guild_id: int,
    *,
    allow_private_urls: bool = False,
    database_url: str | None = None,
) -> Settings:
    """The five settings the issue names, and private URLs for a feed site on 127.0.0.1;
    with ``database_url``, the archive is in that PostgreSQL database instead of the file."""
    return Settings(
        _env_file=None,  # pydantic-settings' init-only option: ignore .env in tests
        discord_token=SecretStr(fake.token),
        discord_api_base=fake.api_base,
        discord_gateway_url=fake.gateway_url,
        dev_guild_id=dev_guild_id,
        database_path=database,
        database_url=None if database_url is None else SecretStr(database_url),
        allow_private_urls=allow_private_urls,
    )


@asynccontextmanager
async def roundup_bot(
    fake: FakeDiscord,
    database: Path,
    dev_guild_id: int,
    *,
    allow_private_urls: bool = False,
    database_url: str | None = None,
) -> AsyncIterator[RoundupBot]:
    settings = settings_for(
        fake,
        database,
        dev_guild_id,
        allow_private_urls=allow_private_urls,
        database_url=database_url,
    )
    # bot_session points discord.py's process-wide URLs at the fake; put them back after,
    # or later tests would talk to a server that is gone.
    with point_discord_at(fake):
        async with (
            bot_session(
                settings, connector=LoopbackOnlyConnector(), guild_ready_timeout=0.05
            ) as bot,
            running_bot(bot, fake),
        ):
            yield bot


@contextmanager
def discord_accepts_everything(fake: FakeDiscord) -> Iterator[None]:
    """Check, when the block ends without error, that nothing the bot sent during it was
    refused, every route it used existed, and every interaction delivered during it was
    acknowledged (in time: the fake refuses callbacks older than 3 s with 10062)."""
    rejections, unknown_routes = len(fake.rejections), len(fake.unknown_routes)
    interactions = set(fake.backend.interactions)
    yield
    assert fake.rejections[rejections:] == []
    assert fake.unknown_routes[unknown_routes:] == []
    new = [fake.backend.interactions[i] for i in fake.backend.interactions if i not in interactions]
    assert [record.id for record in new if not record.acknowledged] == []
